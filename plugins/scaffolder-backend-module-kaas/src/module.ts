import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  instanceServiceRef,
  kubeconfigIssuerServiceRef,
  ownerAuthorizerServiceRef,
  tenantServiceRef,
} from '@kaas-platform/plugin-kaas-node';
import {
  createKaasTenantCreateAction,
  createKaasTenantDeleteAction,
  createKaasTenantTransferAction,
  createKaasTenantRepairAction,
  createKaasTenantUpdateAction,
  createKaasTenantReconcileAction,
  createKaasTenantWaitAction,
  createXaasInstanceCreateAction,
  createXaasInstanceDeleteAction,
  createXaasInstanceOperateAction,
  createXaasInstanceUpdateAction,
  createXaasInstanceWaitAction,
} from './actions';

/**
 * The kaas actions for the scaffolder: `kaas:tenant:create`, `kaas:tenant:update`, `kaas:tenant:wait`,
 * `kaas:tenant:delete`, `kaas:tenant:transfer`, `xaas:instance:create`, `xaas:instance:update`, `xaas:instance:operate`,
 * `xaas:instance:wait`, `xaas:instance:delete`.
 *
 * @public
 */
export const scaffolderModuleKaas = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'kaas',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        tenants: tenantServiceRef,
        instances: instanceServiceRef,
        owners: ownerAuthorizerServiceRef,
        kubeconfigs: kubeconfigIssuerServiceRef,
        permissions: coreServices.permissions,
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        catalog: catalogServiceRef,
      },
      async init({
        scaffolder,
        tenants,
        instances,
        owners,
        kubeconfigs,
        permissions,
        logger,
        config,
        catalog,
      }) {
        const actions = [
          createKaasTenantCreateAction({
            tenants,
            owners,
            permissions,
            config,
          }),
          createKaasTenantUpdateAction({
            tenants,
            owners,
            permissions,
            config,
          }),
          createKaasTenantReconcileAction({ tenants, owners, permissions }),
          createKaasTenantRepairAction({
            tenants,
            owners,
            permissions,
            config,
          }),
          createKaasTenantWaitAction({ tenants, owners, catalog }),
          createKaasTenantDeleteAction({ tenants, owners, permissions }),
          createKaasTenantTransferAction({
            tenants,
            owners,
            kubeconfigs,
            permissions,
            config,
          }),
          createXaasInstanceCreateAction({
            instances,
            tenants,
            owners,
            permissions,
          }),
          createXaasInstanceUpdateAction({ instances, owners, permissions }),
          createXaasInstanceOperateAction({ instances, owners, permissions }),
          createXaasInstanceWaitAction({ instances, owners, catalog }),
          createXaasInstanceDeleteAction({ instances, owners, permissions }),
        ];
        scaffolder.addActions(...actions);
        logger.info(
          `kaas scaffolder actions: ${actions.map(a => a.id).join(', ')}`,
        );
      },
    });
  },
});
