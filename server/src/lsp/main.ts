// `keras-lint server`: the language server over stdio (`--stdio`, for tests and other editors) or
// node-ipc (`--node-ipc`, what the VS Code client's TransportKind.ipc passes).
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { createServer } from './server';

const TRANSPORTS = ['--stdio', '--node-ipc', '--socket', '--pipe'];

export function startStdioOrIpcServer(): void {
  const args = process.argv.slice(2);
  if (!args.some((a) => TRANSPORTS.includes(a.split('=')[0]))) {
    process.stderr.write('keras-lint server: give a transport: --stdio or --node-ipc\n');
    process.exit(2);
  }
  // createConnection reads the transport from the command line (and, for stdio, routes console.* to the client log).
  const connection = createConnection(ProposedFeatures.all);
  const report = (what: string) => (error: unknown) =>
    connection.console.error(`keras-lint: ${what}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  process.on('uncaughtException', report('uncaught exception'));
  process.on('unhandledRejection', report('unhandled rejection'));
  createServer(connection);
}
