import yaml from 'yaml';
import { instanceTestEnvironment } from '../__testUtils__/instanceTestEnvironment';
import { runAction } from '../__testUtils__/tenantTestEnvironment';
import { createXaasInstanceWaitAction } from './instanceWait';
import { examples } from './instanceWait.examples';

describe('xaas:instance:wait examples, run against the local control plane with the CloudNativePG CRDs', () => {
  const env = instanceTestEnvironment();
  const action = createXaasInstanceWaitAction(env);
  const tenant = env.tenantOfTestFile('group:default/team-a');

  it.each(examples.map(e => [e.description, e.example]))(
    '%s',
    async (_, example) => {
      const { input } = yaml.parse(example).steps[0];
      const name = await env.createPostgres(tenant.name, 'alice');
      await env.reportHealthy(tenant.namespace, name);

      const { outputs } = await runAction(
        action,
        { ...input, tenant: tenant.name, name },
        { as: 'alice' },
      );

      expect(outputs).toEqual({ ready: true });
    },
  );
});
