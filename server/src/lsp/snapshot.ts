// One analysis run frozen in time: the analysed text (a file, or a notebook's code cells joined),
// the documents it was made of with their versions and texts, and the result. Every feature maps
// core spans (offsets into the analysed text) to LSP locations through it.
import type { Location, Range } from 'vscode-languageserver/node';
import { LineIndex } from '../core/lineIndex';
import type { AnalysisResult, Finding, Span } from '../core/types';
import type { EffectiveSettings } from './settings';

export interface SnapshotPart {
  uri: string;
  version: number;
  /** Offset of the document's first character in the analysed text. */
  start: number;
  /** The document's text when it was analysed. */
  text: string;
  lines: LineIndex;
}

export interface Snapshot {
  /** The document URI, or the notebook URI for a notebook. */
  key: string;
  /** The analysed text: the file, or the joined code cells. */
  text: string;
  parts: SnapshotPart[];
  result: AnalysisResult;
  /** The findings left after `# noqa` comments. */
  findings: Finding[];
  settings: EffectiveSettings;
  /** For notebooks: each cell URI's 1-based cell number, for "cell K, line N". */
  cellNumbers: Map<string, number> | null;
}

export function makePart(uri: string, version: number, start: number, text: string): SnapshotPart {
  return { uri, version, start, text, lines: new LineIndex(text) };
}

/** The part holding an offset of the analysed text (an offset on a cell boundary goes to the cell before). */
export function partAt(snapshot: Snapshot, offset: number): SnapshotPart | null {
  let found: SnapshotPart | null = null;
  for (const part of snapshot.parts) {
    if (part.start <= offset && offset <= part.start + part.text.length) {
      found ??= part;
    }
  }
  return found;
}

/** A span as a location in one document; null when it does not lie within a single document. */
export function locationOf(snapshot: Snapshot, span: Span): Location | null {
  const part = partAt(snapshot, span.start);
  if (!part || span.end < span.start || span.end > part.start + part.text.length) return null;
  return { uri: part.uri, range: rangeIn(part, span.start - part.start, span.end - part.start) };
}

export function rangeIn(part: SnapshotPart, start: number, end: number): Range {
  return { start: part.lines.position(start), end: part.lines.position(end) };
}

/** The offset in the analysed text of a position in one of its documents. */
export function offsetIn(part: SnapshotPart, position: { line: number; character: number }): number {
  return part.start + part.lines.offset(position.line, position.character);
}

/** The 1-based "line N" / "cell K, line N" a span starts at, for hover texts. */
export function describeWhere(snapshot: Snapshot, span: Span): string {
  const part = partAt(snapshot, span.start);
  if (!part) return 'unknown place';
  const line = part.lines.position(span.start - part.start).line + 1;
  const cell = snapshot.cellNumbers?.get(part.uri);
  return cell === undefined ? `line ${line}` : `cell ${cell}, line ${line}`;
}
