import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { clusterRegistryServiceRef } from '../clusters/clusterRegistryServiceRef';
import { followCapabilityConfig } from '../instances/followCapabilityConfig';
import { DefaultKaasInventory, type KaasInventory } from './KaasInventory';

/**
 * The inventory (informer cache of tenants and instances), one per backend, shared by
 * the kaas backend plugin and the catalog module. Its watches start on first use and
 * stop when the backend shuts down.
 *
 * @public
 */
export const kaasInventoryServiceRef = createServiceRef<KaasInventory>({
  id: 'kaas.inventory',
  scope: 'root',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.rootLogger,
        lifecycle: coreServices.rootLifecycle,
        clusters: clusterRegistryServiceRef,
      },
      factory({ config, logger, lifecycle, clusters }) {
        const inventory = DefaultKaasInventory.fromConfig(config, {
          clusters,
          logger: logger.child({ service: 'kaas-inventory' }),
        });
        lifecycle.addShutdownHook(() => inventory.stop());
        followCapabilityConfig(config, logger, loaded =>
          inventory.useCapabilities(loaded),
        );
        return inventory;
      },
    }),
});
