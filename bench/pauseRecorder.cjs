// Bench-only: records when this process could not run JavaScript, with wall-clock
// times, so a bench can say what overlapped its slowest requests: every garbage
// collection of 2 ms or more (`gc-minor`, `gc-major`, `gc-other`) and every time a 2 ms
// timer fired 10 ms or more late (`late`, which includes any collection meanwhile).
// Loaded into a backend as a preload (NODE_OPTIONS=--require ...) with
// KAAS_BENCH_PAUSES_TO_STDERR=1, it prints `kaas-bench-pause <kind> <startEpochMs> <ms>`
// lines for the bench to read from its output; required by the bench itself, it keeps
// them in `globalThis.kaasBenchPauses`.
const {
  PerformanceObserver,
  constants,
  performance,
} = require('node:perf_hooks');

const kinds = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'gc-major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'gc-minor',
};
const pauses = [];
globalThis.kaasBenchPauses = pauses;
const toStderr = process.env.KAAS_BENCH_PAUSES_TO_STDERR === '1';

function record(kind, start, duration) {
  pauses.push({ kind, start, duration });
  if (pauses.length > 100_000) pauses.splice(0, 50_000);
  if (toStderr) {
    process.stderr.write(
      `kaas-bench-pause ${kind} ${start.toFixed(1)} ${duration.toFixed(1)}\n`,
    );
  }
}

new PerformanceObserver(list => {
  for (const entry of list.getEntries()) {
    if (entry.duration < 2) continue;
    record(
      kinds[entry.detail?.kind] ?? 'gc-other',
      performance.timeOrigin + entry.startTime,
      entry.duration,
    );
  }
}).observe({ entryTypes: ['gc'] });

const INTERVAL = 2;
let expected = performance.now() + INTERVAL;
setInterval(() => {
  const now = performance.now();
  const late = now - expected;
  expected = now + INTERVAL;
  if (late >= 10) record('late', performance.timeOrigin + now - late, late);
}, INTERVAL).unref();
