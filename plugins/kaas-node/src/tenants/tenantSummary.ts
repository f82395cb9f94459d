import type { V1Namespace } from '@kubernetes/client-node';
import {
  MANAGED_BY_VALUE,
  type KaasMarkKeys,
  type TenantIsolation,
} from '@internal/plugin-kaas-common';

/** A tenant as its home namespace's marks describe it. @public */
export interface TenantSummary {
  name: string;
  namespace: string;
  cluster: string;
  isolation: TenantIsolation;
  owner: string;
  profile: string;
  /** ISO timestamp of the home namespace's creation. */
  createdAt: string;
}

/** The tenant whose home namespace `ns` is, or undefined when `ns` is no platform home namespace. */
export function tenantSummaryOf(
  ns: V1Namespace,
  cluster: string,
  marks: KaasMarkKeys,
): TenantSummary | undefined {
  const labels = ns.metadata?.labels ?? {};
  const name = labels[marks.tenant];
  if (labels[marks.managedBy] !== MANAGED_BY_VALUE || !name) return undefined;
  let profile = '';
  try {
    profile =
      JSON.parse(ns.metadata?.annotations?.[marks.spec] ?? '{}').profile ?? '';
  } catch {
    // A hand-edited spec annotation; the rest of the summary still holds.
  }
  return {
    name,
    namespace: ns.metadata!.name!,
    cluster,
    isolation: labels[marks.isolation] as TenantIsolation,
    owner: ns.metadata?.annotations?.[marks.owner] ?? '',
    profile,
    createdAt: ns.metadata?.creationTimestamp
      ? new Date(ns.metadata.creationTimestamp).toISOString()
      : '',
  };
}
