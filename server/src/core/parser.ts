// Loads web-tree-sitter and the Python grammar once per process, and finds the tree-sitter cursor
// functions syntax.ts walks trees with (directCursor). The wasm files are found next to
// the running bundle (dist/server/) or, when run from sources (vitest), in grammars/ and
// node_modules; lookups are lazy so a packaged extension without node_modules never touches them.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Language, Parser, type Point, type Tree } from 'web-tree-sitter';

let ready: Promise<Language> | null = null;
let python: Language | null = null;
/** The object web-tree-sitter's Emscripten runtime was initialised with: it becomes that runtime's module. */
let runtime: Record<string, unknown> | null = null;

function firstExisting(candidates: (() => string)[]): string {
  for (const candidate of candidates) {
    try {
      const path = candidate();
      if (existsSync(path)) return path;
    } catch {
      // a require.resolve that cannot find its package: try the next place
    }
  }
  throw new Error('keras-lint: cannot find the tree-sitter wasm files; run `npm run build` first');
}

function runtimeWasmPath(): string {
  return firstExisting([
    () => join(__dirname, 'web-tree-sitter.wasm'),
    () => require.resolve('web-tree-sitter/web-tree-sitter.wasm'),
  ]);
}

function grammarWasmPath(): string {
  return firstExisting([
    () => join(__dirname, 'tree-sitter-python.wasm'),
    () => join(__dirname, '..', '..', '..', 'grammars', 'tree-sitter-python.wasm'),
    () => join(process.cwd(), 'grammars', 'tree-sitter-python.wasm'),
    () => join(require.resolve('tree-sitter-python/package.json'), '..', 'tree-sitter-python.wasm'),
  ]);
}

/** Initialises the parser runtime and the grammar; safe to call many times. */
export function initParser(): Promise<Language> {
  ready ??= (async () => {
    const wasm = runtimeWasmPath();
    const moduleObject: Record<string, unknown> = { locateFile: () => wasm };
    await Parser.init(moduleObject);
    runtime = moduleObject;
    python = await Language.load(grammarWasmPath());
    return python;
  })();
  return ready;
}

/** The loaded Python grammar; initParser() must have resolved. */
export function pythonLanguage(): Language {
  if (!python) throw new Error('keras-lint: initParser() has not finished');
  return python;
}

let sharedParser: Parser | null = null;

/** Parses Python source, reusing `oldTree` (already edited with tree.edit) when given. */
export function parsePython(text: string, oldTree?: Tree | null): Tree {
  if (!sharedParser) {
    sharedParser = new Parser();
    sharedParser.setLanguage(pythonLanguage());
  }
  const tree = sharedParser.parse(text, oldTree ?? null);
  if (!tree) throw new Error('keras-lint: tree-sitter returned no tree');
  return tree;
}

/** tree-sitter's point for an offset (for tree.edit): rows split at "\n" only (a lone "\r" is no line break to it). */
export function pointAt(text: string, offset: number): Point {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart };
}

/**
 * A tree cursor driven through tree-sitter's C functions directly. web-tree-sitter's own
 * TreeCursor copies the cursor into wasm memory before, and out after, every call (through its
 * generic getValue/setValue), which made copying a tree cost a third of parsing it; the C
 * functions keep the cursor in that transfer buffer between calls, so a walk that makes no
 * other web-tree-sitter call in between can leave it there. `open` places a new cursor at the
 * root; `close` frees it. Not reentrant: one walk at a time, no other tree-sitter call inside.
 */
/** Moves and reads of a tree cursor: what syntax.ts copies trees with. */
export interface CursorWalk {
  gotoFirstChild(): boolean;
  gotoNextSibling(): boolean;
  gotoParent(): boolean;
  gotoDescendant(index: number): void;
  descendantIndex(): number;
  typeId(): number;
  startIndex(): number;
  endIndex(): number;
  fieldId(): number;
  isMissing(): boolean;
  close(): void;
}

export interface DirectCursor {
  open(tree: Tree): CursorWalk;
}

/** web-tree-sitter's public TreeCursor in the same shape: the reference, and the fallback. */
export function publicCursor(tree: Tree): CursorWalk {
  const cursor = tree.walk();
  return {
    gotoFirstChild: () => cursor.gotoFirstChild(),
    gotoNextSibling: () => cursor.gotoNextSibling(),
    gotoParent: () => cursor.gotoParent(),
    gotoDescendant: (index) => cursor.gotoDescendant(index),
    descendantIndex: () => cursor.currentDescendantIndex,
    typeId: () => cursor.nodeTypeId,
    startIndex: () => cursor.startIndex,
    endIndex: () => cursor.endIndex,
    fieldId: () => cursor.currentFieldId,
    isMissing: () => cursor.nodeIsMissing,
    close: () => cursor.delete(),
  };
}

const DIRECT_FUNCTIONS = [
  'tree_root_node', 'tree_cursor_new', 'tree_cursor_delete', 'tree_cursor_goto_first_child', 'tree_cursor_goto_next_sibling',
  'tree_cursor_goto_parent', 'tree_cursor_goto_descendant', 'tree_cursor_current_descendant_index', 'tree_cursor_current_node_type_id',
  'tree_cursor_start_index', 'tree_cursor_end_index', 'tree_cursor_current_field_id', 'tree_cursor_current_node_is_missing',
] as const;

type DirectFunction = (tree: number, argument?: number) => number;

let direct: DirectCursor | null | undefined;

/**
 * The direct cursor, or null when this web-tree-sitter build does not expose the functions (or
 * they do not walk a sample tree exactly as its public TreeCursor does); readers then use the
 * public TreeCursor. Decided once, after initParser().
 */
export function directCursor(): DirectCursor | null {
  if (direct === undefined) direct = runtime ? directCursorIn(runtime) : null;
  return direct;
}

/** The direct cursor over the functions of an Emscripten module object (exported for tests), or null. */
export function directCursorIn(module: Record<string, unknown>): DirectCursor | null {
  const fns = {} as Record<(typeof DIRECT_FUNCTIONS)[number], DirectFunction>;
  for (const name of DIRECT_FUNCTIONS) {
    const fn = module[`_ts_${name}_wasm`];
    if (typeof fn !== 'function') return null;
    fns[name] = fn as DirectFunction;
  }
  const candidate: DirectCursor = { open: (tree) => new DirectTreeCursor(fns, tree) };
  return walksLikePublicCursor(candidate) ? candidate : null;
}

/** The runtime's module object (for tests). */
export function parserRuntime(): Record<string, unknown> | null {
  return runtime;
}

/** A cursor whose state lives in web-tree-sitter's transfer buffer (see DirectCursor). */
class DirectTreeCursor implements CursorWalk {
  /** web-tree-sitter keeps a tree's wasm address at index 0 (its own calls pass `tree[0]`). */
  private readonly address: number;

  constructor(private readonly fns: Record<(typeof DIRECT_FUNCTIONS)[number], DirectFunction>, tree: Tree) {
    this.address = (tree as unknown as Record<number, number>)[0];
    fns.tree_root_node(this.address);
    fns.tree_cursor_new(this.address);
  }

  gotoFirstChild(): boolean {
    return this.fns.tree_cursor_goto_first_child(this.address) === 1;
  }

  gotoNextSibling(): boolean {
    return this.fns.tree_cursor_goto_next_sibling(this.address) === 1;
  }

  gotoParent(): boolean {
    return this.fns.tree_cursor_goto_parent(this.address) === 1;
  }

  gotoDescendant(index: number): void {
    this.fns.tree_cursor_goto_descendant(this.address, index);
  }

  descendantIndex(): number {
    return this.fns.tree_cursor_current_descendant_index(this.address);
  }

  typeId(): number {
    return this.fns.tree_cursor_current_node_type_id(this.address);
  }

  startIndex(): number {
    return this.fns.tree_cursor_start_index(this.address);
  }

  endIndex(): number {
    return this.fns.tree_cursor_end_index(this.address);
  }

  fieldId(): number {
    return this.fns.tree_cursor_current_field_id(this.address);
  }

  isMissing(): boolean {
    return this.fns.tree_cursor_current_node_is_missing(this.address) === 1;
  }

  close(): void {
    this.fns.tree_cursor_delete(this.address);
  }
}

/** One walk over a sample (with an error, a missing node, fields, non-ASCII text) by both cursors, compared step by step. */
function walksLikePublicCursor(candidate: DirectCursor): boolean {
  const tree = parsePython('import keras as k\nm = k.Sequential([k.layers.Dense(3, activation="softmax")])  # é\nm.compile(loss="x", metrics=[\ndef f(:\n  return (1 +\n');
  try {
    const expected = walkSteps(publicCursor(tree));
    return expected.length > 0 && walkSteps(candidate.open(tree)).join('\n') === expected.join('\n');
  } catch {
    return false;
  } finally {
    tree.delete();
  }
}

/** What a cursor reads at each node of a whole-tree walk, then after a jump to descendant 3; closes it. */
function walkSteps(cursor: CursorWalk): string[] {
  const steps: string[] = [];
  try {
    const climbToNextSibling = (): boolean => {
      while (cursor.gotoParent()) if (cursor.gotoNextSibling()) return true;
      return false;
    };
    do {
      steps.push(`${cursor.descendantIndex()} ${cursor.typeId()} ${cursor.startIndex()} ${cursor.endIndex()} ${cursor.fieldId()} ${cursor.isMissing()}`);
    } while (cursor.gotoFirstChild() || cursor.gotoNextSibling() || climbToNextSibling());
    cursor.gotoDescendant(3);
    steps.push(`jump ${cursor.descendantIndex()}`);
  } finally {
    cursor.close();
  }
  return steps;
}
