// Bench-only preload (NODE_OPTIONS=--require ...): samples where this process allocates,
// collected objects included (Node's --heap-prof keeps only what is still alive), from
// the moment the file KAAS_BENCH_ALLOCATIONS_START names exists until the process gets
// SIGUSR2, and writes the profile to KAAS_BENCH_ALLOCATIONS_OUT (a .heapprofile that
// Chrome DevTools opens). With KAAS_BENCH_ALLOCATIONS_SURVIVORS=1 it leaves out what
// young-generation collections freed: what remains is what lived long enough to be
// promoted to the old generation, which is what makes full collections come.
const fs = require('node:fs');
const inspector = require('node:inspector');

const out = process.env.KAAS_BENCH_ALLOCATIONS_OUT;
const startFile = process.env.KAAS_BENCH_ALLOCATIONS_START;
if (out && startFile) {
  const session = new inspector.Session();
  session.connect();
  let started = false;
  const poll = setInterval(() => {
    if (started || !fs.existsSync(startFile)) return;
    started = true;
    clearInterval(poll);
    session.post('HeapProfiler.startSampling', {
      samplingInterval: 4096,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC:
        process.env.KAAS_BENCH_ALLOCATIONS_SURVIVORS !== '1',
    });
  }, 50);
  poll.unref();
  process.on('SIGUSR2', () => {
    session.post('HeapProfiler.stopSampling', (error, result) => {
      if (!error) fs.writeFileSync(out, JSON.stringify(result.profile));
    });
  });
}
