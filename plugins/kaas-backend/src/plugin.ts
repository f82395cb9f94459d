import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';
import {
  kaasCapabilityReadPermission,
  kaasClusterReadPermission,
  kaasPermissions,
  kaasProfileReadPermission,
  kaasTenantListPermission,
  kaasTenantKubeconfigCreatePermission,
  kaasTenantReadPermission,
  tenantNameProblem,
  xaasInstanceCredentialsReadPermission,
} from '@kaas-platform/plugin-kaas-common';
import {
  clusterRegistryServiceRef,
  instanceServiceRef,
  kaasInventoryServiceRef,
  kaasTenantPermissionResourceRef,
  kaasTenantPermissionRules,
  kubeconfigIssuerServiceRef,
  OwnerAuthorizer,
  ownerAuthorizerServiceRef,
  tenantServiceRef,
} from '@kaas-platform/plugin-kaas-node';
import { registerKaasActions } from './actions/registerKaasActions';
import { cachedReadDecisions } from './permissions/cachedReadDecisions';
import { cachedUserInfo } from './permissions/cachedUserInfo';
import { capabilitiesRoute } from './routes/capabilitiesRoute';
import { clustersRoute } from './routes/clustersRoute';
import { credentialsRoute } from './routes/credentialsRoute';
import { instanceOperationsRoute } from './routes/instanceOperationsRoute';
import { kubeconfigOptionsRoute } from './routes/kubeconfigOptionsRoute';
import { kubeconfigRoutes } from './routes/kubeconfigRoutes';
import { operatorHealthRoute } from './routes/operatorHealthRoute';
import { profilesRoute } from './routes/profilesRoute';
import { tenantRepairRoute } from './routes/tenantRepairRoute';
import { cachedOperatorProblems } from './operators/cachedOperatorProblems';
import { tenantStatusRoutes } from './routes/tenantStatusRoutes';
import { tenantsRoute } from './routes/tenantsRoute';
import { readOwnerVisibility } from './visibility/ownerVisibility';

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
        logger: coreServices.logger,
        registry: clusterRegistryServiceRef,
        tenants: tenantServiceRef,
        instances: instanceServiceRef,
        inventory: kaasInventoryServiceRef,
        issuer: kubeconfigIssuerServiceRef,
        config: coreServices.rootConfig,
        owners: ownerAuthorizerServiceRef,
        actionsRegistry: actionsRegistryServiceRef,
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
        logger,
        issuer,
        config,
        owners,
        actionsRegistry,
      }) {
        const tenantPermissions = [
          kaasTenantKubeconfigCreatePermission,
          xaasInstanceCredentialsReadPermission,
        ];
        permissionsRegistry.addPermissions(
          kaasPermissions.filter(
            p => !tenantPermissions.some(t => t.name === p.name),
          ),
        );
        // Tenants as the clusters record them: the owner-only permissions are decided on
        // the owner annotated on the home namespace, not on a catalog entity.
        permissionsRegistry.addResourceType({
          resourceRef: kaasTenantPermissionResourceRef,
          permissions: tenantPermissions,
          rules: Object.values(kaasTenantPermissionRules),
          getResources: names =>
            Promise.all(
              names.map(async name => {
                // A resourceRef that cannot name a tenant (an entity ref, say) is none.
                if (tenantNameProblem(name, tenants.policy.settings)) {
                  return undefined;
                }
                const tenant = await tenants.get(name);
                return tenant && { name: tenant.name, owner: tenant.owner };
              }),
            ),
        });
        const ownerOnly = {
          permissions,
          applyTenantConditions: createConditionAuthorizer(
            permissionsRegistry.getPermissionRuleset(
              kaasTenantPermissionResourceRef,
            ),
          ),
        };
        // Read routes reuse a caller's decision for 10 s (pages poll; the permission
        // round trip costs more than the cached status). Kubeconfigs and credentials
        // below get the plain service: decided on every request.
        const readPermissions = cachedReadDecisions(permissions, {
          ttlMs: 10_000,
          permissions: [
            kaasClusterReadPermission,
            kaasProfileReadPermission,
            kaasCapabilityReadPermission,
            kaasTenantListPermission,
            kaasTenantReadPermission,
          ],
        });
        const visibility = readOwnerVisibility(config);
        const operatorProblems = cachedOperatorProblems({
          registry,
          instances,
          logger,
        });
        httpRouter.use(
          clustersRoute({ registry, httpAuth, permissions: readPermissions }),
        );
        httpRouter.use(
          profilesRoute({ tenants, httpAuth, permissions: readPermissions }),
        );
        // Read routes also reuse a user's group memberships for 10 s (each lookup is a
        // round trip to the auth backend); owner-only routes below ask every time.
        const readUserInfo = cachedUserInfo(userInfo, { ttlMs: 10_000 });
        httpRouter.use(
          tenantsRoute({
            inventory,
            httpAuth,
            userInfo: readUserInfo,
            permissions: readPermissions,
          }),
        );
        httpRouter.use(
          tenantStatusRoutes({
            inventory,
            instances,
            httpAuth,
            permissions: readPermissions,
            owners: OwnerAuthorizer.fromConfig(config, {
              userInfo: readUserInfo,
            }),
            visibility,
          }),
        );
        httpRouter.use(
          tenantRepairRoute({
            tenants,
            owners,
            httpAuth,
            permissions,
            auditor,
            logger,
          }),
        );
        httpRouter.use(
          instanceOperationsRoute({
            instances,
            owners,
            httpAuth,
            permissions: readPermissions,
          }),
        );
        httpRouter.use(
          capabilitiesRoute({
            instances,
            httpAuth,
            permissions: readPermissions,
            operatorProblems,
          }),
        );
        httpRouter.use(
          operatorHealthRoute({
            registry,
            instances,
            owners,
            httpAuth,
            permissions,
          }),
        );
        httpRouter.use(
          kubeconfigOptionsRoute({
            issuer,
            httpAuth,
            permissions: readPermissions,
          }),
        );
        httpRouter.use(
          kubeconfigRoutes({
            issuer,
            tenants,
            httpAuth,
            permissions: ownerOnly,
            auditor,
          }),
        );
        httpRouter.use(
          credentialsRoute({
            instances,
            tenants,
            httpAuth,
            permissions: ownerOnly,
            auditor,
          }),
        );
        // The same operations for automation and agents (MCP), with the caller's
        // credentials; never kubeconfigs or credentials.
        registerKaasActions({
          actionsRegistry,
          permissions,
          userInfo,
          auditor,
          registry,
          tenants,
          instances,
          inventory,
          owners,
          visibility,
          operatorProblems,
          appBaseUrl: config.getOptionalString('app.baseUrl'),
        });
      },
    });
  },
});
