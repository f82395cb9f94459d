/**
 * Benchmark: why the first burst on new connections has a tail of about a second, on a
 * bare Node.js HTTP server, without Backstage.
 *
 *   scripts/bench.sh accept [WORK_MS]      (default 1 ms of CPU per request)
 *
 * A child process serves HTTP with WORK_MS of CPU per request and records when it
 * accepts each connection. In each of ten rounds the client sends 1,000 requests 100 at a
 * time over 100 connections it opens in the burst (cold), then the same again over the
 * connections now open (warm). Whether a cold burst has the tail depends on whether
 * requests reach the server before all connections are accepted. Since libuv 1.45 (Node.js 20), a server accepts one connection per event
 * loop iteration (libuv/libuv#3696, nodejs/node#57364), and each iteration also serves a
 * request on every connection accepted before: the k-th connection waits about
 * WORK_MS * k^2 / 2, until the burst's requests run out.
 */
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { percentile } from './benchHelpers';

const REQUESTS = 1000;
const CONCURRENCY = 100;
const ROUNDS = 10;

function serve(workMs: number) {
  let firstAccept: bigint | undefined;
  const accepts: number[] = [];
  const server = http.createServer((req, res) => {
    if (req.url === '/accepts') {
      accepts.pop(); // this request's own connection
      res.end(JSON.stringify(accepts.splice(0)));
      firstAccept = undefined;
      return;
    }
    const end = performance.now() + workMs;
    while (performance.now() < end);
    res.end('ok');
  });
  server.on('connection', () => {
    const now = process.hrtime.bigint();
    firstAccept ??= now;
    accepts.push(Number(now - firstAccept) / 1e6);
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (address && typeof address === 'object') process.send!(address.port);
  });
}

function get(
  port: number,
  path: string,
  agent: http.Agent | false,
): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent }, res => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', chunk => (body += chunk));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

async function burst(port: number, agent: http.Agent): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < REQUESTS) {
        const start = process.hrtime.bigint();
        await get(port, '/', agent);
        latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
    }),
  );
  return latencies.sort((a, b) => a - b);
}

async function main(workMs: number) {
  const child: ChildProcess = fork(__filename, ['serve', String(workMs)], {
    execArgv: process.execArgv,
  });
  try {
    // The only number it sends; the TypeScript transform sends its own messages too.
    const port = await new Promise<number>(resolve =>
      child.on('message', message => {
        if (typeof message === 'number') resolve(message);
      }),
    );
    const cell = (value: number, width = 6) => value.toFixed(0).padStart(width);
    console.log(
      `\nBare Node.js ${process.version} HTTP server, ${workMs} ms CPU per request: ${REQUESTS} requests, ${CONCURRENCY} at a time, ${ROUNDS} rounds`,
    );
    console.log(
      `${'round'.padEnd(6)} | cold: ${'p50'.padStart(6)} ${'p99'.padStart(
        6,
      )} ${'>500ms'.padStart(6)} ${'last accept'.padStart(
        11,
      )} | warm: ${'p50'.padStart(6)} ${'p99'.padStart(6)}`,
    );
    let tails = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      const agent = new http.Agent({
        keepAlive: true,
        maxSockets: CONCURRENCY,
      });
      const cold = await burst(port, agent);
      const accepts: number[] = JSON.parse(await get(port, '/accepts', false));
      const warm = await burst(port, agent);
      agent.destroy();
      const over = cold.filter(l => l > 500).length;
      if (over) tails++;
      console.log(
        `${String(round).padEnd(6)} |       ${cell(
          percentile(cold, 50),
        )} ${cell(percentile(cold, 99))} ${cell(over)} ${cell(
          Math.max(0, ...accepts),
          11,
        )} |       ${cell(percentile(warm, 50))} ${cell(percentile(warm, 99))}`,
      );
      await new Promise(resolve => setTimeout(resolve, 200));
    }
    console.log(
      `${tails} of ${ROUNDS} cold bursts had requests over 500 ms; 'last accept' is when the server accepted the burst's last connection, in ms after its first`,
    );
  } finally {
    child.kill();
  }
}

if (process.argv[2] === 'serve') {
  serve(Number(process.argv[3]));
} else {
  main(Number(process.argv[2] ?? 1)).catch(error => {
    console.error(error);
    process.exit(1);
  });
}
