import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import path from 'node:path';

/**
 * What the proxy does to the request it fails:
 * - `cut-before`: destroys the client's connection without forwarding the request;
 * - `cut-after`: forwards it, lets the API server answer, then destroys the client's
 *   connection unanswered (the write happened, the client never hears of it);
 * - `status-500`: answers 500 with a Kubernetes Status, without forwarding;
 * - `status-429`: answers 429 with `Retry-After: 1` and a Status, without forwarding.
 */
export type FaultMode =
  | 'cut-before'
  | 'cut-after'
  | 'status-500'
  | 'status-429';

export const FAULT_MODES: readonly FaultMode[] = [
  'cut-before',
  'cut-after',
  'status-500',
  'status-429',
];

/** One request the proxy saw: method, path and query. */
export interface ProxiedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
}

/**
 * Requests an operation makes: everything but watches and the inventory's paged
 * list-and-watch lists (GETs with `limit`), which run beside operations on their own
 * schedule and would make the k-th request depend on timing.
 */
export function isOperationRequest(request: ProxiedRequest): boolean {
  if (request.query.has('watch')) return false;
  return !(request.method === 'GET' && request.query.has('limit'));
}

/** A loopback TLS proxy in front of an API server that fails the k-th counted request. */
export interface FaultProxy {
  /** https URL of the proxy on 127.0.0.1; the API server's CA verifies it. */
  url: string;
  /** Counted requests since the last reset. */
  readonly count: number;
  /** `METHOD path` of each counted request since the last reset, and the fault done to it. */
  readonly log: ReadonlyArray<string>;
  /** Fails the `k`-th counted request from now on (1-based; the count starts again at 0). */
  failAt(k: number, mode: FaultMode): void;
  /** No fault; the count starts again at 0. */
  reset(): void;
  close(): Promise<void>;
}

function statusBody(code: number, reason: string, message: string): string {
  return JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  });
}

/**
 * Starts a proxy on a free loopback port that terminates TLS with the local control
 * plane's own serving certificate (issued by its CA for 127.0.0.1, in `<dataDir>/pki`),
 * so clients configured with the cluster's CA and token reach it unchanged, and forwards
 * each request to `target`. Requests that `counts` accepts (default
 * {@link isOperationRequest}) are counted; the `k`-th after {@link FaultProxy.failAt}
 * fails as its mode says.
 */
export async function startFaultProxy(options: {
  /** https URL of the API server. */
  target: string;
  /** The cluster's CA file; the serving certificate is looked for in `pki/` beside it. */
  caFile: string;
  counts?: (request: ProxiedRequest) => boolean;
}): Promise<FaultProxy> {
  const pki = path.join(path.dirname(options.caFile), 'pki');
  const ca = fs.readFileSync(options.caFile);
  const target = new URL(options.target);
  const counts = options.counts ?? isOperationRequest;
  const upstream = new https.Agent({ ca, keepAlive: true });
  const sockets = new Set<net.Socket>();
  let count = 0;
  let fault: { k: number; mode: FaultMode } | undefined;
  const log: string[] = [];

  const forward = (
    req: http.IncomingMessage,
    onResponse: (response: http.IncomingMessage) => void,
    onError: (error: Error) => void,
  ): http.ClientRequest => {
    const headers = { ...req.headers, host: target.host };
    const request = https.request(
      {
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers,
        agent: upstream,
      },
      onResponse,
    );
    request.on('error', onError);
    req.pipe(request);
    return request;
  };

  const server = https.createServer(
    {
      cert: fs.readFileSync(path.join(pki, 'apiserver.crt')),
      key: fs.readFileSync(path.join(pki, 'apiserver.key')),
    },
    (req, res) => {
      const url = new URL(req.url ?? '/', 'https://proxy');
      const seen: ProxiedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
      };
      let mode: FaultMode | undefined;
      if (counts(seen)) {
        count += 1;
        if (fault && count === fault.k) mode = fault.mode;
        log.push(
          `${seen.method} ${seen.path}${url.search}${
            mode ? ` <- ${mode}` : ''
          }`,
        );
      }
      const failed = (error: Error) => {
        if (!res.headersSent) {
          res.writeHead(502, { 'content-type': 'application/json' });
        }
        res.end(statusBody(502, 'BadGateway', `fault proxy: ${error.message}`));
      };
      if (mode === 'cut-before') {
        req.socket.destroy();
        return;
      }
      if (mode === 'status-500' || mode === 'status-429') {
        const code = mode === 'status-500' ? 500 : 429;
        req.resume();
        req.on('end', () => {
          res.writeHead(code, {
            'content-type': 'application/json',
            ...(code === 429 ? { 'retry-after': '1' } : {}),
          });
          res.end(
            code === 500
              ? statusBody(500, 'InternalError', 'fault proxy: injected error')
              : statusBody(429, 'TooManyRequests', 'fault proxy: try later'),
          );
        });
        return;
      }
      const upstreamRequest = forward(
        req,
        response => {
          if (mode === 'cut-after') {
            // The API server has done the work; the client never hears of it.
            response.resume();
            response.on('end', () => req.socket.destroy());
            return;
          }
          res.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(res);
        },
        failed,
      );
      // A client that goes away (a watch closed, a timeout) ends the upstream request too.
      res.once('close', () => {
        if (!res.writableFinished) upstreamRequest.destroy();
      });
    },
  );
  server.on('connection', socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A client that goes away mid-request must not bring the proxy down.
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;

  return {
    url: `https://127.0.0.1:${port}`,
    get count() {
      return count;
    },
    get log() {
      return log;
    },
    failAt(k, mode) {
      count = 0;
      log.length = 0;
      fault = { k, mode };
    },
    reset() {
      count = 0;
      log.length = 0;
      fault = undefined;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      upstream.destroy();
      await new Promise<void>(resolve => server.close(() => resolve()));
    },
  };
}
