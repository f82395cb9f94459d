import {
  IsomorphicFetchHttpLibrary,
  ResponseContext,
  wrapHttpLibrary,
  type HttpLibrary,
  type RequestContext,
} from '@kubernetes/client-node';
import { statusCode } from './statusCode';

/** How long 429 answers are waited out, in all, before the error is passed on. */
const BUSY_RETRY_MS = 30_000;
/** Further attempts of a request that is safe to repeat after no answer or a 5xx. */
const TRANSIENT_RETRIES = 2;
const TRANSIENT_BACKOFF_MS = 250;
/** Connection failures worth another attempt (not timeouts: those already waited long). */
const RETRIED_NETWORK_ERRORS = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ECONNABORTED',
]);

/**
 * A request to a cluster that got no usable answer: the connection failed, or the API
 * server answered 5xx (or 429 for longer than it is waited out). Says which cluster and
 * request, and whether the API server may have acted. `code` is the HTTP status when
 * there was one, as on client-node's own errors.
 */
export class ClusterRequestError extends Error {
  constructor(
    message: string,
    readonly code?: number,
    readonly body?: unknown,
    readonly headers?: Record<string, string>,
    /** The connection's error code (ECONNRESET, ECONNREFUSED…) when there was no answer. */
    readonly errno?: string,
  ) {
    super(message);
    this.name = 'ClusterRequestError';
  }
}

/**
 * Safe to send again whatever happened to the first attempt: reads, and server-side
 * applies (the same apply gives the same object). Creates and deletes are not: a
 * repeated create answers 409 and a repeated delete 404 after the first one did act.
 */
function repeatable(request: RequestContext): boolean {
  const method = request.getHttpMethod().toString();
  if (method === 'GET' || method === 'HEAD') return true;
  const type = request.getHeaders()['Content-Type'] ?? '';
  return method === 'PATCH' && type.startsWith('application/apply-patch');
}

function what(request: RequestContext): string {
  const url = new URL(request.getUrl());
  return `${request.getHttpMethod()} ${url.pathname}`;
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** The message of a Kubernetes Status body, or the body's first line. */
function statusMessage(body: string): string {
  try {
    const parsed = JSON.parse(body);
    if (typeof parsed?.message === 'string') return parsed.message;
  } catch {
    // not a Status
  }
  return body.split('\n')[0].slice(0, 200);
}

/**
 * client-node's fetch, plus what client-go does and client-node does not: a 429 is
 * waited out as its Retry-After says, for any verb (the API server refused the request
 * before acting on it); a read or server-side apply that got no answer or a 5xx is sent
 * again, twice at most. What still fails is a {@link ClusterRequestError} naming the
 * cluster and the request, instead of client-node's dump of status, body and headers,
 * or node-fetch's "request to https://… failed".
 */
export function clusterHttpLibrary(cluster: string): HttpLibrary {
  const fetchLibrary = new IsomorphicFetchHttpLibrary();
  return wrapHttpLibrary({
    async send(request: RequestContext): Promise<ResponseContext> {
      const busyUntil = Date.now() + BUSY_RETRY_MS;
      let transientLeft = repeatable(request) ? TRANSIENT_RETRIES : 0;
      for (;;) {
        let response: ResponseContext;
        try {
          response = await fetchLibrary.send(request).toPromise();
        } catch (error) {
          const name = (error as Error)?.name;
          const aborted = name === 'AbortError' || request.getSignal()?.aborted;
          const errno = (error as { code?: unknown })?.code;
          const retried =
            typeof errno === 'string' && RETRIED_NETWORK_ERRORS.has(errno);
          if (!aborted && retried && transientLeft-- > 0) {
            await sleep(TRANSIENT_BACKOFF_MS);
            continue;
          }
          if (aborted) throw error;
          throw new ClusterRequestError(
            `Cluster '${cluster}' did not answer ${what(request)}: ${
              (error as Error)?.message?.replace(
                /^request to \S+ failed, reason: /,
                '',
              ) ?? String(error)
            }${
              repeatable(request)
                ? ''
                : ' (it may have been carried out; running the same request again completes it)'
            }`,
            undefined,
            undefined,
            undefined,
            typeof errno === 'string' ? errno : undefined,
          );
        }
        const code = response.httpStatusCode;
        if (code === 429 && Date.now() < busyUntil) {
          const seconds = Number(response.headers['retry-after'] ?? 1);
          await response.body.text().catch(() => '');
          await sleep(Math.min(Math.max(seconds || 1, 0.2), 5) * 1000);
          continue;
        }
        if (code >= 500 && transientLeft-- > 0) {
          await response.body.text().catch(() => '');
          await sleep(TRANSIENT_BACKOFF_MS);
          continue;
        }
        if (code < 500 && code !== 429) return response;
        const text = await response.body.text().catch(() => '');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON
        }
        throw new ClusterRequestError(
          `Cluster '${cluster}' answered ${what(
            request,
          )} with HTTP ${code}: ${statusMessage(text)}`,
          code,
          body,
          response.headers,
        );
      }
    },
  });
}

/**
 * A GET made outside client-node (`KaasCluster.getJson`, which keeps the API server's
 * own JSON), with the policy of {@link clusterHttpLibrary}: 429 waited out, no answer or
 * a 5xx tried twice more, and what still fails named by cluster and path.
 */
export async function getWithRetries<T>(
  cluster: string,
  path: string,
  get: () => Promise<T>,
): Promise<T> {
  const busyUntil = Date.now() + BUSY_RETRY_MS;
  let transientLeft = TRANSIENT_RETRIES;
  for (;;) {
    try {
      return await get();
    } catch (error) {
      const code = statusCode(error);
      const errno = (error as { code?: unknown })?.code;
      const network =
        typeof errno === 'string' && RETRIED_NETWORK_ERRORS.has(errno);
      if (code === 429 && Date.now() < busyUntil) {
        await sleep(1000);
        continue;
      }
      if ((network || (code ?? 0) >= 500) && transientLeft-- > 0) {
        await sleep(TRANSIENT_BACKOFF_MS);
        continue;
      }
      if (network) {
        throw new ClusterRequestError(
          `Cluster '${cluster}' did not answer GET ${path}: ${
            (error as Error).message
          }`,
          undefined,
          undefined,
          undefined,
          errno as string,
        );
      }
      if (code !== undefined && (code >= 500 || code === 429)) {
        throw new ClusterRequestError(
          `Cluster '${cluster}': ${(error as Error).message}`,
          code,
        );
      }
      throw error;
    }
  }
}
