/**
 * Benchmark: the platform at 1,000 and at 10,000 namespace tenants, each with one
 * PostgreSQL instance, on one local control plane. The objects (each tenant's home
 * namespace and each instance's CloudNativePG Cluster, rendered by TenantService and
 * InstanceService, so they carry exactly the platform's marks) are created straight
 * through the API, not through the scaffolder. At each size, in one run:
 *
 * - the inventory's list-and-watch sync (in this process): time, and RSS and heap added,
 *   against a paged LIST of the same objects by the same process (the floor of any sync);
 * - the entity provider on that inventory: the first full mutation, the cost of changes
 *   that touch no entity (Events in tenant namespaces: CPU of this process over the same
 *   window with and without the provider), and a tenant's description change to delta;
 * - the real backend process on PostgreSQL: the time until the catalog serves every
 *   tenant's and instance's entity, against the catalog of a second backend ingesting
 *   the same entities from a static file location;
 * - the status API (GET /api/kaas/tenants/:tenant) under 100 concurrent requests, against
 *   the backend's health check in the same run, and the Tenants page's API calls for a
 *   user in 50 groups.
 *
 *   scripts/bench.sh scale [N] [SMALL]     (default 10000 and 1000)
 *
 * KAAS_BENCH_SCALE_STATIC=0 skips the static-file baseline (the longest part at 10,000).
 *
 * Targets: sync of 20,000 objects in <= 30 s with <= 300 MB added RSS; status latency
 * flat from SMALL to N.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { ConfigReader } from '@backstage/config';
import type { Entity } from '@backstage/catalog-model';
import {
  instanceEntityType,
  TENANT_ENTITY_TYPE,
  type TenantSummary,
} from '@kaas-platform/plugin-kaas-common';
import {
  ClusterRegistry,
  DefaultKaasInventory,
  InstanceService,
  TenantService,
} from '@kaas-platform/plugin-kaas-node';
import {
  instanceEntity,
  KaasEntityProvider,
  tenantEntity,
} from '@kaas-platform/plugin-catalog-backend-module-kaas';
import {
  backendDatabaseConfig,
  type BackstageBackend,
  buildLocalCluster,
  demoUserToken,
  installCrds,
  localClusterEntry,
  REPO_ROOT,
  startLocalCluster,
  startPlatformBackend,
  startPostgres,
} from '@internal/kaas-test-cluster';
import YAML from 'yaml';
import { percentile, silentLogger } from './benchHelpers';

const LARGE = Number(process.argv[2] ?? 10_000);
const SMALL = Number(process.argv[3] ?? 1_000);
const GROUPS = 100;
/** bench-user is a member of the first 50 of the GROUPS groups. */
const USER_GROUPS = 50;
const CREATE_CONCURRENCY = 32;
const STATUS_REQUESTS = 2000;
const STATUS_CONCURRENCY = 100;
const CATALOG_TIMEOUT_MS = 30 * 60_000;
const CAPABILITY = 'postgresql';
const MARK_PREFIX = 'kaas.internal';
const STATIC_TYPES: [string, string] = ['scale-tenant', 'scale-instance'];

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const memory = () => {
  gc();
  gc();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
};
const now = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);

/**
 * One HTTP(S) request; resolves with the body, rejects unless 2xx (409 allowed with
 * `conflictOk`). A kept-alive connection the server closed meanwhile is retried on a new
 * one (every request here may be sent twice: creates allow 409).
 */
async function request(
  url: string,
  options: Parameters<typeof requestOnce>[1] = {},
): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await requestOnce(url, options);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (attempt >= 3 || (code !== 'ECONNRESET' && code !== 'EPIPE')) {
        throw error;
      }
    }
  }
}

function requestOnce(
  url: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    body?: unknown;
    agent?: http.Agent;
    conflictOk?: boolean;
  } = {},
): Promise<string> {
  const client = url.startsWith('https:') ? https : http;
  const body =
    options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = client.request(
      url,
      {
        method: options.method ?? 'GET',
        agent: options.agent,
        headers: {
          ...options.headers,
          ...(body
            ? {
                'Content-Type':
                  options.method === 'PATCH'
                    ? 'application/merge-patch+json'
                    : 'application/json',
              }
            : {}),
        },
      },
      res => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', chunk => (text += chunk));
        res.on('end', () => {
          const code = res.statusCode ?? 0;
          if (
            (code >= 200 && code < 300) ||
            (options.conflictOk && code === 409)
          ) {
            resolve(text);
          } else {
            reject(new Error(`${url}: ${code} ${text.slice(0, 300)}`));
          }
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs `total` calls of `run`, `concurrency` at a time; returns each call's latency in ms. */
async function load(
  total: number,
  concurrency: number,
  run: (i: number) => Promise<unknown>,
): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = now();
        await run(i);
        latencies[i] = now() - t0;
      }
    }),
  );
  return latencies;
}

function vmRss(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb * 1024;
}

type Row = Record<string, string>;

/** CPU seconds `pid` has used (user + system), from /proc. */
function cpuSeconds(pid: number): number {
  const fields = fs
    .readFileSync(`/proc/${pid}/stat`, 'utf8')
    .split(') ')[1]
    .split(' ');
  // utime and stime are the 14th and 15th fields of the whole line.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Waits until `pid` uses under a quarter of a core over 2 s (at most 5 minutes); returns the ms waited. */
async function untilIdle(pid: number, since: number): Promise<number> {
  for (;;) {
    const before = cpuSeconds(pid);
    await sleep(2000);
    if (cpuSeconds(pid) - before < 0.5 || now() - since > 300_000) {
      return now() - since;
    }
  }
}

async function main() {
  await buildLocalCluster();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaas-bench-scale-'));
  const cluster = await startLocalCluster({ dataDir });
  const postgres = await startPostgres();
  const backends: BackstageBackend[] = [];
  try {
    const appConfig = YAML.parse(
      fs.readFileSync(path.join(REPO_ROOT, 'app-config.yaml'), 'utf8'),
    );
    const config = new ConfigReader({
      kaas: { ...appConfig.kaas, clusters: [localClusterEntry(cluster)] },
    });
    await installCrds(
      cluster,
      ['cloudnative-pg'],
      [{ apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster' }],
    );
    const registry = ClusterRegistry.fromConfig(config);
    const tenants = TenantService.fromConfig(config, { clusters: registry });
    const instances = InstanceService.fromConfig(config, {
      tenants,
      clusters: registry,
    });

    const admin = YAML.parse(fs.readFileSync(cluster.adminKubeconfig, 'utf8'))
      .users[0].user;
    const apiAgent = new https.Agent({
      keepAlive: true,
      maxSockets: CREATE_CONCURRENCY,
      ca: fs.readFileSync(cluster.caFile),
      cert: Buffer.from(admin['client-certificate-data'], 'base64'),
      key: Buffer.from(admin['client-key-data'], 'base64'),
    });
    const api = (
      apiPath: string,
      options: Parameters<typeof request>[1] = {},
    ) => request(`${cluster.url}${apiPath}`, { ...options, agent: apiAgent });

    // The demo organisation plus GROUPS groups, and bench-user in USER_GROUPS of them.
    const orgFile = path.join(dataDir, 'scale-org.yaml');
    fs.writeFileSync(
      orgFile,
      [
        ...Array.from({ length: GROUPS }, (_, g) => ({
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Group',
          metadata: { name: `bench-group-${g}` },
          spec: { type: 'team', children: [] },
        })),
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'User',
          metadata: { name: 'bench-user' },
          spec: {
            memberOf: Array.from(
              { length: USER_GROUPS },
              (_, g) => `bench-group-${g}`,
            ),
          },
        },
      ]
        .map(e => YAML.stringify(e))
        .join('---\n'),
    );

    const tenantRequest = (i: number) =>
      tenants.validate({
        name: `scale-${i}`,
        owner: `group:default/bench-group-${i % GROUPS}`,
        isolation: 'namespace',
        profile: 'small',
      });
    const summaryOf = (i: number): TenantSummary => {
      const request = tenantRequest(i);
      const plan = tenants.render(request);
      return {
        name: request.name,
        namespace: plan.manifests[0].metadata.name,
        cluster: 'local',
        isolation: 'namespace',
        owner: request.owner,
        profile: request.profile,
        createdAt: '',
      };
    };
    const instancePlan = (i: number) =>
      instances.render(
        instances.validate({
          tenant: `scale-${i}`,
          capability: CAPABILITY,
          name: 'db',
          plan: 'small',
        }),
        summaryOf(i),
      );

    let created = 0;
    /** Creates tenants (home namespace) and instances (main object) up to `size`. */
    const createUpTo = async (size: number) => {
      const t0 = now();
      let next = created;
      await Promise.all(
        Array.from({ length: CREATE_CONCURRENCY }, async () => {
          while (next < size) {
            const i = next++;
            const home = tenants.render(tenantRequest(i)).manifests[0];
            await api('/api/v1/namespaces', {
              method: 'POST',
              body: home,
              conflictOk: true,
            });
            const plan = instancePlan(i);
            const main = plan.manifests.find(
              m =>
                m.apiVersion === 'postgresql.cnpg.io/v1' &&
                m.kind === 'Cluster',
            )!;
            await api(
              `/apis/postgresql.cnpg.io/v1/namespaces/${plan.namespace}/clusters`,
              { method: 'POST', body: main, conflictOk: true },
            );
          }
        }),
      );
      const ms = now() - t0;
      console.log(
        `created tenants and instances ${created}..${size - 1}: ${(
          ms / 1000
        ).toFixed(1)} s (${(((size - created) * 2) / (ms / 1000)).toFixed(
          0,
        )} objects/s)`,
      );
      created = size;
    };

    /** The floor of a sync: a paged LIST of the same objects by this process. */
    const pagedList = async (collection: string, selector: string) => {
      let count = 0;
      let token: string | undefined;
      do {
        const page = JSON.parse(
          await api(
            `${collection}?limit=500&labelSelector=${encodeURIComponent(
              selector,
            )}${token ? `&continue=${encodeURIComponent(token)}` : ''}`,
          ),
        );
        count += page.items.length;
        token = page.metadata?.continue || undefined;
      } while (token);
      return count;
    };

    const rows: Row[] = [];
    for (const size of [SMALL, LARGE]) {
      await createUpTo(size);
      const row: Row = { size: String(size) };
      rows.push(row);

      // The floor: list the same objects, as any informer's first list must.
      const listStart = now();
      const listed =
        (await pagedList(
          '/api/v1/namespaces',
          `${MARK_PREFIX}/managed-by=backstage-kaas,${MARK_PREFIX}/isolation`,
        )) +
        (await pagedList(
          '/apis/postgresql.cnpg.io/v1/clusters',
          `${MARK_PREFIX}/managed-by=backstage-kaas,${MARK_PREFIX}/capability`,
        ));
      row['paged LIST of the same objects (ms)'] = (now() - listStart).toFixed(
        0,
      );

      // The inventory's sync, in this process.
      const before = memory();
      const inventory = DefaultKaasInventory.fromConfig(config, {
        clusters: registry,
        logger: silentLogger,
      });
      const syncStart = now();
      await inventory.ready();
      while (!inventory.synced()) await sleep(20);
      row['inventory sync (ms)'] = (now() - syncStart).toFixed(0);
      const after = memory();
      const seen = inventory.tenants().length + inventory.instances().length;
      if (seen < size * 2 || listed < size * 2) {
        throw new Error(
          `expected ${
            size * 2
          } objects; the inventory has ${seen}, the LIST found ${listed}`,
        );
      }
      row['inventory RSS added (MB)'] = mb(after.rss - before.rss);
      row['inventory heap added (MB)'] = mb(after.heapUsed - before.heapUsed);

      // The entity provider on it.
      const mutations: Array<{ type: string; count: number; at: number }> = [];
      const provider = new KaasEntityProvider({
        inventory,
        markPrefix: MARK_PREFIX,
        appBaseUrl: 'http://127.0.0.1:3000',
        logger: silentLogger,
      });
      const connectAt = now();
      await provider.connect({
        applyMutation: async mutation => {
          mutations.push({
            type: mutation.type,
            count:
              mutation.type === 'full'
                ? mutation.entities.length
                : mutation.added.length + mutation.removed.length,
            at: now(),
          });
        },
        refresh: async () => {},
      });
      while (!mutations.some(m => m.type === 'full')) await sleep(10);
      row['provider full mutation (ms)'] = (
        mutations.find(m => m.type === 'full')!.at - connectAt
      ).toFixed(0);

      // Changes that touch no entity: Events in tenant namespaces, 20 a second for 10 s.
      const eventWindow = async () => {
        const cpu = process.cpuUsage();
        const mutationsBefore = mutations.length;
        for (let k = 0; k < 200; k++) {
          const i = Math.floor(Math.random() * size);
          const namespace = summaryOf(i).namespace;
          await api(`/api/v1/namespaces/${namespace}/events`, {
            method: 'POST',
            body: {
              metadata: { generateName: 'scale-' },
              involvedObject: { kind: 'ConfigMap', namespace, name: 'bench' },
              reason: 'Bench',
              message: 'an event in a tenant namespace',
              type: 'Normal',
            },
          });
          await sleep(50);
        }
        await sleep(500);
        const used = process.cpuUsage(cpu);
        return {
          cpuMs: (used.user + used.system) / 1000,
          mutations: mutations.length - mutationsBefore,
        };
      };
      const withProvider = await eventWindow();
      row['200 Events: CPU with provider (ms)'] = withProvider.cpuMs.toFixed(0);
      row['200 Events: catalog mutations'] = String(withProvider.mutations);

      // One tenant's description changes: the provider's delta.
      const target = summaryOf(Math.floor(size / 2));
      const deltasBefore = mutations.length;
      const patchAt = now();
      await api(`/api/v1/namespaces/${target.namespace}`, {
        method: 'PATCH',
        body: {
          metadata: {
            annotations: {
              [`${MARK_PREFIX}/description`]: `changed at ${Date.now()}`,
            },
          },
        },
      });
      while (mutations.length === deltasBefore) await sleep(5);
      row['description change -> delta (ms)'] = (
        mutations[deltasBefore].at - patchAt
      ).toFixed(0);
      row['description change: entities in delta'] = String(
        mutations[deltasBefore].count,
      );

      provider.stop();
      const withoutProvider = await eventWindow();
      row['200 Events: CPU without provider (ms)'] =
        withoutProvider.cpuMs.toFixed(0);
      await inventory.stop();

      // The catalog of the real backend on PostgreSQL, and the same entities from a file.
      const token = crypto.randomBytes(24).toString('base64url');
      const backendConfig = (prefix: string, extra: object = {}) => ({
        backend: {
          auth: {
            externalAccess: [
              { type: 'static', options: { token, subject: 'bench' } },
            ],
          },
          database: { ...backendDatabaseConfig(postgres), prefix },
        },
        ...extra,
      });
      const orgLocation = {
        type: 'file',
        target: orgFile,
        rules: [{ allow: ['User', 'Group'] }],
      };
      const served = async (backend: BackstageBackend, type: string) => {
        const body = JSON.parse(
          await request(
            `${
              backend.baseUrl
            }/api/catalog/entities/by-query?filter=${encodeURIComponent(
              `kind=resource,spec.type=${type}`,
            )}&limit=1`,
            { headers: { Authorization: `Bearer ${token}` } },
          ),
        );
        return body.totalItems as number;
      };
      const untilServed = async (
        backend: BackstageBackend,
        startedAt: number,
        types: [string, string],
      ) => {
        for (;;) {
          const [t, i] = await Promise.all(
            types.map(type => served(backend, type)),
          );
          if (t >= size && i >= size) return now() - startedAt;
          if (now() - startedAt > CATALOG_TIMEOUT_MS) {
            throw new Error(
              `catalog of ${size}: ${t} tenants and ${i} instances after ${CATALOG_TIMEOUT_MS} ms`,
            );
          }
          await sleep(500);
        }
      };

      // Baseline: a backend whose kaas marks match nothing, reading the same entities
      // (as our provider makes them) from a static file location. Under types of their
      // own: the catalog refuses tenant and instance entities from anywhere but the
      // clusters.
      const staticFile = path.join(dataDir, `scale-static-${size}.yaml`);
      const entityOptions = {
        markPrefix: MARK_PREFIX,
        appBaseUrl: 'http://127.0.0.1:3000',
      };
      const asStatic = (entity: Entity, type: string): Entity => {
        const {
          'backstage.io/managed-by-location': _l,
          'backstage.io/managed-by-origin-location': _o,
          ...annotations
        } = entity.metadata.annotations ?? {};
        return {
          ...entity,
          metadata: { ...entity.metadata, annotations },
          spec: { ...entity.spec, type },
        };
      };
      const staticOut = fs.createWriteStream(staticFile);
      for (let i = 0; i < size; i++) {
        const summary = summaryOf(i);
        const plan = instancePlan(i);
        staticOut.write(
          `---\n${YAML.stringify(
            asStatic(tenantEntity(summary, entityOptions), STATIC_TYPES[0]),
          )}---\n${YAML.stringify(
            asStatic(
              instanceEntity(
                {
                  tenant: summary.name,
                  name: plan.name,
                  capability: CAPABILITY,
                  plan: plan.plan,
                  owner: summary.owner,
                  cluster: 'local',
                  namespace: plan.namespace,
                  parameters: {},
                  createdAt: '',
                },
                entityOptions,
              )!,
              STATIC_TYPES[1],
            ),
          )}`,
        );
      }
      await new Promise(resolve => staticOut.end(resolve));

      const staticStart = now();
      if (process.env.KAAS_BENCH_SCALE_STATIC === '0') {
        row['catalog complete, static file (s)'] = 'skipped';
      } else {
        const staticBackend = await startPlatformBackend({
          cluster,
          dir: dataDir,
          config: backendConfig(`scale${size}_static_`, {
            kaas: { tenants: { markPrefix: 'scale-baseline.internal' } },
            catalog: {
              locations: [
                ...appConfig.catalog.locations,
                orgLocation,
                {
                  type: 'file',
                  target: staticFile,
                  rules: [{ allow: ['Resource'] }],
                },
              ],
            },
          }),
        });
        backends.push(staticBackend);
        row['catalog complete, static file (s)'] = (
          (await untilServed(staticBackend, staticStart, STATIC_TYPES)) / 1000
        ).toFixed(1);
        await staticBackend.stop();
      }

      const oursStart = now();
      const backend = await startPlatformBackend({
        cluster,
        dir: dataDir,
        ...(process.env.KAAS_BENCH_TRACE_GC === '1'
          ? {
              env: {
                NODE_OPTIONS: `--require ${path.join(
                  REPO_ROOT,
                  'bench/gcPauseReporter.cjs',
                )}`,
              },
            }
          : {}),
        config: backendConfig(`scale${size}_ours_`, {
          catalog: {
            locations: [...appConfig.catalog.locations, orgLocation],
          },
        }),
      });
      backends.push(backend);
      row['catalog complete, kaas provider (s)'] = (
        (await untilServed(backend, oursStart, [
          TENANT_ENTITY_TYPE,
          instanceEntityType(CAPABILITY),
        ])) / 1000
      ).toFixed(1);
      row['catalog ratio kaas / static'] = (
        Number(row['catalog complete, kaas provider (s)']) /
        Number(row['catalog complete, static file (s)'])
      ).toFixed(2);
      if (row['catalog ratio kaas / static'] === 'NaN') {
        row['catalog ratio kaas / static'] = 'skipped';
      }
      // The catalog goes on stitching (groups gain ownerOf relations) after it serves
      // every entity: measure the status API once the backend is idle again, as a
      // platform is between bursts of new tenants.
      const idleStart = now();
      row['backend busy after the catalog completed (s)'] = (
        (await untilIdle(backend.pid, idleStart)) / 1000
      ).toFixed(1);
      row['backend RSS (MB)'] = mb(vmRss(backend.pid));

      // The status API as bench-user, over the tenants of their groups.
      const userToken = await demoUserToken(backend, 'bench-user');
      const headers = { Authorization: `Bearer ${userToken}` };
      const agent = new http.Agent({
        keepAlive: true,
        maxSockets: STATUS_CONCURRENCY,
      });
      const own = Array.from({ length: size }, (_, i) => i).filter(
        i => i % GROUPS < USER_GROUPS,
      );
      const status = () =>
        request(
          `${backend.baseUrl}/api/kaas/tenants/scale-${
            own[Math.floor(Math.random() * own.length)]
          }`,
          { headers, agent },
        );
      const health = () =>
        request(`${backend.baseUrl}/.backstage/health/v1/readiness`, { agent });
      // Warm, with the 100 connections the load uses open (KAAS_BENCH_WARM_CONCURRENCY=10
      // leaves 90 to be opened by the measured burst: its p99 tail).
      await load(
        300,
        Number(process.env.KAAS_BENCH_WARM_CONCURRENCY ?? STATUS_CONCURRENCY),
        status,
      );
      await load(300, 10, health);
      const outputBefore = backend.output().length;
      const statusLatencies = await load(
        STATUS_REQUESTS,
        STATUS_CONCURRENCY,
        status,
      );
      if (process.env.KAAS_BENCH_TRACE_GC === '1') {
        // The preload's lines: `kaas-bench-gc <kind> <ms> <heapUsedMB>`.
        const pauses = backend
          .output()
          .slice(outputBefore)
          .split('\n')
          .filter(line => line.startsWith('kaas-bench-gc '))
          .map(line => {
            const [, kind, ms, heap] = line.split(' ');
            return { kind, ms: Number(ms), heap };
          });
        const longest = [...pauses].sort((a, b) => b.ms - a.ms).slice(0, 5);
        console.log(
          `GC pauses of 10 ms or more during the status load at ${size}: ${
            pauses.length
          }, total ${pauses
            .reduce((sum, p) => sum + p.ms, 0)
            .toFixed(0)} ms, longest: ${longest
            .map(p => `${p.kind} ${p.ms} ms (heap ${p.heap} MB)`)
            .join('; ')}`,
        );
      }
      const healthLatencies = await load(
        STATUS_REQUESTS,
        STATUS_CONCURRENCY,
        health,
      );
      // Where the tail is: the requests over 1 s, by when they were sent.
      const slow = statusLatencies
        .map((ms, i) => ({ ms, i }))
        .filter(r => r.ms > 1000);
      console.log(
        `status API at ${size}: p90 ${percentile(statusLatencies, 90).toFixed(
          0,
        )} ms, p95 ${percentile(statusLatencies, 95).toFixed(0)} ms, ${
          slow.length
        } over 1 s, sent as number ${slow
          .slice(0, 5)
          .map(r => r.i)
          .join(', ')}${slow.length > 5 ? ', ...' : ''}`,
      );
      row['status API p50 (ms)'] = percentile(statusLatencies, 50).toFixed(1);
      row['status API p99 (ms)'] = percentile(statusLatencies, 99).toFixed(1);
      row['health check p50 (ms)'] = percentile(healthLatencies, 50).toFixed(1);
      row['health check p99 (ms)'] = percentile(healthLatencies, 99).toFixed(1);

      // The Tenants page's calls for a developer, one at a time (the operator health
      // card is for platform admins).
      let mineItems = 0;
      let mineBytes = 0;
      for (const [label, route] of [
        ['GET /tenants?mine=true', '/tenants?mine=true'],
        ['GET /capabilities', '/capabilities'],
      ]) {
        const latencies = await load(30, 1, async () => {
          const body = await request(`${backend.baseUrl}/api/kaas${route}`, {
            headers,
            agent,
          });
          if (route.includes('mine')) {
            mineBytes = body.length;
            mineItems = JSON.parse(body).items.length;
          }
        });
        row[`Tenants page: ${label} p50 (ms)`] = percentile(
          latencies,
          50,
        ).toFixed(1);
      }
      row['Tenants page: tenants of the user (items, KB)'] = `${mineItems}, ${(
        mineBytes / 1024
      ).toFixed(0)}`;
      agent.destroy();
      await backend.stop();
      console.log(`figures at ${size}: ${JSON.stringify(row, null, 1)}`);
    }

    const labels = Object.keys(rows[0]).filter(k => k !== 'size');
    const width = Math.max(...labels.map(l => l.length)) + 2;
    console.log(
      `\nScale: namespace tenants with one ${CAPABILITY} instance each, ${
        os.cpus().length
      } cores, one local control plane, PostgreSQL`,
    );
    console.log(
      `${'tenants (and as many instances)'.padEnd(width)}${rows
        .map(r => r.size.padStart(12))
        .join('')}${'growth'.padStart(10)}`,
    );
    for (const label of labels) {
      const [a, b] = rows.map(r => r[label]);
      const growth =
        Number(a) > 0 && Number.isFinite(Number(b))
          ? `${(Number(b) / Number(a)).toFixed(2)}x`
          : '';
      console.log(
        `${label.padEnd(width)}${rows
          .map(r => r[label].padStart(12))
          .join('')}${growth.padStart(10)}`,
      );
    }
  } finally {
    for (const backend of backends) await backend.stop().catch(() => {});
    await postgres.stop();
    await cluster.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
