/**
 * What a configured cluster is used for.
 *
 * - `tenants`: namespace tenants are created on it.
 * - `management`: hosts Cluster API / Crossplane objects of virtual-cluster and cluster tenants.
 * - `xaas`: runs operator-backed service instances of tenants that have no namespace of their own there.
 *
 * @public
 */
export const CLUSTER_ROLES = ['tenants', 'management', 'xaas'] as const;

/** @public */
export type ClusterRole = (typeof CLUSTER_ROLES)[number];

/** @public */
export function isClusterRole(value: unknown): value is ClusterRole {
  return (CLUSTER_ROLES as readonly unknown[]).includes(value);
}
