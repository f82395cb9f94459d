import type { V1Namespace } from '@kubernetes/client-node';
import {
  MANAGED_BY_VALUE,
  type KaasMarkKeys,
  type TenantIsolation,
  type TenantSummary,
} from '@kaas-platform/plugin-kaas-common';

export type { TenantSummary };

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
  const description = ns.metadata?.annotations?.[marks.description];
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
    ...(description ? { description } : {}),
  };
}
