import { uniqueName } from '@internal/kaas-test-cluster';
import {
  runAction,
  tenantsOfTestFile,
  tenantTestEnvironment,
} from '../__testUtils__/tenantTestEnvironment';
import { createKaasTenantWaitAction } from './tenantWait';

describe('kaas:tenant:wait against the local control plane, through kaas-node with the backend credential', () => {
  const env = tenantTestEnvironment();
  const waitAction = createKaasTenantWaitAction(env);
  const tenants = tenantsOfTestFile(env);
  const createTenant = async (owner = 'group:default/team-a') =>
    (await tenants.createTenant(uniqueName('wait'), { owner, as: 'petra' }))
      .name;

  it('returns once the tenant is ready, with its conditions, logging progress', async () => {
    const name = await createTenant();

    const { outputs, logs } = await runAction(
      waitAction,
      { name, timeoutSeconds: 60 },
      { as: 'alice' },
    );

    expect(outputs.ready).toBe(true);
    expect(outputs.conditions.length).toBeGreaterThan(0);
    expect(
      outputs.conditions.filter((c: { status: string }) => c.status !== 'True'),
    ).toEqual([]);
    expect(logs).toContain(`info: Tenant '${name}' is ready`);
  });

  it("refuses a user who may not act for the tenant's owner", async () => {
    const name = await createTenant('group:default/team-a');
    await expect(
      runAction(waitAction, { name }, { as: 'bob' }),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
  });

  it('says so when there is no such tenant', async () => {
    const name = uniqueName('missing');
    await expect(
      runAction(waitAction, { name }, { as: 'alice' }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining(`no tenant named '${name}'`),
    });
  });

  it('does not wait in a dry run, where the tenant was not created', async () => {
    const { outputs, logs } = await runAction(
      waitAction,
      { name: uniqueName('dry') },
      { as: 'alice', dryRun: true },
    );
    expect(outputs).toEqual({ ready: true, conditions: [] });
    expect(logs.join('\n')).toMatch(/Dry run: .* does not exist yet/);
  });

  it('fails after the timeout, saying what is still missing', async () => {
    const name = await createTenant();
    const { namespace } = (await env.tenants.get(name))!;
    // Without its quota the tenant cannot become ready.
    await env.core.deleteCollectionNamespacedResourceQuota({
      namespace,
      labelSelector: `kaas.internal/tenant=${name}`,
    });
    const run = { outputs: {}, logs: [] as string[] };

    await expect(
      runAction(waitAction, { name, timeoutSeconds: 1 }, { as: 'alice', run }),
    ).rejects.toThrow(
      `Tenant '${name}' was not ready within 1 s; still missing: QuotaCounted: no ResourceQuota of the tenant exists yet`,
    );
    expect(run.logs).toContain(
      `info: Waiting for tenant '${name}': QuotaCounted: no ResourceQuota of the tenant exists yet`,
    );
    expect(run.outputs).toEqual({});
  });

  it('offers the template editor a timeout of 300 s by default and at most an hour', () => {
    expect(waitAction.schema?.input?.properties?.timeoutSeconds).toMatchObject({
      type: 'integer',
      default: 300,
      maximum: 3600,
    });
    expect(waitAction.schema?.input?.required).toEqual(['name']);
  });
});
