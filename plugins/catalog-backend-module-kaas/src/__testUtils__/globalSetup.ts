import startTestCluster from '@internal/kaas-test-cluster/src/globalSetup';
import { installTestCrds, sharedCluster } from './providerTestEnvironment';

/**
 * Jest global setup of this package: the shared local control plane, then the operator
 * CRDs, installed before any test starts an inventory (which looks for them on start).
 */
export default async function globalSetup(): Promise<void> {
  await startTestCluster();
  await installTestCrds(sharedCluster());
}
