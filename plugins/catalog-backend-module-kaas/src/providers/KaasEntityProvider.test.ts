import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import {
  adminKubectl,
  buildLocalCluster,
  freePort,
  localClusterEntry,
  startLocalCluster,
  uniqueName,
  waitFor,
} from '@internal/kaas-test-cluster';
import {
  InstanceService,
  TenantService,
} from '@kaas-platform/plugin-kaas-node';
import {
  accessOf,
  APP,
  kaasConfig,
  kaasConfigData,
  providerOver,
  sharedCluster,
  teamATenant,
  tenantsOver,
  writeStatus,
  type ClusterAccess,
} from '../__testUtils__/providerTestEnvironment';

function setup(cluster: ClusterAccess) {
  const config = kaasConfig(cluster);
  const { clusters, inventory, provider, connection } = providerOver(config);
  const tenants = TenantService.fromConfig(config, { clusters });
  const instances = InstanceService.fromConfig(config, { tenants, clusters });
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
    teamATenant(tenants, name, extra);
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
        dependsOn: [
          `resource:default/${tenant}`,
          'resource:default/xaas-capability-postgresql',
        ],
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

  it('rebuilds only the entities of the tenant a change concerns, and nothing for changes no entity is made of (events)', async () => {
    const name = uniqueName('cat-inc');
    await tenants.create(request(name));
    await instances.create(
      instances.validate({
        tenant: name,
        capability: 'postgresql',
        name: 'db',
        plan: 'small',
      }),
    );
    await waitForEntity(`resource:default/${name}.db`);
    await provider.settled();
    const everyTenant = jest.spyOn(inventory, 'tenants');
    const everyInstance = jest.spyOn(inventory, 'instances');
    const oneTenant = jest.spyOn(inventory, 'tenant');
    try {
      // The writes of the create itself (the policy record on the namespace) may still
      // be coming in: wait for a quiet second before counting.
      for (let calls = -1; calls !== oneTenant.mock.calls.length; ) {
        calls = oneTenant.mock.calls.length;
        await new Promise(resolve => setTimeout(resolve, 1000));
        await provider.settled();
      }
      everyTenant.mockClear();
      everyInstance.mockClear();
      oneTenant.mockClear();

      // An event in the tenant's namespace: its status changes, no entity does.
      const eventFile = path.join(os.tmpdir(), `${name}-event.json`);
      fs.writeFileSync(
        eventFile,
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name: `${name}-noise`, namespace: `t-${name}` },
          involvedObject: { kind: 'ConfigMap', namespace: `t-${name}`, name },
          reason: 'Test',
          message: 'no entity is made of this',
          type: 'Normal',
        }),
      );
      await adminKubectl(sharedCluster(), 'create', '-f', eventFile);
      fs.rmSync(eventFile);
      await until(
        () =>
          inventory
            .tenantStatus(name)
            ?.events.some(e => e.message === 'no entity is made of this'),
        () => 'the event is not in the tenant status',
      );
      await provider.settled();
      expect(oneTenant.mock.calls.filter(([n]) => n === name)).toEqual([]);

      // Its description changes: its entities alone are rebuilt, as a delta.
      const mutations = connection.mutations.length;
      await adminKubectl(
        sharedCluster(),
        'annotate',
        '--overwrite',
        'namespace',
        `t-${name}`,
        'kaas.internal/description=Rebuilt alone',
      );
      await until(
        () =>
          entity(`resource:default/${name}`)?.metadata.description ===
          'Rebuilt alone',
        () => 'the new description is not in the catalog',
      );
      expect(oneTenant.mock.calls.filter(([n]) => n === name)).not.toEqual([]);
      expect(everyInstance.mock.calls).toContainEqual([name]);
      expect(
        connection.mutations.slice(mutations).map(m => m.type),
      ).not.toContain('full');
      // Neither the whole list of tenants nor of instances was walked (a re-list would
      // have, and sent the full mutation refused above).
      expect(everyTenant).not.toHaveBeenCalled();
      expect(
        everyInstance.mock.calls.filter(([tenant]) => tenant === undefined),
      ).toEqual([]);
    } finally {
      everyTenant.mockRestore();
      everyInstance.mockRestore();
      oneTenant.mockRestore();
    }
    await instances.delete(name, 'db');
    await tenants.delete(name);
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

describe('KaasEntityProvider with its full mutations run by the scheduler, as on several replicas (the shared control plane)', () => {
  const requestFullSync = jest.fn();
  const config = kaasConfig(sharedCluster());
  const { inventory, provider, connection } = providerOver(config, {
    requestFullSync,
    fullSyncSettleMs: 50,
  });
  const tenants = TenantService.fromConfig(config, {
    clusters: providerOver(config).clusters,
  });
  afterAll(async () => {
    provider.stop();
    await inventory.stop();
  });

  it('sends only deltas by itself and asks for a full mutation once ready and after a re-list; fullSync sends it and removes what no cluster has', async () => {
    const name = uniqueName('cat-fs');
    await tenants.create(teamATenant(tenants, name));
    const ref = `resource:default/${name}`;
    // What a replica that ran earlier sent for a tenant deleted since.
    const gone: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: { name: uniqueName('cat-gone') },
      spec: { type: 'kubernetes-tenant', owner: 'group:default/team-a' },
    };
    const goneRef = stringifyEntityRef(gone);
    await connection.applyMutation({
      type: 'full',
      entities: [{ entity: gone, locationKey: 'kaas-cluster:local' }],
    });

    await provider.connect(connection);
    await until(
      () => connection.entity(ref),
      () => `${ref} not sent`,
    );
    expect(requestFullSync).toHaveBeenCalled();
    const asked = requestFullSync.mock.calls.length;
    expect(connection.count('full')).toBe(1);
    expect(connection.entity(goneRef)).toBeDefined();

    const namespaces = inventory.clusters()[0].namespaces!;
    await until(
      () => namespaces.isWatching(),
      () => 'the namespace watch is not open',
    );
    namespaces.dropWatch();
    await until(
      () => requestFullSync.mock.calls.length > asked,
      () => 'no full sync asked for after the re-list',
    );
    await provider.settled();
    expect(connection.count('full')).toBe(1);

    await provider.fullSync();
    expect(connection.count('full')).toBe(2);
    expect(connection.entity(ref)).toBeDefined();
    expect(connection.entity(goneRef)).toBeUndefined();
    await tenants.delete(name);
  }, 60_000);
});

describe('KaasEntityProvider across a restart of its control plane (a cluster of its own)', () => {
  it('keeps the entities while the API server is down and sends a full mutation once it is back', async () => {
    await buildLocalCluster();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaas-cat-restart-'));
    const port = await freePort();
    let running = await startLocalCluster({ dataDir, port });
    const { tenants, inventory, provider, connection } = setup(
      accessOf(running),
    );
    try {
      const request = (name: string) => teamATenant(tenants, name);
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

describe('KaasEntityProvider with two control planes, the second stopped at startup and mid-run', () => {
  /** The repo's kaas configuration on `clusters` (name, access, roles). */
  const configOn = (
    clusters: Array<{ name: string; access: ClusterAccess; roles: string[] }>,
  ) =>
    new ConfigReader({
      kaas: {
        ...kaasConfigData(sharedCluster()).kaas,
        clusters: clusters.map(c => ({
          ...localClusterEntry(c.access, c.name),
          roles: c.roles,
        })),
      },
    });
  const FIRST = { name: 'local', roles: ['tenants', 'management', 'xaas'] };
  const SECOND = { name: 'second', roles: ['tenants'] };
  /** Tenants are created and deleted on one cluster at a time: the other may be down. */
  const tenantsOn = (name: string, access: ClusterAccess, roles: string[]) =>
    tenantsOver(configOn([{ name, access, roles }]));
  const request = (tenants: TenantService, name: string, cluster: string) =>
    teamATenant(tenants, name, { cluster });

  it("keeps sending deltas for the healthy cluster, never drops the stopped one's entities, and applies its deletions once it has listed again", async () => {
    await buildLocalCluster();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaas-cat-two-'));
    const port = await freePort();
    let second = await startLocalCluster({ dataDir, port });
    const secondAccess = accessOf(second);
    const first = sharedCluster();
    const onFirst = tenantsOn(FIRST.name, first, FIRST.roles);
    const keep = uniqueName('two-keep');
    const gone = uniqueName('two-gone');
    const before = uniqueName('two-before');
    const after = uniqueName('two-after');
    const ref = (name: string) => `resource:default/${name}`;

    const config = configOn([
      { ...FIRST, access: first },
      { ...SECOND, access: secondAccess },
    ]);
    const { inventory, provider, connection } = providerOver(config);
    // After every mutation: were the second cluster's tenants still in the catalog, and
    // had that cluster listed everything again?
    const log: Array<{
      type: string;
      keep: boolean;
      gone: boolean;
      secondInSync: boolean;
    }> = [];
    const apply = connection.applyMutation.bind(connection);
    connection.applyMutation = async mutation => {
      await apply(mutation);
      log.push({
        type: mutation.type,
        keep: !!connection.entity(ref(keep)),
        gone: !!connection.entity(ref(gone)),
        secondInSync: !inventory.clustersOutOfSync().includes('second'),
      });
    };
    const firstMutationWith = (name: string) =>
      connection.mutations.find(m =>
        m.type === 'full'
          ? m.entities.some(e => stringifyEntityRef(e.entity) === ref(name))
          : m.added.some(e => stringifyEntityRef(e.entity) === ref(name)),
      );

    try {
      const onSecond = tenantsOn(SECOND.name, secondAccess, SECOND.roles);
      await onSecond.create(request(onSecond, keep, 'second'));
      await onSecond.create(request(onSecond, gone, 'second'));
      await second.stop();
      await onFirst.create(request(onFirst, before, 'local'));

      // Down at startup: the first cluster's tenants come as deltas; no full mutation,
      // which would delete whatever the catalog holds of the second.
      await provider.connect(connection);
      await until(
        () => connection.entity(ref(before)),
        () => `${before} not in the catalog while the second cluster is down`,
      );
      expect(firstMutationWith(before)?.type).toBe('delta');
      expect(connection.count('full')).toBe(0);

      // Back: it lists, and a full mutation names both clusters' tenants.
      second = await startLocalCluster({ dataDir, port });
      await until(
        () => connection.count('full') > 0 && connection.entity(ref(gone)),
        () =>
          `no full mutation with the second cluster after it came up: ${connection.count(
            'full',
          )} full mutation(s), ${ref(gone)} ${
            connection.entity(ref(gone)) ? 'present' : 'absent'
          }, inventory synced ${inventory.synced()}, out of sync: ${inventory
            .clustersOutOfSync()
            .join(', ')}; watches: ${inventory
            .clusters()
            .map(c => `${c.name} ${c.hasSynced()}/${c.inSync()}`)
            .join(', ')}`,
        150_000,
      );
      expect(connection.entity(ref(keep))).toBeDefined();
      expect(connection.entity(ref(before))).toBeDefined();

      // Down mid-run: the first cluster's creations and deletions still go as deltas.
      await second.stop();
      await until(
        () => inventory.clustersOutOfSync().includes('second'),
        () => 'the inventory did not notice the second cluster stopped',
      );
      await onFirst.create(request(onFirst, after, 'local'));
      await until(
        () => connection.entity(ref(after)),
        () => `${after} not in the catalog while the second cluster is down`,
      );
      expect(firstMutationWith(after)?.type).toBe('delta');
      await onFirst.delete(before);
      await until(
        () => !connection.entity(ref(before)),
        () => `${before} still in the catalog while the second cluster is down`,
        120_000,
      );

      // A re-list on the healthy cluster sends a full mutation: it carries the stopped
      // cluster's entities over.
      const fulls = connection.count('full');
      const namespaces = inventory.clusters().find(c => c.name === 'local')!
        .namespaces!;
      await until(
        () => namespaces.isWatching(),
        () => 'the namespace watch of the first cluster is not open',
      );
      namespaces.dropWatch();
      await until(
        () => connection.count('full') > fulls,
        () => 'no full mutation after the re-list on the first cluster',
      );
      const full = connection.mutations.filter(m => m.type === 'full').at(-1)!;
      expect(
        full.type === 'full' &&
          full.entities.map(e => stringifyEntityRef(e.entity)),
      ).toEqual(expect.arrayContaining([ref(keep), ref(gone), ref(after)]));

      // The second cluster's tenant is deleted where the inventory cannot see it (its
      // API server up on another port), so only the re-list after the restart tells.
      const elsewhere = await startLocalCluster({
        dataDir,
        port: await freePort(),
      });
      await adminKubectl(
        accessOf(elsewhere),
        'delete',
        'namespace',
        `t-${gone}`,
        '--wait=true',
        '--timeout=90s',
      );
      await elsewhere.stop();
      expect(inventory.clustersOutOfSync()).toContain('second');
      expect(connection.entity(ref(gone))).toBeDefined();

      second = await startLocalCluster({ dataDir, port });
      await until(
        () => !connection.entity(ref(gone)),
        () =>
          `${gone} still in the catalog after the second cluster listed again`,
        150_000,
      );
      expect(connection.entity(ref(keep))).toBeDefined();
      expect(connection.entity(ref(after))).toBeDefined();
      // Present in every mutation since it first came, until its cluster was in sync.
      const since = log.findIndex(entry => entry.gone);
      expect(since).toBeGreaterThanOrEqual(0);
      expect(
        log.slice(since).filter(entry => !entry.gone && !entry.secondInSync),
      ).toEqual([]);
      expect(log.slice(since).every(entry => entry.keep)).toBe(true);
    } finally {
      provider.stop();
      await inventory.stop();
      await second.stop();
      await onFirst.delete(after).catch(() => undefined);
      await onFirst.delete(before).catch(() => undefined);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 420_000);
});
