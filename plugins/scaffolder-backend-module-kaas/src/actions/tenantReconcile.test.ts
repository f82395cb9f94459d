import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { uniqueName } from '@internal/kaas-test-cluster';
import {
  runAction,
  tenantsOfTestFile,
  tenantTestEnvironment,
} from '../__testUtils__/tenantTestEnvironment';
import { createKaasTenantReconcileAction } from './tenantReconcile';

describe('kaas:tenant:reconcile against the local control plane', () => {
  const env = tenantTestEnvironment();
  const action = createKaasTenantReconcileAction(env);
  const { createTenant } = tenantsOfTestFile(env);

  it('is for platform admins only', async () => {
    await expect(
      runAction(action, { names: ['anything'] }, { as: 'alice' }),
    ).rejects.toThrow(
      'Only platform admins (group:default/platform-team) may roll the policy out to tenants',
    );
  });

  it('finds a quota raised by hand, lists it in a dry run, and puts the policy back', async () => {
    const { name, namespace } = await createTenant(uniqueName('rec'), {
      as: 'alice',
    });
    await env.core.patchNamespacedResourceQuota(
      {
        name: 'tenant-quota',
        namespace,
        body: { spec: { hard: { pods: '99' } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );

    const dry = await runAction(
      action,
      { names: [name] },
      { as: 'petra', dryRun: true },
    );
    expect(dry.outputs).toMatchObject({
      selected: 1,
      behind: [
        {
          tenant: name,
          changes: [
            {
              object: `ResourceQuota '${namespace}/tenant-quota'`,
              path: 'spec.hard.pods',
              from: '"99"',
              to: '"20"',
            },
          ],
        },
      ],
      reconciled: [],
      failed: [],
      skipped: [],
    });
    expect(dry.logs).toContain(
      'info: Wave 1/1: 1 tenant(s), 1 behind the policy, 0 already up to date, 0 failed',
    );

    const done = await runAction(action, { names: [name] }, { as: 'petra' });
    expect(done.outputs.reconciled).toEqual([name]);
    const quota = await env.core.readNamespacedResourceQuota({
      name: 'tenant-quota',
      namespace,
    });
    expect(quota.spec?.hard?.pods).toBe('20');
  });
});
