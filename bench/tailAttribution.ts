/**
 * What overlapped a burst's slowest requests: the pauses bench/pauseRecorder.cjs records
 * in the backend and in the bench's own process (the client), set against each request's
 * wall-clock window.
 */

import { percentile } from './benchHelpers';
import type { Pooled } from './bursts';

/** A time a process could not run JavaScript: a collection, or a timer fired late. */
export interface Pause {
  kind: 'gc-minor' | 'gc-major' | 'gc-other' | 'late';
  /** Epoch ms. */
  start: number;
  duration: number;
}

/** The `kaas-bench-pause` lines of a process's output. */
export function pausesInOutput(output: string): Pause[] {
  const pauses: Pause[] = [];
  for (const match of output.matchAll(
    /^kaas-bench-pause (\S+) ([\d.]+) ([\d.]+)$/gm,
  )) {
    pauses.push({
      kind: match[1] as Pause['kind'],
      start: Number(match[2]),
      duration: Number(match[3]),
    });
  }
  return pauses;
}

/** The pauses the bench process itself recorded (bench/pauseRecorder.cjs required). */
export function ownPauses(): Pause[] {
  return [...((globalThis as any).kaasBenchPauses ?? [])];
}

/** Mean ms of each kind of pause overlapping a request, over some requests. */
export interface Overlaps {
  requests: number;
  meanLatency: number;
  backendGc: number;
  backendLate: number;
  clientGc: number;
  clientLate: number;
}

function overlapMs(
  pauses: Pause[],
  kinds: (kind: Pause['kind']) => boolean,
  from: number,
  to: number,
): number {
  let ms = 0;
  for (const pause of pauses) {
    if (!kinds(pause.kind)) continue;
    const end = pause.start + pause.duration;
    if (end > from && pause.start < to) {
      ms += Math.min(end, to) - Math.max(pause.start, from);
    }
  }
  return ms;
}

/**
 * The requests at or above `threshold` ms against all requests of the burst: how long
 * each was overlapped, on average, by collections and late timers in the backend and
 * in the client.
 */
export function overlapsOf(
  burst: { latencies: number[]; starts: number[] },
  backend: Pause[],
  client: Pause[],
  threshold = 0,
): Overlaps {
  const isGc = (kind: Pause['kind']) => kind !== 'late';
  const isLate = (kind: Pause['kind']) => kind === 'late';
  const sum: Overlaps = {
    requests: 0,
    meanLatency: 0,
    backendGc: 0,
    backendLate: 0,
    clientGc: 0,
    clientLate: 0,
  };
  burst.latencies.forEach((latency, i) => {
    if (latency < threshold) return;
    const from = burst.starts[i];
    const to = from + latency;
    sum.requests++;
    sum.meanLatency += latency;
    sum.backendGc += overlapMs(backend, isGc, from, to);
    sum.backendLate += overlapMs(backend, isLate, from, to);
    sum.clientGc += overlapMs(client, isGc, from, to);
    sum.clientLate += overlapMs(client, isLate, from, to);
  });
  const n = Math.max(1, sum.requests);
  return {
    requests: sum.requests,
    meanLatency: sum.meanLatency / n,
    backendGc: sum.backendGc / n,
    backendLate: sum.backendLate / n,
    clientGc: sum.clientGc / n,
    clientLate: sum.clientLate / n,
  };
}

/** One line: the overlaps of all requests and of those at or above the p99. */
export function describeTail(all: Overlaps, tail: Overlaps): string {
  const part = (o: Overlaps) =>
    `${o.meanLatency.toFixed(0)} ms, backend GC ${o.backendGc.toFixed(
      1,
    )} / late ${o.backendLate.toFixed(1)}, client GC ${o.clientGc.toFixed(
      1,
    )} / late ${o.clientLate.toFixed(1)}`;
  return `all ${all.requests}: ${part(all)}; >= p99 (${tail.requests}): ${part(
    tail,
  )}`;
}

/**
 * For each run and warm route: how the requests at or above the p99 were spread over
 * the bursts, and what overlapped them against what overlapped every request.
 */
export function printTails(
  runs: Array<
    Record<'warm' | 'health' | 'clusters', Pooled> & {
      backendPauses: Pause[];
      clientPauses: Pause[];
    }
  >,
  rounds: number,
  requests: number,
) {
  console.log(
    `\nWarm requests at or above the p99, and the mean ms of pauses overlapping a request (bench/pauseRecorder.cjs in the backend and in this client: collections of 2 ms or more, a 2 ms timer 10 ms or more late):`,
  );
  runs.forEach((run, i) => {
    for (const [route, burst] of [
      ['status', run.warm],
      ['health', run.health],
      ['clusters', run.clusters],
    ] as const) {
      const p99 = percentile(burst.latencies, 99);
      const perBurst = Array.from({ length: rounds }, () => 0);
      burst.latencies.forEach((latency, k) => {
        if (latency >= p99) perBurst[Math.floor(k / requests)]++;
      });
      const all = overlapsOf(burst, run.backendPauses, run.clientPauses);
      const tail = overlapsOf(burst, run.backendPauses, run.clientPauses, p99);
      const cpu = burst.bursts
        .map(b => {
          const seconds = b.wallMs / 1000;
          const share = (x = 0) => ((x / seconds) * 100).toFixed(0);
          return `${percentile(b.latencies, 99).toFixed(0)} ms ${share(
            b.cpu?.backend,
          )}/${share(b.cpu?.client)}/${share(b.cpu?.others)}%`;
        })
        .join(', ');
      console.log(
        `  run ${i + 1} ${route.padEnd(8)} >= p99 by burst ${perBurst.join(
          '/',
        )}; ${describeTail(
          all,
          tail,
        )}\n    per burst, p99 and CPU of backend/client/others: ${cpu}`,
      );
    }
  });
}
