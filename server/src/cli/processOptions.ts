// What the executable (server/src/main.ts) sets up for `check` before it loads the command line's
// bundle, kept here so that bundle and the small executable agree on it.

/**
 * `check` runs the interpreter once per file, mostly before V8 has optimised it, and V8's
 * optimising compiler runs on threads that compete with the checking threads on a small machine.
 * Its default inlining budget made it spend ~1 s of CPU on the benchmark folder; a smaller one
 * halves that. A budget of executed bytecode 8x the default (67,584) before a function is
 * optimised leaves only the really hot ones to it (229 → ~80 optimised functions on the benchmark
 * folder, 7-10 % less wall and CPU time; the 10,000-line file no slower). Measured with
 * `npm run bench` on 2 cores. Set for the whole process, workers included, before any of them is
 * optimised, and before the bundle is compiled (its code cache is only taken under the same flags).
 */
export const CHECK_V8_FLAGS = '--max-inlined-bytecode-size-cumulative=200 --interrupt-budget=540672';

/**
 * V8 compiles the parser's wasm with its baseline compiler (Liftoff) and recompiles the hot
 * functions with its optimising one as they run. Liftoff code that may be recompiled counts its
 * own work as it runs, and that count slowed the 10,000-line benchmark file's parse by ~20 %
 * (~40 ms of ~230); the recompiled code parses ~25 % faster, which pays back only after about a
 * megabyte. So a run that parses less than that per thread keeps the baseline code: the check
 * sets this flag (before the wasm is compiled, which reads it) when it knows its input's size.
 */
export const BASELINE_WASM_FLAG = '--liftoff-only';
/**
 * The flags as they were before BASELINE_WASM_FLAG, set again before a code cache is written
 * (main.ts): V8 takes a cache only under the flags it was made with, and the caches are loaded
 * before the flag is set. `--liftoff-only` also turned the two tier-up flags off. Not earlier:
 * V8 compiles each wasm function when it is first called, under the flags of that moment.
 */
export const BASELINE_WASM_UNDONE = '--no-liftoff-only --wasm-tier-up --wasm-dynamic-tiering';
export const BASELINE_WASM_MAX_BYTES_PER_THREAD = 1024 * 1024;

/** The executable's first argument in a checking worker thread (cli/parallel.ts): it then loads checkWorker.js. */
export const CHECK_WORKER_ARGUMENT = '--keras-lint-check-worker';
