import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { clusterRegistryServiceRef } from '../clusters/clusterRegistryServiceRef';
import { tenantServiceRef } from '../tenants/tenantServiceRef';
import { KubeconfigIssuer } from './KubeconfigIssuer';

/**
 * The kubeconfig issuer, shared by every kaas plugin and module of a backend. Its
 * factory validates `kaas.kubeconfig` and `kaas.oidc`, so a bad entry stops the backend
 * at startup.
 *
 * @public
 */
export const kubeconfigIssuerServiceRef = createServiceRef<KubeconfigIssuer>({
  id: 'kaas.kubeconfig-issuer',
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
        const issuer = KubeconfigIssuer.fromConfig(config, {
          clusters,
          tenants,
          logger,
        });
        const { defaultTtlSeconds, maxTtlSeconds, oidc } = issuer.settings;
        logger.info(
          `kaas kubeconfigs: tokens ${defaultTtlSeconds} s by default, at most ${maxTtlSeconds} s; OIDC ${
            oidc ? `via ${oidc.issuerUrl}` : 'not configured'
          }`,
        );
        return issuer;
      },
    }),
});
