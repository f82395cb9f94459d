import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { catalogModelExtensionPoint } from '@backstage/plugin-catalog-node/alpha';
import {
  kaasInventoryServiceRef,
  readTenantSettings,
} from '@internal/plugin-kaas-node';
import { platformEntityGuardParser } from './parser/platformEntityGuard';
import { KaasEntityProvider } from './providers/KaasEntityProvider';

/**
 * The catalog's view of the clusters: tenants and XaaS instances as `Resource` entities
 * (provider `kaas`), kept up to date from the kaas inventory's watches. It also installs
 * the catalog's entity data parser, refusing such entities from locations.
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
        model: catalogModelExtensionPoint,
        inventory: kaasInventoryServiceRef,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
      },
      async init({ catalog, model, inventory, config, logger, lifecycle }) {
        const provider = new KaasEntityProvider({
          inventory,
          markPrefix: readTenantSettings(config).markPrefix,
          appBaseUrl: config.getString('app.baseUrl'),
          logger,
        });
        catalog.addEntityProvider(provider);
        // Only this provider produces tenant and instance entities; a location never can.
        model.setEntityDataParser(
          platformEntityGuardParser({
            isPlatformEntityName: name => {
              const dot = name.indexOf('.');
              return dot < 0
                ? !!inventory.tenant(name)
                : !!inventory.instance(name.slice(0, dot), name.slice(dot + 1));
            },
          }),
        );
        lifecycle.addShutdownHook(() => provider.stop());
      },
    });
  },
});
