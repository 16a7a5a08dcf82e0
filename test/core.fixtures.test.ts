// The fixture corpus: realistic Keras programs (Keras 1 to Keras 3, every import style) checked
// against rules.md. A flag fixture marks each expected finding with `# expect: KL00N[, KL00M]` at the
// end of the line where the finding starts; a silent fixture (correct but tricky code) must produce
// nothing. A first line `# keras-lint-flavour: keras2` runs the file with that flavour setting.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeText, initParser } from '../server/src/core/analyze';
import { isRuleId } from '../server/src/core/catalog';
import { LineIndex } from '../server/src/core/lineIndex';
import { FLAVOURS, RULE_IDS, type AnalysisOptions, type Finding, type FlavourSetting, type TextEdit } from '../server/src/core/types';
import { applyEdits } from './helpers/analysis';

const FIXTURES = join(__dirname, 'fixtures');

function fixtureFiles(folder: string): string[] {
  return readdirSync(join(FIXTURES, folder)).filter((name) => name.endsWith('.py')).sort();
}

function readFixture(folder: string, name: string): string {
  return readFileSync(join(FIXTURES, folder, name), 'utf8');
}

const FLAG = fixtureFiles('flag');
const SILENT = fixtureFiles('silent');

/** The flavour the fixture asks for on its first line, else 'auto'. */
function optionsFor(text: string): AnalysisOptions {
  const m = /^#\s*keras-lint-flavour:\s*(\S+)\s*$/.exec(text.split('\n')[0]);
  if (!m) return { flavour: 'auto' };
  const flavour = m[1] as FlavourSetting;
  if (flavour !== 'auto' && !(FLAVOURS as readonly string[]).includes(flavour)) throw new Error(`unknown flavour in fixture header: ${m[1]}`);
  return { flavour };
}

/** `line:rule` for every `# expect:` annotation (1-based lines), sorted. */
function annotations(text: string): string[] {
  const out = new Set<string>();
  text.split('\n').forEach((line, i) => {
    const m = /#\s*expect:\s*(.+)$/.exec(line);
    if (!m) return;
    for (const id of m[1].split(',').map((s) => s.trim())) {
      if (!isRuleId(id)) throw new Error(`line ${i + 1}: '${id}' is not a rule id`);
      out.add(`${i + 1}:${id}`);
    }
  });
  return [...out].sort(byLineThenRule);
}

/** `line:rule` where each finding starts (1-based lines), sorted. */
function startLines(text: string, findings: readonly Finding[]): string[] {
  const lines = new LineIndex(text);
  return [...new Set(findings.map((f) => `${lines.position(f.span.start).line + 1}:${f.ruleId}`))].sort(byLineThenRule);
}

function byLineThenRule(a: string, b: string): number {
  const [la, ra] = a.split(':');
  const [lb, rb] = b.split(':');
  return Number(la) - Number(lb) || ra.localeCompare(rb);
}

/** Where an offset of the original text lands after the edits (an offset inside a replaced range goes to its start). */
function mapOffset(offset: number, edits: readonly TextEdit[]): number {
  let shift = 0;
  for (const edit of edits) {
    if (edit.start < offset && edit.end <= offset) shift += edit.newText.length - (edit.end - edit.start);
    else if (edit.start === offset && edit.end === offset) shift += edit.newText.length;
    else if (edit.start < offset) shift += edit.start - offset;
  }
  return offset + shift;
}

beforeAll(async () => {
  await initParser();
});

describe('the corpus itself', () => {
  it('has at least three flag fixtures for every rule', () => {
    const files = new Map<string, number>(RULE_IDS.map((id) => [id, 0]));
    for (const name of FLAG) {
      for (const id of new Set(annotations(readFixture('flag', name)).map((k) => k.split(':')[1]))) files.set(id, (files.get(id) ?? 0) + 1);
    }
    expect([...files].filter(([, n]) => n < 3)).toEqual([]);
  });

  it('annotates every flag fixture and no silent fixture', () => {
    expect(FLAG.filter((name) => annotations(readFixture('flag', name)).length === 0)).toEqual([]);
    expect(SILENT.filter((name) => annotations(readFixture('silent', name)).length > 0)).toEqual([]);
  });
});

describe('flag fixtures: exactly the annotated findings', () => {
  it.each(FLAG)('%s', (name) => {
    const text = readFixture('flag', name);
    const result = analyzeText(text, optionsFor(text));
    expect(startLines(text, result.findings)).toEqual(annotations(text));
  });
});

describe('flag fixtures: fixes parse, and each safe preferred fix removes its finding and adds none', () => {
  it.each(FLAG)('%s', (name) => {
    const text = readFixture('flag', name);
    const options = optionsFor(text);
    const findings = analyzeText(text, options).findings;
    const lines = new LineIndex(text);
    for (const finding of findings) {
      const where = `${finding.ruleId} at line ${lines.position(finding.span.start).line + 1}`;
      // The preferred fix, if any, comes first and is the only preferred one.
      expect(finding.fixes.filter((f) => f.preferred).length, `${where}: preferred fixes`).toBe(finding.fixes.length ? 1 : 0);
      if (finding.fixes.length) expect(finding.fixes[0].preferred, `${where}: preferred fix first`).toBe(true);
      // Any fix, safe or not, is an exact edit that leaves valid Python.
      for (const any of finding.fixes) {
        expect(analyzeText(applyEdits(text, any.edits), options).hasSyntaxErrors, `${where}: "${any.title}" breaks the syntax`).toBe(false);
      }
      const fix = finding.fixes[0];
      if (!fix || fix.applicability !== 'safe') continue;
      const edits = [...fix.edits].sort((a, b) => a.start - b.start || a.end - b.end);
      const fixed = applyEdits(text, fix.edits);
      const fixedLines = new LineIndex(fixed);
      // What may remain: the other findings, moved to where the edits put them.
      const allowed = new Set(findings.filter((f) => f !== finding).map((f) => `${fixedLines.position(mapOffset(f.span.start, edits)).line + 1}:${f.ruleId}`));
      const after = startLines(fixed, analyzeText(fixed, options).findings);
      expect(after.filter((k) => !allowed.has(k)), `${where}: after "${fix.title}"`).toEqual([]);
    }
  });
});

describe('silent fixtures: correct code, no finding', () => {
  it.each(SILENT)('%s', (name) => {
    const text = readFixture('silent', name);
    const result = analyzeText(text, optionsFor(text));
    expect(startLines(text, result.findings)).toEqual([]);
  });
});
