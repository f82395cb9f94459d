/**
 * Benchmark: GET /api/kaas/tenants/:tenant (a tenant's live status) under 100 concurrent
 * requests, against the real backend process on a fresh local control plane, and how
 * many apiserver requests each API request costs. The baseline, measured in the same
 * run with the same concurrency: the same client reading the tenant's ResourceQuotas
 * straight from the kube-apiserver (one request, far less than the status page shows).
 *
 *   scripts/bench.sh status [REQUESTS]      (default 2000)
 *
 * Targets: p99 <= 50 ms, <= 0.1 apiserver requests per API request.
 */
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { ClusterRegistry, TenantService } from '@internal/plugin-kaas-node';
import {
  type BackstageBackend,
  buildLocalCluster,
  demoUserToken,
  localClusterEntry,
  REPO_ROOT,
  startLocalCluster,
  startPlatformBackend,
} from '@internal/kaas-test-cluster';
import YAML from 'yaml';

const REQUESTS = Number(process.argv[2] ?? 2000);
const CONCURRENCY = 100;
const TENANTS = 20;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}

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

    backend = await startPlatformBackend({ cluster, dir: dataDir });
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

    // Warm up: the inventory lists and starts its watches on first use.
    await load(200, 10, statusOf);
    await load(200, 10, quotasOf);

    // Background rate of the cluster (controllers, the backend's own watches, this
    // scraper) over an idle window, to subtract from the window under load.
    const idleStart = await apiserverRequests();
    const idleT0 = Date.now();
    await new Promise(r => setTimeout(r, 5000));
    const idleRate =
      ((await apiserverRequests()) - idleStart) / (Date.now() - idleT0);

    const before = await apiserverRequests();
    const ours = await load(REQUESTS, CONCURRENCY, statusOf);
    const during = (await apiserverRequests()) - before;
    const attributable = Math.max(0, during - idleRate * ours.wallMs);

    const baseline = await load(REQUESTS, CONCURRENCY, quotasOf);
    // Where the time goes: the backend's HTTP stack alone, and with the authentication
    // and permission round trip every kaas route makes (a basic permission, no cache).
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

    const row = (label: string, r: { latencies: number[]; wallMs: number }) =>
      `${label.padEnd(44)} ${percentile(r.latencies, 50)
        .toFixed(1)
        .padStart(7)} ${percentile(r.latencies, 99).toFixed(1).padStart(7)} ${(
        (REQUESTS / r.wallMs) *
        1000
      )
        .toFixed(0)
        .padStart(7)}`;
    console.log(
      `\nTenant status API: ${REQUESTS} requests, ${CONCURRENCY} concurrent, over ${TENANTS} tenants, ${
        os.cpus().length
      } cores`,
    );
    console.log(
      `${'ms'.padEnd(44)} ${'p50'.padStart(7)} ${'p99'.padStart(
        7,
      )} ${'req/s'.padStart(7)}`,
    );
    console.log(row('GET /api/kaas/tenants/:tenant (ours)', ours));
    console.log(row('baseline: GET resourcequotas from apiserver', baseline));
    console.log(row('floor: backend health check (no auth)', health));
    console.log(
      row('floor: GET /api/kaas/clusters (auth + permission)', clustersRoute),
    );
    console.log(
      `p99 ratio ours / baseline: ${(
        percentile(ours.latencies, 99) / percentile(baseline.latencies, 99)
      ).toFixed(2)}`,
    );
    console.log(
      `apiserver requests during the load: ${during} (background over the same time: ${(
        idleRate * ours.wallMs
      ).toFixed(0)}), per API request: ${(attributable / REQUESTS).toFixed(3)}`,
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
