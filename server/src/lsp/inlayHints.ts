// textDocument/inlayHint: after each 'accuracy' / 'acc' metric, the metric Keras will actually
// compute there (`→ binary_accuracy`), from the latest analysis of this very text.
import type { InlayHint, InlayHintParams, Position } from 'vscode-languageserver/node';
import type { Checker } from './checker';
import type { ParsedDocuments } from './documents';

/**
 * `answeredStale` is told the snapshot's key when the latest analysis is of an older version (the
 * answer is then empty): the next result must ask the client again, even with the same hints.
 */
export function inlayHints(params: InlayHintParams, docs: ParsedDocuments, checker: Checker, answeredStale: (key: string) => void): InlayHint[] {
  const uri = params.textDocument.uri;
  const document = docs.get(uri);
  const found = checker.snapshotFor(uri);
  if (!document || !found) return [];
  if (found.part.version !== document.version) {
    answeredStale(found.snapshot.key);
    return [];
  }
  const { snapshot, part } = found;
  if (!snapshot.settings.enable || !snapshot.settings.inlayHints) return [];
  const hints: InlayHint[] = [];
  for (const hint of snapshot.result.accuracyHints) {
    const start = hint.span.start - part.start;
    const end = hint.span.end - part.start;
    if (start < 0 || end > part.text.length) continue;
    const position = part.lines.position(end);
    if (!within(position, params.range.start, params.range.end)) continue;
    hints.push({
      position,
      label: `→ ${hint.resolvesTo}`,
      paddingLeft: true,
      tooltip: 'The metric Keras will compute for this accuracy (keras-lint)',
    });
  }
  return hints;
}

function within(p: Position, start: Position, end: Position): boolean {
  const afterStart = p.line > start.line || (p.line === start.line && p.character >= start.character);
  const beforeEnd = p.line < end.line || (p.line === end.line && p.character <= end.character);
  return afterStart && beforeEnd;
}
