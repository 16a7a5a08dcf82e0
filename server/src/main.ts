// The `keras-lint` executable: `check` and `rule` run the CLI, `server` starts the language server
// (also what the VS Code client launches).
import { runCli } from './cli/cli';

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'server') {
    const { startStdioOrIpcServer } = await import('./lsp/main');
    startStdioOrIpcServer();
    return -1; // keeps running until the client says exit
  }
  return runCli(argv, { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });
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
