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
 * warm-up bursts (V8 compiles the request path meanwhile), then the warm steady state,
 * with the backend's health check (no auth) and GET /api/kaas/clusters (auth +
 * permission) as floors measured right after.
 *
 *   scripts/bench.sh status [REQUESTS] [sqlite|postgres]     (default 2000, sqlite)
 *
 * KAAS_BENCH_CPU_PROFILE=DIR: the first run's backend writes a V8 CPU profile to DIR
 * (`--cpu-prof`), and the bench prints where its CPU time went, by package and by
 * function, for the cold burst and the warm state together.
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

const REQUESTS = Number(process.argv[2] ?? 2000);
const DATABASE = process.argv[3] ?? 'sqlite';
const RUNS = 3;
/** Bursts between the cold one and the warm one measured. */
const WARM_UP_BURSTS = 3;
const CONCURRENCY = 100;
const TENANTS = 20;

/** Runs `total` calls of `run`, `concurrency` at a time; returns each call's latency in ms. */
async function load(
  total: number,
  concurrency: number,
  run: (i: number) => Promise<void>,
): Promise<{ latencies: number[]; wallMs: number }> {
  const latencies: number[] = [];
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = process.hrtime.bigint();
        await run(i);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  return { latencies, wallMs: Number(process.hrtime.bigint() - start) / 1e6 };
}

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

async function main() {
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

    type Run = Record<
      'cold' | 'warm' | 'health' | 'clusters',
      { latencies: number[]; wallMs: number }
    > & { perRequest: number; settleMs: number; warmingUp: number[] };
    const runs: Run[] = [];
    for (let run = 0; run < RUNS; run++) {
      const profiling = run === 0 && profileDir;
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
        ...(profiling
          ? {
              env: {
                NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${path.resolve(
                  profileDir,
                )}`,
              },
            }
          : {}),
      });
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
      const before = await apiserverRequests();
      const warm = await load(REQUESTS, CONCURRENCY, statusOf);
      const during = (await apiserverRequests()) - before;
      const attributable = Math.max(0, during - idleRate * warm.wallMs);
      // Where the time goes: the backend's HTTP stack alone, and with the
      // authentication and permission round trip every kaas route makes.
      const health = await load(REQUESTS, CONCURRENCY, () =>
        get(
          `${backend!.baseUrl}/.backstage/health/v1/readiness`,
          {},
          backendAgent,
        ).then(() => undefined),
      );
      const clustersRoute = await load(REQUESTS, CONCURRENCY, () =>
        get(
          `${backend!.baseUrl}/api/kaas/clusters`,
          userHeaders,
          backendAgent,
        ).then(() => undefined),
      );
      runs.push({
        cold,
        settleMs,
        warmingUp,
        warm,
        health,
        clusters: clustersRoute,
        perRequest: attributable / REQUESTS,
      });
      backendAgent.destroy();
      await backend.stop();
      backend = undefined;
    }
    const baseline = await load(REQUESTS, CONCURRENCY, quotasOf);

    const cell = (r: { latencies: number[]; wallMs: number }) =>
      `${percentile(r.latencies, 50).toFixed(0).padStart(5)} ${percentile(
        r.latencies,
        99,
      )
        .toFixed(0)
        .padStart(5)} ${((REQUESTS / r.wallMs) * 1000).toFixed(0).padStart(5)}`;
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
    if (profileDir) printProfile(path.resolve(profileDir));
  } finally {
    await backend?.stop();
    await postgres?.stop();
    await cluster.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** Self time of the newest CPU profile in `dir`, by package and by function. */
function printProfile(dir: string) {
  const file = fs
    .readdirSync(dir)
    .filter(f => f.endsWith('.cpuprofile'))
    .map(f => path.join(dir, f))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
  if (!file) {
    console.log(`no CPU profile in ${dir}`);
    return;
  }
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(profile.nodes.map(n => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const inStatusRoute = (id: number | undefined): boolean => {
    for (let at = id; at !== undefined; at = parent.get(at)) {
      if (byId.get(at)!.callFrame.url.includes('tenantStatusRoutes')) {
        return true;
      }
    }
    return false;
  };
  // Startup (loading and transpiling modules) is not what is measured: count from the
  // first sample inside the status route on.
  const first = profile.samples.findIndex(id => inStatusRoute(id));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    if (first < 0 || i < first) return;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const where = (url: string) => {
    const modules = url.lastIndexOf('node_modules/');
    if (modules >= 0) {
      const rest = url.slice(modules + 'node_modules/'.length).split('/');
      return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
    }
    if (url.includes('/plugins/')) {
      return `plugins/${url.split('/plugins/')[1].split('/')[0]}`;
    }
    if (url.startsWith('node:')) return url;
    return url ? path.basename(url) : '(native / V8)';
  };
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, ms] of self) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    const pkg = where(url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
    const fn = `${functionName || '(anonymous)'} ${pkg}${
      url ? `:${lineNumber + 1}` : ''
    }`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
  }
  const top = (map: Map<string, number>, n: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(
        ([k, ms]) =>
          `  ${ms.toFixed(0).padStart(7)} ms ${((ms / total) * 100)
            .toFixed(1)
            .padStart(5)}%  ${k}`,
      )
      .join('\n');
  console.log(
    `\nCPU profile of run 1's backend (${file}) from its first status request to its exit (cold burst, idle window, warm, floors), ${total.toFixed(
      0,
    )} ms sampled, self time by package:\n${top(byPackage, 20)}`,
  );
  console.log(`\nby function:\n${top(byFunction, 30)}`);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
