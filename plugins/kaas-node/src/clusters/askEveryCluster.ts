import { ServiceUnavailableError } from '@backstage/errors';
import { statusCode } from '../clusters/statusCode';
import type { KaasCluster } from './KaasCluster';

/** What the clusters answered (in the clusters' order), and which could not be asked. @public */
export interface ClusterAnswers<T> {
  answered: Array<{ cluster: KaasCluster; value: T }>;
  failed: Array<{ cluster: KaasCluster; error: unknown }>;
}

/**
 * Asks every cluster at once, so one that does not answer delays nothing but its own
 * answer and fails nothing but its own part.
 *
 * @public
 */
export async function askEveryCluster<T>(
  clusters: KaasCluster[],
  ask: (cluster: KaasCluster) => Promise<T>,
): Promise<ClusterAnswers<T>> {
  const settled = await Promise.allSettled(clusters.map(ask));
  const answers: ClusterAnswers<T> = { answered: [], failed: [] };
  settled.forEach((outcome, i) => {
    const cluster = clusters[i];
    if (outcome.status === 'fulfilled') {
      answers.answered.push({ cluster, value: outcome.value });
    } else {
      answers.failed.push({ cluster, error: outcome.reason });
    }
  });
  return answers;
}

/** Why a request to a cluster failed, in a few words and without the request's details. */
export function describeClusterFailure(error: unknown): string {
  const status = statusCode(error);
  if (status !== undefined) return `it answered HTTP ${status}`;
  const { name, code, errno } = (error ?? {}) as {
    name?: string;
    code?: string;
    /** ClusterRequestError's connection error code. */
    errno?: string;
  };
  if (name === 'AbortError' || name === 'TimeoutError') {
    return 'it did not answer in time';
  }
  if (code ?? errno) return `it cannot be reached: ${code ?? errno}`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * The error for answers that did not come: names each cluster, says what could not be
 * done, and that it is worth trying again.
 *
 * @public
 */
export function clustersUnavailable(
  failed: Array<{ cluster: KaasCluster; error: unknown }>,
  what: string,
): ServiceUnavailableError {
  const clusters = failed
    .map(f => `'${f.cluster.name}' (${describeClusterFailure(f.error)})`)
    .join(', ');
  return new ServiceUnavailableError(
    `Cannot check cluster ${clusters} ${what}; try again later`,
  );
}

/**
 * What `find` finds on the earliest cluster (in configuration order) that has it, asking
 * every cluster at once. An answer is used once every cluster before it has answered or
 * failed, so two lookups of the same name agree on where it is; a cluster that fails is
 * passed over, and one that does not answer delays only what is found after it.
 * Undefined when every cluster answered and none had it; without an answer from some,
 * ServiceUnavailableError naming them (`what` says what was looked for), since it may be
 * there.
 *
 * @public
 */
export async function findOnAnyCluster<T>(
  clusters: KaasCluster[],
  find: (cluster: KaasCluster) => Promise<T | undefined>,
  what: string,
): Promise<T | undefined> {
  const lookups = clusters.map(cluster =>
    find(cluster).then(
      value => ({ value, error: undefined, failed: false }),
      (error: unknown) => ({ value: undefined, error, failed: true }),
    ),
  );
  const failed: Array<{ cluster: KaasCluster; error: unknown }> = [];
  for (const [i, lookup] of lookups.entries()) {
    const outcome = await lookup;
    if (outcome.failed)
      failed.push({ cluster: clusters[i], error: outcome.error });
    else if (outcome.value !== undefined) return outcome.value;
  }
  if (failed.length) throw clustersUnavailable(failed, what);
  return undefined;
}
