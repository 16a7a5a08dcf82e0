// The `keras-lint` executable: `server` starts the language server (what the VS Code client
// launches), anything else is the command line (`check`, `rule`, usage errors). Each is a bundle
// of its own next to this one (scripts/build.mjs), loaded only when asked for: compiling the
// language server's code (two thirds of it all) cost every `check` ~16 ms, which the command line
// does not need.
import type * as CommandLine from './cli/main';
import type * as LanguageServer from './lsp/main';

const argv = process.argv.slice(2);
try {
  if (argv[0] === 'server') (require('./lsp.js') as typeof LanguageServer).startStdioOrIpcServer();
  else (require('./cli.js') as typeof CommandLine).runCommandLine(argv);
} catch (error) {
  process.stderr.write(`keras-lint: internal error: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 2;
}
