// The built language server (`node bin/keras-lint.js server --stdio`) driven through the protocol:
// diagnostics, code actions applied to the text, hovers, inlay hints, incremental edits, notebooks,
// settings (client and pyproject.toml), robustness, and a clean shutdown.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  CodeActionRequest,
  DidChangeNotebookDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidCloseNotebookDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenNotebookDocumentNotification,
  FileChangeType,
  HoverRequest,
  InlayHintRequest,
  type CodeAction,
  type Diagnostic,
  type Hover,
  type MarkupContent,
  type Position,
  type Range,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CLIENT_CAPABILITIES, LspClient } from './helpers/lspClient';

const MODEL = `from keras.models import Sequential
from keras.layers import Dense
model = Sequential([Dense(10, activation='softmax')])
model.compile(loss='binary_crossentropy', optimizer='adam', metrics=['accuracy'])
`;

/** Position of the `occurrence`-th `needle` in `text`, plus `delta` characters. */
function positionOf(text: string, needle: string, delta = 0, occurrence = 1): Position {
  let index = -1;
  for (let i = 0; i < occurrence; i++) index = text.indexOf(needle, index + 1);
  if (index < 0) throw new Error(`${needle} not in text`);
  return TextDocument.create('x:', 'python', 0, text).positionAt(index + delta);
}

function rangeOf(text: string, needle: string, occurrence = 1): Range {
  return { start: positionOf(text, needle, 0, occurrence), end: positionOf(text, needle, needle.length, occurrence) };
}

function applyEdit(text: string, action: CodeAction, uri: string): string {
  const edits = action.edit?.changes?.[uri];
  if (!edits) throw new Error(`action ${action.title} has no edits for ${uri}`);
  return TextDocument.applyEdits(TextDocument.create(uri, 'python', 0, text), edits);
}

function summary(diagnostics: Diagnostic[]): string[] {
  const r = (d: Diagnostic) => `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`;
  return diagnostics.map((d) => `${d.code} ${r(d)}`);
}

function markdown(hover: Hover | null): string {
  expect(hover).not.toBeNull();
  return (hover!.contents as MarkupContent).value;
}

let client: LspClient;
const settings = new Map<string, Record<string, unknown>>();
let project: string;

beforeAll(async () => {
  client = await LspClient.start({ settingsFor: (scope) => settings.get(scope ?? '') ?? {} });
});

afterAll(() => {
  client?.kill();
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('keras-lint language server over stdio', () => {
  it('advertises incremental sync, notebooks, hovers, code actions and inlay hints', async () => {
    const caps = client.initializeResult.capabilities;
    expect(caps.textDocumentSync).toEqual({ openClose: true, change: 2 });
    expect(caps.hoverProvider).toBe(true);
    expect(caps.inlayHintProvider).toBe(true);
    expect(caps.codeActionProvider).toEqual({ codeActionKinds: ['quickfix', 'source.fixAll.keras-lint'] });
    expect(caps.notebookDocumentSync).toEqual({
      notebookSelector: [{ notebook: { notebookType: 'jupyter-notebook' } }],
    });
    await vi.waitFor(() => expect(client.registrations).toContain('workspace/didChangeConfiguration'));
  });

  it('publishes the findings with rule ids, ranges, severities, links, related locations and the version', async () => {
    const uri = 'file:///keras-lint-test/publish.py';
    const published = client.nextDiagnostics(uri);
    await client.open(uri, MODEL, 7);
    const p = await published;
    expect(p.version).toBe(7);
    expect(summary(p.diagnostics)).toEqual(['KL002 3:19-3:40', 'KL001 3:69-3:79']);
    const [kl002, kl001] = p.diagnostics;
    expect(kl002.range).toEqual(rangeOf(MODEL, "'binary_crossentropy'"));
    expect(kl002.severity).toBe(2);
    expect(kl002.source).toBe('keras-lint');
    expect(kl002.codeDescription?.href).toMatch(/\/docs\/rules\/KL002\.md$/);
    expect(kl002.message).toContain("binary_crossentropy here, but the model's head at line 3 is a 10-way softmax head");
    expect(kl002.relatedInformation).toEqual([
      { location: { uri, range: rangeOf(MODEL, "Dense(10, activation='softmax')") }, message: "the model's output layer: Dense(10, activation='softmax')" },
    ]);
    expect(kl001.range).toEqual(rangeOf(MODEL, "'accuracy'"));
    expect(kl001.message).toContain('tf.keras ≥ 2.2 / Keras 3 compute categorical_accuracy here');
  });

  it('offers the fix as the preferred quick fix and a noqa action; applying the fix clears the diagnostics', async () => {
    const uri = 'file:///keras-lint-test/quickfix.py';
    const first = client.nextDiagnostics(uri);
    await client.open(uri, MODEL);
    const { diagnostics } = await first;
    const kl002 = diagnostics.find((d) => d.code === 'KL002')!;
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: kl002.range,
      context: { diagnostics: [kl002] },
    })) as CodeAction[];
    expect(actions.map((a) => [a.title, a.kind, a.isPreferred ?? false])).toEqual([
      ['Use categorical_crossentropy', 'quickfix', true],
      ['Ignore KL002 on this line', 'quickfix', false],
    ]);
    expect(applyEdit(MODEL, actions[1], uri)).toContain("metrics=['accuracy'])  # noqa: KL002\n");

    const fixed = applyEdit(MODEL, actions[0], uri);
    expect(fixed).toContain("model.compile(loss='categorical_crossentropy', optimizer='adam'");
    const edits = actions[0].edit!.changes![uri] as TextEdit[];
    const cleared = client.nextDiagnostics(uri, (p) => p.version === 2);
    await client.change(uri, 2, edits.map((e) => ({ range: e.range, text: e.newText })));
    // categorical_crossentropy on the softmax head: the loss is right and 'accuracy' is categorical everywhere.
    expect((await cleared).diagnostics).toEqual([]);
  });

  it('the noqa edit silences the rule on that line', async () => {
    const uri = 'file:///keras-lint-test/noqa.py';
    const first = client.nextDiagnostics(uri);
    await client.open(uri, MODEL);
    const { diagnostics } = await first;
    const kl001 = diagnostics.find((d) => d.code === 'KL001')!;
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: kl001.range,
      context: { diagnostics: [kl001], only: ['quickfix'] },
    })) as CodeAction[];
    const ignore = actions.find((a) => a.title === 'Ignore KL001 on this line')!;
    const edit = ignore.edit!.changes![uri][0];
    const next = client.nextDiagnostics(uri, (p) => p.version === 2);
    await client.change(uri, 2, [{ range: edit.range, text: edit.newText }]);
    expect(summary((await next).diagnostics)).toEqual(['KL002 3:19-3:40']);
  });

  it('source.fixAll applies every preferred safe fix at once, and only when asked for by kind', async () => {
    const uri = 'file:///keras-lint-test/fixall.py';
    const first = client.nextDiagnostics(uri);
    await client.open(uri, MODEL);
    await first;
    const whole = { start: { line: 0, character: 0 }, end: { line: 4, character: 0 } };
    const plain = (await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: whole, context: { diagnostics: [] } })) as CodeAction[];
    expect(plain).toEqual([]);
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: whole,
      context: { diagnostics: [], only: ['source.fixAll.keras-lint'] },
    })) as CodeAction[];
    expect(actions.map((a) => [a.title, a.kind])).toEqual([['Fix all keras-lint problems', 'source.fixAll.keras-lint']]);
    const fixed = applyEdit(MODEL, actions[0], uri);
    expect(fixed).toContain("model.compile(loss='categorical_crossentropy', optimizer='adam', metrics=['categorical_accuracy'])");
    const bySource = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: whole,
      context: { diagnostics: [], only: ['source'] },
    })) as CodeAction[];
    expect(bySource.map((a) => a.kind)).toEqual(['source.fixAll.keras-lint']);
  });

  it('hovers over a loss string, a loss class, an activation, a metric and compile', async () => {
    const uri = 'file:///keras-lint-test/hover.py';
    const text = `${MODEL}import keras\nloss_object = keras.losses.SparseCategoricalCrossentropy(from_logits=True)\n`;
    const first = client.nextDiagnostics(uri);
    await client.open(uri, text);
    await first;
    const hoverAt = (position: Position) => client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });

    const loss = await hoverAt(positionOf(text, 'binary_crossentropy', 3));
    expect(loss?.range).toEqual(rangeOf(text, "'binary_crossentropy'"));
    const lossText = markdown(loss);
    expect(lossText.split('\n')[0]).toBe('**binary_crossentropy** — Keras loss');
    expect(lossText).toContain('- **Head:** 1 unit with sigmoid (binary), or N units with sigmoid (multi-label).');
    expect(lossText).toContain('- **from_logits:** True makes the loss apply sigmoid itself');
    expect(lossText).toContain('  - Keras 1 / Keras ≤ 2.3 / tf.keras ≤ 2.1: binary_accuracy, whatever the head width');
    expect(lossText).toContain('[Keras documentation](https://keras.io/api/losses/probabilistic_losses/#binarycrossentropy-class)');

    const cls = markdown(await hoverAt(positionOf(text, 'SparseCategoricalCrossentropy', 2)));
    expect(cls.split('\n')[0]).toBe('**SparseCategoricalCrossentropy** — Keras loss `sparse_categorical_crossentropy`');
    expect(cls).toContain('integer class ids 0 … C − 1');

    expect(markdown(await hoverAt(positionOf(text, "'softmax'", 1))).split('\n')[0]).toBe('**softmax** — Keras activation');

    const accuracy = markdown(await hoverAt(positionOf(text, "'accuracy'", 2)));
    expect(accuracy).toContain("**'accuracy'** — Keras metric");
    expect(accuracy).toContain('**Here:** → binary_accuracy (Keras ≤ 2.3) or categorical_accuracy (newer)');

    const compile = await hoverAt(positionOf(text, 'compile', 2));
    expect(compile?.range).toEqual(rangeOf(text, 'compile'));
    expect(markdown(compile).split('\n')).toEqual([
      '**Training contract** — keras-lint',
      '',
      '- **Head:** 10 units, softmax (line 3)',
      '- **Labels:** unknown (no `fit` with labels keras-lint can follow)',
      '- **Loss:** binary_crossentropy, from_logits=False',
      "- **'accuracy' is computed as:** binary_accuracy (Keras 1 / Keras ≤ 2.3 / tf.keras ≤ 2.1) or categorical_accuracy (tf.keras ≥ 2.2 / Keras 3)",
      '- **Keras flavour:** unknown — no version evidence in the settings, the workspace or the code',
    ]);

    expect(await hoverAt(positionOf(text, 'optimizer'))).toBeNull();
    expect(await hoverAt(positionOf(text, 'Sequential', 2, 2))).toBeNull();
  });

  it('asks for inlay hints again after answering a request that came before the check of an edit', async () => {
    const uri = 'file:///keras-lint-test/hints-after-edit.py';
    settings.set(uri, { kerasVersion: 'keras2' });
    const first = client.nextDiagnostics(uri);
    await client.open(uri, MODEL);
    await first;
    const range = { start: { line: 0, character: 0 }, end: { line: 9, character: 0 } };
    const hintsNow = async () => (await client.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range }))?.map((h) => h.label);
    expect(await hintsNow()).toEqual(['→ binary_accuracy']);
    // An edit below the hint: the hints stay where they were, but the request comes before the check.
    const checked = client.nextDiagnostics(uri, (p) => p.version === 2);
    const refreshes = client.inlayHintRefreshes;
    await client.change(uri, 2, [{ range: { start: { line: 4, character: 0 }, end: { line: 4, character: 0 } }, text: '# x\n' }]);
    expect(await hintsNow()).toEqual([]);
    await checked;
    await expect.poll(() => client.inlayHintRefreshes).toBeGreaterThan(refreshes);
    expect(await hintsNow()).toEqual(['→ binary_accuracy']);
  });

  it('shows the metric Keras computes after accuracy as an inlay hint, unless the setting turns hints off', async () => {
    const uri = 'file:///keras-lint-test/hints.py';
    settings.set(uri, { kerasVersion: 'keras2' });
    const first = client.nextDiagnostics(uri);
    await client.open(uri, MODEL);
    await first;
    const range = { start: { line: 0, character: 0 }, end: { line: 4, character: 0 } };
    const hints = await client.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range });
    expect(hints?.map((h) => [h.position, h.label])).toEqual([[positionOf(MODEL, "'accuracy'", 10), '→ binary_accuracy']]);

    const outside = await client.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 2, character: 0 } } });
    expect(outside).toEqual([]);
    expect(client.inlayHintRefreshes).toBeGreaterThan(0);

    settings.set(uri, { kerasVersion: 'keras2', inlayHints: false });
    const again = client.nextDiagnostics(uri);
    await client.configurationChanged();
    await again;
    expect(await client.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range })).toEqual([]);
  });

  it('follows incremental edits across versions and publishes only the latest', async () => {
    const uri = 'file:///keras-lint-test/incremental.py';
    const first = client.nextDiagnostics(uri);
    await client.open(uri, MODEL);
    await first;
    let text = MODEL;
    const doc = TextDocument.create(uri, 'python', 1, MODEL);
    const edit = (version: number, changes: { range: Range; text: string }[]) => {
      TextDocument.update(doc, changes, version);
      text = doc.getText();
      return client.change(uri, version, changes);
    };
    // Two changes in one notification (the second range refers to the text after the first), then two more versions.
    const final = client.nextDiagnostics(uri, (p) => p.version === 4);
    await edit(2, [
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'import os\n' },
      { range: rangeOf(text.replace(/^/, 'import os\n'), '10', 1), text: '12' },
    ]);
    await edit(3, [{ range: rangeOf(text, "'adam'"), text: "'sgd'" }]);
    await edit(4, [{ range: rangeOf(text, 'import os\n'), text: '' }]);
    expect(text).toBe(MODEL.replace('Dense(10', 'Dense(12').replace("'adam'", "'sgd'"));
    const p = await final;
    expect(summary(p.diagnostics)).toEqual(['KL002 3:19-3:40', 'KL001 3:68-3:78']);
    expect(p.diagnostics[0].message).toContain('12-way softmax head');
    const versions = client.published.filter((x) => x.uri === uri).map((x) => x.version);
    expect(versions).toEqual([...versions].sort((a, b) => (a ?? 0) - (b ?? 0)));
    // The re-parsed tree matches the text: a hover finds the loss where it now is.
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positionOf(text, 'binary_crossentropy') });
    expect(hover?.range).toEqual(rangeOf(text, "'binary_crossentropy'"));
  });

  it('gives after each edit of a typing session the diagnostics a freshly opened document gets', async () => {
    // Re-analysis runs only the statements an edit can affect and moves the other findings: it must
    // publish exactly what a first analysis of the same text publishes.
    const uri = 'file:///keras-lint-test/session.py';
    let text = `from tensorflow import keras
from tensorflow.keras import layers
(x, y), _ = keras.datasets.mnist.load_data()
a = keras.Sequential([layers.Dense(10, activation="softmax")])
a.compile(loss="binary_crossentropy", metrics=["accuracy"])
a.fit(x, y)
(x3, y3), _ = keras.datasets.cifar10.load_data()
b = keras.Sequential([layers.Dense(3, activation="softmax")])
b.compile(loss="categorical_crossentropy")
b.fit(x3, y3)
`;
    const opened = client.nextDiagnostics(uri);
    await client.open(uri, text);
    await opened;
    const doc = TextDocument.create(uri, 'python', 1, text);
    const steps: [string, string][] = [
      ['from tensorflow import keras', '\nfrom tensorflow import keras'],
      ['Dense(10,', 'Dense(1,'],
      ['loss="binary_crossentropy"', 'loss="sparse_categorical_crossentropy"'],
      ['b.fit(x3, y3)', 'b.fit(x3, keras.utils.to_categorical(y3, 3))'],
      ['b = keras', 'c = a\nb = keras'],
      ['(x, y), _ =', '(x, y), z ='],
      ['b.compile(', 'c.compile('],
      ['\nfrom tensorflow import keras', 'from tensorflow import keras'],
    ];
    for (const [index, [from, to]] of steps.entries()) {
      const version = index + 2;
      const change = { range: rangeOf(text, from), text: to };
      TextDocument.update(doc, [change], version);
      text = doc.getText();
      const edited = client.nextDiagnostics(uri, (p) => p.version === version);
      await client.change(uri, version, [change]);
      const fresh = `file:///keras-lint-test/session-fresh-${version}.py`;
      const reference = client.nextDiagnostics(fresh);
      await client.open(fresh, text);
      const [incremental, first] = [await edited, await reference];
      // The same but for the document's URI and version, which fixes carry.
      const normalized = (diagnostics: Diagnostic[], of: string): unknown =>
        JSON.parse(JSON.stringify(diagnostics).replaceAll(JSON.stringify(of), JSON.stringify('URI')).replace(/"versions":\{[^}]*\}/g, '"versions":{}'));
      expect(normalized(incremental.diagnostics, uri), `after step ${index + 1}: ${to}`).toEqual(normalized(first.diagnostics, fresh));
      expect(incremental.diagnostics.length).toBeGreaterThan(0);
      await client.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: fresh } });
    }
    // Hovers read the edited document's kept parse (statements spliced in after each edit).
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positionOf(text, 'sparse_categorical_crossentropy', 3) });
    expect(hover?.range).toEqual(rangeOf(text, '"sparse_categorical_crossentropy"'));
    expect(markdown(hover).split('\n')[0]).toBe('**sparse_categorical_crossentropy** — Keras loss');
  });

  it('analyses a notebook as one program, publishes per cell, and re-checks when another cell changes', async () => {
    const notebook = 'file:///keras-lint-test/train.ipynb';
    const cell1 = 'vscode-notebook-cell:/keras-lint-test/train.ipynb#W0';
    const cell2 = 'vscode-notebook-cell:/keras-lint-test/train.ipynb#W1';
    const text1 = "from keras.models import Sequential\nfrom keras.layers import Dense\nmodel = Sequential([Dense(10, activation='softmax')])\n";
    const text2 = "model.compile(loss='binary_crossentropy', optimizer='adam')\n";
    const onCell1 = client.nextDiagnostics(cell1);
    const onCell2 = client.nextDiagnostics(cell2);
    await client.connection.sendNotification(DidOpenNotebookDocumentNotification.type, {
      notebookDocument: { uri: notebook, notebookType: 'jupyter-notebook', version: 1, cells: [{ kind: 2, document: cell1 }, { kind: 2, document: cell2 }] },
      cellTextDocuments: [
        { uri: cell1, languageId: 'python', version: 1, text: text1 },
        { uri: cell2, languageId: 'python', version: 1, text: text2 },
      ],
    });
    expect((await onCell1).diagnostics).toEqual([]);
    const p = await onCell2;
    expect(p.version).toBe(1);
    expect(summary(p.diagnostics)).toEqual(['KL002 0:19-0:40']);
    expect(p.diagnostics[0].message).toContain("the model's head at cell 1, line 3 is a 10-way softmax head");
    expect(p.diagnostics[0].relatedInformation?.[0].location).toEqual({ uri: cell1, range: rangeOf(text1, "Dense(10, activation='softmax')") });

    const compile = markdown(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: cell2 }, position: positionOf(text2, 'compile') }));
    expect(compile).toContain('- **Head:** 10 units, softmax (cell 1, line 3)');
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: cell2 },
      range: p.diagnostics[0].range,
      context: { diagnostics: p.diagnostics },
    })) as CodeAction[];
    expect(applyEdit(text2, actions[0], cell2)).toBe("model.compile(loss='categorical_crossentropy', optimizer='adam')\n");

    // A sigmoid head makes binary_crossentropy right: editing cell 1 clears cell 2.
    const cleared = client.nextDiagnostics(cell2, (x) => x.diagnostics.length === 0);
    await client.connection.sendNotification(DidChangeNotebookDocumentNotification.type, {
      notebookDocument: { uri: notebook, version: 2 },
      change: { cells: { textContent: [{ document: { uri: cell1, version: 2 }, changes: [{ range: rangeOf(text1, 'softmax'), text: 'sigmoid' }] }] } },
    });
    expect((await cleared).version).toBe(1);

    // A new cell that re-defines the model between them is taken into account in order.
    const cell3 = 'vscode-notebook-cell:/keras-lint-test/train.ipynb#W2';
    const back = client.nextDiagnostics(cell2, (x) => x.diagnostics.length === 1);
    await client.connection.sendNotification(DidChangeNotebookDocumentNotification.type, {
      notebookDocument: { uri: notebook, version: 3 },
      change: {
        cells: {
          structure: {
            array: { start: 1, deleteCount: 0, cells: [{ kind: 2, document: cell3 }] },
            didOpen: [{ uri: cell3, languageId: 'python', version: 1, text: "model = Sequential([Dense(5, activation='softmax')])\n" }],
          },
        },
      },
    });
    expect((await back).diagnostics[0].message).toContain('cell 2, line 1 is a 5-way softmax head');

    const closed = client.nextDiagnostics(cell2, (x) => x.diagnostics.length === 0);
    await client.connection.sendNotification(DidCloseNotebookDocumentNotification.type, {
      notebookDocument: { uri: notebook },
      cellTextDocuments: [{ uri: cell1 }, { uri: cell3 }, { uri: cell2 }],
    });
    await closed;
  });

  it('re-checks a notebook whose cells only moved (the order is the program)', async () => {
    const notebook = 'file:///keras-lint-test/moved.ipynb';
    const [markdownCell, model, compile] = ['M', 'A', 'B'].map((id) => `vscode-notebook-cell:/keras-lint-test/moved.ipynb#${id}`);
    const flagged = client.nextDiagnostics(compile);
    await client.connection.sendNotification(DidOpenNotebookDocumentNotification.type, {
      notebookDocument: { uri: notebook, notebookType: 'jupyter-notebook', version: 1, cells: [{ kind: 1, document: markdownCell }, { kind: 2, document: model }, { kind: 2, document: compile }] },
      cellTextDocuments: [
        { uri: markdownCell, languageId: 'markdown', version: 1, text: '# Model\n' },
        { uri: model, languageId: 'python', version: 1, text: "from keras.models import Sequential\nfrom keras.layers import Dense\nmodel = Sequential([Dense(10, activation='softmax')])\n" },
        { uri: compile, languageId: 'python', version: 1, text: "model.compile(loss='binary_crossentropy', optimizer='adam')\n" },
      ],
    });
    expect(summary((await flagged).diagnostics)).toEqual(['KL002 0:19-0:40']);
    // VS Code's move of the compile cell to the top: the same cells, reordered, nothing opened or closed.
    const moved = client.nextDiagnostics(compile, (p) => p.diagnostics.length === 0);
    await client.connection.sendNotification(DidChangeNotebookDocumentNotification.type, {
      notebookDocument: { uri: notebook, version: 2 },
      change: { cells: { structure: { array: { start: 0, deleteCount: 3, cells: [{ kind: 2, document: compile }, { kind: 1, document: markdownCell }, { kind: 2, document: model }] }, didOpen: [], didClose: [] } } },
    });
    expect((await moved).diagnostics).toEqual([]);
    await client.connection.sendNotification(DidCloseNotebookDocumentNotification.type, {
      notebookDocument: { uri: notebook },
      cellTextDocuments: [{ uri: compile }, { uri: markdownCell }, { uri: model }],
    });
  });

  it('keeps a cell closed and opened again in one change (a language switch) open: its later edits are checked', async () => {
    const notebook = 'file:///keras-lint-test/reopened.ipynb';
    const [model, compile] = ['A', 'B'].map((id) => `vscode-notebook-cell:/keras-lint-test/reopened.ipynb#${id}`);
    const text = "model.compile(loss='binary_crossentropy')\n";
    const opened = client.nextDiagnostics(model);
    await client.connection.sendNotification(DidOpenNotebookDocumentNotification.type, {
      notebookDocument: { uri: notebook, notebookType: 'jupyter-notebook', version: 1, cells: [{ kind: 2, document: model }, { kind: 2, document: compile }] },
      cellTextDocuments: [
        { uri: model, languageId: 'python', version: 1, text: "from keras.models import Sequential\nfrom keras.layers import Dense\nmodel = Sequential([Dense(10, activation='softmax')])\n" },
        { uri: compile, languageId: 'plaintext', version: 1, text },
      ],
    });
    expect((await opened).diagnostics).toEqual([]);
    const switched = client.nextDiagnostics(compile, (p) => p.diagnostics.length === 1);
    await client.connection.sendNotification(DidChangeNotebookDocumentNotification.type, {
      notebookDocument: { uri: notebook, version: 2 },
      change: { cells: { structure: { array: { start: 1, deleteCount: 1, cells: [{ kind: 2, document: compile }] }, didOpen: [{ uri: compile, languageId: 'python', version: 1, text }], didClose: [{ uri: compile }] } } },
    });
    expect(summary((await switched).diagnostics)).toEqual(['KL002 0:19-0:40']);
    const edited = client.nextDiagnostics(compile, (p) => p.diagnostics.length === 0);
    await client.connection.sendNotification(DidChangeNotebookDocumentNotification.type, {
      notebookDocument: { uri: notebook, version: 3 },
      change: { cells: { textContent: [{ document: { uri: compile, version: 2 }, changes: [{ range: rangeOf(text, 'binary_crossentropy'), text: 'categorical_crossentropy' }] }] } },
    });
    expect((await edited).diagnostics).toEqual([]);
    await client.connection.sendNotification(DidCloseNotebookDocumentNotification.type, { notebookDocument: { uri: notebook }, cellTextDocuments: [{ uri: model }, { uri: compile }] });
  });

  it('shows hovers and inlay hints in notebook cells, with positions inside the cell', async () => {
    const notebook = 'file:///keras-lint-test/hints.ipynb';
    const cell1 = 'vscode-notebook-cell:/keras-lint-test/hints.ipynb#A';
    const markdownCell = 'vscode-notebook-cell:/keras-lint-test/hints.ipynb#M';
    const cell2 = 'vscode-notebook-cell:/keras-lint-test/hints.ipynb#B';
    const text1 = "%matplotlib inline\nimport keras\nmodel = keras.Sequential([keras.layers.Dense(1, activation='sigmoid')])\n";
    const text2 = "model.compile(loss='binary_crossentropy', metrics=['accuracy'])\n";
    const onCell2 = client.nextDiagnostics(cell2);
    await client.connection.sendNotification(DidOpenNotebookDocumentNotification.type, {
      notebookDocument: {
        uri: notebook,
        notebookType: 'jupyter-notebook',
        version: 1,
        cells: [{ kind: 1, document: markdownCell }, { kind: 2, document: cell1 }, { kind: 2, document: cell2 }],
      },
      cellTextDocuments: [
        { uri: markdownCell, languageId: 'markdown', version: 1, text: "# Training\nmodel.compile(loss='mse')\n" },
        { uri: cell1, languageId: 'python', version: 1, text: text1 },
        { uri: cell2, languageId: 'python', version: 1, text: text2 },
      ],
    });
    expect((await onCell2).diagnostics).toEqual([]);
    const range = { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } };
    const hints = await client.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri: cell2 }, range });
    expect(hints?.map((h) => [h.position, h.label])).toEqual([[positionOf(text2, "'accuracy'", 10), '→ binary_accuracy']]);
    const compile = markdown(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: cell2 }, position: positionOf(text2, 'compile') }));
    // The markdown cell is not analysed but counts: the model is in the notebook's cell 2, as the editor shows it.
    expect(compile).toContain('- **Head:** 1 unit, sigmoid (cell 2, line 3)');
    const sigmoid = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: cell1 }, position: positionOf(text1, 'sigmoid') });
    expect(sigmoid?.range).toEqual(rangeOf(text1, "'sigmoid'"));
    const inMarkdown = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: markdownCell }, position: { line: 1, character: 21 } });
    expect(inMarkdown).toBeNull();
    await client.connection.sendNotification(DidCloseNotebookDocumentNotification.type, {
      notebookDocument: { uri: notebook },
      cellTextDocuments: [{ uri: cell1 }, { uri: markdownCell }, { uri: cell2 }],
    });
  });

  it('re-checks open documents when the settings change, pulling them from the client', async () => {
    const uri = 'file:///keras-lint-test/settings.py';
    const first = client.nextDiagnostics(uri);
    await client.open(uri, MODEL);
    expect(summary((await first).diagnostics)).toEqual(['KL002 3:19-3:40', 'KL001 3:69-3:79']);
    const pulled = client.configurationRequests;

    settings.set(uri, { ignore: ['KL002'], severity: { KL001: 'error' } });
    const next = client.nextDiagnostics(uri, (p) => !p.diagnostics.some((d) => d.code === 'KL002'));
    await client.configurationChanged();
    const p = await next;
    expect(summary(p.diagnostics)).toEqual(['KL001 3:69-3:79']);
    expect(p.diagnostics[0].severity).toBe(1);
    expect(client.configurationRequests).toBeGreaterThan(pulled);

    settings.set(uri, { enable: false });
    const off = client.nextDiagnostics(uri, (x) => x.diagnostics.length === 0);
    await client.configurationChanged();
    await off;
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positionOf(MODEL, 'binary_crossentropy') });
    expect(hover).toBeNull();
    settings.delete(uri);
  });

  it("reads the project's pyproject.toml and pinned versions, and client settings win", async () => {
    project = mkdtempSync(join(tmpdir(), 'keras-lint-lsp-'));
    mkdirSync(join(project, '.git'));
    writeFileSync(join(project, 'pyproject.toml'), '[tool.keras-lint]\nignore = ["KL002"]\n');
    writeFileSync(join(project, 'requirements.txt'), 'tensorflow==2.3.0\n');
    const uri = pathToFileURL(join(project, 'train.py')).href;
    const first = client.nextDiagnostics(uri);
    await client.open(uri, MODEL);
    // tf.keras 2.3 resolves 'accuracy' from shapes (categorical here), and the project ignores KL002.
    expect((await first).diagnostics).toEqual([]);
    const compile = markdown(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positionOf(MODEL, 'compile') }));
    expect(compile).toContain('- **Keras flavour:** tf.keras 2.2–2.15 / tf_keras — from the workspace: requirements.txt pins tensorflow==2.3.0');

    settings.set(uri, { ignore: [], kerasVersion: 'keras2' });
    const next = client.nextDiagnostics(uri, (p) => p.diagnostics.length > 0);
    await client.configurationChanged();
    expect(summary((await next).diagnostics)).toEqual(['KL002 3:19-3:40', 'KL001 3:69-3:79']);
  });

  it("follows a requirements file's -r include, watches .txt files and re-checks when the included pins change", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keras-lint-lsp-'));
    const watching = await LspClient.start({
      capabilities: { ...CLIENT_CAPABILITIES, workspace: { ...CLIENT_CAPABILITIES.workspace, didChangeWatchedFiles: { dynamicRegistration: true } } },
    });
    try {
      mkdirSync(join(dir, '.git'));
      mkdirSync(join(dir, 'requirements'));
      writeFileSync(join(dir, 'pyproject.toml'), '[tool.keras-lint]\nignore = ["KL002"]\n');
      writeFileSync(join(dir, 'requirements.txt'), '-r requirements/base.txt  # shared pins\nnumpy\n');
      writeFileSync(join(dir, 'requirements', 'base.txt'), 'tensorflow==2.3.0\n');
      await vi.waitFor(() => expect(watching.registrationOptions.get(DidChangeWatchedFilesNotification.method)).toBeDefined());
      const globs = (watching.registrationOptions.get(DidChangeWatchedFilesNotification.method) as { watchers: { globPattern: string }[] }).watchers.map((w) => w.globPattern);
      expect(globs).toEqual(['**/{pyproject.toml,setup.cfg,Pipfile,environment.yml,environment.yaml}', '**/*.{txt,in}']);

      const uri = pathToFileURL(join(dir, 'train.py')).href;
      const first = watching.nextDiagnostics(uri);
      await watching.open(uri, MODEL);
      expect((await first).diagnostics).toEqual([]);
      const compile = markdown(await watching.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positionOf(MODEL, 'compile') }));
      expect(compile).toContain('from the workspace: requirements.txt → requirements/base.txt pins tensorflow==2.3.0');

      // Keras 2.2 computes binary accuracy next to binary_crossentropy: KL001 once the include says so.
      writeFileSync(join(dir, 'requirements', 'base.txt'), 'keras==2.2.4\n');
      const next = watching.nextDiagnostics(uri, (p) => p.diagnostics.length > 0);
      await watching.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(join(dir, 'requirements', 'base.txt')).href, type: FileChangeType.Changed }] });
      expect(summary((await next).diagnostics)).toEqual(['KL001 3:69-3:79']);
    } finally {
      await watching.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers requests about unknown documents and impossible positions without errors', async () => {
    const unknown = { uri: 'file:///keras-lint-test/never-opened.py' };
    const anywhere = { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } };
    expect(await client.connection.sendRequest(HoverRequest.type, { textDocument: unknown, position: { line: 0, character: 0 } })).toBeNull();
    expect(await client.connection.sendRequest(CodeActionRequest.type, { textDocument: unknown, range: anywhere, context: { diagnostics: [] } })).toEqual([]);
    expect(await client.connection.sendRequest(InlayHintRequest.type, { textDocument: unknown, range: anywhere })).toEqual([]);

    const uri = 'file:///keras-lint-test/broken.py';
    const text = "model.compile(loss='binary_crossentropy'\nDense(10, activation='softmax'\n";
    const first = client.nextDiagnostics(uri);
    await client.open(uri, text);
    expect((await first).diagnostics).toEqual([]);
    for (const position of [{ line: 999, character: 0 }, { line: 0, character: 999 }, { line: -1, character: -1 }]) {
      const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
      expect(hover === null || typeof hover === 'object').toBe(true);
    }
    expect(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 999, character: 0 } })).toBeNull();
    const farAway = { start: { line: 500, character: 0 }, end: { line: 900, character: 0 } };
    expect(await client.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range: farAway })).toEqual([]);
    expect(await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: farAway, context: { diagnostics: [] } })).toEqual([]);
    // A change to a closed document and a notebook change for an unknown notebook are ignored.
    await client.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    await client.change(uri, 2, [{ text: 'x = 1\n' }]);
    await client.connection.sendNotification(DidChangeNotebookDocumentNotification.type, {
      notebookDocument: { uri: 'file:///keras-lint-test/nothing.ipynb', version: 2 },
      change: { cells: { textContent: [{ document: { uri: 'vscode-notebook-cell:/nothing#1', version: 2 }, changes: [{ text: 'x' }] }] } },
    });
    expect(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 0 } })).toBeNull();
    expect(client.stderr).toBe('');
    expect(client.problems).toEqual([]);
  });

  it('shuts down and exits with code 0 when asked to', async () => {
    expect(await client.stop()).toBe(0);
  });
});
