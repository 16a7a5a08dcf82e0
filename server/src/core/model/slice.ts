// Splits a module's top-level statements into independent groups, so that after an edit the
// interpreter re-runs only the group the edit touched (and none of the statements that cannot matter).
//
// Two top-level statements can influence each other only through a module-level name: one binds
// it, the other reads it or mutates the object behind it. Imports run with every group (they only
// bind library paths). So the statements fall into connected components over the names that are
// bound at module level and read somewhere, and a component can have a finding only if one of its
// statements mentions `compile` or `softmax` (every rule needs one: MAY_HAVE_FINDINGS). Running
// the components that can, and nothing else, gives the result of running the whole module.
//
// Names are read from the text, and everything over-approximates (a name bound on one branch or in
// a function counts, so does every word of an f-string) except where the interpreter provably never
// looks: comments, string literals, comprehensions and attribute names. A module with a top-level
// statement that ends the run (a raise, return, break or continue outside a function, on every
// path) is not split: whether what follows it runs depends on it. Whether a statement ends the run
// does not depend on values, so the interpreter can tell by running it alone.
import type { SyntaxNode } from '../syntax';
import { Interpreter, LIBRARY_MODULE } from './interpreter';

export interface TopStatement {
  node: SyntaxNode;
  start: number;
  end: number;
  text: string;
}

export interface ModuleSlice {
  /** Top-level statements that hold an import (imports, and if/try blocks with imports), in order. */
  withImports: TopStatement[];
  /** Top-level imports: they run with every group. */
  imports: TopStatement[];
  /** Groups that may have findings, each in source order; groups are in order of their first statement. */
  groups: TopStatement[][];
  /** Top-level statements of no group (nothing in them can lead to a finding). */
  skipped: number;
  /** The top-level statements other than imports, in order, and the group of each (-1: none). */
  statements: readonly TopStatement[];
  groupOf: readonly number[];
}

export const IMPORTS = new Set(['import_statement', 'import_from_statement', 'future_import_statement']);
const DEFINITIONS = new Set(['function_definition', 'class_definition', 'decorated_definition']);
/** Every rule needs a compile call or a softmax: text without either cannot have a finding. */
export const MAY_HAVE_FINDINGS = /compile|softmax/i;
/** Words of the statements that can end a run (raise, return, break, continue outside a function). */
const STOPPERS = /\b(?:raise|return|break|continue)\b/;
const MENTIONS_IMPORT = /\bimport\b/;
/**
 * May change what slicing cannot follow, so it joins every group: set a layer's activation, which
 * can change the head of any model (Interpreter.activationSet): any `.activation` that is not a call
 * (every target form: tuples, annotations, for), any mention of setattr (an alias `sa = setattr`
 * joins everything, its calls included); or run unseen code in the module (exec, execfile, and a
 * notebook's `%run`, which becomes exec: Interpreter.forgetModuleVariables). Read loosely: joining
 * too much costs speed only, but not `"activation"` strings (Keras Tuner's hp.Choice("activation")
 * would join every file that uses it, and a keystroke would re-run the whole module).
 */
const JOINS_ALL = /\.\s*activation\b(?!\s*\()|\bsetattr\b|\bexec(?:file)?\b|\brun_line_magic\b|\b(?:globals|vars)\s*\(\s*\)\s*\.\s*update\b/;
/** `from prep import *` of a module that is no library, anywhere in the statement (Interpreter.execImport forgets the module's variables). */
function starImportsOwnModule(text: string): boolean {
  for (const m of text.matchAll(/\bfrom\s+([\w.]+)\s+import\s*\*/g)) if (!LIBRARY_MODULE.test(m[1])) return true;
  return false;
}
const PYTHON_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(' '),
);

function isIdentifierStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 128;
}

function isIdentifierPart(c: number): boolean {
  return isIdentifierStart(c) || (c >= 48 && c <= 57);
}

const STRING_PREFIXES = new Set(['r', 'u', 'b', 'f', 't', 'br', 'rb', 'fr', 'rf', 'tr', 'rt']);

/**
 * Calls `visit` with every name mentioned in text[from, to): identifiers that are not keywords and
 * not attributes (`a.b` mentions a). Comments and string literals mention nothing, except the
 * expressions of f-strings: all words of an f-string count, which only over-approximates. Nor do
 * comprehensions and generator expressions: the interpreter never looks into them. Any non-ASCII
 * character is taken as part of a name (Python names may be non-ASCII). `code: false` reads every
 * word (the inside of an f-string); `comprehensions: false` reads comprehensions too (in code with
 * a syntax error, a bracket may wrap a `for` statement).
 */
function forEachName(text: string, from: number, to: number, visit: (name: string, at: number) => void, code = true, comprehensions = true): void {
  // Names inside open brackets wait until the bracket closes: a `for` in it makes it a comprehension.
  const open: { names: string[]; at: number[]; comprehension: boolean }[] = [];
  const mention = (name: string, at: number): void => {
    const inner = open[open.length - 1];
    if (!inner) visit(name, at);
    else {
      inner.names.push(name);
      inner.at.push(at);
    }
  };
  const release = (closed: { names: string[]; at: number[] }): void => closed.names.forEach((name, k) => mention(name, closed.at[k]));
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (isIdentifierStart(c)) {
      let j = i + 1;
      while (j < to && isIdentifierPart(text.charCodeAt(j))) j++;
      const word = text.slice(i, j);
      const quote = text.charCodeAt(j);
      if (code && (quote === 34 || quote === 39) && j - i <= 2 && STRING_PREFIXES.has(word.toLowerCase())) {
        // A prefixed string: f'...{name}...' mentions what its braces hold.
        const end = Math.min(stringEnd(text, j), to);
        if (/[ft]/i.test(word)) forEachName(text, j + 1, end, mention, false);
        i = end + 1;
        continue;
      }
      let before = i - 1;
      while (before >= from && (text.charCodeAt(before) === 32 || text.charCodeAt(before) === 9)) before--;
      const attribute = before >= from && text.charCodeAt(before) === 46; /* . */
      if (word === 'for' && open.length && comprehensions) open[open.length - 1].comprehension = true;
      else if (!attribute && !PYTHON_KEYWORDS.has(word)) mention(word, i);
      i = j;
    } else if (c >= 48 && c <= 57) {
      // A number: 1e5, 0x1F and 10j are not names.
      i++;
      while (i < to && isIdentifierPart(text.charCodeAt(i))) i++;
    } else if (code && (c === 34 || c === 39)) {
      i = Math.min(stringEnd(text, i), to) + 1;
    } else if (code && c === 35 /* # */) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 || nl > to ? to : nl;
    } else {
      if (code && (c === 40 || c === 91 || c === 123)) open.push({ names: [], at: [], comprehension: false });
      else if (code && (c === 41 || c === 93 || c === 125) && open.length) {
        const closed = open.pop()!;
        if (!closed.comprehension) release(closed);
      }
      i++;
    }
  }
  // Brackets left open (a syntax error) are taken as they are.
  while (open.length) release(open.pop()!);
}

function wordsOf(text: string): string[] {
  const out = new Set<string>();
  forEachName(text, 0, text.length, (name) => out.add(name));
  return [...out];
}

/** The end of the string literal whose opening quote is at `at` (the index of its last character). */
function stringEnd(text: string, at: number): number {
  const quote = text[at];
  const triple = text.startsWith(quote.repeat(3), at);
  const close = triple ? quote.repeat(3) : quote;
  for (let i = at + close.length; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '\n' && !triple) return i;
    else if (text.startsWith(close, i)) return i + close.length - 1;
  }
  return text.length;
}

/**
 * What an expression statement assigns to: the text before its last `=` (or annotation `:`) outside
 * brackets and strings, so `a, b = c = f(x)` gives `a, b = c`; '' when it assigns nothing. A
 * lambda's default or colon at the top level gives more words than the targets, never fewer.
 */
function assignedText(text: string): string {
  let depth = 0;
  let last = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 || c === 39) i = stringEnd(text, i);
    else if (c === 35 /* # */) {
      const nl = text.indexOf('\n', i);
      if (nl < 0) break;
      i = nl;
    } else if (c === 40 || c === 91 || c === 123) depth++;
    else if (c === 41 || c === 93 || c === 125) depth--;
    else if (depth === 0 && (c === 61 || c === 58)) {
      const next = text.charCodeAt(i + 1);
      if (next === 61) {
        i++; // == and := (a walrus is found on its own)
        continue;
      }
      if (c === 61) {
        const prev = text.charCodeAt(i - 1);
        // <= >= != are comparisons; <<= >>= assign.
        const comparison = prev === 33 || ((prev === 60 || prev === 62) && text.charCodeAt(i - 2) !== prev);
        if (comparison) continue;
      }
      last = i;
    }
  }
  return last < 0 ? '' : text.slice(0, last);
}

/** Names declared `global` (or `nonlocal`) in a piece of code: functions may bind them. */
function globalNames(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/\b(?:global|nonlocal)\s+([^\n;#]*)/g)) for (const w of wordsOf(m[1])) out.add(w);
  return out;
}

const DEFINED_NAME = /^(?:async\s+)?(?:def|class)\s+([\p{L}_][\p{L}\p{N}_]*)/u;

/**
 * Module-level names a top-level statement may bind, besides the targets of an expression
 * statement (statementNames reads those); `hasError`: it holds a syntax error (its parse then says little).
 */
function bindsOf(node: SyntaxNode, text: string, hasError: boolean): Set<string> {
  const binds = new Set<string>();
  if (hasError) collectBindsAnywhere(node, binds);
  else if (node.type === 'expression_statement') {
    // the targets: see statementNames
  } else if (node.type === 'function_definition' || node.type === 'class_definition') {
    const name = DEFINED_NAME.exec(text);
    if (name) binds.add(name[1]);
  } else collectBinds(node, binds);
  // `(name := value)` binds in the enclosing scope wherever it is; functions bind their `global` names.
  if (text.includes(':=')) for (const m of text.matchAll(/([\p{L}_][\p{L}\p{N}_]*)\s*:=/gu)) binds.add(m[1]);
  for (const name of globalNames(text)) binds.add(name);
  return binds;
}

/** Node types that bind a name, and the field holding it (null: the whole node's words). */
const BINDING_FIELDS: Record<string, string | null> = {
  assignment: 'left',
  augmented_assignment: 'left',
  named_expression: 'name',
  for_statement: 'left',
  as_pattern: 'alias',
  function_definition: 'name',
  class_definition: 'name',
  delete_statement: null,
  global_statement: null,
  nonlocal_statement: null,
  import_statement: null,
  import_from_statement: null,
  future_import_statement: null,
  type_alias_statement: null,
  match_statement: null,
};
const BINDING_TYPES = Object.keys(BINDING_FIELDS);

/**
 * A statement with a syntax error: error recovery can put a binding anywhere in it (an ERROR node's
 * children run as statements), so every binding node in it counts, in nested functions too.
 */
function collectBindsAnywhere(node: SyntaxNode, out: Set<string>): void {
  for (const binding of [node, ...node.descendantsOfType(BINDING_TYPES)]) {
    if (!binding) continue;
    const field = BINDING_FIELDS[binding.type];
    if (field === undefined) continue;
    const target = field ? binding.childForFieldName(field) : binding;
    addWords(target, out);
    // The text may read differently from the recovered parse (`(x_tra'in, y_train) = ...` has no
    // string to the parse): the identifiers the interpreter will bind count too.
    if (target) for (const identifier of [target, ...target.descendantsOfType('identifier')]) if (identifier.type === 'identifier') out.add(identifier.text);
  }
}

function addWords(node: SyntaxNode | null, out: Set<string>): void {
  if (node) for (const w of wordsOf(node.text)) out.add(w);
}

/** Names a statement may bind in the scope it runs in (function and class bodies are other scopes). */
function collectBinds(node: SyntaxNode, out: Set<string>): void {
  switch (node.type) {
    case 'expression_statement':
      for (const w of wordsOf(assignedText(node.text))) out.add(w);
      return;
    case 'function_definition':
    case 'class_definition':
      addWords(node.childForFieldName('name'), out);
      return;
    case 'decorated_definition': {
      const definition = node.childForFieldName('definition');
      if (definition) collectBinds(definition, out);
      return;
    }
    case 'block':
      for (const statement of node.namedChildren) if (statement) collectBinds(statement, out);
      return;
    case 'if_statement':
    case 'while_statement':
    case 'try_statement':
    case 'elif_clause':
    case 'else_clause':
    case 'finally_clause':
      for (const child of node.namedChildren) {
        if (child && (child.type === 'block' || child.type.endsWith('_clause'))) collectBinds(child, out);
      }
      return;
    case 'except_clause':
    case 'except_group_clause':
      for (const child of node.namedChildren) {
        if (!child) continue;
        if (child.type === 'block') collectBinds(child, out);
        else addWords(child, out); // `except E as e`
      }
      return;
    case 'for_statement':
      addWords(node.childForFieldName('left'), out);
      for (const field of ['body', 'alternative']) {
        const child = node.childForFieldName(field);
        if (child) collectBinds(child, out);
      }
      return;
    case 'with_statement':
      for (const child of node.namedChildren) {
        if (!child) continue;
        if (child.type === 'block') collectBinds(child, out);
        else addWords(child, out); // the with clause and its `as` targets
      }
      return;
    case 'pass_statement':
    case 'break_statement':
    case 'continue_statement':
    case 'return_statement':
    case 'raise_statement':
    case 'assert_statement':
    case 'comment':
      return;
    default:
      // del, global, match (case patterns bind), imports inside blocks, anything newer than this
      // list: every word it mentions.
      addWords(node, out);
  }
}

/** What slicing reads from one statement: a function of its text (and parse), so it can be reused after edits. */
export interface StatementNames {
  /** Module-level names it may bind. */
  binds: readonly string[];
  /** Every name it mentions, once each. */
  names: readonly string[];
  /** The names it mentions other than as a plain assignment target (`x` in `x = 1` is bound, not read). */
  reads: readonly string[];
  /** It mentions compile or softmax. */
  trigger: boolean;
  /** It is no definition and has a raise, return, break or continue: it may end the module's run. */
  mayStop: boolean;
  /** It mentions `import` (an import inside an if or try block binds at module level). */
  mentionsImport: boolean;
  /** It may replace a layer's activation, or run unseen code, through names slicing cannot follow: it joins every group. */
  joinsAll: boolean;
}

export function statementNames(statement: TopStatement, hasError: boolean): StatementNames {
  const { node, text } = statement;
  const expression = !hasError && node.type === 'expression_statement';
  // In `a, b[i] = f(x)`: a, b and i are targets (bound), x, b and i are read.
  const split = expression ? assignedText(text).length : 0;
  const plain = split ? plainTargetStarts(text.slice(0, split)) : null;
  const names = new Set<string>();
  const reads = new Set<string>();
  const binds = bindsOf(node, text, hasError);
  forEachName(
    text,
    0,
    text.length,
    (name, at) => {
      names.add(name);
      if (at < split) binds.add(name);
      if (at >= split || !plain!.has(at)) reads.add(name);
    },
    true,
    !hasError,
  );
  // A syntax error makes the text and the parse disagree on the names (`model😀.add`, an unclosed
  // quote): the interpreter runs what the parse recovered, so its identifiers count too.
  if (hasError) {
    for (const identifier of node.descendantsOfType('identifier')) {
      names.add(identifier.text);
      reads.add(identifier.text);
    }
  }
  // Remembered across versions: the strings get their own memory.
  const list = (set: Set<string>): string[] => [...set].map(detached);
  return {
    binds: list(binds),
    names: list(names),
    reads: list(reads),
    trigger: MAY_HAVE_FINDINGS.test(text),
    mayStop: !DEFINITIONS.has(node.type) && STOPPERS.test(text),
    mentionsImport: MENTIONS_IMPORT.test(text),
    joinsAll: JOINS_ALL.test(text) || starImportsOwnModule(text),
  };
}

/**
 * Where the names that stand as whole targets start in the target text of an assignment: x, a and
 * b in `x = (a, [b, *c.d]) = ...`, not d[k] or e.f (reads of d, k and e).
 */
function plainTargetStarts(targets: string): Set<number> {
  const out = new Set<number>();
  const previous = (at: number): string => {
    let i = at - 1;
    while (i >= 0 && /\s/.test(targets[i])) i--;
    return i < 0 ? '' : targets[i];
  };
  const next = (at: number): string => {
    let i = at;
    while (i < targets.length && /\s/.test(targets[i])) i++;
    return i < targets.length ? targets[i] : '';
  };
  for (const m of targets.matchAll(/[\p{L}_][\p{L}\p{N}_]*/gu)) {
    const start = m.index;
    const end = start + m[0].length;
    if (/[\p{L}\p{N}_.]/u.test(targets[start - 1] ?? '')) continue; // inside a longer word, or an attribute
    const before = previous(start);
    // `(`/`[` open a tuple or list of targets, unless they call or subscript what precedes them.
    const opener = before === '(' || before === '[';
    const grouping = !opener || !/[\p{L}\p{N}_)\]]/u.test(previous(targets.lastIndexOf(before, start - 1)));
    if ((before === '' || before === ',' || before === '=' || before === '*' || opener) && grouping && /^[,)\]=:]?$/.test(next(end))) out.add(start);
  }
  return out;
}

/**
 * The same string, not sharing memory with the text it was cut from (V8 keeps a long cut-out as a
 * view on the whole text, which would keep every old version of an edited file alive).
 */
function detached(name: string): string {
  return name.length < 13 ? name : (' ' + name).slice(1);
}

/** The grouping of the last version: kept while no statement reads differently (`read` holds the same objects). */
export interface SliceMemo {
  read: readonly StatementNames[];
  /** Per statement, the index of its group, or -1 when it is in none. */
  groupOf: readonly number[];
}

/**
 * Groups of top-level statements that may have findings, and the top-level imports; null when a
 * top-level statement ends the module's run (what follows it never runs), so it cannot be split.
 * `namesOf` lets a caller reuse what it read from statements it has seen before, and `memo` the
 * grouping itself.
 */
export function sliceModule(
  root: SyntaxNode,
  text: string,
  namesOf: (statement: TopStatement, hasError: boolean, index: number) => StatementNames = statementNames,
  memo?: SliceMemo,
): ModuleSlice | null {
  const imports: TopStatement[] = [];
  const statements: TopStatement[] = [];
  for (const node of root.namedChildren) {
    if (!node || node.type === 'comment') continue;
    const start = node.startIndex;
    const end = node.endIndex;
    const statement = { node, start, end, text: text.slice(start, end) };
    if (IMPORTS.has(node.type)) imports.push(statement);
    else statements.push(statement);
  }
  // Asked once: a tree without errors has none in any statement.
  const anyError = root.hasError;
  const read = statements.map((s, i) => namesOf(s, anyError && s.node.hasError, i));
  if (read.some((r, i) => r.mayStop && new Interpreter().stops(statements[i].node))) return null;
  const withImports = [...imports, ...statements.filter((_, i) => read[i].mentionsImport)].sort((a, b) => a.start - b.start);

  const unchanged = memo && memo.read.length === read.length && memo.read.every((r, i) => r === read[i]);
  const groupOf = unchanged ? memo.groupOf : partition(read);
  if (memo && !unchanged) Object.assign(memo, { read, groupOf });
  const groups: TopStatement[][] = [];
  let skipped = 0;
  statements.forEach((statement, i) => {
    const group = groupOf[i];
    if (group < 0) skipped++;
    else (groups[group] ??= []).push(statement);
  });
  return { withImports, imports, groups, skipped, statements, groupOf };
}

/** Per statement, the index of its group (numbered in order of first statements), or -1. */
function partition(read: readonly StatementNames[]): number[] {
  // A connecting name is bound at module level and read somewhere: a name only ever assigned to
  // (`_` in `(x, y), _ = data`) carries nothing from one statement to another.
  const bound = new Set<string>();
  for (const r of read) for (const name of r.binds) bound.add(name);
  const globals = new Set<string>();
  for (const r of read) for (const name of r.reads) if (bound.has(name)) globals.add(name);

  // Union-find over statements: two statements that mention the same global are in one group.
  const parent = read.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  const firstMention = new Map<string, number>();
  read.forEach((r, i) => {
    for (const name of r.names) {
      if (!globals.has(name)) continue;
      const first = firstMention.get(name);
      if (first === undefined) firstMention.set(name, i);
      else parent[find(i)] = find(first);
    }
  });

  read.forEach((r, i) => {
    if (r.joinsAll) read.forEach((_, j) => (parent[find(j)] = find(i)));
  });

  const triggered = new Set<number>();
  read.forEach((r, i) => {
    if (r.trigger) triggered.add(find(i));
  });
  const numbers = new Map<number, number>();
  return read.map((_, i) => {
    const root = find(i);
    if (!triggered.has(root)) return -1;
    let n = numbers.get(root);
    if (n === undefined) numbers.set(root, (n = numbers.size));
    return n;
  });
}
