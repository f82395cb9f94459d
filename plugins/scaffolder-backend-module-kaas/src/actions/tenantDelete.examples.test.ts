import { uniqueName } from '@internal/kaas-test-cluster';
import yaml from 'yaml';
import {
  namespaceTenantInput,
  runAction,
  tenantTestEnvironment,
} from '../__testUtils__/tenantTestEnvironment';
import { createKaasTenantCreateAction } from './tenantCreate';
import { createKaasTenantDeleteAction } from './tenantDelete';
import { examples } from './tenantDelete.examples';

describe('kaas:tenant:delete examples, run against the local control plane', () => {
  const env = tenantTestEnvironment();
  const createAction = createKaasTenantCreateAction(env);
  const deleteAction = createKaasTenantDeleteAction(env);

  it.each(examples.map(e => [e.description, e.example]))(
    '%s',
    async (_, example) => {
      const { input } = yaml.parse(example).steps[0];
      const name = uniqueName(input.name);
      const create = await runAction(createAction, namespaceTenantInput(name), {
        as: 'alice',
      });

      const { outputs } = await runAction(
        deleteAction,
        { ...input, name },
        { as: 'alice' },
      );

      expect(outputs).toEqual({ tenant: name, deleted: true });
      const namespace = await env.core
        .readNamespace({ name: create.outputs.namespace })
        .catch(error => {
          if (error.code === 404) return undefined;
          throw error;
        });
      expect(namespace?.status?.phase ?? 'Gone').toMatch(/Gone|Terminating/);
    },
  );
});
