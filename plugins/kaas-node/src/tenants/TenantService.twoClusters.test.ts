import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
} from '@kubernetes/client-node';
import {
  adminKubectl,
  buildLocalCluster,
  installCrds,
  startLocalCluster,
  testCluster,
  uniqueName,
  untitledClusterEntry,
  VCLUSTER_KINDS,
  type AdminClusterAccess,
  type LocalCluster,
} from '@internal/kaas-test-cluster';
import { ClusterRegistry } from '../clusters/ClusterRegistry';
import { TenantService } from './TenantService';
import {
  localTenantTestConfig,
  tenantTestConfig,
} from '../__testUtils__/tenantTestPolicy';

const CNPG_CLUSTER = { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster' };

type Clients = ReturnType<typeof clients>;

function clients(cluster: AdminClusterAccess) {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(cluster.adminKubeconfig);
  return {
    core: kubeConfig.makeApiClient(CoreV1Api),
    objects: KubernetesObjectApi.makeApiClient(kubeConfig),
  };
}

/**
 * What an owner's namespace looks like, made directly by a cluster admin: a home
 * namespace (with its isolation) or a `-xaas` instance namespace (without).
 */
function markedNamespace(
  name: string,
  tenant: string,
  owner: string,
  isolation?: string,
) {
  return {
    metadata: {
      name,
      labels: {
        'kaas.internal/managed-by': 'backstage-kaas',
        'kaas.internal/tenant': tenant,
        ...(isolation ? { 'kaas.internal/isolation': isolation } : {}),
      },
      annotations: { 'kaas.internal/owner': owner },
    },
  };
}

/** A PostgreSQL instance of `tenant` and `owner`, marked as the platform marks them. */
function database(
  name: string,
  namespace: string,
  tenant: string,
  owner: string,
) {
  return {
    ...CNPG_CLUSTER,
    metadata: {
      name,
      namespace,
      labels: {
        'kaas.internal/managed-by': 'backstage-kaas',
        'kaas.internal/tenant': tenant,
        'kaas.internal/capability': 'postgresql',
        'kaas.internal/instance': name,
      },
      annotations: { 'kaas.internal/owner': owner },
    },
    spec: { instances: 1, storage: { size: '1Gi' } },
  } as any;
}

describe('TenantService across two local control planes (the shared one and a second one started here, later stopped)', () => {
  const first = testCluster();
  const firstAdmin = clients(first);
  let second: LocalCluster;
  let secondAdmin: Clients;
  let tenants: TenantService;
  const request = (name: string, owner: string, cluster?: string) =>
    tenants.validate({
      name,
      owner,
      isolation: 'namespace',
      profile: 'small',
      ...(cluster ? { cluster } : {}),
    });
  const present = async (read: () => Promise<unknown>): Promise<boolean> => {
    try {
      await read();
      return true;
    } catch (error) {
      if ((error as { code?: number }).code === 404) return false;
      throw error;
    }
  };
  const namespaceExists = (on: Clients, name: string) =>
    present(() => on.core.readNamespace({ name }));
  const databaseExists = (on: Clients, name: string, namespace: string) =>
    present(() =>
      on.objects.read({ ...CNPG_CLUSTER, metadata: { name, namespace } }),
    );

  beforeAll(async () => {
    await buildLocalCluster();
    second = await startLocalCluster({
      dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'kaas-second-cluster-')),
    });
    secondAdmin = clients(second);
    await Promise.all([
      ...[first, second].map(c =>
        installCrds(
          c,
          ['cloudnative-pg/postgresql.cnpg.io_clusters.yaml'],
          [CNPG_CLUSTER],
        ),
      ),
      // vcluster tenants on the shared cluster: Cluster API and the vCluster provider.
      installCrds(
        first,
        ['cluster-api', 'cluster-api-provider-vcluster'],
        [
          ...VCLUSTER_KINDS,
          {
            apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha1',
            kind: 'VCluster',
          },
        ],
      ),
    ]);
    const config = tenantTestConfig([
      untitledClusterEntry(first),
      { ...untitledClusterEntry(second, 'second'), roles: ['tenants', 'xaas'] },
    ]);
    tenants = TenantService.fromConfig(config, {
      clusters: ClusterRegistry.fromConfig(config),
      instanceKinds: [CNPG_CLUSTER],
    });
  }, 300_000);

  afterAll(async () => {
    await second?.stop();
  });

  it('refuses team-b a tenant name team-a holds on the other cluster, writing nothing there', async () => {
    const name = uniqueName('both');
    await tenants.create(request(name, 'team-a'));

    const attempt = tenants.create(request(name, 'team-b', 'second'));
    await expect(attempt).rejects.toThrow(ConflictError);
    await expect(attempt).rejects.toThrow(
      `Tenant name '${name}' is taken on cluster 'local': Namespace 't-${name}' already exists and belongs to group:default/team-a; choose another tenant name.`,
    );
    expect(await namespaceExists(secondAdmin, `t-${name}`)).toBe(false);
    // Nor can team-a have the name twice.
    await expect(
      tenants.create(request(name, 'team-a', 'second')),
    ).rejects.toThrow(
      `Tenant '${name}' already exists on cluster 'local'; choose another tenant name.`,
    );
    await tenants.delete(name);
  }, 60_000);

  it.each(['namespace', 'vcluster'])(
    "deletes a %s tenant with deleteInstances taking only team-a's own instances, never team-b's of the same tenant name on the other cluster",
    async isolation => {
      const name = uniqueName('twin');
      const home = `t-${name}`;
      const xaas = `${home}-xaas`;
      await tenants.create(
        tenants.validate({
          name,
          owner: 'team-a',
          isolation,
          profile: 'small',
        }),
      );
      // team-a's database: in its home namespace, or (vcluster) in its -xaas namespace.
      const own = isolation === 'namespace' ? home : xaas;
      if (own === xaas) {
        await firstAdmin.core.createNamespace({
          body: markedNamespace(xaas, name, 'group:default/team-a'),
        });
      }
      await firstAdmin.objects.create(
        database('orders', own, name, 'group:default/team-a'),
      );
      // team-b's tenant of the same name on the second cluster, made by a cluster admin
      // (the platform refuses to make it): its home and -xaas namespaces, a database in each.
      await secondAdmin.core.createNamespace({
        body: markedNamespace(home, name, 'group:default/team-b', isolation),
      });
      await secondAdmin.objects.create(
        database('payments', home, name, 'group:default/team-b'),
      );
      await secondAdmin.core.createNamespace({
        body: markedNamespace(xaas, name, 'group:default/team-b'),
      });
      await secondAdmin.objects.create(
        database('ledger', xaas, name, 'group:default/team-b'),
      );

      const result = await tenants.delete(name, {
        deleteInstances: true,
        waitUntilGone: true,
        timeoutMs: 90_000,
      });
      expect(result).toMatchObject({ cluster: 'local', namespace: home });
      expect(
        result.deleted.map(d => `${d.kind} ${d.namespace ?? ''}/${d.name}`),
      ).toEqual(
        isolation === 'namespace'
          ? [`Cluster ${home}/orders`, `Namespace /${home}`]
          : [
              `Cluster ${xaas}/orders`,
              `Namespace /${xaas}`,
              `Cluster ${home}/${name}`,
              `Namespace /${home}`,
            ],
      );
      expect(await namespaceExists(firstAdmin, home)).toBe(false);
      expect(await namespaceExists(secondAdmin, home)).toBe(true);
      expect(await databaseExists(secondAdmin, 'payments', home)).toBe(true);
      expect(await namespaceExists(secondAdmin, xaas)).toBe(true);
      expect(await databaseExists(secondAdmin, 'ledger', xaas)).toBe(true);
    },
    120_000,
  );

  it("refuses, deleting nothing, when an object marked as the tenant's instance in its namespace records another owner", async () => {
    const name = uniqueName('mixed');
    const home = `t-${name}`;
    await tenants.create(request(name, 'team-a'));
    await firstAdmin.objects.create(
      database('mine', home, name, 'group:default/team-a'),
    );
    await firstAdmin.objects.create(
      database('theirs', home, name, 'group:default/team-b'),
    );

    const attempt = tenants.delete(name, { deleteInstances: true });
    await expect(attempt).rejects.toThrow(ConflictError);
    await expect(attempt).rejects.toThrow(
      `Tenant '${name}' was not deleted, nor was anything of it: Cluster '${home}/theirs' belongs to group:default/team-b; it is not deleted with tenant '${name}' of group:default/team-a.`,
    );
    expect(await databaseExists(firstAdmin, 'mine', home)).toBe(true);
    expect(await namespaceExists(firstAdmin, home)).toBe(true);
    await adminKubectl(
      first,
      'delete',
      'clusters.postgresql.cnpg.io',
      '--all',
      '-n',
      home,
    );
    await tenants.delete(name);
  }, 60_000);

  it('keeps serving tenants of the healthy cluster while the other is stopped, and refuses new names naming the stopped one, each within seconds', async () => {
    const name = uniqueName('healthy');
    await tenants.create(request(name, 'team-a'));
    await second.stop();

    const timed = async <T>(work: () => Promise<T>) => {
      const started = Date.now();
      const outcome = await work().then(
        value => ({ value, error: undefined }),
        (error: Error) => ({ value: undefined, error }),
      );
      return { ...outcome, ms: Date.now() - started };
    };

    const found = await timed(() => tenants.get(name));
    expect(found).toMatchObject({
      value: { name, cluster: 'local', owner: 'group:default/team-a' },
    });
    const readiness = await timed(() =>
      tenants.waitUntilReady(name, { timeoutMs: 30_000, pollMs: 500 }),
    );
    expect(readiness).toMatchObject({ value: { ready: true } });

    const fresh = uniqueName('fresh');
    const refused = await timed(() => tenants.create(request(fresh, 'team-a')));
    expect(refused.error).toBeInstanceOf(ServiceUnavailableError);
    expect(refused.error?.message).toMatch(
      new RegExp(
        `^Cannot check cluster 'second' \\(it cannot be reached: ECONNREFUSED\\) for a tenant named '${fresh}' elsewhere; try again later$`,
      ),
    );
    expect(await namespaceExists(firstAdmin, `t-${fresh}`)).toBe(false);
    // A name found nowhere reachable is not reported missing while a cluster is silent.
    const unknown = await timed(() => tenants.get(fresh));
    expect(unknown.error).toBeInstanceOf(ServiceUnavailableError);
    expect(unknown.error).not.toBeInstanceOf(NotFoundError);

    const deleted = await timed(() =>
      tenants.delete(name, { waitUntilGone: true, timeoutMs: 60_000 }),
    );
    expect(deleted).toMatchObject({ value: { cluster: 'local' } });
    expect(await namespaceExists(firstAdmin, `t-${name}`)).toBe(false);

    for (const step of [found, refused, unknown]) {
      expect(step.ms).toBeLessThan(5_000);
    }
    // eslint-disable-next-line no-console
    console.log(
      `with cluster 'second' stopped: get ${found.ms} ms, create refused in ${refused.ms} ms, unknown name ${unknown.ms} ms, ready ${readiness.ms} ms, delete (until gone) ${deleted.ms} ms`,
    );
  }, 120_000);
});

describe('TenantService with a cluster that accepts connections and never answers (a loopback socket that stays silent)', () => {
  const first = testCluster();
  let silent: net.Server;
  let tenants: TenantService;

  beforeAll(async () => {
    silent = net.createServer(() => {});
    await new Promise<void>(resolve => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    const config = tenantTestConfig([
      untitledClusterEntry(first),
      {
        ...untitledClusterEntry(first, 'silent'),
        url: `https://127.0.0.1:${port}`,
        roles: ['tenants'],
        requestTimeout: '1s',
      },
    ]);
    tenants = TenantService.fromConfig(config, {
      clusters: ClusterRegistry.fromConfig(config),
    });
  });

  afterAll(async () => {
    silent.close();
  });

  it('serves a tenant of the answering cluster without waiting for the silent one, and refuses a new name naming the silent one once its request timeout passes', async () => {
    const name = uniqueName('patient');
    const started = Date.now();
    const created = tenants.create(
      tenants.validate({
        name,
        owner: 'team-a',
        isolation: 'namespace',
        profile: 'small',
      }),
    );
    await expect(created).rejects.toThrow(ServiceUnavailableError);
    await expect(created).rejects.toThrow(
      `Cannot check cluster 'silent' (it did not answer in time) for a tenant named '${name}' elsewhere; try again later`,
    );
    const refusedMs = Date.now() - started;
    expect(refusedMs).toBeLessThan(3_000);

    // Made through a configuration without the silent cluster, then looked up with it.
    const config = localTenantTestConfig();
    const direct = TenantService.fromConfig(config, {
      clusters: ClusterRegistry.fromConfig(config),
    });
    await direct.create(
      direct.validate({
        name,
        owner: 'team-a',
        isolation: 'namespace',
        profile: 'small',
      }),
    );
    const lookup = Date.now();
    await expect(tenants.get(name)).resolves.toMatchObject({
      name,
      cluster: 'local',
    });
    const foundMs = Date.now() - lookup;
    // Found on the answering cluster without waiting for the silent one to time out.
    expect(foundMs).toBeLessThan(900);
    // eslint-disable-next-line no-console
    console.log(
      `with cluster 'silent' (requestTimeout 1s): create refused in ${refusedMs} ms, get ${foundMs} ms`,
    );
    await direct.delete(name);
  }, 30_000);
});
