import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { catalogModelExtensionPoint } from '@backstage/plugin-catalog-node/alpha';
import {
  kaasInventoryServiceRef,
  readTenantSettings,
} from '@kaas-platform/plugin-kaas-node';
import { platformEntityGuardParser } from './parser/platformEntityGuard';
import { fullSyncTask } from './providers/fullSyncTask';
import { KaasEntityProvider } from './providers/KaasEntityProvider';
import { KaasTemplateProvider } from './providers/KaasTemplateProvider';

/**
 * The catalog's view of the clusters: tenants and XaaS instances as `Resource` entities
 * (provider `kaas`), kept up to date from the kaas inventory's watches, with the full
 * mutations run once across replicas by the scheduler; and of the
 * configuration: a Software Template for every capability and tenant isolation, and a
 * `xaas-capability` Resource for every capability (provider `kaas-templates`). It also
 * installs the catalog's entity data parser, refusing such entities from locations.
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
        catalogService: catalogServiceRef,
        auth: coreServices.auth,
        scheduler: coreServices.scheduler,
      },
      async init({
        catalog,
        model,
        inventory,
        config,
        logger,
        lifecycle,
        catalogService,
        auth,
        scheduler,
      }) {
        // Every replica sends deltas; full mutations, which delete, one at a time.
        const fullSync = fullSyncTask({ scheduler, logger });
        const provider = new KaasEntityProvider({
          inventory,
          markPrefix: readTenantSettings(config).markPrefix,
          appBaseUrl: config.getString('app.baseUrl'),
          logger,
          requestFullSync: fullSync.requestFullSync,
        });
        catalog.addEntityProvider(provider);
        await fullSync.start(provider);
        const templates = new KaasTemplateProvider({
          config,
          catalog: catalogService,
          auth,
          logger,
        });
        catalog.addEntityProvider(templates);
        // Hand-written templates replace generated ones: look for them in the catalog.
        await scheduler.scheduleTask({
          id: 'kaas-template-overrides',
          scope: 'local',
          frequency: { seconds: 30 },
          timeout: { seconds: 60 },
          initialDelay: { seconds: 3 },
          fn: async () => {
            try {
              await templates.checkOverrides();
            } catch (error) {
              // The catalog answers only once the backend serves; the next run retries.
              logger.warn(`Could not read the catalog's templates: ${error}`);
            }
          },
        });
        // Only this provider produces tenant and instance entities; a location never can.
        model.setEntityDataParser(
          platformEntityGuardParser({
            onEntity: (entity, location) =>
              templates.noteParsed(entity, location),
            isPlatformEntityName: name => {
              if (name.startsWith('xaas-capability-')) return true;
              const dot = name.indexOf('.');
              return dot < 0
                ? !!inventory.tenant(name)
                : !!inventory.instance(name.slice(0, dot), name.slice(dot + 1));
            },
          }),
        );
        lifecycle.addShutdownHook(() => {
          provider.stop();
          templates.stop();
        });
      },
    });
  },
});
