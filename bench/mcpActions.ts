/**
 * Benchmark: the kaas actions over MCP (the mcp-actions plugin at /api/mcp-actions/v1)
 * in the real backend process on a fresh local control plane, as alice, through the MCP
 * SDK's client over Streamable HTTP.
 *
 *   scripts/bench.sh mcp [N]      (default N = 10)
 *
 * Prints the median of N tool listings (baseline: GET /api/kaas/capabilities, a plain
 * REST read with the same authentication and permission check) and the median of N
 * namespace tenants created until ready through MCP (kaas.create-tenant, then
 * kaas.get-tenant-status until ready) against the same through the scaffolder (POST
 * /api/scaffolder/v2/tasks with the kubernetes-tenant-namespace template: kaas:tenant:create
 * then kaas:tenant:wait, polled until the task completes), interleaved, with the ratios.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  type BackstageBackend,
  buildLocalCluster,
  demoUserToken,
  startLocalCluster,
  startPlatformBackend,
} from '@internal/kaas-test-cluster';

const N = Number(process.argv[2] ?? 10);
const POLL_MS = 100;
const TIMEOUT_MS = 120_000;

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

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, POLL_MS));
  }
}

async function main() {
  await buildLocalCluster();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaas-bench-mcp-'));
  const cluster = await startLocalCluster({ dataDir });
  let backend: BackstageBackend | undefined;
  let client: Client | undefined;
  try {
    backend = await startPlatformBackend({ cluster, dir: dataDir });
    const baseUrl = backend.baseUrl;
    const token = await demoUserToken(backend, 'alice');
    const headers = { Authorization: `Bearer ${token}` };
    client = new Client({ name: 'kaas-bench', version: '1' });
    await client.connect(
      new StreamableHTTPClientTransport(
        new URL(`${baseUrl}/api/mcp-actions/v1`),
        { requestInit: { headers } },
      ),
    );
    const mcp = client;
    await until('the namespace template in the catalog', async () => {
      const res = await fetch(
        `${baseUrl}/api/catalog/entities/by-name/template/default/kubernetes-tenant-namespace`,
        { headers },
      );
      return res.status === 200 ? true : undefined;
    });

    const callOk = async (name: string, args: Record<string, unknown>) => {
      const result = (await mcp.callTool({ name, arguments: args })) as {
        isError?: boolean;
        content: Array<{ text?: string }>;
        structuredContent?: any;
      };
      if (result.isError) {
        throw new Error(`${name}: ${result.content[0]?.text}`);
      }
      return result.structuredContent;
    };
    const throughMcp = async (name: string) => {
      await callOk('kaas.create-tenant', {
        name,
        owner: 'group:default/team-a',
        isolation: 'namespace',
        profile: 'small',
      });
      await until(`tenant ${name} ready (MCP)`, async () =>
        (
          await callOk('kaas.get-tenant-status', { tenant: name })
        ).status.ready
          ? true
          : undefined,
      );
    };
    const throughScaffolder = async (name: string) => {
      const res = await fetch(`${baseUrl}/api/scaffolder/v2/tasks`, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          templateRef: 'template:default/kubernetes-tenant-namespace',
          values: { name, owner: 'group:default/team-a', profile: 'small' },
        }),
      });
      if (res.status !== 201) {
        throw new Error(`scaffolder task: ${res.status} ${await res.text()}`);
      }
      const { id } = await res.json();
      await until(`task ${id} (scaffolder)`, async () => {
        const task = await (
          await fetch(`${baseUrl}/api/scaffolder/v2/tasks/${id}`, { headers })
        ).json();
        if (task.status === 'failed' || task.status === 'cancelled') {
          throw new Error(`scaffolder task ${id} ${task.status}`);
        }
        return task.status === 'completed' ? true : undefined;
      });
    };
    const restRead = async () => {
      const res = await fetch(`${baseUrl}/api/kaas/capabilities`, { headers });
      if (res.status !== 200) throw new Error(`capabilities: ${res.status}`);
      await res.text();
    };

    // Warm up both paths (the inventory's watches, the scaffolder's first task).
    await mcp.listTools();
    await restRead();
    await throughMcp('bench-mcp-warm');
    await throughScaffolder('bench-scf-warm');

    const listing: number[] = [];
    const rest: number[] = [];
    for (let i = 0; i < N; i++) {
      listing.push(await timed(() => mcp.listTools()));
      rest.push(await timed(restRead));
    }
    const tools = (await mcp.listTools()).tools.length;

    const viaMcp: number[] = [];
    const viaScaffolder: number[] = [];
    // Interleaved so drift in the machine's load hits both alike.
    for (let i = 0; i < N; i++) {
      viaMcp.push(await timed(() => throughMcp(`bench-mcp-${i}`)));
      viaScaffolder.push(
        await timed(() => throughScaffolder(`bench-scf-${i}`)),
      );
    }

    const ms = (v: number) => `${v.toFixed(1)} ms`;
    console.log(
      `\nKaas actions over MCP: N = ${N}, ${
        os.cpus().length
      } cores, poll ${POLL_MS} ms`,
    );
    console.log(
      `tools/list (${tools} tools), median:                ${ms(
        median(listing),
      )}`,
    );
    console.log(
      `baseline GET /api/kaas/capabilities, median:     ${ms(median(rest))}`,
    );
    console.log(
      `ratio tools/list / REST read:                    ${(
        median(listing) / median(rest)
      ).toFixed(2)}`,
    );
    console.log(
      `tenant until ready via MCP, median:              ${ms(median(viaMcp))}`,
    );
    console.log(
      `tenant until ready via scaffolder task, median:  ${ms(
        median(viaScaffolder),
      )}`,
    );
    console.log(
      `ratio MCP / scaffolder:                          ${(
        median(viaMcp) / median(viaScaffolder)
      ).toFixed(2)}`,
    );
  } finally {
    await client?.close().catch(() => undefined);
    await backend?.stop();
    await cluster.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
