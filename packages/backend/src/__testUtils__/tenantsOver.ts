import type { Config } from '@backstage/config';
import {
  ClusterRegistry,
  TenantService,
} from '@kaas-platform/plugin-kaas-node';

/**
 * The kaas-node tenant service over `config`, as the backend builds it, to arrange
 * tenants on the cluster beside the backend under test; `createTeamATenant` creates a
 * namespace tenant of profile `small` owned by team-a.
 */
export function tenantsOver(config: Config) {
  const clusters = ClusterRegistry.fromConfig(config);
  const tenants = TenantService.fromConfig(config, { clusters });
  const createTeamATenant = (name: string) =>
    tenants.create(
      tenants.validate({
        name,
        owner: 'group:default/team-a',
        isolation: 'namespace',
        profile: 'small',
      }),
    );
  return { clusters, tenants, createTeamATenant };
}
