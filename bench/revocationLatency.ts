/**
 * Benchmark: how long a revoked token kubeconfig keeps working. Each try issues a token
 * kubeconfig through kaas-node's KubeconfigIssuer, uses it (so the API server has
 * authenticated it, as it has for anyone working with it), revokes every kubeconfig of
 * the tenant, and then asks the API server every 100 ms with that token until it answers
 * 401. The time from the end of the revocation to the first 401 is what a holder keeps.
 * On a fresh local control plane.
 *
 *   scripts/bench.sh revocation [N]      (default N = 5)
 *
 * Prints each try and min / median / max. Two cases per try: the token used right
 * before revoking (the worst case: the API server's token cache has just stored it),
 * and used once a random 0-10 s before revoking.
 */
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import {
  ClusterRegistry,
  KubeconfigIssuer,
  TenantService,
} from '@kaas-platform/plugin-kaas-node';
import {
  buildLocalCluster,
  repoKaasConfigData,
  startLocalCluster,
} from '@internal/kaas-test-cluster';
import YAML from 'yaml';

const N = Number(process.argv[2] ?? 5);
const POLL_MS = 100;
const GIVE_UP_MS = 120_000;

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** The HTTP status of GET `path` with `token`. */
function statusWith(
  server: string,
  ca: Buffer,
  token: string,
  urlPath: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      new URL(urlPath, server),
      { ca, headers: { Authorization: `Bearer ${token}` }, agent: false },
      res => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
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
    const tenant = 'bench-revocation';
    const { namespace } = await tenants.create(
      tenants.validate({
        name: tenant,
        owner: 'group:default/team-a',
        isolation: 'namespace',
        profile: 'small',
      }),
    );
    const ca = fs.readFileSync(cluster.caFile);
    const pods = `/api/v1/namespaces/${namespace}/pods`;

    /** Seconds from the end of the revocation until the token is refused. */
    async function oneTry(usedBeforeMs: number): Promise<number> {
      const issued = await issuer.issue(tenant, {
        mode: 'token',
        issuedTo: 'user:default/bench',
      });
      const token: string = YAML.parse(issued.kubeconfig).users[0].user.token;
      const first = await statusWith(cluster.url, ca, token, pods);
      if (first !== 200) throw new Error(`a fresh token got ${first}`);
      await sleep(usedBeforeMs);
      await issuer.revoke(tenant);
      const revokedAt = Date.now();
      for (;;) {
        const status = await statusWith(cluster.url, ca, token, pods);
        if (status === 401) return (Date.now() - revokedAt) / 1000;
        if (status !== 200) throw new Error(`unexpected status ${status}`);
        if (Date.now() - revokedAt > GIVE_UP_MS) {
          throw new Error(
            `still accepted ${GIVE_UP_MS / 1000} s after revocation`,
          );
        }
        await sleep(POLL_MS);
      }
    }

    const rightBefore: number[] = [];
    const earlier: number[] = [];
    for (let i = 0; i < N; i++) {
      rightBefore.push(await oneTry(0));
      const delay = Math.round(Math.random() * 10_000);
      const seconds = await oneTry(delay);
      earlier.push(seconds);
      console.log(
        `try ${i + 1}: used right before revoking ${rightBefore[i].toFixed(
          1,
        )} s; used ${(delay / 1000).toFixed(1)} s before ${seconds.toFixed(
          1,
        )} s`,
      );
    }
    const summary = (label: string, values: number[]) =>
      `${label.padEnd(34)} min ${Math.min(...values).toFixed(
        1,
      )} s, median ${median(values).toFixed(1)} s, max ${Math.max(
        ...values,
      ).toFixed(1)} s`;
    console.log(
      `\nRevocation latency of token kubeconfigs (${N} tries each, polled every ${POLL_MS} ms), ${
        os.cpus().length
      } cores`,
    );
    console.log(summary('used right before revoking', rightBefore));
    console.log(summary('used 0-10 s before revoking', earlier));
  } finally {
    await cluster.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
