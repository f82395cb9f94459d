import crypto from 'node:crypto';
import { KubeConfig } from '@kubernetes/client-node';

/** Environment variables through which the Jest global setup hands tests the cluster. */
export const TEST_CLUSTER_ENV = {
  url: 'KAAS_TEST_CLUSTER_URL',
  adminKubeconfig: 'KAAS_TEST_KUBECONFIG',
  backendKubeconfig: 'KAAS_TEST_BACKEND_KUBECONFIG',
  backendTokenFile: 'KAAS_TEST_BACKEND_TOKEN_FILE',
  kubernetesReaderTokenFile: 'KAAS_TEST_KUBERNETES_READER_TOKEN_FILE',
  kubernetesReaderKubeconfig: 'KAAS_TEST_KUBERNETES_READER_KUBECONFIG',
  caFile: 'KAAS_TEST_CA_FILE',
} as const;

export type TestCluster = { [K in keyof typeof TEST_CLUSTER_ENV]: string };

/** The shared test control plane started by the global setup. */
export function testCluster(): TestCluster {
  const entries = Object.entries(TEST_CLUSTER_ENV).map(([key, variable]) => {
    const value = process.env[variable];
    if (!value) {
      throw new Error(
        `${variable} is not set: run tests through 'yarn test' (the Jest global setup of @internal/kaas-test-cluster starts the local control plane)`,
      );
    }
    return [key, value];
  });
  return Object.fromEntries(entries) as TestCluster;
}

/** Cluster-admin KubeConfig for arranging and checking test state. */
export function adminKubeConfig(): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(testCluster().adminKubeconfig);
  return kubeConfig;
}

/** KubeConfig of the backend's least-privilege ServiceAccount. */
export function backendKubeConfig(): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(testCluster().backendKubeconfig);
  return kubeConfig;
}

/** A DNS-1123 name unique to this test, so tests can run in any order and in parallel. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${crypto.randomBytes(4).toString('hex')}`;
}
