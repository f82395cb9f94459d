import startTestCluster from '@internal/kaas-test-cluster/src/globalSetup';
import {
  installCloudNativePgCrds,
  installVitessCrds,
} from './instanceTestEnvironment';

/**
 * Jest global setup of this package: the shared local control plane, then the upstream
 * CRDs of the operators the instance tests use. Installed once, before any test runs: a
 * newly added CRD answers 429 ("storage is (re)initializing") for a moment, which would
 * fail whichever test file happened to list instances at that time.
 */
export default async function globalSetup(): Promise<void> {
  await startTestCluster();
  await Promise.all([installCloudNativePgCrds(), installVitessCrds()]);
}
