import { CoreV1Api } from '@kubernetes/client-node';
import {
  MANAGED_BY_VALUE,
  kaasMarkKeys,
} from '@kaas-platform/plugin-kaas-common';
import type { KaasCluster } from '../clusters/KaasCluster';
import type { TenantSettings } from '../tenants/tenantPolicy';

/**
 * A namespace the platform marked as its own (`<markPrefix>/managed-by`): a tenant's home
 * or XaaS namespace, which records its tenant and owner, or the platform namespace, which
 * records neither.
 *
 * @public
 */
export interface MarkedNamespace {
  name: string;
  /** The `<markPrefix>/tenant` label, when set. */
  tenant?: string;
  /** The `<markPrefix>/owner` annotation (the owner group's ref), when set. */
  owner?: string;
}

/**
 * The namespaces of `cluster` marked as the platform's, by name, as the cluster records
 * them right now (one list call, no cache: a namespace created a moment ago counts).
 * Rejects when the cluster cannot be read.
 *
 * @public
 */
export async function listMarkedNamespaces(
  cluster: KaasCluster,
  settings: Pick<TenantSettings, 'markPrefix'>,
): Promise<Map<string, MarkedNamespace>> {
  const marks = kaasMarkKeys(settings.markPrefix);
  const list = await cluster.api(CoreV1Api).listNamespace({
    labelSelector: `${marks.managedBy}=${MANAGED_BY_VALUE}`,
  });
  const marked = new Map<string, MarkedNamespace>();
  for (const namespace of list.items) {
    const name = namespace.metadata?.name;
    if (!name) continue;
    const tenant = namespace.metadata?.labels?.[marks.tenant];
    const owner = namespace.metadata?.annotations?.[marks.owner];
    marked.set(name, {
      name,
      ...(tenant ? { tenant } : {}),
      ...(owner ? { owner } : {}),
    });
  }
  return marked;
}
