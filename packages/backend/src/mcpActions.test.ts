import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  adminKubeConfig,
  type BackstageBackend,
  demoUserToken,
  installCrds,
  startPlatformBackend,
  testCluster,
  uniqueName,
  waitFor,
  writeStatus,
} from '@internal/kaas-test-cluster';

/**
 * The kaas actions as MCP tools in the real backend process (packages/backend with
 * app-config.yaml: the mcp-actions plugin, the kaas policy, the demo sign-in), through the
 * MCP SDK's client over Streamable HTTP, against the real control plane with the
 * CloudNativePG CRDs. No operator runs: the test writes the status CloudNativePG would.
 */

const cluster = testCluster();
const tenant = uniqueName('mcp');
const namespace = `t-${tenant}`;
const db = 'orders-db';
const secretValue = crypto.randomBytes(12).toString('hex');

type User = 'alice' | 'bob' | 'petra';
type ToolResult = {
  isError?: boolean;
  content: Array<{ type: string; text?: string }>;
  structuredContent?: any;
};

const KAAS_TOOLS = [
  'kaas.list-tenants',
  'kaas.get-tenant-status',
  'kaas.explain-tenant-not-ready',
  'kaas.list-capabilities',
  'kaas.list-tenant-instances',
  'kaas.get-instance-status',
  'kaas.create-tenant',
  'kaas.create-instance',
  'kaas.delete-instance',
];

describe('the kaas actions over MCP in the real backend process', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaas-mcp-test-'));
  const core = adminKubeConfig().makeApiClient(CoreV1Api);
  const custom = adminKubeConfig().makeApiClient(CustomObjectsApi);
  const clients: Partial<Record<User, Client>> = {};
  /** Every tool result text of the test, to look for the secret value in. */
  const seen: string[] = [];
  let backend: BackstageBackend;

  async function connect(user: User): Promise<Client> {
    const token = await demoUserToken(backend, user);
    const client = new Client({ name: `kaas-mcp-test-${user}`, version: '1' });
    await client.connect(
      new StreamableHTTPClientTransport(
        new URL(`${backend.baseUrl}/api/mcp-actions/v1`),
        { requestInit: { headers: { Authorization: `Bearer ${token}` } } },
      ),
    );
    return client;
  }

  async function call(
    user: User,
    name: string,
    args: Record<string, unknown>,
  ): Promise<ToolResult> {
    const result = (await clients[user]!.callTool({
      name,
      arguments: args,
    })) as ToolResult;
    seen.push(JSON.stringify(result));
    return result;
  }

  /** The tool's output; fails with its error text when it reported one. */
  async function ok(user: User, name: string, args: Record<string, unknown>) {
    const result = await call(user, name, args);
    if (result.isError) {
      throw new Error(`${name} as ${user}: ${result.content[0]?.text}`);
    }
    return result.structuredContent;
  }

  const cnpgClusters = async () =>
    (
      (await custom.listNamespacedCustomObject({
        group: 'postgresql.cnpg.io',
        version: 'v1',
        plural: 'clusters',
        namespace,
      })) as { items: Array<{ metadata: { name: string } }> }
    ).items
      .map(item => item.metadata.name)
      .sort();

  const namespacesNamed = async (prefix: string) =>
    (await core.listNamespace()).items
      .map(ns => ns.metadata!.name!)
      .filter(name => name.startsWith(prefix));

  beforeAll(async () => {
    await installCrds(
      cluster,
      ['cloudnative-pg'],
      [{ apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster' }],
    );
    backend = await startPlatformBackend({
      cluster,
      dir,
      config: {
        kaas: { platformAdminOnlyPermissions: ['kaas.tenant.delete'] },
      },
    });
    for (const user of ['alice', 'bob', 'petra'] as const) {
      clients[user] = await connect(user);
    }
  }, 300_000);

  afterAll(async () => {
    for (const client of Object.values(clients)) await client?.close();
    await backend?.stop();
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists the kaas tools with honest annotations, and only what the caller may use', async () => {
    const tools = async (user: User) =>
      (await clients[user]!.listTools()).tools;
    const alice = await tools('alice');
    const names = alice.map(t => t.name);
    expect(names).toEqual(expect.arrayContaining(KAAS_TOOLS));
    const annotations = Object.fromEntries(
      alice
        .filter(t => t.name.startsWith('kaas.'))
        .map(t => [
          t.name,
          [
            t.annotations?.readOnlyHint,
            t.annotations?.destructiveHint,
            t.annotations?.idempotentHint,
          ],
        ]),
    );
    // [readOnly, destructive, idempotent]
    expect(annotations).toEqual({
      'kaas.list-tenants': [true, false, true],
      'kaas.get-tenant-status': [true, false, true],
      'kaas.explain-tenant-not-ready': [true, false, true],
      'kaas.list-capabilities': [true, false, true],
      'kaas.list-tenant-instances': [true, false, true],
      'kaas.get-instance-status': [true, false, true],
      'kaas.get-operator-health': [true, false, true],
      'kaas.create-tenant': [false, false, true],
      'kaas.create-instance': [false, false, true],
      'kaas.delete-instance': [false, true, true],
      'kaas.repair-tenant': [false, false, true],
      'kaas.update-tenant': [false, false, true],
      'kaas.update-instance': [false, false, true],
      'kaas.operate-instance': [false, false, false],
    });
    // backend.actions.filter: reads and previews of Backstage's own, no raw execution.
    expect(names).toEqual(
      expect.arrayContaining([
        'catalog.get-catalog-entity',
        'catalog.query-catalog-entities',
        'scaffolder.list-scaffolder-actions',
        'kubernetes.get-kubernetes-resources-for-entity',
      ]),
    );
    expect(names).not.toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^scaffolder\.execute-template$|^catalog\.(register|unregister)-entity$|^auth\./,
        ),
      ]),
    );
    // kaas.tenant.delete is platform admins' only (kaas.platformAdminOnlyPermissions).
    expect(names).not.toContain('kaas.delete-tenant');
    expect((await tools('bob')).map(t => t.name)).not.toContain(
      'kaas.delete-tenant',
    );
    const petra = await tools('petra');
    expect(
      petra.find(t => t.name === 'kaas.delete-tenant')?.annotations,
    ).toMatchObject({ destructiveHint: true, readOnlyHint: false });
  });

  it('creates a namespace tenant for alice and a PostgreSQL database in it, end to end', async () => {
    const created = await ok('alice', 'kaas.create-tenant', {
      name: tenant,
      owner: 'group:default/team-a',
      isolation: 'namespace',
      profile: 'small',
    });
    expect(created).toMatchObject({
      tenant,
      namespace,
      isolation: 'namespace',
      entityRef: `resource:default/${tenant}`,
      dryRun: false,
    });
    const status = await waitFor(
      async () => {
        const result = await call('alice', 'kaas.get-tenant-status', {
          tenant,
        });
        return !result.isError && result.structuredContent.status.ready
          ? result.structuredContent.status
          : undefined;
      },
      { timeoutMs: 60_000, describe: () => `tenant ${tenant} ready` },
    );
    expect(status).toMatchObject({
      name: tenant,
      owner: 'group:default/team-a',
      phase: 'Ready',
    });
    const mine = await ok('alice', 'kaas.list-tenants', { mine: true });
    expect(mine.tenants.map((t: { name: string }) => t.name)).toContain(tenant);

    const capabilities = await ok('alice', 'kaas.list-capabilities', {});
    expect(
      capabilities.capabilities.find(
        (c: { id: string }) => c.id === 'postgresql',
      ),
    ).toMatchObject({
      plans: expect.arrayContaining([
        expect.objectContaining({ name: 'small' }),
      ]),
    });

    const instance = await ok('alice', 'kaas.create-instance', {
      tenant,
      capability: 'postgresql',
      name: db,
      plan: 'small',
    });
    expect(instance).toMatchObject({
      instance: `${tenant}/${db}`,
      namespace,
      entityRef: `resource:default/${tenant}.${db}`,
      connection: { secretName: `${db}-app`, port: 5432 },
    });
    expect(await cnpgClusters()).toEqual([db]);

    // Play CloudNativePG: the connection Secret and a healthy status.
    await core.createNamespacedSecret({
      namespace,
      body: {
        metadata: { name: `${db}-app` },
        stringData: { username: 'app', password: secretValue },
      },
    });
    await writeStatus(cluster, 'clusters.postgresql.cnpg.io', namespace, db, {
      phase: 'Cluster in healthy state',
      instances: 1,
      readyInstances: 1,
    });
    const ready = await waitFor(
      async () => {
        const result = await call('alice', 'kaas.get-instance-status', {
          tenant,
          instance: db,
        });
        return !result.isError && result.structuredContent.instance.ready
          ? result.structuredContent.instance
          : undefined;
      },
      { timeoutMs: 60_000, describe: () => `instance ${db} ready` },
    );
    expect(ready).toMatchObject({
      tenant,
      name: db,
      capability: 'postgresql',
      plan: 'small',
      connection: {
        secretName: `${db}-app`,
        showKeys: ['username', 'dbname', 'host', 'port'],
      },
    });
    const listed = await ok('alice', 'kaas.list-tenant-instances', { tenant });
    expect(listed.instances.map((i: { name: string }) => i.name)).toEqual([db]);
    const explained = await ok('alice', 'kaas.explain-tenant-not-ready', {
      tenant,
    });
    expect(explained).toEqual({
      tenant,
      ready: true,
      phase: 'Ready',
      reasons: [],
    });
  });

  it("refuses bob creating or deleting an instance in alice's tenant, changing nothing", async () => {
    const before = await cnpgClusters();
    const create = await call('bob', 'kaas.create-instance', {
      tenant,
      capability: 'postgresql',
      name: 'bobs-db',
      plan: 'small',
    });
    expect(create.isError).toBe(true);
    expect(create.content[0].text).toMatch(
      /^NotAllowedError: .*group:default\/team-a/,
    );
    const remove = await call('bob', 'kaas.delete-instance', {
      tenant,
      name: db,
      confirm: `${tenant}/${db}`,
    });
    expect(remove.isError).toBe(true);
    expect(remove.content[0].text).toMatch(
      /^NotAllowedError: .*group:default\/team-a/,
    );
    expect(await cnpgClusters()).toEqual(before);
  });

  it('refuses a wrong confirmation on delete-instance, naming the one to type', async () => {
    const result = await call('alice', 'kaas.delete-instance', {
      tenant,
      name: db,
      confirm: db,
    });
    expect(result).toMatchObject({
      isError: true,
      content: [
        {
          text: `InputError: confirm: type ${tenant}/${db} to confirm; this destroys the instance's data`,
        },
      ],
    });
    expect(await cnpgClusters()).toEqual([db]);
  });

  // The bad inputs of the scaffolder actions' tests (tenantCreate.test.ts,
  // instanceCreate.test.ts) and of the tenant request's injection cases.
  it.each([
    ['name', { name: 'Not_A_Name' }],
    ['profile', { profile: 'enormous' }],
    ['owner', { owner: 'user:default/alice' }],
    ['labels', { labels: { 'kaas.internal/owner': 'group:default/team-b' } }],
    ['name', { name: 'a\nb' }],
    ['name', { name: 'a: {b: c}' }],
    ['owner', { owner: 'team"a' }],
    ['description', { description: 'a\nkind: Secret' }],
    ['isolation', { isolation: 'pod' }],
  ])(
    'create-tenant refuses a bad %s with a clear error, creating nothing',
    async (field, change) => {
      const name = uniqueName('mcpbad');
      const result = await call('alice', 'kaas.create-tenant', {
        name,
        owner: 'group:default/team-a',
        isolation: 'namespace',
        profile: 'small',
        ...change,
      });
      expect(result.isError).toBe(true);
      expect(result.content[0].text).toMatch(
        new RegExp(`^InputError: .*${field}`, 's'),
      );
      expect(await namespacesNamed(`t-${name}`)).toEqual([]);
    },
  );

  it.each([
    ['name', { name: 'Not_A_Name' }],
    ['name', { name: `db-${'x'.repeat(38)}` }],
    ['name', { name: 'a: {b: c}' }],
    ['tenant', { tenant: 'no-such-tenant' }],
    ['capability', { capability: 'oracle' }],
    ['plan', { plan: 'enormous' }],
    ['replicas', { parameters: { replicas: 3 } }],
    ['instances', { parameters: { instances: 99 } }],
    ['version', { parameters: { version: '9.6' } }],
    ['storage', { parameters: { storage: '1Gi\nkind: Secret' } }],
  ])(
    'create-instance refuses a bad %s with a clear error, creating nothing',
    async (field, change) => {
      const before = await cnpgClusters();
      const result = await call('alice', 'kaas.create-instance', {
        tenant,
        capability: 'postgresql',
        name: uniqueName('bad'),
        plan: 'small',
        ...change,
      });
      expect(result.isError).toBe(true);
      expect(result.content[0].text).toMatch(
        new RegExp(`^(InputError|NotFoundError): .*${field}`, 's'),
      );
      expect(await cnpgClusters()).toEqual(before);
    },
  );

  it('audits every write with the caller and the action id', () => {
    const auditLines = backend
      .output()
      .split('\n')
      .filter(line => line.includes('action-invocation'));
    for (const actionId of ['kaas:create-tenant', 'kaas:create-instance']) {
      expect(
        auditLines.some(
          line =>
            line.includes(actionId) && line.includes('user:default/alice'),
        ),
      ).toBe(true);
    }
    expect(
      auditLines.some(
        line =>
          line.includes('kaas:create-instance') &&
          line.includes('user:default/bob'),
      ),
    ).toBe(true);
  });

  it('lets petra, a platform admin, delete the tenant with its instances', async () => {
    const wrong = await call('petra', 'kaas.delete-tenant', {
      tenant,
      confirm: 'yes',
    });
    expect(wrong).toMatchObject({ isError: true });
    expect(wrong.content[0].text).toMatch(/^InputError: confirm: type /);
    const deleted = await ok('petra', 'kaas.delete-tenant', {
      tenant,
      confirm: tenant,
      deleteInstances: true,
      waitUntilGone: false,
    });
    expect(deleted).toEqual({ tenant, deleted: true, dryRun: false });
  });

  it('never shows a secret value in any tool result', () => {
    expect(seen.length).toBeGreaterThan(20);
    expect(seen.filter(text => text.includes(secretValue))).toEqual([]);
    expect(backend.output()).not.toContain(secretValue);
  });
});
