// Bench-only preload (NODE_OPTIONS=--require ...): applies the V8 flags in
// KAAS_BENCH_V8_FLAGS (say `--no-allocation-site-pretenuring`) to this process once it
// has started, for flags NODE_OPTIONS does not accept. V8 reads most heap flags as it
// goes, but not all of them: compare with and without in the same hour.
const flags = process.env.KAAS_BENCH_V8_FLAGS;
if (flags) require('node:v8').setFlagsFromString(flags);
