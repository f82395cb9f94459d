import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { kaasPermissions } from '@internal/plugin-kaas-common';
import {
  clusterRegistryServiceRef,
  instanceServiceRef,
  tenantServiceRef,
} from '@internal/plugin-kaas-node';
import { capabilitiesRoute } from './routes/capabilitiesRoute';
import { clustersRoute } from './routes/clustersRoute';
import { profilesRoute } from './routes/profilesRoute';
import { tenantsRoute } from './routes/tenantsRoute';

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
        userInfo: coreServices.userInfo,
        permissionsRegistry: coreServices.permissionsRegistry,
        registry: clusterRegistryServiceRef,
        tenants: tenantServiceRef,
        instances: instanceServiceRef,
      },
      async init({
        httpRouter,
        httpAuth,
        permissions,
        userInfo,
        permissionsRegistry,
        registry,
        tenants,
        instances,
      }) {
        permissionsRegistry.addPermissions(kaasPermissions);
        httpRouter.use(clustersRoute({ registry, httpAuth, permissions }));
        httpRouter.use(profilesRoute({ tenants, httpAuth, permissions }));
        httpRouter.use(
          tenantsRoute({ tenants, httpAuth, userInfo, permissions }),
        );
        httpRouter.use(capabilitiesRoute({ instances, httpAuth, permissions }));
      },
    });
  },
});
