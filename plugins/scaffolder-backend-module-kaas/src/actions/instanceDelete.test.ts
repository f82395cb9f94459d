import { mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { instanceTestEnvironment } from '../__testUtils__/instanceTestEnvironment';
import { runAction } from '../__testUtils__/tenantTestEnvironment';
import { createXaasInstanceDeleteAction } from './instanceDelete';

describe('xaas:instance:delete against the local control plane with the CloudNativePG CRDs, through kaas-node with the backend credential', () => {
  const env = instanceTestEnvironment();
  const deleteAction = createXaasInstanceDeleteAction(env);
  const tenant = env.tenantOfTestFile('group:default/team-a');

  const createInstance = () => env.createPostgres(tenant.name, 'petra');
  const confirmed = (name: string, change: Record<string, unknown> = {}) => ({
    tenant: tenant.name,
    name,
    confirm: `${tenant.name}/${name}`,
    ...change,
  });

  it('deletes the instance and waits until it is gone; a re-run succeeds too', async () => {
    const name = await createInstance();

    const first = await runAction(deleteAction, confirmed(name), {
      as: 'alice',
    });

    expect(first.outputs).toEqual({
      instance: `${tenant.name}/${name}`,
      deleted: true,
    });
    expect(Object.keys(await env.cnpgClusters(tenant.namespace))).not.toContain(
      name,
    );
    expect(
      first.logs.filter(
        l => l === `info: Cluster ${tenant.namespace}/${name}: deleted`,
      ),
    ).toHaveLength(1);
    const again = await runAction(deleteAction, confirmed(name), {
      as: 'alice',
    });
    expect(again.outputs).toEqual(first.outputs);
  });

  it.each([
    ['only the name', (_t: string, n: string) => n],
    ['nothing', () => ''],
    ['another instance', (t: string) => `${t}/other-db`],
    ['a trailing space', (t: string, n: string) => `${t}/${n} `],
    ['other letter case', (t: string, n: string) => `${t}/${n}`.toUpperCase()],
  ])('does nothing at all when the confirmation is %s', async (_, confirm) => {
    const name = await createInstance();
    const before = await env.cnpgClusters(tenant.namespace);

    await expect(
      runAction(
        deleteAction,
        confirmed(name, { confirm: confirm(tenant.name, name) }),
        { as: 'alice' },
      ),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: `confirm: type ${tenant.name}/${name} to confirm; this destroys the instance's data`,
    });

    const after = await env.cnpgClusters(tenant.namespace);
    expect(after[name]).toBe(before[name]);
    expect(after).toEqual(before);
  });

  it("refuses bob, who may not act for the instance's owner on the cluster", async () => {
    const name = await createInstance();
    const before = await env.cnpgClusters(tenant.namespace);
    await expect(
      runAction(deleteAction, confirmed(name), { as: 'bob' }),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringMatching(
        /user:default\/bob.*group:default\/team-a/,
      ),
    });
    expect((await env.cnpgClusters(tenant.namespace))[name]).toBe(before[name]);
  });

  it("lets petra, a platform admin, delete any group's instance", async () => {
    const name = await createInstance();
    await runAction(deleteAction, confirmed(name, { waitUntilGone: false }), {
      as: 'petra',
    });
    expect(Object.keys(await env.cnpgClusters(tenant.namespace))).not.toContain(
      name,
    );
  });

  it('refuses a user the permission policy does not allow to delete instances', async () => {
    const name = await createInstance();
    const denied = createXaasInstanceDeleteAction({
      ...env,
      permissions: mockServices.permissions({ result: AuthorizeResult.DENY }),
    });
    await expect(
      runAction(denied, confirmed(name), { as: 'alice' }),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining("'xaas.instance.delete'"),
    });
    expect(Object.keys(await env.cnpgClusters(tenant.namespace))).toContain(
      name,
    );
  });

  it('deletes nothing in a dry run and says what would be deleted', async () => {
    const name = await createInstance();
    const before = await env.cnpgClusters(tenant.namespace);
    const { outputs, logs } = await runAction(deleteAction, confirmed(name), {
      as: 'alice',
      dryRun: true,
    });
    expect(outputs).toEqual({
      instance: `${tenant.name}/${name}`,
      deleted: false,
    });
    expect(await env.cnpgClusters(tenant.namespace)).toEqual(before);
    expect(logs).toContain(
      `info: Dry run: instance '${tenant.name}/${name}' would be deleted, with its data`,
    );
  });

  it('requires the confirmation in the schema the template editor shows', () => {
    expect(deleteAction.schema?.input?.required).toEqual([
      'tenant',
      'name',
      'confirm',
    ]);
  });
});
