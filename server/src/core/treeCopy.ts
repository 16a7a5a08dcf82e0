// How a SyntaxTree's columns get filled: read straight from tree-sitter's memory (treeMemory.ts,
// what runs), or walked with web-tree-sitter's public TreeCursor (the reference, and the fallback
// when the memory does not read as the cursor does on a sample).
import type { Language, Tree } from 'web-tree-sitter';
import { parsePython, parserRuntime } from './parser';
import { MISSING_BIT, TreeMemory, type NodeColumns } from './treeMemory';

/** Fills the columns of one tree: the top level first, each top-level node's subtree on demand. */
export interface TreeCopier {
  /** Writes the root (index 0) and the top-level nodes (not below them); returns their indexes. */
  copyTopLevel(into: NodeColumns, count: number): number[];
  /** Writes the subtree below a top-level node. */
  copySubtree(into: NodeColumns, top: number): void;
  /** Whether a top-level node has a syntax error, without copying it; null when that takes a copy. */
  topLevelHasError(top: number): boolean | null;
}

export type CopyKind = 'memory' | 'cursor';

/** A copier of `tree`, of the given kind (the memory one only when treeMemory() passed its check). */
export function copierFor(tree: Tree, language: Language, kind: CopyKind): TreeCopier {
  const memory = kind === 'memory' ? treeMemory() : null;
  return memory ? new GuardedCopier(() => memory.open(tree, language), () => new CursorCopier(tree)) : new CursorCopier(tree);
}

/**
 * The memory reader, and the cursor for a tree it cannot read: the reader throws on anything it
 * does not expect (a count past the tree's, a child count that cannot be), and a tree the start-up
 * check did not foresee must cost speed, never the analysis.
 */
export class GuardedCopier implements TreeCopier {
  private copier: TreeCopier | null = null;
  private count = 0;
  private fellBack = false;

  constructor(
    private readonly primary: () => TreeCopier,
    private readonly fallback: () => TreeCopier,
  ) {}

  /** Whether this tree is being copied by the fallback. */
  get usingFallback(): boolean {
    return this.fellBack;
  }

  copyTopLevel(into: NodeColumns, count: number): number[] {
    this.count = count;
    try {
      this.copier = this.primary();
      return this.copier.copyTopLevel(into, count);
    } catch {
      return this.fallBack(into);
    }
  }

  copySubtree(into: NodeColumns, top: number): void {
    try {
      this.copier!.copySubtree(into, top);
    } catch (error) {
      if (this.fellBack) throw error;
      // The top level is already in place (SyntaxTree has added its own flags): the fallback reads it into scratch columns.
      this.fallBack(emptyColumns(this.count));
      this.copier!.copySubtree(into, top);
    }
  }

  topLevelHasError(top: number): boolean | null {
    return this.copier!.topLevelHasError(top);
  }

  /** The top level again, by the fallback (the same indexes). */
  private fallBack(into: NodeColumns): number[] {
    this.fellBack = true;
    this.copier = this.fallback();
    return this.copier.copyTopLevel(into, this.count);
  }
}

/** Copies through web-tree-sitter's public TreeCursor (every call marshals the cursor in and out of wasm). */
export class CursorCopier implements TreeCopier {
  private topErrors: Map<number, boolean> | null | undefined;
  private readonly tops: number[] = [];

  constructor(private readonly tree: Tree) {}

  copyTopLevel(into: NodeColumns, count: number): number[] {
    const cursor = this.tree.walk();
    try {
      record(into, 0, -1, cursor);
      into.subtreeEnds[0] = count;
      let previous = -1;
      if (cursor.gotoFirstChild()) {
        do {
          const index = cursor.currentDescendantIndex;
          record(into, index, 0, cursor);
          this.tops.push(index);
          if (previous >= 0) into.subtreeEnds[previous] = index;
          previous = index;
        } while (cursor.gotoNextSibling());
      }
      if (previous >= 0) into.subtreeEnds[previous] = count;
    } finally {
      cursor.delete();
    }
    return this.tops;
  }

  copySubtree(into: NodeColumns, top: number): void {
    if (into.subtreeEnds[top] === top + 1) return;
    const cursor = this.tree.walk();
    try {
      cursor.gotoDescendant(top);
      cursor.gotoFirstChild();
      let parent = top;
      let next = top + 1;
      for (;;) {
        const index = next++;
        record(into, index, parent, cursor);
        if (cursor.gotoFirstChild()) {
          parent = index;
          continue;
        }
        into.subtreeEnds[index] = next;
        while (!cursor.gotoNextSibling()) {
          cursor.gotoParent();
          into.subtreeEnds[parent] = next;
          if (parent === top) return;
          parent = into.parents[parent];
        }
      }
    } finally {
      cursor.delete();
    }
  }

  /** From web-tree-sitter's top-level nodes (one call each), when they line up with the copy's. */
  topLevelHasError(top: number): boolean | null {
    if (this.topErrors === undefined) {
      const children = this.tree.rootNode.children;
      this.topErrors = children.length === this.tops.length ? new Map(this.tops.map((t, i) => [t, !!children[i]?.hasError])) : null;
    }
    return this.topErrors?.get(top) ?? null;
  }
}

function record(into: NodeColumns, index: number, parent: number, cursor: ReturnType<Tree['walk']>): void {
  into.typeIds[index] = cursor.nodeTypeId;
  into.fieldIds[index] = cursor.currentFieldId;
  into.starts[index] = cursor.startIndex;
  into.ends[index] = cursor.endIndex;
  into.parents[index] = parent;
  // Missing nodes are empty leaves: only those need asking.
  into.flags[index] = cursor.startIndex === cursor.endIndex && cursor.nodeIsMissing ? MISSING_BIT : 0;
}

let memory: TreeMemory | null | undefined;

/** The memory reader over the parser's runtime, or null when it does not read a sample as the cursor does. Decided once. */
export function treeMemory(): TreeMemory | null {
  if (memory === undefined) {
    const runtime = parserRuntime();
    memory = runtime ? treeMemoryIn(runtime) : null;
  }
  return memory;
}

/** A memory reader over an Emscripten module object (exported for tests), or null when it fails the check. */
export function treeMemoryIn(module: Record<string, unknown>): TreeMemory | null {
  const candidate = new TreeMemory(module);
  return readsLikeCursor(candidate) ? candidate : null;
}

/** A sample with an error, a missing node, fields through hidden rules, aliased nodes (as_pattern_target), comments (extras) and non-ASCII text. */
const SAMPLE =
  'import keras as k\nfrom a import (b as c)\nm = k.Sequential([k.layers.Dense(3, activation="softmax")])  # é\n' +
  'm.compile(loss="x", metrics=[\n@d\ndef f(a, *b, c=1, **e) -> int:\n  """doc"""\n  return (1 +\n' +
  'match x:\n    case [1, *rest] if rest:\n        pass\nwith open(p) as (f, g):\n    x = {**y, 1: f"{z!r}"}\nprint(a if b else c, *d)\n';

/** Both copies of the sample, column by column. */
function readsLikeCursor(candidate: TreeMemory): boolean {
  const tree = parsePython(SAMPLE);
  try {
    const language = tree.language;
    const count = tree.rootNode.descendantCount;
    const copy = (copier: TreeCopier): NodeColumns => {
      const columns = emptyColumns(count);
      for (const top of copier.copyTopLevel(columns, count)) copier.copySubtree(columns, top);
      return columns;
    };
    const expected = copy(new CursorCopier(tree));
    const actual = copy(candidate.open(tree, language));
    return (Object.keys(expected) as (keyof NodeColumns)[]).every((column) => expected[column].every((value, i) => actual[column][i] === value));
  } catch {
    return false;
  } finally {
    tree.delete();
  }
}

function emptyColumns(count: number): NodeColumns {
  return {
    typeIds: new Uint16Array(count),
    fieldIds: new Uint16Array(count),
    starts: new Int32Array(count),
    ends: new Int32Array(count),
    parents: new Int32Array(count),
    subtreeEnds: new Int32Array(count),
    flags: new Uint8Array(count),
  };
}
