/** Helpers the benchmarks share. */
import fs from 'node:fs';

/** The p-th percentile of `values` (nearest rank). */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}

/** A LoggerService that drops everything (services built inside a bench process). */
export const silentLogger = {
  info: () => {},
  debug: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
} as any;

/** CPU seconds used so far by every process of process group `pgid` (Linux /proc). */
export function processGroupCpuSeconds(pgid: number): number {
  const ticksPerSecond = 100; // USER_HZ on Linux
  let ticks = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // Fields after the command, which may hold spaces: state ppid pgrp ... utime stime.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) !== pgid) continue;
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / ticksPerSecond;
}

/** CPU seconds all cores of this machine spent busy so far (/proc/stat, Linux). */
export function machineBusySeconds(): number {
  const ticksPerSecond = 100; // USER_HZ on Linux
  const fields = fs
    .readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  // user nice system idle iowait irq softirq steal ...
  const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
  return (total - fields[3] - fields[4]) / ticksPerSecond;
}

/**
 * Waits until process group `pgid` uses less than `maxShare` of one core over a
 * `windowMs` window (a backend done with its start-up work), for at most `timeoutMs`.
 * Returns how long it waited.
 */
export async function untilProcessGroupIdle(
  pgid: number,
  options: { maxShare?: number; windowMs?: number; timeoutMs?: number } = {},
): Promise<number> {
  const { maxShare = 0.05, windowMs = 1000, timeoutMs = 60_000 } = options;
  const start = Date.now();
  let cpu = processGroupCpuSeconds(pgid);
  while (Date.now() - start < timeoutMs) {
    await new Promise(resolve => setTimeout(resolve, windowMs));
    const now = processGroupCpuSeconds(pgid);
    if ((now - cpu) * 1000 < maxShare * windowMs) break;
    cpu = now;
  }
  return Date.now() - start;
}
