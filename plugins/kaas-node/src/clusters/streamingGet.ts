import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

/** An API server's answer other than 200, with its HTTP status as `code` (like client-node's). */
export class KubeApiError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
    this.name = 'KubeApiError';
  }
}

/** Accept header that has the API server send object metadata only (no spec, status or data). */
export const METADATA_ONLY = {
  list: 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json',
  watch:
    'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json',
};

/** Options of one streaming GET. @public */
export interface StreamingGetOptions {
  /** Accept header; JSON when absent. */
  accept?: string;
  signal?: AbortSignal;
  /** Longest silence on the connection before the request fails. */
  timeoutMs: number;
}

/**
 * Starts a GET against the API server of `kubeConfig` with its credential and TLS
 * settings, and resolves with the streaming response once it answered 200; any other
 * status rejects with a {@link KubeApiError} carrying the server's message. Raw rather
 * than client-node's typed clients so that lists, watches and metadata-only requests
 * share one path and the body can be streamed.
 */
export async function openGet(
  kubeConfig: KubeConfig,
  path: string,
  query: Record<string, string | number | boolean | undefined>,
  options: StreamingGetOptions,
): Promise<http.IncomingMessage> {
  const server = kubeConfig.getCurrentCluster()?.server;
  if (!server) throw new Error('The kubeconfig names no current cluster');
  const url = new URL(server.replace(/\/$/, '') + path);
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  const requestOptions: https.RequestOptions = {};
  await kubeConfig.applyToHTTPSOptions(requestOptions);
  requestOptions.headers = {
    ...requestOptions.headers,
    Accept: options.accept ?? 'application/json',
  };
  requestOptions.method = 'GET';
  requestOptions.signal = options.signal;
  const transport = url.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    const request = transport.request(url, requestOptions, response => {
      if (response.statusCode === 200) {
        resolve(response);
        return;
      }
      readBody(response)
        .then(body => {
          let message = body;
          try {
            message = JSON.parse(body).message ?? body;
          } catch {
            // not a Status object
          }
          reject(
            new KubeApiError(
              response.statusCode ?? 0,
              `GET ${url.pathname} answered ${response.statusCode}: ${message}`,
            ),
          );
        })
        .catch(reject);
    });
    // A dead peer sends nothing; the timeout turns that into an error.
    request.setTimeout(options.timeoutMs, () =>
      request.destroy(
        new Error(
          `GET ${url.pathname} timed out after ${options.timeoutMs} ms`,
        ),
      ),
    );
    request.on('error', reject);
    request.end();
  });
}

/** The whole body of a response, as text. */
export async function readBody(
  response: http.IncomingMessage,
): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** GET returning parsed JSON. */
export async function getJson<T>(
  kubeConfig: KubeConfig,
  path: string,
  query: Record<string, string | number | boolean | undefined>,
  options: StreamingGetOptions,
): Promise<T> {
  const response = await openGet(kubeConfig, path, query, options);
  return JSON.parse(await readBody(response)) as T;
}
