import { uniqueName } from '@internal/kaas-test-cluster';
import yaml from 'yaml';
import {
  memberOf,
  runAction,
  tenantsOfTestFile,
  tenantTestEnvironment,
} from '../__testUtils__/tenantTestEnvironment';
import { createKaasTenantCreateAction } from './tenantCreate';
import { examples } from './tenantCreate.examples';

describe('kaas:tenant:create examples, run against the local control plane', () => {
  const env = tenantTestEnvironment();
  const action = createKaasTenantCreateAction(env);
  const { created } = tenantsOfTestFile(env);

  it.each(examples.map(e => [e.description, e.example]))(
    '%s',
    async (_, example) => {
      const { input } = yaml.parse(example).steps[0];
      // A name of its own, so test files running in parallel never share a tenant.
      const name = uniqueName(input.name);

      const { outputs } = await runAction(
        action,
        { ...input, name },
        { as: memberOf(input.owner) },
      );
      created.add(outputs.namespace);

      expect(outputs).toMatchObject({
        tenant: name,
        isolation: input.isolation,
        entityRef: `resource:default/${name}`,
      });
      const namespace = await env.core.readNamespace({
        name: outputs.namespace,
      });
      expect(namespace.metadata?.labels).toMatchObject(input.labels ?? {});
      expect(namespace.metadata?.annotations).toMatchObject(
        input.annotations ?? {},
      );
    },
  );
});
