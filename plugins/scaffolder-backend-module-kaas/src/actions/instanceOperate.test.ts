import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { waitFor } from '@internal/kaas-test-cluster';
import {
  installCloudNativePgCrds,
  instanceTestEnvironment,
} from '../__testUtils__/instanceTestEnvironment';
import { runAction } from '../__testUtils__/tenantTestEnvironment';
import { createXaasInstanceOperateAction } from './instanceOperate';

const BACKUP = {
  group: 'postgresql.cnpg.io',
  version: 'v1',
  plural: 'backups',
} as const;
const SCHEDULED_BACKUP = { ...BACKUP, plural: 'scheduledbackups' } as const;

describe('xaas:instance:operate against the local control plane with the CloudNativePG CRDs and the shipped postgresql operations, through kaas-node with the backend credential', () => {
  const env = instanceTestEnvironment();
  const action = createXaasInstanceOperateAction(env);
  const teamA = env.tenantOfTestFile('group:default/team-a');
  let name = '';

  beforeAll(async () => {
    await installCloudNativePgCrds();
    name = await env.createPostgres(teamA.name, 'alice');
  }, 120_000);

  const list = async (crd: typeof BACKUP | typeof SCHEDULED_BACKUP) =>
    (
      (await env.custom.listNamespacedCustomObject({
        ...crd,
        namespace: teamA.namespace,
        labelSelector: `kaas.internal/instance=${name}`,
      })) as { items: any[] }
    ).items;

  /** Plays CloudNativePG: reports the backup completed. */
  const completeBackup = (backup: string) =>
    env.custom.patchNamespacedCustomObjectStatus(
      {
        ...BACKUP,
        namespace: teamA.namespace,
        name: backup,
        body: [
          {
            op: 'add',
            path: '/status',
            value: { phase: 'completed', method: 'volumeSnapshot' },
          },
        ],
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );

  it('runs a backup, marked with the operation and run, waits until CloudNativePG reports it completed, and lists it in the history', async () => {
    const run = runAction(
      action,
      {
        tenant: teamA.name,
        name,
        operation: 'backup',
        runName: 'first',
        timeoutSeconds: 60,
      },
      { as: 'alice' },
    );
    const backupName = `${name}-first`;
    await waitFor(
      async () =>
        (await list(BACKUP)).some(b => b.metadata.name === backupName) ||
        undefined,
      { timeoutMs: 30_000, describe: () => `Backup ${backupName}` },
    );
    await completeBackup(backupName);
    const { outputs, logs } = await run;

    expect(outputs).toMatchObject({
      instance: `${teamA.name}/${name}`,
      operation: 'backup',
      run: 'first',
      namespace: teamA.namespace,
      ready: true,
      objects: [{ kind: 'Backup', name: backupName, action: 'created' }],
    });
    expect(logs.join('\n')).toContain(
      `Running operation 'backup' on postgresql instance '${teamA.name}/${name}' of group:default/team-a`,
    );
    const [backup] = await list(BACKUP);
    expect(backup.spec).toMatchObject({
      cluster: { name },
      method: 'volumeSnapshot',
    });
    expect(backup.metadata.labels).toMatchObject({
      'kaas.internal/managed-by': 'backstage-kaas',
      'kaas.internal/tenant': teamA.name,
      'kaas.internal/capability': 'postgresql',
      'kaas.internal/instance': name,
      'kaas.internal/operation': 'backup',
      'kaas.internal/run': 'first',
    });
    expect(backup.metadata.annotations).toMatchObject({
      'kaas.internal/owner': 'group:default/team-a',
    });
    expect(await env.instances.operationHistory(teamA.name, name)).toEqual([
      expect.objectContaining({
        operation: 'backup',
        run: 'first',
        kind: 'Backup',
        name: backupName,
        phase: 'completed',
        ready: true,
      }),
    ]);

    // The same run name again: the same Backup, untouched.
    const again = await runAction(
      action,
      {
        tenant: teamA.name,
        name,
        operation: 'backup',
        runName: 'first',
        wait: false,
      },
      { as: 'alice' },
    );
    expect(again.outputs.objects).toEqual([
      { kind: 'Backup', name: backupName, action: 'unchanged' },
    ]);
    expect(await list(BACKUP)).toHaveLength(1);
  });

  it('refuses a backup schedule with a bad cron, saying what a schedule looks like, and creates nothing; a good one is created and listed first in the history', async () => {
    await expect(
      runAction(
        action,
        {
          tenant: teamA.name,
          name,
          operation: 'backup-schedule',
          parameters: { schedule: 'every night' },
        },
        { as: 'alice' },
      ),
    ).rejects.toThrow(
      /parameter 'schedule' must match pattern .*expected: six cron fields, seconds first/,
    );
    await expect(
      runAction(
        action,
        {
          tenant: teamA.name,
          name,
          operation: 'backup-schedule',
          parameters: { schedule: '0 0 2 * * *', retention: '7d' },
        },
        { as: 'alice' },
      ),
    ).rejects.toThrow("parameter 'retention' is not allowed here");
    expect(await list(SCHEDULED_BACKUP)).toEqual([]);

    const { outputs } = await runAction(
      action,
      {
        tenant: teamA.name,
        name,
        operation: 'backup-schedule',
        parameters: { schedule: '0 0 2 * * *' },
        runName: 'nightly',
      },
      { as: 'alice' },
    );
    expect(outputs).toMatchObject({ run: 'nightly', ready: true });
    const [schedule] = await list(SCHEDULED_BACKUP);
    expect(schedule.metadata.name).toBe(`${name}-schedule`);
    expect(schedule.spec).toMatchObject({
      cluster: { name },
      schedule: '0 0 2 * * *',
      method: 'volumeSnapshot',
    });
    const history = await env.instances.operationHistory(teamA.name, name);
    expect(history.map(h => [h.operation, h.run, h.kind, h.phase])).toEqual(
      expect.arrayContaining([
        ['backup-schedule', 'nightly', 'ScheduledBackup', 'Done'],
        ['backup', 'first', 'Backup', 'completed'],
      ]),
    );
    expect(
      history[0].createdAt! >= history[history.length - 1].createdAt!,
    ).toBe(true);
  });

  it('refuses bob, who is not in the owner group, and an unknown operation naming the available ones; a dry run writes nothing', async () => {
    const before = (await list(BACKUP)).length;
    await expect(
      runAction(
        action,
        { tenant: teamA.name, name, operation: 'backup' },
        { as: 'bob' },
      ),
    ).rejects.toThrow(
      'user:default/bob is not a member of group:default/team-a',
    );
    await expect(
      runAction(
        action,
        { tenant: teamA.name, name, operation: 'restore' },
        { as: 'alice' },
      ),
    ).rejects.toThrow(
      "operation: postgresql instances have no operation 'restore'; choose one of: backup, backup-schedule",
    );
    const dry = await runAction(
      action,
      { tenant: teamA.name, name, operation: 'backup', runName: 'dry' },
      { as: 'alice', dryRun: true },
    );
    expect(dry.outputs.objects).toEqual([
      { kind: 'Backup', name: `${name}-dry`, action: 'dry-run' },
    ]);
    expect(await list(BACKUP)).toHaveLength(before);
  });

  it('deletes the objects of its operations with the instance', async () => {
    await env.instances.delete(teamA.name, name);
    expect(await list(BACKUP)).toEqual([]);
    expect(await list(SCHEDULED_BACKUP)).toEqual([]);
  });
});
