import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  adminKubectl,
  type BackstageBackend,
  demoUserToken,
  freePort,
  listableNamespacedResources,
  type LocalCluster,
  startLocalCluster,
  startPlatformBackend,
  uniqueName,
  waitFor,
} from '@internal/kaas-test-cluster';

/**
 * The control plane restarted under a running platform: the real backend process
 * (packages/backend with app-config.yaml) on a local control plane of its own, while
 * namespace tenants are created through the scaffolder one after another and the Tenants
 * page's requests (the caller's tenants, every tenant's status, the catalog's tenant
 * entities) are polled every 200 ms. First kube-apiserver alone is restarted (etcd and
 * the controller manager keep running), then the whole control plane, etcd with it, on
 * the same data and port. No tenant may leave the catalog or the tenant list, no request
 * may outlast the backend's own cluster request timeout, every status comes back to
 * Ready, and a creation that failed in the outage fails clearly and converges when run
 * again, with every object of every tenant namespace marked.
 */

const OWNER = 'group:default/team-a';
const MARK = 'kaas.internal';
/** `kaas.clusters[].requestTimeout` when not set (readClusterConfigs.ts), as here. */
const CLUSTER_REQUEST_TIMEOUT_MS = 20_000;
/** The backend's own work and its two retries of a refused connection (250 ms apart). */
const MARGIN_MS = 5_000;
const POLL_TIMEOUT_MS = CLUSTER_REQUEST_TIMEOUT_MS + MARGIN_MS;
const POLL_INTERVAL_MS = 200;
/** Bound on "every status Ready again" after the API server is ready. */
const RECOVERY_BOUND_MS = 60_000;
/** A user who sees a creation fail tries again after a moment, not at once. */
const RETRY_AFTER_FAILURE_MS = 3_000;
/** Objects the control plane makes in every namespace by itself. */
const NOT_OURS = new Set([
  'ServiceAccount/default',
  'ConfigMap/kube-root-ca.crt',
]);

type Route = 'tenants' | 'status' | 'catalog';

interface Poll {
  route: Route;
  at: number;
  ms: number;
  /** HTTP status, or 0 when the client gave up (timeout) or the connection failed. */
  status: number;
  message?: string;
  body?: any;
}

interface Creation {
  name: string;
  startedAt: number;
  endedAt: number;
  outcome: 'completed' | 'failed';
  error?: string;
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

describe('the platform across control plane restarts (the real backend process, a local control plane of its own)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaas-cp-restart-test-'));
  const dataDir = path.join(dir, 'cluster');
  let cluster: LocalCluster;
  let backend: BackstageBackend;
  let token: string;

  beforeAll(async () => {
    // A fixed port, so the backend's cluster URL survives the full restart.
    cluster = await startLocalCluster({ dataDir, port: await freePort() });
    backend = await startPlatformBackend({ cluster, dir });
    token = await demoUserToken(backend, 'alice');
  }, 240_000);

  afterAll(async () => {
    await backend?.stop();
    await cluster?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A request to the backend that gives up after POLL_TIMEOUT_MS. */
  async function call(
    url: string,
    body?: unknown,
  ): Promise<{ status: number; ms: number; body: any; message?: string }> {
    const t0 = Date.now();
    try {
      const res = await fetch(`${backend.baseUrl}${url}`, {
        method: body ? 'POST' : 'GET',
        headers: {
          Authorization: `Bearer ${token}`,
          ...(body ? { 'Content-Type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(POLL_TIMEOUT_MS),
      });
      const parsed = await res.json().catch(() => null);
      return {
        status: res.status,
        ms: Date.now() - t0,
        body: parsed,
        message: parsed?.error?.message,
      };
    } catch (error) {
      return {
        status: 0,
        ms: Date.now() - t0,
        body: null,
        message: String((error as Error)?.message ?? error),
      };
    }
  }

  // What the pollers have seen.
  const polls: Poll[] = [];
  /** Tenants once listed by GET /api/kaas/tenants, and once served by the catalog. */
  const listed = new Set<string>();
  const inCatalog = new Set<string>();
  const flaps: string[] = [];
  /** The last status phase of each tenant, with when it was read. */
  const phases = new Map<string, { phase: string; at: number }>();
  /** When a status said the cluster could not be read (`staleSince`). */
  const staleAt: number[] = [];
  let polling = false;

  function record(
    route: Route,
    at: number,
    result: Awaited<ReturnType<typeof call>>,
  ) {
    polls.push({ route, at, ...result });
  }

  /** Every name still there, then adds the new ones; a missing one is a flap. */
  function superset(seen: Set<string>, now: string[], what: string) {
    const present = new Set(now);
    for (const name of seen) {
      if (!present.has(name)) {
        flaps.push(`${new Date().toISOString()} ${name} missing from ${what}`);
      }
    }
    now.forEach(name => seen.add(name));
  }

  async function loop(tick: () => Promise<void>) {
    while (polling) {
      const t0 = Date.now();
      await tick();
      await sleep(Math.max(0, POLL_INTERVAL_MS - (Date.now() - t0)));
    }
  }

  /** The Tenants page's requests, and the catalog's tenant entities, every 200 ms. */
  function startPolling(): Promise<unknown> {
    polling = true;
    const tenants = loop(async () => {
      const at = Date.now();
      const result = await call('/api/kaas/tenants?mine=true');
      record('tenants', at, result);
      if (result.status === 200) {
        superset(
          listed,
          result.body.items.map((t: { name: string }) => t.name),
          'GET /api/kaas/tenants',
        );
      }
    });
    // As the page does: every listed tenant's status, four at a time.
    const statuses = loop(async () => {
      const names = [...listed];
      const next = async (): Promise<void> => {
        const name = names.shift();
        if (!name) return;
        const at = Date.now();
        const result = await call(`/api/kaas/tenants/${name}`);
        record('status', at, result);
        if (result.status === 200) {
          phases.set(name, { phase: result.body.phase, at });
          if (result.body.staleSince) staleAt.push(at);
        }
        await next();
      };
      await Promise.all([next(), next(), next(), next()]);
    });
    const catalog = loop(async () => {
      const at = Date.now();
      const result = await call(
        '/api/catalog/entities/by-query?filter=kind=resource,spec.type=kubernetes-tenant&fields=metadata.name&limit=1000',
      );
      record('catalog', at, result);
      if (result.status === 200) {
        superset(
          inCatalog,
          result.body.items.map(
            (e: { metadata: { name: string } }) => e.metadata.name,
          ),
          'the catalog',
        );
      }
    });
    return Promise.all([tenants, statuses, catalog]);
  }

  async function taskEvents(id: string) {
    return (await call(`/api/scaffolder/v2/tasks/${id}/events`)).body as Array<{
      type: string;
      body: { message?: string; stepId?: string; status?: string };
    }> | null;
  }

  /** Runs the namespace tenant template to its end; failed runs say why. */
  async function createTenant(name: string): Promise<Creation> {
    const startedAt = Date.now();
    const created = await call('/api/scaffolder/v2/tasks', {
      templateRef: 'template:default/kubernetes-tenant-namespace',
      values: { name, owner: OWNER, profile: 'small' },
    });
    if (created.status !== 201) {
      return {
        name,
        startedAt,
        endedAt: Date.now(),
        outcome: 'failed',
        error: `task not started: ${created.status} ${created.message}`,
      };
    }
    const id = created.body.id;
    let status = '';
    await waitFor(
      async () => {
        status = (await call(`/api/scaffolder/v2/tasks/${id}`)).body?.status;
        return ['completed', 'failed', 'cancelled'].includes(status)
          ? true
          : undefined;
      },
      {
        timeoutMs: 180_000,
        intervalMs: 250,
        describe: () => `task ${id} of ${name} ended (is ${status})`,
      },
    );
    if (status === 'completed') {
      return { name, startedAt, endedAt: Date.now(), outcome: 'completed' };
    }
    // The error's first line (the log has its stack too).
    const errors = ((await taskEvents(id)) ?? [])
      .filter(e => e.body.status === 'failed' || e.type === 'completion')
      .map(e => (e.body.message ?? '').split('\n')[0])
      .filter(Boolean);
    return {
      name,
      startedAt,
      endedAt: Date.now(),
      outcome: 'failed',
      error: errors.join(' | ') || `task ended ${status}`,
    };
  }

  // The creator: one tenant after another, until told to stop.
  const creations: Creation[] = [];
  let creating = false;
  async function keepCreating() {
    creating = true;
    while (creating) {
      const creation = await createTenant(uniqueName('cpr'));
      creations.push(creation);
      if (creation.outcome === 'failed') await sleep(RETRY_AFTER_FAILURE_MS);
    }
  }
  const completed = () =>
    new Set(creations.filter(c => c.outcome === 'completed').map(c => c.name));

  /** Until a creation that started after `since` has completed. */
  async function untilOneCreatedAfter(since: number) {
    await waitFor(
      async () =>
        creations.some(c => c.outcome === 'completed' && c.startedAt > since)
          ? true
          : undefined,
      {
        timeoutMs: 120_000,
        intervalMs: 250,
        describe: () =>
          `a tenant created after the restart: ${JSON.stringify(
            creations.slice(-3),
          )}`,
      },
    );
  }

  /** From `readyAt`, until every tenant created before `since` reads Ready. */
  async function untilAllReady(names: Set<string>, readyAt: number) {
    await waitFor(
      async () =>
        [...names].every(name => {
          const last = phases.get(name);
          return last && last.at >= readyAt && last.phase === 'Ready';
        })
          ? true
          : undefined,
      {
        timeoutMs: RECOVERY_BOUND_MS,
        intervalMs: 100,
        describe: () =>
          `every status Ready again: ${[...names]
            .map(n => `${n} ${phases.get(n)?.phase}`)
            .join(', ')}`,
      },
    );
    return Date.now() - readyAt;
  }

  /**
   * Every object in the test's tenant namespaces that does not carry the platform's
   * marks for its tenant and owner (one listing of every namespaced kind).
   */
  async function unmarkedObjects(): Promise<string[]> {
    const kinds = await listableNamespacedResources(cluster);
    type Item = {
      kind: string;
      metadata: {
        name: string;
        namespace?: string;
        labels?: Record<string, string>;
        annotations?: Record<string, string>;
      };
    };
    const list = async (...args: string[]) =>
      JSON.parse(await adminKubectl(cluster, 'get', ...args, '-o', 'json'))
        .items as Item[];
    const tenantOf = (namespace = '') =>
      namespace.startsWith('t-cpr-') ? namespace.slice(2) : undefined;
    const items = [
      ...(await list('namespaces')).filter(ns => tenantOf(ns.metadata.name)),
      ...(await list(kinds.join(','), '--all-namespaces')).filter(o =>
        tenantOf(o.metadata.namespace),
      ),
    ];
    return items
      .filter(o => !NOT_OURS.has(`${o.kind}/${o.metadata.name}`))
      .filter(o => {
        const tenant = tenantOf(o.metadata.namespace ?? o.metadata.name);
        return (
          o.metadata.labels?.[`${MARK}/managed-by`] !== 'backstage-kaas' ||
          o.metadata.labels?.[`${MARK}/tenant`] !== tenant ||
          o.metadata.annotations?.[`${MARK}/owner`] !== OWNER
        );
      })
      .map(o => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`);
  }

  /**
   * After `readyAt`, until the status shows a change made now (the home namespace's
   * description): the inventory's watches are back.
   */
  async function untilChangeSeen(tenant: string, readyAt: number) {
    const description = `after restart ${readyAt}`;
    await adminKubectl(
      cluster,
      'annotate',
      '--overwrite',
      'namespace',
      `t-${tenant}`,
      `${MARK}/description=${description}`,
    );
    await waitFor(
      async () =>
        (await call(`/api/kaas/tenants/${tenant}`)).body?.description ===
        description
          ? true
          : undefined,
      {
        timeoutMs: RECOVERY_BOUND_MS,
        intervalMs: 100,
        describe: () => `the status of ${tenant} shows its new description`,
      },
    );
    return Date.now() - readyAt;
  }

  it('keeps every tenant in the catalog and the list, answers or fails clearly within the timeout, and recovers every status', async () => {
    // Two tenants before anything restarts.
    for (let i = 0; i < 2; i++) {
      expect(await createTenant(uniqueName('cpr'))).toMatchObject({
        outcome: 'completed',
      });
    }
    const pollers = startPolling();
    const creator = keepCreating();
    await waitFor(async () => (inCatalog.size >= 2 ? true : undefined), {
      timeoutMs: 60_000,
      describe: () => `the first tenants in the catalog (${[...inCatalog]})`,
    });

    const restarts: Array<{
      kind: string;
      downAt: number;
      readyAt: number;
      recoveryMs: number;
      changeSeenMs: number;
    }> = [];
    const restart = async (kind: string, how: () => Promise<void>) => {
      await untilOneCreatedAfter(restarts.at(-1)?.readyAt ?? 0);
      const before = completed();
      const downAt = Date.now();
      await how();
      const readyAt = Date.now();
      const [recoveryMs, changeSeenMs] = await Promise.all([
        untilAllReady(before, readyAt),
        untilChangeSeen([...before][0], readyAt),
      ]);
      restarts.push({ kind, downAt, readyAt, recoveryMs, changeSeenMs });
    };
    await restart('kube-apiserver alone', () => cluster.restartApiServer());
    await restart('etcd + kube-apiserver + controller manager', async () => {
      await cluster.stop();
      cluster = await startLocalCluster({
        dataDir,
        port: Number(new URL(cluster.url).port),
      });
    });
    await untilOneCreatedAfter(restarts.at(-1)!.readyAt);
    creating = false;
    await creator;

    // What failed in an outage left nothing unmarked, and converges when run again
    // (four at a time).
    expect(await unmarkedObjects()).toEqual([]);
    const failed = creations.filter(c => c.outcome === 'failed');
    const rerun = [...failed];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let c = rerun.shift(); c; c = rerun.shift()) {
          expect(await createTenant(c.name)).toMatchObject({
            outcome: 'completed',
          });
        }
      }),
    );
    const everyTenant = new Set(creations.map(c => c.name));
    await untilAllReady(everyTenant, Date.now());
    await waitFor(
      async () =>
        [...everyTenant].every(n => inCatalog.has(n)) ? true : undefined,
      {
        timeoutMs: 60_000,
        describe: () =>
          `every tenant in the catalog: ${[...everyTenant].filter(
            n => !inCatalog.has(n),
          )}`,
      },
    );
    polling = false;
    await pollers;

    const rows = restarts.map(r => {
      const during = polls.filter(p => p.at >= r.downAt && p.at <= r.readyAt);
      return {
        restart: r.kind,
        'outage (ms)': r.readyAt - r.downAt,
        'max poll (ms)': Math.max(...during.map(p => p.ms)),
        'polls answered': during.filter(p => p.status === 200).length,
        'polls failed': during.filter(p => p.status !== 200).length,
        'ready to all Ready (ms)': r.recoveryMs,
        'ready to change seen (ms)': r.changeSeenMs,
        'statuses saying stale': staleAt.filter(
          at => at >= r.downAt && at <= r.readyAt,
        ).length,
        'creations failed': creations.filter(
          c =>
            c.outcome === 'failed' &&
            c.endedAt >= r.downAt &&
            c.startedAt <= r.readyAt,
        ).length,
      };
    });
    console.log(
      [
        '| restart | outage (ms) | max poll (ms) | polls answered / failed | statuses saying stale | API server ready to every status Ready (ms) | ready to a change seen (ms) | creations failed |',
        '|---|---|---|---|---|---|---|---|',
        ...rows.map(
          r =>
            `| ${r.restart} | ${r['outage (ms)']} | ${r['max poll (ms)']} | ${r['polls answered']} / ${r['polls failed']} | ${r['statuses saying stale']} | ${r['ready to all Ready (ms)']} | ${r['ready to change seen (ms)']} | ${r['creations failed']} |`,
        ),
        '',
        `${creations.length} creations, ${
          failed.length
        } failed and run again: ${[
          ...new Set(
            failed.map(c =>
              c.error?.replace(/cpr-[0-9a-f]+/g, 'cpr-…').replace(/:\d+$/, ''),
            ),
          ),
        ].join(' | ')}`,
        `${polls.length} polls, max ${Math.max(
          ...polls.map(p => p.ms),
        )} ms; a failed creation took at most ${Math.max(
          0,
          ...failed.map(c => c.endedAt - c.startedAt),
        )} ms`,
        `failed polls: ${[
          ...new Set(
            polls
              .filter(p => p.status !== 200)
              .map(p => `${p.route} ${p.status} ${p.message}`),
          ),
        ].join('\n  ')}`,
      ].join('\n'),
    );

    // Nothing left the catalog or the list, not even for one poll.
    expect(flaps).toEqual([]);
    // Statuses said, during each outage, that they were as last seen; none does now.
    for (const row of rows) {
      expect({
        restart: row.restart,
        stale: row['statuses saying stale'] > 0,
      }).toEqual({ restart: row.restart, stale: true });
    }
    await waitFor(
      async () => {
        for (const name of everyTenant) {
          if ((await call(`/api/kaas/tenants/${name}`)).body?.staleSince) {
            return undefined;
          }
        }
        return true;
      },
      { timeoutMs: 30_000, describe: () => 'a status still says stale' },
    );
    // No request outlasted the cluster request timeout (plus the margin): the client
    // gave up on none.
    expect(polls.filter(p => p.status === 0)).toEqual([]);
    expect(Math.max(...polls.map(p => p.ms))).toBeLessThan(POLL_TIMEOUT_MS);
    // What failed said so: a 5xx naming the cluster; the catalog always answered.
    for (const poll of polls.filter(p => p.status !== 200)) {
      expect(poll.route).not.toBe('catalog');
      expect(poll.status).toBeGreaterThanOrEqual(500);
      expect(poll.message).toMatch(/'local'/);
    }
    // Failed creations named the cluster too, and did not hang first.
    for (const creation of failed) {
      expect(creation.error).toMatch(/[Cc]luster 'local'/);
      expect(creation.endedAt - creation.startedAt).toBeLessThan(
        POLL_TIMEOUT_MS,
      );
    }
    // Every tenant whole: each object in its namespace marked for it and its owner.
    expect(await unmarkedObjects()).toEqual([]);
  }, 600_000);
});
