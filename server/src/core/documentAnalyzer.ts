// Analysis of one document, version after version: what the language server runs after each edit.
import { resolveFlavour } from './flavour';
import { lineEnd, LineIndex, lineStart } from './lineIndex';
import { hasSyntaxError, withModule, type ParsedModule } from './moduleCopy';
import { Interpreter, moduleImports, type ProgramFacts } from './model/interpreter';
import { IMPORTS, MAY_HAVE_FINDINGS, sliceModule, statementNames, type ModuleSlice, type SliceMemo, type StatementNames, type TopStatement } from './model/slice';
import { parsePython, parsePythonRange, retireTree, withLineFeeds } from './parser';
import { commonPrefixLength, commonSuffixLength, moveOutcome, type MoveOffset, type Outcome } from './relocate';
import { checkFacts, finish } from './results';
import { fileStyle, lineEndingOf, type LineEnding } from './rules/edits';
import type { OtherPart } from './splitParse';
import { withSyntax, type SyntaxNode } from './syntax';
import type { AnalysisOptions, AnalysisResult, FlavourInfo, Span } from './types';

/** One top-level statement as a group result remembers it: its lines (which messages may name). */
interface Extent {
  start: number;
  end: number;
}

/** What slicing read from one statement of the last version, and where the statement was. */
interface RememberedNames {
  start: number;
  end: number;
  type: string;
  hasError: boolean;
  names: StatementNames;
}

/** A group's results, with the text and the statement extents they were computed on. */
interface RememberedGroup extends Outcome {
  extents: Extent[];
  /** The largest offset that lies outside the extents (an import line a fix adds), or -1. */
  outsideMax: number;
}

/**
 * Analyses successive versions of one document. From the second version on, the module is split
 * into groups of statements (model/slice.ts), and groups an edit did not touch keep their results,
 * moved to their new offsets; only the groups it touched run again. The first version, and every
 * version with `{ reuse: false }`, runs the whole module: splitting costs about what it saves
 * when nothing is remembered (measured on the benchmark's scripts).
 */
export class DocumentAnalyzer {
  private readonly reuse: boolean;
  private previousText = '';
  /** How many versions this analyzer has seen. */
  private versions = 0;
  /** Everything group results depend on besides their own statements: flavour, imports, file style. */
  private previousContext = '';
  private groups = new Map<string, RememberedGroup>();
  /** The key of each remembered group by where its first line starts, when its key holds tree-sitter rows (see KeyReuse). */
  private keysByStart = new Map<number, string>();
  /** What slicing read from each statement of the last version, in order (so by start). */
  private names: RememberedNames[] = [];
  /** The last version's grouping. */
  private grouping: SliceMemo = { read: [], groupOf: [] };
  /** What the last analysis did: groups that may have findings, how many kept their results, statements skipped and run. */
  lastRun = { groups: 0, reused: 0, skippedStatements: 0, ranStatements: 0 };

  constructor(options: { reuse?: boolean } = {}) {
    this.reuse = options.reuse ?? true;
  }

  /**
   * `cellJoins`: for a notebook's joined cells, the offsets of the line breaks that join them (no
   * fix may take one). `otherPart`: a thread that parses the text from otherPart.start on
   * (splitParse.ts); used by an analyzer that reuses nothing, when there is no `tree`. `tree`: the
   * text's parse, when the caller keeps one (documentParse.ts); else it is parsed here.
   */
  analyze(written: string, options: AnalysisOptions = {}, tree?: ParsedModule, where?: (offset: number) => string, cellJoins: readonly number[] = [], otherPart?: OtherPart): AnalysisResult {
    const joins = new Set(cellJoins);
    // Every line scan (and the tree: parsePython reads the text alike) sees "\n" line ends only; offsets stay.
    const text = withLineFeeds(written);
    const eol = lineEndingOf(cellJoins.length ? withoutJoins(written, cellJoins) : written);
    const flavour = resolveFlavour(options.flavour, options.workspacePins ?? null, text);
    // A file with neither a compile call nor a softmax (most Python files of a project) cannot have
    // a finding, so it is not interpreted, nor parsed unless a tree is given.
    if (!MAY_HAVE_FINDINGS.test(text)) {
      this.forget();
      return { findings: [], contracts: [], accuracyHints: [], flavour, hasSyntaxErrors: tree ? hasSyntaxError(tree) : false };
    }
    const describe = where ?? lineDescriber(text);
    if (otherPart && !tree && !this.reuse) {
      this.forget();
      const result = this.analyzeInParts(text, eol, joins, flavour, describe, options, otherPart);
      if (result) return result;
    }
    const ownTree = tree ? null : parsePython(text);
    try {
      // Nothing of the tree outlives the analysis: results hold offsets and strings only.
      return withModule(tree ?? ownTree!, text, (root) => {
        // A document opened and never edited needs nothing remembered: from its second version on, it does.
        const change = this.reuse && this.versions++ > 0 ? new TextChange(this.previousText, text) : null;
        const slice = change ? sliceModule(root, text, this.rememberedNames(change), this.grouping) : null;
        if (!slice) this.forget();
        const outcome = slice && change ? this.runGroups(slice, text, eol, joins, change, flavour, where ?? null, describe) : this.runAll(text, eol, joins, root, flavour, describe);
        return { ...finish(outcome, options), flavour, hasSyntaxErrors: root.hasError };
      });
    } catch (error) {
      this.forget();
      throw error;
    } finally {
      if (ownTree) retireTree(ownTree);
    }
  }

  /**
   * Reads statements through the names remembered from the last version: a statement wholly before
   * or wholly after the edit is the text it was, so it is found by where it was (no text is hashed),
   * and keeps its reading when its parse tells the same (type, syntax error).
   */
  private rememberedNames(change: TextChange): (statement: TopStatement, hasError: boolean, index: number) => StatementNames {
    const last = this.names;
    const current: RememberedNames[] = [];
    this.names = current;
    const lastRead = this.grouping.read;
    return (statement, hasError, index) => {
      const type = statement.node.type;
      const shift = change.shiftOf(statement.start, statement.end);
      const known = shift === null ? undefined : rememberedAt(last, statement.start - shift, statement.end - shift);
      let names: StatementNames;
      if (known && known.type === type && known.hasError === hasError) names = known.names;
      else {
        names = statementNames(statement, hasError);
        // An edit that changes no name (a number, a string) keeps the statement's reading, and so
        // the grouping.
        if (lastRead[index] && sameNames(lastRead[index], names)) names = lastRead[index];
      }
      current.push({ start: statement.start, end: statement.end, type, hasError, names });
      return names;
    };
  }

  private forget(): void {
    this.previousText = '';
    this.names = [];
    this.grouping = { read: [], groupOf: [] };
    this.groups = new Map();
    this.keysByStart = new Map();
  }

  /** The whole module, as one program (what slicing must equal, and what a module that cannot be split gets). */
  private runAll(text: string, eol: LineEnding, joins: ReadonlySet<number>, root: SyntaxNode, flavour: FlavourInfo, describe: (offset: number) => string): Outcome {
    const statements = root.namedChildren;
    return checkModule(new Interpreter().run(statements), statements, text, eol, joins, flavour, describe);
  }

  /**
   * The whole module as runAll runs it, parsed in two parts (splitParse.ts): this thread parses
   * the first and runs its statements while another parses the second. Null when a part has a
   * syntax error: the cut may then not be a statement boundary, and the module is parsed whole.
   */
  private analyzeInParts(text: string, eol: LineEnding, joins: ReadonlySet<number>, flavour: FlavourInfo, describe: (offset: number) => string, options: AnalysisOptions, otherPart: OtherPart): AnalysisResult | null {
    const firstTree = parsePythonRange(text, 0, otherPart.start);
    try {
      const hasError = firstTree.rootNode.hasError;
      const count = firstTree.rootNode.descendantCount;
      otherPart.firstPartParsed?.(hasError ? 0 : count);
      if (hasError) return null;
      return withSyntax(firstTree, text, (root, syntax) => {
        const interpreter = new Interpreter();
        const first = root.namedChildren;
        const stopped = interpreter.runStatements(first);
        const second = otherPart.take();
        // A part laid out after another first part is no answer to this one (it cannot happen, short of a bug).
        if (!second || second.hasError || (second.firstPartCount !== undefined && second.firstPartCount !== count)) return null;
        syntax.appendPart(second);
        const statements = syntax.root.namedChildren;
        if (!stopped) interpreter.runStatements(statements.slice(first.length));
        const outcome = checkModule(interpreter.finishRun(), statements, text, eol, joins, flavour, describe);
        return { ...finish(outcome, options), flavour, hasSyntaxErrors: false };
      });
    } finally {
      retireTree(firstTree);
    }
  }

  /** The groups of statements that can have findings: remembered ones moved, the others run. */
  private runGroups(slice: ModuleSlice, text: string, eol: LineEnding, joins: ReadonlySet<number>, change: TextChange, flavour: FlavourInfo, where: ((offset: number) => string) | null, describe: (offset: number) => string): Outcome {
    const imports = moduleImports(slice.withImports.map((s) => s.node));
    const style = fileStyle(text, slice.imports.map((s) => s.node), slice.statements.map((s) => s.node), imports, eol, joins);
    const context = JSON.stringify([flavour.flavour, flavour.legacyGraphMode, style.quote, style.importInsertAt, style.importAfterLine, style.kerasRoot, style.eol, [...imports], slice.imports.map((s) => s.text)]);
    const sameContext = context === this.previousContext;
    const unchangedBefore = sameContext ? change.unchangedBefore : 0;

    // Messages name lines (and cells): tree-sitter's rows are those lines (the text has "\n" breaks only), cells are not.
    const locate = where ?? null;
    const reuse = sameContext && !locate && this.keysByStart.size ? new KeyReuse(change, this.groups, this.keysByStart) : null;
    const merged: Outcome = { findings: [], contracts: [], hints: [] };
    const remembered = new Map<string, RememberedGroup>();
    const toRun: { key: string; extents: Extent[]; remember: boolean }[] = [];
    const statements: SyntaxNode[] = slice.imports.map((s) => s.node);
    const { extentsOf, entangled } = groupExtents(slice, text);
    slice.groups.forEach((group, g) => {
      const extents = extentsOf[g];
      const key = reuse?.keyOf(extents) ?? groupKey(text, group, extents, locate);
      const old = sameContext && !entangled.has(g) ? this.groups.get(key) : undefined;
      const moved = old && (unmoved(old, extents, unchangedBefore) ? old : moveOutcome(old, offsetMover(old.extents, extents, unchangedBefore)));
      if (old && moved) {
        append(merged, moved);
        remembered.set(key, { ...moved, extents, outsideMax: old.outsideMax });
      } else {
        toRun.push({ key, extents, remember: !entangled.has(g) });
        for (const s of group) statements.push(s.node);
      }
    });

    this.lastRun = { groups: slice.groups.length, reused: slice.groups.length - toRun.length, skippedStatements: slice.skipped, ranStatements: statements.length };
    if (toRun.length) {
      statements.sort((a, b) => a.startIndex - b.startIndex);
      const fresh = checkFacts(new Interpreter().run(statements), style, flavour, describe);
      append(merged, fresh);
      rememberByGroup(fresh, toRun, remembered);
    }
    this.previousText = text;
    this.previousContext = context;
    this.groups = remembered;
    this.keysByStart = locate ? new Map() : new Map([...remembered].map(([key, group]) => [group.extents[0].start, key]));
    return merged;
  }
}

/** The findings of a module's run. */
function checkModule(facts: ProgramFacts, statements: readonly SyntaxNode[], text: string, eol: LineEnding, joins: ReadonlySet<number>, flavour: FlavourInfo, describe: (offset: number) => string): Outcome {
  const style = fileStyle(text, statements.filter((n) => IMPORTS.has(n.type)), statements.filter((n) => !IMPORTS.has(n.type)), facts.imports, eol, joins);
  return checkFacts(facts, style, flavour, describe);
}

/** "line N" of an offset, for messages that name another place in a file. */
function lineDescriber(text: string): (offset: number) => string {
  let lines: LineIndex | null = null;
  return (offset) => `line ${(lines ??= new LineIndex(text)).position(offset).line + 1}`;
}

/** The cells' text without the breaks that join them (a cell's last "\r" and a join are no "\r\n"). */
function withoutJoins(text: string, joins: readonly number[]): string {
  const parts: string[] = [];
  let from = 0;
  for (const join of joins) {
    parts.push(text.slice(from, join));
    from = join + 1;
  }
  parts.push(text.slice(from));
  return parts.join(' ');
}

/** The remembered reading of the statement that spanned [start, end), found by binary search. */
function rememberedAt(remembered: readonly RememberedNames[], start: number, end: number): RememberedNames | undefined {
  let low = 0;
  let high = remembered.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const r = remembered[middle];
    if (r.start === start) return r.end === end ? r : undefined;
    if (r.start < start) low = middle + 1;
    else high = middle - 1;
  }
  return undefined;
}

function sameNames(a: StatementNames, b: StatementNames): boolean {
  const same = (x: readonly string[], y: readonly string[]): boolean => x.length === y.length && x.every((v, i) => v === y[i]);
  return a.trigger === b.trigger && a.mayStop === b.mayStop && a.mentionsImport === b.mentionsImport && a.joinsAll === b.joinsAll && same(a.binds, b.binds) && same(a.names, b.names) && same(a.reads, b.reads);
}

/** From the start of a statement's first line to the end of its last line (with the newline). */
function lineExtent(text: string, start: number, end: number): Extent {
  return { start: lineStart(text, start), end: lineEnd(text, end) };
}

/** Where the last version and this one differ: the text before `unchangedBefore`, and from `suffixStart` on (`delta` further than before), is the same. */
class TextChange {
  readonly unchangedBefore: number;
  readonly suffixStart: number;
  readonly delta: number;
  /** The edit added or removed no line break: lines after it keep their numbers. */
  readonly sameLineBreaks: boolean;

  constructor(before: string, text: string) {
    this.unchangedBefore = commonPrefixLength(before, text);
    const unchangedAfter = commonSuffixLength(before, text, this.unchangedBefore);
    this.suffixStart = text.length - unchangedAfter;
    this.delta = text.length - before.length;
    this.sameLineBreaks = lineBreaks(before, this.unchangedBefore, before.length - unchangedAfter) === lineBreaks(text, this.unchangedBefore, this.suffixStart);
  }

  /**
   * How far text in [start, end) moved, when all of it is before or after the edit (so unchanged);
   * null when the edit touched it, or, with `sameRows`, when it is after an edit that added or
   * removed a line break (it is then on other lines).
   */
  shiftOf(start: number, end: number, sameRows = false): number | null {
    if (end <= this.unchangedBefore) return 0;
    return start >= this.suffixStart && (this.sameLineBreaks || !sameRows) ? this.delta : null;
  }
}

/**
 * The keys of groups an edit left alone, found without building them: a group whose lines all lie
 * before the edit, or all after it when the edit added or removed no line break, has the text and
 * the rows it had, so the key it had; it is found by where its first line starts. Only for keys
 * made of tree-sitter rows (a `locate` may name cells, which can be renumbered with no text change).
 */
class KeyReuse {
  constructor(
    private readonly change: TextChange,
    private readonly groups: Map<string, RememberedGroup>,
    private readonly keysByStart: Map<number, string>,
  ) {}

  /** The remembered key of a group now at `extents`, or null when it must be built from the text. */
  keyOf(extents: Extent[]): string | null {
    const first = extents[0].start;
    const shift = this.change.shiftOf(first, extents[extents.length - 1].end, true);
    if (shift === null) return null;
    const key = this.keysByStart.get(first - shift);
    const old = key === undefined ? undefined : this.groups.get(key);
    if (!old || old.extents.length !== extents.length) return null;
    for (let i = 0; i < extents.length; i++) {
      if (old.extents[i].start + shift !== extents[i].start || old.extents[i].end + shift !== extents[i].end) return null;
    }
    return key!;
  }
}

function lineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

/**
 * The lines of each group's statements, and the groups that share a line with another group
 * (`a.compile(...); b.compile(...)`, the models of two groups on one line): results are told apart
 * by the lines they are on, so such groups are run every time, never remembered (their keys can
 * even be equal). Statements do not nest and their lines end in order, so a shared line shows as
 * two consecutive statements (of those in groups) of different groups overlapping.
 */
function groupExtents(slice: ModuleSlice, text: string): { extentsOf: Extent[][]; entangled: Set<number> } {
  const extentsOf: Extent[][] = slice.groups.map(() => []);
  const entangled = new Set<number>();
  let previousGroup = -1;
  let previousEnd = -1;
  slice.statements.forEach((statement, i) => {
    const group = slice.groupOf[i];
    if (group < 0) return;
    const extent = lineExtent(text, statement.start, statement.end);
    extentsOf[group].push(extent);
    if (previousGroup >= 0 && previousGroup !== group && previousEnd > extent.start) {
      entangled.add(previousGroup);
      entangled.add(group);
    }
    previousGroup = group;
    previousEnd = extent.end;
  });
  return { extentsOf, entangled };
}

/** A group's identity: the text of its statements' lines and where they are (`locate`, else tree-sitter's row). */
function groupKey(text: string, group: TopStatement[], extents: Extent[], locate: ((offset: number) => string) | null): string {
  return extents.map((e, i) => `${locate ? locate(e.start) : group[i].node.startRow}\u0001${text.slice(e.start, e.end)}`).join('\u0002');
}

/** True when nothing in or before a remembered group moved: its results stand as they are. */
function unmoved(old: RememberedGroup, extents: Extent[], unchangedBefore: number): boolean {
  return old.outsideMax < unchangedBefore && old.extents.every((e, i) => e.start === extents[i].start);
}

/** Offsets inside a statement's lines move with it; others stay where they are if nothing before them changed. */
function offsetMover(from: Extent[], to: Extent[], unchangedBefore: number): MoveOffset {
  return (offset) => {
    for (let i = 0; i < from.length; i++) {
      if (offset >= from[i].start && offset <= from[i].end) return offset - from[i].start + to[i].start;
    }
    return offset < unchangedBefore ? offset : null;
  };
}

/**
 * Splits a run's results by the group whose lines hold their main span. A result outside every
 * group that ran (none is expected) leaves those groups unremembered, so they simply run again.
 */
function rememberByGroup(fresh: Outcome, groups: { key: string; extents: Extent[]; remember: boolean }[], into: Map<string, RememberedGroup>): void {
  const byGroup = groups.map((): Outcome => ({ findings: [], contracts: [], hints: [] }));
  const groupAt = (offset: number): number => groups.findIndex((g) => g.extents.some((e) => offset >= e.start && offset < e.end));
  let placed = true;
  const place = <T>(items: T[], spanOf: (item: T) => Span, list: (o: Outcome) => T[]): void => {
    for (const item of items) {
      const i = groupAt(spanOf(item).start);
      if (i < 0) placed = false;
      else list(byGroup[i]).push(item);
    }
  };
  place(fresh.findings, (f) => f.span, (o) => o.findings);
  place(fresh.contracts, (c) => c.span, (o) => o.contracts);
  place(fresh.hints, (h) => h.span, (o) => o.hints);
  if (!placed) return;
  groups.forEach((g, i) => {
    if (!g.remember) return;
    let outsideMax = -1;
    moveOutcome(byGroup[i], (offset) => {
      if (!g.extents.some((e) => offset >= e.start && offset <= e.end)) outsideMax = Math.max(outsideMax, offset);
      return offset;
    });
    // A copy: strings cut from this version's text would otherwise keep the whole text alive.
    into.set(g.key, { ...structuredClone(byGroup[i]), extents: g.extents, outsideMax });
  });
}

function append(into: Outcome, more: Outcome): void {
  into.findings.push(...more.findings);
  into.contracts.push(...more.contracts);
  into.hints.push(...more.hints);
}

