/** Bursts of concurrent requests, as the status bench sends them. */
import { performance } from 'node:perf_hooks';
import { machineBusySeconds, processGroupCpuSeconds } from './benchHelpers';

/** Each request's latency (ms) and wall-clock start (epoch ms), in completion order. */
export interface Burst {
  latencies: number[];
  starts: number[];
  wallMs: number;
  /** CPU seconds the backend, this client and everything else used during the burst. */
  cpu?: { backend: number; client: number; others: number };
}

let accountedBackendPid: number | undefined;

/** The backend (process group) whose CPU `load` accounts for from now on. */
export function accountCpuOf(pgid: number | undefined) {
  accountedBackendPid = pgid;
}

/** Runs `total` calls of `run`, `concurrency` at a time; returns each call's latency in ms. */
export async function load(
  total: number,
  concurrency: number,
  run: (i: number) => Promise<void>,
): Promise<Burst> {
  const latencies: number[] = [];
  const starts: number[] = [];
  const cpuBefore = cpuNow();
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = process.hrtime.bigint();
        const startedAt = performance.timeOrigin + performance.now();
        await run(i);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        starts.push(startedAt);
      }
    }),
  );
  const cpuAfter = cpuNow();
  const backend = cpuAfter.backend - cpuBefore.backend;
  const client = cpuAfter.client - cpuBefore.client;
  return {
    latencies,
    starts,
    wallMs: Number(process.hrtime.bigint() - start) / 1e6,
    cpu: {
      backend,
      client,
      others: cpuAfter.machine - cpuBefore.machine - backend - client,
    },
  };
}

function cpuNow() {
  const { user, system } = process.cpuUsage();
  return {
    backend:
      accountedBackendPid === undefined
        ? 0
        : processGroupCpuSeconds(accountedBackendPid),
    client: (user + system) / 1e6,
    machine: machineBusySeconds(),
  };
}

export type Pooled = Burst & { bursts: Burst[] };

/** Latencies of several bursts, pooled; wallMs is their sum. */
export function pooled() {
  const all: Pooled = {
    latencies: [],
    starts: [],
    wallMs: 0,
    bursts: [],
  };
  return Object.assign(all, {
    add(burst: Burst) {
      all.bursts.push(burst);
      all.latencies.push(...burst.latencies);
      all.starts.push(...burst.starts);
      all.wallMs += burst.wallMs;
    },
  });
}
