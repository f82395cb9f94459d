/**
 * Bench-only preload of `scripts/bench.sh soak`: the soak starts the backend with
 * NODE_OPTIONS=--require <this file> and KAAS_BENCH_MEMORY_FILE set; nothing else loads it,
 * so no production code path knows about it. Every KAAS_BENCH_MEMORY_INTERVAL_MS it
 * appends one JSON line with process.memoryUsage() before and after a full garbage
 * collection: the heap after a full collection is what the process still holds (the
 * figure a leak grows); the heap before it is wherever the sawtooth happened to be.
 * The collection is forced through V8's gc() made reachable here, not with --expose-gc
 * on the command line, so the backend's own globals stay as in production.
 */
'use strict';

const file = process.env.KAAS_BENCH_MEMORY_FILE;
if (file) {
  const fs = require('node:fs');
  const v8 = require('node:v8');
  const vm = require('node:vm');
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  const everyMs = Number(process.env.KAAS_BENCH_MEMORY_INTERVAL_MS || 15000);
  const timer = setInterval(() => {
    const before = process.memoryUsage();
    const start = process.hrtime.bigint();
    gc();
    const gcMs = Number(process.hrtime.bigint() - start) / 1e6;
    const after = process.memoryUsage();
    fs.appendFileSync(
      file,
      `${JSON.stringify({
        pid: process.pid,
        t: Date.now(),
        heapUsed: before.heapUsed,
        liveHeap: after.heapUsed,
        heapTotal: after.heapTotal,
        external: after.external,
        gcMs,
      })}\n`,
    );
  }, everyMs);
  timer.unref();
}
