import { uniqueName } from '@internal/kaas-test-cluster';
import yaml from 'yaml';
import { instanceTestEnvironment } from '../__testUtils__/instanceTestEnvironment';
import {
  deleteNamespaces,
  runAction,
} from '../__testUtils__/tenantTestEnvironment';
import { createXaasInstanceCreateAction } from './instanceCreate';
import { createXaasInstanceWaitAction } from './instanceWait';
import { examples } from './instanceWait.examples';

describe('xaas:instance:wait examples, run against the local control plane with the CloudNativePG CRDs', () => {
  const env = instanceTestEnvironment();
  const createAction = createXaasInstanceCreateAction(env);
  const action = createXaasInstanceWaitAction(env);
  const created = new Set<string>();
  let tenant: { name: string; namespace: string };

  beforeAll(async () => {
    tenant = await env.createTenant('group:default/team-a');
    created.add(tenant.namespace);
  });
  afterAll(() => deleteNamespaces(env.core, created));

  it.each(examples.map(e => [e.description, e.example]))(
    '%s',
    async (_, example) => {
      const { input } = yaml.parse(example).steps[0];
      const name = uniqueName('pg');
      await runAction(
        createAction,
        { tenant: tenant.name, capability: 'postgresql', name, plan: 'small' },
        { as: 'alice' },
      );
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
