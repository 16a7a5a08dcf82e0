// The language server as a function of a connection, so that tests can run it in-process and the
// `keras-lint server` command over stdio or node-ipc. Only wiring lives here: each feature has its
// own module, and every handler is guarded so that no request or analysis can bring the server down.
import {
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  ErrorCodes,
  NotebookDocuments,
  ResponseError,
  TextDocumentSyncKind,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { initParser } from '../core/analyze';
import { affectsWorkspace, clearWorkspaceCaches } from '../workspace';
import { Checker } from './checker';
import { CODE_ACTION_KINDS, codeActions } from './codeActions';
import { ParsedDocuments } from './documents';
import { hover } from './hover';
import { inlayHints } from './inlayHints';
import { saneNotebookSync } from './notebookSync';
import { isCodeActionParams, isHoverParams, isInlayHintParams } from './params';
import { filePathOf, SettingsStore } from './settings';

export const DEFAULT_DEBOUNCE_MS = 150;
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Files whose change may change a project's settings or pinned Keras version: the dependency files,
 * and any .txt or .in file, which a requirements file may include (`-r requirements/base.txt`,
 * `-c constraints.txt`). A change re-checks only when it is one of those or a file the pins were
 * read from (workspace.ts affectsWorkspace): a training log written to a .txt costs nothing.
 */
const PROJECT_FILES = ['**/{pyproject.toml,setup.cfg,Pipfile,environment.yml,environment.yaml}', '**/*.{txt,in}'];

/** Options a client may pass as `initializationOptions`. */
interface InitializationOptions {
  /** Delay between the last change and the analysis (tests use a few ms). */
  debounceMs?: number;
  /** How long to wait for a workspace/configuration answer before using the defaults (tests use a few ms). */
  configurationTimeoutMs?: number;
  /** Settings for clients that cannot answer workspace/configuration (later ones come with didChangeConfiguration). */
  settings?: Record<string, unknown>;
}

/** Wires keras-lint's handlers onto `connection` and starts listening. */
export function createServer(connection: Connection): { dispose(): void } {
  const docs = new ParsedDocuments((uri) => connection.console.warn(`keras-lint: ignored a change of ${uri}: one of its content changes has no text or a malformed range`));
  const notebooks = new NotebookDocuments<TextDocument>(docs.documents);
  const settings = new SettingsStore(connection);
  const checker = new Checker(connection, docs, notebooks, settings, DEFAULT_DEBOUNCE_MS);
  const client = { dynamicConfiguration: false, dynamicWatchers: false, inlayHintRefresh: false, documentChanges: false };
  let shutDown = false;

  const log = (what: string, error: unknown) =>
    connection.console.error(`keras-lint: ${what} failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  function guard<P, R>(what: string, fallback: R, handler: (params: P) => R): (params: P) => R {
    return (params) => {
      try {
        return handler(params);
      } catch (error) {
        log(what, error);
        return fallback;
      }
    };
  }

  /** A guarded request handler that first answers as the LSP says: InvalidRequest after shutdown, InvalidParams for malformed parameters. */
  function guardRequest<P, R>(what: string, fallback: R, valid: (params: unknown) => params is P, handler: (params: P) => R): (params: P) => R | ResponseError<void> {
    const guarded = guard(what, fallback, handler);
    return (params) => {
      if (shutDown) return new ResponseError(ErrorCodes.InvalidRequest, 'keras-lint: the server is shutting down');
      if (!valid(params)) return new ResponseError(ErrorCodes.InvalidParams, `keras-lint: malformed ${what} request`);
      return guarded(params);
    };
  }

  connection.onInitialize(async (params): Promise<InitializeResult> => {
    const capabilities = params.capabilities;
    settings.canPullConfiguration = capabilities.workspace?.configuration === true;
    client.dynamicConfiguration = capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true;
    client.dynamicWatchers = capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    client.inlayHintRefresh = capabilities.workspace?.inlayHint?.refreshSupport === true;
    client.documentChanges = capabilities.workspace?.workspaceEdit?.documentChanges === true;
    const options = (params.initializationOptions ?? {}) as InitializationOptions;
    // Timers take at most 2^31 - 1 ms (Node fires a longer one at once).
    if (typeof options.debounceMs === 'number' && options.debounceMs >= 0) checker.debounceMs = Math.min(options.debounceMs, MAX_TIMER_MS);
    if (typeof options.configurationTimeoutMs === 'number' && options.configurationTimeoutMs > 0) settings.configurationTimeoutMs = Math.min(options.configurationTimeoutMs, MAX_TIMER_MS);
    if (options.settings && typeof options.settings === 'object') settings.initialSettings = options.settings;
    try {
      await initParser();
    } catch (error) {
      log('loading the Python parser', error);
    }
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        notebookDocumentSync: {
          // Every cell is synced, markdown too, so that cell numbers in messages ("cell 4, line 2")
          // count cells as the notebook shows them; only Python code cells are analysed.
          notebookSelector: [{ notebook: { notebookType: 'jupyter-notebook' } }],
        },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: CODE_ACTION_KINDS },
        inlayHintProvider: true,
      },
      serverInfo: { name: 'keras-lint' },
    };
  });

  connection.onInitialized(() => {
    if (client.dynamicConfiguration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'keras-lint' }).catch((e) => log('registering for settings changes', e));
    }
    if (client.dynamicWatchers) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: PROJECT_FILES.map((globPattern) => ({ globPattern })) }).catch((e) => log('watching project files', e));
    }
  });

  const recheck = () => {
    settings.clear();
    clearWorkspaceCaches();
    checker.recheckAll();
  };
  connection.onDidChangeConfiguration(guard('re-checking after a settings change', undefined, (params) => {
    // Clients that cannot be asked (no workspace/configuration) push the settings here instead.
    const pushed = (params.settings as Record<string, unknown> | null | undefined)?.['keras-lint'];
    if (!settings.canPullConfiguration && pushed && typeof pushed === 'object') settings.initialSettings = pushed as Record<string, unknown>;
    recheck();
  }));
  connection.onDidChangeWatchedFiles(guard('re-checking after a project file change', undefined, (params) => {
    if (params.changes.some((change) => affectsWorkspace(filePathOf(change.uri) ?? ''))) recheck();
  }));

  docs.documents.onDidChangeContent(guard('scheduling a check', undefined, (e) => checker.schedule(e.document.uri)));
  docs.documents.onDidClose(guard('closing a document', undefined, (e) => checker.documentClosed(e.document.uri)));
  notebooks.onDidOpen(guard('opening a notebook', undefined, (notebook) => checker.notebookOpened(notebook.uri)));
  notebooks.onDidChange(guard('scheduling a notebook check', undefined, (e) => checker.schedule(e.notebookDocument.uri)));
  notebooks.onDidClose(guard('closing a notebook', undefined, (notebook) => checker.notebookClosed(notebook)));

  // Ask the client to re-request inlay hints when a new result changed them, or when hints were
  // asked for while the result was of an older version (VS Code asks right after each change,
  // before the debounced check: the empty answer would stay until some hint moved).
  const shownHints = new Map<string, string>();
  const staleHintAnswers = new Set<string>();
  checker.onResult = (snapshot) => {
    const signature = JSON.stringify([snapshot.settings.inlayHints, snapshot.parts.map((p) => p.start), snapshot.result.accuracyHints]);
    const answeredStale = staleHintAnswers.delete(snapshot.key);
    if (shownHints.get(snapshot.key) === signature && !answeredStale) return;
    shownHints.set(snapshot.key, signature);
    if (client.inlayHintRefresh) void connection.languages.inlayHint.refresh().catch(() => undefined);
  };

  connection.onHover(guardRequest('hover', null, isHoverParams, (params) => hover(params, docs, checker)));
  connection.onCodeAction(guardRequest('code actions', [], isCodeActionParams, (params) => {
    const uri = params.textDocument.uri;
    if (!docs.get(uri) || !checker.isEnabled(uri)) return [];
    return codeActions(params, {
      versionOf: (u) => docs.get(u)?.version,
      published: checker.diagnosticsOf(uri),
      documentChanges: client.documentChanges,
    });
  }));
  connection.languages.inlayHint.on(guardRequest('inlay hints', [], isInlayHintParams, (params) => inlayHints(params, docs, checker, (key) => staleHintAnswers.add(key))));

  // After shutdown the LSP allows only exit: requests are refused above, and no check runs or publishes.
  connection.onShutdown(() => {
    shutDown = true;
    checker.dispose();
  });

  docs.documents.listen(connection);
  notebooks.listen(saneNotebookSync(connection, notebooks, guard('scheduling a notebook check', undefined, (uri: string) => checker.schedule(uri))));
  connection.listen();

  return {
    dispose() {
      checker.dispose();
      docs.dispose();
    },
  };
}
