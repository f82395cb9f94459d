import {
  adminKubectl,
  testCluster,
  uniqueName,
} from '@internal/kaas-test-cluster';
import {
  runAction,
  tenantsOfTestFile,
  tenantTestEnvironment,
} from '../__testUtils__/tenantTestEnvironment';
import { createKaasTenantRepairAction } from './tenantRepair';

describe('kaas:tenant:repair against the local control plane', () => {
  const env = tenantTestEnvironment();
  const action = createKaasTenantRepairAction(env);
  const { createTenant } = tenantsOfTestFile(env);

  it('puts back a quota raised and a RoleBinding deleted by hand (a dry run only lists them); bob of team-b is refused', async () => {
    const { name, namespace } = await createTenant(uniqueName('rep'), {
      as: 'alice',
    });
    // Hand edits, as a cluster admin would make them.
    const kubectl = (...args: string[]) =>
      adminKubectl(testCluster(), '--namespace', namespace, ...args);
    await kubectl(
      'patch',
      'resourcequota',
      'tenant-quota',
      '--type=merge',
      '-p',
      '{"spec":{"hard":{"pods":"999"}}}',
    );
    await kubectl('delete', 'rolebinding', 'owners-edit');

    await expect(runAction(action, { name }, { as: 'bob' })).rejects.toThrow(
      /team-a/,
    );

    const dry = await runAction(
      action,
      { name },
      { as: 'alice', dryRun: true },
    );
    expect(dry.outputs.changes).toEqual(
      expect.arrayContaining([
        {
          object: `ResourceQuota '${namespace}/tenant-quota'`,
          path: 'spec.hard.pods',
          from: '"999"',
          to: '"20"',
        },
        {
          object: `RoleBinding '${namespace}/owners-edit'`,
          path: '',
          to: 'created',
        },
      ]),
    );
    const quota = () =>
      env.core.readNamespacedResourceQuota({ name: 'tenant-quota', namespace });
    expect((await quota()).spec?.hard?.pods).toBe('999');

    const done = await runAction(action, { name }, { as: 'alice' });
    expect(done.outputs).toMatchObject({ tenant: name, namespace });
    expect((await quota()).spec?.hard?.pods).toBe('20');
    expect(
      await kubectl(
        'get',
        'rolebinding',
        'owners-edit',
        '-o',
        'jsonpath={.subjects[*].name}',
      ),
    ).toBe('team-a');

    const again = await runAction(action, { name }, { as: 'alice' });
    expect(again.outputs.changes).toEqual([]);
    expect(again.logs).toContain(
      `info: Tenant '${name}' is as today's policy renders it; nothing to repair`,
    );
  });

  it('a tenant that does not exist is a clear error', async () => {
    await expect(
      runAction(action, { name: 'no-such-tenant-x' }, { as: 'alice' }),
    ).rejects.toThrow("Tenant 'no-such-tenant-x' does not exist");
  });
});
