/** Delays of the inventory's retries: 250 ms doubling to 10 s. */
export const BACKOFF = { initialMs: 250, maxMs: 10_000 };

/**
 * How long to wait before attempt `failures` + 1: exponential in the number of failures
 * in a row, capped, and jittered to between half and all of it so that the watches of a
 * restarted API server do not all come back at the same instant.
 */
export function backoffDelay(
  failures: number,
  { initialMs, maxMs } = BACKOFF,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(
    maxMs,
    initialMs * 2 ** Math.max(0, Math.min(failures - 1, 30)),
  );
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
