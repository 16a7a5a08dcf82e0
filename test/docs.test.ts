// The rule documentation pages are part of the product (diagnostics link to them, `keras-lint rule`
// prints them): every rule has one, and every example in them behaves as the page says.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeText, initParser } from '../server/src/core/analyze';
import { DOCS_BASE_URL, RULES } from '../server/src/core/catalog';
import { RULE_IDS } from '../server/src/core/types';

const DOCS = join(__dirname, '..', 'docs', 'rules');

beforeAll(async () => {
  await initParser();
});

/** The ```python blocks of a page marked `<!-- flagged -->` or `<!-- correct -->` just above them. */
function examples(page: string): { role: 'flagged' | 'correct'; code: string }[] {
  const found: { role: 'flagged' | 'correct'; code: string }[] = [];
  const block = /<!--\s*(flagged|correct)\s*-->\s*\n```python\n([\s\S]*?)```/g;
  for (let m = block.exec(page); m; m = block.exec(page)) found.push({ role: m[1] as 'flagged' | 'correct', code: m[2] });
  return found;
}

describe.each(RULE_IDS)('docs/rules/%s.md', (id) => {
  const path = join(DOCS, `${id}.md`);
  const page = existsSync(path) ? readFileSync(path, 'utf8') : '';

  it('exists and is titled with the rule id and name', () => {
    expect(page.split('\n')[0]).toBe(`# ${id}: ${RULES[id].name}`);
  });

  it('has flagged and correct examples that behave as documented; the diagnostic links to this page', () => {
    const all = examples(page);
    expect(all.filter((e) => e.role === 'flagged').length).toBeGreaterThan(0);
    expect(all.filter((e) => e.role === 'correct').length).toBeGreaterThan(0);
    for (const { role, code } of all) {
      const findings = analyzeText(code).findings;
      const rules = findings.map((f) => f.ruleId);
      if (role === 'correct') {
        expect(rules, code).not.toContain(id);
        continue;
      }
      expect(rules, code).toContain(id);
      expect(findings.find((f) => f.ruleId === id)!.url).toBe(`${DOCS_BASE_URL}${id}.md`);
    }
  });
});

it('the index lists every rule', () => {
  const index = readFileSync(join(DOCS, 'README.md'), 'utf8');
  for (const id of RULE_IDS) expect(index).toContain(`(${id}.md)`);
});
