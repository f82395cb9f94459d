/**
 * Backend library of the kaas plugins. Cluster access lives here; actions, routes and
 * the entity provider call it.
 *
 * @packageDocumentation
 */
export * from './clusters/clusterConfig';
export {
  ClusterConfigError,
  readClusterConfigs,
} from './clusters/readClusterConfigs';
export { ClusterRegistry, KaasCluster } from './clusters/ClusterRegistry';
export { clusterRegistryServiceRef } from './clusters/clusterRegistryServiceRef';
