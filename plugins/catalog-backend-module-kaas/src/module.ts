import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import {
  kaasInventoryServiceRef,
  readTenantSettings,
} from '@internal/plugin-kaas-node';
import { KaasEntityProvider } from './providers/KaasEntityProvider';

/**
 * The catalog's view of the clusters: tenants and XaaS instances as `Resource` entities
 * (provider `kaas`), kept up to date from the kaas inventory's watches.
 *
 * @public
 */
export const catalogModuleKaas = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'kaas',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        inventory: kaasInventoryServiceRef,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
      },
      async init({ catalog, inventory, config, logger, lifecycle }) {
        const provider = new KaasEntityProvider({
          inventory,
          markPrefix: readTenantSettings(config).markPrefix,
          appBaseUrl: config.getString('app.baseUrl'),
          logger,
        });
        catalog.addEntityProvider(provider);
        lifecycle.addShutdownHook(() => provider.stop());
      },
    });
  },
});
