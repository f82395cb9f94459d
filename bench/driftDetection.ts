/**
 * Benchmark: drift detection by the inventory, on a fresh local control plane.
 *
 *   scripts/bench.sh drift [N] [K]    (default N = 300 tenants, K = 30 hand edits)
 *
 * N namespace tenants are applied with `kubectl apply --server-side` (the platform's
 * field manager, the objects TenantService renders), then the inventory lists and
 * watches them. Prints:
 * - heap per tenant the inventory holds after its sync (after a full GC), and the share
 *   of it that is the policy objects kept to tell drift (v8-serialised size);
 * - latency from a hand edit (a server-side apply by another field manager raising
 *   a quota) to the tenant's Drifted condition, against a plain watch of ResourceQuotas
 *   opened by the benchmark itself seeing the same edit (the floor), as a ratio;
 * - the cost of judging drift: `tenantStatus()` per call, the first read after a change
 *   (drift judged) and the next ones (kept until the tenant's namespace changes).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import { ConfigReader } from '@backstage/config';
import {
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  Watch,
} from '@kubernetes/client-node';
import {
  ClusterRegistry,
  DefaultKaasInventory,
  TenantService,
} from '@kaas-platform/plugin-kaas-node';
import {
  buildLocalCluster,
  KUBECTL,
  REPO_ROOT,
  startLocalCluster,
} from '@internal/kaas-test-cluster';
import YAML from 'yaml';
import { silentLogger } from './benchHelpers';

const execFileAsync = promisify(execFile);
const N = Number(process.argv[2] ?? 300);
const K = Number(process.argv[3] ?? 30);

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const heapUsed = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
};

async function main() {
  await buildLocalCluster();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaas-bench-drift-'));
  const cluster = await startLocalCluster({ dataDir });
  try {
    const appConfig = YAML.parse(
      fs.readFileSync(path.join(REPO_ROOT, 'app-config.yaml'), 'utf8'),
    );
    const config = new ConfigReader({
      kaas: {
        ...appConfig.kaas,
        clusters: [
          {
            name: 'bench',
            url: cluster.url,
            caFile: cluster.caFile,
            roles: ['tenants', 'management', 'xaas'],
            auth: { type: 'tokenFile', tokenFile: cluster.backendTokenFile },
          },
        ],
      },
    });
    const clusters = ClusterRegistry.fromConfig(config);
    const tenants = TenantService.fromConfig(config, { clusters });
    const names = Array.from({ length: N }, (_, i) => `drift-${i}`);
    const manifestDir = path.join(dataDir, 'manifests');
    fs.mkdirSync(manifestDir);
    let objectsPerTenant = 0;
    for (const name of names) {
      const plan = tenants.render(
        tenants.validate({
          name,
          owner: 'group:default/team-a',
          isolation: 'namespace',
          profile: 'small',
          cluster: 'bench',
        }),
      );
      objectsPerTenant = plan.manifests.length;
      fs.writeFileSync(
        path.join(manifestDir, `${name}.yaml`),
        plan.manifests.map(m => YAML.stringify(m)).join('---\n'),
      );
    }
    const applyStart = Date.now();
    await execFileAsync(
      KUBECTL,
      [
        '--kubeconfig',
        cluster.backendKubeconfig,
        'apply',
        '--server-side',
        `--field-manager=${tenants.policy.settings.fieldManager}`,
        '-f',
        manifestDir,
      ],
      { maxBuffer: 256 * 1024 * 1024 },
    );
    const applyMs = Date.now() - applyStart;

    const before = heapUsed();
    const inventory = DefaultKaasInventory.fromConfig(config, {
      clusters,
      logger: silentLogger,
    });
    const syncStart = Date.now();
    await inventory.ready();
    while (!inventory.synced()) await new Promise(r => setTimeout(r, 50));
    const syncMs = Date.now() - syncStart;
    const after = heapUsed();

    // What the drift check keeps: the live policy objects of each tenant.
    const watches = (inventory as any).watches as any[];
    let liveBytes = 0;
    for (const w of watches) {
      for (const kindWatch of w.watches()) {
        for (const projection of kindWatch.all() as any[]) {
          const live =
            projection?.live ?? (projection?.body ? projection : undefined);
          if (live) liveBytes += v8.serialize(live).length;
        }
      }
    }

    // Tenants younger than the inventory's 15 s grace are judged on every read.
    await new Promise(r => setTimeout(r, 16_000));
    const statusRound = () => {
      const start = process.hrtime.bigint();
      let asRendered = 0;
      for (const name of names) {
        if (inventory.tenantStatus(name)?.drift.status === 'False') {
          asRendered += 1;
        }
      }
      return {
        us: Number(process.hrtime.bigint() - start) / 1e3 / N,
        asRendered,
      };
    };
    const judging = statusRound();
    const kept = [statusRound(), statusRound(), statusRound()];
    const judged = judging.asRendered;
    const statusCalls = N;
    const statusUs = kept.reduce((sum, r) => sum + r.us, 0) / kept.length;

    // Hand edits: the benchmark's own watch of ResourceQuotas is the floor.
    const admin = new KubeConfig();
    admin.loadFromFile(cluster.adminKubeconfig);
    const objects = KubernetesObjectApi.makeApiClient(admin);
    const seenByWatch = new Map<string, number>();
    const watch = await new Watch(admin).watch(
      '/api/v1/resourcequotas',
      {},
      (_type, object: any) => {
        if (object?.spec?.hard?.pods === '999') {
          seenByWatch.set(object.metadata.namespace, Date.now());
        }
      },
      () => {},
    );
    await new Promise(r => setTimeout(r, 500));
    const toDrift: number[] = [];
    const toWatch: number[] = [];
    for (const name of names.slice(0, K)) {
      const namespace = `t-${name}`;
      const editedAt = Date.now();
      await objects.patch(
        {
          apiVersion: 'v1',
          kind: 'ResourceQuota',
          metadata: { name: 'tenant-quota', namespace },
          spec: { hard: { pods: '999' } },
        },
        undefined,
        undefined,
        'hand-edit',
        true,
        PatchStrategy.ServerSideApply,
      );
      while (inventory.tenantStatus(name)?.drift.status !== 'True') {
        await new Promise(r => setImmediate(r));
      }
      toDrift.push(Date.now() - editedAt);
      while (!seenByWatch.has(namespace)) {
        await new Promise(r => setTimeout(r, 1));
      }
      toWatch.push(seenByWatch.get(namespace)! - editedAt);
    }
    watch.abort();
    await inventory.stop();

    const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
    console.log(
      `\nDrift detection: ${N} namespace tenants (profile small, ${objectsPerTenant} objects each), ${
        os.cpus().length
      } cores`,
    );
    console.log(
      `kubectl apply --server-side of all ${N}: ${applyMs} ms; inventory list+watch sync: ${syncMs} ms; ${judged}/${statusCalls} judged as rendered`,
    );
    console.log(
      `inventory heap after sync: ${mb(after - before)} MB, ${(
        (after - before) /
        N /
        1024
      ).toFixed(
        1,
      )} KiB per tenant; of it the live policy objects kept for drift: ${(
        liveBytes /
        N /
        1024
      ).toFixed(1)} KiB per tenant (serialised)`,
    );
    console.log(
      `tenantStatus(): ${judging.us.toFixed(
        0,
      )} µs per call when the drift is judged (first read after a change), ${statusUs.toFixed(
        0,
      )} µs when it is kept`,
    );
    console.log(
      `hand edit -> Drifted (${K} edits): p50 ${percentile(
        toDrift,
        50,
      )} ms, p95 ${percentile(
        toDrift,
        95,
      )} ms; own watch sees the edit: p50 ${percentile(
        toWatch,
        50,
      )} ms, p95 ${percentile(toWatch, 95)} ms; ratio p50 ${(
        percentile(toDrift, 50) / Math.max(1, percentile(toWatch, 50))
      ).toFixed(2)}`,
    );
  } finally {
    await cluster.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
