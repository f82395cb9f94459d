import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { clusterRegistryServiceRef } from '../clusters/clusterRegistryServiceRef';
import { capabilityInstanceKinds } from '../instances/InstanceService';
import { readCapabilities } from '../instances/readCapabilities';
import { TenantService } from './TenantService';

/**
 * The tenant service, shared by every kaas plugin and module of a backend. Its factory
 * validates `kaas.tenants`, `kaas.tenantProfiles`, `kaas.baseline` and
 * `kaas.platformAdmins`, so bad policy stops the backend at startup.
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
        // The delete guard looks for instances of the configured capabilities' kinds;
        // without capabilities it falls back to the known operator kinds.
        const capabilities = readCapabilities(config);
        const tenants = TenantService.fromConfig(config, {
          clusters,
          logger,
          instanceKinds: capabilities.length
            ? capabilityInstanceKinds(capabilities)
            : undefined,
        });
        logger.info(
          `kaas tenant profiles: ${Object.keys(tenants.policy.profiles).join(
            ', ',
          )}`,
        );
        return tenants;
      },
    }),
});
