import { ClusterRegistry } from '../clusters/ClusterRegistry';
import { KubeconfigIssuer } from '../kubeconfig/KubeconfigIssuer';
import { TenantService } from '../tenants/TenantService';
import { localTenantTestConfig } from './tenantTestPolicy';

/**
 * The services of a backend over the shared test control plane (cluster `local`), with
 * the tests' tenant policy: kubeconfig tokens live an hour by default, four at most.
 */
export function localTestServices() {
  const config = localTenantTestConfig();
  const clusters = ClusterRegistry.fromConfig(config);
  const tenants = TenantService.fromConfig(config, { clusters });
  const settings = { defaultTtlSeconds: 3600, maxTtlSeconds: 4 * 3600 };
  const issuer = new KubeconfigIssuer({ clusters, tenants, settings });
  return {
    settings,
    clusters,
    tenants,
    issuer,
    platformNamespace: tenants.policy.settings.platformNamespace,
  };
}
