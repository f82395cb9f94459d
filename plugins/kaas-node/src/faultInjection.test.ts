import { ConfigReader } from '@backstage/config';
import {
  KubernetesObjectApi,
  type KubernetesObject,
} from '@kubernetes/client-node';
import {
  FAULT_MODES,
  VCLUSTER_KINDS,
  adminKubeConfig,
  adminKubectl,
  installCrds,
  repoKaasConfigData,
  startFaultProxy,
  testCluster,
  type FaultMode,
  type FaultProxy,
} from '@internal/kaas-test-cluster';
import { ClusterRegistry } from './clusters/ClusterRegistry';
import { InstanceService } from './instances/InstanceService';
import { TenantService } from './tenants/TenantService';

/**
 * Every request of each write operation fails once, in each way an API server or the
 * network can fail it (see FaultMode), through a TLS proxy in front of the local control
 * plane. The run must complete or fail with a clear error; a plain re-run must then
 * converge to exactly what one clean run makes, with nothing unmarked or foreign left.
 */

const OWNER = 'group:default/team-a';
const MARK = 'kaas.internal';
/** Objects the control plane makes in every namespace by itself. */
const NOT_OURS = new Set([
  'ServiceAccount/default',
  'ConfigMap/kube-root-ca.crt',
]);
/** Above this many requests, 500 and 429 are tried at every `STATUS_STEP`-th k only. */
const SAMPLE_ABOVE = 20;
const STATUS_STEP = 3;

const configs = new Map<string, ConfigReader>();

/**
 * Fresh services (a new cluster registry: no discovery cached, new connections) on the
 * API server or proxy at `url`, as a backend that just started has them.
 */
function services(url: string) {
  let config = configs.get(url);
  if (!config) {
    config = new ConfigReader(repoKaasConfigData({ ...testCluster(), url }));
    configs.set(url, config);
  }
  const clusters = ClusterRegistry.fromConfig(config);
  const tenants = TenantService.fromConfig(config, { clusters });
  const instances = InstanceService.fromConfig(config, { tenants, clusters });
  return { tenants, instances };
}
type Services = ReturnType<typeof services>;

interface Operation {
  id: string;
  /** What the operation needs first, made directly (not through the proxy). */
  arrange?(direct: Services, tenant: string): Promise<unknown>;
  run(via: Services, tenant: string): Promise<unknown>;
}

const tenantRequest = (name: string, isolation: string) => ({
  name,
  owner: 'team-a',
  isolation,
  profile: 'small',
});
const instanceRequest = (tenant: string, name = 'db') => ({
  tenant,
  capability: 'postgresql',
  name,
  plan: 'small',
});

const OPERATIONS: Operation[] = [
  {
    id: 'namespace tenant create',
    run: (via, t) =>
      via.tenants.create(via.tenants.validate(tenantRequest(t, 'namespace'))),
  },
  {
    id: 'vcluster tenant create',
    run: (via, t) =>
      via.tenants.create(via.tenants.validate(tenantRequest(t, 'vcluster'))),
  },
  {
    id: 'instance create',
    arrange: (direct, t) =>
      direct.tenants.create(
        direct.tenants.validate(tenantRequest(t, 'namespace')),
      ),
    run: (via, t) =>
      via.instances.create(via.instances.validate(instanceRequest(t))),
  },
  {
    id: 'tenant delete with instances',
    arrange: async (direct, t) => {
      await direct.tenants.create(
        direct.tenants.validate(tenantRequest(t, 'namespace')),
      );
      for (const name of ['db', 'db2']) {
        await direct.instances.create(
          direct.instances.validate(instanceRequest(t, name)),
        );
      }
    },
    run: async (via, t) => {
      try {
        return await via.tenants.delete(t, { deleteInstances: true });
      } catch (error) {
        // A re-run after a delete that went through: the tenant is gone already.
        if ((error as Error).name === 'NotFoundError') return 'gone';
        throw error;
      }
    },
  },
];

/** Whether a failure says what failed, in words (no stack, no raw client dump). */
function clarityProblem(error: unknown, tenant: string): string | undefined {
  const message = error instanceof Error ? error.message : String(error);
  if (!message.trim()) return 'empty message';
  if (message.includes('[object Object]')) return '[object Object]';
  if (/\n\s+at /.test(message)) return 'stack trace';
  if (message.includes('HTTP-Code:')) return "client-node's raw exception";
  if (!message.includes(tenant) && !message.includes("'local'")) {
    return 'names neither the tenant nor the cluster';
  }
  return undefined;
}

describe('write operations against the local control plane through a fault-injecting proxy (cut before / after the API server acts, 500, 429 at the k-th request)', () => {
  const admin = KubernetesObjectApi.makeApiClient(adminKubeConfig());
  const proxies: FaultProxy[] = [];
  const direct = () => services(testCluster().url);
  let kinds: Array<{ apiVersion: string; kind: string }> = [];
  const made: string[] = [];
  let serial = 0;
  const nextTenant = (op: number) =>
    `f${op}-${Date.now().toString(36).slice(-4)}${(serial++).toString(36)}`;

  // Concurrent tests may start before a beforeAll has finished: each awaits this.
  let prepared: Promise<void> | undefined;
  const prepare = () =>
    (prepared ??= (async () => {
      await installCrds(
        testCluster(),
        ['cloudnative-pg', 'cluster-api', 'cluster-api-provider-vcluster'],
        [
          { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster' },
          ...VCLUSTER_KINDS,
        ],
      );
      const listed = await adminKubectl(
        testCluster(),
        'api-resources',
        '--verbs=list',
        '--namespaced',
        '--no-headers',
      );
      kinds = listed
        .trim()
        .split('\n')
        .map(line => line.trim().split(/\s+/))
        .map(cols => ({
          apiVersion: cols[cols.length - 3],
          kind: cols[cols.length - 1],
        }))
        .filter(k => !['Event', 'Lease', 'EndpointSlice'].includes(k.kind));
    })());

  afterAll(async () => {
    await Promise.all(proxies.map(p => p.close()));
    // Left for the namespace controller; nothing waits for it.
    const names = made.flatMap(t => [`t-${t}`, `t-${t}-xaas`]);
    await Promise.all(
      Array.from({ length: Math.ceil(names.length / 200) }, (_, i) =>
        adminKubectl(
          testCluster(),
          'delete',
          'namespace',
          '--wait=false',
          '--ignore-not-found',
          ...names.slice(i * 200, (i + 1) * 200),
        ).catch(() => undefined),
      ),
    );
  }, 180_000);

  /**
   * The tenant's objects, normalised (tenant name replaced, server-set fields dropped):
   * every object in its live namespaces, and a line per object that is not marked for
   * the tenant and owner.
   */
  async function snapshot(
    tenant: string,
    only?: ReadonlySet<string>,
  ): Promise<{ objects: string[]; unmarked: string[]; kinds: Set<string> }> {
    const objects: string[] = [];
    const seenKinds = new Set<string>();
    const unmarked: string[] = [];
    for (const namespace of [`t-${tenant}`, `t-${tenant}-xaas`]) {
      let ns: KubernetesObject;
      try {
        ns = await admin.read({
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: namespace },
        });
      } catch {
        continue;
      }
      if (ns.metadata?.deletionTimestamp) continue;
      const lists = await Promise.all(
        kinds
          .filter(k => !only || only.has(`${k.apiVersion}/${k.kind}`))
          .map(k =>
            admin.list(k.apiVersion, k.kind, namespace).then(
              l =>
                l.items.map(i => ({
                  ...i,
                  apiVersion: k.apiVersion,
                  kind: k.kind,
                })),
              () => [],
            ),
          ),
      );
      for (const object of [ns, ...lists.flat()]) {
        const id = `${object.kind}/${object.metadata?.name}`;
        if (NOT_OURS.has(id)) continue;
        seenKinds.add(`${object.apiVersion}/${object.kind}`);
        const labels = object.metadata?.labels ?? {};
        const owner = object.metadata?.annotations?.[`${MARK}/owner`];
        if (
          labels[`${MARK}/managed-by`] !== 'backstage-kaas' ||
          labels[`${MARK}/tenant`] !== tenant ||
          (owner !== undefined && owner !== OWNER)
        ) {
          unmarked.push(`${object.kind} ${namespace}/${object.metadata?.name}`);
        }
        const {
          uid: _u,
          resourceVersion: _r,
          creationTimestamp: _c,
          managedFields: _m,
          generation: _g,
          ...metadata
        } = object.metadata ?? {};
        const { status: _s, ...rest } = object as KubernetesObject & {
          status?: unknown;
        };
        objects.push(
          JSON.stringify({ ...rest, metadata })
            .split(tenant)
            .join('TENANT'),
        );
      }
    }
    return { objects: objects.sort(), unmarked, kinds: seenKinds };
  }

  /** A re-run without fault; waits out "being deleted" (what the message asks). */
  async function rerun(
    op: Operation,
    proxy: FaultProxy,
    tenant: string,
  ): Promise<string> {
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      proxy.reset();
      try {
        await op.run(services(proxy.url), tenant);
        return attempt > 1
          ? `re-run converged after waiting ${Math.round(
              (Date.now() - started) / 1000,
            )} s for a namespace being deleted`
          : '';
      } catch (error) {
        const message = (error as Error).message;
        if (
          !/is being deleted/.test(message) ||
          Date.now() - started > 60_000
        ) {
          return `re-run failed: ${message}`;
        }
        await new Promise(r => setTimeout(r, 500));
      }
    }
  }

  const tables = new Map<string, string[]>();
  const problems: string[] = [];
  const totals = new Map<string, number>();

  // One proxy per operation, so the operations run side by side.
  it.concurrent.each(OPERATIONS.map((op, i) => [op.id, i] as const))(
    '%s: completes or fails clearly at every k, and a re-run converges to a clean run',
    async (_id, index) => {
      const op = OPERATIONS[index];
      await prepare();
      const proxy = await startFaultProxy({
        target: testCluster().url,
        caFile: testCluster().caFile,
      });
      proxies.push(proxy);
      const via = () => services(proxy.url);
      const reference = nextTenant(index);
      made.push(reference);
      await op.arrange?.(direct(), reference);
      const arranged = await snapshot(reference);
      proxy.reset();
      await op.run(via(), reference);
      const n = proxy.count;
      const requests = [...proxy.log];
      const expected = await snapshot(reference);
      expect(expected.unmarked).toEqual([]);
      // The operation writes no other kinds than these: later listings need no others.
      const opKinds = new Set([...arranged.kinds, ...expected.kinds]);
      const found: string[] = [];
      const spent = { arrange: 0, run: 0, rerun: 0, check: 0 };
      const timed = async <T>(
        phase: keyof typeof spent,
        f: () => Promise<T>,
      ) => {
        const started = Date.now();
        try {
          return await f();
        } finally {
          spent[phase] += Date.now() - started;
        }
      };
      const step = n > SAMPLE_ABOVE ? STATUS_STEP : 1;
      const table: string[] = [];
      tables.set(op.id, table);
      table.push(
        `\n${op.id}: ${n} requests${
          step > 1
            ? ` (500 and 429 at k = 1, ${1 + step}, ${1 + 2 * step}, … only)`
            : ''
        }`,
        ...requests.map((r, i) => `  ${i + 1}. ${r}`),
      );

      for (let k = 1; k <= n; k++) {
        for (const mode of FAULT_MODES) {
          const sampled = mode.startsWith('cut') || (k - 1) % step === 0;
          if (!sampled) continue;
          const tenant = nextTenant(index);
          made.push(tenant);
          await timed('arrange', async () => op.arrange?.(direct(), tenant));
          proxy.failAt(k, mode as FaultMode);
          let outcome: string;
          const runStarted = Date.now();
          try {
            await op.run(via(), tenant);
            outcome = 'completed';
          } catch (error) {
            const unclear = clarityProblem(error, tenant);
            outcome = unclear ? 'unclear error' : 'clear error';
            if (unclear) {
              found.push(
                `${op.id} k=${k} ${mode}: ${unclear}: ${String(
                  (error as Error).message,
                ).slice(0, 300)}`,
              );
            } else {
              outcome += `: ${(error as Error).message.slice(0, 240)}`;
            }
          }
          spent.run += Date.now() - runStarted;
          const note = await timed('rerun', () => rerun(op, proxy, tenant));
          const got = await timed('check', () => snapshot(tenant, opKinds));
          if (note.startsWith('re-run failed')) {
            found.push(`${op.id} k=${k} ${mode}: ${note}`);
          } else if (
            JSON.stringify(got.objects) !== JSON.stringify(expected.objects)
          ) {
            found.push(
              `${
                op.id
              } k=${k} ${mode}: after the re-run the objects differ from a clean run's: ${JSON.stringify(
                {
                  missing: expected.objects.filter(
                    o => !got.objects.includes(o),
                  ),
                  extra: got.objects.filter(o => !expected.objects.includes(o)),
                },
              ).slice(0, 1500)}`,
            );
          }
          if (got.unmarked.length) {
            found.push(
              `${
                op.id
              } k=${k} ${mode}: unmarked or foreign: ${got.unmarked.join(
                ', ',
              )}`,
            );
          }
          const key = `${op.id} | ${mode} | ${outcome.split(':')[0]}`;
          totals.set(key, (totals.get(key) ?? 0) + 1);
          table.push(
            `  k=${String(k).padStart(2)} ${mode.padEnd(10)} ${outcome}${
              note ? ` (${note.slice(0, 200)})` : ''
            }`,
          );
        }
      }
      table.push(
        `  time spent (ms): ${Object.entries(spent)
          .map(([phase, ms]) => `${phase} ${ms}`)
          .join(', ')}`,
      );
      problems.push(...found);
      expect(found).toEqual([]);
    },
    // About 6 min for the vcluster create on a loaded 2-core machine; room for slower ones.
    900_000,
  );

  afterAll(() => {
    const summary = [...totals.entries()]
      .sort()
      .map(([key, count]) => `  ${key}: ${count}`);
    const table = OPERATIONS.flatMap(op => tables.get(op.id) ?? []);
    process.stdout.write(
      `\nFault injection (k = the request that failed):\n${table.join(
        '\n',
      )}\n\nSummary (operation | fault | outcome: number of k):\n${summary.join(
        '\n',
      )}\n${problems.length ? `\nProblems:\n${problems.join('\n')}\n` : ''}`,
    );
  });
});
