import { uniqueName } from '@internal/kaas-test-cluster';
import yaml from 'yaml';
import {
  CNPG_CLUSTER,
  instanceTestEnvironment,
} from '../__testUtils__/instanceTestEnvironment';
import { runAction } from '../__testUtils__/tenantTestEnvironment';
import { createXaasInstanceCreateAction } from './instanceCreate';
import { examples } from './instanceCreate.examples';

describe('xaas:instance:create examples, run against the local control plane with the CloudNativePG CRDs', () => {
  const env = instanceTestEnvironment();
  const action = createXaasInstanceCreateAction(env);
  const tenant = env.tenantOfTestFile('group:default/team-a');

  it.each(examples.map(e => [e.description, e.example]))(
    '%s',
    async (_, example) => {
      const { input } = yaml.parse(example).steps[0];
      // A tenant and name of this test's own, so test files never share an instance.
      const name = uniqueName(input.name);

      const { outputs } = await runAction(
        action,
        { ...input, tenant: tenant.name, name },
        { as: 'alice' },
      );

      expect(outputs).toMatchObject({
        instance: `${tenant.name}/${name}`,
        entityRef: `resource:default/${tenant.name}.${name}`,
      });
      const cluster = (await env.custom.getNamespacedCustomObject({
        ...CNPG_CLUSTER,
        namespace: outputs.namespace,
        name,
      })) as any;
      // What was asked is recorded on the instance, overrides included.
      const spec = JSON.parse(
        cluster.metadata.annotations['kaas.internal/spec'],
      );
      expect(spec.parameters ?? {}).toMatchObject(input.parameters ?? {});
    },
  );
});
