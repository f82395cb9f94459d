/**
 * Benchmark: GET /api/kaas/tenants/:tenant (a tenant's live status) under 100 concurrent
 * requests, against the real backend process on a fresh local control plane, and how
 * many apiserver requests each API request costs. The baseline, measured in the same
 * run with the same concurrency: the same client reading the tenant's ResourceQuotas
 * straight from the kube-apiserver (one request, far less than the status page shows).
 *
 * Three runs, each on a backend started afresh: the cold first burst (the first REQUESTS
 * requests after the backend answers its readiness check, while it is still busy with its
 * start-up work), then, once the backend's processes use under 5% of a core, three
 * warm-up bursts (V8 compiles the request path meanwhile), then the warm steady state:
 * twenty rounds of a burst each of the status route and of two floors, the backend's health
 * check (no auth) and GET /api/kaas/clusters (auth + permission), pooled per route.
 *
 *   scripts/bench.sh status [REQUESTS] [sqlite|postgres]     (default 2000, sqlite)
 *
 * KAAS_BENCH_CPU_PROFILE=DIR: the first run's backend writes a V8 CPU profile to DIR
 * (`--cpu-prof`), and the bench prints where its CPU time went, by package and by
 * function, for the cold burst and the warm state together.
 *
 * KAAS_BENCH_ALLOCATIONS=DIR: the first run's backend samples its allocations over the
 * warm rounds (bench/allocationProfiler.cjs) and the bench prints them by package and
 * function; with KAAS_BENCH_ALLOCATIONS_SURVIVORS=1, only what outlived young-generation
 * collections.
 *
 * KAAS_BENCH_TRACE_PAUSES=1: the backends and this client record their collections and
 * late timers (bench/pauseRecorder.cjs), and the bench prints, per run and route, in which
 * bursts the requests at or above the p99 fell, what overlapped them, and the CPU the
 * backend, this client and everything else used in each burst.
 *
 * KAAS_BENCH_NODE_OPTIONS: node options for the backends (e.g. a V8 heap flag to compare).
 * KAAS_BENCH_V8_FLAGS: V8 flags NODE_OPTIONS refuses, set in the backends at start
 * (bench/v8Flags.cjs), e.g. `--no-allocation-site-pretenuring`.
 * KAAS_BENCH_DUMP=FILE: every latency and pause of every run, as JSON.
 *
 * Targets: warm p99 <= 1.5 x the health check's, <= 0.1 apiserver requests per request.
 */
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import {
  ClusterRegistry,
  TenantService,
} from '@kaas-platform/plugin-kaas-node';
import {
  backendDatabaseConfig,
  type BackstageBackend,
  buildLocalCluster,
  demoUserToken,
  localClusterEntry,
  REPO_ROOT,
  startLocalCluster,
  startPlatformBackend,
  startPostgres,
  type TestPostgres,
} from '@internal/kaas-test-cluster';
import YAML from 'yaml';
import { percentile, untilProcessGroupIdle } from './benchHelpers';
import { accountCpuOf, type Burst, load, type Pooled, pooled } from './bursts';
import { printAllocations, printCpuProfile } from './profileReports';
import {
  ownPauses,
  type Pause,
  pausesInOutput,
  printTails,
} from './tailAttribution';

const REQUESTS = Number(process.argv[2] ?? 2000);
const DATABASE = process.argv[3] ?? 'sqlite';
const RUNS = 3;
/** Bursts between the cold one and the warm ones measured. */
const WARM_UP_BURSTS = 3;
/** Warm bursts of each route, interleaved and pooled. */
const ROUNDS = 20;
const CONCURRENCY = 100;
const TENANTS = 20;
const TRACE_PAUSES = process.env.KAAS_BENCH_TRACE_PAUSES === '1';
const PAUSE_RECORDER = path.join(__dirname, 'pauseRecorder.cjs');
const ALLOCATIONS_DIR = process.env.KAAS_BENCH_ALLOCATIONS;

/** GET over a keep-alive agent; rejects unless the status is 200. */
function get(
  url: string,
  headers: Record<string, string>,
  agent?: https.Agent,
): Promise<string> {
  const client = url.startsWith('https:') ? https : require('node:http');
  return new Promise((resolve, reject) => {
    const req = client.get(url, { headers, agent }, (res: any) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        res.statusCode === 200
          ? resolve(body)
          : reject(
              new Error(`${url}: ${res.statusCode} ${body.slice(0, 300)}`),
            ),
      );
    });
    req.on('error', reject);
  });
}

/** NODE_OPTIONS of a backend: KAAS_BENCH_NODE_OPTIONS, and the profiler when asked. */
function nodeOptions(
  profileDir: string | undefined,
  allocations: boolean,
): string {
  return [
    process.env.NODE_OPTIONS ?? '',
    process.env.KAAS_BENCH_NODE_OPTIONS ?? '',
    TRACE_PAUSES ? `--require ${PAUSE_RECORDER}` : '',
    process.env.KAAS_BENCH_V8_FLAGS
      ? `--require ${path.join(__dirname, 'v8Flags.cjs')}`
      : '',
    allocations
      ? `--require ${path.join(__dirname, 'allocationProfiler.cjs')}`
      : '',
    profileDir ? `--cpu-prof --cpu-prof-dir=${path.resolve(profileDir)}` : '',
  ]
    .join(' ')
    .trim();
}

async function main() {
  if (TRACE_PAUSES) require(PAUSE_RECORDER);
  await buildLocalCluster();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaas-bench-status-'));
  const cluster = await startLocalCluster({ dataDir });
  let backend: BackstageBackend | undefined;
  const postgres: TestPostgres | undefined =
    DATABASE === 'postgres' ? await startPostgres() : undefined;
  const profileDir = process.env.KAAS_BENCH_CPU_PROFILE;
  try {
    const appConfig = YAML.parse(
      fs.readFileSync(path.join(REPO_ROOT, 'app-config.yaml'), 'utf8'),
    );
    const clusters = [localClusterEntry(cluster)];
    const config = new ConfigReader({ kaas: { ...appConfig.kaas, clusters } });
    const tenants = TenantService.fromConfig(config, {
      clusters: ClusterRegistry.fromConfig(config),
    });
    const names = Array.from({ length: TENANTS }, (_, i) => `status-${i}`);
    for (const name of names) {
      await tenants.create(
        tenants.validate({
          name,
          owner: 'group:default/team-a',
          isolation: 'namespace',
          profile: 'small',
        }),
      );
    }

    const apiserverAgent = new https.Agent({
      keepAlive: true,
      maxSockets: CONCURRENCY,
      ca: fs.readFileSync(cluster.caFile),
    });
    const backendToken = fs
      .readFileSync(cluster.backendTokenFile, 'utf8')
      .trim();
    const quotasOf = (i: number) =>
      get(
        `${cluster.url}/api/v1/namespaces/t-${
          names[i % TENANTS]
        }/resourcequotas`,
        { Authorization: `Bearer ${backendToken}` },
        apiserverAgent,
      ).then(() => undefined);

    // The apiserver's own count of the requests it served (all clients).
    const adminKubeconfig = YAML.parse(
      fs.readFileSync(cluster.adminKubeconfig, 'utf8'),
    );
    const adminUser = adminKubeconfig.users[0].user;
    const metricsAgent = new https.Agent({
      ca: fs.readFileSync(cluster.caFile),
      cert: Buffer.from(adminUser['client-certificate-data'], 'base64'),
      key: Buffer.from(adminUser['client-key-data'], 'base64'),
    });
    const apiserverRequests = async () => {
      const metrics = await get(`${cluster.url}/metrics`, {}, metricsAgent);
      let total = 0;
      for (const line of metrics.split('\n')) {
        if (line.startsWith('apiserver_request_total{')) {
          total += Number(line.slice(line.lastIndexOf(' ') + 1));
        }
      }
      return total;
    };

    type Run = Record<'cold', Burst> &
      Record<'warm' | 'health' | 'clusters', Pooled> & {
        perRequest: number;
        /** Body bytes of one answer of the status, health and clusters routes. */
        bodyBytes: number[];
        settleMs: number;
        warmingUp: number[];
        backendPauses: Pause[];
        clientPauses: Pause[];
      };
    const runs: Run[] = [];
    for (let run = 0; run < RUNS; run++) {
      const profiling = run === 0 && profileDir ? profileDir : undefined;
      // The first run's backend samples its allocations over the warm rounds.
      const allocations = run === 0 && ALLOCATIONS_DIR !== undefined;
      const allocationsStart = path.resolve(ALLOCATIONS_DIR ?? '.', 'start');
      const allocationsOut = path.resolve(
        ALLOCATIONS_DIR ?? '.',
        'warm.heapprofile',
      );
      if (allocations) {
        fs.mkdirSync(path.dirname(allocationsStart), { recursive: true });
        fs.rmSync(allocationsStart, { force: true });
        fs.rmSync(allocationsOut, { force: true });
      }
      backend = await startPlatformBackend({
        cluster,
        dir: dataDir,
        ...(postgres
          ? {
              config: {
                backend: {
                  database: backendDatabaseConfig(postgres),
                },
              },
            }
          : {}),
        ...(nodeOptions(profiling, allocations)
          ? {
              env: {
                NODE_OPTIONS: nodeOptions(profiling, allocations),
                ...(TRACE_PAUSES ? { KAAS_BENCH_PAUSES_TO_STDERR: '1' } : {}),
                ...(allocations
                  ? {
                      KAAS_BENCH_ALLOCATIONS_START: allocationsStart,
                      KAAS_BENCH_ALLOCATIONS_OUT: allocationsOut,
                      KAAS_BENCH_ALLOCATIONS_SURVIVORS:
                        process.env.KAAS_BENCH_ALLOCATIONS_SURVIVORS ?? '',
                    }
                  : {}),
              },
            }
          : {}),
      });
      accountCpuOf(backend.pid);
      const userHeaders = {
        Authorization: `Bearer ${await demoUserToken(backend, 'alice')}`,
      };
      const http = require('node:http');
      const backendAgent = new http.Agent({
        keepAlive: true,
        maxSockets: CONCURRENCY,
      });
      const statusOf = (i: number) =>
        get(
          `${backend!.baseUrl}/api/kaas/tenants/${names[i % TENANTS]}`,
          userHeaders,
          backendAgent,
        ).then(() => undefined);

      // Cold: the first burst after start, nothing warmed up, the backend still busy
      // with its start-up work (the catalog taking in the tenants, first task runs).
      const cold = await load(REQUESTS, CONCURRENCY, statusOf);
      // Warm is the steady state: once the backend is done with that work, and its
      // code is compiled (V8 optimises a function only after it has run many times; the
      // first bursts after a start run slower, see README).
      const settleMs = await untilProcessGroupIdle(backend.pid);
      const warmingUp: number[] = [];
      for (let burst = 0; burst < WARM_UP_BURSTS; burst++) {
        const { latencies } = await load(REQUESTS, CONCURRENCY, statusOf);
        warmingUp.push(percentile(latencies, 99));
      }
      // Background rate of the cluster (controllers, the backend's own watches, this
      // scraper) over an idle window, to subtract from the window under load.
      const idleStart = await apiserverRequests();
      const idleT0 = Date.now();
      await new Promise(r => setTimeout(r, 3000));
      const idleRate =
        ((await apiserverRequests()) - idleStart) / (Date.now() - idleT0);
      // The warm state and its floors, interleaved: ROUNDS rounds of one burst each of
      // the status route, the health check and the clusters route, pooled per route, so
      // that whatever else the backend does meanwhile (the catalog's loops, a garbage
      // collection) lands on all three alike.
      if (allocations) {
        fs.writeFileSync(allocationsStart, '');
        await new Promise(r => setTimeout(r, 200));
      }
      const warm = pooled();
      const health = pooled();
      const clustersRoute = pooled();
      let during = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const before = await apiserverRequests();
        const statusBurst = await load(REQUESTS, CONCURRENCY, statusOf);
        during += Math.max(
          0,
          (await apiserverRequests()) - before - idleRate * statusBurst.wallMs,
        );
        warm.add(statusBurst);
        // Where the time goes: the backend's HTTP stack alone, and with the
        // authentication and permission round trip every kaas route makes.
        health.add(
          await load(REQUESTS, CONCURRENCY, () =>
            get(
              `${backend!.baseUrl}/.backstage/health/v1/readiness`,
              {},
              backendAgent,
            ).then(() => undefined),
          ),
        );
        clustersRoute.add(
          await load(REQUESTS, CONCURRENCY, () =>
            get(
              `${backend!.baseUrl}/api/kaas/clusters`,
              userHeaders,
              backendAgent,
            ).then(() => undefined),
          ),
        );
      }
      if (allocations) {
        process.kill(backend.pid, 'SIGUSR2');
        while (!fs.existsSync(allocationsOut)) {
          await new Promise(r => setTimeout(r, 100));
        }
        await new Promise(r => setTimeout(r, 500));
        printAllocations(allocationsOut, ROUNDS * REQUESTS);
      }
      runs.push({
        cold,
        settleMs,
        warmingUp,
        warm,
        health,
        clusters: clustersRoute,
        bodyBytes: await Promise.all(
          [
            get(
              `${backend!.baseUrl}/api/kaas/tenants/${names[0]}`,
              userHeaders,
            ),
            get(`${backend!.baseUrl}/.backstage/health/v1/readiness`, {}),
            get(`${backend!.baseUrl}/api/kaas/clusters`, userHeaders),
          ].map(async body => Buffer.byteLength(await body)),
        ),
        perRequest: during / (REQUESTS * ROUNDS),
        backendPauses: pausesInOutput(backend.output()),
        clientPauses: ownPauses(),
      });
      backendAgent.destroy();
      await backend.stop();
      backend = undefined;
    }
    const baseline = await load(REQUESTS, CONCURRENCY, quotasOf);

    const cell = (r: Burst) =>
      `${percentile(r.latencies, 50).toFixed(0).padStart(5)} ${percentile(
        r.latencies,
        99,
      )
        .toFixed(0)
        .padStart(5)} ${((r.latencies.length / r.wallMs) * 1000)
        .toFixed(0)
        .padStart(5)}`;
    console.log(
      `\nTenant status API: ${REQUESTS} requests, ${CONCURRENCY} concurrent, over ${TENANTS} tenants, ${
        os.cpus().length
      } cores, ${DATABASE}; each run on a backend started afresh`,
    );
    console.log(
      `${'ms: p50 p99 req/s'.padEnd(48)}${runs
        .map((_, i) => `run ${i + 1}`.padStart(18))
        .join('')}`,
    );
    const rows: Array<[string, (r: Run) => string]> = [
      ['GET /api/kaas/tenants/:tenant, cold first burst', r => cell(r.cold)],
      ['GET /api/kaas/tenants/:tenant, warm', r => cell(r.warm)],
      ['floor: backend health check (no auth)', r => cell(r.health)],
      [
        'floor: GET /api/kaas/clusters (auth + permission)',
        r => cell(r.clusters),
      ],
      [
        'warm p99 / health check p99',
        r =>
          (
            percentile(r.warm.latencies, 99) /
            percentile(r.health.latencies, 99)
          ).toFixed(2),
      ],
      [
        'backend busy after the cold burst (s)',
        r => (r.settleMs / 1000).toFixed(1),
      ],
      [
        `p99 of the ${WARM_UP_BURSTS} warm-up bursts after it (ms)`,
        r => r.warmingUp.map(ms => ms.toFixed(0)).join(' / '),
      ],
      [
        'cold p99 / warm p99',
        r =>
          (
            percentile(r.cold.latencies, 99) / percentile(r.warm.latencies, 99)
          ).toFixed(2),
      ],
      ['body bytes: status / health / clusters', r => r.bodyBytes.join(' / ')],
      [
        'apiserver requests per API request (warm)',
        r => r.perRequest.toFixed(3),
      ],
    ];
    for (const [label, value] of rows) {
      console.log(
        `${label.padEnd(48)}${runs.map(r => value(r).padStart(18)).join('')}`,
      );
    }
    console.log(
      `baseline: GET resourcequotas from the apiserver, same client: ${cell(
        baseline,
      )}`,
    );
    if (TRACE_PAUSES) printTails(runs, ROUNDS, REQUESTS);
    if (process.env.KAAS_BENCH_DUMP) {
      fs.writeFileSync(process.env.KAAS_BENCH_DUMP, JSON.stringify(runs));
    }
    if (profileDir) printCpuProfile(path.resolve(profileDir));
  } finally {
    await backend?.stop();
    await postgres?.stop();
    await cluster.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
