import yaml from 'yaml';
import { instanceTestEnvironment } from '../__testUtils__/instanceTestEnvironment';
import { runAction } from '../__testUtils__/tenantTestEnvironment';
import { createXaasInstanceDeleteAction } from './instanceDelete';
import { examples } from './instanceDelete.examples';

describe('xaas:instance:delete examples, run against the local control plane with the CloudNativePG CRDs', () => {
  const env = instanceTestEnvironment();
  const action = createXaasInstanceDeleteAction(env);
  const tenant = env.tenantOfTestFile('group:default/team-a');

  it.each(examples.map(e => [e.description, e.example]))(
    '%s',
    async (_, example) => {
      const { input } = yaml.parse(example).steps[0];
      const name = await env.createPostgres(tenant.name, 'alice');

      const { outputs } = await runAction(
        action,
        {
          ...input,
          tenant: tenant.name,
          name,
          confirm: `${tenant.name}/${name}`,
        },
        { as: 'alice' },
      );

      expect(outputs).toEqual({
        instance: `${tenant.name}/${name}`,
        deleted: true,
      });
      expect(
        Object.keys(await env.cnpgClusters(tenant.namespace)),
      ).not.toContain(name);
    },
  );
});
