import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { readPlatformAdmins } from '@kaas-platform/plugin-kaas-node';
import { KaasPermissionPolicy } from './KaasPermissionPolicy';
import { readPlatformAdminOnlyPermissions } from './readPlatformAdminOnlyPermissions';

/**
 * Installs {@link KaasPermissionPolicy} with the configured `kaas.platformAdmins` and
 * `kaas.platformAdminOnlyPermissions`.
 *
 * @public
 */
export const permissionModuleKaasPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'kaas-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        policy: policyExtensionPoint,
      },
      async init({ config, policy }) {
        policy.setPolicy(
          new KaasPermissionPolicy(
            readPlatformAdmins(config),
            readPlatformAdminOnlyPermissions(config),
          ),
        );
      },
    });
  },
});
