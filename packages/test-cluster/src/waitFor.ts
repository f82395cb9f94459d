/**
 * Polls `check` until it returns a value other than undefined, or fails after
 * `timeoutMs` with `describe()` saying what was still missing.
 */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  options: { timeoutMs?: number; intervalMs?: number; describe: () => string },
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new Error(`Timed out: ${options.describe()}`);
    }
    await new Promise(r => setTimeout(r, options.intervalMs ?? 200));
  }
}
