// A module parsed in two parts (core/splitParse.ts; the command line's helper thread parses the
// second) must read exactly as the module parsed whole: the same nodes, numbered the same, and
// the same analysis. Here the second part is parsed on this thread; cli.parallel.test.ts runs the
// helper thread.
import { beforeAll, describe, expect, it } from 'vitest';
import { rng, script } from '../scripts/bench/generate.mjs';
import { DocumentAnalyzer } from '../server/src/core/documentAnalyzer';
import { initParser, parsePythonRange } from '../server/src/core/parser';
import { parsePart, splitPoint, type OtherPart } from '../server/src/core/splitParse';
import { SyntaxTree } from '../server/src/core/syntax';
import type { AnalysisResult } from '../server/src/core/types';
import { columns, files, parsedColumns } from './helpers/sources';
import { mutateMany, seeded } from './helpers/fuzz';

beforeAll(async () => {
  await initParser();
});

/** Every line start of `text` that splitPoint could pick (a name or a decorator in column 0). */
function lineStarts(text: string): number[] {
  const starts: number[] = [];
  for (let i = 0; i < text.length; i = text.indexOf('\n', i) + 1 || text.length) if (/[A-Za-z_@]/.test(text[i])) starts.push(i);
  return starts.filter((s) => s > 0);
}

/**
 * The tree of `text` read as the analysis reads it: whole, or cut at `at` and appended, the second
 * part laid out as the whole module's by its thread (`placed`, what the helper does once it knows
 * the first part's node count) or as a tree of its own.
 */
function treeOf(text: string, at?: number, placed = true): ReturnType<typeof columns> | 'part has errors' {
  if (at === undefined) return parsedColumns(text);
  const first = parsePythonRange(text, 0, at);
  try {
    const second = parsePart(text, at, () => (placed && !first.rootNode.hasError ? first.rootNode.descendantCount : null));
    if (first.rootNode.hasError || second.hasError) return 'part has errors';
    expect(second.firstPartCount !== undefined).toBe(placed);
    const syntax = new SyntaxTree(first, text);
    syntax.appendPart(second);
    return columns(syntax);
  } finally {
    first.delete();
  }
}

/**
 * analyzeText's result, with the second part (from `at`) parsed when asked for, as a helper thread
 * would: laid out after the first part with the node count the analysis gives (`firstPartCount`
 * changes what it gives).
 */
function analyzed(text: string, at?: number, firstPartCount = (count: number) => count || null): { result: AnalysisResult; asked: number } {
  let asked = 0;
  let counted: number | null = null;
  const other: OtherPart | undefined =
    at === undefined
      ? undefined
      : {
          start: at,
          firstPartParsed: (count) => (counted = firstPartCount(count)),
          take: () => {
            asked++;
            return parsePart(text, at, () => counted);
          },
        };
  return { result: new DocumentAnalyzer({ reuse: false }).analyze(text, {}, undefined, undefined, [], other), asked };
}

describe('a module parsed in two parts', () => {
  it('gives the whole parse`s tree at every cut both parts parse without an error', () => {
    let cuts = 0;
    let refused = 0;
    for (const [name, text] of files) {
      const whole = treeOf(text);
      // Every candidate line of the small files; 40 spread over the generated one.
      const candidates = lineStarts(text);
      const step = Math.max(1, Math.floor(candidates.length / 40));
      for (let i = 0; i < candidates.length; i += step) {
        const split = treeOf(text, candidates[i]);
        if (split === 'part has errors') {
          refused++;
          continue;
        }
        cuts++;
        expect(split, `${name} cut at ${candidates[i]}`).toEqual(whole);
        expect(treeOf(text, candidates[i], false), `${name} cut at ${candidates[i]}, appended as a tree of its own`).toEqual(whole);
      }
    }
    // Most candidate lines start a statement; those inside a statement (a string, brackets) are refused.
    expect(cuts).toBeGreaterThan(1000);
    expect(refused).toBeGreaterThan(0);
  });

  it('never takes two parts without an error for a module whose whole parse differs (fuzzed sources)', () => {
    // The split is trusted because a cut inside a statement leaves a syntax error in a part. Broken
    // sources (deleted characters, stray brackets and quotes, truncations) try to find a cut where
    // both parts parse cleanly but the whole does not, or parses into other nodes.
    const random = seeded(20261130);
    let clean = 0;
    for (let n = 0; n < 300; n++) {
      const text = mutateMany(random.pick(files)[1], random, 1 + random.int(0, 3));
      const candidates = lineStarts(text);
      if (!candidates.length) continue;
      let whole: ReturnType<typeof treeOf> | undefined;
      for (let k = 0; k < 6; k++) {
        const at = random.pick(candidates);
        const split = treeOf(text, at, k % 2 === 0);
        if (split === 'part has errors') continue;
        clean++;
        whole ??= treeOf(text);
        expect(split, `mutant ${n} cut at ${at}`).toEqual(whole);
      }
    }
    expect(clean).toBeGreaterThan(200);
  });

  it('gives the whole analysis (findings, fixes, hover facts) wherever it is cut', () => {
    for (const [name, text] of files) {
      const whole = analyzed(text).result;
      const candidates = lineStarts(text);
      const step = Math.max(1, Math.floor(candidates.length / 12));
      for (let i = 0; i < candidates.length; i += step) {
        const { result, asked } = analyzed(text, candidates[i]);
        expect(result, `${name} cut at ${candidates[i]}`).toEqual(whole);
        expect(asked).toBeLessThanOrEqual(1);
        // The helper that was not told the count in time hands its part over as a tree of its own.
        expect(analyzed(text, candidates[i], () => null).result, `${name} cut at ${candidates[i]}, not laid out`).toEqual(whole);
      }
    }
  });

  it('runs the second part after the first, so a name bound in one is read in the other', () => {
    const text = ['from tensorflow import keras', 'UNITS = 10', 'ACT = "softmax"', 'model = keras.Sequential([keras.layers.Dense(UNITS, activation=ACT)])', "model.compile(loss='binary_crossentropy', metrics=['accuracy'])", ''].join('\n');
    const at = text.indexOf('model =');
    const { result, asked } = analyzed(text, at);
    expect(asked).toBe(1);
    // The head's units and activation (first part) reach the compile (second part).
    expect(result.findings.map((f) => `${f.ruleId} ${text.slice(f.span.start, f.span.end)}`)).toEqual(["KL002 'binary_crossentropy'", "KL001 'accuracy'"]);
    expect(result).toEqual(analyzed(text).result);
  });

  it('does not run the second part after a statement that ends the module', () => {
    const text = ['import sys', 'from tensorflow import keras', 'sys.exit(0)', 'model = keras.Sequential([keras.layers.Dense(1, activation="softmax")])', "model.compile(loss='binary_crossentropy')", ''].join('\n');
    const at = text.indexOf('model =');
    expect(analyzed(text, at).result).toEqual(analyzed(text).result);
  });

  it('parses the module whole when the cut is inside a statement (a part then has a syntax error)', () => {
    const text = ['from tensorflow import keras', 'model = keras.Sequential([', 'keras.layers.Dense(10, activation="softmax")])', "model.compile(loss='binary_crossentropy', metrics=['accuracy'])", ''].join('\n');
    const inside = text.indexOf('keras.layers.Dense(10');
    expect(treeOf(text, inside)).toBe('part has errors');
    const { result, asked } = analyzed(text, inside);
    // The first part's error is seen before the helper's part is waited for.
    expect(asked).toBe(0);
    expect(result).toEqual(analyzed(text).result);
    expect(result.findings.map((f) => f.ruleId)).toContain('KL001');
  });

  it('parses the module whole when the other part was laid out after a first part of another node count', () => {
    const text = ['from tensorflow import keras', 'model = keras.Sequential([keras.layers.Dense(10, activation="softmax")])', "model.compile(loss='binary_crossentropy', metrics=['accuracy'])", ''].join('\n');
    const at = text.indexOf('model.compile');
    const whole = analyzed(text).result;
    expect(analyzed(text, at, (count) => count + 1).result).toEqual(whole);
    const first = parsePythonRange(text, 0, at);
    try {
      const syntax = new SyntaxTree(first, text);
      expect(() => syntax.appendPart(parsePart(text, at, () => first.rootNode.descendantCount - 1))).toThrow('laid out after another first part');
    } finally {
      first.delete();
    }
  });

  it('parses the module whole when the other part has a syntax error or never comes', () => {
    const text = ['from tensorflow import keras', 'model = keras.Sequential([keras.layers.Dense(10, activation="softmax")])', "model.compile(loss='binary_crossentropy', metrics=['accuracy'])", 'x = (', ''].join('\n');
    const at = text.indexOf('model.compile');
    const whole = analyzed(text).result;
    expect(whole.hasSyntaxErrors).toBe(true);
    expect(analyzed(text, at).result).toEqual(whole);
    const missing = new DocumentAnalyzer({ reuse: false }).analyze(text.replace('x = (', ''), {}, undefined, undefined, [], { start: at, take: () => null });
    expect(missing).toEqual(analyzed(text.replace('x = (', '')).result);
  });
});

describe('splitPoint', () => {
  it('cuts at the statement line nearest the middle, never before a line that goes on a compound statement', () => {
    const text = ['a = 1', 'a = 1', 'a = 1', 'if a:', '    b = 2', 'else:', '    b = 3', 'c = 4', 'c = 4', 'c = 4', ''].join('\n');
    // The middle is the `else:` line, which goes on the `if`: the cut is at the nearest line after it that starts a statement.
    expect(text.slice(0, text.indexOf('else:')).length).toBe(text.length >> 1);
    expect(text.slice(splitPoint(text)!)).toBe('c = 4\nc = 4\nc = 4\n');
    expect(splitPoint(['x = [', '    1,', '    2,', '    3,', '    4,', ']', ''].join('\n'))).toBeNull();
    // Not after a decorator (nor the comment below it), a backslash, an opening bracket, an operator or a colon.
    const decorated = ['a = 1', 'a = 1', 'a = 1', 'a = 1', '@tf.function', '# traced', 'def step():', '    pass', 'b = 2', 'b = 2', 'b = 2', 'b = 2', ''].join('\n');
    expect(decorated.indexOf('def step') - (decorated.length >> 1)).toBeLessThan(8);
    expect(decorated.slice(splitPoint(decorated)!)).toMatch(/^(@tf\.function|b = 2)/);
    for (const end of ['\\', '(', '[', '{', ',', '+', '=', ':']) {
      const text = ['a = 1', 'a = 1', 'a = 1', `x = y ${end}`, 'z', 'b = 2', 'b = 2', 'b = 2', ''].join('\n');
      expect(text.slice(splitPoint(text)!), end).not.toMatch(/^z/);
    }
    const big = script(rng(3), 2000);
    const cut = splitPoint(big)!;
    expect(cut).toBeGreaterThan(big.length / 4);
    expect(cut).toBeLessThan((big.length * 3) / 4);
    expect(big[cut - 1]).toBe('\n');
  });
});
