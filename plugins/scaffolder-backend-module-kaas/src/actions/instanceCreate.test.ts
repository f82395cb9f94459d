import fs from 'node:fs';
import { mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  adminKubeConfig,
  testCluster,
  uniqueName,
} from '@internal/kaas-test-cluster';
import {
  CNPG_CLUSTER,
  instanceTestEnvironment,
} from '../__testUtils__/instanceTestEnvironment';
import {
  type ActionRun,
  runAction,
} from '../__testUtils__/tenantTestEnvironment';
import { createXaasInstanceCreateAction } from './instanceCreate';

describe('xaas:instance:create against the local control plane with the CloudNativePG CRDs, through kaas-node with the backend credential', () => {
  const env = instanceTestEnvironment();
  const action = createXaasInstanceCreateAction(env);
  const teamA = env.tenantOfTestFile('group:default/team-a');

  const request = (name: string, change: Record<string, unknown> = {}) => ({
    tenant: teamA.name,
    capability: 'postgresql',
    name,
    plan: 'small',
    ...change,
  });

  it('creates a PostgreSQL instance in a team-a tenant for alice and says where to connect', async () => {
    const name = uniqueName('pg');
    const { outputs, logs } = await runAction(action, request(name), {
      as: 'alice',
    });

    expect(outputs).toEqual({
      instance: `${teamA.name}/${name}`,
      namespace: teamA.namespace,
      cluster: 'local',
      entityRef: `resource:default/${teamA.name}.${name}`,
      // As kaas.capabilities.postgresql of app-config.yaml declares it: names, no values.
      connection: {
        secretName: `${name}-app`,
        namespace: teamA.namespace,
        host: `${name}-rw.${teamA.namespace}.svc`,
        port: 5432,
        keys: ['username', 'dbname', 'host', 'port'],
      },
    });
    expect(outputs.connection.keys).not.toContain('password');
    const cluster = (await env.custom.getNamespacedCustomObject({
      ...CNPG_CLUSTER,
      namespace: teamA.namespace,
      name,
    })) as any;
    expect(cluster.metadata.labels).toMatchObject({
      'kaas.internal/tenant': teamA.name,
      'kaas.internal/managed-by': 'backstage-kaas',
      'kaas.internal/capability': 'postgresql',
    });
    expect(cluster.metadata.annotations).toMatchObject({
      'kaas.internal/owner': 'group:default/team-a',
    });
    // Once: the service reports each object to the task log, the action does not repeat it.
    expect(
      logs.filter(
        l => l === `info: Cluster ${teamA.namespace}/${name}: created`,
      ),
    ).toHaveLength(1);
  });

  it('changes nothing and returns the same output when run again with the same input', async () => {
    const name = uniqueName('again');
    const first = await runAction(action, request(name), { as: 'alice' });
    const before = await env.cnpgClusters(teamA.namespace);

    const second = await runAction(action, request(name), { as: 'alice' });

    expect(second.outputs).toEqual(first.outputs);
    expect(await env.cnpgClusters(teamA.namespace)).toEqual(before);
    const objectLines = second.logs.filter(l =>
      /: (created|updated|unchanged)$/.test(l),
    );
    expect(objectLines.length).toBeGreaterThan(0);
    expect(objectLines.every(l => l.endsWith(': unchanged'))).toBe(true);
  });

  it('creates nothing in a dry run and returns the manifests it would apply', async () => {
    const name = uniqueName('dry');
    const before = await env.cnpgClusters(teamA.namespace);

    const { outputs, logs } = await runAction(action, request(name), {
      as: 'alice',
      dryRun: true,
    });

    expect(await env.cnpgClusters(teamA.namespace)).toEqual(before);
    expect(outputs).toMatchObject({
      instance: `${teamA.name}/${name}`,
      entityRef: `resource:default/${teamA.name}.${name}`,
    });
    expect(outputs.manifests).toContainEqual(
      expect.objectContaining({
        apiVersion: 'postgresql.cnpg.io/v1',
        kind: 'Cluster',
        metadata: expect.objectContaining({ name }),
      }),
    );
    expect(logs).toContain(
      `info: Cluster ${teamA.namespace}/${name}: would be created`,
    );
  });

  it("refuses bob, who is not in the tenant's owner group, before anything is created", async () => {
    const before = await env.cnpgClusters(teamA.namespace);
    const name = uniqueName('foreign');

    await expect(
      runAction(action, request(name), { as: 'bob' }),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringMatching(
        /user:default\/bob.*group:default\/team-a/,
      ),
    });

    expect(await env.cnpgClusters(teamA.namespace)).toEqual(before);
    expect(await env.instances.get(teamA.name, name)).toBeUndefined();
  });

  it("lets petra, a platform admin, create an instance in any group's tenant", async () => {
    const name = uniqueName('admin');
    const { outputs } = await runAction(action, request(name), {
      as: 'petra',
    });
    expect(outputs.instance).toBe(`${teamA.name}/${name}`);
    expect(Object.keys(await env.cnpgClusters(teamA.namespace))).toContain(
      name,
    );
  });

  it('refuses a user the permission policy does not allow to create instances', async () => {
    const denied = createXaasInstanceCreateAction({
      ...env,
      permissions: mockServices.permissions({ result: AuthorizeResult.DENY }),
    });
    const before = await env.cnpgClusters(teamA.namespace);
    await expect(
      runAction(denied, request(uniqueName('denied')), { as: 'alice' }),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining("'xaas.instance.create'"),
    });
    expect(await env.cnpgClusters(teamA.namespace)).toEqual(before);
  });

  it.each([
    ['name', { name: 'Not_A_Name' }],
    ['name', { name: `db-${'x'.repeat(38)}` }],
    ['tenant', { tenant: 'no-such-tenant' }],
    ['capability', { capability: 'oracle' }],
    ['plan', { plan: 'enormous' }],
    ['replicas', { parameters: { replicas: 3 } }],
    ['instances', { parameters: { instances: 99 } }],
    ['version', { parameters: { version: '9.6' } }],
  ])(
    'refuses a bad %s with an InputError naming it, creating nothing',
    async (field, change) => {
      const before = await env.cnpgClusters(teamA.namespace);
      await expect(
        runAction(action, request(uniqueName('bad'), change), {
          as: 'alice',
        }),
      ).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringContaining(field),
      });
      expect(await env.cnpgClusters(teamA.namespace)).toEqual(before);
    },
  );

  it('never puts a secret value into a log line or an output', async () => {
    const name = uniqueName('secret');
    const password = `pw-${uniqueName('known')}-do-not-show`;
    const first = await runAction(action, request(name), { as: 'alice' });
    // The connection Secret as the operator writes it, created with the admin credential.
    await env.core.createNamespacedSecret({
      namespace: teamA.namespace,
      body: {
        metadata: { name: first.outputs.connection.secretName },
        stringData: {
          username: 'app',
          password,
          dbname: 'app',
          host: `${name}-rw`,
          port: '5432',
          uri: `postgresql://app:${password}@${name}-rw:5432/app`,
        },
      },
    });
    const secrets = [
      password,
      fs.readFileSync(testCluster().backendTokenFile, 'utf8').trim(),
      ...adminKubeConfig()
        .getUsers()
        .flatMap(u => [u.token, u.keyData, u.certData]),
    ].filter((s): s is string => !!s);

    const run: ActionRun = { outputs: {}, logs: [] };
    await runAction(action, request(name), { as: 'alice', run });
    const dry: ActionRun = { outputs: {}, logs: [] };
    await runAction(action, request(name), {
      as: 'alice',
      dryRun: true,
      run: dry,
    });

    const seen = [
      ...first.logs,
      ...run.logs,
      ...dry.logs,
      JSON.stringify([first.outputs, run.outputs, dry.outputs]),
    ].join('\n');
    for (const secret of secrets) expect(seen).not.toContain(secret);
    expect(seen).not.toMatch(/bearer|BEGIN [A-Z ]*(PRIVATE KEY|CERTIFICATE)/i);
  });

  it('shows the keys of a Secret the capability creates, never its values, in a dry run', async () => {
    // The shipped vitess capability creates a Secret with the tablets' bootstrap SQL.
    const name = uniqueName('vt');

    const { outputs } = await runAction(
      action,
      request(name, { capability: 'vitess' }),
      { as: 'alice', dryRun: true },
    );

    const secret = outputs.manifests.find((m: any) => m.kind === 'Secret');
    expect(secret.metadata.name).toBe(`${name}-init-db`);
    expect(Object.values({ ...secret.data, ...secret.stringData })).toEqual([
      '(hidden)',
    ]);
    expect(JSON.stringify(outputs)).not.toContain('vt_dba');
    expect(
      await env.core.listNamespacedSecret({ namespace: teamA.namespace }),
    ).toMatchObject({
      items: expect.not.arrayContaining([
        expect.objectContaining({
          metadata: expect.objectContaining({ name: `${name}-init-db` }),
        }),
      ]),
    });
  });
});
