// Bench-only preload (NODE_OPTIONS=--require ...): prints every garbage collection that
// paused the process for 10 ms or more, as `kaas-bench-gc <kind> <ms> <heapUsedMB>`.
// --trace-gc itself is not allowed in NODE_OPTIONS.
const { PerformanceObserver, constants } = require('node:perf_hooks');

const kinds = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

new PerformanceObserver(list => {
  for (const entry of list.getEntries()) {
    if (entry.duration < 10) continue;
    const heap = process.memoryUsage().heapUsed / 1024 / 1024;
    process.stderr.write(
      `kaas-bench-gc ${
        kinds[entry.detail?.kind] ?? 'other'
      } ${entry.duration.toFixed(1)} ${heap.toFixed(0)}\n`,
    );
  }
}).observe({ entryTypes: ['gc'] });
