import { CoreV1Api } from '@kubernetes/client-node';
import {
  MANAGED_BY_VALUE,
  type KaasMarkKeys,
} from '@kaas-platform/plugin-kaas-common';
import {
  askEveryCluster,
  clustersUnavailable,
} from '../clusters/askEveryCluster';
import type { KaasCluster } from '../clusters/KaasCluster';
import { tenantSummaryOf, type TenantSummary } from './tenantSummary';

/**
 * Every tenant on `clusters`, read live from the marks on their home namespaces, by name.
 * For decisions over many tenants (a policy rollout); what is shown comes from the
 * inventory. Fails, naming them, when a cluster cannot be asked.
 */
export async function listTenantsLive(
  clusters: KaasCluster[],
  marks: KaasMarkKeys,
): Promise<TenantSummary[]> {
  const { answered, failed } = await askEveryCluster(clusters, async cluster =>
    (
      await cluster.api(CoreV1Api).listNamespace({
        labelSelector: `${marks.managedBy}=${MANAGED_BY_VALUE},${marks.isolation}`,
      })
    ).items
      .filter(ns => !ns.metadata?.deletionTimestamp)
      .flatMap(ns => tenantSummaryOf(ns, cluster.name, marks) ?? []),
  );
  if (failed.length) throw clustersUnavailable(failed, 'for tenants');
  return answered
    .flatMap(a => a.value)
    .sort((a, b) => a.name.localeCompare(b.name));
}
