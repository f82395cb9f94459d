import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import {
  backendDatabaseConfig,
  adminKubectl,
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
const TENANT_LABEL = 'kaas.internal/tenant';

type TaskEvent = {
  type: string;
  createdAt: string;
  body: { message?: string; stepId?: string; status?: string };
};

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
    for (const namespace of namespaces) {
      await adminKubectl(
        cluster,
        'delete',
        'namespace',
        namespace,
        '--wait=false',
        '--ignore-not-found',
      ).catch(() => undefined);
    }
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

  async function api(
    backend: BackstageBackend,
    token: string,
    url: string,
    body?: unknown,
  ) {
    const res = await fetch(`${backend.baseUrl}${url}`, {
      method: body ? 'POST' : 'GET',
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  }

  /** Waits until the catalog serves the generated template, then starts a task of it. */
  async function runTemplate(
    backend: BackstageBackend,
    token: string,
    template: string,
    values: Record<string, unknown>,
  ): Promise<string> {
    await waitFor(
      async () =>
        (
          await api(
            backend,
            token,
            `/api/catalog/entities/by-name/template/default/${template}`,
          )
        ).status === 200
          ? true
          : undefined,
      { timeoutMs: 120_000, describe: () => `template ${template} served` },
    );
    const created = await api(backend, token, '/api/scaffolder/v2/tasks', {
      templateRef: `template:default/${template}`,
      values,
    });
    expect(created.status).toBe(201);
    return created.body.id;
  }

  async function events(
    backend: BackstageBackend,
    token: string,
    id: string,
  ): Promise<TaskEvent[]> {
    return (await api(backend, token, `/api/scaffolder/v2/tasks/${id}/events`))
      .body;
  }

  async function untilStatus(
    backend: BackstageBackend,
    token: string,
    id: string,
    wanted: string,
    timeoutMs = 180_000,
  ) {
    let last = '';
    await waitFor(
      async () => {
        last = (await api(backend, token, `/api/scaffolder/v2/tasks/${id}`))
          .body?.status;
        if (last === wanted) return true;
        if (['completed', 'failed', 'cancelled'].includes(last)) {
          const log = (await events(backend, token, id))
            .map(e => e.body.message)
            .join('\n');
          throw new Error(`task ${id} ended ${last}, not ${wanted}:\n${log}`);
        }
        return undefined;
      },
      {
        timeoutMs,
        intervalMs: 250,
        describe: () => `task ${id} ${wanted} (is ${last})`,
      },
    );
  }

  /** Resolves once the task's wait step is running. */
  async function untilWaiting(
    backend: BackstageBackend,
    token: string,
    id: string,
  ) {
    await waitFor(
      async () =>
        (
          await events(backend, token, id)
        ).some(e => e.body.stepId === 'wait' && e.body.status === 'processing')
          ? true
          : undefined,
      { timeoutMs: 120_000, describe: () => `task ${id} in its wait step` },
    );
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

  /**
   * Every object of a tenant, of every namespaced kind the API server lists, with its uid:
   * an object made twice or made again after a delete shows as a different entry.
   */
  async function tenantObjects(tenant: string): Promise<string[]> {
    const kinds = (
      await adminKubectl(
        cluster,
        'api-resources',
        '--verbs=list',
        '--namespaced',
        '-o',
        'name',
      )
    )
      .split('\n')
      .filter(kind => kind && !kind.startsWith('events'));
    const list = async (...args: string[]) =>
      JSON.parse(
        await adminKubectl(
          cluster,
          'get',
          ...args,
          '-l',
          `${TENANT_LABEL}=${tenant}`,
          '-o',
          'json',
        ),
      ).items as Array<{
        kind: string;
        metadata: { name: string; namespace?: string; uid: string };
      }>;
    const items = [
      ...(await list('namespaces')),
      ...(await list(kinds.join(','), '--all-namespaces')),
    ];
    return items
      .map(
        ({ kind, metadata: { namespace, name, uid } }) =>
          `${kind} ${namespace ? `${namespace}/` : ''}${name} ${uid}`,
      )
      .sort();
  }

  /** What Cluster API does once a virtual cluster runs: Provisioned, and its kubeconfig. */
  async function playClusterApi(tenant: string) {
    const namespace = `t-${tenant}`;
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await writeStatus(cluster, 'clusters.cluster.x-k8s.io', namespace, tenant, {
      phase: 'Provisioned',
      conditions: [
        'Available',
        'ControlPlaneAvailable',
        'InfrastructureReady',
      ].map(type => ({
        type,
        status: 'True',
        reason: 'Ready',
        message: '',
        lastTransitionTime: now,
      })),
    });
    await adminKubectl(
      cluster,
      'create',
      'secret',
      'generic',
      `${tenant}-kubeconfig`,
      '-n',
      namespace,
      '--from-literal=value=apiVersion: v1',
    );
  }

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
    await untilStatus(first, token, nsTask, 'completed');

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
    await untilWaiting(first, token, vcTask);
    await untilWaiting(first, token, dbTask);
    const vcState = await taskState(vcTask);
    const dbState = await taskState(dbTask);
    const vcObjects = await tenantObjects(vc);
    const nsObjects = await tenantObjects(ns);
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
        const all = await events(second, token, dbTask);
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
    await untilWaiting(second, token, vcTask);
    console.log(
      `Restart with task recovery: killed to ready ${
        readyAt - killedAt
      } ms, ready to recovered ${resumedAt - readyAt} ms (killed to recovered ${
        resumedAt - killedAt
      } ms)`,
    );

    await playClusterApi(vc);
    await writeStatus(cluster, 'clusters.postgresql.cnpg.io', `t-${ns}`, db, {
      phase: 'Cluster in healthy state',
      instances: 1,
      readyInstances: 1,
    });
    await untilStatus(second, token, vcTask, 'completed');
    await untilStatus(second, token, dbTask, 'completed');

    // Nothing made twice or made again, and the same outputs as the first run.
    expect(await tenantObjects(vc)).toEqual(vcObjects);
    expect(await tenantObjects(ns)).toEqual(nsObjects);
    expect((await taskState(vcTask)).steps.create.output).toEqual(
      vcState.steps.create.output,
    );
    expect((await taskState(dbTask)).steps.create.output).toEqual(
      dbState.steps.create.output,
    );
    // The instance's completed create step is skipped; the tenant's create step runs
    // again from its checkpoint, without applying anything.
    const dbEvents = await events(second, token, dbTask);
    expect(logAfterRecovery(dbEvents, 'create')).toEqual([
      'Skipping step create because it was already completed in a previous run',
    ]);
    const vcCreateLog = logAfterRecovery(
      await events(second, token, vcTask),
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
    await untilWaiting(first, token, task);
    const objects = await tenantObjects(vc);
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
    await untilStatus(second, token, task, 'failed', 120_000);
    console.log(
      `Restart without task recovery: killed to failed ${
        Date.now() - killedAt
      } ms`,
    );
    const log = (await events(second, token, task)).map(e => e.body.message);
    expect(log).toContain(
      'This task was marked as stale as it exceeded its timeout',
    );
    expect(log).not.toContain(
      'Skipping step create because it was already completed in a previous run',
    );

    await playClusterApi(vc);
    const rerun = await runTemplate(
      second,
      token,
      'kubernetes-tenant-vcluster',
      values,
    );
    await untilStatus(second, token, rerun, 'completed');
    expect(await tenantObjects(vc)).toEqual(objects);
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
