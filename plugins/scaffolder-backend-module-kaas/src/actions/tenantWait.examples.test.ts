import { uniqueName } from '@internal/kaas-test-cluster';
import yaml from 'yaml';
import {
  deleteNamespaces,
  runAction,
  tenantTestEnvironment,
} from '../__testUtils__/tenantTestEnvironment';
import { createKaasTenantCreateAction } from './tenantCreate';
import { createKaasTenantWaitAction } from './tenantWait';
import { examples } from './tenantWait.examples';

describe('kaas:tenant:wait examples, run against the local control plane', () => {
  const env = tenantTestEnvironment();
  const createAction = createKaasTenantCreateAction(env);
  const waitAction = createKaasTenantWaitAction(env);
  const created = new Set<string>();
  afterAll(() => deleteNamespaces(env.core, created));

  it.each(examples.map(e => [e.description, e.example]))(
    '%s',
    async (_, example) => {
      const { input } = yaml.parse(example).steps[0];
      const name = uniqueName('wait-example');
      const create = await runAction(
        createAction,
        {
          name,
          owner: 'group:default/team-a',
          isolation: 'namespace',
          profile: 'small',
        },
        { as: 'alice' },
      );
      created.add(create.outputs.namespace);

      // The example's name, literal or `${{ steps[...].output.tenant }}`, is this tenant.
      const { outputs } = await runAction(
        waitAction,
        { ...input, name },
        { as: 'alice' },
      );
      expect(outputs.ready).toBe(true);
    },
  );
});
