// Text edits for quick fixes, written in the file's own style: its quote character, and the module
// prefix or import spelling it already uses for Keras.
import type { SyntaxNode } from '../syntax';
import { canonicalPath } from '../model/kerasNames';
import type { ActivationInfo, LayerInfo } from '../model/values';
import type { TextEdit } from '../types';

export interface FileStyle {
  text: string;
  quote: string;
  /** Top-level import bindings: local name → imported dotted path. */
  imports: Map<string, string>;
  /**
   * Where a new import line goes: the end of the last top-level import's line (importAfterLine:
   * the new line starts there with a line break, so it stays in that line's notebook cell), or the
   * start of a line (above an import line that goes on with other code; in a file without imports,
   * below its shebang, encoding and header comments and its docstring).
   */
  importInsertAt: number;
  importAfterLine: boolean;
  /** The line breaks that join a notebook's cells (they belong to no cell): no edit may take one. */
  cellJoins: ReadonlySet<number>;
  /** 'tensorflow.keras' | 'keras' | 'tf_keras': the spelling the file imports Keras with. */
  kerasRoot: string;
  /** The file's line ending, for inserted lines. */
  eol: LineEnding;
}

export type LineEnding = '\n' | '\r\n' | '\r';

/** The line ending of a file's text as written (before withLineFeeds): what lines it gains should end with. */
export function lineEndingOf(text: string): LineEnding {
  return text.includes('\r\n') ? '\r\n' : text.includes('\r') ? '\r' : '\n';
}

/**
 * `importStatements`: the module's top-level import statements, in order; `others`: its other
 * top-level statements, in order; `eol`: lineEndingOf the text as written; `cellJoins`: for a
 * notebook, where its cells are joined.
 */
export function fileStyle(
  text: string,
  importStatements: readonly SyntaxNode[],
  others: readonly SyntaxNode[],
  imports: Map<string, string>,
  eol: LineEnding,
  cellJoins: ReadonlySet<number> = new Set(),
): FileStyle {
  // Docstrings ("""...""" by convention) say nothing of the code's quotes: each of their delimiters counts one.
  const singles = quotedCount(text, "'") - occurrences(text, "'''");
  const doubles = quotedCount(text, '"') - occurrences(text, '"""');
  const { at: importInsertAt, afterLine: importAfterLine } = importPlace(text, importStatements, others);
  // A name imported only below the new import's place is not bound yet where a fix would use it.
  const usable = new Map(imports);
  for (const late of importStatements) if (late.startIndex > importInsertAt) for (const name of boundNames(late)) usable.delete(name);
  // Nor is one imported only for type checkers (`if TYPE_CHECKING:` never runs).
  for (const node of others) {
    if (node.type !== 'if_statement' || !/^(?:typing\.)?TYPE_CHECKING$/.test(node.childForFieldName('condition')?.text ?? '')) continue;
    for (const typingOnly of node.descendantsOfType(['import_statement', 'import_from_statement'])) for (const name of boundNames(typingOnly)) usable.delete(name);
  }
  const paths = [...imports.values()];
  const from = (root: string) => paths.some((p) => p === root || p.startsWith(`${root}.`));
  // Keras imported only inside functions: their spelling, read from the text (tensorflow_datasets is no tensorflow).
  const kerasRoot = from('tensorflow') ? 'tensorflow.keras' : from('tf_keras') ? 'tf_keras' : from('keras') ? 'keras'
    : /^[ \t]*(?:from|import)[ \t]+tensorflow\b/m.test(text) ? 'tensorflow.keras' : /^[ \t]*(?:from|import)[ \t]+tf_keras\b/m.test(text) ? 'tf_keras' : 'keras';
  return { text, quote: doubles > singles ? '"' : "'", imports: usable, importInsertAt, importAfterLine, cellJoins, kerasRoot, eol };
}

/** The names an import statement binds: `import a.b` binds a, `... as c` binds c, `from m import x` binds x. */
function boundNames(statement: SyntaxNode): string[] {
  if (statement.type !== 'import_statement' && statement.type !== 'import_from_statement') return [];
  const names = statement.childrenForFieldName('name');
  return names.map((name) => (name.type === 'aliased_import' ? name.childForFieldName('alias')?.text ?? '' : name.text.split('.')[0])).filter(Boolean);
}

function occurrences(text: string, part: string): number {
  let count = 0;
  for (let at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length)) count++;
  return count;
}

const KERAS_IMPORT = /\b(?:keras|tensorflow|tf_keras)\b/;

/** Where a new import line goes (see FileStyle.importInsertAt), from the module's top-level statements. */
function importPlace(text: string, importStatements: readonly SyntaxNode[], others: readonly SyntaxNode[]): { at: number; afterLine: boolean } {
  // The docstring (a string as the first statement), and where code starts.
  let docstringEnd = -1;
  let firstCode = Infinity;
  for (const node of others) {
    if (node.type === 'comment') continue;
    const first = importStatements.length === 0 || node.startIndex < importStatements[0].startIndex;
    if (first && docstringEnd < 0 && isDocstring(node)) {
      docstringEnd = node.endIndex;
      continue;
    }
    firstCode = node.startIndex;
    break;
  }
  // Imports come in runs (no other statement between them). The new one joins the first run that
  // imports Keras: code before that run may have to come first (`os.environ["KERAS_BACKEND"] = ...`
  // after `import os`), code after it may use the name. Without one, the imports before any code.
  const runs: SyntaxNode[][] = [];
  let other = 0;
  for (const node of importStatements) {
    for (; other < others.length && others[other].startIndex < node.startIndex; other++) {
      if (others[other].type !== 'comment' && runs.length && runs[runs.length - 1].length) runs.push([]);
    }
    if (runs.length === 0) runs.push([]);
    runs[runs.length - 1].push(node);
  }
  const leading = runs.find((run) => run.some((node) => KERAS_IMPORT.test(node.text))) ?? (runs[0]?.[0].startIndex < firstCode ? runs[0] : []);
  // Without leading imports: right after the docstring's line, or at the top below the shebang,
  // encoding and header comments (blank lines, and so blanked notebook magics, are passed over too).
  let afterLine = docstringEnd >= 0;
  let at = afterLine ? lineBreakAt(text, docstringEnd) : skipBlankAndCommentLines(text, 0);
  for (const child of leading) {
    const lineBreak = lineBreakAt(text, child.endIndex);
    // `import a; x = [` goes on past the import: a new line there could land inside that code, so
    // the new import goes above the line instead.
    afterLine = /^\s*(#.*)?\s*$/.test(text.slice(child.endIndex, lineBreak));
    at = afterLine ? lineBreak : text.lastIndexOf('\n', child.startIndex - 1) + 1;
  }
  return { at, afterLine };
}

/** A module docstring: a statement that is a string and nothing else (its first statement). */
function isDocstring(node: SyntaxNode): boolean {
  if (node.type !== 'expression_statement') return false;
  const parts = node.namedChildren;
  return parts.length === 1 && (parts[0].type === 'string' || parts[0].type === 'concatenated_string') && !/^[a-zA-Z]*[fFbB]/.test(parts[0].text);
}

/** Where the line break after `offset` starts ("\r\n" counts from its "\r"), or the end of the text. */
function lineBreakAt(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  if (nl < 0) return text.length;
  return nl > offset && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
}

/** The start of the first line at or after `from` (a line start) that is neither blank nor only a comment. */
function skipBlankAndCommentLines(text: string, from: number): number {
  const blank = /(?:[ \t\f\r]*(?:#[^\n]*)?\n)*/y;
  blank.lastIndex = from;
  blank.exec(text);
  return blank.lastIndex;
}

/**
 * How many one-line strings `text` quotes with `quote`: the matches of /(^|[^'"])Q[^Q\n]*Q/g (Q the
 * quote), counted without the regex, which made the file's quote style cost a keystroke in a
 * 5,000-line file ~1 ms (it runs on every analysis).
 */
export function quotedCount(text: string, quote: "'" | '"'): number {
  let count = 0;
  /** Where the next match may start (the regex's lastIndex). */
  let from = 0;
  /** The first line break after the current quote (found again only once passed: one pass over a long line). */
  let lineBreak = -1;
  for (let at = text.indexOf(quote); at >= 0; ) {
    // A match starts one character before its opening quote (any but a quote), or at the very start.
    const opens = at === 0 ? from === 0 : at - 1 >= from && text[at - 1] !== "'" && text[at - 1] !== '"';
    if (opens) {
      const close = text.indexOf(quote, at + 1);
      if (close < 0) break;
      if (lineBreak !== Infinity && lineBreak <= at) lineBreak = text.indexOf('\n', at + 1);
      if (lineBreak < 0) lineBreak = Infinity;
      if (close < lineBreak) {
        count++;
        from = close + 1;
        at = text.indexOf(quote, from);
        continue;
      }
    }
    at = text.indexOf(quote, at + 1);
  }
  return count;
}

export function replaceNode(node: SyntaxNode, newText: string): TextEdit {
  return { start: node.startIndex, end: node.endIndex, newText };
}

/** Replaces a string literal's content, keeping its quotes and prefix. */
export function replaceStringContent(node: SyntaxNode, content: string): TextEdit {
  const inner = node.namedChildren.find((c) => c?.type === 'string_content');
  if (inner) return { start: inner.startIndex, end: inner.endIndex, newText: content };
  const start = node.namedChildren.find((c) => c?.type === 'string_start');
  const at = start ? start.endIndex : node.startIndex;
  return { start: at, end: at, newText: content };
}

/** Replaces the last name of `a.b.name` (or a bare `name`) with `newName`. */
export function renameReference(node: SyntaxNode, newName: string): TextEdit {
  const target = node.type === 'attribute' ? node.childForFieldName('attribute') ?? node : node;
  return replaceNode(target, newName);
}

/** The prefix the file can write a Keras submodule member with ('keras.losses.', 'tf.keras.losses.', 'losses.'), or null. */
export function modulePrefix(style: FileStyle, submodule: string): string | null {
  for (const [local, path] of style.imports) if (canonicalPath(path) === `keras.${submodule}`) return `${local}.`;
  for (const [local, path] of style.imports) if (canonicalPath(path) === 'keras') return `${local}.${submodule}.`;
  for (const [local, path] of style.imports) if (path === 'tensorflow') return `${local}.keras.${submodule}.`;
  return null;
}

/** A name usable for `keras.<submodule>.<member>`: an existing binding, a prefix, or a new import (returned as an edit). */
export function memberReference(style: FileStyle, submodule: string, member: string): { text: string; importEdit: TextEdit | null } {
  for (const [local, path] of style.imports) if (canonicalPath(path) === `keras.${submodule}.${member}`) return { text: local, importEdit: null };
  // Keras 1/2 spell keras.utils members through np_utils.
  if (submodule === 'utils') for (const [local, path] of style.imports) if (canonicalPath(path) === 'keras.utils.np_utils') return { text: `${local}.${member}`, importEdit: null };
  const prefix = modulePrefix(style, submodule);
  if (prefix) return { text: `${prefix}${member}`, importEdit: null };
  return moduleMemberReference(style, `${style.kerasRoot}.${submodule}`, member);
}

/**
 * A reference to `member` of `module` (a name the file already binds to it, or the name with a new
 * `from module import member` line), for a replacement that must come from where the replaced name
 * came from (Keras 1's keras.objectives has no keras.losses to import from).
 */
export function moduleMemberReference(style: FileStyle, module: string, member: string): { text: string; importEdit: TextEdit | null } {
  for (const [local, path] of style.imports) if (path === `${module}.${member}`) return { text: local, importEdit: null };
  const line = `from ${module} import ${member}`;
  return { text: member, importEdit: { start: style.importInsertAt, end: style.importInsertAt, newText: style.importAfterLine ? `${style.eol}${line}` : `${line}${style.eol}` } };
}

/** Inserts `keyword=value` into a call's arguments. */
export function insertKeyword(call: SyntaxNode, keyword: string): TextEdit | null {
  const args = call.childForFieldName('arguments');
  if (!args || args.type !== 'argument_list') return null;
  const close = args.lastChild;
  if (!close || close.type !== ')') return null;
  const named = args.namedChildren.filter((c) => c && c.type !== 'comment');
  if (named.length === 0) return { start: close.startIndex, end: close.startIndex, newText: keyword };
  const last = named[named.length - 1]!;
  const between = call.source.slice(last.endIndex, close.startIndex);
  if (between.includes(',')) {
    const comma = last.endIndex + between.indexOf(',');
    return { start: comma + 1, end: comma + 1, newText: ` ${keyword}` };
  }
  return { start: last.endIndex, end: last.endIndex, newText: `, ${keyword}` };
}

/** Deletes one argument (keyword or positional) from its argument list, with its separating comma. */
export function deleteArgument(argument: SyntaxNode, text: string): TextEdit {
  const list = argument.parent;
  const siblings = list?.namedChildren.filter((c) => c && c.type !== 'comment') ?? [];
  const index = siblings.findIndex((s) => s?.id === argument.id);
  // An argument on a line of its own goes with that line (its comma and comment), and nothing else:
  // deleting from the previous argument's end would take that one's comment.
  const lineStart = text.lastIndexOf('\n', argument.startIndex - 1) + 1;
  const ownLine = /^[ \t]*,?[ \t]*(#[^\n]*)?\r?\n/.exec(text.slice(argument.endIndex));
  if (index >= 0 && siblings.length > 1 && ownLine && /^[ \t]*$/.test(text.slice(lineStart, argument.startIndex))) {
    return { start: lineStart, end: argument.endIndex + ownLine[0].length, newText: '' };
  }
  if (index > 0) {
    const prev = siblings[index - 1]!;
    // A comment after the previous element stays: the last element goes from its own line start.
    if (text.slice(prev.endIndex, argument.startIndex).includes('#') && /^[ \t]*$/.test(text.slice(lineStart, argument.startIndex))) {
      return { start: lineStart, end: argument.endIndex, newText: '' };
    }
    return { start: prev.endIndex, end: argument.endIndex, newText: '' };
  }
  if (index === 0 && siblings.length > 1) {
    const next = siblings[1]!;
    return { start: argument.startIndex, end: next.startIndex, newText: '' };
  }
  // The only element: delete it and a trailing comma.
  let end = argument.endIndex;
  const rest = text.slice(end).match(/^\s*,/);
  if (rest) end += rest[0].length;
  return { start: argument.startIndex, end, newText: '' };
}

/** Changes an activation to `name` in the way it was written. */
export function setActivation(activation: ActivationInfo, layer: LayerInfo | null, dense: LayerInfo | null, name: string, style: FileStyle): TextEdit[] | null {
  const q = style.quote;
  switch (activation.form) {
    case 'string':
      if (!activation.node) return null;
      // A name holding the string (`ACT = 'relu'`) is replaced here, by the string: its other users keep theirs.
      return [activation.node.type === 'string' ? replaceStringContent(activation.node, name) : replaceNode(activation.node, `${q}${name}${q}`)];
    case 'none':
      return activation.node ? [replaceNode(activation.node, `${q}${name}${q}`)] : null;
    case 'callable':
    case 'op': {
      if (!activation.node) return null;
      const fn = activation.form === 'op' ? activation.node.childForFieldName('function') : activation.node;
      if (fn?.type !== 'attribute') return null;
      // Other arguments of the op (`axis=`), or its input by keyword (`features=x`), may not exist for the new function.
      const opArgs = activation.node.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
      if (activation.form === 'op' && (opArgs.length !== 1 || opArgs[0].type === 'keyword_argument')) return null;
      // tf.tanh → tf.nn.softmax: TensorFlow has no tf.softmax.
      const object = fn.childForFieldName('object');
      if (name === 'softmax' && object?.type === 'identifier' && style.imports.get(object.text) === 'tensorflow') return [replaceNode(fn, `${object.text}.nn.softmax`)];
      return [renameReference(fn, name)];
    }
    case 'layer': {
      // Softmax() → Activation('sigmoid'), keeping the module prefix of the call.
      const call = activation.node ?? layer?.call;
      const fn = call?.childForFieldName('function');
      if (!call || !fn) return null;
      const prefix = fn.type === 'attribute' ? `${fn.childForFieldName('object')?.text}.` : '';
      // The layer's name stays (a per-output loss dict may use it).
      const named = call.childForFieldName('arguments')?.namedChildren.find((c) => c.type === 'keyword_argument' && c.childForFieldName('name')?.text === 'name');
      const args = `${q}${name}${q}${named ? `, ${named.text}` : ''}`;
      if (!prefix) {
        const ref = memberReference(style, 'layers', 'Activation');
        return [replaceNode(call, `${ref.text}(${args})`), ...(ref.importEdit ? [ref.importEdit] : [])];
      }
      return [replaceNode(call, `${prefix}Activation(${args})`)];
    }
    case 'absent': {
      if (!dense) return null;
      const edit = insertKeyword(dense.call, `activation=${q}${name}${q}`);
      return edit ? [edit] : null;
    }
    default:
      return null;
  }
}
