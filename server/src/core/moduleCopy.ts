// A module's tree, copied whole and kept from one version of a document to the next, so that a
// keystroke re-parses only the top-level statements it touched.
//
// Why: tree-sitter's own incremental parse of the Python grammar re-reads far more than the edit.
// On a 5,000-line file it cost a one-character edit about a sixth of a full parse (8 of 45 ms): the
// grammar's module-level repetition cannot be reused whole, so it walks and re-lexes the indents
// of nearly every line. A module is a sequence of statements, though, and a statement that starts
// in column 0 parses into the same nodes alone as inside the whole text (splitParse.ts relies on
// the same fact): so the lines of the statements an edit touched are parsed alone, and their nodes
// spliced between the nodes kept from before, those after moved.
//
// When that is not sure to equal a parse of the whole text, the caller parses as before (with
// tree-sitter's incremental parse): when the last version or the new lines have a syntax error
// (an unclosed bracket or string would take in the lines after), end in a backslash, or do not
// start with a statement in column 0 (see changedStatements for why).
import type { Tree } from 'web-tree-sitter';
import { lineEnd, lineStart } from './lineIndex';
import { parsePythonRange, retireTree } from './parser';
import { commonPrefixLength, commonSuffixLength } from './relocate';
import { CONTINUES } from './splitParse';
import { releaseCopy, splicedModule, SyntaxTree, withSyntax, type CopiedPart, type SyntaxNode } from './syntax';

/** What a caller that keeps a document's parse hands the analysis: a tree-sitter tree, or a module copy. */
export type ParsedModule = Tree | ModuleCopy;

/** Runs `use` on the syntax of `parsed`, the parse of `text` (see withSyntax: `use` must return no node). */
export function withModule<T>(parsed: ParsedModule, text: string, use: (root: SyntaxNode, syntax: SyntaxTree) => T): T {
  if (!(parsed instanceof ModuleCopy)) return withSyntax(parsed, text, use);
  if (parsed.text.length !== text.length) throw new Error('keras-lint: a module copy of another text');
  const syntax = parsed.syntax();
  return use(syntax.root, syntax);
}

export function hasSyntaxError(parsed: ParsedModule): boolean {
  return parsed instanceof ModuleCopy ? parsed.hasError : parsed.rootNode.hasError;
}

export class ModuleCopy {
  private constructor(
    /** The text (as withLineFeeds reads it) the copy is the tree of. */
    readonly text: string,
    private readonly part: CopiedPart,
  ) {}

  /** A copy of `tree`, the tree of `text`; null when the tree has a syntax error (nothing could be spliced into it). */
  static of(tree: Tree, text: string): ModuleCopy | null {
    if (tree.rootNode.hasError) return null;
    return new ModuleCopy(text, new SyntaxTree(tree, text).copiedPart());
  }

  get hasError(): boolean {
    return this.part.hasError;
  }

  /** The copy read as a SyntaxTree (no copying); valid until the copy is released. */
  syntax(): SyntaxTree {
    return new SyntaxTree(this.part, this.text);
  }

  /**
   * The copy of `text`, a later version of this copy's text, made by parsing only the lines of
   * the top-level statements that changed; null when it cannot be sure to be what a parse of the
   * whole text gives. This copy stays valid (the caller releases it).
   */
  splicedTo(text: string): ModuleCopy | null {
    if (text === this.text) return this;
    const old = this.text;
    const prefix = commonPrefixLength(old, text);
    const changeEnd = old.length - commonSuffixLength(old, text, prefix);
    const delta = text.length - old.length;
    const syntax = this.syntax();
    const tops = syntax.topLevelIndexes();
    if (tops.length === 0) return null;
    const lines = changedStatements(syntax, tops, prefix, changeEnd);
    const newEnd = lines.end + delta;
    if (endsInBackslash(text, newEnd)) return null;

    const tree = parsePythonRange(text, lines.start, newEnd);
    try {
      if (tree.rootNode.hasError) return null;
      const part = new SyntaxTree(tree, text);
      const first = part.topLevelIndexes()[0];
      // The new lines must begin as the ones before them left off: with a statement in column 0
      // (or at the module's start), as the nodes after them do (changedStatements), or hold none.
      if (lines.firstTop > 0 && first !== undefined && !isAnchor(part, first)) return null;
      // The module node begins where its first node does: with no node left in the lines that held it, found otherwise.
      if (lines.firstTop === 0 && first === undefined) return null;
      const after = lines.lastTop + 1 < tops.length ? tops[lines.lastTop + 1] : this.part.count;
      return new ModuleCopy(text, splicedModule(this.part, tops[lines.firstTop], after, part.copiedPart(), delta, lines.end));
    } finally {
      retireTree(tree);
    }
  }

  /** Gives the copy's memory to the next tree: nothing may read the copy afterwards. */
  release(): void {
    releaseCopy(this.part);
  }
}

/**
 * The top-level nodes (positions in `tops`) whose lines hold or touch the change [from, to) of the
 * old text, and the lines they span, [start, end): every node on those lines is in. When no node
 * is, the nodes around the change are (the lines between them may now hold a statement).
 *
 * Then widened until the nodes before and after them are anchors (isAnchor), or the module's
 * ends: tree-sitter-python takes an indented line after a block's last line into the block, even
 * past comment lines, and takes an unexpected indent or an empty block without a syntax error; so
 * only a statement in column 0 ends what comes before it, the same in the whole text and in the
 * lines parsed alone.
 */
function changedStatements(syntax: SyntaxTree, tops: readonly number[], from: number, to: number): { firstTop: number; lastTop: number; start: number; end: number } {
  const text = syntax.text;
  const { starts, ends } = syntax;
  let start = lineStart(text, from);
  let end = lineEnd(text, to);
  let firstTop = tops.findIndex((top) => ends[top] >= start);
  if (firstTop < 0) firstTop = tops.length;
  let lastTop = firstTop - 1;
  while (lastTop + 1 < tops.length && starts[tops[lastTop + 1]] < end) lastTop++;
  if (lastTop < firstTop) {
    firstTop = Math.max(0, firstTop - 1);
    lastTop = Math.min(tops.length - 1, lastTop + 1);
  }
  // Widen to whole lines, to every node those lines hold, and to anchors, until nothing more comes in.
  for (;;) {
    start = Math.min(start, lineStart(text, starts[tops[firstTop]]));
    end = Math.max(end, lineEnd(text, ends[tops[lastTop]]));
    if (firstTop > 0 && (ends[tops[firstTop - 1]] >= start || !isAnchor(syntax, tops[firstTop]))) firstTop--;
    else if (lastTop + 1 < tops.length && (starts[tops[lastTop + 1]] < end || !isAnchor(syntax, tops[lastTop + 1]))) lastTop++;
    else return { firstTop, lastTop, start, end };
  }
}

/**
 * A top-level node that nothing before it can take in: a statement (not a comment) that starts a
 * line in column 0 and does not go on the statement before it.
 */
function isAnchor(syntax: SyntaxTree, top: number): boolean {
  const start = syntax.starts[top];
  return syntax.typeName(top) !== 'comment' && inColumnZero(syntax.text, start) && !CONTINUES.test(syntax.text.slice(start, start + 9));
}

function inColumnZero(text: string, offset: number): boolean {
  return lineStart(text, offset) === offset;
}

/** The lines up to `end` (just after a line break) end with a backslash: the next line would go on the last one. */
function endsInBackslash(text: string, end: number): boolean {
  let at = end - 1;
  if (text.charCodeAt(at) !== 10) return false;
  at--;
  if (text.charCodeAt(at) === 13) at--;
  return text.charCodeAt(at) === 92;
}
