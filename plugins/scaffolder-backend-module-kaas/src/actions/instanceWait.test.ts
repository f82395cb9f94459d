import { uniqueName } from '@internal/kaas-test-cluster';
import { instanceTestEnvironment } from '../__testUtils__/instanceTestEnvironment';
import {
  type ActionRun,
  runAction,
} from '../__testUtils__/tenantTestEnvironment';
import { createXaasInstanceWaitAction } from './instanceWait';

describe('xaas:instance:wait against the local control plane with the CloudNativePG CRDs, through kaas-node with the backend credential', () => {
  const env = instanceTestEnvironment();
  const waitAction = createXaasInstanceWaitAction(env);
  const tenant = env.tenantOfTestFile('group:default/team-a');

  const createInstance = () => env.createPostgres(tenant.name, 'petra');

  it('returns once the operator reports the cluster healthy, logging progress', async () => {
    const name = await createInstance();
    const run: ActionRun = { outputs: {}, logs: [] };

    const waiting = runAction(
      waitAction,
      { tenant: tenant.name, name, timeoutSeconds: 30 },
      { as: 'alice', run },
    );
    // Let the action see the instance unready at least once, then play the operator.
    await new Promise(resolve => setTimeout(resolve, 1500));
    await env.reportHealthy(tenant.namespace, name);
    await waiting;

    expect(run.outputs).toEqual({ ready: true });
    expect(run.logs[0]).toBe(
      `info: Waiting up to 30s for postgresql instance '${tenant.name}/${name}' to be ready`,
    );
    expect(
      run.logs.some(l =>
        l.startsWith(
          `info: Waiting for instance '${name}' of tenant '${tenant.name}': `,
        ),
      ),
    ).toBe(true);
    expect(run.logs).toContain(
      `info: Instance '${name}' of tenant '${tenant.name}' is ready`,
    );
  });

  it('fails after the timeout, saying which instance is not ready and what is missing', async () => {
    const name = await createInstance();
    const run: ActionRun = { outputs: {}, logs: [] };

    await expect(
      runAction(
        waitAction,
        { tenant: tenant.name, name, timeoutSeconds: 1 },
        { as: 'alice', run },
      ),
    ).rejects.toThrow(
      `Instance '${name}' of tenant '${tenant.name}' was not ready within 1 s; still missing: `,
    );
    expect(run.logs).toContain(
      `info: Waiting up to 1s for postgresql instance '${tenant.name}/${name}' to be ready`,
    );
    expect(run.outputs).toEqual({});
  });

  it("refuses bob, who may not act for the instance's owner", async () => {
    const name = await createInstance();
    await expect(
      runAction(waitAction, { tenant: tenant.name, name }, { as: 'bob' }),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringMatching(
        /user:default\/bob.*group:default\/team-a/,
      ),
    });
  });

  it('says so when there is no such instance', async () => {
    const name = uniqueName('missing');
    await expect(
      runAction(waitAction, { tenant: tenant.name, name }, { as: 'alice' }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining(`no instance '${tenant.name}/${name}'`),
    });
  });

  it('does not wait in a dry run, where the instance was not created', async () => {
    const { outputs, logs } = await runAction(
      waitAction,
      { tenant: tenant.name, name: uniqueName('dry') },
      { as: 'alice', dryRun: true },
    );
    expect(outputs).toEqual({ ready: true });
    expect(logs.join('\n')).toMatch(/Dry run: .* does not exist yet/);
  });

  it('offers the template editor a timeout of 600 s by default and at most an hour', () => {
    expect(waitAction.schema?.input?.properties?.timeoutSeconds).toMatchObject({
      type: 'integer',
      default: 600,
      maximum: 3600,
    });
    expect(waitAction.schema?.input?.required).toEqual(['tenant', 'name']);
  });
});
