// The command line's process entry (bundled as dist/server/cli.js; main.ts dispatches to it):
// runs `check` or `rule` with the process's streams and sets the exit code. The executable has set
// the V8 flags of `check` already (processOptions.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeCacheUse } from '../bundleLoader';
import { runCli } from './cli';
import { helperScript, type EarlyHelper } from './helperThread';
import { CHECK_WORKER_ARGUMENT } from './processOptions';

/** `earlyHelper`: started by the executable for a `check` of a big script (helperThread.ts). */
export function runCommandLine(argv: string[], codeCache: CodeCacheUse, earlyHelper?: EarlyHelper): void {
  // A reader that stops early (`keras-lint check | head`) is no error; a full disk is one line, not a stack.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') return;
    process.stderr.write(`keras-lint: error: cannot write the report: ${error.code ?? error.message}\n`);
    process.exit(2);
  });
  let cwd: string;
  try {
    cwd = process.cwd();
  } catch (error) {
    process.stderr.write(`keras-lint: error: the current folder cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}); was it deleted?\n`);
    process.exitCode = 2;
    return;
  }
  // Workers start from the executable, which loads checkWorker.js: without that bundle (the .vsix ships none), no workers.
  const worker = existsSync(join(__dirname, 'checkWorker.js')) ? { script: join(__dirname, 'main.js'), argv: [CHECK_WORKER_ARGUMENT] } : undefined;
  const helper = helperScript(__dirname);
  runCli(argv, { stdout: process.stdout, stderr: process.stderr, cwd, codeCache, worker, helperScript: existsSync(helper) ? helper : undefined, earlyHelper }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`keras-lint: internal error: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
