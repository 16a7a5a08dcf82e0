// The command line's process entry (bundled as dist/server/cli.js; main.ts dispatches to it):
// runs `check` or `rule` with the process's streams and sets the exit code.
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runCli } from './cli';

/**
 * `check` runs the interpreter once per file, mostly before V8 has optimised it, and V8's
 * optimising compiler runs on threads that compete with the checking threads on a small machine.
 * Its default inlining budget made it spend ~1 s of CPU on the benchmark folder; a smaller one
 * halves that. A budget of executed bytecode 8x the default (67,584) before a function is
 * optimised leaves only the really hot ones to it (229 → ~80 optimised functions on the benchmark
 * folder, 7-10 % less wall and CPU time; the 10,000-line file no slower). Measured with
 * `npm run bench` on 2 cores. Set for the whole process, workers included, before any of them is
 * optimised.
 */
const CHECK_V8_FLAGS = '--max-inlined-bytecode-size-cumulative=200 --interrupt-budget=540672';

export function runCommandLine(argv: string[]): void {
  if (argv[0] === 'check') setFlagsFromString(CHECK_V8_FLAGS);
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
  runCli(argv, { stdout: process.stdout, stderr: process.stderr, cwd, workerScript: join(__dirname, 'checkWorker.js') }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`keras-lint: internal error: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
