// The VS Code side of keras-lint: starts the bundled language server (dist/server/main.js, the same
// bundle as the CLI) over node IPC for Python files and Jupyter notebook cells, and restarts it on
// demand. Everything else (diagnostics, fixes, hovers, hints) comes from the server.
import * as path from 'node:path';
import { commands, Uri, window, workspace, type ExtensionContext } from 'vscode';
import {
  LanguageClient,
  RevealOutputChannelOn,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';

const SECTION = 'keras-lint';
/** The settings the server reads (package.json `contributes.configuration`). */
const SETTING_KEYS = ['enable', 'select', 'ignore', 'severity', 'kerasVersion', 'inlayHints'];

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
  const output = window.createOutputChannel('keras-lint', { log: true });
  context.subscriptions.push(output);

  const module = context.asAbsolutePath(path.join('dist', 'server', 'main.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, args: ['server'] },
    debug: { module, transport: TransportKind.ipc, args: ['server'], options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'python' },
      { scheme: 'untitled', language: 'python' },
      { notebook: '*', language: 'python' },
    ],
    outputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    middleware: {
      workspace: {
        // Send only the settings the user actually set, so that unset ones do not hide the
        // project's [tool.keras-lint] table (the server lets client settings win key by key).
        configuration: (params, token, next) => {
          if (!params.items.every((item) => item.section === SECTION)) return next(params, token);
          return params.items.map((item) => explicitSettings(item.scopeUri ? Uri.parse(item.scopeUri) : undefined));
        },
      },
    },
  };

  client = new LanguageClient('keras-lint', 'keras-lint', serverOptions, clientOptions);
  context.subscriptions.push(
    commands.registerCommand('keras-lint.restartServer', async () => {
      if (!client) return;
      output.info('Restarting the keras-lint server');
      await client.restart();
    }),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  const running = client;
  client = undefined;
  await running?.stop();
}

/** The `keras-lint.*` settings set in the user, workspace or folder settings (defaults left out). */
function explicitSettings(scope: Uri | undefined): Record<string, unknown> {
  const config = workspace.getConfiguration(SECTION, scope);
  const settings: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    const inspected = config.inspect(key);
    const value = inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue;
    if (value !== undefined) settings[key] = value;
  }
  return settings;
}
