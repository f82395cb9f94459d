/**
 * Soak: MINUTES of mixed operations at a steady open-loop rate against the real backend
 * process on a fresh local control plane, as alice, through the paths users reach:
 * a namespace tenant from the kubernetes-tenant-namespace template (POST
 * /api/scaffolder/v2/tasks, polled until completed), its status (GET
 * /api/kaas/tenants/:tenant), a token kubeconfig (POST /api/kaas/tenants/:tenant/kubeconfig)
 * used once with the real kubectl, a PostgreSQL instance (kaas:create-instance through
 * the Actions Registry, the operator's status played by the bench, GET
 * .../instances/:instance until ready, kaas:delete-instance) and the tenant's deletion
 * (kaas:delete-tenant, until gone).
 *
 *   scripts/bench.sh soak [MINUTES] [RATE]      (default 10 minutes, 12 tenants a minute)
 *
 * Memory: RSS from /proc/<pid>/status (VmRSS) every 5 s; the heap from a bench-only
 * preload (bench/soakMemorySampler.cjs) that writes process.memoryUsage() before and
 * after a full collection every 15 s. Baseline, in the same run and process: the same
 * backend idle for a minute after one warm-up cycle (its second half); for latency, the same kubectl
 * command with the backend's own credential.
 *
 * Criteria: the live heap and RSS peaks of the last minute at most 10% above the first
 * minute's under load, and no operation fails.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  type BackstageBackend,
  adminKubectl,
  buildLocalCluster,
  demoUserToken,
  installCrds,
  KUBECTL,
  REPO_ROOT,
  startLocalCluster,
  startPlatformBackend,
  writeStatus,
} from '@internal/kaas-test-cluster';

const execFileAsync = promisify(execFile);

const MINUTES = Number(process.argv[2] ?? 10);
const RATE = Number(process.argv[3] ?? 12);
const MAX_IN_FLIGHT = 8;
const POLL_MS = 250;
const OP_TIMEOUT_MS = 120_000;
const RSS_EVERY_MS = 5_000;
const HEAP_EVERY_MS = 15_000;
const IDLE_MS = 60_000;
const GROWTH_LIMIT = 0.1;
const OWNER = 'group:default/team-a';
const ACTIONS = '/api/kaas/.backstage/actions/v1/actions';
/** app-config.yaml leaves kaas.tenants.platformNamespace at its default. */
const PLATFORM_NAMESPACE = 'kaas-platform';

const OPS = [
  'create',
  'wait',
  'status',
  'kubeconfig',
  'kubectl (minted kubeconfig)',
  'instance create',
  'instance wait',
  'instance delete',
  'delete',
  'baseline: kubectl (backend credential)',
] as const;
type Op = (typeof OPS)[number];

/** Nearest-rank percentile. */
function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

function vmRssBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!kb) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(kb[1]) * 1024;
}

async function main() {
  await buildLocalCluster();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaas-bench-soak-'));
  const cluster = await startLocalCluster({ dataDir });
  let backend: BackstageBackend | undefined;
  const memoryFile = path.join(dataDir, 'memory.jsonl');
  try {
    await installCrds(
      cluster,
      ['cloudnative-pg'],
      [{ apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster' }],
    );
    backend = await startPlatformBackend({
      cluster,
      dir: dataDir,
      env: {
        NODE_OPTIONS: `--require ${path.join(
          REPO_ROOT,
          'bench/soakMemorySampler.cjs',
        )}`,
        KAAS_BENCH_MEMORY_FILE: memoryFile,
        KAAS_BENCH_MEMORY_INTERVAL_MS: String(HEAP_EVERY_MS),
      },
    });
    const baseUrl = backend.baseUrl;
    const pid = backend.pid;
    const headers = {
      Authorization: `Bearer ${await demoUserToken(backend, 'alice')}`,
    };

    /** A JSON request as alice; rejects unless the status is `expect`. */
    const call = async (
      method: string,
      url: string,
      body?: unknown,
      expect = 200,
    ): Promise<any> => {
      const res = await fetch(`${baseUrl}${url}`, {
        method,
        headers: body
          ? { ...headers, 'Content-Type': 'application/json' }
          : headers,
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(OP_TIMEOUT_MS),
      });
      const text = await res.text();
      if (res.status !== expect) {
        throw new Error(
          `${method} ${url}: ${res.status} ${text.slice(0, 300)}`,
        );
      }
      return text ? JSON.parse(text) : undefined;
    };
    const invoke = (action: string, input: object) =>
      call('POST', `${ACTIONS}/kaas:${action}/invoke`, input);
    const until = async <T>(
      what: string,
      probe: () => Promise<T | undefined>,
    ): Promise<T> => {
      const deadline = Date.now() + OP_TIMEOUT_MS;
      for (;;) {
        const value = await probe();
        if (value !== undefined) return value;
        if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
        await sleep(POLL_MS);
      }
    };

    const latencies = new Map<Op, number[]>(OPS.map(op => [op, []]));
    const errors = new Map<Op, string[]>(OPS.map(op => [op, []]));
    const timed = async <T>(op: Op, run: () => Promise<T>): Promise<T> => {
      const start = process.hrtime.bigint();
      try {
        const value = await run();
        latencies.get(op)!.push(Number(process.hrtime.bigint() - start) / 1e6);
        return value;
      } catch (error) {
        errors.get(op)!.push(String((error as Error).message ?? error));
        throw error;
      }
    };

    const kubectlEnv = {
      ...process.env,
      KUBECACHEDIR: path.join(dataDir, 'kubectl-cache'),
    };
    const kubectl = (kubeconfig: string, namespace: string) =>
      execFileAsync(
        KUBECTL,
        ['--kubeconfig', kubeconfig, 'get', 'resourcequotas', '-n', namespace],
        { env: kubectlEnv, timeout: OP_TIMEOUT_MS },
      );

    /** One tenant's life, each step timed as its own operation. */
    const cycle = async (name: string) => {
      const namespace = `t-${name}`;
      const { id } = await timed('create', () =>
        call(
          'POST',
          '/api/scaffolder/v2/tasks',
          {
            templateRef: 'template:default/kubernetes-tenant-namespace',
            values: { name, owner: OWNER, profile: 'small' },
          },
          201,
        ),
      );
      await timed('wait', () =>
        until(`task ${id} of ${name}`, async () => {
          const task = await call('GET', `/api/scaffolder/v2/tasks/${id}`);
          if (task.status === 'failed' || task.status === 'cancelled') {
            throw new Error(`task ${id} of ${name} ${task.status}`);
          }
          return task.status === 'completed' ? true : undefined;
        }),
      );
      await timed('status', async () => {
        const status = await call('GET', `/api/kaas/tenants/${name}`);
        if (!status.ready) throw new Error(`tenant ${name} not ready`);
      });
      const issued = await timed('kubeconfig', () =>
        call('POST', `/api/kaas/tenants/${name}/kubeconfig`, {
          mode: 'token',
          ttlSeconds: 600,
        }),
      );
      const file = path.join(dataDir, `kubeconfig-${name}`);
      fs.writeFileSync(file, issued.kubeconfig, { mode: 0o600 });
      await timed('kubectl (minted kubeconfig)', () =>
        kubectl(file, namespace),
      );
      fs.rmSync(file);
      await timed('baseline: kubectl (backend credential)', () =>
        kubectl(cluster.backendKubeconfig, namespace),
      );

      const db = 'db';
      await timed('instance create', () =>
        invoke('create-instance', {
          tenant: name,
          capability: 'postgresql',
          name: db,
          plan: 'small',
        }),
      );
      // The operator's part, played by the bench.
      await writeStatus(cluster, 'clusters.postgresql.cnpg.io', namespace, db, {
        phase: 'Cluster in healthy state',
        instances: 1,
        readyInstances: 1,
      });
      await timed('instance wait', () =>
        until(`instance ${name}/${db} ready`, async () =>
          (
            await call('GET', `/api/kaas/tenants/${name}/instances/${db}`)
          ).ready
            ? true
            : undefined,
        ),
      );
      await timed('instance delete', () =>
        invoke('delete-instance', {
          tenant: name,
          name: db,
          confirm: `${name}/${db}`,
        }),
      );
      await timed('delete', () =>
        invoke('delete-tenant', { tenant: name, confirm: name }),
      );
    };
    /** After a failed cycle: remove what it left, so one error does not cascade. */
    const cleanUp = (name: string) =>
      invoke('delete-tenant', {
        tenant: name,
        confirm: name,
        deleteInstances: true,
      }).catch(() => undefined);

    // Memory: RSS every 5 s from /proc, the heap from the preload's file.
    const rss: Array<{ t: number; bytes: number }> = [];
    const rssTimer = setInterval(() => {
      rss.push({ t: Date.now(), bytes: vmRssBytes(pid) });
    }, RSS_EVERY_MS);
    type HeapSample = { pid: number; t: number; liveHeap: number } & Record<
      string,
      number
    >;
    const heapSamples = (): HeapSample[] =>
      fs.existsSync(memoryFile)
        ? fs
            .readFileSync(memoryFile, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map(line => JSON.parse(line) as HeapSample)
            .filter(s => s.pid === pid)
        : [];

    await until('the namespace template in the catalog', async () => {
      const res = await fetch(
        `${baseUrl}/api/catalog/entities/by-name/template/default/kubernetes-tenant-namespace`,
        { headers },
      );
      return res.status === 200 ? true : undefined;
    });
    // One warm-up cycle (the inventory's watches, the scaffolder's first task, the
    // kubeconfig ServiceAccount path), not counted, then the idle baseline minute.
    await cycle('soak-warm');
    for (const list of [...latencies.values(), ...errors.values()]) {
      list.length = 0;
    }
    const idleStart = Date.now();
    await sleep(IDLE_MS);
    const loadStart = Date.now();

    const intervalMs = 60_000 / RATE;
    const total = Math.round(MINUTES * RATE);
    let inFlight = 0;
    let maxInFlight = 0;
    let lateStarts = 0;
    const running: Array<Promise<void>> = [];
    const progress = setInterval(() => {
      const done = latencies.get('delete')!.length;
      const failed = [...errors.values()].reduce((n, e) => n + e.length, 0);
      const last = rss[rss.length - 1];
      console.error(
        `[soak] ${((Date.now() - loadStart) / 60_000).toFixed(
          1,
        )} min: ${done} tenants done, ${inFlight} in flight, ${failed} errors, RSS ${(
          (last?.bytes ?? 0) /
          2 ** 20
        ).toFixed(0)} MiB`,
      );
    }, 60_000);
    for (let i = 0; i < total; i++) {
      const due = loadStart + i * intervalMs;
      await sleep(Math.max(0, due - Date.now()));
      while (inFlight >= MAX_IN_FLIGHT) await sleep(50);
      if (Date.now() - due > 1000) lateStarts++;
      const name = `soak-${i}`;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      running.push(
        cycle(name)
          .catch(() => cleanUp(name))
          .finally(() => inFlight--),
      );
    }
    await Promise.all(running);
    const loadEnd = Date.now();
    clearInterval(progress);
    clearInterval(rssTimer);
    // The last heap sample after the load.
    await sleep(HEAP_EVERY_MS + 1000);

    const heap = heapSamples();
    const peak = <T extends { t: number }>(
      samples: T[],
      from: number,
      to: number,
      value: (s: T) => number,
    ) => {
      const inWindow = samples.filter(s => s.t >= from && s.t < to);
      return inWindow.length ? Math.max(...inWindow.map(value)) : NaN;
    };
    const windows = {
      // The idle minute's second half: the first forced collections after start-up
      // still hand memory back.
      idle: [idleStart + IDLE_MS / 2, loadStart],
      first: [loadStart, loadStart + 60_000],
      last: [loadEnd - 60_000, loadEnd + HEAP_EVERY_MS + 1000],
    } as const;
    const figure = (
      label: string,
      samples: any[],
      value: (s: any) => number,
    ) => {
      const [idle, first, last] = (['idle', 'first', 'last'] as const).map(w =>
        peak(samples, windows[w][0], windows[w][1], value),
      );
      const growth = last / first - 1;
      return { label, idle, first, last, growth };
    };
    const memory = [
      figure('RSS (VmRSS)', rss, s => s.bytes),
      figure('live heap (after full GC)', heap, s => s.liveHeap),
      figure('heap used (before GC)', heap, s => s.heapUsed),
    ];
    const gcMs = heap.map(s => s.gcMs);

    // What the soak left in the cluster: its tenants' namespaces, and their kubeconfig
    // ServiceAccounts and issuance records in the platform namespace (the garbage
    // collector removes those after the home namespace, so give it a moment).
    const soakObject = (o: any) =>
      o.metadata.name.includes('soak-') ||
      Object.values(o.metadata.labels ?? {}).some(v =>
        String(v).startsWith('soak-'),
      );
    const leftBehind = async () => {
      const namespaces = JSON.parse(
        await adminKubectl(cluster, 'get', 'namespaces', '-o', 'json'),
      ).items.filter(soakObject).length;
      const platformObjects = JSON.parse(
        await adminKubectl(
          cluster,
          'get',
          'serviceaccounts,secrets',
          '-n',
          PLATFORM_NAMESPACE,
          '-o',
          'json',
        ),
      ).items.filter(soakObject).length;
      return { namespaces, platformObjects };
    };
    let left = await leftBehind();
    for (
      const deadline = Date.now() + 60_000;
      left.namespaces + left.platformObjects > 0 && Date.now() < deadline;
      left = await leftBehind()
    ) {
      await sleep(2000);
    }

    const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
    const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
    const cycles = latencies.get('delete')!.length;
    console.log(
      `\nSoak: ${MINUTES} min at ${RATE} tenants/min (${total} cycles, at most ${MAX_IN_FLIGHT} in flight, ${
        os.cpus().length
      } cores); ${cycles} completed, max in flight ${maxInFlight}, ${lateStarts} started >1 s late; load ${(
        (loadEnd - loadStart) /
        60_000
      ).toFixed(1)} min`,
    );
    console.log(
      `${'operation'.padEnd(40)} ${'count'.padStart(6)} ${'errors'.padStart(
        6,
      )} ${'rate'.padStart(6)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`,
    );
    for (const op of OPS) {
      const ok = latencies.get(op)!;
      const failed = errors.get(op)!.length;
      const count = ok.length + failed;
      console.log(
        `${op.padEnd(40)} ${String(count).padStart(6)} ${String(
          failed,
        ).padStart(6)} ${(count ? (failed / count) * 100 : 0)
          .toFixed(1)
          .padStart(5)}% ${percentile(ok, 50)
          .toFixed(1)
          .padStart(8)} ${percentile(ok, 99).toFixed(1).padStart(8)}`,
      );
    }
    const status50 = percentile(latencies.get('status')!, 50);
    const kubectl50 = percentile(
      latencies.get('baseline: kubectl (backend credential)')!,
      50,
    );
    console.log(
      `status API p50 / kubectl get resourcequotas p50: ${(
        status50 / kubectl50
      ).toFixed(2)}`,
    );
    console.log(
      `\n${'memory (peak in window)'.padEnd(28)} ${'idle'.padStart(
        11,
      )} ${'load min 1'.padStart(11)} ${'last min'.padStart(
        11,
      )} ${'growth'.padStart(8)} ${'min 1/idle'.padStart(10)}`,
    );
    for (const m of memory) {
      console.log(
        `${m.label.padEnd(28)} ${mib(m.idle).padStart(11)} ${mib(
          m.first,
        ).padStart(11)} ${mib(m.last).padStart(11)} ${pct(m.growth).padStart(
          8,
        )} ${(m.first / m.idle).toFixed(2).padStart(10)}`,
      );
    }
    console.log(
      `samples: RSS ${rss.length} every ${RSS_EVERY_MS / 1000} s, heap ${
        heap.length
      } every ${HEAP_EVERY_MS / 1000} s (forced full GC p50 ${percentile(
        gcMs,
        50,
      ).toFixed(0)} ms); left behind: ${left.namespaces} namespaces, ${
        left.platformObjects
      } ServiceAccounts/Secrets in ${PLATFORM_NAMESPACE}`,
    );
    for (const op of OPS) {
      const distinct = [...new Set(errors.get(op))].slice(0, 3);
      for (const message of distinct) console.log(`error (${op}): ${message}`);
    }
    const totalErrors = [...errors.values()].reduce((n, e) => n + e.length, 0);
    const [rssFigure, heapFigure] = memory;
    const memoryOk =
      rssFigure.growth <= GROWTH_LIMIT && heapFigure.growth <= GROWTH_LIMIT;
    console.log(
      `${memoryOk ? 'PASS' : 'FAIL'} memory: RSS ${pct(
        rssFigure.growth,
      )}, live heap ${pct(heapFigure.growth)} (limit +${
        GROWTH_LIMIT * 100
      }% over the first minute)`,
    );
    console.log(
      `${
        totalErrors === 0 && cycles === total ? 'PASS' : 'FAIL'
      } errors: ${totalErrors} failed operations, ${cycles}/${total} cycles completed`,
    );
  } finally {
    await backend?.stop();
    await cluster.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
