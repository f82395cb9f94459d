import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  ownerAuthorizerServiceRef,
  tenantServiceRef,
} from '@internal/plugin-kaas-node';
import {
  createKaasTenantCreateAction,
  createKaasTenantDeleteAction,
  createKaasTenantWaitAction,
} from './actions';

/**
 * The kaas actions for the scaffolder: `kaas:tenant:create`, `kaas:tenant:wait`,
 * `kaas:tenant:delete`.
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
        owners: ownerAuthorizerServiceRef,
        permissions: coreServices.permissions,
        logger: coreServices.logger,
        config: coreServices.rootConfig,
      },
      async init({ scaffolder, tenants, owners, permissions, logger, config }) {
        const actions = [
          createKaasTenantCreateAction({
            tenants,
            owners,
            permissions,
            config,
          }),
          createKaasTenantWaitAction({ tenants, owners }),
          createKaasTenantDeleteAction({ tenants, owners, permissions }),
        ];
        scaffolder.addActions(...actions);
        logger.info(
          `kaas scaffolder actions: ${actions.map(a => a.id).join(', ')}`,
        );
      },
    });
  },
});
