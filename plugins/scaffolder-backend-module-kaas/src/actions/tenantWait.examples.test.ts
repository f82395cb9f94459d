import { uniqueName } from '@internal/kaas-test-cluster';
import yaml from 'yaml';
import {
  runAction,
  tenantsOfTestFile,
  tenantTestEnvironment,
} from '../__testUtils__/tenantTestEnvironment';
import { createKaasTenantWaitAction } from './tenantWait';
import { examples } from './tenantWait.examples';

describe('kaas:tenant:wait examples, run against the local control plane', () => {
  const env = tenantTestEnvironment();
  const waitAction = createKaasTenantWaitAction(env);
  const tenants = tenantsOfTestFile(env);

  it.each(examples.map(e => [e.description, e.example]))(
    '%s',
    async (_, example) => {
      const { input } = yaml.parse(example).steps[0];
      const name = uniqueName('wait-example');
      await tenants.createTenant(name, { as: 'alice' });

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
