// `--fix` on a notebook replaces the fixed cells' "source" values in the .ipynb text and nothing
// else: a JSON.parse / JSON.stringify round trip would round big numbers, turn 1.0 into 1 and 1e400
// into null, drop duplicate keys, re-escape strings and re-indent the file. This finds where each
// cell's "source" value is, without building the document.

export interface ValueSpan {
  start: number;
  end: number;
}

/**
 * Where each cell's "source" value is in a notebook's JSON text, in cell order (null for a cell
 * without one); for a repeated key the last one, as JSON.parse reads it. Null when the text is not
 * a JSON object with a "cells" array.
 */
export function cellSourceSpans(json: string): (ValueSpan | null)[] | null {
  try {
    const reader = new JsonReader(json);
    const root = reader.skipSpace(0);
    const cells = json[root] === '{' ? reader.member(root, 'cells') : null;
    if (!cells || json[cells.start] !== '[') return null;
    const spans: (ValueSpan | null)[] = [];
    reader.members(cells.start, (_index, cell) => spans.push(json[cell.start] === '{' ? reader.member(cell.start, 'source') : null));
    return spans;
  } catch {
    // Not JSON after all (the checked cells came from JSON.parse, so this does not happen): no fix.
    return null;
  }
}

/**
 * The JSON text of a cell's new source, in the form and layout of its old value `old`: a string
 * stays a string; a list of lines (Jupyter's form) keeps the whitespace around its items, a line
 * the fix did not change keeps its item as written (its escapes), and a list that held the whole
 * source in one item still does. A file written with only ASCII (`\u00e8`) gets new text so too.
 */
export function sourceValue(json: string, old: ValueSpan, source: string): string | null {
  const written = json.slice(old.start, old.end);
  const encode = /[^\x00-\x7f]/.test(json) ? JSON.stringify : (text: string) => asciiOnly(JSON.stringify(text));
  if (written.startsWith('"')) return encode(source);
  if (!written.startsWith('[')) return null;
  const lines = source.split(/(?<=\n)/).filter((line) => line.length > 0);
  if (lines.length === 0) return '[]';
  // The whitespace after "[" and before "]", and between items (", " in a minified file).
  const layout = /^\[(\s*)[^]*?(\s*)\]$/.exec(written);
  if (!layout) return null;
  const [, opening, closing] = layout;
  const items = written.match(/"(?:[^"\\]|\\.)*"/g) ?? [];
  if (items.length === 1 && /\n[^]/.test(JSON.parse(items[0]) as string)) return `[${opening}${encode(source)}${closing}]`;
  const asWritten = new Map<string, string[]>();
  for (const item of items) {
    const line = JSON.parse(item) as string;
    asWritten.set(line, [...(asWritten.get(line) ?? []), item]);
  }
  const separator = /^\[\s*"(?:[^"\\]|\\.)*"(\s*,\s*)"/.exec(written)?.[1] ?? `,${opening}`;
  return `[${opening}${lines.map((line) => asWritten.get(line)?.shift() ?? encode(line)).join(separator)}${closing}]`;
}

/** JSON text with every character outside ASCII written as a \u escape, as Python's json module does by default. */
function asciiOnly(text: string): string {
  return text.replace(/[^\x00-\x7f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Steps over JSON values by their syntax only (strings are not decoded, except object keys). */
class JsonReader {
  constructor(private readonly text: string) {}

  skipSpace(at: number): number {
    const { text } = this;
    let i = at;
    for (let c = text.charCodeAt(i); c === 32 || c === 9 || c === 10 || c === 13; c = text.charCodeAt(++i));
    return i;
  }

  /** The span of the value of the object at `at` named `name` (the last one, as JSON.parse reads it), or null. */
  member(at: number, name: string): ValueSpan | null {
    let found: ValueSpan | null = null;
    this.members(at, (key, value) => {
      if (key === name) found = value;
    });
    return found;
  }

  /** Calls `visit` with each member of the object or array at `at` (key, or index) and its value's span; returns the end. */
  members(at: number, visit: (key: string | number, value: ValueSpan) => void): number {
    const { text } = this;
    const close = text[at] === '{' ? '}' : ']';
    let i = this.skipSpace(at + 1);
    if (text[i] === close) return i + 1;
    for (let index = 0; ; index++) {
      let key: string | number = index;
      if (close === '}') {
        const keyEnd = this.stringEnd(i);
        key = JSON.parse(text.slice(i, keyEnd)) as string;
        i = this.skipSpace(keyEnd);
        if (text[i] !== ':') throw new Error('expected ":"');
        i = this.skipSpace(i + 1);
      }
      const end = this.valueEnd(i);
      visit(key, { start: i, end });
      i = this.skipSpace(end);
      if (text[i] === ',') i = this.skipSpace(i + 1);
      else if (text[i] === close) return i + 1;
      else throw new Error(`expected "," or "${close}"`);
    }
  }

  private valueEnd(at: number): number {
    const c = this.text[at];
    if (c === '"') return this.stringEnd(at);
    if (c === '{' || c === '[') return this.containerEnd(at);
    const literal = /-?[0-9][0-9.eE+-]*|true|false|null/y;
    literal.lastIndex = at;
    if (!literal.exec(this.text)) throw new Error('expected a value');
    return literal.lastIndex;
  }

  /** The end of the object or array at `at`, by counting brackets outside strings: outputs can nest deeper than a recursion may go. */
  private containerEnd(at: number): number {
    const { text } = this;
    let depth = 0;
    for (let i = at; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 34 /* " */) i = this.stringEnd(i) - 1;
      else if (c === 123 /* { */ || c === 91 /* [ */) depth++;
      else if ((c === 125 /* } */ || c === 93) /* ] */ && --depth === 0) return i + 1;
    }
    throw new Error('unterminated object or array');
  }

  /** The end of the string at `at`: the next quote not escaped by an odd number of backslashes. */
  private stringEnd(at: number): number {
    const { text } = this;
    if (text[at] !== '"') throw new Error('expected a string');
    for (let from = at + 1; ; ) {
      const quote = text.indexOf('"', from);
      if (quote < 0) throw new Error('unterminated string');
      let backslashes = 0;
      while (text.charCodeAt(quote - 1 - backslashes) === 92) backslashes++;
      if (backslashes % 2 === 0) return quote + 1;
      from = quote + 1;
    }
  }
}
