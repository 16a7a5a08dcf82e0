// The analysis reads syntax trees through this module, not through web-tree-sitter's Node objects.
//
// Why: every web-tree-sitter Node access crosses into wasm and allocates (a `type`, a
// `childForFieldName`, a `namedChildren` each build new objects); on the benchmark's 10,000-line
// script, merely visiting each named node once that way took longer (~300 ms) than its parse.
// Here the facts the analysis reads (type, range, field, parent, named/missing flags) are copied
// into typed arrays, one top-level statement at a time, on first use (treeCopy.ts: straight from
// tree-sitter's memory, or through a tree cursor), and SyntaxNode objects are made from them only
// for nodes the analysis touches. A re-analysis after an edit copies only the statements it runs.
//
// Node indexes are tree-sitter's descendant indexes (pre-order over visible nodes, root = 0), so a
// subtree is the index range [i, end[i]), the first child of i is i + 1, and the next sibling of i
// is end[i] when that is still inside the parent.
import type { Language, Tree } from 'web-tree-sitter';
import { pythonLanguage } from './parser';
import { copierFor, treeMemory, type CopyKind, type TreeCopier } from './treeCopy';
import { MISSING_BIT, type NodeColumns } from './treeMemory';

/** The copier of a tree copied whole already: nothing is left to copy. */
const ALREADY_COPIED: TreeCopier = {
  copyTopLevel: () => [],
  copySubtree: () => {},
  topLevelHasError: () => null,
};

/** tree-sitter's symbol for ERROR nodes ((TSSymbol)-1). */
const ERROR_SYMBOL = 0xffff;

/** What SyntaxTree knows of a top-level node beyond its type and range (`copied`). */
const ERRORS_READ = 1;
const COPIED = 2;

const NAMED = 1;
const MISSING = MISSING_BIT;
const HAS_ERROR = 4;

let forcedCopy: CopyKind | null = null;

/** For tests: copy trees the given way (null: the fastest available). */
export function useCopy(kind: CopyKind | null): void {
  forcedCopy = kind;
}

/** How trees are copied: from tree-sitter's memory when treeCopy.ts's check passed, else with the public cursor. */
export function activeCopy(): CopyKind {
  if (forcedCopy) return forcedCopy;
  return treeMemory() ? 'memory' : 'cursor';
}

/**
 * A copy of one tree-sitter tree of `text`. Valid while `tree` is alive: statements are copied
 * lazily, so use it within the synchronous analysis that made it, and let it go before the tree
 * is deleted.
 */
export class SyntaxTree implements NodeColumns {
  // The root and the columns change only when appendPart adds the module's other part.
  root: SyntaxNode;
  private readonly language: Language;
  typeIds!: Uint16Array;
  fieldIds!: Uint16Array;
  starts!: Int32Array;
  ends!: Int32Array;
  parents!: Int32Array;
  /** One past the last descendant of each node. */
  subtreeEnds!: Int32Array;
  flags!: Uint8Array;
  /** Of each top-level node: 0, nothing more known; ERRORS_READ, its hasError; COPIED, its subtree. */
  private copied!: Uint8Array;
  /** Whether each type id is a named one (ERROR too); a language fact, so no per-node call. */
  private readonly namedTypes: Uint8Array;
  /** The name of each type id, internalized (see typeNamesOf). */
  private readonly typeNames: readonly string[];
  private readonly fieldIdByName = new Map<string, number>();
  private lineStarts: number[] | null = null;
  private readonly copier: TreeCopier;
  private readonly topLevel: number[];
  /** The pooled buffer the columns live in, until released. */
  private columns: ArrayBuffer | null = null;
  /** Of a tree placed `{ after }`: `after`; 0 otherwise. */
  private readonly placedAfter: number = 0;

  /**
   * `source`: a tree-sitter tree, copied lazily; or a tree copied whole already (a CopiedPart, as
   * moduleCopy.ts keeps one per edited document), read where it is. `place`: where a tree's columns
   * live (ColumnsPlace). `copier`: how they are filled (default: the fastest available way).
   */
  constructor(source: Tree | CopiedPart, readonly text: string, place: ColumnsPlace = 'own', copier?: TreeCopier) {
    this.language = pythonLanguage();
    this.namedTypes = namedTypesOf(this.language);
    this.typeNames = typeNamesOf(this.language);
    if (!('rootNode' in source)) {
      this.setColumns(columnsIn(source.columns, source.count));
      this.copier = ALREADY_COPIED;
      this.topLevel = [];
      for (let top = 1; top < source.count; top = this.subtreeEnds[top]) this.topLevel.push(top);
      this.root = this.node(0);
      return;
    }
    const tree = source;
    this.copier = copier ?? copierFor(tree, this.language, activeCopy());
    const rootNode = tree.rootNode;
    const count = rootNode.descendantCount;
    const rootHasError = rootNode.hasError;
    if (typeof place === 'object') {
      this.setColumns(columnsAfter(place.after, count));
      this.placedAfter = place.after;
    } else {
      const buffer = columnsFor(count, place === 'pooled');
      if (place === 'pooled') this.columns = buffer;
      this.setColumns(columnsIn(buffer, count));
    }
    this.topLevel = this.copier.copyTopLevel(this, count);
    this.flags[0] |= rootHasError ? HAS_ERROR : 0;
    this.markNamed(0);
    for (const top of this.topLevel) {
      this.copied[top] = 0; // a pooled buffer holds the last tree's values
      this.markNamed(top);
    }
    this.root = this.node(0);
  }

  private setColumns(columns: Columns): void {
    ({ starts: this.starts, ends: this.ends, parents: this.parents, subtreeEnds: this.subtreeEnds, typeIds: this.typeIds, fieldIds: this.fieldIds, flags: this.flags, copied: this.copied } = columns);
  }

  /** The indexes of the module's top-level nodes, in order. */
  topLevelIndexes(): readonly number[] {
    return this.topLevel;
  }

  /**
   * The whole tree, copied, in a buffer of its own (which can be transferred to another thread):
   * what a thread that parsed part of a module gives the thread that analyses it (splitParse.ts).
   * The last use of this tree: a tree placed `{ after }` is renumbered as the whole module's here.
   */
  copiedPart(): CopiedPart {
    if (this.columns) throw new Error('keras-lint: a pooled tree is not handed on');
    this.copyAll();
    const count = this.starts.length;
    const hasError = this.hasError(0);
    const end = this.ends[0];
    const columns = this.starts.buffer as ArrayBuffer;
    const after = this.placedAfter;
    if (!after) return { columns, count, hasError, end };
    // Written as this tree numbers its nodes, from index after - 1 on: renumbered as the whole
    // module's, its top-level nodes children of node 0. The first part's place (its module node
    // at 0 to after - 2; after - 1 holds this tree's own module node, which that part's last node
    // overwrites) is written once, so that its pages are in memory when that thread copies it in.
    const shift = after - 1;
    renumber(this.parents, this.subtreeEnds, 1, count, shift);
    const total = after + count - 1;
    for (const column of Object.values(columnsIn(columns, total))) column.fill(0, 0, shift);
    return { columns, count: total, hasError, end, firstPartCount: after };
  }

  /**
   * Appends the top-level nodes of `part` (copiedPart() of a tree of the same text, parsed from
   * where this tree's part ends) after this tree's own, renumbered as the whole module's tree
   * numbers them: this tree then reads as the tree of the whole text.
   */
  appendPart(part: CopiedPart): void {
    const own = this.starts.length;
    if (part.firstPartCount !== undefined && part.firstPartCount !== own) throw new Error('keras-lint: the part is laid out after another first part');
    let merged: Columns;
    if (part.firstPartCount === own) merged = columnsIn(part.columns, part.count);
    else {
      const total = own + part.count - 1; // the part's module node is not appended
      merged = columnsIn(columnsFor(total, this.columns !== null), total);
      placePart(merged, columnsIn(part.columns, part.count), own);
    }
    const total = merged.starts.length;
    merged.starts.set(this.starts);
    merged.ends.set(this.ends);
    merged.parents.set(this.parents);
    merged.subtreeEnds.set(this.subtreeEnds);
    merged.typeIds.set(this.typeIds);
    merged.fieldIds.set(this.fieldIds);
    merged.flags.set(this.flags);
    merged.copied.set(this.copied);
    // The part's top-level nodes, now children of this module node: siblings from `own` on.
    for (let top = own; top < total; top = merged.subtreeEnds[top]) this.topLevel.push(top);
    merged.subtreeEnds[0] = total;
    merged.ends[0] = part.end;
    if (part.hasError) merged.flags[0] |= HAS_ERROR;
    if (this.columns) this.columns = merged.starts.buffer as ArrayBuffer;
    this.setColumns(merged);
    this.root = this.node(0);
  }

  /** Hands a pooled tree's columns to the next tree: nothing of this tree may be read afterwards. */
  release(): void {
    if (this.columns && this.columns.byteLength <= MAX_POOLED_BYTES) spareColumns = this.columns;
    this.columns = null;
  }

  private markNamed(index: number): void {
    if (this.namedTypes[this.typeIds[index]]) this.flags[index] |= NAMED;
  }

  /** Copies the subtree of the top-level node `top` (a statement, a comment, an ERROR). */
  private copySubtree(top: number): void {
    this.copied[top] = COPIED;
    const end = this.subtreeEnds[top];
    this.copier.copySubtree(this, top);
    this.finishFlags(top, end);
  }

  /**
   * NAMED of each node below `top`, and `hasError` of each node of the subtree as tree-sitter has
   * it (an error cost above 0): it is, or holds, an ERROR node with children or a MISSING node. A
   * childless ERROR (a character the lexer could not read) costs nothing itself: the ERROR around
   * it carries the cost.
   */
  private finishFlags(top: number, end: number): void {
    const { flags, typeIds, parents, subtreeEnds, namedTypes } = this;
    for (let i = end - 1; i >= top; i--) {
      if (i > top && namedTypes[typeIds[i]]) flags[i] |= NAMED;
      if ((typeIds[i] === ERROR_SYMBOL && subtreeEnds[i] > i + 1) || flags[i] & MISSING) flags[i] |= HAS_ERROR;
      if (flags[i] & HAS_ERROR && i > top) flags[parents[i]] |= HAS_ERROR;
    }
  }

  /** A node object for `index` (made afresh each time: short-lived objects cost the garbage collector least). */
  node(index: number): SyntaxNode {
    return new SyntaxNode(this, index, this.typeName(index), this.starts[index], this.ends[index]);
  }

  /** Copies a top-level node's subtree before anything below it is read. */
  private ensureCopied(index: number): void {
    if (this.parents[index] === 0 && this.copied[index] !== COPIED) this.copySubtree(index);
  }

  /** How many top-level subtrees have been copied so far. */
  get copiedStatements(): number {
    let count = 0;
    for (const child of this.childIndexes(0)) if (this.copied[child] === COPIED) count++;
    return count;
  }

  /** @internal */ typeName(index: number): string {
    return this.typeNames[this.typeIds[index]] ?? 'ERROR';
  }

  /** @internal */ parentOf(index: number): number {
    return this.parents[index];
  }

  /** @internal */ firstChildIndex(index: number): number {
    this.ensureCopied(index);
    return index + 1 < this.subtreeEnds[index] ? index + 1 : -1;
  }

  /** @internal */ nextSiblingIndex(index: number): number {
    const next = this.subtreeEnds[index];
    return next < this.subtreeEnds[this.parents[index]] ? next : -1;
  }

  /** @internal */ childIndexes(index: number): number[] {
    this.ensureCopied(index);
    const result: number[] = [];
    const end = this.subtreeEnds[index];
    for (let child = index + 1; child < end; child = this.subtreeEnds[child]) result.push(child);
    return result;
  }

  /** @internal */ isNamed(index: number): boolean {
    return (this.flags[index] & NAMED) !== 0;
  }

  /** @internal */ isMissing(index: number): boolean {
    return (this.flags[index] & MISSING) !== 0;
  }

  /** @internal */ hasError(index: number): boolean {
    if (this.parents[index] === 0 && !this.copied[index]) this.readTopLevelError(index);
    return (this.flags[index] & HAS_ERROR) !== 0;
  }

  /**
   * `hasError` of a top-level node without copying it when the copier can tell: slicing a module
   * with a syntax error asks it of every statement, and copying them all to answer would cost a
   * keystroke what the lazy copy saves.
   */
  private readTopLevelError(top: number): void {
    const hasError = this.copier.topLevelHasError(top);
    if (hasError === null) {
      this.ensureCopied(top);
      return;
    }
    this.copied[top] = ERRORS_READ;
    if (hasError) this.flags[top] |= HAS_ERROR;
  }

  /** @internal */ fieldIdOf(name: string): number {
    let id = this.fieldIdByName.get(name);
    if (id === undefined) {
      id = this.language.fields.indexOf(name);
      if (id <= 0) id = -1;
      this.fieldIdByName.set(name, id);
    }
    return id;
  }

  /** @internal */ endIndex(index: number): number {
    return this.ends[index];
  }

  /** @internal */ fieldOf(index: number): number {
    return this.fieldIds[index];
  }

  /** @internal */ subtreeEnd(index: number): number {
    this.ensureCopied(index);
    return this.subtreeEnds[index];
  }

  /** @internal */ copyAll(): void {
    for (const child of this.childIndexes(0)) this.ensureCopied(child);
  }

  /** The 0-based row of an offset, rows split at "\n" as tree-sitter does. */
  rowAt(offset: number): number {
    const starts = (this.lineStarts ??= lineStartsOf(this.text));
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (starts[middle] <= offset) low = middle;
      else high = middle - 1;
    }
    return low;
  }
}

/**
 * A tree copied whole (SyntaxTree.copiedPart): its columns' buffer, its node count, whether it has
 * a syntax error, and where its module node ends. With `firstPartCount`, the columns are the whole
 * module's and `count` its node count: the part's nodes are in place after the first part's.
 */
export interface CopiedPart {
  columns: ArrayBuffer;
  count: number;
  hasError: boolean;
  end: number;
  firstPartCount?: number;
}

type Columns = NodeColumns & { copied: Uint8Array };

/**
 * Where a tree's columns live: a buffer of its own; `pooled`, a buffer shared by successive trees
 * (and given back by `release`), for callers that read a tree only until they release it; or, for
 * the second part of a module whose first part's tree has `after` nodes (its module node included),
 * a buffer laid out as the whole module's tree, this tree's nodes after the first part's: the
 * thread that parsed the first part then only copies its own columns in (appendPart). A page of
 * fresh memory costs its first write ~3 us on the benchmark machine: laying the 10,000-line
 * script's 3.3 MB out there cost that thread ~20 ms.
 */
export type ColumnsPlace = 'own' | 'pooled' | { after: number };

/** Views of a buffer laid out for `after + count - 1` nodes, from index `after - 1` on: `count` nodes numbered from 0 land after the first `after - 1`. */
function columnsAfter(after: number, count: number): Columns {
  const whole = columnsIn(new ArrayBuffer((after + count - 1) * BYTES_PER_NODE), after + count - 1);
  const from = after - 1;
  return {
    starts: whole.starts.subarray(from),
    ends: whole.ends.subarray(from),
    parents: whole.parents.subarray(from),
    subtreeEnds: whole.subtreeEnds.subarray(from),
    typeIds: whole.typeIds.subarray(from),
    fieldIds: whole.fieldIds.subarray(from),
    flags: whole.flags.subarray(from),
    copied: whole.copied.subarray(from),
  };
}

/**
 * Writes the nodes of `part` (a module's tree, copied whole), but its module node, into `into` from
 * index `own` on, renumbered as the whole module's tree numbers them: its top-level nodes become
 * children of node 0.
 */
function placePart(into: Columns, part: Columns, own: number): void {
  for (const column of COLUMN_NAMES) into[column].set(part[column].subarray(1), own);
  renumber(into.parents, into.subtreeEnds, own, own + part.starts.length - 1, own - 1);
}

const COLUMN_NAMES = ['starts', 'ends', 'parents', 'subtreeEnds', 'typeIds', 'fieldIds', 'flags', 'copied'] as const;

/**
 * A module copied whole (`old`) with its top-level nodes from index `firstTop` up to index
 * `afterTop` (the end of the last one's subtree) replaced by the top-level nodes of `part` (a tree
 * of the new text, copied whole), and the nodes after them moved `delta` characters: numbered as
 * the whole new text's tree numbers them. `part` was parsed from the lines that replace the old
 * text's lines up to `oldLinesEnd`. moduleCopy.ts decides when this reads as a parse of the new
 * text would. In the pooled buffer when it fits.
 */
export function splicedModule(old: CopiedPart, firstTop: number, afterTop: number, part: CopiedPart, delta: number, oldLinesEnd: number): CopiedPart {
  const after = firstTop + part.count - 1;
  const count = after + old.count - afterTop;
  const from = columnsIn(old.columns, old.count);
  const inserted = columnsIn(part.columns, part.count);
  const into = columnsIn(columnsFor(count, true), count);
  for (const column of COLUMN_NAMES) {
    into[column].set(from[column].subarray(0, firstTop));
    into[column].set(inserted[column].subarray(1), firstTop);
    into[column].set(from[column].subarray(afterTop), after);
  }
  renumber(into.parents, into.subtreeEnds, firstTop, after, firstTop - 1);
  renumber(into.parents, into.subtreeEnds, after, count, after - afterTop);
  const { starts, ends } = into;
  for (let i = after; i < count; i++) {
    starts[i] += delta;
    ends[i] += delta;
  }
  into.subtreeEnds[0] = count;
  // The module node spans from its first node to the end of the text: where the lines parsed
  // again hold either, the part's module node tells.
  if (firstTop === 1) starts[0] = inserted.starts[0];
  ends[0] = from.ends[0] >= oldLinesEnd ? from.ends[0] + delta : inserted.ends[0];
  return { columns: starts.buffer as ArrayBuffer, count, hasError: old.hasError || part.hasError, end: ends[0] };
}

/** Gives a module copy's buffer to the next tree that needs one: nothing may read the copy afterwards. */
export function releaseCopy(copy: CopiedPart): void {
  if (copy.columns.byteLength <= MAX_POOLED_BYTES && (!spareColumns || spareColumns.byteLength < copy.columns.byteLength)) spareColumns = copy.columns;
}

/** Shifts the indexes of nodes [from, to) by `shift`; a parent 0 (the module node) stays. */
function renumber(parents: Int32Array, subtreeEnds: Int32Array, from: number, to: number, shift: number): void {
  for (let i = from; i < to; i++) {
    if (parents[i] !== 0) parents[i] += shift;
    subtreeEnds[i] += shift;
  }
}

/** The columns of `count` nodes laid out in `buffer`. */
function columnsIn(buffer: ArrayBuffer, count: number) {
  return {
    starts: new Int32Array(buffer, 0, count),
    ends: new Int32Array(buffer, count * 4, count),
    parents: new Int32Array(buffer, count * 8, count),
    subtreeEnds: new Int32Array(buffer, count * 12, count),
    typeIds: new Uint16Array(buffer, count * 16, count),
    fieldIds: new Uint16Array(buffer, count * 18, count),
    flags: new Uint8Array(buffer, count * 20, count),
    copied: new Uint8Array(buffer, count * 21, count),
  };
}

/** Bytes per node: starts, ends, parents, subtree ends (4 each), type and field ids (2 each), flags, copied. */
const BYTES_PER_NODE = 22;
/** Buffers above this (a file of about 15,000 lines) are not kept between trees. */
const MAX_POOLED_BYTES = 4 << 20;
let spareColumns: ArrayBuffer | null = null;

/**
 * A buffer for `count` nodes. Pooled trees reuse the spare one when it is big enough: a fresh
 * buffer's pages are faulted in on first write, which cost a re-analysis after a keystroke more
 * (7 ms on a 5,000-line file) than everything else it does.
 */
function columnsFor(count: number, pooled: boolean): ArrayBuffer {
  const bytes = count * BYTES_PER_NODE;
  if (!pooled) return new ArrayBuffer(bytes);
  const spare = spareColumns;
  spareColumns = null;
  if (spare && spare.byteLength >= bytes) return spare;
  // Room to grow: typing adds nodes, and each reallocation would fault the pages in again.
  return new ArrayBuffer(Math.ceil(count * 1.25) * BYTES_PER_NODE);
}

const namedTypeTables = new WeakMap<Language, Uint8Array>();

function namedTypesOf(language: Language): Uint8Array {
  let table = namedTypeTables.get(language);
  if (!table) {
    table = new Uint8Array(ERROR_SYMBOL + 1);
    for (let id = 0; id < language.types.length; id++) table[id] = language.nodeTypeIsNamed(id) ? 1 : 0;
    table[ERROR_SYMBOL] = 1;
    namedTypeTables.set(language, table);
  }
  return table;
}

const typeNameTables = new WeakMap<Language, readonly string[]>();

/**
 * The language's type names as internalized strings. web-tree-sitter makes them from wasm memory,
 * and V8 compares such strings character by character; the analysis compares node types with
 * literals all the time (`node.type === 'call'`), which for two internalized strings is one
 * pointer comparison. A string used as a property key is internalized, hence Object.keys.
 */
function typeNamesOf(language: Language): readonly string[] {
  let names = typeNameTables.get(language);
  if (!names) {
    names = language.types.map((name) => (name ? Object.keys({ [name]: 0 })[0] : name));
    typeNameTables.set(language, names);
  }
  return names;
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** One node of a SyntaxTree; the subset of web-tree-sitter's Node the analysis uses, same meanings. */
export class SyntaxNode {
  constructor(
    private readonly owner: SyntaxTree,
    /** Unique within its tree (the node's descendant index). */
    readonly id: number,
    readonly type: string,
    readonly startIndex: number,
    readonly endIndex: number,
  ) {}

  /** The whole text the tree was parsed from. */
  get source(): string {
    return this.owner.text;
  }

  get text(): string {
    return this.owner.text.slice(this.startIndex, this.endIndex);
  }

  get startRow(): number {
    return this.owner.rowAt(this.startIndex);
  }

  get parent(): SyntaxNode | null {
    const parent = this.owner.parentOf(this.id);
    return parent < 0 ? null : this.owner.node(parent);
  }

  get isNamed(): boolean {
    return this.owner.isNamed(this.id);
  }

  get isMissing(): boolean {
    return this.owner.isMissing(this.id);
  }

  /** It is, or contains, an ERROR or MISSING node. */
  get hasError(): boolean {
    return this.owner.hasError(this.id);
  }

  get children(): SyntaxNode[] {
    return this.owner.childIndexes(this.id).map((i) => this.owner.node(i));
  }

  get namedChildren(): SyntaxNode[] {
    const owner = this.owner;
    const named: SyntaxNode[] = [];
    for (let i = owner.firstChildIndex(this.id); i >= 0; i = owner.nextSiblingIndex(i)) if (owner.isNamed(i)) named.push(owner.node(i));
    return named;
  }

  get namedChildCount(): number {
    return this.namedChildren.length;
  }

  get lastChild(): SyntaxNode | null {
    const children = this.children;
    return children.length > 0 ? children[children.length - 1] : null;
  }

  /**
   * The first child in field `name`. Unlike web-tree-sitter, never a grandchild: tree-sitter also
   * answers with a field of an aliased hidden rule (match_statement's case clauses, under its
   * block), where childrenForFieldName answers nothing.
   */
  childForFieldName(name: string): SyntaxNode | null {
    const field = this.owner.fieldIdOf(name);
    if (field < 0) return null;
    const owner = this.owner;
    for (let i = owner.firstChildIndex(this.id); i >= 0; i = owner.nextSiblingIndex(i)) if (owner.fieldOf(i) === field) return owner.node(i);
    return null;
  }

  childrenForFieldName(name: string): SyntaxNode[] {
    const field = this.owner.fieldIdOf(name);
    const owner = this.owner;
    const found: SyntaxNode[] = [];
    if (field < 0) return found;
    for (let i = owner.firstChildIndex(this.id); i >= 0; i = owner.nextSiblingIndex(i)) if (owner.fieldOf(i) === field) found.push(owner.node(i));
    return found;
  }

  /** This node and its descendants of the given type(s), in document order (as web-tree-sitter, the node itself included). */
  descendantsOfType(types: string | readonly string[]): SyntaxNode[] {
    const wanted = typeof types === 'string' ? [types] : types;
    if (this.id === 0) this.owner.copyAll();
    const result: SyntaxNode[] = [];
    const end = this.owner.subtreeEnd(this.id);
    // Like tree-sitter, nodes that end at offset 0 (an empty file's module) are not visited.
    for (let i = this.id; i < end; i++) if (this.owner.endIndex(i) > 0 && wanted.includes(this.owner.typeName(i))) result.push(this.owner.node(i));
    return result;
  }

  /**
   * The smallest node (named or not) at `offset`, as tree-sitter picks it: the first child with
   * start <= offset < end (an empty child: start = offset), repeatedly; this node when none is.
   */
  descendantForIndex(offset: number): SyntaxNode {
    const holds = (c: SyntaxNode): boolean => c.startIndex <= offset && (offset < c.endIndex || (c.startIndex === c.endIndex && c.endIndex === offset));
    let node: SyntaxNode = this;
    for (;;) {
      const inner = node.children.find(holds);
      if (!inner) return node;
      node = inner;
    }
  }
}

/** The copy of `tree` (parsed from `text`), in a buffer of its own. */
export function readTree(tree: Tree, text: string): SyntaxNode {
  return new SyntaxTree(tree, text).root;
}

/**
 * Runs `use` on a copy of `tree` made in the pooled buffer, which is released afterwards: what
 * `use` returns must hold no node (offsets and strings only).
 */
export function withSyntax<T>(tree: Tree, text: string, use: (root: SyntaxNode, syntax: SyntaxTree) => T): T {
  const syntax = new SyntaxTree(tree, text, 'pooled');
  try {
    return use(syntax.root, syntax);
  } finally {
    syntax.release();
  }
}
