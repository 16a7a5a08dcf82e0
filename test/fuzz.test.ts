// Fuzzing the core: thousands of broken variants of Keras code (random edits, truncations at every
// position, unbalanced brackets, mis-decoded bytes, a 5 MB line, 5,000-deep nesting) must never
// throw or hang, must give well-formed results, and must still report the mistake in the part of
// the file that still parses; --fix on broken files never breaks them, and broken .ipynb JSON only
// gives the user-facing error. Every input comes from a fixed seed, so a failure names its input.
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeNotebook, analyzeText, initParser } from '../server/src/core/analyze';
import { RULES } from '../server/src/core/catalog';
import { locateInCell, parseIpynb } from '../server/src/core/notebook';
import { parsePython } from '../server/src/core/parser';
import { fixSource } from '../server/src/cli/fix';
import type { AnalysisResult } from '../server/src/core/types';
import { asMisdecodedBytes, CLEAN_SCRIPT, INTACT_FINDING, INTACT_PART, mutateMany, seeded, type Random } from './helpers/fuzz';

/** A mutated file of ~50 lines is analysed in milliseconds; a second means a runaway loop. */
const PER_FILE_MS = 1000;

beforeAll(async () => {
  await initParser();
});

/** Findings, hints and contracts all point inside the text, with known rule ids and in-range fix edits. */
function expectWellFormed(result: AnalysisResult, length: number): void {
  const inRange = (span: { start: number; end: number }) => span.start >= 0 && span.start <= span.end && span.end <= length;
  for (const finding of result.findings) {
    expect(RULES[finding.ruleId], finding.ruleId).toBeDefined();
    expect(inRange(finding.span), `${finding.ruleId} span ${JSON.stringify(finding.span)} in ${length}`).toBe(true);
    for (const related of finding.related) expect(inRange(related.span)).toBe(true);
    for (const fix of finding.fixes) for (const edit of fix.edits) expect(inRange(edit)).toBe(true);
  }
  for (const hint of result.accuracyHints) expect(inRange(hint.span)).toBe(true);
  for (const contract of result.contracts) expect(inRange(contract.span)).toBe(true);
}

/** Runs one analysis of `input`; a throw or a slow run fails with the input's label. */
function analyse(label: string, text: string, limitMs = PER_FILE_MS): AnalysisResult {
  const start = performance.now();
  let result: AnalysisResult;
  try {
    result = analyzeText(text);
  } catch (error) {
    throw new Error(`${label}: analyzeText threw ${error instanceof Error ? error.stack : String(error)}\ninput starts: ${JSON.stringify(text.slice(0, 300))}`);
  }
  const ms = performance.now() - start;
  expect(ms, `${label}: took ${ms.toFixed(0)} ms`).toBeLessThan(limitMs);
  expectWellFormed(result, text.length);
  return result;
}

/**
 * Multi-megabyte inputs, where tree-sitter's parse alone takes seconds on a loaded machine: the
 * analysis of the parsed tree is bounded relative to that parse (no runaway on top of it).
 */
function analyseHuge(label: string, text: string): AnalysisResult {
  const parseStart = performance.now();
  const tree = parsePython(text);
  const parseMs = performance.now() - parseStart;
  try {
    const start = performance.now();
    const result = analyzeText(text, {}, tree);
    const ms = performance.now() - start;
    expect(ms, `${label}: analysis took ${ms.toFixed(0)} ms after a ${parseMs.toFixed(0)} ms parse`).toBeLessThan(2000 + 2 * parseMs);
    expectWellFormed(result, text.length);
    return result;
  } finally {
    tree.delete();
  }
}

function analyseNotebook(label: string, cells: string[], limitMs = PER_FILE_MS): ReturnType<typeof analyzeNotebook> {
  const start = performance.now();
  let out: ReturnType<typeof analyzeNotebook>;
  try {
    out = analyzeNotebook(cells);
  } catch (error) {
    throw new Error(`${label}: analyzeNotebook threw ${error instanceof Error ? error.stack : String(error)}`);
  }
  const ms = performance.now() - start;
  expect(ms, `${label}: took ${ms.toFixed(0)} ms`).toBeLessThan(limitMs);
  expectWellFormed(out.result, out.notebook.text.length);
  for (const finding of out.result.findings) {
    const { cell, offset } = locateInCell(out.notebook, finding.span.start);
    expect(cell).toBeLessThan(cells.length);
    expect(offset).toBeLessThanOrEqual(cells[cell].length);
  }
  return out;
}

/** Splits a text into notebook cells at random line boundaries. */
function cellsOf(text: string, random: Random): string[] {
  const lines = text.split('\n');
  const cells: string[] = [];
  for (let i = 0; i < lines.length; ) {
    const n = random.int(1, 12);
    cells.push(lines.slice(i, i + n).join('\n'));
    i += n;
  }
  return cells;
}

function expectIntactFinding(result: AnalysisResult, offset = 0): void {
  const found = result.findings.filter((f) => f.ruleId === INTACT_FINDING.ruleId).map((f) => [f.span.start - offset, f.span.end - offset]);
  expect(found).toContainEqual([INTACT_FINDING.start, INTACT_FINDING.end]);
}

describe('fuzz: random edits', () => {
  it('the samples themselves: the intact part reports its mistake, the clean script nothing', () => {
    expect(analyse('clean', CLEAN_SCRIPT).findings).toEqual([]);
    const intact = analyse('intact', INTACT_PART);
    expect(intact.findings.map((f) => f.ruleId)).toEqual(['KL002']);
    expectIntactFinding(intact);
  });

  it('1,500 scripts with 1-6 random edits each, as files and as notebooks', () => {
    const random = seeded(0x5eed01);
    for (let i = 0; i < 1500; i++) {
      const text = mutateMany(CLEAN_SCRIPT, random, random.int(1, 6));
      analyse(`mutant ${i}`, text);
      if (i % 3 === 0) analyseNotebook(`mutant ${i} as notebook`, cellsOf(text, random));
    }
  });

  it('truncation, deletion and insertion at every position of a script', () => {
    const random = seeded(0x5eed02);
    const sample = INTACT_PART + CLEAN_SCRIPT.slice(0, 900);
    for (let at = 0; at <= sample.length; at++) {
      analyse(`truncated at ${at}`, sample.slice(0, at));
      analyse(`deleted at ${at}`, sample.slice(0, at) + sample.slice(at + 1));
      analyse(`bracket at ${at}`, sample.slice(0, at) + random.pick(['(', ')', '[', ']', '{', '}', '"""', "'", '\\']) + sample.slice(at));
    }
  });

  it('still reports the mistake in the intact part, whatever happens to the rest (800 mutants)', () => {
    const random = seeded(0x5eed03);
    for (let i = 0; i < 800; i++) {
      const rest = mutateMany(CLEAN_SCRIPT, random, random.int(1, 8));
      expectIntactFinding(analyse(`intact + mutant ${i}`, INTACT_PART + rest));
      if (i % 4 === 0) {
        const { result, notebook } = analyseNotebook(`intact cell + mutant ${i}`, [INTACT_PART, ...cellsOf(rest, random)]);
        expectIntactFinding(result, notebook.cellStarts[0]);
      }
    }
  });

  it('unbalanced brackets and unterminated strings after the intact part', () => {
    for (const junk of ['(', ')', '[', ']]]]]', '{', '((((((((((', 'x = [1, 2,', 'def f(:', 'model.compile(loss=', '"""never closed', "'open", 'if x:\n', '\\', 'class A(:\n  def']) {
      expectIntactFinding(analyse(`intact + ${JSON.stringify(junk)}`, INTACT_PART + junk + '\n' + CLEAN_SCRIPT));
      expectIntactFinding(analyse(`intact + trailing ${JSON.stringify(junk)}`, INTACT_PART + CLEAN_SCRIPT + junk));
    }
  });
});

describe('fuzz: bad encodings', () => {
  it('non-UTF-8 bytes decoded as text (replacement characters) anywhere in a script', () => {
    const random = seeded(0x5eed04);
    for (let i = 0; i < 300; i++) {
      const at = random.int(0, CLEAN_SCRIPT.length);
      analyse(`bytes ${i}`, CLEAN_SCRIPT.slice(0, at) + asMisdecodedBytes(random, random.int(1, 64)) + CLEAN_SCRIPT.slice(at));
    }
    const rest = asMisdecodedBytes(random, 100_000);
    expect(rest).toContain('\ufffd');
    expectIntactFinding(analyse('intact + 100 KB of mis-decoded bytes', INTACT_PART + rest));
  });

  it('lone surrogates, NULs, BOMs and odd line breaks', () => {
    const odd = ['\ud800', '\udfff', '\u0000', '\ufeff', '\r', '\u2028', '\u0085', '\x0c'];
    for (const ch of odd) {
      analyse(`${JSON.stringify(ch)} everywhere`, CLEAN_SCRIPT.split('\n').join(`${ch}\n`));
      expectIntactFinding(analyse(`intact + ${JSON.stringify(ch)}`, `${INTACT_PART}${ch.repeat(50)}\n${CLEAN_SCRIPT}`));
    }
  });
});

describe('fuzz: size and depth', () => {
  const FIVE_MB = 5 * 1024 * 1024;
  const hugeLines: [string, string][] = [
    ['a string literal', `blob = "${'a'.repeat(FIVE_MB)}"`],
    ['a flat list', `data = [${'"sample-00001", '.repeat(FIVE_MB / 16)}1]`],
    ['a sum', `total = ${'x + '.repeat(FIVE_MB / 4)}x`],
    ['a comment', `# ${'keras '.repeat(FIVE_MB / 6)}`],
    ['statements separated by semicolons', 'x = np.load("data/some/longer/path/file.npz"); '.repeat(FIVE_MB / 48)],
  ];
  for (const [name, line] of hugeLines) {
    it(`a 5 MB single line: ${name}`, () => {
      expect(line.length).toBeGreaterThan(FIVE_MB * 0.9);
      expectIntactFinding(analyseHuge(`5 MB ${name}`, `${INTACT_PART}${line}\n`));
    });
  }

  const DEPTH = 5000;
  const deep: [string, string][] = [
    ['parentheses', `x = ${'('.repeat(DEPTH)}1${')'.repeat(DEPTH)}`],
    ['lists', `x = ${'['.repeat(DEPTH)}1${']'.repeat(DEPTH)}`],
    ['dicts', `x = ${'{"k": '.repeat(DEPTH)}1${'}'.repeat(DEPTH)}`],
    ['calls', `x = ${'f('.repeat(DEPTH)}1${')'.repeat(DEPTH)}`],
    ['layer calls', `x = ${'keras.layers.Dense(10)('.repeat(DEPTH)}inputs${')'.repeat(DEPTH)}`],
    ['subscripts', `x = a${'[a'.repeat(DEPTH)}${']'.repeat(DEPTH)}`],
    ['unary minus', `x = ${'-'.repeat(DEPTH)}1`],
    ['not', `x = ${'not '.repeat(DEPTH)}y`],
    ['lambdas', `f = ${'lambda: '.repeat(DEPTH)}1`],
    ['conditional expressions', `x = ${'a if b else '.repeat(DEPTH)}c`],
    ['attribute chain', `x = a${'.b'.repeat(DEPTH)}`],
    ['unclosed parentheses', `x = ${'('.repeat(DEPTH)}`],
    ['closing brackets only', `x = 1${')]}'.repeat(DEPTH)}`],
    ['ifs', Array.from({ length: DEPTH }, (_, i) => `${' '.repeat(i)}if x:`).join('\n') + `\n${' '.repeat(DEPTH)}y = 1`],
    ['defs', Array.from({ length: DEPTH }, (_, i) => `${' '.repeat(i)}def f${i}():`).join('\n') + `\n${' '.repeat(DEPTH)}return 1`],
    ['classes', Array.from({ length: DEPTH }, (_, i) => `${' '.repeat(i)}class C${i}(keras.Model):`).join('\n') + `\n${' '.repeat(DEPTH)}pass`],
    ['for loops', Array.from({ length: DEPTH }, (_, i) => `${' '.repeat(i)}for i${i} in y:`).join('\n') + `\n${' '.repeat(DEPTH)}model.fit(x, y)`],
  ];
  for (const [name, code] of deep) {
    it(`${DEPTH} levels of nested ${name}`, () => {
      expectIntactFinding(analyseHuge(`deep ${name}`, `${INTACT_PART}${code}\n`));
      if (code.length < 1_000_000) {
        const { result, notebook } = analyseNotebook(`deep ${name} as notebook`, [INTACT_PART, code], 20000);
        expectIntactFinding(result, notebook.cellStarts[0]);
      }
    });
  }

  it('runaway recursion and self-reference', () => {
    const programs = [
      'def f(n):\n    return f(n - 1)\nmodel = f(3)\nmodel.compile(loss="mse")\n',
      'def a():\n    return b()\ndef b():\n    return a()\na()\n',
      'class A(A):\n    pass\nA().compile(loss="mse")\n',
      'class A(B):\n    pass\nclass B(A):\n    pass\nA()\n',
      'class M(keras.Model):\n    def call(self, x):\n        return self(x)\nM()(1)\n',
      'x = x\nx.compile(loss=x)\n',
      'model = keras.Sequential()\nfor i in range(10**9):\n    model.add(model)\nmodel.compile(loss="mse")\n',
    ];
    for (const program of programs) expectIntactFinding(analyse(JSON.stringify(program.slice(0, 40)), INTACT_PART + program));
  });
});

describe('fuzz: --fix and notebook files', () => {
  /** Two mistakes with safe fixes (KL002 + KL001 on a 10-way softmax; KL004 + KL005 on one unit). */
  const FIXABLE = `from tensorflow import keras
m = keras.Sequential([keras.layers.Dense(64, activation="relu"), keras.layers.Dense(10, activation="softmax")])
m.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
one = keras.Sequential([keras.layers.Dense(1, activation="softmax")])
one.compile(loss="categorical_crossentropy")
`;

  it('the fixes of 300 mutated scripts never break one that parsed, and leave nothing more to fix', () => {
    const random = seeded(0x5eed05);
    let fixed = 0;
    for (let i = 0; i < 300; i++) {
      const text = mutateMany(FIXABLE + CLEAN_SCRIPT, random, random.int(1, 5));
      const outcome = fixSource({ kind: 'python', text, bom: false }, {});
      if (!outcome.fixed || outcome.fixed.kind !== 'python') continue;
      fixed++;
      const after = outcome.fixed.text;
      if (!analyzeText(text).hasSyntaxErrors) expect(analyzeText(after).hasSyntaxErrors, `mutant ${i}`).toBe(false);
      expect(fixSource({ kind: 'python', text: after, bom: false }, {}).fixed, `mutant ${i} fixed again`).toBeNull();
    }
    // Most mutants keep at least one of the mistakes intact.
    expect(fixed).toBeGreaterThan(200);
  });

  it('2,000 mutated .ipynb files: a notebook or a "not a valid notebook" error, nothing else', () => {
    const random = seeded(0x5eed06);
    const json = JSON.stringify({ cells: [{ cell_type: 'code', source: FIXABLE.split(/(?<=\n)/) }, { cell_type: 'markdown', source: '# notes' }], metadata: { kernelspec: { language: 'python' } }, nbformat: 4 }, null, 1);
    let parsed = 0;
    for (let i = 0; i < 2000; i++) {
      const text = mutateMany(json, random, random.int(1, 4));
      let notebook;
      try {
        notebook = parseIpynb(text);
      } catch (error) {
        expect(error instanceof Error && error.message.startsWith('not a valid notebook'), `mutant ${i}: ${String(error)}`).toBe(true);
        continue;
      }
      parsed++;
      analyseNotebook(`notebook mutant ${i}`, notebook.cells.filter((c) => c.kind === 'code').map((c) => c.source));
    }
    expect(parsed).toBeGreaterThan(100);
  });
});
