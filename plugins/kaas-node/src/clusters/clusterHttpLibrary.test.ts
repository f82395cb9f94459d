import { ConfigReader } from '@backstage/config';
import { CoreV1Api } from '@kubernetes/client-node';
import {
  adminKubeConfig,
  startFaultProxy,
  testCluster,
  uniqueName,
  untitledClusterEntry,
  type FaultProxy,
} from '@internal/kaas-test-cluster';
import { ClusterRegistry } from './ClusterRegistry';

describe('cluster requests through a fault-injecting proxy in front of the local control plane', () => {
  let proxy: FaultProxy;
  let core: CoreV1Api;
  const admin = adminKubeConfig().makeApiClient(CoreV1Api);
  const made: string[] = [];

  beforeAll(async () => {
    proxy = await startFaultProxy({
      target: testCluster().url,
      caFile: testCluster().caFile,
    });
    const clusters = ClusterRegistry.fromConfig(
      new ConfigReader({
        kaas: {
          clusters: [
            untitledClusterEntry({ ...testCluster(), url: proxy.url }),
          ],
        },
      }),
    );
    core = clusters.get('local').api(CoreV1Api);
  });

  afterAll(async () => {
    await proxy.close();
    await Promise.all(
      made.map(name => admin.deleteNamespace({ name }).catch(() => undefined)),
    );
  });

  const create = (name: string) => {
    made.push(name);
    // Marked, as the backend may only write namespaces marked as the platform's.
    return core.createNamespace({
      body: {
        metadata: {
          name,
          labels: {
            'kaas.internal/managed-by': 'backstage-kaas',
            'kaas.internal/tenant': name,
          },
          annotations: { 'kaas.internal/owner': 'group:default/team-a' },
        },
      },
    });
  };

  it('waits out a 429 as its Retry-After says, for a create too, and the create happens once', async () => {
    const name = uniqueName('busy');
    proxy.failAt(1, 'status-429');
    const started = Date.now();
    await create(name);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(proxy.count).toBe(2);
    expect((await admin.readNamespace({ name })).metadata?.name).toBe(name);
  });

  it('sends a read again after the connection was cut or a 500, unnoticed by the caller', async () => {
    for (const mode of ['cut-before', 'cut-after', 'status-500'] as const) {
      proxy.failAt(1, mode);
      const list = await core.listNamespace({
        labelSelector: 'kubernetes.io/metadata.name=default',
      });
      expect(list.items).toHaveLength(1);
      expect(proxy.count).toBe(2);
    }
  });

  it('names the cluster and the request when a create gets a 500, keeping the status code', async () => {
    proxy.failAt(1, 'status-500');
    const name = uniqueName('failed');
    const error = await create(name).catch(e => e);
    expect(error.message).toBe(
      "Cluster 'local' answered POST /api/v1/namespaces with HTTP 500: fault proxy: injected error",
    );
    expect(error.code).toBe(500);
    expect(proxy.count).toBe(1);
  });

  it('says a create whose answer was lost may have happened, and never sends it twice', async () => {
    proxy.failAt(1, 'cut-after');
    const name = uniqueName('lost');
    await expect(create(name)).rejects.toThrow(
      /^Cluster 'local' did not answer POST \/api\/v1\/namespaces: .+ \(it may have been carried out; running the same request again completes it\)$/,
    );
    expect(proxy.count).toBe(1);
    expect((await admin.readNamespace({ name })).metadata?.name).toBe(name);
  });

  it('keeps client-node errors of 4xx answers, which callers tell apart by code', async () => {
    proxy.reset();
    await expect(
      core.readNamespace({ name: uniqueName('absent') }),
    ).rejects.toMatchObject({ code: 404 });
  });
});
