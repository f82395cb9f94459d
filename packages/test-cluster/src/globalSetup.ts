import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  buildLocalCluster,
  LocalCluster,
  startLocalCluster,
} from './localCluster';
import { installTestOperatorCrds } from './clusterFixtures';
import { TEST_CLUSTER_ENV } from './testClusterEnv';

declare global {
  // eslint-disable-next-line no-var
  var __kaasTestCluster: LocalCluster | undefined;
}

/**
 * Jest global setup: builds (cached) and starts one local control plane for the whole
 * run, in a fresh temporary folder, installs the operator CRDs the tests use, and hands
 * it to the test workers through env vars.
 * A cluster handed in from outside through the same variables is used as it is.
 */
export default async function globalSetup(): Promise<void> {
  if (
    process.env[TEST_CLUSTER_ENV.adminKubeconfig] ||
    globalThis.__kaasTestCluster
  ) {
    return;
  }
  const started = Date.now();
  await buildLocalCluster();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaas-test-cluster-'));
  const cluster = await startLocalCluster({ dataDir });
  globalThis.__kaasTestCluster = cluster;
  await installTestOperatorCrds(cluster);
  process.env[TEST_CLUSTER_ENV.url] = cluster.url;
  process.env[TEST_CLUSTER_ENV.adminKubeconfig] = cluster.adminKubeconfig;
  process.env[TEST_CLUSTER_ENV.backendKubeconfig] = cluster.backendKubeconfig;
  process.env[TEST_CLUSTER_ENV.backendTokenFile] = cluster.backendTokenFile;
  process.env[TEST_CLUSTER_ENV.kubernetesReaderTokenFile] =
    cluster.kubernetesReaderTokenFile;
  process.env[TEST_CLUSTER_ENV.kubernetesReaderKubeconfig] =
    cluster.kubernetesReaderKubeconfig;
  process.env[TEST_CLUSTER_ENV.caFile] = cluster.caFile;
  // eslint-disable-next-line no-console
  console.log(
    `\nlocal control plane ready at ${cluster.url} in ${
      Date.now() - started
    } ms (data: ${dataDir})`,
  );
}
