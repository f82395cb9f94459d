import { NotFoundError } from '@backstage/errors';

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** Options of waiting until a tenant or an instance is ready. @public */
export interface PollOptions {
  timeoutMs: number;
  pollMs?: number;
  onProgress?(message: string): void;
}

/**
 * Reads `check` until it says ready, reporting each new thing still missing once. A
 * NotFoundError counts as missing (the object may not be there yet); other errors end the
 * wait. On timeout throws an Error saying what is still missing.
 *
 * @param what - how messages name the subject, e.g. `Tenant 'team-a'`
 */
export async function pollUntilReady<T>(
  what: string,
  check: () => Promise<{ result: T; ready: boolean; missing: string }>,
  options: PollOptions,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastReport = '';
  for (;;) {
    let missing: string;
    try {
      const { result, ready, missing: now } = await check();
      if (ready) {
        options.onProgress?.(`${what} is ready`);
        return result;
      }
      missing = now;
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      missing = error.message;
    }
    if (missing !== lastReport) {
      options.onProgress?.(`Waiting for ${lowerFirst(what)}: ${missing}`);
      lastReport = missing;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${what} was not ready within ${Math.round(
          options.timeoutMs / 1000,
        )} s; still missing: ${missing}`,
      );
    }
    await sleep(options.pollMs ?? 2000);
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
