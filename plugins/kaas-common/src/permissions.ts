import { createPermission } from '@backstage/plugin-permission-common';

/** Read the list of configured clusters (names, titles, roles; never credentials). @public */
export const kaasClusterReadPermission = createPermission({
  name: 'kaas.cluster.read',
  attributes: { action: 'read' },
});

/** Read the tenant profiles (names, titles, quotas) offered to developers. @public */
export const kaasProfileReadPermission = createPermission({
  name: 'kaas.profile.read',
  attributes: { action: 'read' },
});

/** Create (or re-apply) a tenant. @public */
export const kaasTenantCreatePermission = createPermission({
  name: 'kaas.tenant.create',
  attributes: { action: 'create' },
});

/** Delete a tenant. @public */
export const kaasTenantDeletePermission = createPermission({
  name: 'kaas.tenant.delete',
  attributes: { action: 'delete' },
});

/** Every permission the kaas plugins define. @public */
export const kaasPermissions = [
  kaasClusterReadPermission,
  kaasProfileReadPermission,
  kaasTenantCreatePermission,
  kaasTenantDeletePermission,
];
