import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { kaasPermissions } from '@internal/plugin-kaas-common';
import {
  clusterRegistryServiceRef,
  instanceServiceRef,
  kaasInventoryServiceRef,
  kubeconfigIssuerServiceRef,
  tenantServiceRef,
} from '@internal/plugin-kaas-node';
import { capabilitiesRoute } from './routes/capabilitiesRoute';
import { clustersRoute } from './routes/clustersRoute';
import { credentialsRoute } from './routes/credentialsRoute';
import { kubeconfigOptionsRoute } from './routes/kubeconfigOptionsRoute';
import { kubeconfigRoutes } from './routes/kubeconfigRoutes';
import { profilesRoute } from './routes/profilesRoute';
import { tenantStatusRoutes } from './routes/tenantStatusRoutes';
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
        auditor: coreServices.auditor,
        registry: clusterRegistryServiceRef,
        tenants: tenantServiceRef,
        instances: instanceServiceRef,
        inventory: kaasInventoryServiceRef,
        issuer: kubeconfigIssuerServiceRef,
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
        inventory,
        auditor,
        issuer,
      }) {
        permissionsRegistry.addPermissions(kaasPermissions);
        httpRouter.use(clustersRoute({ registry, httpAuth, permissions }));
        httpRouter.use(profilesRoute({ tenants, httpAuth, permissions }));
        httpRouter.use(
          tenantsRoute({ inventory, httpAuth, userInfo, permissions }),
        );
        httpRouter.use(
          tenantStatusRoutes({ inventory, instances, httpAuth, permissions }),
        );
        httpRouter.use(capabilitiesRoute({ instances, httpAuth, permissions }));
        httpRouter.use(
          kubeconfigOptionsRoute({ issuer, httpAuth, permissions }),
        );
        httpRouter.use(
          kubeconfigRoutes({ issuer, tenants, httpAuth, permissions, auditor }),
        );
        httpRouter.use(
          credentialsRoute({
            instances,
            tenants,
            httpAuth,
            permissions,
            auditor,
          }),
        );
      },
    });
  },
});
