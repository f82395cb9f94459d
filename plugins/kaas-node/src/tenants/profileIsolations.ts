import type { TenantIsolation } from '@kaas-platform/plugin-kaas-common';
import type { TenantProfile } from './tenantPolicy';

/**
 * The isolations a profile can serve: every profile serves `namespace` and `vcluster`
 * (the vCluster settings have defaults); whole clusters need a ClusterClass or a
 * Crossplane claim.
 *
 * @public
 */
export function profileIsolations(profile: TenantProfile): TenantIsolation[] {
  const isolations: TenantIsolation[] = ['namespace', 'vcluster'];
  if (profile.clusterClass || profile.crossplane) isolations.push('cluster');
  return isolations;
}
