import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { kaasPermissions } from '@internal/plugin-kaas-common';
import { clusterRegistryServiceRef } from '@internal/plugin-kaas-node';
import { clustersRoute } from './routes/clustersRoute';

/**
 * The kaas backend plugin, served under /api/kaas. Depending on the cluster registry
 * makes a bad `kaas.clusters` entry stop the backend at startup.
 *
 * @public
 */
export const kaasPlugin = createBackendPlugin({
  pluginId: 'kaas',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        registry: clusterRegistryServiceRef,
      },
      async init({
        httpRouter,
        httpAuth,
        permissions,
        permissionsRegistry,
        registry,
      }) {
        permissionsRegistry.addPermissions(kaasPermissions);
        httpRouter.use(clustersRoute({ registry, httpAuth, permissions }));
      },
    });
  },
});
