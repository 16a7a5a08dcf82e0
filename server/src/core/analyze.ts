// Entry points of the analysis core: text (or cells) in, findings, training contracts and accuracy
// hints out. Parse → flavour → interpret → rules → options (select/ignore/severity).
import { DocumentAnalyzer } from './documentAnalyzer';
import { LineIndex } from './lineIndex';
import type { ParsedModule } from './moduleCopy';
import { joinCells, locateInCell, type VirtualNotebook } from './notebook';
import type { OtherPart } from './splitParse';
import type { AnalysisOptions, AnalysisResult } from './types';

export { DocumentAnalyzer } from './documentAnalyzer';
export { initParser } from './parser';

/**
 * Analyses one Python file. Pass `tree` when the caller keeps a parse of `text` (a tree, or a
 * module copy: documentParse.ts), or `otherPart` when another thread parses the text's second
 * part (splitParse.ts).
 */
export function analyzeText(text: string, options: AnalysisOptions = {}, tree?: ParsedModule, where?: (offset: number) => string, otherPart?: OtherPart): AnalysisResult {
  return new DocumentAnalyzer({ reuse: false }).analyze(text, options, tree, where, [], otherPart);
}

/**
 * Analyses a notebook's code cells as one program; spans are in `notebook.text` (map with
 * locateInCell). An editor passes the notebook's DocumentAnalyzer to re-run only what an edit touched.
 */
export function analyzeNotebook(cellTexts: readonly string[], options: AnalysisOptions = {}, cellNumbers?: readonly number[], analyzer?: DocumentAnalyzer): { notebook: VirtualNotebook; result: AnalysisResult } {
  const notebook = joinCells(cellTexts);
  const lineIndexes = cellTexts.map((cell) => new LineIndex(cell));
  const where = (offset: number): string => {
    const { cell, offset: local } = locateInCell(notebook, offset);
    return `cell ${cellNumbers?.[cell] ?? cell + 1}, line ${lineIndexes[cell].position(local).line + 1}`;
  };
  const joins = notebook.cellStarts.slice(1).map((start) => start - 1);
  return { notebook, result: (analyzer ?? new DocumentAnalyzer({ reuse: false })).analyze(notebook.text, options, undefined, where, joins) };
}
