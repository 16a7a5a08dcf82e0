// The `keras-lint` executable: `check` and `rule` run the CLI, `server` starts the language server
// (also what the VS Code client launches).
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runCli } from './cli/cli';

/**
 * `check` runs the interpreter once per file, mostly before V8 has optimised it: V8's default
 * inlining budget made its optimising compiler spend ~1 s of CPU on the benchmark folder (its
 * threads compete with the checking threads on a small machine); a smaller budget halves that,
 * and the checks run as fast (measured with `npm run bench`). Set for the whole process, workers
 * included, before any of them is optimised.
 */
const CHECK_V8_FLAGS = '--max-inlined-bytecode-size-cumulative=200';

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'server') {
    const { startStdioOrIpcServer } = await import('./lsp/main');
    startStdioOrIpcServer();
    return -1; // keeps running until the client says exit
  }
  if (argv[0] === 'check') setFlagsFromString(CHECK_V8_FLAGS);
  return runCli(argv, { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), workerScript: join(__dirname, 'checkWorker.js') });
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`keras-lint: internal error: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 2;
  },
);
