import yaml from 'yaml';
import {
  CNPG_CLUSTER,
  instanceTestEnvironment,
} from '../__testUtils__/instanceTestEnvironment';
import { runAction } from '../__testUtils__/tenantTestEnvironment';
import { createXaasInstanceUpdateAction } from './instanceUpdate';
import { examples } from './instanceUpdate.examples';

describe('xaas:instance:update examples, run against the local control plane with the CloudNativePG CRDs', () => {
  const env = instanceTestEnvironment();
  const action = createXaasInstanceUpdateAction(env);
  const tenant = env.tenantOfTestFile('group:default/team-a');

  it.each(examples.map(e => [e.description, e.example]))(
    '%s',
    async (_, example) => {
      const { input } = yaml.parse(example).steps[0];
      // A small instance of this test's own, so test files never share one.
      const name = await env.createPostgres(tenant.name, 'alice');

      const { outputs } = await runAction(
        action,
        { ...input, tenant: tenant.name, name },
        { as: 'alice' },
      );

      expect(outputs).toMatchObject({
        instance: `${tenant.name}/${name}`,
        plan: input.plan ?? 'small',
      });
      expect(outputs.changes.length).toBeGreaterThan(0);
      const cluster = (await env.custom.getNamespacedCustomObject({
        ...CNPG_CLUSTER,
        namespace: outputs.namespace,
        name,
      })) as any;
      // The example's change, and nothing it left out: the small plan's 1 instance stays.
      expect(cluster.spec).toMatchObject({
        instances: input.plan === 'medium' ? 2 : 1,
        storage: {
          size: input.parameters?.storage ?? (input.plan ? '10Gi' : '1Gi'),
        },
      });
    },
  );
});
