import { InputError } from '@backstage/errors';
import type {
  ClusterRole,
  TenantRequest,
} from '@kaas-platform/plugin-kaas-common';
import type { ClusterRegistry } from '../clusters/ClusterRegistry';
import type { KaasCluster } from '../clusters/KaasCluster';

/** The cluster role a tenant of this isolation needs: namespaces on `tenants`, the rest on `management`. */
export function requiredClusterRole(
  isolation: TenantRequest['isolation'],
): ClusterRole {
  return isolation === 'namespace' ? 'tenants' : 'management';
}

/**
 * The cluster a tenant goes to: the requested one if it plays the role the isolation
 * needs, otherwise the first configured cluster with that role.
 */
export function chooseTenantCluster(
  request: Pick<TenantRequest, 'isolation' | 'cluster'>,
  registry: ClusterRegistry,
): KaasCluster {
  const role = requiredClusterRole(request.isolation);
  const candidates = registry.withRole(role).map(c => c.name);
  if (request.cluster) {
    const cluster = registry.get(request.cluster);
    if (!cluster.hasRole(role)) {
      throw new InputError(
        `Cluster '${
          cluster.name
        }' does not have the '${role}' role that isolation '${
          request.isolation
        }' needs; choose one of: ${
          candidates.join(', ') || '(none configured)'
        }`,
      );
    }
    return cluster;
  }
  if (candidates.length === 0) {
    throw new InputError(
      `No configured cluster has the '${role}' role that isolation '${request.isolation}' needs; add the role to a cluster in kaas.clusters`,
    );
  }
  return registry.get(candidates[0]);
}
