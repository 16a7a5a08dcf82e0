// The built server under abuse: seeded random interleavings of open/change/close and requests,
// positions past the end, unknown and closed documents, malformed notebooks. Every request must get
// a result or a proper LSP error, the process must stay up, and at the end the server must still
// give the right diagnostics for a fresh document.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CodeActionRequest,
  DidChangeNotebookDocumentNotification,
  DidCloseNotebookDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenNotebookDocumentNotification,
  HoverRequest,
  InlayHintRequest,
  ResponseError,
  type Position,
  type Range,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';
import { LspClient } from './helpers/lspClient';

const KERAS = `from keras.models import Sequential
from keras.layers import Dense
model = Sequential([Dense(10, activation='softmax')])
model.compile(loss='binary_crossentropy', metrics=['accuracy'])
`;
const FRAGMENTS = ['(', ')', '[', "'", '"""', '\n', '\r\n', '    ', 'Dense(', 'softmax', 'compile(', '😀', '\u0000', 'é', 'def f():\n', '#', '\\'];

function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x80000000;
  };
}

let client: LspClient;

beforeAll(async () => {
  client = await LspClient.start();
});

afterAll(async () => {
  if (client.process.exitCode === null) expect(await client.stop()).toBe(0);
});

/** A request's outcome: its result, or the LSP error it was answered with (never a dead server). */
async function answer<T>(request: Promise<T>): Promise<T | ResponseError<unknown>> {
  try {
    return await request;
  } catch (error) {
    if (error instanceof ResponseError) return error;
    throw error;
  }
}

describe('server under random traffic', () => {
  it('answers every request through 600 random operations and still checks correctly afterwards', async () => {
    const next = random(20261130);
    const pick = <T,>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
    const uris = ['file:///fuzz/a.py', 'file:///fuzz/b.py', 'file:///fuzz/c.py', 'untitled:Untitled-9'];
    const open = new Map<string, { version: number; lines: number }>();
    const position = (): Position => ({ line: Math.floor(next() * 12) - 1, character: Math.floor(next() * 90) - 5 });
    const range = (): Range => {
      const a = position();
      const b = position();
      return next() < 0.8 ? { start: a, end: b } : { start: b, end: a };
    };
    let requests = 0;

    for (let step = 0; step < 600; step++) {
      const uri = pick(uris);
      const doc = open.get(uri);
      const roll = next();
      if (!doc || roll < 0.1) {
        if (doc) await client.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
        const text = next() < 0.7 ? KERAS : Array.from({ length: 20 }, () => pick(FRAGMENTS)).join('');
        await client.open(uri, text, 1);
        open.set(uri, { version: 1, lines: text.split('\n').length });
      } else if (roll < 0.55) {
        // Incremental edits, some of them with ranges past the end of the document.
        doc.version++;
        const changes: TextDocumentContentChangeEvent[] = Array.from({ length: 1 + Math.floor(next() * 3) }, () => ({ range: range(), text: pick(FRAGMENTS) }));
        if (next() < 0.05) changes.push({ text: pick([KERAS, '', '\u0000\u0001binary']) });
        await client.change(uri, doc.version, changes);
      } else if (roll < 0.6) {
        await client.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
        open.delete(uri);
      } else {
        // Requests for open, closed and never-opened documents, at any position.
        const target = next() < 0.15 ? 'file:///fuzz/never-opened.py' : uri;
        const kind = pick(['hover', 'codeAction', 'inlayHint'] as const);
        requests++;
        const result =
          kind === 'hover'
            ? await answer(client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: target }, position: position() }))
            : kind === 'codeAction'
              ? await answer(client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri: target }, range: range(), context: { diagnostics: [] } }))
              : await answer(client.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri: target }, range: range() }));
        if (result instanceof ResponseError) expect(result.code).toBeTypeOf('number');
      }
    }
    expect(requests).toBeGreaterThan(100);
    // Nothing had to be caught and logged: every case was handled, not just survived.
    expect(client.problems).toEqual([]);
    expect(client.process.exitCode).toBeNull();

    const fresh = 'file:///fuzz/after.py';
    const published = client.nextDiagnostics(fresh);
    await client.open(fresh, KERAS);
    expect((await published).diagnostics.map((d) => d.code)).toEqual(['KL002', 'KL001']);
  });

  it('survives malformed notebooks: missing cells, unknown cells, non-Python cells, changes to closed notebooks', async () => {
    const nb = 'file:///fuzz/broken.ipynb';
    const cell = (id: string) => `vscode-notebook-cell:/fuzz/broken.ipynb#${id}`;
    // A cell listed without its text document, and a text document for no listed cell.
    await client.connection.sendNotification(DidOpenNotebookDocumentNotification.type, {
      notebookDocument: { uri: nb, notebookType: 'jupyter-notebook', version: 1, cells: [{ kind: 2, document: cell('A') }, { kind: 2, document: cell('missing') }, { kind: 1, document: cell('M') }] },
      cellTextDocuments: [
        { uri: cell('A'), languageId: 'python', version: 1, text: KERAS },
        { uri: cell('M'), languageId: 'markdown', version: 1, text: "model.compile(loss='mse')" },
        { uri: cell('stray'), languageId: 'r', version: 1, text: 'x <- 1' },
      ],
    });
    // Changes naming cells that do not exist, then the notebook closed twice and changed after closing.
    await client.connection.sendNotification(DidChangeNotebookDocumentNotification.type, {
      notebookDocument: { uri: nb, version: 2 },
      change: { cells: { structure: { array: { start: 7, deleteCount: 3 }, didOpen: [], didClose: [{ uri: cell('nope') }] }, textContent: [{ document: { uri: cell('nope'), version: 2 }, changes: [{ text: 'x' }] }] } },
    });
    await client.connection.sendNotification(DidCloseNotebookDocumentNotification.type, { notebookDocument: { uri: nb }, cellTextDocuments: [{ uri: cell('A') }] });
    await client.connection.sendNotification(DidCloseNotebookDocumentNotification.type, { notebookDocument: { uri: nb }, cellTextDocuments: [{ uri: cell('A') }] });
    await client.connection.sendNotification(DidChangeNotebookDocumentNotification.type, {
      notebookDocument: { uri: nb, version: 3 },
      change: { cells: { textContent: [{ document: { uri: cell('A'), version: 3 }, changes: [{ text: '' }] }] } },
    });
    const hover = await answer(client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: cell('A') }, position: { line: 3, character: 20 } }));
    expect(hover === null || hover instanceof ResponseError).toBe(true);
    expect(client.process.exitCode).toBeNull();
    expect(client.problems).toEqual([]);

    // And a well-formed notebook right after is checked across its cells.
    const good = 'file:///fuzz/good.ipynb';
    const c1 = 'vscode-notebook-cell:/fuzz/good.ipynb#1';
    const c2 = 'vscode-notebook-cell:/fuzz/good.ipynb#2';
    const published = client.nextDiagnostics(c2, (p) => p.diagnostics.length > 0);
    await client.connection.sendNotification(DidOpenNotebookDocumentNotification.type, {
      notebookDocument: { uri: good, notebookType: 'jupyter-notebook', version: 1, cells: [{ kind: 2, document: c1 }, { kind: 2, document: c2 }] },
      cellTextDocuments: [
        { uri: c1, languageId: 'python', version: 1, text: KERAS.split('model.compile')[0] },
        { uri: c2, languageId: 'python', version: 1, text: "model.compile(loss='binary_crossentropy', metrics=['accuracy'])\n" },
      ],
    });
    expect((await published).diagnostics.map((d) => d.code)).toEqual(['KL002', 'KL001']);
  });
});
