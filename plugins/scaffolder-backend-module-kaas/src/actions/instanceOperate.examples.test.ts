import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { waitFor } from '@internal/kaas-test-cluster';
import yaml from 'yaml';
import {
  installCloudNativePgCrds,
  instanceTestEnvironment,
} from '../__testUtils__/instanceTestEnvironment';
import { runAction } from '../__testUtils__/tenantTestEnvironment';
import { createXaasInstanceOperateAction } from './instanceOperate';
import { examples } from './instanceOperate.examples';

const CNPG = { group: 'postgresql.cnpg.io', version: 'v1' } as const;

describe('xaas:instance:operate examples, run against the local control plane with the CloudNativePG CRDs (the test plays the operator)', () => {
  const env = instanceTestEnvironment();
  const action = createXaasInstanceOperateAction(env);
  const tenant = env.tenantOfTestFile('group:default/team-a');

  beforeAll(() => installCloudNativePgCrds(), 120_000);

  /** Reports every Backup of the instance completed once it appears, as CloudNativePG would. */
  const completeBackupsOf = async (name: string) => {
    const backup = await waitFor(
      async () =>
        (
          (await env.custom.listNamespacedCustomObject({
            ...CNPG,
            plural: 'backups',
            namespace: tenant.namespace,
            labelSelector: `kaas.internal/instance=${name}`,
          })) as { items: any[] }
        ).items[0],
      { timeoutMs: 30_000, describe: () => `a Backup of ${name}` },
    );
    await env.custom.patchNamespacedCustomObjectStatus(
      {
        ...CNPG,
        plural: 'backups',
        namespace: tenant.namespace,
        name: backup.metadata.name,
        body: [{ op: 'add', path: '/status', value: { phase: 'completed' } }],
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
  };

  it.each(examples.map(e => [e.description, e.example]))(
    '%s',
    async (_, example) => {
      const { input } = yaml.parse(example).steps[0];
      const name = await env.createPostgres(tenant.name, 'alice');

      const run = runAction(
        action,
        { ...input, tenant: tenant.name, name },
        { as: 'alice' },
      );
      if (input.operation === 'backup') await completeBackupsOf(name);
      const { outputs } = await run;

      expect(outputs).toMatchObject({
        instance: `${tenant.name}/${name}`,
        operation: input.operation,
        ready: true,
      });
      const [object] = outputs.objects;
      const stored = (await env.custom.getNamespacedCustomObject({
        ...CNPG,
        plural: input.operation === 'backup' ? 'backups' : 'scheduledbackups',
        namespace: outputs.namespace,
        name: object.name,
      })) as any;
      expect(stored.spec).toMatchObject({
        cluster: { name },
        ...input.parameters,
      });
    },
  );
});
