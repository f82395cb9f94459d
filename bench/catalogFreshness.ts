/**
 * Benchmark: how soon a new tenant is an entity of the catalog. Against the real backend
 * process (packages/backend: the catalog with the kaas entity provider) on a fresh local
 * control plane: N namespace tenants are created through TenantService one after another,
 * and for each the time from `create` returning to the entity being served by
 * GET /api/catalog/entities/by-name (polled every 50 ms) is measured. Baselines measured in
 * the same run, for the same tenants: the time until a watch in this process sees the
 * namespace (what the backend's inventory sees at best), and until `kubectl get ns` finds
 * it. Also prints the apiserver requests of this process's inventory, which do not grow
 * with N.
 *
 *   scripts/bench.sh freshness [N] [sqlite|postgres]   (default 50, sqlite)
 *
 * KAAS_BENCH_STITCH_POLL_MS sets catalog.stitchingStrategy.pollingInterval (default: the
 * catalog's own, 1 s) to see what the catalog's stitching loop adds.
 *
 * Target: p50 <= 2 s.
 */
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ConfigReader } from '@backstage/config';
import {
  ClusterRegistry,
  DefaultKaasInventory,
  TenantService,
} from '@kaas-platform/plugin-kaas-node';
import {
  backendDatabaseConfig,
  type BackstageBackend,
  buildLocalCluster,
  KUBECTL,
  localClusterEntry,
  REPO_ROOT,
  startLocalCluster,
  startPlatformBackend,
  startPostgres,
  type TestPostgres,
} from '@internal/kaas-test-cluster';
import YAML from 'yaml';
import { percentile } from './benchHelpers';

const execFileAsync = promisify(execFile);
const N = Number(process.argv[2] ?? 50);
const DATABASE = process.argv[3] ?? 'sqlite';
const POLL_MS = 50;
const TIMEOUT_MS = 60_000;

const now = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Polls `check` every POLL_MS from `start` (hrtime ms) until it holds; returns the ms taken. */
async function pollUntil(
  start: number,
  check: () => Promise<boolean>,
  what: string,
): Promise<number> {
  for (;;) {
    if (await check()) return now() - start;
    if (now() - start > TIMEOUT_MS) throw new Error(`${what}: timed out`);
    await sleep(POLL_MS);
  }
}

async function main() {
  await buildLocalCluster();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaas-bench-fresh-'));
  const cluster = await startLocalCluster({ dataDir });
  let postgres: TestPostgres | undefined;
  let backend: BackstageBackend | undefined;
  let inventory: DefaultKaasInventory | undefined;
  try {
    const appConfig = YAML.parse(
      fs.readFileSync(path.join(REPO_ROOT, 'app-config.yaml'), 'utf8'),
    );
    const clusters = [localClusterEntry(cluster)];
    const config = new ConfigReader({ kaas: { ...appConfig.kaas, clusters } });
    const registry = ClusterRegistry.fromConfig(config);
    const tenants = TenantService.fromConfig(config, { clusters: registry });

    const token = crypto.randomBytes(24).toString('base64url');
    if (DATABASE === 'postgres') postgres = await startPostgres();
    backend = await startPlatformBackend({
      cluster,
      dir: dataDir,
      config: {
        backend: {
          auth: {
            externalAccess: [
              { type: 'static', options: { token, subject: 'bench' } },
            ],
          },
          ...(postgres
            ? {
                database: backendDatabaseConfig(postgres),
              }
            : {}),
        },
        ...(process.env.KAAS_BENCH_STITCH_POLL_MS
          ? {
              catalog: {
                stitchingStrategy: {
                  pollingInterval: {
                    milliseconds: Number(process.env.KAAS_BENCH_STITCH_POLL_MS),
                  },
                },
              },
            }
          : {}),
      },
    });
    const inCatalog = async (name: string) => {
      const res = await fetch(
        `${
          backend!.baseUrl
        }/api/catalog/entities/by-name/resource/default/${name}`,
        { headers: { Authorization: `Bearer ${token}` } },
      );
      await res.arrayBuffer();
      return res.status === 200;
    };
    const kubectlSees = async (namespace: string) => {
      try {
        await execFileAsync(KUBECTL, [
          '--kubeconfig',
          cluster.adminKubeconfig,
          'get',
          'ns',
          namespace,
          '-o',
          'name',
        ]);
        return true;
      } catch {
        return false;
      }
    };

    // Baseline: a watch in this process (the inventory the backend runs, run here too).
    inventory = DefaultKaasInventory.fromConfig(config, {
      clusters: registry,
      logger: {
        info() {},
        warn: m => console.warn(m),
        error: m => console.error(m),
        debug() {},
        child() {
          return this;
        },
      },
    });
    await inventory.ready();
    const seenByWatch = new Map<string, number>();
    inventory.subscribe(() => {
      const t = now();
      for (const { name } of inventory!.tenants()) {
        if (!seenByWatch.has(name)) seenByWatch.set(name, t);
      }
    });
    const create = (name: string) =>
      tenants.create(
        tenants.validate({
          name,
          owner: 'group:default/team-a',
          isolation: 'namespace',
          profile: 'small',
        }),
      );

    // Warm up: the catalog has read its locations and the provider its first full sync.
    await create('fresh-warmup');
    await pollUntil(now(), () => inCatalog('fresh-warmup'), 'warm-up entity');
    const requestsBefore = inventory.requestCounts();

    const catalog: number[] = [];
    const watch: number[] = [];
    const kubectl: number[] = [];
    const creates: number[] = [];
    for (let i = 0; i < N; i++) {
      const name = `fresh-${i}`;
      // The catalog works in 1 s polling cycles; starting right after the previous entity
      // appeared would always land at the same point of the cycle.
      await sleep(Math.random() * 1000);
      const started = now();
      await create(name);
      const created = now();
      creates.push(created - started);
      const [catalogMs, kubectlMs] = await Promise.all([
        pollUntil(created, () => inCatalog(name), `entity ${name}`),
        pollUntil(created, () => kubectlSees(`t-${name}`), `namespace ${name}`),
      ]);
      catalog.push(catalogMs);
      kubectl.push(kubectlMs);
      // The namespace is applied first: the watch usually sees it before create() returns.
      watch.push(Math.max(0, (seenByWatch.get(name) ?? created) - created));
    }
    const requestsAfter = inventory.requestCounts();

    const row = (label: string, values: number[]) =>
      `${label.padEnd(52)} ${percentile(values, 50)
        .toFixed(0)
        .padStart(7)} ${percentile(values, 95)
        .toFixed(0)
        .padStart(7)} ${Math.max(...values)
        .toFixed(0)
        .padStart(7)}`;
    console.log(
      `\nCatalog freshness: ${N} namespace tenants created one after another, ${DATABASE}, ${
        os.cpus().length
      } cores`,
    );
    console.log(
      `${'ms from create() returning until ...'.padEnd(52)} ${'p50'.padStart(
        7,
      )} ${'p95'.padStart(7)} ${'max'.padStart(7)}`,
    );
    console.log(row('the entity is served by /api/catalog (ours)', catalog));
    console.log(row('baseline: a watch in this process sees it', watch));
    console.log(
      row('baseline: kubectl get ns finds it (50 ms polls)', kubectl),
    );
    console.log(row('(create() itself took)', creates));
    console.log(
      `inventory apiserver requests for ${N} tenants: ${
        requestsAfter.lists - requestsBefore.lists
      } lists, ${requestsAfter.watches - requestsBefore.watches} watches, ${
        requestsAfter.discovery - requestsBefore.discovery
      } discovery (since its start: ${JSON.stringify(requestsAfter)})`,
    );
  } finally {
    await inventory?.stop();
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
