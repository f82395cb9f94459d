import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify, stripVTControlCharacters } from 'node:util';
import {
  deleteNamespacesNoWait,
  backendDatabaseConfig,
  type BackstageBackend,
  demoUserToken,
  KUBECTL,
  processRssBytes,
  startPlatformBackend,
  startPostgres,
  type TestPostgres,
  testCluster,
  uniqueName,
  waitFor,
} from '@internal/kaas-test-cluster';
import {
  api,
  playClusterApi,
  runTemplate,
  tenantObjects,
  untilTaskStatus,
  untilTaskWaiting,
} from './__testUtils__/scaffolderTasks';

const execFileAsync = promisify(execFile);

/**
 * Two replicas of the real backend process (packages/backend with app-config.yaml) on one
 * PostgreSQL, behind nothing but their own ports, against the local control plane with
 * the Cluster API and vCluster CRDs. No operator runs: the test writes what Cluster API
 * would. One replica is killed (SIGKILL) in the middle of template runs.
 */

const cluster = testCluster();
const OWNER = 'group:default/team-a';
const FULL_SYNC = /sent a full mutation of \d+ entities/g;

describe('two backend replicas on one PostgreSQL (the real backend processes, the local control plane)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaas-replicas-test-'));
  const backends: BackstageBackend[] = [];
  const namespaces: string[] = [];
  let postgres: TestPostgres;

  beforeAll(async () => {
    postgres = await startPostgres();
  }, 300_000);

  afterAll(async () => {
    for (const backend of backends) await backend.stop();
    await deleteNamespacesNoWait(cluster, namespaces);
    await postgres?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Starts a replica. Replicas started together on an empty database start one after
   * the other (startOneReplicaAtATime): their migrations would race otherwise.
   */
  const startReplica = async (): Promise<BackstageBackend> => {
    const backend = await startPlatformBackend({
      cluster,
      dir,
      config: { backend: { database: backendDatabaseConfig(postgres) } },
    });
    backends.push(backend);
    return backend;
  };

  /** The tasks whose run the replica's scaffolder audited as started. */
  const tasksRunBy = (backend: BackstageBackend, ids: string[]) =>
    ids.filter(id =>
      backend
        .output()
        .split('\n')
        .some(
          line =>
            line.includes(id) &&
            line.includes('execution') &&
            line.includes('initiated'),
        ),
    );

  /** The catalog's entities of that name, as one replica serves them. */
  const entitiesNamed = async (
    backend: BackstageBackend,
    token: string,
    name: string,
  ): Promise<Array<{ metadata: { uid: string } }>> =>
    (
      await api(
        backend,
        token,
        `/api/catalog/entities/by-query?filter=kind=resource,metadata.name=${name}`,
      )
    ).body.items;

  /** Waits until both replicas serve exactly one entity of each name; resolves to their uids. */
  const servedOnce = async (
    replicas: BackstageBackend[],
    token: string,
    names: string[],
  ) => {
    const uids = new Map<string, string>();
    for (const name of names) {
      await waitFor(
        async () => {
          const seen = await Promise.all(
            replicas.map(r => entitiesNamed(r, token, name)),
          );
          if (seen.some(items => items.length !== 1)) return undefined;
          const [uid, ...others] = seen.map(items => items[0].metadata.uid);
          if (others.some(o => o !== uid)) return undefined;
          uids.set(name, uid);
          return true;
        },
        {
          timeoutMs: 60_000,
          describe: () => `${name} served once by every replica`,
        },
      );
    }
    return uids;
  };

  const kubectlAs = (kubeconfig: string, ...args: string[]) => {
    const file = path.join(dir, `${uniqueName('kc')}.kubeconfig`);
    fs.writeFileSync(file, kubeconfig, { mode: 0o600 });
    return execFileAsync(KUBECTL, ['--kubeconfig', file, ...args]).then(
      ({ stdout }) => ({ ok: true, out: stdout }),
      error => ({ ok: false, out: String(error.stderr ?? error) }),
    );
  };

  it('runs each task once, serves each tenant once, honours a kubeconfig revoked on the other replica, and finishes the tasks of a killed replica without making anything twice', async () => {
    const startedAt = Date.now();
    const [a, b] = await Promise.all([startReplica(), startReplica()]);
    const bothReadyMs = Date.now() - startedAt;
    const token = await demoUserToken(a, 'alice');
    // A user token signed by one replica is accepted by the other (keys in the database).
    expect((await api(b, token, '/api/kaas/clusters')).status).toBe(200);

    // Six namespace tenants, started alternately through each replica.
    const names = Array.from({ length: 6 }, () => uniqueName('rep'));
    namespaces.push(...names.map(n => `t-${n}`));
    const tasks = await Promise.all(
      names.map((name, i) =>
        runTemplate(i % 2 ? b : a, token, 'kubernetes-tenant-namespace', {
          name,
          owner: OWNER,
          profile: 'small',
        }),
      ),
    );
    for (const [i, id] of tasks.entries()) {
      await untilTaskStatus(i % 2 ? a : b, token, id, 'completed');
    }
    const onA = tasksRunBy(a, tasks);
    const onB = tasksRunBy(b, tasks);
    expect([...onA, ...onB].sort()).toEqual([...tasks].sort());

    const uids = await servedOnce([a, b], token, names);

    // A kubeconfig issued through one replica works; revoked through the other, it stops.
    const issued = await api(
      a,
      token,
      `/api/kaas/tenants/${names[0]}/kubeconfig`,
      {
        mode: 'token',
        ttlSeconds: 600,
      },
    );
    expect(issued.status).toBe(200);
    const { kubeconfig } = issued.body;
    expect((await kubectlAs(kubeconfig, 'get', 'configmaps')).ok).toBe(true);
    const listed = await api(
      b,
      token,
      `/api/kaas/tenants/${names[0]}/kubeconfigs`,
    );
    expect(listed.body.items).toHaveLength(1);
    const revoked = await api(
      b,
      token,
      `/api/kaas/tenants/${names[0]}/kubeconfigs`,
      undefined,
      'DELETE',
    );
    expect(revoked.body).toEqual({ revoked: 1 });
    // The API server keeps a token's authentication for up to 10 s.
    const refused = await waitFor(
      async () => {
        const result = await kubectlAs(kubeconfig, 'get', 'configmaps');
        return result.ok ? undefined : result;
      },
      {
        timeoutMs: 30_000,
        describe: () => 'kubectl still works after revocation',
      },
    );
    expect(refused.out).toMatch(/Unauthorized|must be logged in/);

    // Two virtual-cluster tenants, waiting for Cluster API; the replica running one is killed.
    const virtual = [uniqueName('repvc'), uniqueName('repvc')];
    namespaces.push(...virtual.map(n => `t-${n}`));
    const vcTasks = [
      await runTemplate(a, token, 'kubernetes-tenant-vcluster', {
        name: virtual[0],
        owner: OWNER,
        profile: 'small',
      }),
      await runTemplate(b, token, 'kubernetes-tenant-vcluster', {
        name: virtual[1],
        owner: OWNER,
        profile: 'small',
      }),
    ];
    for (const id of vcTasks) await untilTaskWaiting(a, token, id);
    const before = await Promise.all(
      virtual.map(v => tenantObjects(cluster, v)),
    );
    const victim = tasksRunBy(a, [vcTasks[0]]).length ? a : b;
    const survivor = victim === a ? b : a;
    const killedRuns = tasksRunBy(victim, vcTasks);
    await victim.kill();
    const killedAt = Date.now();

    for (const v of virtual) await playClusterApi(cluster, v);
    for (const id of vcTasks) {
      await untilTaskStatus(survivor, token, id, 'completed', 180_000);
    }
    const recoveredAfterMs = Date.now() - killedAt;
    // The killed replica's tasks were run again by the survivor, and nothing was made twice.
    expect(tasksRunBy(survivor, killedRuns)).toEqual(killedRuns);
    expect(
      await Promise.all(virtual.map(v => tenantObjects(cluster, v))),
    ).toEqual(before);

    // A replica joining later asks for a full sync, which one replica runs; no entity is
    // dropped and added again (same uids), and none is served twice.
    const fullSyncsBy = (r: BackstageBackend) =>
      r.output().match(FULL_SYNC)?.length ?? 0;
    const bySurvivor = fullSyncsBy(survivor);
    const joined = await startReplica();
    await waitFor(
      async () =>
        fullSyncsBy(survivor) + fullSyncsBy(joined) > bySurvivor || undefined,
      { timeoutMs: 60_000, describe: () => 'a full sync after the join' },
    );
    const after = await servedOnce([survivor, joined], token, [
      ...names,
      ...virtual,
    ]);
    for (const name of names) expect(after.get(name)).toBe(uids.get(name));

    const conflictsOf = (r: BackstageBackend) =>
      r
        .output()
        .split('\n')
        .filter(line => /conflicting entityRef/i.test(line));
    const conflicts = backends.flatMap(conflictsOf);
    // None about a tenant or instance. On a first start the hand-written
    // templates/xaas/postgresql.yaml meets the generated template it replaces once (the
    // parser hook then steps the generated one aside); a joining replica waits for the
    // catalog's answer before its first template mutation, so it logs none.
    expect(conflicts.filter(line => line.includes('resource:'))).toEqual([]);
    expect(conflictsOf(joined)).toEqual([]);
    const fullSyncs = [a, b, joined].map(fullSyncsBy);
    const rssMiB = [survivor, joined].map(r =>
      Math.round(processRssBytes(r.pid) / 2 ** 20),
    );
    console.log(
      [
        `Two replicas started together on an empty database: both ready after ${bothReadyMs} ms;`,
        `namespace tenant tasks run by A ${onA.length}, by B ${onB.length} (of ${tasks.length});`,
        `vcluster tasks of the killed replica (${victim === a ? 'A' : 'B'}): ${
          killedRuns.length
        }, completed by the survivor ${recoveredAfterMs} ms after the kill;`,
        `entities served once each: ${
          after.size
        }; full syncs sent by A, B, the joined replica: ${fullSyncs.join(
          ', ',
        )};`,
        `RSS of the survivor and the joined replica: ${rssMiB.join(', ')} MiB;`,
        `conflicting entityRefs logged: ${conflicts.length}${conflicts
          .map(line => `\n  ${stripVTControlCharacters(line)}`)
          .join('')}`,
      ].join('\n'),
    );
  }, 900_000);
});
