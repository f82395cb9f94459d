/**
 * Benchmark: minting token kubeconfigs for one namespace tenant through kaas-node's
 * KubeconfigIssuer (issuance Secret + TokenRequest bound to it + the kubeconfig file,
 * expired records swept on the way) against `kubectl create token <sa> --duration=1h`,
 * one process per token, with the same (backend) credential, in the same run, on a
 * fresh local control plane.
 *
 *   scripts/bench.sh kubeconfig [N]      (default N = 100)
 *
 * Prints p50/p99 latency per kubeconfig, sequential and 10 at a time, and the ratio
 * ours / kubectl (lower is better).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ConfigReader } from '@backstage/config';
import {
  ClusterRegistry,
  KubeconfigIssuer,
  TenantService,
  kubeconfigServiceAccountName,
} from '@kaas-platform/plugin-kaas-node';
import {
  buildLocalCluster,
  KUBECTL,
  repoKaasConfigData,
  startLocalCluster,
} from '@internal/kaas-test-cluster';

const execFileAsync = promisify(execFile);

const N = Number(process.argv[2] ?? 100);
const CONCURRENCY = 10;
const TTL_SECONDS = 3600;

/** Nearest-rank percentile. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Runs `count` jobs, `size` at a time; resolves to each job's latency and the wall time. */
async function concurrently(
  count: number,
  size: number,
  run: () => Promise<unknown>,
): Promise<{ latencies: number[]; wallMs: number }> {
  const latencies: number[] = [];
  let next = 0;
  const wallMs = await timed(() =>
    Promise.all(
      Array.from({ length: size }, async () => {
        while (next < count) {
          next++;
          latencies.push(await timed(run));
        }
      }),
    ),
  );
  return { latencies, wallMs };
}

async function main() {
  await buildLocalCluster();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaas-bench-'));
  const cluster = await startLocalCluster({ dataDir });
  try {
    // The platform policy of the local default (app-config.yaml), on this cluster.
    const config = new ConfigReader(repoKaasConfigData(cluster));
    const clusters = ClusterRegistry.fromConfig(config);
    const tenants = TenantService.fromConfig(config, { clusters });
    const issuer = KubeconfigIssuer.fromConfig(config, { clusters, tenants });
    const tenant = 'bench-kubeconfig';
    await tenants.create(
      tenants.validate({
        name: tenant,
        owner: 'group:default/team-a',
        isolation: 'namespace',
        profile: 'small',
      }),
    );

    const ours = () =>
      issuer.issue(tenant, {
        mode: 'token',
        ttlSeconds: TTL_SECONDS,
        issuedTo: 'user:default/bench',
      });
    const kubectlEnv = {
      ...process.env,
      KUBECACHEDIR: path.join(dataDir, 'kubectl-cache'),
    };
    const kubectl = () =>
      execFileAsync(
        KUBECTL,
        [
          '--kubeconfig',
          cluster.backendKubeconfig,
          'create',
          'token',
          kubeconfigServiceAccountName(tenant),
          '-n',
          tenants.policy.settings.platformNamespace,
          `--duration=${TTL_SECONDS / 3600}h`,
        ],
        { env: kubectlEnv },
      );

    // The first issuance applies the ServiceAccount and its RoleBinding.
    const firstMs = await timed(ours);
    // Warm up both paths (connections, apiserver caches, the kubectl binary's pages).
    for (let i = 0; i < 5; i++) {
      await ours();
      await kubectl();
    }

    // Interleaved, so drift in the machine's load hits both alike.
    const seqOurs: number[] = [];
    const seqKubectl: number[] = [];
    for (let i = 0; i < N; i++) {
      seqOurs.push(await timed(ours));
      seqKubectl.push(await timed(kubectl));
    }
    const conOurs = await concurrently(N, CONCURRENCY, ours);
    const conKubectl = await concurrently(N, CONCURRENCY, kubectl);

    const records = (await issuer.list(tenant)).length;
    const revokeMs = await timed(() => issuer.revoke(tenant));

    const fmt = (ms: number) => ms.toFixed(1).padStart(8);
    const row = (label: string, a: number[], b: number[]) =>
      `${label.padEnd(30)} ${fmt(percentile(a, 50))} ${fmt(
        percentile(a, 99),
      )}   ${fmt(percentile(b, 50))} ${fmt(percentile(b, 99))}   ${(
        percentile(a, 50) / percentile(b, 50)
      )
        .toFixed(2)
        .padStart(6)} ${(percentile(a, 99) / percentile(b, 99))
        .toFixed(2)
        .padStart(6)}`;
    console.log(
      `\nKubeconfig minting: ${N} token kubeconfigs (TTL ${TTL_SECONDS} s) for one namespace tenant, ${
        os.cpus().length
      } cores`,
    );
    console.log(
      `${'ms per kubeconfig'.padEnd(30)} ${'ours p50'.padStart(
        8,
      )} ${'p99'.padStart(8)}   ${'kubectl'.padStart(8)} ${'p99'.padStart(
        8,
      )}   ${'ratio50'.padStart(6)} ${'ratio99'.padStart(6)}`,
    );
    console.log(row('sequential', seqOurs, seqKubectl));
    console.log(
      row(`${CONCURRENCY} at a time`, conOurs.latencies, conKubectl.latencies),
    );
    console.log(
      `${CONCURRENCY} at a time, wall per kubeconfig: ours ${(
        conOurs.wallMs / N
      ).toFixed(1)} ms, kubectl ${(conKubectl.wallMs / N).toFixed(
        1,
      )} ms, ratio ${(conOurs.wallMs / conKubectl.wallMs).toFixed(2)}`,
    );
    console.log(
      `first issuance (applies ServiceAccount and RoleBinding): ${firstMs.toFixed(
        1,
      )} ms; revoking all ${records} unexpired: ${revokeMs.toFixed(1)} ms`,
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
