// Re-analysis after an edit (DocumentAnalyzer, what the language server runs on each keystroke) must
// not change a single result:
//  - slicing (model/slice.ts): only the groups of top-level statements that can lead to a finding
//    are interpreted; the result equals running every statement (analyzeText);
//  - reuse: after an edit, groups the edit did not touch keep their results, moved to their new
//    offsets; the result equals a fresh analysis of the new text.
// The corpus is every fixture and example, fixtures glued into bigger modules (shared names such as
// `model` then join their statements), and fuzzed variants of them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Edit } from 'web-tree-sitter';
import { analyzeNotebook, analyzeText, DocumentAnalyzer, initParser } from '../server/src/core/analyze';
import { parseIpynb } from '../server/src/core/notebook';
import { sliceModule, statementNames } from '../server/src/core/model/slice';
import { DocumentParse } from '../server/src/core/documentParse';
import { ModuleCopy } from '../server/src/core/moduleCopy';
import { parsePython, pointAt } from '../server/src/core/parser';
import { commonPrefixLength, commonSuffixLength } from '../server/src/core/relocate';
import { readTree } from '../server/src/core/syntax';
import type { AnalysisOptions, AnalysisResult } from '../server/src/core/types';
import { flagged } from './helpers/analysis';
import { EXAMPLES } from './helpers/cli';
import { CLEAN_SCRIPT, mutate, mutateMany, seeded, type Random } from './helpers/fuzz';

beforeAll(async () => {
  await initParser();
});

const FIXTURES = join(__dirname, 'fixtures');
const corpus: { name: string; text: string }[] = [
  ...['flag', 'silent'].flatMap((folder) =>
    readdirSync(join(FIXTURES, folder))
      .filter((n) => n.endsWith('.py'))
      .sort()
      .map((n) => ({ name: `${folder}/${n}`, text: readFileSync(join(FIXTURES, folder, n), 'utf8') })),
  ),
  ...readdirSync(EXAMPLES)
    .filter((n) => n.endsWith('.py'))
    .sort()
    .map((n) => ({ name: `examples/${n}`, text: readFileSync(join(EXAMPLES, n), 'utf8') })),
  { name: 'CLEAN_SCRIPT', text: CLEAN_SCRIPT },
];

/** Fixtures glued together: one module with many groups, some joined by names they share. */
function glued(random: Random, count: number): string {
  return Array.from({ length: count }, () => random.pick(corpus).text.replace(/^# keras-lint-flavour:.*\n/, '')).join('\n\n');
}

/** A DocumentAnalyzer's second analysis of a text: sliced, with nothing to reuse. */
function sliced(text: string, options: AnalysisOptions = {}): AnalysisResult {
  const analyzer = new DocumentAnalyzer();
  analyzer.analyze(text, options);
  const result = analyzer.analyze(text, options);
  expect(analyzer.lastRun.reused).toBe(0);
  return result;
}

function topLevelTexts(code: string, pick: 'groups' | 'skipped'): string[] {
  const tree = parsePython(code);
  try {
    const slice = sliceModule(readTree(tree, code), code);
    if (!slice) throw new Error('the module was not split');
    const kept = new Set(slice.groups.flat().map((s) => s.text));
    const all = readTree(tree, code).namedChildren.filter((n) => n && n.type !== 'comment' && !n.type.includes('import')).map((n) => n!.text);
    return pick === 'groups' ? all.filter((t) => kept.has(t)) : all.filter((t) => !kept.has(t));
  } finally {
    tree.delete();
  }
}

describe('slicing gives the result of running every statement', () => {
  it.each(corpus.map((c) => [c.name, c.text]))('%s', (_name, text) => {
    const flavour = /^#\s*keras-lint-flavour:\s*(\S+)/.exec(text)?.[1] as AnalysisOptions['flavour'];
    const options = flavour ? { flavour } : {};
    expect(sliced(text, options)).toEqual(analyzeText(text, options));
  });

  it('on 40 modules glued from several fixtures', () => {
    const random = seeded(7);
    for (let i = 0; i < 40; i++) {
      const text = glued(random, random.int(2, 6));
      expect(sliced(text), `glued module ${i}`).toEqual(analyzeText(text));
    }
  });

  it('on 300 fuzzed variants', () => {
    const random = seeded(11);
    for (let i = 0; i < 300; i++) {
      const text = mutateMany(random.pick(corpus).text, random, random.int(1, 6));
      expect(sliced(text), `variant ${i}: ${JSON.stringify(text.slice(0, 200))}`).toEqual(analyzeText(text));
    }
  });
});

describe('what the slice keeps and skips', () => {
  const MODEL = `from tensorflow import keras
from tensorflow.keras import layers
(x, y), _ = keras.datasets.mnist.load_data()
`;

  it('skips code that shares no module-level name with a compile or a softmax', () => {
    const code = `${MODEL}CONFIG = {"epochs": 3}
def plot(history):
    plt.plot(history.history["loss"])
print(CONFIG)
model = keras.Sequential([layers.Dense(10, activation="softmax")])
model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x, y)
`;
    expect(topLevelTexts(code, 'skipped')).toEqual(['CONFIG = {"epochs": 3}', 'def plot(history):\n    plt.plot(history.history["loss"])', 'print(CONFIG)']);
    expect(topLevelTexts(code, 'groups')).toContain('(x, y), _ = keras.datasets.mnist.load_data()');
  });

  it('is not joined by names in strings, comments, comprehensions or plain assignments alone', () => {
    const code = `${MODEL}(a, b), _ = keras.datasets.mnist.load_data()
label = "loss"
def report(history):
    # the loss, per epoch
    print("loss", [h for h in history if h["label"]], [_ for _ in range(3)])
model = keras.Sequential([layers.Dense(10, activation="softmax")])
model.compile(loss="sparse_categorical_crossentropy")
model.fit(x, y)
`;
    expect(topLevelTexts(code, 'skipped')).toEqual(['(a, b), _ = keras.datasets.mnist.load_data()', 'label = "loss"', expect.stringMatching(/^def report/)]);
  });

  it('hides only the names inside a comprehension, not those next to it', () => {
    const code = `${MODEL}weights = [1.0] * 10
labels = keras.utils.to_categorical(y, 10)
model = keras.Sequential([layers.Dense(10, activation="softmax")])
model.compile(loss="categorical_crossentropy")
model.fit(x, labels, class_weight={i: w for i, w in enumerate(weights)})
`;
    expect(topLevelTexts(code, 'skipped')).toEqual(['weights = [1.0] * 10']);
  });

  it('is joined by names in f-strings and by what a target subscripts', () => {
    const code = `${MODEL}KIND = "sparse_categorical"
heads = {}
heads["out"] = layers.Dense(10, activation="softmax")
model = keras.Sequential([heads["out"]])
model.compile(loss=f"{KIND}_crossentropy")
model.fit(x, y)
`;
    expect(topLevelTexts(code, 'skipped')).toEqual([]);
  });

  it('keeps an alias of the model and what is done through it', () => {
    const code = `${MODEL}model = keras.Sequential([layers.Dense(64, activation="relu")])
m = model
m.add(layers.Dense(1))
model.compile(loss="binary_crossentropy")
model.fit(x, y)
`;
    expect(topLevelTexts(code, 'skipped')).toEqual([]);
    // The head is the Dense(1) added through the alias.
    expect(flagged(code)).toEqual(['KL012 1', 'KL009 "binary_crossentropy"']);
  });

  it('keeps a function that binds a global the compile reads', () => {
    const code = `${MODEL}def choose():
    global LOSS
    LOSS = "binary_crossentropy"
choose()
model = keras.Sequential([layers.Dense(10, activation="softmax")])
model.compile(loss=LOSS, metrics=["accuracy"])
model.fit(x, y)
`;
    expect(topLevelTexts(code, 'skipped')).toEqual([]);
  });

  it('follows names bound by for, with, except, walrus and del, and non-ASCII names', () => {
    const facts = (code: string) => {
      const tree = parsePython(code);
      try {
        const node = readTree(tree, code).namedChildren[0]!;
        return [...statementNames({ node, start: node.startIndex, end: node.endIndex, text: node.text }, false).binds].sort();
      } finally {
        tree.delete();
      }
    };
    expect(facts('for i, (a, b) in enumerate(pairs):\n    total = a')).toEqual(['a', 'b', 'i', 'total']);
    expect(facts('with open(p) as f, ctx() as (g, h):\n    data = f.read()')).toEqual(expect.arrayContaining(['data', 'f', 'g', 'h']));
    expect(facts('try:\n    import keras\nexcept ImportError as error:\n    keras = None')).toEqual(expect.arrayContaining(['error', 'keras']));
    expect(facts('if (n := len(y)) > 0:\n    pass')).toEqual(['n']);
    expect(facts('del модель')).toEqual(['модель']);
    expect(facts('a = b = compute()')).toEqual(['a', 'b']);
    expect(facts('x.attr += 1')).toEqual(['x']);
    expect(facts('def build(units):\n    inner = units\n    return inner')).toEqual(['build']);
  });

  it('does not join groups for an "activation" string (Keras Tuner) or an activation read as a call', () => {
    const code = `import keras
def build(hp):
    m = keras.Sequential([keras.layers.Dense(10, activation=hp.Choice("activation", ["relu", "tanh"]))])
    m.compile(loss='mse')
    return m
a = keras.Sequential([keras.layers.Dense(10, activation='softmax')])
a.compile(loss='binary_crossentropy')
y = a.layers[0].activation(x)
`;
    const tree = parsePython(code);
    try {
      expect(sliceModule(readTree(tree, code), code)!.groups.length).toBe(2);
    } finally {
      tree.delete();
    }
  });

  it('joins every group to a statement that may replace an activation, or run unseen code, through a name it cannot follow', () => {
    const code = `from tensorflow import keras
a = keras.Sequential([keras.layers.Dense(10, activation='softmax')])
a.compile(loss='binary_crossentropy')
b = keras.Sequential([keras.layers.Dense(10, activation='softmax')])
last = b.layers[-1]
last.activation = None
`;
    // The interpreter cannot tell which model's layer `last` is: no model's head is known afterwards.
    expect(analyzeText(code).findings).toEqual([]);
    expect(sliced(code)).toEqual(analyzeText(code));
    // Two edits of `a` alone: the second re-runs a's group and keeps b's (with `last`) as it was.
    // Every way of writing the activation's assignment joins the groups alike.
    for (const form of ['last.activation = None', 'last.activation, flag = None, True', 'last.activation: object = None', '(last.activation) = None', '[last.activation] = [None]', 'for last.activation in [None]: pass', 'sa = setattr\nsa(last, "activation", None)', 'exec(source)', 'run = exec\nrun(source)']) {
      const variant = code.replace('last.activation = None', form);
      const analyzer = new DocumentAnalyzer();
      analyzer.analyze(variant);
      for (const optimizer of ['sgd', 'adam']) {
        const edited = variant.replace("a.compile(loss='binary_crossentropy')", `a.compile(loss='binary_crossentropy', optimizer='${optimizer}')`);
        expect(analyzer.analyze(edited), `${form}, ${optimizer}`).toEqual(analyzeText(edited));
      }
    }
  });

  it('splits around a raise that only may run, not after one that always runs', () => {
    const mayStop = `${MODEL}CONFIG = {"epochs": 3}
if CONFIG is None:
    raise SystemExit(1)
model = keras.Sequential([layers.Dense(10, activation="softmax")])
model.compile(loss="binary_crossentropy")
model.fit(x, y)
`;
    expect(topLevelTexts(mayStop, 'skipped')).toEqual(['CONFIG = {"epochs": 3}', 'if CONFIG is None:\n    raise SystemExit(1)']);
    const stops = mayStop.replace('if CONFIG is None:\n    raise', 'raise');
    const tree = parsePython(stops);
    try {
      expect(sliceModule(readTree(tree, stops), stops)).toBeNull();
    } finally {
      tree.delete();
    }
    // Nothing after the raise runs: the mistake below it is not reported, sliced or not.
    expect(sliced(stops)).toEqual(analyzeText(stops));
    expect(analyzeText(stops).findings).toEqual([]);
  });
});

/** Small edits a user makes while typing, plus now and then a rougher one. */
function typingEdit(text: string, random: Random): string {
  const at = random.int(0, text.length);
  switch (random.int(0, 5)) {
    case 0:
      return text.slice(0, at) + random.pick(['1', 'a', ' ', '_', '(', ')', "'", '\n', '#']) + text.slice(at);
    case 1:
      return text.slice(0, at) + text.slice(at + 1);
    case 2: {
      const digit = text.slice(at).search(/\d/);
      return digit < 0 ? text : text.slice(0, at + digit) + String(random.int(0, 9)) + text.slice(at + digit + 1);
    }
    case 3: {
      const name = /softmax|sigmoid|binary_crossentropy|categorical_crossentropy|accuracy/.exec(text.slice(at));
      if (!name) return text;
      const start = at + name.index;
      return text.slice(0, start) + random.pick(['softmax', 'sigmoid', 'binary_crossentropy', 'categorical_crossentropy', 'accuracy']) + text.slice(start + name[0].length);
    }
    default:
      return mutate(text, random);
  }
}

/** The one edit that turns `before` into `after`, as tree.edit takes it. */
function editBetween(before: string, after: string): Edit {
  const startIndex = commonPrefixLength(before, after);
  const suffix = commonSuffixLength(before, after, startIndex);
  const oldEndIndex = before.length - suffix;
  const newEndIndex = after.length - suffix;
  return new Edit({ startIndex, oldEndIndex, newEndIndex, startPosition: pointAt(before, startIndex), oldEndPosition: pointAt(before, oldEndIndex), newEndPosition: pointAt(after, newEndIndex) });
}

describe('re-analysis after edits gives the result of a fresh analysis', () => {
  it('on 30 modules, 25 edits each', () => {
    const random = seeded(23);
    for (let m = 0; m < 30; m++) {
      let text = m < 10 ? random.pick(corpus).text : glued(random, random.int(2, 5));
      const analyzer = new DocumentAnalyzer();
      analyzer.analyze(text);
      for (let e = 0; e < 25; e++) {
        text = typingEdit(text, random);
        expect(analyzer.analyze(text), `module ${m}, edit ${e}: ${JSON.stringify(text.slice(0, 120))}`).toEqual(analyzeText(text));
      }
    }
  });

  it('on the parse the language server keeps (statements re-parsed and spliced, or tree-sitter`s incremental parse)', () => {
    const random = seeded(29);
    let onCopies = 0;
    for (let m = 0; m < 30; m++) {
      let text = m < 10 ? random.pick(corpus).text : glued(random, random.int(2, 5));
      const parse = new DocumentParse();
      const analyzer = new DocumentAnalyzer();
      analyzer.analyze(text, {}, parse.parsed(text));
      for (let e = 0; e < 25; e++) {
        const before = text;
        text = typingEdit(text, random);
        // As editors send them: mostly the edited range, now and then the whole text.
        if (e % 5 === 4) parse.replaced();
        else parse.edited(editBetween(before, text));
        const parsed = parse.parsed(text);
        if (parsed instanceof ModuleCopy) onCopies++;
        const fresh = parsePython(text);
        expect(analyzer.analyze(text, {}, parsed), `module ${m}, edit ${e}: ${JSON.stringify(text.slice(0, 120))}`).toEqual(analyzeText(text, {}, fresh));
        fresh.delete();
      }
      parse.dispose();
    }
    expect(onCopies).toBeGreaterThan(50);
  });

  it('after one character that leaves a syntax error (a quote, an emoji): the slice reads names as the parse recovered them', () => {
    // `model😀.add(Dense(1))` is `model.add(...)` to the parse; `(x_tra'in, y_train) = ...` binds y_train.
    const sweep = ['flag/KL004_activation_layer_after_dense.py', 'flag/KL012_one_unit_on_ten_classes.py', 'flag/KL005_imdb_sigmoid_keras.py', 'flag/KL008_sequential_add_activation.py'];
    for (const name of sweep) {
      const text = corpus.find((c) => c.name === name)!.text;
      for (const character of ['😀', "'", '"']) {
        for (let at = 0; at <= text.length; at += 3) {
          const edited = text.slice(0, at) + character + text.slice(at);
          const analyzer = new DocumentAnalyzer();
          analyzer.analyze(text);
          expect(analyzer.analyze(edited), `${name}: ${JSON.stringify(character)} at ${at}`).toEqual(analyzeText(edited));
        }
      }
    }
  });

  it('in a notebook, with cell numbers in the messages', () => {
    const random = seeded(31);
    const cells = parseIpynb(readFileSync(join(EXAMPLES, 'notebook_mistakes.ipynb'), 'utf8')).cells.filter((c) => c.kind === 'code').map((c) => c.source);
    const numbers = cells.map((_, i) => 2 * i + 1);
    const analyzer = new DocumentAnalyzer();
    for (let e = 0; e < 40; e++) {
      const cell = random.int(0, cells.length - 1);
      cells[cell] = typingEdit(cells[cell], random);
      const incremental = analyzeNotebook(cells, {}, numbers, analyzer).result;
      expect(incremental, `edit ${e} in cell ${cell}`).toEqual(analyzeNotebook(cells, {}, numbers).result);
    }
  });

  it('keeps the findings of groups that share lines (statements joined by ;) after an unrelated edit', () => {
    const code = `from tensorflow import keras
from tensorflow.keras import layers
a = keras.Sequential([layers.Dense(10, activation="softmax")]); b = keras.Sequential([layers.Dense(3, activation="softmax")])
x = 1
a.compile(loss="binary_crossentropy"); b.compile(loss="binary_crossentropy")
c = keras.Sequential([layers.Dense(4, activation="softmax")])
c.compile(loss="binary_crossentropy"); d = 2
`;
    const analyzer = new DocumentAnalyzer();
    analyzer.analyze(code, { flavour: 'keras2' });
    analyzer.analyze(code, { flavour: 'keras2' });
    for (const edited of [code.replace('x = 1', 'x = 12'), code.replace('x = 1', 'x = 1\n'), code.replace('d = 2', 'd = 3')]) {
      const result = analyzer.analyze(edited, { flavour: 'keras2' });
      expect(result).toEqual(analyzeText(edited, { flavour: 'keras2' }));
      expect(result.findings.filter((f) => f.ruleId === 'KL002')).toHaveLength(3);
    }
  });

  it('renumbers cells in the messages when a cell is added above, though no code changed', () => {
    const cells = parseIpynb(readFileSync(join(EXAMPLES, 'notebook_mistakes.ipynb'), 'utf8')).cells.filter((c) => c.kind === 'code').map((c) => c.source);
    const analyzer = new DocumentAnalyzer();
    const before = cells.map((_, i) => i + 1);
    const after = cells.map((_, i) => i + 2); // a markdown cell inserted at the top
    analyzeNotebook(cells, {}, before, analyzer);
    analyzeNotebook(cells, {}, before, analyzer);
    const renumbered = analyzeNotebook(cells, {}, after, analyzer).result;
    expect(renumbered).toEqual(analyzeNotebook(cells, {}, after).result);
    expect(renumbered.findings.some((f) => f.message.includes('cell'))).toBe(true);
  });

  it('regroups when an edit makes a statement read another name', () => {
    const code = `from tensorflow import keras
from tensorflow.keras import layers
head = layers.Dense(1, activation="relu")
model = keras.Sequential([layers.Dense(10, activation="softmax")])
model.compile(loss="binary_crossentropy")
`;
    const analyzer = new DocumentAnalyzer();
    analyzer.analyze(code);
    analyzer.analyze(code);
    expect(analyzer.lastRun.skippedStatements).toBe(1);
    // Same statements, but the model now reads `head`: its statement joins the group.
    const edited = code.replace('[layers.Dense(10, activation="softmax")]', '[head]');
    const result = analyzer.analyze(edited);
    expect(result).toEqual(analyzeText(edited));
    expect(result.findings.map((f) => `${f.ruleId} ${edited.slice(f.span.start, f.span.end)}`)).toEqual(['KL015 "relu"']);
    expect(analyzer.lastRun.skippedStatements).toBe(0);
  });

  it('reads a statement again when an edit changes its last characters or cuts it short', () => {
    const code = (model: string) => `from tensorflow import keras
from tensorflow.keras import layers
head = layers.Dense(1, activation="relu")
${model}
model.compile(loss="binary_crossentropy")
`;
    const versions = [
      'model = keras.Sequential([heax])',
      // One character near the end, the length kept: the model now reads `head`, whose statement joins its group.
      'model = keras.Sequential([head])',
      'model = keras.Sequential([layers.Dense(10, activation="softmax")]) if head else None',
      // Cut short before the edit: the statement starts where it did but no longer reads `head`.
      'model = keras.Sequential([layers.Dense(10, activation="softmax")])',
    ];
    const analyzer = new DocumentAnalyzer();
    analyzer.analyze(code(versions[0]));
    for (const [i, model] of versions.entries()) {
      const text = code(model);
      expect(analyzer.analyze(text), `version ${i}`).toEqual(analyzeText(text));
      // `head` is skipped exactly when the model does not read it.
      expect(analyzer.lastRun.skippedStatements, `version ${i}`).toBe(model.includes('head') ? 0 : 1);
    }
    expect(analyzeText(code(versions[1])).findings.map((f) => f.ruleId)).toContain('KL015');
    expect(analyzeText(code(versions[3])).findings.map((f) => f.ruleId)).not.toContain('KL015');
  });

  it('moves the findings of an untouched group when an edit above it shifts it', () => {
    const code = `from tensorflow import keras
from tensorflow.keras import layers
a = keras.Sequential([layers.Dense(10, activation="softmax")])
a.compile(loss="binary_crossentropy", metrics=["accuracy"])
b = keras.Sequential([layers.Dense(3, activation="softmax")])
b.compile(loss="binary_crossentropy")
`;
    const analyzer = new DocumentAnalyzer();
    // Opened (nothing remembered yet: most open files are never edited), then a first edit.
    analyzer.analyze(code);
    const before = analyzer.analyze(code);
    expect(analyzer.lastRun.reused).toBe(0);
    const edited = code.replace('Dense(10,', 'Dense(100,');
    const after = analyzer.analyze(edited);
    expect(after).toEqual(analyzeText(edited));
    expect(analyzer.lastRun).toEqual({ groups: 2, reused: 1, skippedStatements: 0, ranStatements: 4 });
    const lossOfB = (r: AnalysisResult, text: string) => r.findings.find((f) => f.span.start > text.indexOf('b.compile'))!;
    expect(lossOfB(after, edited).span.start).toBe(lossOfB(before, code).span.start + 1);
  });

  it('keeps line numbers right when an edit adds or removes line breaks, or a lone \\r, above or below an untouched group', () => {
    // Groups above and below the edit keep their remembered results only while their lines are the
    // same: a line break added between them moves every message naming a line below it.
    const code = `from tensorflow import keras
from tensorflow.keras import layers
a = keras.Sequential([layers.Dense(10, activation="softmax")])
a.compile(loss="binary_crossentropy", metrics=["accuracy"])
c = keras.Sequential([layers.Dense(1, activation="softmax")])
c.compile(loss="binary_crossentropy")
b = keras.Sequential([layers.Dense(3, activation="softmax")])
b.compile(loss="binary_crossentropy")
`;
    const versions = [
      code.replace('Dense(1,', 'Dense(11,'),
      // The same length, one line more: what follows moved down a line, not along.
      code.replace('Dense(1,', 'Dense(\n,'),
      code.replace('Dense(1,', 'Dense(11,'),
      code.replace('Dense(1,', 'Dense(\n1,'),
      code.replace('Dense(1,', 'Dense(1,\n\n'),
      code.replace('c = ', '\nc = '),
      code.replace('c = ', 'c =\r '),
      code,
      code.replace('c = ', 'c =\r '),
      code.replace('Dense(3,', 'Dense(33,'),
      code.replace('\nc = ', 'c = 1\nc = '),
      code,
    ];
    const analyzer = new DocumentAnalyzer();
    analyzer.analyze(code);
    analyzer.analyze(code);
    const messages = (r: AnalysisResult) => r.findings.map((f) => f.message).join('\n');
    for (const [i, text] of versions.entries()) {
      const result = analyzer.analyze(text);
      expect(result, `version ${i}`).toEqual(analyzeText(text));
      // The first edits keep `a` (above them) as it was: the reuse this checks is exercised.
      if (i < 5) expect(analyzer.lastRun.reused, `version ${i}`).toBeGreaterThan(0);
    }
    expect(messages(analyzer.analyze(code))).toContain('line');
  });
});
