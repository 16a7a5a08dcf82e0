// `--fix` picks, per round, the preferred safe fixes that touch no fix already taken, earliest first,
// and applies them in one pass. Checked against the plain definitions (every pair compared, edits
// applied one by one from the end) on random fixes, including fixes with two edits on either side
// of others, touching ranges and insertions at one point.
import { describe, expect, it } from 'vitest';
import { applyEdits, chooseFixes } from '../server/src/cli/fix';
import type { Finding, Fix, TextEdit } from '../server/src/core/types';

function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x80000000;
  };
}

/** The definition: a fix is taken when none of its edits touches an edit of a fix taken before it. */
function chooseByDefinition(findings: Finding[]): { edits: TextEdit[]; count: number } {
  const touches = (a: TextEdit, b: TextEdit) => a.start <= b.end && b.start <= a.end;
  const taken: TextEdit[] = [];
  let count = 0;
  const candidates = findings
    .map((f) => f.fixes.find((fix) => fix.preferred && fix.applicability === 'safe'))
    .filter((fix) => fix !== undefined)
    .sort((a, b) => a.edits[0].start - b.edits[0].start);
  for (const fix of candidates) {
    if (fix.edits.some((e) => taken.some((t) => touches(e, t)))) continue;
    taken.push(...fix.edits);
    count++;
  }
  return { edits: taken, count };
}

function applyOneByOne(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, edit.start) + edit.newText + out.slice(edit.end);
  return out;
}

function randomFinding(next: () => number, length: number): Finding {
  const edit = (): TextEdit => {
    const start = Math.floor(next() * length);
    const end = Math.min(length, start + (next() < 0.3 ? 0 : Math.floor(next() * 8)));
    return { start, end, newText: next() < 0.5 ? '' : `<${Math.floor(next() * 100)}>` };
  };
  const touches = (a: TextEdit, b: TextEdit) => a.start <= b.end && b.start <= a.end;
  // Some fixes have a second edit (an import, say) before or after the first, never touching it.
  const edits = (): TextEdit[] => {
    const first = edit();
    if (next() < 0.7) return [first];
    const second = edit();
    return touches(first, second) ? [first] : [first, second];
  };
  const fix = (preferred: boolean): Fix => ({ title: 'fix', edits: edits(), preferred, applicability: next() < 0.85 ? 'safe' : 'unsafe' });
  return { ruleId: 'KL002', severity: 'warning', message: '', span: { start: 0, end: 0 }, related: [], fixes: next() < 0.1 ? [fix(false)] : [fix(true), fix(false)], url: '' };
}

describe('--fix rounds', () => {
  it('choose the same fixes as the pairwise definition and apply them as one-by-one edits do', () => {
    const next = random(20261130);
    for (let round = 0; round < 400; round++) {
      const length = 20 + Math.floor(next() * 400);
      const text = Array.from({ length }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');
      const findings = Array.from({ length: Math.floor(next() * 60) }, () => randomFinding(next, length));
      const chosen = chooseFixes(findings);
      const expected = chooseByDefinition(findings);
      expect(chosen.count).toBe(expected.count);
      expect([...chosen.edits].sort((a, b) => a.start - b.start || a.end - b.end)).toEqual([...expected.edits].sort((a, b) => a.start - b.start || a.end - b.end));
      expect(applyEdits(text, chosen.edits)).toBe(applyOneByOne(text, expected.edits));
    }
  });
});
