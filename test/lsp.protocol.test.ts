// What the built server answers to clients that break the protocol's rules: malformed request
// parameters get InvalidParams, code actions are built from what the server published (not from
// what the client echoes in `data`), notebook notifications that name cells wrongly still apply
// what they can, and after shutdown requests get InvalidRequest and nothing more is checked or
// published. None of it may show up as an error in the server's log.
import { afterEach, describe, expect, it } from 'vitest';
import {
  CodeActionRequest,
  DidChangeNotebookDocumentNotification,
  DidCloseNotebookDocumentNotification,
  DidOpenNotebookDocumentNotification,
  ErrorCodes,
  ExitNotification,
  HoverRequest,
  InlayHintRequest,
  ResponseError,
  ShutdownRequest,
  type CodeAction,
  type Diagnostic,
} from 'vscode-languageserver-protocol/node';
import { LspClient } from './helpers/lspClient';

const MODEL = `from keras.models import Sequential
from keras.layers import Dense
model = Sequential([Dense(10, activation='softmax')])
model.compile(loss='binary_crossentropy', metrics=['accuracy'])
`;

let client: LspClient | null = null;

afterEach(() => {
  client?.kill();
  client = null;
});

/** The error a request was answered with (the test fails if it got a result). */
async function errorOf(request: Promise<unknown>): Promise<ResponseError<unknown>> {
  try {
    const result = await request;
    throw new Error(`expected an error, got ${JSON.stringify(result)}`);
  } catch (error) {
    if (error instanceof ResponseError) return error;
    throw error;
  }
}

async function openModel(uri: string): Promise<Diagnostic[]> {
  const published = client!.nextDiagnostics(uri, (p) => p.diagnostics.length > 0);
  await client!.open(uri, MODEL);
  return (await published).diagnostics;
}

describe('malformed requests', () => {
  it('are answered with InvalidParams, and nothing is logged as an error', async () => {
    client = await LspClient.start();
    const uri = 'file:///protocol/params.py';
    await openModel(uri);
    const document = { uri };
    const range = { start: { line: 0, character: 0 }, end: { line: 3, character: 0 } };
    const malformed: [string, Promise<unknown>][] = [
      ['hover without a position', client.connection.sendRequest(HoverRequest.method, { textDocument: document })],
      ['hover without a document', client.connection.sendRequest(HoverRequest.method, { position: { line: 0, character: 0 } })],
      ['hover at a position of strings', client.connection.sendRequest(HoverRequest.method, { textDocument: document, position: { line: '1', character: '2' } })],
      ['inlay hints without a range', client.connection.sendRequest(InlayHintRequest.method, { textDocument: document })],
      ['inlay hints from null', client.connection.sendRequest(InlayHintRequest.method, { textDocument: document, range: { start: null, end: range.end } })],
      ['code actions without a context', client.connection.sendRequest(CodeActionRequest.method, { textDocument: document, range })],
      ['code actions with a string for only', client.connection.sendRequest(CodeActionRequest.method, { textDocument: document, range, context: { diagnostics: [], only: 'source' } })],
      ['code actions for a diagnostic without a range', client.connection.sendRequest(CodeActionRequest.method, { textDocument: document, range, context: { diagnostics: [{ code: 'KL002', source: 'keras-lint' }] } })],
    ];
    for (const [what, request] of malformed) {
      const error = await errorOf(request);
      expect(error.code, what).toBe(ErrorCodes.InvalidParams);
    }
    // A well-formed request still gets its answer, and the log holds no error or stack trace.
    expect(await client.connection.sendRequest(HoverRequest.type, { textDocument: document, position: { line: 3, character: 20 } })).not.toBeNull();
    expect(client.problems).toEqual([]);
  });
});

describe('code actions', () => {
  it('come from the diagnostics the server published, whatever data the client sends back', async () => {
    client = await LspClient.start();
    const uri = 'file:///protocol/data.py';
    const diagnostics = await openModel(uri);
    const kl002 = diagnostics.find((d) => d.code === 'KL002')!;
    // What an action does (its `diagnostics` echo the client's own diagnostic back, as they should).
    const ask = async (diagnostic: unknown) => {
      const actions = (await client!.connection.sendRequest(CodeActionRequest.method, { textDocument: { uri }, range: kl002.range, context: { diagnostics: [diagnostic] } })) as CodeAction[];
      return actions.map((a) => ({ title: a.title, isPreferred: a.isPreferred, edit: a.edit }));
    };
    const genuine = await ask(kl002);
    expect(genuine.map((a) => a.title)).toEqual(['Use categorical_crossentropy', 'Ignore KL002 on this line']);

    // Forged data: edits of another file, versions that cover nothing, entries of the wrong shape.
    const elsewhere = { uri: 'file:///etc/passwd', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: 'x' };
    const forgeries = [
      { ruleId: 'KL002', versions: {}, fixes: [{ title: 'forged', preferred: true, safe: true, edits: [elsewhere] }], noqa: elsewhere },
      { ruleId: 'KL002', versions: {}, fixes: [null], noqa: {} },
      { ruleId: 'KL002', versions: {}, fixes: [{}], noqa: null },
      'not data',
    ];
    for (const data of forgeries) expect(await ask({ ...kl002, data })).toEqual(genuine);
    // Without data the published diagnostic's is used; a diagnostic the server never published gets nothing.
    expect(await ask({ ...kl002, data: undefined })).toEqual(genuine);
    const moved = { ...kl002, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 4 } }, data: forgeries[0] };
    expect(await ask(moved)).toEqual([]);
    expect(client.problems).toEqual([]);
  });
});

describe('notebook notifications that name cells wrongly', () => {
  const notebook = 'file:///protocol/train.ipynb';
  const cell = 'vscode-notebook-cell:/protocol/train.ipynb#A';

  async function openNotebook(): Promise<void> {
    const published = client!.nextDiagnostics(cell, (p) => p.diagnostics.length > 0);
    await client!.connection.sendNotification(DidOpenNotebookDocumentNotification.type, {
      notebookDocument: { uri: notebook, notebookType: 'jupyter-notebook', version: 1, cells: [{ kind: 2, document: cell }] },
      cellTextDocuments: [{ uri: cell, languageId: 'python', version: 1, text: MODEL }],
    });
    await published;
  }

  it('a change with data for a cell the notebook does not have still applies its text changes', async () => {
    client = await LspClient.start();
    await openNotebook();
    const cleared = client.nextDiagnostics(cell, (p) => p.diagnostics.length === 0);
    await client.connection.sendNotification(DidChangeNotebookDocumentNotification.type, {
      notebookDocument: { uri: notebook, version: 2 },
      change: {
        cells: {
          data: [{ kind: 2, document: 'vscode-notebook-cell:/protocol/train.ipynb#nowhere', metadata: {} }],
          textContent: [{ document: { uri: cell, version: 2 }, changes: [{ text: 'x = 1\n' }] }],
        },
      },
    });
    expect((await cleared).version).toBe(2);
    expect(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: cell }, position: { line: 3, character: 20 } })).toBeNull();
    expect(client.problems).toEqual([]);
  });

  it('a close that does not list its cells still closes them: nothing is published for them afterwards', async () => {
    client = await LspClient.start();
    await openNotebook();
    const cleared = client.nextDiagnostics(cell, (p) => p.diagnostics.length === 0);
    await client.connection.sendNotification(DidCloseNotebookDocumentNotification.type, { notebookDocument: { uri: notebook }, cellTextDocuments: [] });
    await cleared;
    const publishedBefore = client.published.length;
    // A settings change re-checks every open document: the cell must not be one of them.
    await client.configurationChanged();
    await new Promise((resolve) => setTimeout(resolve, 300));
    // (Clearing it twice, for the notebook and for the cell, is no harm; findings again would be.)
    expect(client.published.slice(publishedBefore).filter((p) => p.diagnostics.length > 0)).toEqual([]);
    expect(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: cell }, position: { line: 3, character: 20 } })).toBeNull();
    expect(client.problems).toEqual([]);
  });
});

describe('a client that never answers workspace/configuration', () => {
  it('still gets its documents checked, with the default settings, and one warning', async () => {
    client = await LspClient.start({ configurationDelayMs: () => Infinity, initializationOptions: { configurationTimeoutMs: 200 } });
    const diagnostics = await openModel('file:///protocol/unanswered.py');
    expect(diagnostics.map((d) => d.code)).toEqual(['KL002', 'KL001']);
    expect(client.configurationRequests).toBe(1);
    expect(client.problems).toEqual(['keras-lint: the client did not answer workspace/configuration within 200 ms: using the default settings']);
  });
});

describe('settings problems', () => {
  it('are warned about again when a change brings them back', async () => {
    let settings: Record<string, unknown> = { severity: { KL002: 'fatal' } };
    const started = await LspClient.start({ settingsFor: () => settings });
    client = started;
    await openModel('file:///protocol/settings-problems.py');
    const warnings = () => started.problems.filter((p) => p.includes('severity.KL002'));
    const [warning] = warnings();
    expect(warnings()).toHaveLength(1);
    const recheck = async () => {
      const published = started.nextDiagnostics('file:///protocol/settings-problems.py', (p) => p.version === 1);
      await started.configurationChanged();
      await published;
    };
    settings = {};
    await recheck();
    expect(warnings()).toHaveLength(1);
    settings = { severity: { KL002: 'fatal' } };
    await recheck();
    expect(warnings()).toEqual([warning, warning]);
  });
});

describe('a timeout too long for a timer', () => {
  it('waits as long as a timer can, instead of not at all (Node fires a longer one at once)', async () => {
    client = await LspClient.start({ configurationDelayMs: () => 300, initializationOptions: { configurationTimeoutMs: 3e9 }, settingsFor: () => ({ ignore: ['KL001'] }) });
    const diagnostics = await openModel('file:///protocol/long-timeout.py');
    expect(diagnostics.map((d) => d.code)).toEqual(['KL002']);
    expect(client.problems).toEqual([]);
  });
});

describe('settings that change while the old ones are being fetched', () => {
  it('never have the old settings\' result published after the new one', async () => {
    client = await LspClient.start({ configurationDelayMs: (n) => (n === 1 ? 800 : 0) });
    const uri = 'file:///protocol/race.py';
    const withNew = client.nextDiagnostics(uri);
    await client.open(uri, MODEL);
    await new Promise((resolve) => setTimeout(resolve, 100));
    client.settingsFor = () => ({ ignore: ['KL001', 'KL002'] });
    await client.configurationChanged();
    expect((await withNew).diagnostics).toEqual([]);
    // Past the slow first answer: the check it started is dropped, not published over the new result.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(client.published.filter((p) => p.uri === uri).map((p) => p.diagnostics.length)).toEqual([0]);
  });
});

describe('after shutdown', () => {
  it('refuses requests with InvalidRequest, checks and publishes nothing, and exits with 0', async () => {
    client = await LspClient.start();
    const uri = 'file:///protocol/shutdown.py';
    await openModel(uri);
    await client.connection.sendRequest(ShutdownRequest.type);
    const publishedBefore = client.published.length;
    const error = await errorOf(client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 3, character: 20 } }));
    expect(error.code).toBe(ErrorCodes.InvalidRequest);
    await client.change(uri, 2, [{ text: 'x = 1\n' }]);
    await client.open('file:///protocol/late.py', MODEL);
    // Past the debounce (10 ms in tests) many times over: still nothing published.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(client.published.length).toBe(publishedBefore);
    const exited = new Promise<number | null>((resolve) => client!.process.once('exit', (code) => resolve(code)));
    await client.connection.sendNotification(ExitNotification.type);
    expect(await exited).toBe(0);
    expect(client.problems).toEqual([]);
  });
});
