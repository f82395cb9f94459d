/**
 * Benchmark: provisioning namespace tenants through kaas-node's TenantService against
 * `kubectl apply --server-side` of the very same rendered manifests, in the same run,
 * on a fresh local control plane, with the same (backend) credential.
 *
 *   scripts/bench.sh tenants [N]      (default N = 20)
 *
 * Prints time per tenant for sequential and concurrent provisioning and the ratio
 * ours / kubectl (lower is better; the target is <= 1.1).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ConfigReader } from '@backstage/config';
import {
  ClusterRegistry,
  TenantService,
} from '@kaas-platform/plugin-kaas-node';
import {
  buildLocalCluster,
  KUBECTL,
  REPO_ROOT,
  startLocalCluster,
} from '@internal/kaas-test-cluster';
import YAML from 'yaml';

const execFileAsync = promisify(execFile);

const N = Number(process.argv[2] ?? 20);
const CONCURRENCY = 8;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function inBatches<T>(
  items: T[],
  size: number,
  run: (item: T) => Promise<unknown>,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) {
        const item = items[next++];
        await run(item);
      }
    }),
  );
}

async function main() {
  await buildLocalCluster();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaas-bench-'));
  const cluster = await startLocalCluster({ dataDir });
  try {
    // The platform policy of the local default (app-config.yaml), on this cluster.
    const appConfig = YAML.parse(
      fs.readFileSync(path.join(REPO_ROOT, 'app-config.yaml'), 'utf8'),
    );
    const kaas = {
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
    };
    const config = new ConfigReader({ kaas });
    const tenants = TenantService.fromConfig(config, {
      clusters: ClusterRegistry.fromConfig(config),
    });
    const request = (name: string) => ({
      name,
      owner: 'group:default/team-a',
      isolation: 'namespace' as const,
      profile: 'small',
      cluster: 'bench',
    });
    const ours = (name: string) =>
      tenants.create(tenants.validate(request(name)));

    // kubectl gets the very same objects TenantService renders, one file per tenant.
    const manifestDir = path.join(dataDir, 'manifests');
    fs.mkdirSync(manifestDir);
    const kubectlEnv = {
      ...process.env,
      KUBECACHEDIR: path.join(dataDir, 'kubectl-cache'),
    };
    const writeManifests = (name: string, dir = manifestDir) => {
      const plan = tenants.render(tenants.validate(request(name)));
      const file = path.join(dir, `${name}.yaml`);
      fs.writeFileSync(
        file,
        plan.manifests.map(m => YAML.stringify(m)).join('---\n'),
      );
      return file;
    };
    const kubectlApply = (file: string) =>
      execFileAsync(
        KUBECTL,
        [
          '--kubeconfig',
          cluster.backendKubeconfig,
          'apply',
          '--server-side',
          '--field-manager=backstage-kaas',
          '-f',
          file,
        ],
        { env: kubectlEnv, maxBuffer: 16 * 1024 * 1024 },
      );
    const kubectl = async (name: string) => {
      await kubectlApply(writeManifests(name));
    };

    // Warm up both paths (discovery caches, connections, apiserver caches).
    await ours('warm-ours');
    await kubectl('warm-kubectl');

    const names = (prefix: string) =>
      Array.from({ length: N }, (_, i) => `${prefix}-${i}`);
    const objectsPerTenant = tenants.render(tenants.validate(request('count')))
      .manifests.length;

    const seqOurs: number[] = [];
    const seqKubectl: number[] = [];
    // Interleaved so drift in the machine's load hits both alike.
    for (const [a, b] of names('seq').map(n => [`${n}-o`, `${n}-k`])) {
      seqOurs.push(await timed(() => ours(a)));
      seqKubectl.push(await timed(() => kubectl(b)));
    }
    const rerun: number[] = [];
    for (const name of names('seq').map(n => `${n}-o`)) {
      rerun.push(await timed(() => ours(name)));
    }
    const concOurs = await timed(() =>
      inBatches(names('con-o'), CONCURRENCY, ours),
    );
    const concKubectl = await timed(() =>
      inBatches(names('con-k'), CONCURRENCY, kubectl),
    );
    // kubectl's process start amortised: one invocation applies all N tenants in order.
    const batchDir = path.join(dataDir, 'batch');
    fs.mkdirSync(batchDir);
    names('one-k').forEach(name => writeManifests(name, batchDir));
    const oneProcessKubectl = await timed(() => kubectlApply(batchDir));

    const row = (label: string, oursMs: number, kubectlMs: number) =>
      `${label.padEnd(34)} ${oursMs.toFixed(1).padStart(9)} ${kubectlMs
        .toFixed(1)
        .padStart(9)} ${(oursMs / kubectlMs).toFixed(2).padStart(7)}`;
    console.log(
      `\nTenant provisioning: ${N} namespace tenants (profile small, ${objectsPerTenant} objects each), ${
        os.cpus().length
      } cores`,
    );
    console.log(
      `${'ms per tenant'.padEnd(34)} ${'ours'.padStart(9)} ${'kubectl'.padStart(
        9,
      )} ${'ratio'.padStart(7)}`,
    );
    console.log(row('sequential, median', median(seqOurs), median(seqKubectl)));
    console.log(
      row(
        'sequential, mean',
        seqOurs.reduce((a, b) => a + b) / N,
        seqKubectl.reduce((a, b) => a + b) / N,
      ),
    );
    console.log(
      row(
        `concurrent x${CONCURRENCY}, wall / tenant`,
        concOurs / N,
        concKubectl / N,
      ),
    );
    console.log(
      row(
        'sequential vs one kubectl process',
        seqOurs.reduce((a, b) => a + b) / N,
        oneProcessKubectl / N,
      ),
    );
    console.log(
      `re-run of an existing tenant (no change), median: ${median(
        rerun,
      ).toFixed(1)} ms`,
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
