import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';
import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Resource type of a tenant as the clusters record it (`resourceRef`: the tenant name),
 * served by the kaas backend plugin. Owner-only permissions are decided on it, so what
 * counts is the owner annotated on the tenant's home namespace, not a catalog entity
 * (which may lag behind, or be registered by someone else).
 *
 * @public
 */
export const KAAS_TENANT_RESOURCE_TYPE = 'kaas-tenant';

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

/**
 * Read one tenant's live status and its instances (no credentials). A resource
 * permission on the tenant's catalog entity (`resource:default/<tenant>`).
 *
 * @public
 */
export const kaasTenantReadPermission = createPermission({
  name: 'kaas.tenant.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Issue a kubeconfig for a tenant, list the issued ones and revoke them. A resource
 * permission on the tenant ({@link KAAS_TENANT_RESOURCE_TYPE}, `resourceRef` the tenant
 * name); the default policy allows the owner group's members and platform admins only.
 *
 * @public
 */
export const kaasTenantKubeconfigCreatePermission = createPermission({
  name: 'kaas.tenant.kubeconfig.create',
  attributes: { action: 'create' },
  resourceType: KAAS_TENANT_RESOURCE_TYPE,
});

/**
 * Read the secret values of an instance's connection Secret. A resource permission on
 * the instance's tenant ({@link KAAS_TENANT_RESOURCE_TYPE}, `resourceRef` the tenant
 * name: an instance belongs to its tenant's owner); the default policy allows the owner
 * group's members and platform admins only.
 *
 * @public
 */
export const xaasInstanceCredentialsReadPermission = createPermission({
  name: 'xaas.instance.credentials.read',
  attributes: { action: 'read' },
  resourceType: KAAS_TENANT_RESOURCE_TYPE,
});

/**
 * Read the operators' health per capability and cluster (Deployments, their versions,
 * served CRD versions). The route also requires a platform admin.
 *
 * @public
 */
export const kaasOperatorHealthReadPermission = createPermission({
  name: 'kaas.operator.health.read',
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
  kaasTenantReadPermission,
  kaasTenantKubeconfigCreatePermission,
  xaasInstanceCredentialsReadPermission,
  kaasOperatorHealthReadPermission,
];
