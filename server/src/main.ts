// The `keras-lint` executable: `server` starts the language server (what the VS Code client
// launches), anything else is the command line (`check`, `rule`, usage errors). Each is a bundle
// of its own next to this one (scripts/build.mjs), loaded only when asked for: compiling the
// language server's code (two thirds of it all) cost every `check` ~16 ms, which the command line
// does not need. The command line's bundles are loaded with their code cache (bundleLoader.ts);
// the checking threads of `check` (cli/parallel.ts) start this file too, with CHECK_WORKER_ARGUMENT.
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { loadBundle } from './bundleLoader';
import { startEarlyHelper } from './cli/helperThread';
import type * as CheckWorker from './cli/checkWorker';
import type * as CommandLine from './cli/main';
import { BASELINE_WASM_UNDONE, CHECK_V8_FLAGS_UNDONE, CHECK_WORKER_ARGUMENT, V8_FLAGS_KNOWN } from './cli/processOptions';
import type * as LanguageServer from './lsp/main';

const argv = process.argv.slice(2);
/**
 * Writes a bundle's code cache at exit (the build's training run) under the V8 flags the bundle is
 * loaded with, `flagsAtLoad`, set back first: V8 takes a cache only under the flags it was made with.
 */
const writeCacheAtExit = (flagsAtLoad: string) => (write: () => void) =>
  process.on('exit', () => {
    if (V8_FLAGS_KNOWN) setFlagsFromString(flagsAtLoad);
    write();
  });
/** A checking worker: started by `check` with CHECK_WORKER_ARGUMENT (typed by a user, it is an unknown command). */
const isCheckWorker = () => argv[0] === CHECK_WORKER_ARGUMENT && !(require('node:worker_threads') as typeof import('node:worker_threads')).isMainThread;
try {
  if (argv[0] === 'server') (require('./lsp.js') as typeof LanguageServer).startStdioOrIpcServer();
  else if (isCheckWorker()) {
    // Loaded under the command line's CHECK_V8_FLAGS, set before it started the workers.
    const worker = loadBundle<typeof CheckWorker>(join(__dirname, 'checkWorker.js'), require, writeCacheAtExit(BASELINE_WASM_UNDONE));
    worker.exports.startCheckWorker(worker.codeCache);
  } else {
    // Loaded under V8's default flags: `check` sets its own only after (cli/processOptions.ts says
    // why). The caches are made by `check` runs, so other commands neither use nor write them.
    const check = argv[0] === 'check';
    // A thread takes ~50 ms to start: the helper that parses half of a big script starts before the bundle loads.
    const earlyHelper = check ? startEarlyHelper(__dirname, argv.slice(1)) : undefined;
    const commandLine = loadBundle<typeof CommandLine>(join(__dirname, 'cli.js'), require, check ? writeCacheAtExit(`${CHECK_V8_FLAGS_UNDONE} ${BASELINE_WASM_UNDONE}`) : undefined);
    commandLine.exports.runCommandLine(argv, commandLine.codeCache, earlyHelper);
  }
} catch (error) {
  process.stderr.write(`keras-lint: internal error: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 2;
}
