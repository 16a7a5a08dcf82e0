// Notebooks are analysed as one program: the code cells joined in order into a virtual document,
// so a model built in one cell and compiled in another is resolved. Offsets found in the virtual
// document are mapped back to (cell, offset in cell).

export interface VirtualNotebook {
  /** The code cells joined with "\n", IPython magics and shell escapes blanked out. */
  text: string;
  /** Offset of each cell's first character in `text`, in the order the cells were given. */
  cellStarts: number[];
  cellLengths: number[];
}

/**
 * Cell magics whose body is Python run in the notebook's namespace (timed, captured, profiled):
 * only their first line is not Python. `%%timeit` is not among them: it runs its body inside a
 * function, so nothing it assigns is left behind.
 */
const PYTHON_CELL_MAGICS = new Set(['time', 'capture', 'prun', 'debug', 'memit']);

/** Where a line is, in the Python around it: inside brackets, a string, or after a backslash. */
interface LineState {
  depth: number;
  /** The open string's quote (three characters for a triple-quoted one), or null. */
  quote: string | null;
  continued: boolean;
}

/**
 * IPython syntax is not Python: blank it out, keeping offsets and line breaks of any kind. IPython
 * reads it only at the start of a logical line (not inside brackets, a string or after a
 * backslash), so neither do we. The body of a cell magic that is not Python (`%%bash`, `%%latex`,
 * `%%writefile`, `%%timeit`...) goes whole, also after blank lines (IPython drops those first); so
 * do `%magic`, `!shell` and help lines (`?x`, `x?`). `%time statement` runs the statement in the
 * notebook: only `%time` goes. `y = !ls` and `y = %magic ...` keep `y = ___`, a name nobody binds
 * (so a value nobody knows); `y = %time f()` keeps `f()`. `%run script.py` becomes `exec(_____)`:
 * the script's names land in the notebook, so what they held before is unknown after it.
 */
export function maskIPythonSyntax(source: string): string {
  const cellMagic = /^\s*%%([\w.]*)/.exec(source);
  if (cellMagic && !PYTHON_CELL_MAGICS.has(cellMagic[1])) return blank(source);
  // Most cells have no line IPython could read as its own: they need no scan.
  if (!cellMagic && !MAY_HOLD_IPYTHON.test(source)) return source;
  const pieces = source.split(/(\r\n|\r|\n)/);
  const state: LineState = { depth: 0, quote: null, continued: false };
  let out = '';
  for (let i = 0; i < pieces.length; i += 2) {
    const line = pieces[i];
    const atStart = state.depth === 0 && state.quote === null && !state.continued;
    let python = line;
    if (atStart) python = i === 0 && cellMagic ? blank(line) : maskLogicalLine(line);
    out += python + (pieces[i + 1] ?? '');
    scanLine(python, state);
  }
  return out;
}

/**
 * `%env KERAS_BACKEND=jax` and `%env TF_USE_LEGACY_KERAS=1` (or `%env NAME value`) choose the Keras
 * a notebook runs: they become `_env_NAME=value`, a Python line of the same length that flavour.ts
 * reads as that setting. Other `%env` lines are blanked as any magic.
 */
const ENV_MAGIC = /^([ \t]*)%env([ \t]+)(KERAS_BACKEND|TF_USE_LEGACY_KERAS)([ \t]*=[ \t]*|[ \t]+)(\w+)$/;

/** A line that maskLogicalLine may change, wherever it is (the scan then tells whether it starts a logical line). */
const MAY_HOLD_IPYTHON = /^[ \t]*[%!?]|^[ \t]*[\w.]+\?\??[ \t]*$|^[ \t]*[\w.[\], \t]+=[ \t]*[!%]/m;

/** Spaces for every character but line breaks. */
function blank(text: string): string {
  return text.replace(/[^\r\n]/g, ' ');
}

/** One line that starts a logical line, with its IPython syntax blanked (the line itself when it has none). */
function maskLogicalLine(line: string): string {
  const env = ENV_MAGIC.exec(line);
  if (env) {
    const [, indent, space, name, separator, value] = env;
    return `${indent}${'_'.repeat(space.length)}env_${name}${' '.repeat(separator.length - 1)}=${value}`;
  }
  // `%run script.py` leaves the script's names in the notebook, `%store -r` restores saved ones: what they bind is not known.
  const run = /^([ \t]*)%(?:run|store[ \t]+-r)\b.*$/.exec(line);
  if (run && line.length - run[1].length >= 7) return `${run[1]}exec(${'_'.repeat(line.length - run[1].length - 6)})`;
  const timed = /^([ \t]*(?:[\w.[\], \t]+=[ \t]*)?)(%time[ \t]+)(\S.*)$/.exec(line);
  if (timed) return timed[1] + blank(timed[2]) + timed[3];
  const escape = /^([ \t]*)([%!?].*|[\w.]+\?\??[ \t]*)$/.exec(line);
  if (escape) return escape[1] + blank(escape[2]);
  const assigned = /^([ \t]*[\w.[\], \t]+=[ \t]*)([!%].*)$/.exec(line);
  if (assigned) return assigned[1] + '_'.repeat(assigned[2].length);
  return line;
}

/** Moves `state` past one line of Python: brackets, strings (triple-quoted ones span lines), comments, a final backslash. */
function scanLine(line: string, state: LineState): void {
  let commented = false;
  let i = 0;
  while (i < line.length) {
    const ch = line[i];
    if (state.quote !== null) {
      if (ch === '\\') i += 2;
      else if (line.startsWith(state.quote, i)) {
        i += state.quote.length;
        state.quote = null;
      } else i++;
      continue;
    }
    if (ch === '#') {
      commented = true;
      break;
    }
    if (ch === '"' || ch === "'") {
      state.quote = line.startsWith(ch.repeat(3), i) ? ch.repeat(3) : ch;
      i += state.quote.length;
      continue;
    }
    if (ch === '(' || ch === '[' || ch === '{') state.depth++;
    else if ((ch === ')' || ch === ']' || ch === '}') && state.depth > 0) state.depth--;
    i++;
  }
  // A backslash at the end continues the line (and a one-quote string with it); an unclosed
  // one-quote string otherwise ends with its line (a syntax error Python reports there).
  state.continued = !commented && line.endsWith('\\');
  if (state.quote !== null && state.quote.length === 1 && !state.continued) state.quote = null;
}

export function joinCells(cells: readonly string[]): VirtualNotebook {
  const cellStarts: number[] = [];
  const cellLengths: number[] = [];
  const parts: string[] = [];
  let offset = 0;
  for (const cell of cells) {
    cellStarts.push(offset);
    cellLengths.push(cell.length);
    parts.push(maskIPythonSyntax(cell));
    offset += cell.length + 1;
  }
  return { text: parts.join('\n'), cellStarts, cellLengths };
}

/** Maps a virtual-document offset to the cell holding it (an offset on a joining "\n" goes to the end of the cell before). */
export function locateInCell(notebook: VirtualNotebook, offset: number): { cell: number; offset: number } {
  let low = 0;
  let high = notebook.cellStarts.length - 1;
  if (high < 0) return { cell: 0, offset: 0 };
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (notebook.cellStarts[mid] <= offset) low = mid;
    else high = mid - 1;
  }
  const local = Math.min(offset - notebook.cellStarts[low], notebook.cellLengths[low]);
  return { cell: low, offset: Math.max(0, local) };
}

export interface IpynbCell {
  kind: 'code' | 'markdown' | 'raw';
  source: string;
}

export interface Ipynb {
  cells: IpynbCell[];
  /** The notebook's kernel language; null when the metadata does not say. */
  language: string | null;
}

/** Reads an .ipynb (nbformat 4) file's text. Throws an Error with a user-facing message if broken. */
export function parseIpynb(json: string): Ipynb {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    throw new Error(`not a valid notebook: invalid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof data !== 'object' || data === null || !Array.isArray((data as { cells?: unknown }).cells)) {
    throw new Error('not a valid notebook: no "cells" list (only nbformat 4 notebooks are supported)');
  }
  const raw = data as { cells: unknown[]; metadata?: { language_info?: { name?: unknown }; kernelspec?: { language?: unknown } } };
  const cells: IpynbCell[] = raw.cells.map((cell) => {
    const c = (typeof cell === 'object' && cell !== null ? cell : {}) as { cell_type?: unknown; source?: unknown };
    const kind = c.cell_type === 'code' || c.cell_type === 'markdown' ? c.cell_type : 'raw';
    const source = Array.isArray(c.source) ? c.source.filter((s) => typeof s === 'string').join('') : typeof c.source === 'string' ? c.source : '';
    return { kind, source };
  });
  const lang = raw.metadata?.language_info?.name ?? raw.metadata?.kernelspec?.language;
  return { cells, language: typeof lang === 'string' ? lang.toLowerCase() : null };
}
