import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { clusterRegistryServiceRef } from '../clusters/clusterRegistryServiceRef';
import { TenantService } from './TenantService';

/**
 * The tenant service, shared by every kaas plugin and module of a backend. Its factory
 * validates `kaas.tenants`, `kaas.tenantProfiles`, `kaas.baseline`,
 * `kaas.platformAdmins` and `kaas.capabilities`, so bad policy stops the backend at
 * startup.
 *
 * @public
 */
export const tenantServiceRef = createServiceRef<TenantService>({
  id: 'kaas.tenants',
  scope: 'root',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.rootLogger,
        clusters: clusterRegistryServiceRef,
      },
      factory({ config, logger, clusters }) {
        // The delete guard looks for instances of the kinds of `kaas.capabilities`.
        const tenants = TenantService.fromConfig(config, { clusters, logger });
        logger.info(
          `kaas tenant profiles: ${Object.keys(tenants.policy.profiles).join(
            ', ',
          )}`,
        );
        return tenants;
      },
    }),
});
