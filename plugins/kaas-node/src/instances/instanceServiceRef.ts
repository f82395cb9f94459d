import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { clusterRegistryServiceRef } from '../clusters/clusterRegistryServiceRef';
import { tenantServiceRef } from '../tenants/tenantServiceRef';
import { capabilityInstanceKinds } from '../tenants/tenantInstances';
import { followCapabilityConfig } from './followCapabilityConfig';
import { InstanceService } from './InstanceService';

/**
 * The XaaS instance service, shared by every kaas plugin and module of a backend. Its
 * factory validates `kaas.capabilities`, so a bad capability stops the backend at startup,
 * and follows the capabilities as the configuration changes (a bad change is refused).
 *
 * @public
 */
export const instanceServiceRef = createServiceRef<InstanceService>({
  id: 'kaas.instances',
  scope: 'root',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.rootLogger,
        clusters: clusterRegistryServiceRef,
        tenants: tenantServiceRef,
      },
      factory({ config, logger, clusters, tenants }) {
        const instances = InstanceService.fromConfig(config, {
          tenants,
          clusters,
          logger,
        });
        logger.info(
          `kaas capabilities: ${
            instances
              .capabilities()
              .map(c => c.id)
              .join(', ') || '(none)'
          }`,
        );
        followCapabilityConfig(config, logger, loaded => {
          instances.useCapabilities(loaded);
          tenants.useInstanceKinds(
            capabilityInstanceKinds(loaded.map(c => c.capability)),
          );
        });
        return instances;
      },
    }),
});
