/**
 * A module of Backstage's Kubernetes backend that shows objects in tenant namespaces
 * (through the plugin's object routes and its resources action) to the tenant owner
 * group's members and platform admins only.
 *
 * @packageDocumentation
 */
export { kubernetesModuleKaasTenantObjects as default } from './module';
export { TenantObjectsProvider } from './TenantObjectsProvider';
