// Python reads "\n", "\r\n" and a lone "\r" (old Mac files) as line breaks, and so does the LSP.
// A file must give the same findings, at the same lines, whichever it uses: a comment must not run
// on past a lone "\r", `# noqa` applies to its own line, and inserted lines end as the file's do.
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeNotebook, analyzeText, initParser } from '../server/src/core/analyze';
import { LineIndex } from '../server/src/core/lineIndex';
import { isSuppressed, noqaEdit } from '../server/src/core/suppression';
import { applyEdits } from './helpers/analysis';

beforeAll(async () => {
  await initParser();
});

const LINES = [
  '# train a classifier',
  'from keras.models import Sequential',
  'from keras.layers import Dense',
  'from keras.losses import BinaryCrossentropy',
  "model = Sequential([Dense(10, activation='softmax')])  # ten classes",
  "model.compile(loss=BinaryCrossentropy(), metrics=['accuracy'])",
  'print(model)  # noqa',
];
const BREAKS = { lf: '\n', crlf: '\r\n', cr: '\r' };

/** `RULE line:character` of each finding, positions as the LSP counts them. */
function located(text: string, findings: { ruleId: string; span: { start: number } }[]): string[] {
  const lines = new LineIndex(text);
  return findings.map((f) => {
    const at = lines.position(f.span.start);
    return `${f.ruleId} ${at.line}:${at.character}`;
  });
}

describe('line endings', () => {
  it.each(Object.entries(BREAKS))('%s: the same findings at the same lines', (_name, eol) => {
    const text = LINES.join(eol) + eol;
    const result = analyzeText(text);
    expect(located(text, result.findings)).toEqual(['KL002 5:19', 'KL001 5:50']);
    expect(result.hasSyntaxErrors).toBe(false);
    // The `# noqa` on the print line silences nothing on the compile line.
    expect(result.findings.filter((f) => isSuppressed(text, f))).toEqual([]);
  });

  it.each(Object.entries(BREAKS))('%s: an inserted import line ends as the file\'s lines do, and noqa goes on the finding\'s line', (_name, eol) => {
    const text = LINES.join(eol) + eol;
    const kl002 = analyzeText(text).findings.find((f) => f.ruleId === 'KL002')!;
    const fixed = applyEdits(text, kl002.fixes[0].edits);
    expect(fixed).toContain(`from keras.losses import BinaryCrossentropy${eol}from keras.losses import CategoricalCrossentropy${eol}model = `);
    const noqa = applyEdits(text, [noqaEdit(text, kl002.span.start, 'KL002')!]);
    expect(noqa.split(eol)[5]).toBe("model.compile(loss=BinaryCrossentropy(), metrics=['accuracy'])  # noqa: KL002");
  });

  it('puts the noqa comment of a line that goes on with a backslash at the end of the continuation, and honours it there', () => {
    for (const eol of Object.values(BREAKS)) {
      const text = ["from keras.losses import BinaryCrossentropy", "m = Sequential([Dense(10, activation='softmax')])", "m.compile(loss='binary_crossentropy', \\", "          optimizer='adam', \\", "          metrics=['accuracy'])", ''].join(eol);
      const kl002 = analyzeText(text).findings.find((f) => f.ruleId === 'KL002')!;
      const suppressed = applyEdits(text, [noqaEdit(text, kl002.span.start, 'KL002')!]);
      expect(suppressed.split(eol)[4], JSON.stringify(eol)).toBe("          metrics=['accuracy'])  # noqa: KL002");
      expect(analyzeText(suppressed).findings.filter((f) => !isSuppressed(suppressed, f)).map((f) => f.ruleId)).toEqual(['KL001']);
    }
    // A '#' inside a string is no comment: the line still goes on.
    const hashInString = "m = Sequential([Dense(10, activation='softmax')])\nm.compile(loss='binary_crossentropy', name='a#b', \\\n          optimizer='adam')  # noqa: KL002\n";
    expect(analyzeText(hashInString).findings.filter((f) => !isSuppressed(hashInString, f))).toEqual([]);
    // A backslash that ends a comment continues nothing.
    const comment = "m = Sequential([Dense(10, activation='softmax')])\nm.compile(loss='binary_crossentropy')  # see \\\nx = 1  # noqa\n";
    expect(analyzeText(comment).findings.filter((f) => !isSuppressed(comment, f)).map((f) => f.ruleId)).toEqual(['KL002']);
  });

  it('a notebook cell that starts with a magic line keeps the rest of its lines, whatever ends them', () => {
    for (const eol of Object.values(BREAKS)) {
      const cells = [['%matplotlib inline', ...LINES.slice(1, 5)].join(eol), LINES[5]];
      const { result } = analyzeNotebook(cells);
      expect(result.findings.map((f) => f.ruleId), JSON.stringify(eol)).toEqual(['KL002', 'KL001']);
    }
  });
});
