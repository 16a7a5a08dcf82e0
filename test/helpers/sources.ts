// Python sources the parse tests share (fixtures, examples, a generated script, and lines that
// start no statement in column 0), and a copied tree's columns as plain arrays to compare.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rng, script } from '../../scripts/bench/generate.mjs';
import { parsePython } from '../../server/src/core/parser';
import { SyntaxTree } from '../../server/src/core/syntax';
import { EXAMPLES } from './cli';

const FIXTURES = join(__dirname, '..', 'fixtures');
export const files: [string, string][] = [
  ...['flag', 'silent'].flatMap((folder) =>
    readdirSync(join(FIXTURES, folder))
      .filter((n) => n.endsWith('.py'))
      .sort()
      .map((n): [string, string] => [`${folder}/${n}`, readFileSync(join(FIXTURES, folder, n), 'utf8')]),
  ),
  ...readdirSync(EXAMPLES)
    .filter((n) => n.endsWith('.py'))
    .sort()
    .map((n): [string, string] => [n, readFileSync(join(EXAMPLES, n), 'utf8')]),
  ['generated.py', script(rng(11), 1500)],
  // Lines in column 0 that do not start a statement, or start one that goes on another: each cut
  // there must be refused (a part has an error) or be a statement boundary.
  [
    'tricky.py',
    [
      'import os, \\',
      'sys',
      'x = 1 + \\',
      'y',
      'def f():',
      '    """Doc.',
      'Args:',
      '    x: a value',
      '"""',
      '    return (1 +',
      'x)',
      '@decorator',
      'class A:',
      '    pass',
      'if x:',
      '    pass',
      'elif y:',
      '    pass',
      'else:',
      '    pass',
      'try:',
      '    pass',
      'except Exception:',
      '    pass',
      'finally:',
      '    pass',
      'async def g():',
      '    await h()',
      'match x:',
      '    case 1:',
      '        pass',
      'case = 2',
      'print(f"""',
      'text {x}',
      '""")',
      'lambda_ = lambda: (',
      'x)',
      'z = [',
      'i for i in range(3)]',
      'w = 1; v = 2',
      '\f',
      'u = 3',
      'if True: t = 1',
      'else: t = 2',
      's = x if y \\',
      'else z',
      'del s',
      '',
    ].join('\n'),
  ],
];

/** The columns of a copied tree, as plain arrays. */
export function columns(syntax: SyntaxTree) {
  syntax.copyAll();
  const { starts, ends, parents, subtreeEnds, typeIds, fieldIds, flags } = syntax;
  return { starts: [...starts], ends: [...ends], parents: [...parents], subtreeEnds: [...subtreeEnds], typeIds: [...typeIds], fieldIds: [...fieldIds], flags: [...flags] };
}

/** The columns of a fresh parse of `text`, copied whole. */
export function parsedColumns(text: string): ReturnType<typeof columns> {
  const tree = parsePython(text);
  try {
    return columns(new SyntaxTree(tree, text));
  } finally {
    tree.delete();
  }
}
