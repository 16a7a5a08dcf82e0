// A document's tree kept between versions (core/moduleCopy.ts): after an edit, only the lines of
// the statements it touched are parsed, and their nodes spliced in. Whenever a splice is made, it
// must read exactly as a parse of the whole new text; when it cannot be sure to, it must refuse.
import { beforeAll, describe, expect, it } from 'vitest';
import { ModuleCopy } from '../server/src/core/moduleCopy';
import { initParser, parsePython } from '../server/src/core/parser';
import { mutate, seeded, type Random } from './helpers/fuzz';
import { columns, files, parsedColumns } from './helpers/sources';

beforeAll(async () => {
  await initParser();
});

function copyOf(text: string): ModuleCopy | null {
  const tree = parsePython(text);
  try {
    return ModuleCopy.of(tree, text);
  } finally {
    tree.delete();
  }
}

/** Small edits as typing makes them: a character, a line break, an indent, a word, a deletion. */
function typed(text: string, random: Random): string {
  const at = random.int(0, text.length);
  const roll = random.next();
  if (roll < 0.1) {
    // A whole line deleted (or cut).
    const start = text.lastIndexOf('\n', at - 1) + 1;
    const end = text.indexOf('\n', at);
    return text.slice(0, start) + (end < 0 ? '' : text.slice(end + 1));
  }
  if (roll < 0.25) return text.slice(0, at) + text.slice(at + random.int(1, 3));
  if (roll < 0.6) return text.slice(0, at) + random.pick(['1', 'x', ' ', '\n', '    ', ',', '(', ')', ':', "'", '#', '\\', '\n\n', 'else:', '@', 'def f():\n    pass\n', '\n    # c\n', 'if x: \n', '\n    x = 1', '"""']) + text.slice(at);
  return mutate(text, random);
}

describe('a module copy spliced after an edit', () => {
  it('reads as the whole parse of the new text whenever it splices (fuzzed edits of real sources)', () => {
    const random = seeded(20261201);
    let spliced = 0;
    let refused = 0;
    for (const [name, source] of files) {
      // Fewer sessions on the big generated script: comparing its columns dominates the test's time.
      for (let session = 0; session < (source.length > 20000 ? 2 : 6); session++) {
        // A typing session: each version is spliced from the last spliced or parsed one.
        let text = source;
        let copy = copyOf(text);
        for (let step = 0; step < 25; step++) {
          const next = typed(text, random);
          const made = copy?.splicedTo(next) ?? null;
          if (made) {
            spliced++;
            expect(columns(made.syntax()), `${name}, session ${session}, step ${step}: ${JSON.stringify(text.length < 400 ? [text, next] : next.length)}`).toEqual(parsedColumns(next));
          } else if (copy) refused++;
          text = next;
          copy = made ?? copyOf(text);
        }
      }
    }
    // Most typing keeps the module parseable statement by statement; edits that leave a syntax error are refused.
    expect(spliced).toBeGreaterThan(1200);
    expect(refused).toBeGreaterThan(100);
  });

  it('parses only the lines of the statement an edit touched', () => {
    const text = ['import keras', 'a = 1', '', 'def f():', '    return 2', '', 'b = 3', ''].join('\n');
    const copy = copyOf(text)!;
    const next = text.replace('return 2', 'return 22');
    const made = copy.splicedTo(next)!;
    expect(columns(made.syntax())).toEqual(parsedColumns(next));
    // The nodes before the function are the copy's, the ones after it moved by one character.
    const before = copy.syntax();
    const after = made.syntax();
    const b = before.root.namedChildren.at(-1)!;
    const moved = after.root.namedChildren.at(-1)!;
    expect([moved.type, moved.startIndex - b.startIndex, moved.text]).toEqual(['expression_statement', 1, 'b = 3']);
  });

  it('splices a deleted line: lines left with no statement between the ones kept', () => {
    const text = ['x = 1', 'y = 2', 'z = 3', ''].join('\n');
    for (const deleted of ['y = 2\n', 'z = 3\n']) {
      const next = text.replace(deleted, '');
      const made = copyOf(text)!.splicedTo(next);
      expect(made, deleted).not.toBeNull();
      expect(columns(made!.syntax())).toEqual(parsedColumns(next));
    }
  });

  it('refuses edits whose lines could be taken in by the text around them', () => {
    const text = ['x = 1', 'y = 2', 'def f():', '    pass', 'z = 3', ''].join('\n');
    const copy = copyOf(text)!;
    // An unclosed bracket or string takes in the lines after: the new lines have a syntax error.
    expect(copy.splicedTo(text.replace('y = 2', 'y = (2'))).toBeNull();
    expect(copy.splicedTo(text.replace('y = 2', 'y = """2'))).toBeNull();
    // A backslash at the end of the lines joins the next statement to them.
    expect(copy.splicedTo(text.replace('y = 2', 'y = 2 \\'))).toBeNull();
    // Lines that start indented would go on the block before them.
    expect(copy.splicedTo(text.replace('z = 3', '    z = 3'))).toBeNull();
    // An edit at the very start, before a blank line: the lines parsed again start at offset 0.
    const blankFirst = '\nmodel.add\nx = 1\n';
    expect(copyOf(blankFirst)!.splicedTo('"""' + blankFirst)).toBeNull();
    const made = copyOf(blankFirst)!.splicedTo('y = 2' + blankFirst)!;
    expect(columns(made.syntax())).toEqual(parsedColumns('y = 2' + blankFirst));
    // A module that has a syntax error is parsed whole.
    expect(copyOf('x = (\n')).toBeNull();
    // An edit that changes nothing gives the copy itself.
    expect(copy.splicedTo(text)).toBe(copy);
  });

  it('parses again, with the lines an edit touched, the ones around them up to a statement in column 0', () => {
    // tree-sitter-python takes an indented line after a block into it, past comments, and takes
    // an empty block or an unexpected indent without a syntax error.
    const cases: [string, string, string][] = [
      // A new block before an indented comment: the comment goes into the block.
      ['x = 1\n    # a comment\ny = 2\n', 'x = 1', 'def f():\n    x = 1'],
      // An empty block before a comment that a new indented line follows: the line goes into the block.
      ["\n\n   if x: \n# losses is TF 2's alia", "alia", "adef f():\n    pass\nlia"],
      // A comment typed at the start of a statement: the statement before takes what follows it.
      ['if x:\n    y = 1\nz = 2\n    w = 3\n', 'z = 2', '# z = 2'],
    ];
    for (const [text, from, to] of cases) {
      const next = text.replace(from, to);
      const made = copyOf(text)!.splicedTo(next);
      if (made) expect(columns(made.syntax()), JSON.stringify(next)).toEqual(parsedColumns(next));
    }
    // The first is spliced: the comment and the statement after it are parsed again with the edit.
    expect(copyOf(cases[0][0])!.splicedTo(cases[0][0].replace(cases[0][1], cases[0][2]))).not.toBeNull();
  });
});
