// One checked file as the CLI sees it: read from disk (a Python script or a notebook), analysed with
// the project's settings, and its findings placed at rows/columns of the file or of a notebook cell.
import { readFileSync, statSync } from 'node:fs';
import { analyzeNotebook, analyzeText } from '../core/analyze';
import { LineIndex } from '../core/lineIndex';
import { locateInCell, parseIpynb, type VirtualNotebook } from '../core/notebook';
import type { OtherPart } from '../core/splitParse';
import { isSuppressed, noqaLineAround } from '../core/suppression';
import type { AnalysisOptions, Finding, Span } from '../core/types';

/** Larger files are reported, not analysed: nobody writes a 10 MB Keras script by hand. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** A notebook's size is mostly its saved outputs (plots are base64 images): its code is what counts. */
export const MAX_NOTEBOOK_BYTES = 100 * 1024 * 1024;

export interface PythonSource {
  kind: 'python';
  text: string;
  /** The file started with a UTF-8 byte order mark (stripped from `text`, written back by --fix). */
  bom: boolean;
}

export interface NotebookSource {
  kind: 'notebook';
  /** The .ipynb file's JSON text, kept for --fix, which rewrites cell sources in place. */
  json: string;
  /** As for scripts: a byte order mark stripped from `json`. */
  bom: boolean;
  /** Code cells' sources and their 1-based numbers among all the notebook's cells. */
  cells: string[];
  cellNumbers: number[];
}

export type Source = PythonSource | NotebookSource;

/** 1-based row and column (Unicode code points, as Python tools count). */
export interface Location {
  row: number;
  column: number;
}

/** A place in a checked file: a row and column of the script, or of a notebook cell (1-based number). */
export interface Place {
  cell: number | null;
  location: Location;
}

/** A finding with every offset the reports need already placed (plain data: it crosses worker threads). */
export interface LocatedFinding {
  finding: Finding;
  /** 1-based cell number among all cells, null for scripts. */
  cell: number | null;
  location: Location;
  endLocation: Location;
  /** The row (of the script, or of the cell) where a `# noqa` comment for it goes. */
  noqaRow: number;
  /** Where the edits of the finding's first fix start and end (the JSON report shows that fix). */
  fixEdits: { start: Place; end: Place }[];
  /** Where its related spans start and end. */
  related: { start: Place; end: Place }[];
}

export class SourceError extends Error {}

/** Reads a file to check. Throws SourceError with a user-facing reason when it cannot be checked. */
export function readSource(path: string): Source {
  let bytes: Buffer;
  try {
    const size = statSync(path).size;
    const limit = path.toLowerCase().endsWith('.ipynb') ? MAX_NOTEBOOK_BYTES : MAX_FILE_BYTES;
    if (size > limit) throw new SourceError(`file too large (${(size / 1048576).toFixed(1)} MB; the limit is ${limit / 1048576} MB)`);
    bytes = readFileSync(path);
  } catch (error) {
    if (error instanceof SourceError) throw error;
    throw new SourceError(`cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (bytes.subarray(0, 8192).includes(0)) throw new SourceError('not a text file (contains NUL bytes)');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new SourceError('not valid UTF-8 text');
  }
  const bom = text.charCodeAt(0) === 0xfeff;
  if (bom) text = text.slice(1);
  if (!path.toLowerCase().endsWith('.ipynb')) return { kind: 'python', text, bom };
  let notebook;
  try {
    notebook = parseIpynb(text);
  } catch (error) {
    throw new SourceError((error as Error).message);
  }
  if (notebook.language !== null && notebook.language !== 'python') throw new SourceError(`not a Python notebook (kernel language: ${notebook.language})`);
  const cells: string[] = [];
  const cellNumbers: number[] = [];
  notebook.cells.forEach((cell, i) => {
    if (cell.kind !== 'code') return;
    cells.push(cell.source);
    cellNumbers.push(i + 1);
  });
  const code = cells.reduce((length, cell) => length + cell.length, 0);
  if (code > MAX_FILE_BYTES) throw new SourceError(`code cells too large (${(code / 1048576).toFixed(1)} M characters; the limit is ${MAX_FILE_BYTES / 1048576} M)`);
  return { kind: 'notebook', json: text, cells, cellNumbers, bom };
}

export interface CheckedSource {
  findings: LocatedFinding[];
  hasSyntaxErrors: boolean;
}

/**
 * Analyses a source and drops `# noqa`-suppressed findings. `split`: a helper thread to parse the
 * second part of a big script (cli/splitHelper.ts), when it takes the script.
 */
export function checkSource(source: Source, options: AnalysisOptions, split?: (text: string) => OtherPart | undefined): CheckedSource {
  if (source.kind === 'python') {
    const result = analyzeText(source.text, options, undefined, undefined, split?.(source.text));
    const index = new LineIndex(source.text);
    const locate = (offset: number): Place => ({ cell: null, location: toLocation(source.text, index, offset) });
    const noqaRow = (f: Finding) => locate(noqaLineAround(source.text, f.span.start).start).location.row;
    const findings = result.findings.filter((f) => !isSuppressed(source.text, f)).map((f) => located(f, locate, noqaRow(f)));
    return { findings, hasSyntaxErrors: result.hasSyntaxErrors };
  }
  const { notebook, result } = analyzeNotebook(source.cells, options, source.cellNumbers);
  const indexes = source.cells.map((cell) => new LineIndex(cell));
  const locate = (offset: number): Place => {
    const { cell, offset: local } = locateInCell(notebook, offset);
    return { cell: source.cellNumbers[cell], location: toLocation(source.cells[cell], indexes[cell], local) };
  };
  const noqaRow = (f: Finding) => {
    const { cell, offset } = locateInCell(notebook, f.span.start);
    return toLocation(source.cells[cell], indexes[cell], noqaLineAround(source.cells[cell], offset).start).row;
  };
  const findings = result.findings.filter((f) => !suppressedInCell(source, notebook, f)).map((f) => located(f, locate, noqaRow(f)));
  return { findings, hasSyntaxErrors: result.hasSyntaxErrors };
}

/** `noqaRow`: the row a `# noqa` for the finding goes on (past a backslash continuation). */
function located(finding: Finding, locate: (offset: number) => Place, noqaRow: number): LocatedFinding {
  const start = locate(finding.span.start);
  const end = locate(finding.span.end);
  const place = (span: Span) => ({ start: locate(span.start), end: locate(span.end) });
  return {
    finding,
    cell: start.cell,
    location: start.location,
    endLocation: end.location,
    noqaRow,
    fixEdits: (finding.fixes[0]?.edits ?? []).map(place),
    related: finding.related.map((r) => place(r.span)),
  };
}

function suppressedInCell(source: NotebookSource, notebook: VirtualNotebook, finding: Finding): boolean {
  const { cell, offset } = locateInCell(notebook, finding.span.start);
  return isSuppressed(source.cells[cell], { ...finding, span: { start: offset, end: offset } });
}

function toLocation(text: string, index: LineIndex, offset: number): Location {
  const { line, character } = index.position(offset);
  const lineStart = offset - character;
  return { row: line + 1, column: codePoints(text.slice(lineStart, lineStart + character)) + 1 };
}

function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff || i + 1 >= s.length) n++;
    else if (s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff) {
      n++;
      i++;
    } else n++;
  }
  return n;
}

/** The span's cell (for notebooks) and offsets inside it; null when it crosses a cell boundary. */
export function spanInCell(notebook: VirtualNotebook, span: Span): { cell: number; start: number; end: number } | null {
  const start = locateInCell(notebook, span.start);
  const end = locateInCell(notebook, span.end);
  if (start.cell !== end.cell && !(span.end === span.start)) return null;
  return { cell: start.cell, start: start.offset, end: end.offset };
}
