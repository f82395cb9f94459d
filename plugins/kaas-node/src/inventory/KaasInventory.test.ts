import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
} from '@kubernetes/client-node';
import {
  buildLocalCluster,
  freePort,
  startLocalCluster,
  uniqueName,
  waitFor,
} from '@internal/kaas-test-cluster';
import { ClusterRegistry } from '../clusters/ClusterRegistry';
import { InstanceService } from '../instances/InstanceService';
import { TenantService } from '../tenants/TenantService';
import { DefaultKaasInventory, type KaasInventoryEvent } from './KaasInventory';
import {
  capturingLogger,
  compactEtcd,
  installCrds,
  inventoryTestConfig,
  restrictedPod,
  sharedCluster,
  writeStatus,
  type ClusterAccess,
} from '../__testUtils__/inventoryTestEnvironment';

const CNPG = { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster' };
const CAPI = { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster' };

function services(cluster: ClusterAccess) {
  const config = inventoryTestConfig(cluster);
  const clusters = ClusterRegistry.fromConfig(config);
  const tenants = TenantService.fromConfig(config, { clusters });
  const instances = InstanceService.fromConfig(config, { tenants, clusters });
  const logger = capturingLogger();
  const inventory = DefaultKaasInventory.fromConfig(config, {
    clusters,
    logger,
  });
  const admin = new KubeConfig();
  admin.loadFromFile(cluster.adminKubeconfig);
  return { config, tenants, instances, inventory, logger, admin };
}

function recordEvents(inventory: DefaultKaasInventory) {
  const events: KaasInventoryEvent[] = [];
  inventory.subscribe(e => events.push(e));
  return events;
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

describe('DefaultKaasInventory against the local control plane with the backend credential (real list+watch)', () => {
  const cluster = sharedCluster();
  const { tenants, instances, inventory, logger, admin } = services(cluster);
  const core = admin.makeApiClient(CoreV1Api);
  const apps = admin.makeApiClient(AppsV1Api);
  const objects = KubernetesObjectApi.makeApiClient(admin);
  const request = (name: string, extra: Record<string, unknown> = {}) =>
    tenants.validate({
      name,
      owner: 'team-a',
      isolation: 'namespace',
      profile: 'small',
      description: 'Inventory test',
      ...extra,
    });

  beforeAll(async () => {
    await installCrds(
      cluster,
      ['cloudnative-pg', 'cluster-api', 'cluster-api-provider-vcluster'],
      [CNPG, CAPI],
    );
    await inventory.ready();
  }, 120_000);
  afterAll(() => inventory.stop());

  it('follows a namespace tenant: summary, readiness worded as TenantService says it, policy, workloads, events, deletion', async () => {
    const name = uniqueName('inv');
    const namespace = `t-${name}`;
    await tenants.create(request(name));

    const summary = await until(
      () => inventory.tenant(name),
      () => `tenant ${name} not in the inventory`,
    );
    expect(summary).toEqual(await tenants.get(name));
    expect(inventory.tenants().map(t => t.name)).toContain(name);

    const ready = await until(
      () => inventory.tenantStatus(name)?.ready && inventory.tenantStatus(name),
      () => `${JSON.stringify(inventory.tenantStatus(name)?.conditions)}`,
    );
    const readiness = await tenants.readiness(name);
    expect(ready.conditions).toEqual(readiness.conditions);
    expect(ready).toMatchObject({
      name,
      namespace,
      cluster: 'local',
      isolation: 'namespace',
      owner: 'group:default/team-a',
      profile: 'small',
      entityRef: `resource:default/${name}`,
      description: 'Inventory test',
      phase: 'Ready',
      kubeconfigModes: ['token'],
      workloads: { pods: 0, podsRunning: 0, deployments: 0, statefulSets: 0 },
    });
    expect(ready.quotas).toEqual([
      {
        name: 'tenant-quota',
        resources: expect.arrayContaining([
          { resource: 'pods', used: '0', hard: '20', fraction: 0 },
          {
            resource: 'requests.memory',
            used: '0',
            hard: '4Gi',
            fraction: 0,
          },
        ]),
      },
    ]);
    expect(ready.limitRanges).toEqual([
      {
        name: 'tenant-limits',
        limits: [
          {
            type: 'Container',
            default: { cpu: '500m', memory: '512Mi' },
            defaultRequest: { cpu: '100m', memory: '128Mi' },
            max: { cpu: '2', memory: '2Gi' },
          },
        ],
      },
    ]);
    expect(ready.networkPolicies).toEqual(
      [
        'allow-from-ingress',
        'allow-from-monitoring',
        'allow-same-namespace',
        'default-deny-ingress',
      ].map(n => ({ name: n, policyTypes: ['Ingress'] })),
    );
    expect(JSON.stringify(ready)).not.toMatch(/managedFields/);

    // Workloads of the tenant's own: a pod (no kubelet here: status written as it
    // would), a Deployment and a StatefulSet with no replicas, and an event.
    await core.createNamespacedPod({ namespace, body: restrictedPod('web') });
    await apps.createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name: 'api' },
        spec: {
          replicas: 0,
          selector: { matchLabels: { app: 'api' } },
          template: {
            metadata: { labels: { app: 'api' } },
            spec: restrictedPod('api').spec,
          },
        },
      },
    });
    await apps.createNamespacedStatefulSet({
      namespace,
      body: {
        metadata: { name: 'db' },
        spec: {
          replicas: 0,
          serviceName: 'db',
          selector: { matchLabels: { app: 'db' } },
          template: {
            metadata: { labels: { app: 'db' } },
            spec: restrictedPod('db').spec,
          },
        },
      },
    });
    const now = new Date();
    await core.createNamespacedEvent({
      namespace,
      body: {
        metadata: { name: 'web.test' },
        involvedObject: { kind: 'Pod', name: 'web', namespace },
        reason: 'BackOff',
        message: 'Back-off pulling image',
        type: 'Warning',
        count: 3,
        firstTimestamp: now,
        lastTimestamp: now,
      },
    });
    await writeStatus(cluster, 'pod', namespace, 'web', { phase: 'Running' });

    const busy = await until(
      () => {
        const status = inventory.tenantStatus(name);
        const pods = status?.quotas[0].resources.find(
          r => r.resource === 'pods',
        );
        return status?.workloads.podsRunning === 1 &&
          status.workloads.deployments === 1 &&
          status.workloads.statefulSets === 1 &&
          status.events.length > 0 &&
          pods?.used === '1'
          ? status
          : undefined;
      },
      () => JSON.stringify(inventory.tenantStatus(name)),
      60_000,
    );
    expect(busy.workloads).toEqual({
      pods: 1,
      podsRunning: 1,
      deployments: 1,
      statefulSets: 1,
    });
    expect(busy.quotas[0].resources).toContainEqual({
      resource: 'pods',
      used: '1',
      hard: '20',
      fraction: 0.05,
    });
    expect(busy.events[0]).toEqual({
      type: 'Warning',
      reason: 'BackOff',
      message: 'Back-off pulling image',
      object: 'Pod/web',
      count: 3,
      lastSeen: new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString(),
    });
    expect(Date.parse(busy.observedAt)).toBeGreaterThanOrEqual(
      Date.parse(ready.observedAt),
    );

    await tenants.delete(name);
    await until(
      () => inventory.tenant(name) === undefined,
      () => `tenant ${name} still in the inventory`,
      90_000,
    );
    expect(inventory.tenantStatus(name)).toBeUndefined();
  }, 180_000);

  it('forgets a deleted tenant: nothing is kept about its namespace (events, pods, change times)', async () => {
    const name = uniqueName('inv-gone');
    const namespace = `t-${name}`;
    await tenants.create(request(name));
    await core.createNamespacedPod({ namespace, body: restrictedPod('web') });
    const now = new Date();
    await core.createNamespacedEvent({
      namespace,
      body: {
        metadata: { name: 'web.gone' },
        involvedObject: { kind: 'Pod', name: 'web', namespace },
        reason: 'Scheduled',
        message: 'about to go',
        type: 'Normal',
        count: 1,
        firstTimestamp: now,
        lastTimestamp: now,
      },
    });
    await until(
      () => {
        const status = inventory.tenantStatus(name);
        return status?.events.length && status.workloads.pods === 1;
      },
      () => JSON.stringify(inventory.tenantStatus(name)),
    );
    expect(inventory.namespacesHeld()).toContain(`local/${namespace}`);

    await tenants.delete(name);
    await until(
      () => !inventory.namespacesHeld().includes(`local/${namespace}`),
      () =>
        `the inventory still holds local/${namespace}: ${JSON.stringify(
          inventory.tenantStatus(name),
        )}`,
      90_000,
    );
    expect(inventory.tenant(name)).toBeUndefined();
  }, 180_000);

  it('follows an instance: not ready, ready once the operator reports it, its connection, its deletion', async () => {
    const tenant = uniqueName('inv-x');
    const namespace = `t-${tenant}`;
    await tenants.create(request(tenant));
    const created = await instances.create(
      instances.validate({
        tenant,
        capability: 'postgresql',
        name: 'orders',
        plan: 'small',
      }),
    );

    const waiting = await until(
      () => inventory.instance(tenant, 'orders'),
      () => `instance ${tenant}/orders not in the inventory`,
    );
    expect(waiting).toMatchObject({
      tenant,
      name: 'orders',
      capability: 'postgresql',
      plan: 'small',
      owner: 'group:default/team-a',
      cluster: 'local',
      namespace,
      entityRef: `resource:default/${tenant}.orders`,
      title: 'PostgreSQL',
      ready: false,
      conditions: [],
    });
    expect(waiting.message).toBe(
      (await instances.readiness(tenant, 'orders')).message,
    );
    expect(waiting.connection).toEqual(created.connection);
    expect(waiting.connection).toEqual({
      secretName: 'orders-app',
      host: `orders-rw.${namespace}.svc`,
      port: 5432,
      showKeys: ['username', 'dbname', 'host', 'port'],
    });

    await writeStatus(
      cluster,
      'clusters.postgresql.cnpg.io',
      namespace,
      'orders',
      {
        phase: 'Cluster in healthy state',
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'ClusterIsReady',
            message: 'Cluster is Ready',
            lastTransitionTime: new Date().toISOString().replace(/\.\d+/, ''),
          },
        ],
      },
    );
    const ready = await until(
      () =>
        inventory.instance(tenant, 'orders')?.ready &&
        inventory.instance(tenant, 'orders'),
      () => JSON.stringify(inventory.instance(tenant, 'orders')),
    );
    expect(ready).toMatchObject({
      phase: 'Cluster in healthy state',
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'ClusterIsReady',
          message: 'Cluster is Ready',
        },
      ],
    });
    expect(ready.message).toBe(
      (await instances.readiness(tenant, 'orders')).message,
    );
    expect(inventory.instances(tenant).map(i => i.name)).toEqual(['orders']);
    expect(inventory.instances().map(i => i.entityRef)).toContain(
      `resource:default/${tenant}.orders`,
    );

    // An object in this tenant's namespace marked as another tenant's instance is not
    // taken for one: instances count only where their tenant's instances go.
    const other = uniqueName('inv-o');
    await tenants.create(request(other));
    await objects.create({
      apiVersion: CNPG.apiVersion,
      kind: CNPG.kind,
      metadata: {
        name: 'spoof',
        namespace,
        labels: {
          'kaas.internal/tenant': other,
          'kaas.internal/instance': 'spoof',
          'kaas.internal/capability': 'postgresql',
          'kaas.internal/managed-by': 'backstage-kaas',
        },
      },
      spec: { instances: 1, storage: { size: '1Gi' } },
    } as any);
    await until(
      () => inventory.tenant(other),
      () => `tenant ${other} not in the inventory`,
    );
    await new Promise(r => setTimeout(r, 500));
    expect(inventory.instances(other)).toEqual([]);

    await objects.delete({
      apiVersion: CNPG.apiVersion,
      kind: CNPG.kind,
      metadata: { name: 'spoof', namespace },
    });
    await instances.delete(tenant, 'orders');
    await until(
      () => inventory.instance(tenant, 'orders') === undefined,
      () => `instance ${tenant}/orders still in the inventory`,
    );
    await tenants.delete(tenant);
    await tenants.delete(other);
  }, 120_000);

  it('shows a virtual cluster tenant with its Cluster API object and kubeconfig Secret, as TenantService judges them', async () => {
    const name = uniqueName('inv-vc');
    const namespace = `t-${name}`;
    await tenants.create(request(name, { isolation: 'vcluster' }));
    const provisioning = await until(
      () => {
        const status = inventory.tenantStatus(name);
        return status?.clusterObject && status;
      },
      () => JSON.stringify(inventory.tenantStatus(name)),
    );
    expect(provisioning).toMatchObject({
      isolation: 'vcluster',
      phase: 'Provisioning',
      ready: false,
      kubeconfigModes: ['cluster'],
      clusterObject: { apiVersion: CAPI.apiVersion, kind: 'Cluster', name },
    });
    await writeStatus(cluster, 'clusters.cluster.x-k8s.io', namespace, name, {
      phase: 'Provisioned',
      conditions: [
        {
          type: 'Available',
          status: 'True',
          reason: 'Ready',
          message: '',
          lastTransitionTime: new Date().toISOString().replace(/\.\d+/, ''),
        },
      ],
    });
    await core.createNamespacedSecret({
      namespace,
      body: {
        metadata: { name: `${name}-kubeconfig` },
        stringData: { value: 'secret-kubeconfig-content' },
      },
    });
    const ready = await until(
      () => inventory.tenantStatus(name)?.ready && inventory.tenantStatus(name),
      () => JSON.stringify(inventory.tenantStatus(name)?.conditions),
    );
    expect(ready.conditions).toEqual(
      (await tenants.readiness(name)).conditions,
    );
    expect(ready.clusterObject).toMatchObject({
      phase: 'Provisioned',
      conditions: [{ type: 'Available', status: 'True', reason: 'Ready' }],
    });
    expect(JSON.stringify(ready)).not.toContain('secret-kubeconfig-content');
    await tenants.delete(name);
  }, 120_000);

  it('lists again after its watch connection dropped, and keeps following', async () => {
    const events = recordEvents(inventory);
    const [watches] = inventory.clusters();
    const before = inventory.requestCounts();

    await until(
      () => watches.namespaces!.isWatching(),
      () => 'the namespace watch is not open',
    );
    watches.namespaces!.dropWatch();
    await until(
      () => events.some(e => e.type === 'resync'),
      () => 'no resync after a dropped connection',
    );
    expect(
      logger.lines.some(l =>
        /Namespaces on cluster 'local': watch connection dropped; listing again in \d+ ms/.test(
          l,
        ),
      ),
    ).toBe(true);
    const name = uniqueName('inv-drop');
    await tenants.create(request(name));
    await until(
      () => inventory.tenant(name),
      () => `tenant ${name} not seen after the dropped connection`,
    );
    const after = inventory.requestCounts();
    expect(after.lists).toBeGreaterThanOrEqual(before.lists + 1);
    expect(after.watches).toBeGreaterThanOrEqual(before.watches + 1);
    expect(inventory.synced()).toBe(true);
    await tenants.delete(name);
  }, 60_000);

  it('answers from memory: reading status makes no API request', async () => {
    const before = inventory.requestCounts();
    for (const tenant of inventory.tenants())
      inventory.tenantStatus(tenant.name);
    inventory.instances();
    expect(inventory.requestCounts()).toEqual(before);
  });
});

describe('DefaultKaasInventory on a control plane of its own, restarted and compacted', () => {
  it('lists again once the API server is back and after 410 Gone, and follows what changes after', async () => {
    await buildLocalCluster();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaas-inv-restart-'));
    const port = await freePort();
    let running = await startLocalCluster({ dataDir, port });
    const access = (): ClusterAccess => ({
      url: running.url,
      caFile: running.caFile,
      backendTokenFile: running.backendTokenFile,
      adminKubeconfig: running.adminKubeconfig,
    });
    const { tenants, inventory, logger } = services(access());
    try {
      const request = (name: string) =>
        tenants.validate({
          name,
          owner: 'team-a',
          isolation: 'namespace',
          profile: 'small',
        });
      await tenants.create(request('before'));
      await inventory.ready();
      await until(
        () => inventory.tenant('before'),
        () => 'tenant before not seen',
      );
      const events = recordEvents(inventory);

      const stoppedAt = Date.now();
      await running.stop();
      await until(
        () => logger.lines.some(l => /listing again in/.test(l)),
        () => 'no failure logged while the API server was down',
      );
      // What was cached stays while the cluster is away, and says since when it is.
      expect(inventory.tenant('before')).toBeDefined();
      const lastSeen = inventory.tenantStatus('before');
      expect(lastSeen).toMatchObject({ name: 'before', phase: 'Ready' });
      expect(Date.parse(lastSeen!.staleSince!)).toBeGreaterThanOrEqual(
        stoppedAt,
      );
      expect(inventory.clustersOutOfSync()).toEqual(['local']);
      const listsWhileDown = inventory.requestCounts().lists;

      running = await startLocalCluster({ dataDir, port });
      await until(
        () => events.filter(e => e.type === 'resync').length >= 9,
        () => `only ${events.filter(e => e.type === 'resync').length} resyncs`,
        60_000,
      );
      expect(inventory.requestCounts().lists).toBeGreaterThan(listsWhileDown);
      expect(inventory.synced()).toBe(true);
      await until(
        () => inventory.clustersOutOfSync().length === 0,
        () => `still out of sync: ${inventory.clustersOutOfSync()}`,
      );
      expect(inventory.tenantStatus('before')?.staleSince).toBeUndefined();
      await tenants.create(request('after'));
      await until(
        () => inventory.tenant('after'),
        () => 'tenant after not seen after the restart',
      );

      // A watch resumed from a resource version that etcd compacted away (and that the
      // restarted API server's watch cache never held) is answered 410 Gone: the
      // inventory lists again.
      events.length = 0;
      const namespaces = inventory.clusters()[0].namespaces!;
      await until(
        () => namespaces.isWatching(),
        () => 'the namespace watch is not open',
      );
      await compactEtcd(dataDir);
      namespaces.dropWatch({ resumeFrom: '1' });
      await until(
        () => logger.lines.some(l => /expired \(410 Gone\)/.test(l)),
        () => `no 410 logged: ${logger.lines.slice(-5).join('\n')}`,
      );
      await until(
        () => events.some(e => e.type === 'resync'),
        () => 'no resync after 410',
      );
      await tenants.delete('before');
      await until(
        () => !inventory.tenant('before'),
        () => 'deletion of before not seen after the 410',
        90_000,
      );
    } finally {
      await inventory.stop();
      await running.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 300_000);
});
