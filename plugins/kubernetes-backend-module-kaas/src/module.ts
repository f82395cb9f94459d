import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { kubernetesObjectsProviderExtensionPoint } from '@backstage/plugin-kubernetes-node';
import {
  clusterRegistryServiceRef,
  ownerAuthorizerServiceRef,
  readPlatformAdmins,
  readTenantSettings,
} from '@kaas-platform/plugin-kaas-node';
import { TenantObjectsProvider } from './TenantObjectsProvider';

/**
 * Puts {@link TenantObjectsProvider} in front of the core Kubernetes plugin's own objects
 * provider, so its object routes and its resources action show objects in tenant
 * namespaces to the owner group's members and platform admins only.
 *
 * @public
 */
export const kubernetesModuleKaasTenantObjects = createBackendModule({
  pluginId: 'kubernetes',
  moduleId: 'kaas-tenant-objects',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        objectsProviders: kubernetesObjectsProviderExtensionPoint,
        kaasClusters: clusterRegistryServiceRef,
        owners: ownerAuthorizerServiceRef,
      },
      async init({
        config,
        logger,
        auth,
        objectsProviders,
        kaasClusters,
        owners,
      }) {
        const settings = readTenantSettings(config);
        const platformAdmins = readPlatformAdmins(config);
        objectsProviders.addObjectsProvider(
          async ({ getDefault, clusterSupplier }) => {
            const provider = new TenantObjectsProvider({
              objects: await getDefault(),
              pluginClusters: clusterSupplier,
              kaasClusters,
              settings,
              owners,
              platformAdmins,
              logger,
            });
            await provider.warnAboutUnknownClusters(
              await auth.getOwnServiceCredentials(),
            );
            return provider;
          },
        );
      },
    });
  },
});
