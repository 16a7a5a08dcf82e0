// A minimal LSP client for protocol tests: spawns the built server (`node bin/keras-lint.js server
// --stdio`), answers the requests a real editor answers (workspace/configuration per scope URI,
// capability registration, inlay hint refresh), records published diagnostics, and waits for the
// next publication that matches a predicate instead of sleeping.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import {
  ConfigurationRequest,
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  IPCMessageReader,
  IPCMessageWriter,
  InlayHintRefreshRequest,
  LogMessageNotification,
  MessageType,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type ClientCapabilities,
  type InitializeResult,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';

export const ROOT = join(__dirname, '..', '..');

interface Waiter {
  uri: string;
  predicate: (p: PublishDiagnosticsParams) => boolean;
  resolve: (p: PublishDiagnosticsParams) => void;
}

export interface StartOptions {
  /** The `keras-lint` settings the client returns for a scope URI (default: none set). */
  settingsFor?: (scopeUri: string | undefined) => Record<string, unknown>;
  capabilities?: ClientCapabilities;
  initializationOptions?: Record<string, unknown>;
  /** The script started with `server --stdio` (default bin/keras-lint.js), or with `server --node-ipc` when transport is 'ipc'. */
  script?: string;
  transport?: 'stdio' | 'ipc';
  /** How long the client takes to answer its n-th workspace/configuration request (1-based; Infinity: never, as a broken client). */
  configurationDelayMs?: (n: number) => number;
  /** Environment of the server process (default: this process's). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export const CLIENT_CAPABILITIES: ClientCapabilities = {
  workspace: {
    configuration: true,
    didChangeConfiguration: { dynamicRegistration: true },
    inlayHint: { refreshSupport: true },
  },
  textDocument: {
    publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
    codeAction: { isPreferredSupport: true, dataSupport: true },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    inlayHint: {},
  },
};

export class LspClient {
  readonly published: PublishDiagnosticsParams[] = [];
  readonly registrations: string[] = [];
  /** The options of each registration, by method. */
  readonly registrationOptions = new Map<string, unknown>();
  configurationRequests = 0;
  inlayHintRefreshes = 0;
  stderr = '';
  /** window/logMessage messages of type Error or Warning (the server logs what it caught there). */
  readonly problems: string[] = [];
  initializeResult!: InitializeResult;
  private waiters: Waiter[] = [];

  private constructor(
    readonly process: ChildProcess,
    readonly connection: ProtocolConnection,
    public settingsFor: (scopeUri: string | undefined) => Record<string, unknown>,
  ) {}

  static async start(options: StartOptions = {}): Promise<LspClient> {
    const script = options.script ?? join(ROOT, 'bin', 'keras-lint.js');
    const env = options.env ?? process.env;
    const cwd = options.cwd ?? ROOT;
    let child: ChildProcess;
    let connection: ProtocolConnection;
    if (options.transport === 'ipc') {
      // What the VS Code client's TransportKind.ipc does: fork the module with an IPC channel.
      child = fork(script, ['server', '--node-ipc'], { cwd, env, stdio: ['pipe', 'pipe', 'pipe', 'ipc'] });
      connection = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    } else {
      child = spawn(process.execPath, [script, 'server', '--stdio'], { cwd, env, stdio: 'pipe' });
      connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    }
    const client = new LspClient(child, connection, options.settingsFor ?? (() => ({})));
    child.stderr!.on('data', (chunk: Buffer) => {
      client.stderr += chunk.toString();
    });
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => client.received(params));
    connection.onNotification(LogMessageNotification.type, (params) => {
      if (params.type === MessageType.Error || params.type === MessageType.Warning) client.problems.push(params.message);
    });
    connection.onRequest(ConfigurationRequest.type, (params) => {
      client.configurationRequests++;
      const delay = options.configurationDelayMs?.(client.configurationRequests) ?? 0;
      const answer = () => params.items.map((item) => (item.section === 'keras-lint' ? client.settingsFor(item.scopeUri) : null));
      if (delay === Infinity) return new Promise<never>(() => {});
      // Read the settings when answering, as a client does.
      return delay > 0 ? new Promise<unknown[]>((resolve) => setTimeout(() => resolve(answer()), delay)) : answer();
    });
    connection.onRequest(RegistrationRequest.type, (params) => {
      client.registrations.push(...params.registrations.map((r) => r.method));
      for (const r of params.registrations) client.registrationOptions.set(r.method, r.registerOptions);
    });
    connection.onRequest(InlayHintRefreshRequest.type, () => {
      client.inlayHintRefreshes++;
    });
    connection.listen();
    client.initializeResult = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      workspaceFolders: null,
      capabilities: options.capabilities ?? CLIENT_CAPABILITIES,
      initializationOptions: { debounceMs: 10, ...options.initializationOptions },
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  /** The next publication for `uri` (sent after this call) that satisfies `predicate`. */
  nextDiagnostics(uri: string, predicate: (p: PublishDiagnosticsParams) => boolean = () => true, timeoutMs = 10000): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { uri, predicate, resolve: (p) => { clearTimeout(timer); resolve(p); } };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        const seen = this.published.filter((p) => p.uri === uri).map((p) => `v${p.version}: ${p.diagnostics.map((d) => d.code).join(',')}`);
        reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; seen: ${seen.join(' | ')}\nserver stderr: ${this.stderr}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  async open(uri: string, text: string, version = 1): Promise<void> {
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version, text } });
  }

  async change(uri: string, version: number, contentChanges: TextDocumentContentChangeEvent[]): Promise<void> {
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges });
  }

  async configurationChanged(): Promise<void> {
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  }

  /** shutdown, exit, and the server process's exit code. */
  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.process.once('exit', (code) => resolve(code)));
    await this.connection.sendRequest(ShutdownRequest.type);
    await this.connection.sendNotification(ExitNotification.type);
    const code = await exited;
    this.connection.dispose();
    return code;
  }

  kill(): void {
    this.connection.dispose();
    if (this.process.exitCode === null) this.process.kill();
  }

  private received(params: PublishDiagnosticsParams): void {
    this.published.push(params);
    const matching = this.waiters.filter((w) => w.uri === params.uri && w.predicate(params));
    this.waiters = this.waiters.filter((w) => !matching.includes(w));
    for (const waiter of matching) waiter.resolve(params);
  }
}
