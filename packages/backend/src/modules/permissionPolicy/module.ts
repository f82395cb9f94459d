import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { readPlatformAdmins } from '@internal/plugin-kaas-node';
import { KaasPermissionPolicy } from './KaasPermissionPolicy';

/** Installs {@link KaasPermissionPolicy} with the configured `kaas.platformAdmins`. */
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
        policy.setPolicy(new KaasPermissionPolicy(readPlatformAdmins(config)));
      },
    });
  },
});
