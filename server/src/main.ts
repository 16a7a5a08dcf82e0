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
import { BASELINE_WASM_KNOWN, BASELINE_WASM_UNDONE, CHECK_V8_FLAGS, CHECK_WORKER_ARGUMENT } from './cli/processOptions';
import type * as LanguageServer from './lsp/main';

const argv = process.argv.slice(2);
const writeCacheAtExit = (write: () => void) =>
  process.on('exit', () => {
    if (BASELINE_WASM_KNOWN) setFlagsFromString(BASELINE_WASM_UNDONE);
    write();
  });
/** A checking worker: started by `check` with CHECK_WORKER_ARGUMENT (typed by a user, it is an unknown command). */
const isCheckWorker = () => argv[0] === CHECK_WORKER_ARGUMENT && !(require('node:worker_threads') as typeof import('node:worker_threads')).isMainThread;
try {
  if (argv[0] === 'server') (require('./lsp.js') as typeof LanguageServer).startStdioOrIpcServer();
  else if (isCheckWorker()) {
    const worker = loadBundle<typeof CheckWorker>(join(__dirname, 'checkWorker.js'), require, writeCacheAtExit);
    worker.exports.startCheckWorker(worker.codeCache);
  } else {
    // Before the bundle is compiled: V8 takes a code cache only under the flags it was made with
    // (the caches are made by `check` runs, so other commands neither use nor write them).
    const check = argv[0] === 'check';
    if (check) setFlagsFromString(CHECK_V8_FLAGS);
    // A thread takes ~0.1 s to start: the helper that parses half of a big script starts before the bundle loads.
    const earlyHelper = check ? startEarlyHelper(__dirname, argv.slice(1)) : undefined;
    const commandLine = loadBundle<typeof CommandLine>(join(__dirname, 'cli.js'), require, check ? writeCacheAtExit : undefined);
    commandLine.exports.runCommandLine(argv, commandLine.codeCache, earlyHelper);
  }
} catch (error) {
  process.stderr.write(`keras-lint: internal error: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 2;
}
