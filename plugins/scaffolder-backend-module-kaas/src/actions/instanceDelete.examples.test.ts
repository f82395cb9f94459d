import { uniqueName } from '@internal/kaas-test-cluster';
import yaml from 'yaml';
import { instanceTestEnvironment } from '../__testUtils__/instanceTestEnvironment';
import {
  deleteNamespaces,
  runAction,
} from '../__testUtils__/tenantTestEnvironment';
import { createXaasInstanceCreateAction } from './instanceCreate';
import { createXaasInstanceDeleteAction } from './instanceDelete';
import { examples } from './instanceDelete.examples';

describe('xaas:instance:delete examples, run against the local control plane with the CloudNativePG CRDs', () => {
  const env = instanceTestEnvironment();
  const createAction = createXaasInstanceCreateAction(env);
  const action = createXaasInstanceDeleteAction(env);
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
