import { mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { uniqueName } from '@internal/kaas-test-cluster';
import {
  CNPG_CLUSTER,
  instanceTestEnvironment,
} from '../__testUtils__/instanceTestEnvironment';
import { runAction } from '../__testUtils__/tenantTestEnvironment';
import { createXaasInstanceCreateAction } from './instanceCreate';
import { createXaasInstanceUpdateAction } from './instanceUpdate';

describe('xaas:instance:update against the local control plane with the CloudNativePG CRDs, through kaas-node with the backend credential', () => {
  const env = instanceTestEnvironment();
  const action = createXaasInstanceUpdateAction(env);
  const createAction = createXaasInstanceCreateAction(env);
  const teamA = env.tenantOfTestFile('group:default/team-a');

  const target = (name: string, change: Record<string, unknown> = {}) => ({
    tenant: teamA.name,
    capability: 'postgresql',
    name,
    ...change,
  });
  const clusterSpec = async (name: string) =>
    (
      (await env.custom.getNamespacedCustomObject({
        ...CNPG_CLUSTER,
        namespace: teamA.namespace,
        name,
      })) as any
    ).spec;
  /** A PostgreSQL instance of `plan` made by alice, with `parameters` over the plan's. */
  const createPostgres = async (
    plan: string,
    parameters?: Record<string, unknown>,
  ) => {
    const name = uniqueName('pg');
    await runAction(
      createAction,
      { ...target(name), plan, ...(parameters && { parameters }) },
      { as: 'alice' },
    );
    return name;
  };

  it('lists in a dry run what a plan change small -> medium would change and writes nothing; the real run applies it', async () => {
    const name = await createPostgres('small');
    const before = await env.cnpgClusters(teamA.namespace);

    const dry = await runAction(action, target(name, { plan: 'medium' }), {
      as: 'alice',
      dryRun: true,
    });
    const object = `Cluster '${teamA.namespace}/${name}'`;
    expect(dry.outputs.changes).toEqual(
      expect.arrayContaining([
        { object, path: 'spec.instances', from: '1', to: '2' },
        { object, path: 'spec.storage.size', from: '"1Gi"', to: '"10Gi"' },
      ]),
    );
    expect(dry.logs).toContain(
      `info: Would change ${object} spec.storage.size: "1Gi" -> "10Gi"`,
    );
    expect(await env.cnpgClusters(teamA.namespace)).toEqual(before);

    const done = await runAction(action, target(name, { plan: 'medium' }), {
      as: 'alice',
    });
    expect(done.outputs).toMatchObject({
      instance: `${teamA.name}/${name}`,
      namespace: teamA.namespace,
      cluster: 'local',
      entityRef: `resource:default/${teamA.name}.${name}`,
      plan: 'medium',
    });
    expect(await clusterSpec(name)).toMatchObject({
      instances: 2,
      storage: { size: '10Gi' },
    });
    expect(await env.instances.get(teamA.name, name)).toMatchObject({
      plan: 'medium',
      owner: 'group:default/team-a',
    });

    const again = await runAction(action, target(name, { plan: 'medium' }), {
      as: 'alice',
    });
    expect(again.outputs.changes).toEqual([]);
    expect(again.logs).toContain(
      `info: Instance '${teamA.name}/${name}' is already as asked`,
    );
  });

  it('keeps what the input leaves out: the plan, and the parameters set before', async () => {
    const name = await createPostgres('small', { version: '16' });

    await runAction(action, target(name, { parameters: { storage: '5Gi' } }), {
      as: 'alice',
    });

    expect(await clusterSpec(name)).toMatchObject({
      instances: 1,
      imageName: 'ghcr.io/cloudnative-pg/postgresql:16',
      storage: { size: '5Gi' },
    });
    expect(await env.instances.get(teamA.name, name)).toMatchObject({
      plan: 'small',
      parameters: { version: '16', storage: '5Gi' },
    });
  });

  it.each([
    [
      'shrinks storage',
      { plan: 'medium' },
      { parameters: { storage: '5Gi' } },
      'storage: 10Gi -> 5Gi would shrink it; the operator cannot shrink storage. Keep 10Gi or more.',
    ],
    [
      'moves to a smaller plan',
      { plan: 'medium' },
      { plan: 'small' },
      'storage: 10Gi -> 1Gi would shrink it',
    ],
    [
      'downgrades the version',
      { plan: 'small' },
      { parameters: { version: '16' } },
      'version: 17 -> 16 would downgrade it; the operator cannot downgrade version. Keep 17 or a later one.',
    ],
  ])(
    'refuses a change that %s, naming the parameter and both values, and writes nothing',
    async (_, made, change, message) => {
      const name = await createPostgres(made.plan);
      const before = await env.cnpgClusters(teamA.namespace);

      await expect(
        runAction(action, target(name, change), { as: 'alice' }),
      ).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringContaining(message),
      });

      expect(await env.cnpgClusters(teamA.namespace)).toEqual(before);
      expect((await env.instances.get(teamA.name, name))?.plan).toBe(made.plan);
    },
  );

  it('holds the same rules when the instance is created again with other values (xaas:instance:create re-applies)', async () => {
    const name = await createPostgres('medium');
    const before = await env.cnpgClusters(teamA.namespace);
    await expect(
      runAction(
        createAction,
        { ...target(name), plan: 'medium', parameters: { storage: '5Gi' } },
        { as: 'alice' },
      ),
    ).rejects.toThrow(
      'storage: 10Gi -> 5Gi would shrink it; the operator cannot shrink storage. Keep 10Gi or more.',
    );
    expect(await env.cnpgClusters(teamA.namespace)).toEqual(before);
  });

  it("refuses bob, who is not in the tenant's owner group, and changes nothing", async () => {
    const name = await createPostgres('small');
    const before = await env.cnpgClusters(teamA.namespace);

    await expect(
      runAction(action, target(name, { plan: 'medium' }), { as: 'bob' }),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringMatching(
        /user:default\/bob.*group:default\/team-a/,
      ),
    });
    expect(await env.cnpgClusters(teamA.namespace)).toEqual(before);
  });

  it('says an unknown instance does not exist, and one of another capability stays one', async () => {
    await expect(
      runAction(action, target('no-such-db', { plan: 'medium' }), {
        as: 'alice',
      }),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
      message: expect.stringContaining(
        `Instance '${teamA.name}/no-such-db' does not exist`,
      ),
    });
    const name = await createPostgres('small');
    await expect(
      runAction(action, target(name, { capability: 'mysql' }), {
        as: 'alice',
      }),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining(
        'is a postgresql instance and stays one',
      ),
    });
  });

  it('refuses a user the permission policy does not allow to create instances', async () => {
    const denied = createXaasInstanceUpdateAction({
      ...env,
      permissions: mockServices.permissions({ result: AuthorizeResult.DENY }),
    });
    const name = await createPostgres('small');
    await expect(
      runAction(denied, target(name, { plan: 'medium' }), { as: 'alice' }),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
    expect((await env.instances.get(teamA.name, name))?.plan).toBe('small');
  });
});
