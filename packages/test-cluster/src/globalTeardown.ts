import fs from 'node:fs';

/** Jest global teardown: stops the control plane the global setup started, and removes its data. */
export default async function globalTeardown(): Promise<void> {
  const cluster = globalThis.__kaasTestCluster;
  if (!cluster) return;
  globalThis.__kaasTestCluster = undefined;
  await cluster.stop();
  fs.rmSync(cluster.dataDir, { recursive: true, force: true });
}
