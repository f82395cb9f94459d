import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import {
  buildLocalCluster,
  freePort,
  startLocalCluster,
  uniqueName,
  waitFor,
} from '@internal/kaas-test-cluster';
import {
  ClusterRegistry,
  DefaultKaasInventory,
  InstanceService,
  TenantService,
} from '@internal/plugin-kaas-node';
import {
  RecordingConnection,
  kaasConfig,
  sharedCluster,
  writeStatus,
  type ClusterAccess,
} from '../__testUtils__/providerTestEnvironment';
import { KaasEntityProvider } from './KaasEntityProvider';

const APP = 'http://localhost:3000';

function setup(cluster: ClusterAccess) {
  const config = kaasConfig(cluster);
  const clusters = ClusterRegistry.fromConfig(config);
  const tenants = TenantService.fromConfig(config, { clusters });
  const instances = InstanceService.fromConfig(config, { tenants, clusters });
  const logger = mockServices.logger.mock();
  const inventory = DefaultKaasInventory.fromConfig(config, {
    clusters,
    logger,
  });
  const provider = new KaasEntityProvider({
    inventory,
    markPrefix: 'kaas.internal',
    appBaseUrl: APP,
    logger,
  });
  const connection = new RecordingConnection();
  return { tenants, instances, inventory, provider, connection };
}

const until = <T>(
  check: () => T | undefined | false,
  describe: () => string,
  timeoutMs = 30_000,
) =>
  waitFor(async () => check() || undefined, {
    timeoutMs,
    intervalMs: 50,
    describe,
  }) as Promise<T>;

describe('KaasEntityProvider against the local control plane (real list+watch, a recording catalog connection)', () => {
  const { tenants, instances, inventory, provider, connection } = setup(
    sharedCluster(),
  );
  const request = (name: string, extra: Record<string, unknown> = {}) =>
    tenants.validate({
      name,
      owner: 'team-a',
      isolation: 'namespace',
      profile: 'small',
      ...extra,
    });
  const entity = (ref: string) => connection.entity(ref);
  const waitForEntity = (ref: string) =>
    until<Entity>(
      () => entity(ref),
      () => `${ref} not in the catalog`,
    );

  beforeAll(async () => {
    await provider.connect(connection);
    await until(
      () => connection.count('full') > 0,
      () => 'no full mutation after the inventory listed',
    );
  });
  afterAll(async () => {
    provider.stop();
    await inventory.stop();
  });

  it('puts tenants of each isolation into the catalog by delta mutations, with owner, kubernetes annotations and page link', async () => {
    const namespaced = uniqueName('cat-ns');
    const virtual = uniqueName('cat-vc');
    const whole = uniqueName('cat-wc');
    const fullBefore = connection.count('full');
    await tenants.create(
      request(namespaced, { description: 'Team A development' }),
    );
    await tenants.create(request(virtual, { isolation: 'vcluster' }));
    await tenants.create(
      request(whole, { isolation: 'cluster', profile: 'large' }),
    );

    const ns = await waitForEntity(`resource:default/${namespaced}`);
    expect(ns).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: namespaced,
        namespace: 'default',
        title: namespaced,
        description: 'Team A development',
        annotations: {
          'backstage.io/managed-by-location': 'kaas-cluster:local',
          'backstage.io/managed-by-origin-location': 'kaas-cluster:local',
          'backstage.io/kubernetes-id': namespaced,
          'backstage.io/kubernetes-namespace': `t-${namespaced}`,
          'backstage.io/kubernetes-label-selector': `kaas.internal/tenant=${namespaced}`,
          'kaas.internal/cluster': 'local',
          'kaas.internal/isolation': 'namespace',
          'kaas.internal/profile': 'small',
          'kaas.internal/namespace': `t-${namespaced}`,
        },
        links: [
          {
            url: `${APP}/catalog/default/resource/${namespaced}/kaas`,
            title: 'Tenant page',
          },
        ],
      },
      spec: { type: 'kubernetes-tenant', owner: 'group:default/team-a' },
    });
    const vc = await waitForEntity(`resource:default/${virtual}`);
    expect(vc.metadata.annotations).toMatchObject({
      'kaas.internal/isolation': 'vcluster',
      'backstage.io/kubernetes-namespace': `t-${virtual}`,
    });
    const wc = await waitForEntity(`resource:default/${whole}`);
    expect(wc.metadata.annotations).toMatchObject({
      'kaas.internal/isolation': 'cluster',
      'kaas.internal/profile': 'large',
    });
    expect(wc.spec).toEqual({
      type: 'kubernetes-tenant',
      owner: 'group:default/team-a',
    });
    // Changes after the first sync go as deltas, not as full mutations.
    expect(connection.count('full')).toBe(fullBefore);
    expect(connection.mutations.at(-1)?.type).toBe('delta');

    for (const name of [namespaced, virtual, whole]) {
      await tenants.delete(name);
    }
    await until(
      () =>
        [namespaced, virtual, whole].every(
          n => !entity(`resource:default/${n}`),
        ),
      () => 'deleted tenants still in the catalog',
      120_000,
    );
  }, 180_000);

  it('puts an instance in, owned by its tenant, depending on it, and takes it out by a delta removal once deleted', async () => {
    const tenant = uniqueName('cat-x');
    await tenants.create(request(tenant));
    await instances.create(
      instances.validate({
        tenant,
        capability: 'postgresql',
        name: 'orders',
        plan: 'small',
      }),
    );
    const ref = `resource:default/${tenant}.orders`;
    const instance = await waitForEntity(ref);
    expect(instance).toMatchObject({
      kind: 'Resource',
      metadata: {
        name: `${tenant}.orders`,
        title: `orders (${tenant})`,
        annotations: {
          'backstage.io/kubernetes-namespace': `t-${tenant}`,
          'backstage.io/kubernetes-label-selector': `kaas.internal/tenant=${tenant},kaas.internal/instance=orders`,
          'kaas.internal/cluster': 'local',
          'kaas.internal/tenant': tenant,
          'kaas.internal/capability': 'postgresql',
          'kaas.internal/plan': 'small',
          'kaas.internal/namespace': `t-${tenant}`,
        },
        links: [
          {
            url: `${APP}/catalog/default/resource/${tenant}.orders/kaas`,
            title: 'Instance page',
          },
        ],
      },
      spec: {
        type: 'xaas-postgresql',
        owner: 'group:default/team-a',
        dependsOn: [`resource:default/${tenant}`],
      },
    });

    // Readiness is status, not catalog data: the operator's status write sends no delta
    // (a full mutation may come, from a watch that listed afresh meanwhile).
    const mutations = connection.mutations.length;
    await writeStatus(
      sharedCluster(),
      'clusters.postgresql.cnpg.io',
      `t-${tenant}`,
      'orders',
      { phase: 'Cluster in healthy state' },
    );
    await until(
      () => inventory.instance(tenant, 'orders')?.ready,
      () => 'instance not ready in the inventory',
    );
    await provider.settled();
    // Other tests' tenants on the shared cluster may send deltas meanwhile; none may
    // mention this instance.
    const mentions = (m: (typeof connection.mutations)[number]) =>
      m.type === 'delta' &&
      [
        ...m.added.map(d => stringifyEntityRef(d.entity)),
        ...m.removed.map(r =>
          'entityRef' in r ? r.entityRef : stringifyEntityRef(r.entity),
        ),
      ].includes(ref);
    expect(connection.mutations.slice(mutations).filter(mentions)).toEqual([]);

    await instances.delete(tenant, 'orders');
    await until(
      () => !entity(ref),
      () => `${ref} still in the catalog`,
    );
    // Other tests' changes on the shared cluster may share the delta.
    const removal = connection.mutations.find(
      m =>
        m.type === 'delta' &&
        m.removed.some(r => 'entityRef' in r && r.entityRef === ref),
    );
    expect(removal).toMatchObject({
      type: 'delta',
      removed: expect.arrayContaining([
        { entityRef: ref, locationKey: 'kaas-cluster:local' },
      ]),
    });
    await tenants.delete(tenant);
    await until(
      () => !entity(`resource:default/${tenant}`),
      () => `tenant ${tenant} still in the catalog`,
      90_000,
    );
  }, 120_000);

  it('sends a full mutation again after a watch lists afresh, with the same entities', async () => {
    const name = uniqueName('cat-re');
    await tenants.create(request(name));
    const ref = `resource:default/${name}`;
    const before = await waitForEntity(ref);
    const fulls = connection.count('full');

    const namespaces = inventory.clusters()[0].namespaces!;
    await until(
      () => namespaces.isWatching(),
      () => 'the namespace watch is not open',
    );
    namespaces.dropWatch();
    await until(
      () => connection.count('full') > fulls,
      () => 'no full mutation after the re-list',
    );
    const full = connection.mutations.filter(m => m.type === 'full').at(-1)!;
    expect(
      full.type === 'full' && full.entities.map(e => e.entity),
    ).toContainEqual(before);
    expect(connection.entity(ref)).toEqual(before);
    await tenants.delete(name);
  }, 60_000);
});

describe('KaasEntityProvider across a restart of its control plane (a cluster of its own)', () => {
  it('keeps the entities while the API server is down and sends a full mutation once it is back', async () => {
    await buildLocalCluster();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaas-cat-restart-'));
    const port = await freePort();
    let running = await startLocalCluster({ dataDir, port });
    const { tenants, inventory, provider, connection } = setup({
      url: running.url,
      caFile: running.caFile,
      backendTokenFile: running.backendTokenFile,
      adminKubeconfig: running.adminKubeconfig,
    });
    try {
      const request = (name: string) =>
        tenants.validate({
          name,
          owner: 'team-a',
          isolation: 'namespace',
          profile: 'small',
        });
      await tenants.create(request('survivor'));
      await provider.connect(connection);
      await until(
        () => connection.entity('resource:default/survivor'),
        () => 'survivor not in the catalog',
      );
      const fulls = connection.count('full');
      // After every mutation, was the tenant still in the catalog?
      const presence: boolean[] = [];
      const apply = connection.applyMutation.bind(connection);
      connection.applyMutation = async mutation => {
        await apply(mutation);
        presence.push(!!connection.entity('resource:default/survivor'));
      };

      await running.stop();
      await new Promise(r => setTimeout(r, 2000));
      running = await startLocalCluster({ dataDir, port });
      await until(
        () => connection.count('full') > fulls,
        () => 'no full mutation after the restart',
        60_000,
      );
      await tenants.create(request('newcomer'));
      await until(
        () => connection.entity('resource:default/newcomer'),
        () => 'newcomer not in the catalog after the restart',
      );
      expect(presence.length).toBeGreaterThan(0);
      expect(presence.every(Boolean)).toBe(true);
    } finally {
      provider.stop();
      await inventory.stop();
      await running.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 300_000);
});
