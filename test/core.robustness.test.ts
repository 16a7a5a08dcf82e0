// Bad input never throws: syntax errors, binary junk, deep nesting, recursion, half-typed code.
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeText, initParser } from '../server/src/core/analyze';

beforeAll(async () => {
  await initParser();
});

const CLASSIC = `model = Sequential([Dense(10, activation='softmax')])
model.compile(loss='binary_crossentropy', metrics=['accuracy'])
`;

describe('robustness', () => {
  it('still reports the complete model above half-typed code', () => {
    const result = analyzeText(`${CLASSIC}model.fit(x, y\nother = Sequential([Dense(\n`, { flavour: 'keras3' });
    expect(result.hasSyntaxErrors).toBe(true);
    expect(result.findings.map((f) => f.ruleId)).toEqual(['KL002']);
  });

  it('survives every truncation of a Keras script', () => {
    for (let cut = 0; cut <= CLASSIC.length; cut++) {
      expect(() => analyzeText(CLASSIC.slice(0, cut))).not.toThrow();
    }
  });

  it('survives binary junk, deep nesting and runaway recursion', () => {
    let seed = 7;
    const junk = Array.from({ length: 20000 }, () => String.fromCharCode((seed = (seed * 1103515245 + 12345) % 2 ** 31) % 0xffff)).join('');
    const inputs = [
      junk,
      `x = ${'('.repeat(5000)}1${')'.repeat(5000)}`,
      `x = ${'['.repeat(5000)}1${']'.repeat(5000)}`,
      Array.from({ length: 400 }, (_, i) => `${' '.repeat(i)}if x:`).join('\n') + `\n${' '.repeat(400)}pass`,
      'def f(n):\n    return f(n - 1)\nf(3)\n',
      'class A(A):\n    pass\nA()\n',
      '\u0000\u0001 model.compile(loss=',
    ];
    // Each with a compile call, so that it is parsed and interpreted, not skipped as non-Keras.
    for (const input of inputs) expect(() => analyzeText(`${input}\nmodel.compile(loss='mse')\n`)).not.toThrow();
  });

  it('does not parse files that can hold no finding (no compile call, no softmax)', () => {
    // Broken code in a file with neither is not even parsed: no syntax errors are reported for it.
    expect(analyzeText('def f(:\n    x = [\n').hasSyntaxErrors).toBe(false);
    expect(analyzeText('def f(:\n    x = [\nm.compile(\n').hasSyntaxErrors).toBe(true);
    expect(analyzeText('x = tf.nn.Softmax(\n').hasSyntaxErrors).toBe(true);
  });
});
