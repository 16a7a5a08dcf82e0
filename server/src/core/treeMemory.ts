// Reads tree-sitter trees straight from the wasm memory web-tree-sitter keeps them in.
//
// Why: a tree cursor costs six or seven calls from JS into wasm per node; driving tree-sitter's C
// cursor functions directly (the previous way) copied the benchmark folder's trees in ~350 ms,
// a third of parsing them, and web-tree-sitter's public TreeCursor takes 4-5x that. Reading the
// same facts from memory takes ~210 ms there (and half the time on a warm 10,000-line file).
// This depends on the layout of tree-sitter's structures (lib/subtree.h, tree.h and the ABI 15
// TSLanguage of parser.h) in a 32-bit wasm build, which holds for the web-tree-sitter this repo
// pins (0.27.1); treeCopy.ts checks it against the public TreeCursor on a sample before using it,
// and falls back to the cursor when the check fails. The walk below mirrors lib/tree_cursor.c: which children are
// visible (their own flag, or an alias of the parent's production), which hidden ones are walked
// through, positions (padding then size, in UTF-16 bytes), field ids (looked up through hidden
// ancestors up to the first visible one) and type ids (the public symbol of the alias or symbol).
import type { Language, Tree } from 'web-tree-sitter';

/** tree-sitter's ERROR symbol ((TSSymbol)-1). */
const ERROR_SYMBOL = 0xffff;
/** The ABI of the TSLanguage layout read below. */
const LANGUAGE_ABI = 15;

/** What a reader writes for each visible node, indexed by descendant index (syntax.ts owns the arrays). */
export interface NodeColumns {
  typeIds: Uint16Array;
  fieldIds: Uint16Array;
  starts: Int32Array;
  ends: Int32Array;
  parents: Int32Array;
  /** One past the last descendant. */
  subtreeEnds: Int32Array;
  /** MISSING_BIT for missing nodes; other bits are syntax.ts's. */
  flags: Uint8Array;
}

export const MISSING_BIT = 2;

/** The views of wasm memory the reader needs (fetched per walk: memory growth replaces them). */
interface Heap {
  u8: Uint8Array;
  u16: Uint16Array;
  u32: Uint32Array;
}

/** The language tables a walk needs, copied out of the TSLanguage once per language. */
interface LanguageTables {
  publicSymbols: Uint16Array;
  /** alias_sequences: production × maxAliasLength. */
  aliases: Uint16Array;
  maxAliasLength: number;
  /** The non-inherited field of each (production, structural child index), 0 for none. */
  fields: Uint16Array;
  fieldStride: number;
}

/**
 * Reads trees from one Emscripten module's memory (`module` is the object web-tree-sitter was
 * initialised with: it carries HEAPU8/HEAPU16/HEAPU32).
 */
export class TreeMemory {
  private readonly tables = new WeakMap<Language, LanguageTables>();

  constructor(private readonly module: Record<string, unknown>) {}

  /** A reader of `tree` (whose language is `language`); throws when the memory does not look as expected. */
  open(tree: Tree, language: Language): TreeMemoryReader {
    const heap = this.heap();
    const address = (tree as unknown as Record<number, number>)[0];
    if (typeof address !== 'number' || address <= 0 || address + 16 > heap.u8.length) throw new Error('tree address');
    const languageAddress = heap.u32[(address + 8) >> 2];
    if (languageAddress !== (language as unknown as Record<number, number>)[0]) throw new Error('tree language');
    let tables = this.tables.get(language);
    if (!tables) {
      tables = readTables(heap, languageAddress, language);
      this.tables.set(language, tables);
    }
    return new TreeMemoryReader(this, tables, address);
  }

  /** @internal */ heap(): Heap {
    const { HEAPU8, HEAPU16, HEAPU32 } = this.module as { HEAPU8?: unknown; HEAPU16?: unknown; HEAPU32?: unknown };
    if (!(HEAPU8 instanceof Uint8Array) || !(HEAPU16 instanceof Uint16Array) || !(HEAPU32 instanceof Uint32Array)) throw new Error('no wasm heap');
    return { u8: HEAPU8, u16: HEAPU16, u32: HEAPU32 };
  }
}

function readTables(heap: Heap, at: number, language: Language): LanguageTables {
  const { u16, u32 } = heap;
  const word = (offset: number): number => u32[(at + offset) >> 2];
  const symbolCount = word(4);
  const aliasCount = word(8);
  const productionCount = word(28);
  const fieldCount = word(32);
  const maxAliasLength = u16[(at + 36) >> 1];
  if (word(0) !== LANGUAGE_ABI || symbolCount + aliasCount !== language.types.length || fieldCount + 1 !== language.fields.length) throw new Error('language layout');
  const fieldSlices = word(64);
  const fieldEntries = word(68);
  const publicMap = word(76);
  const aliasSequences = word(84);
  // Alias symbols are numbered after the grammar's symbols, and mapped too.
  const publicSymbols = u16.slice(publicMap >> 1, (publicMap >> 1) + symbolCount + aliasCount);
  const aliases = u16.slice(aliasSequences >> 1, (aliasSequences >> 1) + productionCount * maxAliasLength);
  // Field map entries are { field_id: u16, child_index: u8, inherited: bool }.
  let fieldStride = 1;
  const entries: [production: number, child: number, field: number][] = [];
  for (let production = 0; fieldCount > 0 && production < productionCount; production++) {
    const slice = (fieldSlices >> 1) + production * 2;
    const index = u16[slice];
    const length = u16[slice + 1];
    for (let e = index; e < index + length; e++) {
      const entry = fieldEntries + e * 4;
      if (heap.u8[entry + 3]) continue; // inherited: the cursor never answers with those
      const child = heap.u8[entry + 2];
      entries.push([production, child, u16[entry >> 1]]);
      fieldStride = Math.max(fieldStride, child + 1);
    }
  }
  const fields = new Uint16Array(productionCount * fieldStride);
  // The first entry for a child index wins, as in ts_tree_cursor_current_field_id.
  for (const [production, child, field] of entries.reverse()) fields[production * fieldStride + child] = field;
  return { publicSymbols, aliases, maxAliasLength, fields, fieldStride };
}

/** Values a frame of TreeMemoryReader.walk's stack holds: parent heap, child, structural child, position, parent index, inherited field. */
const FRAME = 6;
/**
 * walk's explicit stack, kept from one walk to the next: a stack of its own for each statement
 * copied was a tenth of what analysing the benchmark's 10,000-line script allocated (4.6 of 41 MB).
 * Every value fits 32 bits: wasm addresses, positions in bytes of a text under 1 GB, indexes.
 */
let walkStack: Int32Array = new Int32Array(FRAME * 64);

function grown(stack: Int32Array): Int32Array {
  const bigger = new Int32Array(stack.length * 2);
  bigger.set(stack);
  return bigger;
}

/** Copies one tree; valid while the tree is alive and unedited (only ever re-parsed trees are read). */
export class TreeMemoryReader {
  /** The top-level nodes in order (so sorted), with where each one's Subtree lives and where it starts (UTF-16 bytes). */
  private readonly tops: number[] = [];
  private readonly topSlots: number[] = [];
  private readonly topPositions: number[] = [];

  constructor(
    private readonly memory: TreeMemory,
    private readonly tables: LanguageTables,
    private readonly treeAddress: number,
  ) {}

  /**
   * Writes the root (index 0) and each top-level node (not below them) into `into`; `count` is the
   * tree's descendant count (a walk that would pass it is refused: the layout is not what we think).
   */
  copyTopLevel(into: NodeColumns, count: number): number[] {
    const { u8, u16, u32 } = this.memory.heap();
    const slot = this.treeAddress;
    const inline = (u8[slot] & 1) !== 0;
    const heap = inline ? 0 : u32[slot >> 2];
    const padding = inline ? u8[slot + 6] : u32[(heap + 4) >> 2];
    const size = inline ? u8[slot + 7] : u32[(heap + 16) >> 2];
    const symbol = inline ? u8[slot + 1] : u16[(heap + 40) >> 1];
    into.typeIds[0] = symbol === ERROR_SYMBOL ? symbol : this.tables.publicSymbols[symbol];
    into.fieldIds[0] = 0;
    into.starts[0] = padding >> 1;
    into.ends[0] = (padding + size) >> 1;
    into.parents[0] = -1;
    into.subtreeEnds[0] = count;
    into.flags[0] = 0;
    if (heap) this.walk(heap, padding, 0, 1, count, into, true);
    return this.tops;
  }

  /** Where `top` is in `tops`, or -1. */
  private topOrdinal(top: number): number {
    const { tops } = this;
    let low = 0;
    let high = tops.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (tops[middle] === top) return middle;
      if (tops[middle] < top) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  /** Writes the subtree below the top-level node `top` (copyTopLevel must have run). */
  copySubtree(into: NodeColumns, top: number): void {
    const ordinal = this.topOrdinal(top);
    if (ordinal < 0) throw new Error(`not a top-level node: ${top}`);
    const slot = this.topSlots[ordinal];
    const { u8, u32 } = this.memory.heap();
    if (u8[slot] & 1) return; // an inline leaf
    this.walk(u32[slot >> 2], this.topPositions[ordinal], top, top + 1, into.subtreeEnds[top], into, false);
  }

  /** Whether a top-level node has an error (tree-sitter's error cost above 0), without copying it. */
  topLevelHasError(top: number): boolean {
    const { u8, u32 } = this.memory.heap();
    const ordinal = this.topOrdinal(top);
    if (ordinal < 0) return false;
    const slot = this.topSlots[ordinal];
    if (u8[slot] & 1) return false; // inline leaves are never errors nor missing
    const heap = u32[slot >> 2];
    return (u8[heap + 45] & 2) !== 0 || u32[(heap + 32) >> 2] > 0;
  }

  /**
   * Writes the visible descendants of the heap subtree at `heap` (the visible node `parent`, whose
   * first child starts at `position`) in pre-order, numbered from `first`. With `topLevel`, it
   * stops at each visible node (the top level) and notes where it lives.
   *
   * Subtree layouts (32-bit wasm, little-endian): an 8-byte Subtree is either inline (bit 0 set:
   * flag bits visible 1, named 2, extra 3, missing 5; symbol at +1; padding bytes at +6; size bytes
   * at +7) or a pointer to SubtreeHeapData (padding bytes at +4, size bytes at +16, error_cost at
   * +32, child_count at +36, symbol at +40, flag bits at +44: visible 0, extra 2, missing 9;
   * visible_child_count at +48, visible_descendant_count at +56, production_id at +66), whose
   * children are the child_count Subtrees just before it. An explicit stack: nesting can be deeper
   * than the JS stack.
   */
  private walk(heap: number, position: number, parent: number, first: number, end: number, into: NodeColumns, topLevel: boolean): void {
    const { u8, u16, u32 } = this.memory.heap();
    const { publicSymbols, aliases, maxAliasLength, fields, fieldStride } = this.tables;
    const { typeIds, fieldIds, starts, ends, parents, subtreeEnds, flags } = into;
    // The frame whose children are being visited, in locals; outer frames on the stack.
    let parentHeap = heap;
    let childCount = u32[(heap + 36) >> 2];
    let production = u16[(heap + 66) >> 1];
    let k = 0;
    let structural = 0;
    let at = position;
    let parentIndex = parent;
    /** The field a hidden frame passes to its children; -1 in a visible frame (the lookup stops there). */
    let inherited = -1;
    let stack: Int32Array = walkStack;
    let depth = 0;
    /** The parent index and inherited field of the children walked into next. */
    let childParent: number;
    let childInherited: number;
    let next = first;
    for (;;) {
      // Children sit just before their parent's heap data: a count that cannot is not a count.
      if (childCount * 8 > parentHeap) throw new Error('child count');
      if (k === childCount) {
        if (inherited < 0) subtreeEnds[parentIndex] = next;
        if (depth === 0) break;
        inherited = stack[--depth];
        parentIndex = stack[--depth];
        at = stack[--depth];
        structural = stack[--depth];
        k = stack[--depth];
        parentHeap = stack[--depth];
        childCount = u32[(parentHeap + 36) >> 2];
        production = u16[(parentHeap + 66) >> 1];
        continue;
      }
      const slot = parentHeap - (childCount - k) * 8;
      let visible: boolean;
      let extra: boolean;
      let missing: boolean;
      let symbol: number;
      let padding: number;
      let size: number;
      let childHeap = 0;
      const bits = u8[slot];
      if (bits & 1) {
        visible = (bits & 2) !== 0;
        extra = (bits & 8) !== 0;
        missing = (bits & 32) !== 0;
        symbol = u8[slot + 1];
        padding = u8[slot + 6];
        size = u8[slot + 7];
      } else {
        childHeap = u32[slot >> 2];
        const heapBits = u16[(childHeap + 44) >> 1];
        visible = (heapBits & 1) !== 0;
        extra = (heapBits & 4) !== 0;
        missing = (heapBits & 0x200) !== 0;
        symbol = u16[(childHeap + 40) >> 1];
        padding = u32[(childHeap + 4) >> 2];
        size = u32[(childHeap + 16) >> 2];
      }
      const start = k > 0 ? at + padding : at;
      at = start + size;
      k++;
      let alias = 0;
      let field = 0;
      if (!extra) {
        if (production) alias = aliases[production * maxAliasLength + structural];
        if (structural < fieldStride) field = fields[production * fieldStride + structural];
        if (field === 0 && inherited > 0) field = inherited;
        structural++;
      }
      const grandchildren = childHeap ? u32[(childHeap + 36) >> 2] : 0;
      if (visible || alias) {
        const index = next++;
        if (index >= end) throw new Error('walk passed the descendant count');
        const s = alias || symbol;
        typeIds[index] = s === ERROR_SYMBOL ? s : publicSymbols[s];
        fieldIds[index] = field;
        starts[index] = start >> 1;
        ends[index] = (start + size) >> 1;
        parents[index] = parentIndex;
        flags[index] = missing ? MISSING_BIT : 0;
        if (grandchildren === 0) subtreeEnds[index] = index + 1;
        if (topLevel) {
          this.tops.push(index);
          this.topSlots.push(slot);
          this.topPositions.push(start);
          if (grandchildren > 0) {
            const descendants = u32[(childHeap + 56) >> 2];
            subtreeEnds[index] = index + 1 + descendants;
            next += descendants;
          }
          continue;
        }
        if (grandchildren === 0) continue;
        childParent = index;
        childInherited = -1;
      } else if (grandchildren > 0 && u32[(childHeap + 48) >> 2] > 0) {
        // A hidden node with visible children: they are its parent's. An extra one passes no field.
        childParent = parentIndex;
        childInherited = extra ? 0 : field;
      } else continue;
      // Into the child's children: this frame waits on the stack.
      if (depth + FRAME > stack.length) stack = walkStack = grown(stack);
      stack[depth++] = parentHeap;
      stack[depth++] = k;
      stack[depth++] = structural;
      stack[depth++] = at;
      stack[depth++] = parentIndex;
      stack[depth++] = inherited;
      parentIndex = childParent;
      inherited = childInherited;
      parentHeap = childHeap;
      childCount = grandchildren;
      production = u16[(childHeap + 66) >> 1];
      k = 0;
      structural = 0;
      at = start;
    }
  }
}
