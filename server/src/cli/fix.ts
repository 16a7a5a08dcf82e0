// `check --fix`: applies each finding's preferred fix when it is marked safe, re-analyses and
// repeats (a fix can enable another, two fixes may want the same import), then writes the file
// atomically. A round whose result parses worse than its input is thrown away, and so is the file's
// whole fix when its fixes keep conflicting: the file is then left exactly as it was.
import { accessSync, chmodSync, chownSync, constants, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { analyzeNotebook, analyzeText } from '../core/analyze';
import { joinCells } from '../core/notebook';
import { isSuppressed } from '../core/suppression';
import type { AnalysisOptions, Finding, TextEdit } from '../core/types';
import { cellSourceSpans, sourceValue } from './notebookJson';
import { spanInCell, type NotebookSource, type PythonSource, type Source } from './source';

const MAX_ROUNDS = 8;

export interface FixOutcome {
  /** The fixed source, or null when nothing was (or could safely be) changed. */
  fixed: Source | null;
  applied: number;
}

export function fixSource(source: Source, options: AnalysisOptions): FixOutcome {
  return source.kind === 'python' ? fixPython(source, options) : fixNotebook(source, options);
}

function fixPython(source: PythonSource, options: AnalysisOptions): FixOutcome {
  const original = source.text;
  let text = original;
  let applied = 0;
  for (let round = 0; ; round++) {
    const before = analyzeText(text, options);
    const edits = chooseFixes(before.findings.filter((f) => !isSuppressed(text, f)));
    if (edits.count === 0) break;
    // Still fixing after MAX_ROUNDS rounds: the fixes keep undoing each other. Leave the file as it was.
    if (round === MAX_ROUNDS) return { fixed: null, applied: 0 };
    const next = applyEdits(text, edits.edits);
    if (!before.hasSyntaxErrors && analyzeText(next, options).hasSyntaxErrors) break;
    text = next;
    applied += edits.count;
  }
  if (text === original) return { fixed: null, applied: 0 };
  return { fixed: { ...source, text }, applied };
}

function fixNotebook(source: NotebookSource, options: AnalysisOptions): FixOutcome {
  let cells = [...source.cells];
  let applied = 0;
  for (let round = 0; ; round++) {
    const { notebook, result } = analyzeNotebook(cells, options, source.cellNumbers);
    // Suppression is per line of a cell, so look at the finding's own cell.
    const open = result.findings.filter((f) => {
      const at = spanInCell(notebook, f.span);
      return at !== null && !isSuppressed(cells[at.cell], { ...f, span: { start: at.start, end: at.end } });
    });
    const chosen = chooseFixes(open);
    if (chosen.count === 0) break;
    if (round === MAX_ROUNDS) return { fixed: null, applied: 0 };
    const perCell = new Map<number, TextEdit[]>();
    let crossesCells = false;
    for (const edit of chosen.edits) {
      const at = spanInCell(notebook, edit);
      if (!at) crossesCells = true;
      else {
        const list = perCell.get(at.cell) ?? [];
        list.push({ start: at.start, end: at.end, newText: edit.newText });
        perCell.set(at.cell, list);
      }
    }
    if (crossesCells) break;
    const next = cells.map((cell, i) => (perCell.has(i) ? applyEdits(cell, perCell.get(i)!) : cell));
    if (!result.hasSyntaxErrors && analyzeText(joinCells(next).text, options).hasSyntaxErrors) break;
    cells = next;
    applied += chosen.count;
  }
  if (cells.every((cell, i) => cell === source.cells[i])) return { fixed: null, applied: 0 };
  const json = rewriteNotebook(source, cells);
  return json === null ? { fixed: null, applied: 0 } : { fixed: { ...source, cells, json }, applied };
}

/**
 * The preferred safe fixes of a round, earliest first, skipping any that touch an edit already
 * taken. The taken edits are kept sorted and never overlap, so only the neighbours of where an
 * edit would go can touch it (a file with thousands of fixes is not quadratic).
 */
export function chooseFixes(findings: Finding[]): { edits: TextEdit[]; count: number } {
  const taken: TextEdit[] = [];
  let count = 0;
  const candidates = findings
    .map((f) => f.fixes.find((fix) => fix.preferred && fix.applicability === 'safe'))
    .filter((fix) => fix !== undefined)
    .sort((a, b) => a.edits[0].start - b.edits[0].start);
  for (const fix of candidates) {
    if (fix.edits.some((e) => touchesTaken(taken, e))) continue;
    for (const edit of fix.edits) taken.splice(insertionPoint(taken, edit.start), 0, edit);
    count++;
  }
  return { edits: taken, count };
}

/** Where an edit starting at `start` goes in `sorted` (after the edits starting before or at it). */
function insertionPoint(sorted: readonly TextEdit[], start: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle].start <= start) low = middle + 1;
    else high = middle;
  }
  return low;
}

function touchesTaken(sorted: readonly TextEdit[], edit: TextEdit): boolean {
  const at = insertionPoint(sorted, edit.start);
  return (at > 0 && overlaps(sorted[at - 1], edit)) || (at < sorted.length && overlaps(sorted[at], edit));
}

/** Touching ranges conflict too: two insertions at one point would land in an arbitrary order. */
function overlaps(a: TextEdit, b: TextEdit): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/** Applies edits that do not overlap, in one pass over the text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const pieces: string[] = [];
  let at = 0;
  for (const edit of [...edits].sort((a, b) => a.start - b.start)) {
    pieces.push(text.slice(at, edit.start), edit.newText);
    at = edit.end;
  }
  pieces.push(text.slice(at));
  return pieces.join('');
}

/**
 * The notebook's JSON text with the fixed code cells' "source" values replaced, every other
 * character kept; null when a fixed cell's source cannot be placed (the notebook is then not fixed).
 */
function rewriteNotebook(source: NotebookSource, cells: string[]): string | null {
  const spans = cellSourceSpans(source.json);
  if (!spans) return null;
  const replacements: { start: number; end: number; newText: string }[] = [];
  for (const [i, number] of source.cellNumbers.entries()) {
    if (cells[i] === source.cells[i]) continue;
    const span = spans[number - 1];
    const newText = span ? sourceValue(source.json, span, cells[i]) : null;
    if (!span || newText === null) return null;
    replacements.push({ ...span, newText });
  }
  return applyEdits(source.json, replacements);
}

/** Writes beside the file, then renames over it: a crash never leaves half a file. */
export function writeAtomically(path: string, text: string): void {
  // A symlinked script is fixed where it lives: renaming over the link would replace it by a copy.
  const target = realpathSync(path);
  // pid and thread: `check` may fix files in worker threads of one process.
  // node:worker_threads only now: loading it costs every check ~4 ms, and only --fix writes files.
  const { threadId } = require('node:worker_threads') as typeof import('node:worker_threads');
  const temp = join(dirname(target), `.${basename(target)}.keras-lint-${process.pid}-${threadId}.tmp`);
  // Renaming over a read-only file would replace it all the same: refuse it as a write would.
  accessSync(target, constants.W_OK);
  try {
    writeFileSync(temp, text, 'utf8');
    const original = statSync(target);
    chmodSync(temp, original.mode & 0o7777);
    // The new file is the writer's; a file fixed by root (in a container, in CI) stays its owner's.
    if (process.getuid?.() === 0) chownSync(temp, original.uid, original.gid);
    renameSync(temp, target);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // nothing was written
    }
    throw error;
  }
}

/** The text to write for a fixed source. */
export function sourceText(source: Source): string {
  return (source.bom ? '\ufeff' : '') + (source.kind === 'python' ? source.text : source.json);
}
