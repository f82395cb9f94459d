import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { kaasPermissions } from '@internal/plugin-kaas-common';
import {
  clusterRegistryServiceRef,
  tenantServiceRef,
} from '@internal/plugin-kaas-node';
import { clustersRoute } from './routes/clustersRoute';
import { profilesRoute } from './routes/profilesRoute';

/**
 * The kaas backend plugin, served under /api/kaas. Depending on the cluster registry
 * and the tenant service makes a bad `kaas.clusters` or tenant policy entry stop the
 * backend at startup.
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
        tenants: tenantServiceRef,
      },
      async init({
        httpRouter,
        httpAuth,
        permissions,
        permissionsRegistry,
        registry,
        tenants,
      }) {
        permissionsRegistry.addPermissions(kaasPermissions);
        httpRouter.use(clustersRoute({ registry, httpAuth, permissions }));
        httpRouter.use(profilesRoute({ tenants, httpAuth, permissions }));
      },
    });
  },
});
