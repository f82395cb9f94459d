import { CLUSTER_RESOURCE_SET_API_VERSION } from './renderInClusterPolicy';
import type { TenantPolicy } from './tenantPolicy';

/**
 * The kinds the tenant policy renders into a home namespace besides the namespace itself:
 * the quota, the limit range, each kind of the baseline, once each, and the ConfigMap and
 * ClusterResourceSet of in-cluster policy when a profile has some.
 */
export function policyKinds(
  policy: TenantPolicy,
): Array<{ apiVersion: string; kind: string }> {
  const kinds = new Map<string, { apiVersion: string; kind: string }>([
    ['v1/ResourceQuota', { apiVersion: 'v1', kind: 'ResourceQuota' }],
    ['v1/LimitRange', { apiVersion: 'v1', kind: 'LimitRange' }],
  ]);
  for (const { apiVersion, kind } of policy.baseline) {
    if (kind !== 'Namespace')
      kinds.set(`${apiVersion}/${kind}`, { apiVersion, kind });
  }
  if (Object.values(policy.profiles).some(p => p.inCluster?.length)) {
    kinds.set('v1/ConfigMap', { apiVersion: 'v1', kind: 'ConfigMap' });
    kinds.set('ClusterResourceSet', {
      apiVersion: CLUSTER_RESOURCE_SET_API_VERSION,
      kind: 'ClusterResourceSet',
    });
  }
  return [...kinds.values()];
}
