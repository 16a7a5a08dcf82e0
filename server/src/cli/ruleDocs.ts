// `keras-lint rule KL00N`: prints the rule's documentation page (docs/rules/KL00N.md), read from
// the repository or package the running bundle belongs to.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES, ruleUrl } from '../core/catalog';
import { RULE_IDS } from '../core/types';
import { UsageError } from './args';

function docsDir(): string | null {
  // dist/server/cli.js when bundled; server/src/cli/ when run from sources.
  for (const candidate of [join(__dirname, '..', '..', 'docs', 'rules'), join(__dirname, '..', '..', '..', 'docs', 'rules')]) {
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

function page(id: (typeof RULE_IDS)[number]): string {
  const dir = docsDir();
  const path = dir && join(dir, `${id}.md`);
  if (path && existsSync(path)) return readFileSync(path, 'utf8');
  // Installed without the docs folder: the catalogue entry and where the page lives.
  const rule = RULES[id];
  return `# ${id}: ${rule.name}\n\n${rule.summary}.\n\nDefault severity: ${rule.severity}\n\n${ruleUrl(id)}\n`;
}

export function printRuleDocs(argv: readonly string[], io: { stdout: { write(text: string): unknown } }): number {
  if (argv.length !== 1) throw new UsageError('rule needs one rule id (e.g. KL001) or --all');
  if (argv[0] === '--all') {
    io.stdout.write(RULE_IDS.map(page).join('\n'));
    return 0;
  }
  const id = argv[0].toUpperCase();
  const known = RULE_IDS.find((r) => r === id);
  if (!known) throw new UsageError(`unknown rule '${argv[0]}' (KL001 to KL015)`);
  io.stdout.write(page(known));
  return 0;
}
