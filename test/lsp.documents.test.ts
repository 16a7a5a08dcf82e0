// The server's document store keeps one parse per document and applies incremental LSP changes to
// it (core/documentParse.ts: the statements an edit touched spliced into a copy of the module, or
// tree.edit + re-parse from the old tree). After any sequence of edits the parse must read as a
// fresh parse of the text does, node for node.
import { beforeAll, describe, expect, it } from 'vitest';
import type { DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams, TextDocumentContentChangeEvent } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { initParser } from '../server/src/core/analyze';
import { hasSyntaxError, ModuleCopy, withModule, type ParsedModule } from '../server/src/core/moduleCopy';
import { MAX_KEPT_TREES, ParsedDocuments } from '../server/src/lsp/documents';
import { columns, parsedColumns } from './helpers/sources';

beforeAll(async () => {
  await initParser();
});

/** Stands in for the connection: TextDocuments.listen registers its handlers here. */
function fakeConnection() {
  const handlers: { open?: (p: DidOpenTextDocumentParams) => void; change?: (p: DidChangeTextDocumentParams) => void; close?: (p: DidCloseTextDocumentParams) => void } = {};
  const none = { dispose() {} };
  const connection = {
    onDidOpenTextDocument: (h: typeof handlers.open) => ((handlers.open = h), none),
    onDidChangeTextDocument: (h: typeof handlers.change) => ((handlers.change = h), none),
    onDidCloseTextDocument: (h: typeof handlers.close) => ((handlers.close = h), none),
    onWillSaveTextDocument: () => none,
    onWillSaveTextDocumentWaitUntil: () => none,
    onDidSaveTextDocument: () => none,
  };
  return { connection, handlers };
}

/** A store listening to a fake connection, with one document opened, and a mirror of its text. */
function openDocument(uri: string, text: string) {
  const store = new ParsedDocuments();
  const { connection, handlers } = fakeConnection();
  store.documents.listen(connection as never);
  handlers.open!({ textDocument: { uri, languageId: 'python', version: 1, text } });
  return { store, handlers, uri, mirror: TextDocument.create(uri, 'python', 1, text) };
}

/** The nodes of a parse of `text`, as the analysis reads them. */
function read(parsed: ParsedModule, text: string): ReturnType<typeof columns> {
  return withModule(parsed, text, (_, syntax) => columns(syntax));
}

function textOf(parsed: ParsedModule, text: string): string {
  return withModule(parsed, text, (root) => root.source.slice(0, root.endIndex));
}

/** A small deterministic random generator (so a failure can be replayed). */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x80000000;
  };
}

const START = `from keras.models import Sequential
from keras.layers import Dense
model = Sequential([Dense(10, activation='softmax')])
model.compile(loss='binary_crossentropy', metrics=['accuracy'])
`;
const FRAGMENTS = ['x', '\n', "'", '(', ')', 'Dense(', ', ', '😀', '\r\n', '\r', "''", 'def f():\n    return 1\n', '#', ' ', 'é'];

describe('ParsedDocuments', () => {
  it('keeps the incrementally edited tree identical to a fresh parse through random edits, reversed ranges too', () => {
    const { store, handlers, uri, mirror } = openDocument('file:///random.py', START);
    store.parsedFor(store.get(uri)!);
    const next = random(42);
    for (let version = 2; version < 300; version++) {
      const changes: TextDocumentContentChangeEvent[] = [];
      const count = next() < 0.3 ? 2 : 1;
      for (let i = 0; i < count; i++) {
        // Each change's range refers to the text after the previous change.
        const text = mirror.getText();
        const a = Math.floor(next() * (text.length + 1));
        const b = Math.min(text.length, a + (next() < 0.5 ? 0 : Math.floor(next() * 6)));
        const insert = next() < 0.25 ? '' : FRAGMENTS[Math.floor(next() * FRAGMENTS.length)];
        // Now and then the range comes end first: the text store takes it in order, so must the tree.
        const [start, end] = next() < 0.2 ? [mirror.positionAt(b), mirror.positionAt(a)] : [mirror.positionAt(a), mirror.positionAt(b)];
        const change = { range: { start, end }, text: insert };
        TextDocument.update(mirror, [change], version);
        changes.push(change);
      }
      handlers.change!({ textDocument: { uri, version }, contentChanges: changes });
      expect(store.get(uri)!.getText()).toBe(mirror.getText());
      // Re-parse only now and then, so that edits also pile up on one tree.
      if (version % 3 !== 0) continue;
      const parsed = store.parsedFor(store.get(uri)!);
      expect(read(parsed, mirror.getText())).toEqual(parsedColumns(mirror.getText()));
    }
    store.dispose();
  });

  it('splices the statements a typed edit touched into the module copy of an edited document, full-text changes too', () => {
    const { store, handlers, uri, mirror } = openDocument('file:///typing.py', START);
    // A document opened and not edited keeps only its tree.
    expect(store.parsedFor(store.get(uri)!)).not.toBeInstanceOf(ModuleCopy);
    const steps: [string, string, 'copy' | 'tree'][] = [
      ['Dense(10', 'Dense(100', 'copy'],
      ["activation='softmax'", "activation='sigmoid'", 'copy'],
      ['model.compile(', 'x = 1\nmodel.compile(', 'copy'],
      // A syntax error: the tree is re-parsed (no copy can be spliced into), then copied again once it is gone.
      ['x = 1', 'x = (1', 'tree'],
      ['x = (1', 'x = (1)', 'copy'],
    ];
    let version = 1;
    for (const [from, to, kind] of steps) {
      version++;
      const at = mirror.getText().indexOf(from);
      const change = { range: { start: mirror.positionAt(at), end: mirror.positionAt(at + from.length) }, text: to };
      TextDocument.update(mirror, [change], version);
      handlers.change!({ textDocument: { uri, version }, contentChanges: [change] });
      const parsed = store.parsedFor(store.get(uri)!);
      expect(parsed instanceof ModuleCopy ? 'copy' : 'tree', to).toBe(kind);
      expect(read(parsed, mirror.getText()), to).toEqual(parsedColumns(mirror.getText()));
    }
    // A client that sends the whole text: the copy is spliced from what differs.
    const whole = mirror.getText().replace('Dense(100', 'Dense(7');
    handlers.change!({ textDocument: { uri, version: version + 1 }, contentChanges: [{ text: whole }] });
    const parsed = store.parsedFor(store.get(uri)!);
    expect(parsed).toBeInstanceOf(ModuleCopy);
    expect(read(parsed, whole)).toEqual(parsedColumns(whole));
    store.dispose();
  });

  it('re-reads a lone \\r that an edit right after it turns into \\r\\n (or back): a line break only when alone', () => {
    const start = 'x = 1\rif x:\r    y = [x,\r    2]\r';
    const { store, handlers, uri, mirror } = openDocument('file:///old-mac.py', start);
    store.parsedFor(store.get(uri)!);
    // Insert "\n" after each "\r" (making "\r\n"), then take it out again, then put text there.
    const steps: [number, number, string][] = [];
    for (let at = start.indexOf('\r'); at >= 0; at = start.indexOf('\r', at + 1)) steps.push([at + 1, at + 1, '\n'], [at + 1, at + 2, ''], [at + 1, at + 1, 'z']);
    let version = 1;
    let shift = 0;
    for (const [from, to, text] of steps) {
      version++;
      const change = { range: { start: mirror.positionAt(from + shift), end: mirror.positionAt(to + shift) }, text };
      TextDocument.update(mirror, [change], version);
      handlers.change!({ textDocument: { uri, version }, contentChanges: [change] });
      if (text === 'z') shift++;
      expect(read(store.parsedFor(store.get(uri)!), mirror.getText()), JSON.stringify(mirror.getText())).toEqual(parsedColumns(mirror.getText()));
    }
    store.dispose();
  });

  it('re-parses only when the version changed, and starts afresh after a full replacement or close', () => {
    const store = new ParsedDocuments();
    const { connection, handlers } = fakeConnection();
    store.documents.listen(connection as never);
    const uri = 'file:///full.py';
    handlers.open!({ textDocument: { uri, languageId: 'python', version: 1, text: 'x = 1\n' } });
    const first = store.parsedFor(store.get(uri)!);
    expect(store.parsedFor(store.get(uri)!)).toBe(first);
    handlers.change!({ textDocument: { uri, version: 2 }, contentChanges: [{ text: 'def f(:\n' }] });
    const second = store.parsedFor(store.get(uri)!);
    expect(hasSyntaxError(second)).toBe(true);
    expect(textOf(second, 'def f(:\n')).toBe('def f(:\n');
    handlers.close!({ textDocument: { uri } });
    expect(store.get(uri)).toBeUndefined();
    handlers.open!({ textDocument: { uri, languageId: 'python', version: 1, text: 'y = 2\n' } });
    expect(textOf(store.parsedFor(store.get(uri)!), 'y = 2\n')).toBe('y = 2\n');
    store.dispose();
  });

  it('keeps trees only for the most recently used documents, and re-parses the others on demand', () => {
    const store = new ParsedDocuments();
    const { connection, handlers } = fakeConnection();
    store.documents.listen(connection as never);
    const uris = Array.from({ length: MAX_KEPT_TREES + 6 }, (_, i) => `file:///many/${i}.py`);
    uris.forEach((uri, i) => handlers.open!({ textDocument: { uri, languageId: 'python', version: 1, text: `x${i} = ${i}\n` } }));
    const trees = uris.map((uri) => store.parsedFor(store.get(uri)!));
    expect(store.keptTrees).toBe(MAX_KEPT_TREES);
    // The last one used is kept (the same tree); the first was forgotten and comes back re-parsed.
    const last = uris[uris.length - 1];
    expect(store.parsedFor(store.get(last)!)).toBe(trees[trees.length - 1]);
    const again = store.parsedFor(store.get(uris[0])!);
    expect(textOf(again, 'x0 = 0\n')).toBe('x0 = 0\n');
    // An edit to a document whose tree was forgotten still gives the right tree.
    handlers.change!({ textDocument: { uri: uris[1], version: 2 }, contentChanges: [{ range: { start: { line: 0, character: 5 }, end: { line: 0, character: 6 } }, text: '42' }] });
    expect(read(store.parsedFor(store.get(uris[1])!), 'x1 = 42\n')).toEqual(parsedColumns('x1 = 42\n'));
    expect(store.keptTrees).toBe(MAX_KEPT_TREES);
    store.dispose();
    expect(store.keptTrees).toBe(0);
  });

  it('ignores a change notification with a malformed change as a whole, and opens a document without text as empty', () => {
    const ignored: string[] = [];
    const store = new ParsedDocuments((uri) => ignored.push(uri));
    const { connection, handlers } = fakeConnection();
    store.documents.listen(connection as never);
    const uri = 'file:///malformed.py';
    handlers.open!({ textDocument: { uri, languageId: 'python', version: 1, text: 'x = 1\n' } });
    store.parsedFor(store.get(uri)!);
    const valid = { range: { start: { line: 0, character: 4 }, end: { line: 0, character: 5 } }, text: '2' };
    const malformed: unknown[] = [
      { rangeLength: 1, text: 'q' },
      { range: null, text: 'q' },
      { range: { start: { line: 0 }, end: { line: 0, character: 1 } }, text: 'q' },
      { range: { start: { line: 0, character: 0.5 }, end: { line: 0, character: 1 } }, text: 'q' },
      { range: valid.range },
      null,
    ];
    for (const [i, bad] of malformed.entries()) {
      handlers.change!({ textDocument: { uri, version: 2 + i }, contentChanges: [valid, bad] as TextDocumentContentChangeEvent[] });
      expect(store.get(uri)!.getText()).toBe('x = 1\n');
      expect(store.get(uri)!.version).toBe(1);
    }
    expect(ignored).toEqual(malformed.map(() => uri));
    // The kept tree was not edited either: the next valid change gives the right tree.
    handlers.change!({ textDocument: { uri, version: 10 }, contentChanges: [valid] });
    expect(read(store.parsedFor(store.get(uri)!), 'x = 2\n')).toEqual(parsedColumns('x = 2\n'));
    handlers.open!({ textDocument: { uri: 'file:///null.py', languageId: 'python', version: 1, text: null as unknown as string } });
    expect(store.get('file:///null.py')!.getText()).toBe('');
    expect(textOf(store.parsedFor(store.get('file:///null.py')!), '')).toBe('');
    store.dispose();
  });
});
