import { ConfigReader } from '@backstage/config';
import { ConflictError, InputError } from '@backstage/errors';
import {
  CoreV1Api,
  KubernetesObjectApi,
  type KubernetesObject,
} from '@kubernetes/client-node';
import {
  VCLUSTER_KINDS,
  adminKubeConfig,
  installCrds,
  repoKaasConfigData,
  testCluster,
  uniqueName,
  waitFor,
  writeStatus as writeStatusAs,
} from '@internal/kaas-test-cluster';
import { capturingLogger } from '../__testUtils__/capturingLogger';
import { ClusterRegistry } from '../clusters/ClusterRegistry';
import { TenantService } from '../tenants/TenantService';
import { capabilityInstanceKinds } from '../tenants/tenantInstances';
import { InstanceService } from './InstanceService';
import { readCapabilities } from './readCapabilities';

const SECRET = 'pa55-w0rd-never-shown';

const writeStatus = (
  resource: string,
  namespace: string,
  name: string,
  status: unknown,
) => writeStatusAs(testCluster(), resource, namespace, name, status);

/** The repository's real `kaas` configuration, on the test cluster, plus `extra` capabilities. */
function shippedConfig(extraCapabilities: Record<string, unknown> = {}) {
  const { kaas } = repoKaasConfigData(testCluster());
  return new ConfigReader({
    kaas: {
      ...kaas,
      capabilities: { ...kaas.capabilities, ...extraCapabilities },
    },
  });
}

/** A fifth capability, added purely through configuration: a CloudNativePG Database. */
const PG_DATABASE = {
  title: 'PostgreSQL database',
  description: 'A database in an existing CloudNativePG cluster',
  parameters: {
    type: 'object',
    additionalProperties: false,
    properties: {
      cluster: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' },
      owner: { type: 'string', default: 'app' },
    },
    required: ['cluster'],
  },
  plans: { standard: { title: 'Standard', parameters: {} } },
  objects: [
    {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Database',
      metadata: { name: '${{ instance.name }}' },
      spec: {
        name: '${{ instance.name }}',
        owner: '${{ parameters.owner }}',
        cluster: { name: '${{ parameters.cluster }}' },
      },
    },
  ],
  readiness: { field: { path: 'status.applied', equals: true } },
  connection: {
    secretName: '${{ parameters.cluster }}-app',
    showKeys: ['username'],
    service: '${{ parameters.cluster }}-rw',
    port: 5432,
  },
};

describe('InstanceService against the local control plane with the backend credential, the shipped capabilities and the upstream operator CRDs', () => {
  const logs: string[] = [];
  const logger = capturingLogger(logs);
  const config = shippedConfig({ pgdatabase: PG_DATABASE });
  const clusters = ClusterRegistry.fromConfig(config);
  const tenants = TenantService.fromConfig(config, {
    clusters,
    logger,
    instanceKinds: capabilityInstanceKinds(readCapabilities(config)),
  });
  const instances = InstanceService.fromConfig(config, {
    tenants,
    clusters,
    logger,
  });
  const admin = adminKubeConfig();
  const core = admin.makeApiClient(CoreV1Api);
  const objects = KubernetesObjectApi.makeApiClient(admin);
  const tenant = uniqueName('xaas');
  const namespace = `t-${tenant}`;

  const read = async (
    apiVersion: string,
    kind: string,
    name: string,
    ns = namespace,
  ): Promise<KubernetesObject | undefined> => {
    try {
      return await objects.read({
        apiVersion,
        kind,
        metadata: { name, namespace: ns },
      });
    } catch (error) {
      if ((error as { code?: number }).code === 404) return undefined;
      throw error;
    }
  };

  beforeAll(async () => {
    await installCrds(
      testCluster(),
      [
        'cloudnative-pg',
        'moco',
        'strimzi',
        'vitess-operator',
        'cluster-api',
        'cluster-api-provider-vcluster',
      ],
      [
        ...capabilityInstanceKinds(readCapabilities(config)),
        ...VCLUSTER_KINDS,
        {
          apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha1',
          kind: 'VCluster',
        },
      ],
    );
    await tenants.create(
      tenants.validate({
        name: tenant,
        owner: 'team-a',
        isolation: 'namespace',
        profile: 'small',
      }),
    );
  }, 180_000);

  const shipped = readCapabilities(shippedConfig());
  const matrix = shipped.flatMap(c =>
    Object.keys(c.plans).map(plan => [c.id, plan] as const),
  );

  it.each(matrix)(
    'creates a %s instance of plan %s that the API server accepts, marked, idempotently',
    async (capability, plan) => {
      const name = `${capability}-${plan}`;
      const parameters =
        capability === 'kafka' && plan === 'medium' ? { topic: 'orders' } : {};
      const request = instances.validate({
        tenant,
        capability,
        name,
        plan,
        parameters,
      });
      const first = await instances.create(request);
      expect(first).toMatchObject({
        tenant,
        capability,
        name,
        plan,
        cluster: 'local',
        namespace,
      });
      expect(first.objects.every(o => o.action === 'created')).toBe(true);
      const main = first.objects[0];
      const stored = await read(main.apiVersion, main.kind, main.name);
      expect(stored?.metadata?.labels).toMatchObject({
        'kaas.internal/tenant': tenant,
        'kaas.internal/managed-by': 'backstage-kaas',
        'kaas.internal/capability': capability,
        'kaas.internal/instance': name,
      });
      expect(stored?.metadata?.annotations).toMatchObject({
        'kaas.internal/owner': 'group:default/team-a',
      });
      expect(
        JSON.parse(stored!.metadata!.annotations!['kaas.internal/spec']),
      ).toEqual({ tenant, capability, name, plan, parameters });

      const second = await instances.create(request);
      expect(second.objects.map(o => [o.kind, o.resourceVersion])).toEqual(
        first.objects.map(o => [o.kind, o.resourceVersion]),
      );
      expect(second.objects.every(o => o.action === 'unchanged')).toBe(true);
      expect(await instances.get(tenant, name)).toMatchObject({
        tenant,
        name,
        capability,
        plan,
        owner: 'group:default/team-a',
        namespace,
        cluster: 'local',
      });
    },
    60_000,
  );

  it('renders the whole-value placeholders with their JSON types and the optional KafkaTopic only when asked', async () => {
    const pg = await read(
      'postgresql.cnpg.io/v1',
      'Cluster',
      'postgresql-medium',
    );
    expect((pg as any).spec).toMatchObject({
      instances: 2,
      imageName: expect.stringMatching(/\/cloudnative-pg\/postgresql:17$/),
      storage: { size: '10Gi' },
    });
    const kafka = await read('kafka.strimzi.io/v1', 'Kafka', 'kafka-medium');
    expect((kafka as any).spec.kafka.config).toMatchObject({
      'default.replication.factor': 3,
      'min.insync.replicas': 2,
      'log.retention.hours': 168,
    });
    const topic = await read(
      'kafka.strimzi.io/v1',
      'KafkaTopic',
      'kafka-medium-orders',
    );
    expect(topic?.metadata?.labels?.['strimzi.io/cluster']).toBe(
      'kafka-medium',
    );
    expect((topic as any).spec).toEqual({
      topicName: 'orders',
      partitions: 6,
      replicas: 3,
    });
    for (const name of [
      'postgresql-small',
      'kafka-large',
      'kafka-small',
      'mysql-large',
      'vitess-medium',
    ]) {
      expect(await instances.get(tenant, name)).toMatchObject({ tenant, name });
    }
    expect(
      await read('kafka.strimzi.io/v1', 'KafkaTopic', 'kafka-small-orders'),
    ).toBeUndefined();
  });

  it.each([
    ['small', 1, '10Gi'],
    ['medium', 3, '50Gi'],
    ['large', 3, '200Gi'],
  ])(
    "gives the Kafka of plan %s its nodes as a KafkaNodePool of %d controller-brokers with %s each, marked as the instance's",
    async (plan, replicas, size) => {
      const name = `kafka-${plan}`;
      const pool = await read(
        'kafka.strimzi.io/v1',
        'KafkaNodePool',
        `${name}-pool`,
      );
      expect(pool?.metadata?.labels).toMatchObject({
        'strimzi.io/cluster': name,
        'kaas.internal/tenant': tenant,
        'kaas.internal/capability': 'kafka',
        'kaas.internal/instance': name,
      });
      expect((pool as any).spec).toEqual({
        replicas,
        roles: ['controller', 'broker'],
        storage: {
          type: 'jbod',
          volumes: [
            {
              id: 0,
              type: 'persistent-claim',
              size,
              kraftMetadata: 'shared',
              deleteClaim: true,
            },
          ],
        },
      });
      const kafka = await read('kafka.strimzi.io/v1', 'Kafka', name);
      // Strimzi 1.x has no node count or storage on the Kafka itself.
      expect((kafka as any).spec.kafka.replicas).toBeUndefined();
      expect(
        (kafka as any).spec.kafka.config['default.replication.factor'],
      ).toBeLessThanOrEqual(replicas);
    },
  );

  it.each([
    [
      { replicas: 1 },
      [
        "parameter 'replicationFactor' must be <= 1",
        "parameter 'minInSyncReplicas' must be <= 1",
      ],
    ],
    [{ replicas: 2 }, ["parameter 'replicas' must be one of 1, 3, 5"]],
    [{ storage: '10GB' }, ["parameter 'storage' must match pattern"]],
  ])(
    'refuses Kafka nodes %j that cannot hold the replicas, naming the parameters, and creates nothing',
    async (parameters, messages) => {
      const input = {
        tenant,
        capability: 'kafka',
        name: 'refused',
        plan: 'medium',
        parameters,
      };
      const refusal = (() => {
        try {
          instances.validate(input);
          return undefined;
        } catch (error) {
          return error as Error;
        }
      })();
      expect(refusal).toBeInstanceOf(InputError);
      for (const message of messages)
        expect(refusal?.message).toContain(message);
      // Only the rules that name a parameter, never the schema's bare `if`.
      expect(refusal?.message).not.toContain('"then"');
      await expect(instances.create(input as never)).rejects.toThrow(
        messages[0],
      );
      expect(
        await read('kafka.strimzi.io/v1', 'Kafka', 'refused'),
      ).toBeUndefined();
    },
  );

  it('refuses a parameter the schema forbids, naming it, and creates nothing', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ instances: 9 }, "parameter 'instances' must be <= 5"],
      [{ storage: 'lots' }, "parameter 'storage' must match pattern"],
      [{ version: '9' }, 'parameter \'version\' must be one of "16", "17"'],
      [{ bogus: true }, "parameter 'bogus' is not allowed here"],
      [{ instances: 'two' }, "parameter 'instances' must be integer"],
    ];
    for (const [parameters, message] of cases) {
      const input = {
        tenant,
        capability: 'postgresql',
        name: 'refused',
        plan: 'small',
        parameters,
      };
      expect(() => instances.validate(input)).toThrow(InputError);
      expect(() => instances.validate(input)).toThrow(message);
      await expect(instances.create(input as never)).rejects.toThrow(message);
    }
    expect(
      await read('postgresql.cnpg.io/v1', 'Cluster', 'refused'),
    ).toBeUndefined();
  });

  it.each([
    [{ name: 'Bad_Name' }, "name: 'Bad_Name' must be lower case"],
    [{ name: 'a'.repeat(41) }, 'the limit is 40'],
    [{ name: '-db' }, 'must start and end with a letter or digit'],
    [{ name: undefined }, 'name: name is required'],
    [
      { capability: 'oracle' },
      "unknown capability 'oracle'; choose one of: postgresql, mysql, vitess, kafka, pgdatabase",
    ],
    [
      { plan: 'huge' },
      "plan: unknown plan 'huge' of capability 'postgresql'; choose one of: small, medium, large",
    ],
    [{ tenant: 'No' }, "tenant: 'No' must be lower case"],
    [{ parameters: 'big' }, 'parameters:'],
    [{ extra: 1 }, 'extra'],
  ])(
    'refuses bad input %j with a message naming the field',
    (change, message) => {
      const input = {
        tenant,
        capability: 'postgresql',
        name: 'db',
        plan: 'small',
        ...change,
      };
      expect(() => instances.validate(input)).toThrow(InputError);
      expect(() => instances.validate(input)).toThrow(message);
    },
  );

  it('refuses an instance of a tenant that does not exist', async () => {
    await expect(
      instances.create({
        tenant: 'no-such-tenant',
        capability: 'postgresql',
        name: 'db',
        plan: 'small',
      }),
    ).rejects.toThrow("Tenant 'no-such-tenant' does not exist");
  });

  it('creates nothing in a dry run, but has the server validate the objects', async () => {
    const result = await instances.create(
      {
        tenant,
        capability: 'kafka',
        name: 'dry',
        plan: 'small',
        parameters: { topic: 'events' },
      },
      { dryRun: true },
    );
    expect(result.objects.map(o => `${o.kind}/${o.name}:${o.action}`)).toEqual([
      'Kafka/dry:dry-run',
      'KafkaNodePool/dry-pool:dry-run',
      'KafkaTopic/dry-events:dry-run',
    ]);
    expect(result.manifests?.[0].metadata.uid).toBeDefined();
    expect(await read('kafka.strimzi.io/v1', 'Kafka', 'dry')).toBeUndefined();
    expect(
      await read('kafka.strimzi.io/v1', 'KafkaNodePool', 'dry-pool'),
    ).toBeUndefined();
    expect(
      await read('kafka.strimzi.io/v1', 'KafkaTopic', 'dry-events'),
    ).toBeUndefined();
    expect(await instances.get(tenant, 'dry')).toBeUndefined();
  });

  it('never adopts a foreign object with the instance name, and names it', async () => {
    await objects.create({
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name: 'foreign', namespace },
      spec: { instances: 1, storage: { size: '1Gi' } },
    } as KubernetesObject);
    const before = await read('postgresql.cnpg.io/v1', 'Cluster', 'foreign');
    const attempt = instances.create({
      tenant,
      capability: 'postgresql',
      name: 'foreign',
      plan: 'small',
    });
    await expect(attempt).rejects.toThrow(ConflictError);
    await expect(
      instances.create({
        tenant,
        capability: 'postgresql',
        name: 'foreign',
        plan: 'small',
      }),
    ).rejects.toThrow(
      `Cluster '${namespace}/foreign' already exists and is not managed by the platform; choose another instance name.`,
    );
    const after = await read('postgresql.cnpg.io/v1', 'Cluster', 'foreign');
    expect(after?.metadata?.resourceVersion).toBe(
      before?.metadata?.resourceVersion,
    );
    expect(after?.metadata?.labels).toBeUndefined();

    // Nor one marked for another instance of the tenant.
    await objects.create({
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: {
        name: 'taken',
        namespace,
        labels: {
          'kaas.internal/tenant': tenant,
          'kaas.internal/managed-by': 'backstage-kaas',
          'kaas.internal/capability': 'postgresql',
          'kaas.internal/instance': 'other',
        },
        annotations: { 'kaas.internal/owner': 'group:default/team-a' },
      },
      spec: { instances: 1, storage: { size: '1Gi' } },
    } as KubernetesObject);
    await expect(
      instances.create({
        tenant,
        capability: 'postgresql',
        name: 'taken',
        plan: 'small',
      }),
    ).rejects.toThrow(
      `Cluster '${namespace}/taken' already exists and belongs to instance 'other'; choose another instance name.`,
    );

    // An instance of another capability with the same name is refused too.
    await expect(
      instances.create({
        tenant,
        capability: 'pgdatabase',
        name: 'postgresql-small',
        plan: 'standard',
        parameters: { cluster: 'postgresql-small' },
      }),
    ).rejects.toThrow(
      `Instance 'postgresql-small' of tenant '${tenant}' already exists as a postgresql instance`,
    );
  });

  it('waits for readiness by each operator status shape, and times out saying what is missing', async () => {
    const now = new Date().toISOString();
    const condition = (type: string) => ({
      type,
      status: 'True',
      reason: 'Ready',
      message: 'all good',
      lastTransitionTime: now,
    });
    const shapes: Array<[string, string, string, unknown]> = [
      [
        'postgresql',
        'clusters.postgresql.cnpg.io',
        'status.phase',
        { phase: 'Cluster in healthy state', instances: 1, readyInstances: 1 },
      ],
      [
        'mysql',
        'mysqlclusters.moco.cybozu.com',
        'Available',
        {
          currentPrimaryIndex: 0,
          syncedReplicas: 1,
          conditions: [condition('Available'), condition('Healthy')],
        },
      ],
      [
        'vitess',
        'vitessclusters.planetscale.com',
        'status.cells.zone1.gatewayAvailable',
        {
          observedGeneration: 1,
          gatewayServiceName: 'vitess-small-vtgate-abcd1234',
          cells: { zone1: { gatewayAvailable: 'True' } },
        },
      ],
      [
        'kafka',
        'kafkas.kafka.strimzi.io',
        'Ready',
        {
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              lastTransitionTime: now.replace(/\.\d+Z$/, 'Z'),
            },
          ],
          clusterId: 'abc',
        },
      ],
    ];
    for (const [capability, resource, missing, status] of shapes) {
      const name = `${capability}-small`;
      await expect(
        instances.waitUntilReady(tenant, name, { timeoutMs: 300, pollMs: 100 }),
      ).rejects.toThrow(
        new RegExp(
          `Instance '${name}' of tenant '${tenant}' was not ready within 0 s; still missing: .*${missing.replace(
            /\./g,
            '\\.',
          )}`,
        ),
      );
      await writeStatus(resource, namespace, name, status);
      const progress: string[] = [];
      await expect(
        instances.waitUntilReady(tenant, name, {
          timeoutMs: 10_000,
          pollMs: 100,
          onProgress: m => progress.push(m),
        }),
      ).resolves.toMatchObject({ ready: true, capability });
      expect(progress.at(-1)).toBe(
        `Instance '${name}' of tenant '${tenant}' is ready`,
      );
    }
  }, 60_000);

  it('resolves connection details from what the operators write, never returning or logging secret values', async () => {
    const secret = (name: string, data: Record<string, string>) =>
      core.createNamespacedSecret({
        namespace,
        body: { metadata: { name, namespace }, stringData: data },
      });
    await secret('postgresql-small-app', {
      username: 'app',
      password: SECRET,
      host: 'postgresql-small-rw',
      port: '5432',
      dbname: 'app',
      uri: `postgresql://app:${SECRET}@postgresql-small-rw:5432/app`,
    });
    await secret('moco-mysql-small', {
      ADMIN_PASSWORD: SECRET,
      READONLY_PASSWORD: SECRET,
      WRITABLE_PASSWORD: SECRET,
    });
    await secret('kafka-small-cluster-ca-cert', {
      'ca.crt':
        '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
      'ca.p12': SECRET,
      'ca.password': SECRET,
    });

    const pg = await instances.connectionDetails(tenant, 'postgresql-small');
    expect(pg).toEqual({
      host: `postgresql-small-rw.${namespace}.svc`,
      port: 5432,
      secretName: 'postgresql-small-app',
      shownValues: {
        username: 'app',
        dbname: 'app',
        host: 'postgresql-small-rw',
        port: '5432',
      },
      hiddenKeys: ['password', 'uri'],
    });
    const mysql = await instances.connectionDetails(tenant, 'mysql-small');
    expect(mysql).toEqual({
      host: `moco-mysql-small-primary.${namespace}.svc`,
      port: 3306,
      secretName: 'moco-mysql-small',
      shownValues: {},
      hiddenKeys: ['ADMIN_PASSWORD', 'READONLY_PASSWORD', 'WRITABLE_PASSWORD'],
    });
    const kafka = await instances.connectionDetails(tenant, 'kafka-small');
    expect(kafka).toMatchObject({
      host: `kafka-small-kafka-bootstrap.${namespace}.svc`,
      port: 9092,
      shownValues: { 'ca.crt': expect.stringContaining('BEGIN CERTIFICATE') },
      hiddenKeys: ['ca.p12', 'ca.password'],
    });
    const vitess = await instances.connectionDetails(tenant, 'vitess-small');
    expect(vitess).toEqual({
      host: `vitess-small-vtgate-abcd1234.${namespace}.svc`,
      port: 3306,
      secretName: '',
      shownValues: {},
      hiddenKeys: [],
    });
    await expect(
      instances.connectionDetails(tenant, 'postgresql-medium'),
    ).rejects.toThrow(
      `Secret '${namespace}/postgresql-medium-app' of instance 'postgresql-medium' does not exist yet`,
    );

    const all = JSON.stringify([pg, mysql, kafka, vitess]);
    expect(all).not.toContain(SECRET);
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.join('\n')).not.toContain(SECRET);
  });

  it('places instances of a vcluster tenant in its -xaas namespace on the xaas cluster', async () => {
    const vtenant = uniqueName('vc');
    await tenants.create(
      tenants.validate({
        name: vtenant,
        owner: 'team-b',
        isolation: 'vcluster',
        profile: 'small',
      }),
    );
    const xaasNamespace = `t-${vtenant}-xaas`;
    const dry = await instances.create(
      { tenant: vtenant, capability: 'postgresql', name: 'db', plan: 'small' },
      { dryRun: true },
    );
    expect(dry.objects.map(o => `${o.kind}/${o.name}:${o.action}`)).toEqual([
      `Namespace/${xaasNamespace}:dry-run`,
      'RoleBinding/tenant-owner-view:dry-run',
      'Cluster/db:dry-run',
    ]);
    await expect(core.readNamespace({ name: xaasNamespace })).rejects.toThrow();

    const result = await instances.create({
      tenant: vtenant,
      capability: 'postgresql',
      name: 'db',
      plan: 'small',
    });
    expect(result).toMatchObject({
      cluster: 'local',
      namespace: xaasNamespace,
    });
    const ns = await core.readNamespace({ name: xaasNamespace });
    expect(ns.metadata?.labels).toMatchObject({
      'kaas.internal/tenant': vtenant,
      'kaas.internal/managed-by': 'backstage-kaas',
    });
    expect(ns.metadata?.labels?.['kaas.internal/isolation']).toBeUndefined();
    expect(ns.metadata?.annotations?.['kaas.internal/owner']).toBe(
      'group:default/team-b',
    );
    // The owner group may look into it (view: no Secrets, no writes).
    const viewer = await read(
      'rbac.authorization.k8s.io/v1',
      'RoleBinding',
      'tenant-owner-view',
      xaasNamespace,
    );
    expect(viewer).toMatchObject({
      roleRef: { kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'Group', name: 'team-b' }],
    });
    expect(
      await read('postgresql.cnpg.io/v1', 'Cluster', 'db', xaasNamespace),
    ).toBeDefined();
    expect(await instances.get(vtenant, 'db')).toMatchObject({
      namespace: xaasNamespace,
      owner: 'group:default/team-b',
    });
    // The tenant cannot go while its instance lives in the -xaas namespace.
    await expect(tenants.delete(vtenant)).rejects.toThrow(
      `still has 1 XaaS instance(s): Cluster '${xaasNamespace}/db' (postgresql)`,
    );
    await instances.delete(vtenant, 'db');
    // With its last instance, the -xaas namespace goes (the namespace controller finishes it).
    await waitFor(
      async () => {
        try {
          const gone = await core.readNamespace({ name: xaasNamespace });
          return gone.metadata?.deletionTimestamp ? true : undefined;
        } catch (error) {
          return (error as { code?: number }).code === 404 ? true : undefined;
        }
      },
      { timeoutMs: 10_000, describe: () => `${xaasNamespace} to be deleted` },
    );
    await waitFor(
      async () =>
        core.readNamespace({ name: xaasNamespace }).then(
          () => undefined,
          () => true,
        ),
      { timeoutMs: 30_000, describe: () => `${xaasNamespace} to be gone` },
    );

    // Deleting the tenant with its instances takes the -xaas namespace along.
    await instances.create({
      tenant: vtenant,
      capability: 'postgresql',
      name: 'db2',
      plan: 'small',
    });
    const removed = await tenants.delete(vtenant, { deleteInstances: true });
    expect(removed.deleted.map(o => `${o.kind}/${o.name}`)).toEqual(
      expect.arrayContaining([
        'Cluster/db2',
        `Namespace/${xaasNamespace}`,
        `Namespace/t-${vtenant}`,
      ]),
    );
    const xaas = await core
      .readNamespace({ name: xaasNamespace })
      .catch(() => undefined);
    expect(!xaas || !!xaas.metadata?.deletionTimestamp).toBe(true);
  }, 90_000);

  it('provisions a fifth capability added purely through configuration', async () => {
    const result = await instances.create({
      tenant,
      capability: 'pgdatabase',
      name: 'orders',
      plan: 'standard',
      parameters: { cluster: 'postgresql-small' },
    });
    expect(result.objects.map(o => `${o.kind}/${o.name}:${o.action}`)).toEqual([
      'Database/orders:created',
    ]);
    const database = await read('postgresql.cnpg.io/v1', 'Database', 'orders');
    expect((database as any).spec).toMatchObject({
      name: 'orders',
      owner: 'app',
      cluster: { name: 'postgresql-small' },
    });
    await writeStatus('databases.postgresql.cnpg.io', namespace, 'orders', {
      applied: true,
    });
    await expect(
      instances.waitUntilReady(tenant, 'orders', {
        timeoutMs: 5000,
        pollMs: 100,
      }),
    ).resolves.toMatchObject({ ready: true });
    expect(await instances.connectionDetails(tenant, 'orders')).toEqual({
      host: `postgresql-small-rw.${namespace}.svc`,
      port: 5432,
      secretName: 'postgresql-small-app',
      shownValues: { username: 'app' },
      hiddenKeys: ['dbname', 'host', 'password', 'port', 'uri'],
    });
  });

  it('lets the API server refuse objects its schema does not allow, writing nothing', async () => {
    const broken = shippedConfig({
      broken: {
        ...PG_DATABASE,
        objects: [
          {
            apiVersion: 'postgresql.cnpg.io/v1',
            kind: 'Cluster',
            metadata: { name: '${{ instance.name }}' },
            spec: { instances: 0, storage: { size: '1Gi' } },
          },
        ],
        readiness: { field: { path: 'status.phase', equals: 'x' } },
        connection: undefined,
      },
    });
    const service = InstanceService.fromConfig(broken, { tenants, clusters });
    await expect(
      service.create({
        tenant,
        capability: 'broken',
        name: 'too-small',
        plan: 'standard',
        parameters: { cluster: 'x' },
      }),
    ).rejects.toThrow(/spec\.instances.*should be greater than or equal to 1/);
    expect(
      await read('postgresql.cnpg.io/v1', 'Cluster', 'too-small'),
    ).toBeUndefined();
  });

  it('deletes instances (dry run first), and the tenant delete guard finds them by the configured kinds', async () => {
    await expect(tenants.delete(tenant, { dryRun: true })).rejects.toThrow(
      /still has \d+ XaaS instance\(s\): .*Database '.*\/orders' \(pgdatabase\)/,
    );
    const dry = await instances.delete(tenant, 'kafka-medium', {
      dryRun: true,
    });
    expect(dry.deleted.map(o => o.kind).sort()).toEqual([
      'Kafka',
      'KafkaNodePool',
      'KafkaTopic',
    ]);
    expect(
      await read('kafka.strimzi.io/v1', 'Kafka', 'kafka-medium'),
    ).toBeDefined();
    const done = await instances.delete(tenant, 'kafka-medium', {
      waitUntilGone: true,
      timeoutMs: 20_000,
    });
    expect(done).toMatchObject({ dryRun: false, capability: 'kafka' });
    expect(
      await read('kafka.strimzi.io/v1', 'KafkaTopic', 'kafka-medium-orders'),
    ).toBeUndefined();
    expect(
      await read('kafka.strimzi.io/v1', 'KafkaNodePool', 'kafka-medium-pool'),
    ).toBeUndefined();
    expect(await instances.get(tenant, 'kafka-medium')).toBeUndefined();
    await expect(instances.delete(tenant, 'kafka-medium')).rejects.toThrow(
      `Instance 'kafka-medium' of tenant '${tenant}' does not exist`,
    );
    // The foreign Cluster is not an instance and is never deleted with them.
    expect(await instances.get(tenant, 'foreign')).toBeUndefined();
    await tenants.delete(tenant, { deleteInstances: true });
  }, 60_000);
});
