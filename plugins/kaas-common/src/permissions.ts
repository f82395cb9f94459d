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

/** List tenants (names, owners, isolation, profile; no credentials). @public */
export const kaasTenantListPermission = createPermission({
  name: 'kaas.tenant.list',
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

/** Create (or re-apply) an XaaS instance. @public */
export const xaasInstanceCreatePermission = createPermission({
  name: 'xaas.instance.create',
  attributes: { action: 'create' },
});

/** Delete an XaaS instance. @public */
export const xaasInstanceDeletePermission = createPermission({
  name: 'xaas.instance.delete',
  attributes: { action: 'delete' },
});

/** Read the configured capabilities (ids, titles, plans, parameter schemas). @public */
export const kaasCapabilityReadPermission = createPermission({
  name: 'kaas.capability.read',
  attributes: { action: 'read' },
});

/** Every permission the kaas plugins define. @public */
export const kaasPermissions = [
  kaasClusterReadPermission,
  kaasProfileReadPermission,
  kaasTenantListPermission,
  kaasTenantCreatePermission,
  kaasTenantDeletePermission,
  xaasInstanceCreatePermission,
  xaasInstanceDeletePermission,
  kaasCapabilityReadPermission,
];
