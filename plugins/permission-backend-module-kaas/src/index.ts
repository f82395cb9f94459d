/**
 * The Kubernetes platform's permission policy for Backstage's permission backend:
 * kubeconfigs and credentials for the tenant's owner group and platform admins only,
 * chosen permissions for platform admins only, everything else allowed.
 *
 * @packageDocumentation
 */
export { permissionModuleKaasPolicy as default } from './module';
export { KaasPermissionPolicy } from './KaasPermissionPolicy';
export { readPlatformAdminOnlyPermissions } from './readPlatformAdminOnlyPermissions';
