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

/** The executable's first argument in a checking worker thread (cli/parallel.ts): it then loads checkWorker.js. */
export const CHECK_WORKER_ARGUMENT = '--keras-lint-check-worker';
