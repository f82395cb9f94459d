import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startLocalCluster } from './localCluster';
import { adminKubeConfig, uniqueName } from './testClusterEnv';
import { waitFor } from './waitFor';

function statusCode(error: unknown): number | undefined {
  return (error as { code?: number }).code;
}

describe('local control plane (real etcd + kube-apiserver + kube-controller-manager)', () => {
  const core = () => adminKubeConfig().makeApiClient(CoreV1Api);

  it('deletes a namespace for real: the namespace controller finalizes it', async () => {
    const name = uniqueName('lc-ns');
    await core().createNamespace({ body: { metadata: { name } } });
    await core().createNamespacedConfigMap({
      namespace: name,
      body: { metadata: { name: 'content' }, data: { a: 'b' } },
    });

    await core().deleteNamespace({ name });

    const gone = await waitFor(
      async () => {
        try {
          await core().readNamespace({ name });
          return undefined;
        } catch (error) {
          return statusCode(error) === 404 ? true : undefined;
        }
      },
      { timeoutMs: 60_000, describe: () => `namespace ${name} still exists` },
    );
    expect(gone).toBe(true);
  });

  it('computes ResourceQuota status.used (the resourcequota controller runs)', async () => {
    const namespace = uniqueName('lc-quota');
    await core().createNamespace({ body: { metadata: { name: namespace } } });
    await core().createNamespacedResourceQuota({
      namespace,
      body: {
        metadata: { name: 'quota' },
        spec: { hard: { configmaps: '10', pods: '5' } },
      },
    });

    const used = await waitFor(
      async () => {
        const quota = await core().readNamespacedResourceQuota({
          namespace,
          name: 'quota',
        });
        // Usage is recounted as objects appear: wait for the namespace's own
        // kube-root-ca.crt ConfigMap (created by its controller) to be counted.
        return Number(quota.status?.used?.configmaps ?? 0) >= 1
          ? quota.status!.used
          : undefined;
      },
      {
        // The controller pauses every recount for up to 30 s while it follows a change
        // of the API's discovery (a test installing a CRD of its own).
        timeoutMs: 90_000,
        describe: () => `quota of ${namespace} has no status.used`,
      },
    );
    expect(Number(used.configmaps)).toBeGreaterThanOrEqual(1);
    expect(used.pods).toBe('0');
    await core().deleteNamespace({ name: namespace });
  }, 120_000);

  it('keeps every object across a restart of the control plane', async () => {
    // A cluster of its own: restarting the shared one would disturb parallel tests.
    const dataDir = fs.mkdtempSync(
      path.join(os.tmpdir(), 'kaas-restart-test-'),
    );
    try {
      const first = await startLocalCluster({ dataDir });
      const client = (kubeconfig: string) => {
        const kc = new KubeConfig();
        kc.loadFromFile(kubeconfig);
        return kc.makeApiClient(CoreV1Api);
      };
      await client(first.adminKubeconfig).createNamespace({
        body: { metadata: { name: 'survivor', labels: { kept: 'yes' } } },
      });
      await first.stop();

      const second = await startLocalCluster({ dataDir });
      try {
        const namespace = await client(second.adminKubeconfig).readNamespace({
          name: 'survivor',
        });
        expect(namespace.metadata?.labels?.kept).toBe('yes');
        expect(namespace.status?.phase).toBe('Active');
      } finally {
        await second.stop();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);

  it('restarts kube-apiserver alone: etcd keeps the data, the URL stays, the controller manager goes on', async () => {
    const dataDir = fs.mkdtempSync(
      path.join(os.tmpdir(), 'kaas-apiserver-restart-test-'),
    );
    const cluster = await startLocalCluster({ dataDir });
    try {
      const kc = new KubeConfig();
      kc.loadFromFile(cluster.adminKubeconfig);
      const client = kc.makeApiClient(CoreV1Api);
      const state = () =>
        JSON.parse(fs.readFileSync(path.join(dataDir, 'state.json'), 'utf8'));
      const before = state();
      await client.createNamespace({
        body: { metadata: { name: 'before-restart' } },
      });

      const restarted = cluster.restartApiServer();
      // The old API server stops taking connections while it finishes its requests.
      await waitFor(
        async () =>
          client.listNamespace().then(
            () => undefined,
            () => true,
          ),
        { timeoutMs: 30_000, describe: () => 'the API server down' },
      );
      await restarted;

      const after = state();
      expect(after).toMatchObject({ ready: true, apiserverRestarts: 1 });
      expect(after.server).toBe(before.server);
      expect(after.pids.kubeApiserver).not.toBe(before.pids.kubeApiserver);
      expect(after.pids.supervisor).toBe(before.pids.supervisor);
      expect(after.pids.kubeControllerManager).toBe(
        before.pids.kubeControllerManager,
      );
      expect(
        (await client.readNamespace({ name: 'before-restart' })).metadata?.name,
      ).toBe('before-restart');
      // The controller manager still works: a new namespace gets its root CA ConfigMap.
      await client.createNamespace({
        body: { metadata: { name: 'after-restart' } },
      });
      await waitFor(
        async () =>
          client
            .readNamespacedConfigMap({
              namespace: 'after-restart',
              name: 'kube-root-ca.crt',
            })
            .then(
              () => true,
              () => undefined,
            ),
        {
          timeoutMs: 60_000,
          describe: () => 'kube-root-ca.crt in the new namespace',
        },
      );
    } finally {
      await cluster.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});
