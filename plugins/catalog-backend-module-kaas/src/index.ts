/**
 * Catalog entity provider of the kaas plugins: the clusters' tenants and XaaS instances
 * as `Resource` entities, kept up to date by list + watch.
 *
 * @packageDocumentation
 */
export { catalogModuleKaas as default } from './module';
export {
  KaasEntityProvider,
  type KaasEntityProviderOptions,
} from './providers/KaasEntityProvider';
export {
  instanceEntity,
  kaasClusterLocation,
  tenantEntity,
  type KaasEntityOptions,
} from './providers/kaasEntities';
