// A big module parsed on two threads. Parsing is most of a big file's check and cannot be shared
// out inside one tree-sitter parse, but a module is a sequence of statements: cut at the start of a
// top-level statement, its two parts parse into the same nodes as the whole. So the command line
// (cli/splitHelper.ts) has a helper thread parse and copy the second part (parsePart) while this
// thread parses the first and runs its statements; then the copy is appended to the first part's
// tree (SyntaxTree.appendPart), which then reads as the whole module's, and the rest runs
// (documentAnalyzer.ts).
//
// A cut is only guessed from the text (splitPoint): a line that starts a statement in column 0.
// Inside a string, brackets, or after a backslash or a decorator, the first part cannot end
// there without a syntax error (an unclosed string or bracket, a dangling decorator); a line that
// goes on the statement before it (`else:`, `except`, an operator) cannot start the second part
// without one. So when either part has a syntax error, the module is parsed whole instead.
import { parsePythonRange, retireTree } from './parser';
import { SyntaxTree, type CopiedPart } from './syntax';

export type { CopiedPart } from './syntax';

/**
 * The part of a module another thread parses, from `start` to the end; `take` waits for its copy
 * (null when none is coming). `firstPartParsed` tells that thread the node count of the first
 * part's tree (0: it has a syntax error), for it to lay its copy out as the whole module's.
 */
export interface OtherPart {
  start: number;
  take(): CopiedPart | null;
  firstPartParsed?(count: number): void;
}

/**
 * Words that go on the compound statement before them, even in column 0 (case: on a match), so a
 * line they start begins no statement (a cut before them would only fail; moduleCopy.ts).
 */
export const CONTINUES = /^(?:else|elif|except|finally|case)\b/;

/**
 * A line after which the next one cannot start a statement: a decorator, or a line that ends in
 * a backslash, an opening bracket, a comma, an operator or a colon (a block follows). Cutting there
 * would only leave the first part with a syntax error, and cost its parse.
 */
const LEADS_ON = /^@|[\\([{,:=+\-*/%&|^<>]$/;

/** The last line before `lineStart` with code on it (blank and comment lines skipped), without its line break. */
function previousLine(text: string, lineStart: number): string {
  let end = lineStart - 1;
  while (end > 0) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const line = text.slice(start, end).trim();
    if (line && !line.startsWith('#')) return line;
    end = start - 1;
  }
  return '';
}

/**
 * Where to cut `text` (as withLineFeeds reads it) in two for parsing: the start of the line nearest
 * its middle that begins with a name in column 0 (a statement, unless the parse says otherwise),
 * within its middle half; null when there is none.
 */
export function splitPoint(text: string): number | null {
  const middle = text.length >> 1;
  const low = text.length >> 2;
  const high = text.length - low;
  const fits = (lineStart: number) => /[A-Za-z_@]/.test(text[lineStart] ?? '') && !CONTINUES.test(text.slice(lineStart, lineStart + 9)) && !LEADS_ON.test(previousLine(text, lineStart));
  for (let after = text.indexOf('\n', middle), before = text.lastIndexOf('\n', middle - 1); after >= 0 || before >= 0; ) {
    if (after >= 0 && after + 1 < high) {
      if (fits(after + 1)) return after + 1;
      after = text.indexOf('\n', after + 1);
    } else after = -1;
    if (before >= low) {
      if (fits(before + 1)) return before + 1;
      before = before > 0 ? text.lastIndexOf('\n', before - 1) : -1;
    } else before = -1;
  }
  return null;
}

/**
 * A helper's side: parses `text` from `start` on and copies the whole tree, in a buffer that can be
 * transferred; laid out as the whole module's tree when `firstPartCount` (asked after the parse,
 * which gives the other thread time to parse its part) gives the first part's node count.
 */
export function parsePart(text: string, start: number, firstPartCount: () => number | null = () => null): CopiedPart {
  const tree = parsePythonRange(text, start, text.length);
  try {
    const after = firstPartCount();
    return new SyntaxTree(tree, text, after ? { after } : 'own').copiedPart();
  } finally {
    retireTree(tree);
  }
}
