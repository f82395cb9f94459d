import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { ClusterRegistry } from './ClusterRegistry';

/**
 * The cluster registry, shared by every kaas plugin and module of a backend. Its
 * factory validates `kaas.clusters`, so a bad entry stops the backend at startup.
 *
 * @public
 */
export const clusterRegistryServiceRef = createServiceRef<ClusterRegistry>({
  id: 'kaas.cluster-registry',
  scope: 'root',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.rootLogger,
      },
      factory({ config, logger }) {
        const registry = ClusterRegistry.fromConfig(config);
        for (const cluster of registry.list()) {
          logger.info(
            `kaas cluster '${cluster.name}' (${cluster.roles.join(', ')})`,
          );
        }
        return registry;
      },
    }),
});
