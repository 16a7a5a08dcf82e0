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

/** Cell magics whose body is Python run in the notebook (timed, captured, profiled): only their first line is not. */
const PYTHON_CELL_MAGICS = new Set(['time', 'timeit', 'capture', 'prun', 'debug', 'memit']);

/**
 * IPython syntax is not Python: blank it out, keeping offsets and line breaks of any kind. The body
 * of a cell magic that is not Python (`%%bash`, `%%latex`, `%%writefile`...) goes whole; so do
 * `%magic`, `!shell` and help lines (`?x`, `x?`); `y = !ls` and `y = %time f()` keep `y = _`, a
 * value nobody knows.
 */
export function maskIPythonSyntax(source: string): string {
  const blank = (text: string) => text.replace(/[^\r\n]/g, ' ');
  const cellMagic = /^[ \t]*%%([\w.]*)/.exec(source);
  if (cellMagic && !PYTHON_CELL_MAGICS.has(cellMagic[1])) return blank(source);
  return source
    .replace(/^([ \t]*)([%!?][^\r\n]*|[\w.]+\?\??[ \t]*)$/gm, (_line, indent: string, rest: string) => indent + blank(rest))
    .replace(/^([ \t]*[\w.[\], \t]+=[ \t]*)([!%][^\r\n]*)$/gm, (_line, target: string, magic: string) => `${target}_${blank(magic.slice(1))}`);
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
