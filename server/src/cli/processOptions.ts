// The V8 flags of `check` (set by the command line once it knows its input, cli.ts) and the worker
// argument, kept here so that the bundles and the small executable agree on them.
//
// Any flag V8 is given makes it refuse Node's own code cache for Node's built-in modules, made
// under the default flags: a thread that starts while a flag is set compiles Node's modules from
// source, which made the helper thread of a big script (cli/helperThread.ts) ready ~26 ms later
// (~78 against ~52 ms from its start, measured alone). Flags set back to their default values give
// V8's own hash of them again, and the caches are accepted. So `check` sets its flags only once the
// command line's bundle is loaded (that helper has started meanwhile), and the bundle's code cache
// is made under the default flags (main.ts sets them back before writing it).

/**
 * `check` runs the interpreter once per file, mostly before V8 has optimised it, and V8's
 * optimising compiler runs on threads that compete with the checking threads on a small machine.
 * Its default inlining budget made it spend ~1 s of CPU on the benchmark folder; a smaller one
 * halves that. A budget of executed bytecode 8x the default (67,584) before a function is
 * optimised leaves only the really hot ones to it (229 → ~80 optimised functions on the benchmark
 * folder, 7-10 % less wall and CPU time). The 10,000-line file, parsed in two parts, is ~60 ms
 * faster with them: its first part ran in 100 instead of 133 ms, the rules in 17 instead of 46
 * (more optimising, on threads the helper's parse needs too, is the likely cause). Measured with
 * `npm run bench` and side by side on 2 cores. Set for the whole process, before the checking
 * workers start (their bundle's code cache is made under these flags) and before files are checked.
 */
export const CHECK_V8_FLAGS = '--max-inlined-bytecode-size-cumulative=200 --interrupt-budget=540672';
/** CHECK_V8_FLAGS's two flags at V8 11's defaults. */
export const CHECK_V8_FLAGS_UNDONE = '--max-inlined-bytecode-size-cumulative=920 --interrupt-budget=67584';

/**
 * V8 compiles the parser's wasm with its baseline compiler (Liftoff) and recompiles the hot
 * functions with its optimising one as they run. Liftoff code that may be recompiled counts its
 * own work as it runs, and that count slowed the 10,000-line benchmark file's parse by ~20 %
 * (~40 ms of ~230); the recompiled code parses ~25 % faster, which pays back only after about a
 * megabyte. So a run that parses less than that per thread keeps the baseline code: the check
 * sets this flag when it knows its input's size (cli.ts). V8 reads it when the wasm is compiled
 * and again when each function is first called (lazily), so it stays set while the files are
 * checked. Only without checking workers: a worker loads its bundle with the code cache later,
 * and V8 refuses a cache under other flags than it was made with.
 */
export const BASELINE_WASM_FLAG = '--liftoff-only';
export const BASELINE_WASM_MAX_BYTES_PER_THREAD = 1024 * 1024;
/**
 * The flags as they were before BASELINE_WASM_FLAG, set again before a code cache is written
 * (main.ts) and once the executable has compiled the wasm early (helperThread.ts): the caches are
 * made, and loaded, without the flag. `--liftoff-only` also turned the two tier-up flags off.
 */
export const BASELINE_WASM_UNDONE = '--no-liftoff-only --wasm-tier-up --wasm-dynamic-tiering';
/**
 * Whether this is the V8 all these flags were measured on (V8 11, Node 20): `check` sets none on
 * another. It may name them, imply others or default them differently (the _UNDONE strings would
 * not give its defaults back), and V8 prints an error for a flag it does not know.
 */
export const V8_FLAGS_KNOWN = /^11\./.test(process.versions.v8);

/** The executable's first argument in a checking worker thread (cli/parallel.ts): it then loads checkWorker.js. */
export const CHECK_WORKER_ARGUMENT = '--keras-lint-check-worker';
