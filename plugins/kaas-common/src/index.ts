/**
 * Shared vocabulary of the kaas plugins: no I/O here.
 *
 * @packageDocumentation
 */
export * from './capabilityConfig';
export * from './clusterRoles';
export * from './clusterName';
export * from './entityRefs';
export * from './groupRef';
export * from './instanceStatus';
export * from './instanceOperations';
export * from './instanceRequest';
export * from './kubeconfig';
export * from './kubernetesKeys';
export * from './labels';
export * from './operatorHealth';
export * from './ownership';
export * from './permissions';
export * from './platformListings';
export * from './tenantRequest';
export * from './tenantStatus';
