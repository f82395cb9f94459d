/**
 * Test harness of the kaas plugins: the local control plane and PostgreSQL, for
 * integration tests. Not part of any production package.
 *
 * @packageDocumentation
 */
export * from './localCluster';
export * from './testClusterEnv';
export * from './postgres';
export * from './freePort';
export { REPO_ROOT, KUBECTL, KAAS_LOGIN_PLUGIN } from './repoPaths';
export { waitFor } from './waitFor';
export * from './backstageBackend';
export * from './platformBackend';
export * from './clusterFixtures';
export * from './faultProxy';
export * from './processMemory';
export * from './keycloak';
export * from './keycloakRealm';
export * from './apiServerOidc';
export * from './ssoEnvironment';
export * from './ssoKubectl';
