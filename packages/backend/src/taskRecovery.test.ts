import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import {
  backendDatabaseConfig,
  deleteNamespacesNoWait,
  type BackstageBackend,
  demoUserToken,
  installCrds,
  installVclusterCrds,
  startPlatformBackend,
  startPostgres,
  type TestPostgres,
  testCluster,
  uniqueName,
  waitFor,
  writeStatus,
} from '@internal/kaas-test-cluster';
import {
  api,
  playClusterApi,
  runTemplate,
  taskEvents,
  tenantObjects,
  untilTaskStatus,
  untilTaskWaiting,
  type TaskEvent,
} from './__testUtils__/scaffolderTasks';

/**
 * Scaffolder tasks across a backend that is killed (SIGKILL) in the middle of a template
 * run and started again on the same PostgreSQL: the real backend process (packages/backend
 * with app-config.yaml, whose scaffolder.taskRecovery is on) against the local control
 * plane with the Cluster API, vCluster and CloudNativePG CRDs. No operator runs: the test
 * writes what Cluster API and CloudNativePG would, after the restart, so each task is
 * still in its wait step when the backend dies.
 */

const cluster = testCluster();
const OWNER = 'group:default/team-a';

describe('scaffolder tasks across a killed backend (the real backend process on PostgreSQL, the local control plane)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaas-recovery-test-'));
  const backends: BackstageBackend[] = [];
  const namespaces: string[] = [];
  let postgres: TestPostgres;

  beforeAll(async () => {
    await installVclusterCrds(cluster);
    await installCrds(
      cluster,
      ['cloudnative-pg'],
      [{ apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster' }],
    );
    postgres = await startPostgres();
  }, 300_000);

  afterAll(async () => {
    for (const backend of backends) await backend.stop();
    await deleteNamespacesNoWait(cluster, namespaces);
    await postgres?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The platform backend on this test's PostgreSQL, with `config` merged over app-config.yaml. */
  async function startBackend(config: Record<string, unknown> = {}) {
    const backend = await startPlatformBackend({
      cluster,
      dir,
      config: {
        ...config,
        backend: {
          database: backendDatabaseConfig(postgres),
        },
      },
    });
    backends.push(backend);
    return backend;
  }

  /** The scaffolder's database, where a task's state (step outputs, checkpoints) is kept. */
  async function withScaffolderDb<T>(fn: (db: Client) => Promise<T>) {
    const db = new Client({
      host: postgres.host,
      port: postgres.port,
      user: postgres.user,
      password: postgres.password,
      database: 'backstage_plugin_scaffolder',
    });
    await db.connect();
    try {
      return await fn(db);
    } finally {
      await db.end();
    }
  }

  const taskState = (id: string) =>
    withScaffolderDb(
      async db =>
        JSON.parse(
          (await db.query('select state from tasks where id = $1', [id]))
            .rows[0].state,
        ).state,
    );

  const logAfterRecovery = (all: TaskEvent[], stepId: string) => {
    const recovered = all.findIndex(e => e.type === 'recovered');
    return all
      .slice(recovered + 1)
      .filter(e => e.body.stepId === stepId)
      .map(e => e.body.message ?? '');
  };

  it('with task recovery on, finishes a vcluster tenant and a PostgreSQL instance killed in their wait steps, once, with the same outputs', async () => {
    const vc = uniqueName('rvc');
    const ns = uniqueName('rns');
    const db = 'orders-db';
    namespaces.push(`t-${vc}`, `t-${ns}`);

    const first = await startBackend();
    let token = await demoUserToken(first, 'alice');
    // A tenant for the instance, run to the end before anything is killed.
    const nsTask = await runTemplate(
      first,
      token,
      'kubernetes-tenant-namespace',
      { name: ns, owner: OWNER, profile: 'small' },
    );
    await untilTaskStatus(first, token, nsTask, 'completed');

    const vcTask = await runTemplate(
      first,
      token,
      'kubernetes-tenant-vcluster',
      {
        name: vc,
        owner: OWNER,
        profile: 'small',
      },
    );
    const dbTask = await runTemplate(first, token, 'xaas-postgresql', {
      tenant: ns,
      name: db,
      plan: 'small',
    });
    await untilTaskWaiting(first, token, vcTask);
    await untilTaskWaiting(first, token, dbTask);
    const vcState = await taskState(vcTask);
    const dbState = await taskState(dbTask);
    const vcObjects = await tenantObjects(cluster, vc);
    const nsObjects = await tenantObjects(cluster, ns);
    expect(vcState.steps.create.status).toBe('completed');
    expect(vcState.steps.create.output).toMatchObject({
      tenant: vc,
      namespace: `t-${vc}`,
      isolation: 'vcluster',
    });
    // What the create step's checkpoint kept: the outputs of its one apply.
    expect(
      vcState.checkpoints['v1.task.checkpoint.create.tenant-applied'],
    ).toEqual({
      status: 'success',
      value: {
        tenant: vc,
        namespace: `t-${vc}`,
        cluster: vcState.steps.create.output.cluster,
        isolation: 'vcluster',
      },
    });
    expect(
      dbState.checkpoints['v1.task.checkpoint.create.instance-applied'].value,
    ).toMatchObject({ tenant: ns, name: db, namespace: `t-${ns}` });
    expect(vcObjects.filter(o => o.startsWith('Cluster '))).toHaveLength(1);

    const killedAt = Date.now();
    await first.kill();
    // The vcluster task as if the backend had died inside its create step, after the
    // apply and its checkpoint but before the step was recorded as completed.
    await withScaffolderDb(async client => {
      const { steps, ...rest } = vcState;
      const { create: _create, ...otherSteps } = steps;
      await client.query('update tasks set state = $2 where id = $1', [
        vcTask,
        JSON.stringify({ state: { ...rest, steps: otherSteps } }),
      ]);
    });

    const second = await startBackend();
    const readyAt = Date.now();
    token = await demoUserToken(second, 'alice');
    let resumedAt = 0;
    await waitFor(
      async () => {
        const all = await taskEvents(second, token, dbTask);
        if (!all.some(e => e.type === 'recovered')) return undefined;
        resumedAt = Date.now();
        return true;
      },
      {
        timeoutMs: 120_000,
        intervalMs: 250,
        describe: () => `task ${dbTask} recovered`,
      },
    );
    // The wait steps start over and wait for the operators again.
    await untilTaskWaiting(second, token, vcTask);
    console.log(
      `Restart with task recovery: killed to ready ${
        readyAt - killedAt
      } ms, ready to recovered ${resumedAt - readyAt} ms (killed to recovered ${
        resumedAt - killedAt
      } ms)`,
    );

    await playClusterApi(cluster, vc);
    await writeStatus(cluster, 'clusters.postgresql.cnpg.io', `t-${ns}`, db, {
      phase: 'Cluster in healthy state',
      instances: 1,
      readyInstances: 1,
    });
    await untilTaskStatus(second, token, vcTask, 'completed');
    await untilTaskStatus(second, token, dbTask, 'completed');

    // Nothing made twice or made again, and the same outputs as the first run.
    expect(await tenantObjects(cluster, vc)).toEqual(vcObjects);
    expect(await tenantObjects(cluster, ns)).toEqual(nsObjects);
    expect((await taskState(vcTask)).steps.create.output).toEqual(
      vcState.steps.create.output,
    );
    expect((await taskState(dbTask)).steps.create.output).toEqual(
      dbState.steps.create.output,
    );
    // The instance's completed create step is skipped; the tenant's create step runs
    // again from its checkpoint, without applying anything.
    const dbEvents = await taskEvents(second, token, dbTask);
    expect(logAfterRecovery(dbEvents, 'create')).toEqual([
      'Skipping step create because it was already completed in a previous run',
    ]);
    const vcCreateLog = logAfterRecovery(
      await taskEvents(second, token, vcTask),
      'create',
    );
    expect(vcCreateLog.length).toBeGreaterThan(0);
    expect(vcCreateLog.join('\n')).not.toContain('Creating tenant');

    // The catalog, read back from PostgreSQL and the clusters, serves both entities.
    for (const ref of [
      `resource/default/${vc}`,
      `resource/default/${ns}.${db}`,
    ]) {
      expect(
        (await api(second, token, `/api/catalog/entities/by-name/${ref}`))
          .status,
      ).toBe(200);
    }
    await second.stop();
  }, 900_000);

  it('with task recovery off, marks the killed task failed after a restart, and a re-run of the template converges', async () => {
    const vc = uniqueName('rof');
    namespaces.push(`t-${vc}`);
    const recoveryOff = {
      scaffolder: {
        taskRecovery: { enabled: false },
        // Without recovery the janitor fails a task whose heartbeat is this old.
        taskTimeout: { seconds: 20 },
        taskTimeoutJanitorFrequency: { seconds: 5 },
      },
    };
    const values = { name: vc, owner: OWNER, profile: 'small' };

    const first = await startBackend(recoveryOff);
    let token = await demoUserToken(first, 'alice');
    const task = await runTemplate(
      first,
      token,
      'kubernetes-tenant-vcluster',
      values,
    );
    await untilTaskWaiting(first, token, task);
    const objects = await tenantObjects(cluster, vc);
    // Without recovery the scaffolder keeps no step outputs; the checkpoint has the
    // create step's.
    const applied = async (id: string) =>
      (await taskState(id)).checkpoints[
        'v1.task.checkpoint.create.tenant-applied'
      ];
    const output = await applied(task);
    expect(output.value).toMatchObject({ tenant: vc, isolation: 'vcluster' });
    const killedAt = Date.now();
    await first.kill();

    const second = await startBackend(recoveryOff);
    token = await demoUserToken(second, 'alice');
    await untilTaskStatus(second, token, task, 'failed', 120_000);
    console.log(
      `Restart without task recovery: killed to failed ${
        Date.now() - killedAt
      } ms`,
    );
    const log = (await taskEvents(second, token, task)).map(
      e => e.body.message,
    );
    expect(log).toContain(
      'This task was marked as stale as it exceeded its timeout',
    );
    expect(log).not.toContain(
      'Skipping step create because it was already completed in a previous run',
    );

    await playClusterApi(cluster, vc);
    const rerun = await runTemplate(
      second,
      token,
      'kubernetes-tenant-vcluster',
      values,
    );
    await untilTaskStatus(second, token, rerun, 'completed');
    expect(await tenantObjects(cluster, vc)).toEqual(objects);
    expect(await applied(rerun)).toEqual(output);
    expect(
      (
        await api(
          second,
          token,
          `/api/catalog/entities/by-name/resource/default/${vc}`,
        )
      ).status,
    ).toBe(200);
    await second.stop();
  }, 900_000);
});
