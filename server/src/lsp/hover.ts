// textDocument/hover: the loss, activation or metric name under the cursor (found in the
// document's own tree), and the training contract on `compile` (from the latest analysis).
import { MarkupKind, type Hover, type HoverParams } from 'vscode-languageserver/node';
import { contractHover, hoverTargetAt, hoverText } from '../core/hover';
import { withModule } from '../core/moduleCopy';
import type { Checker } from './checker';
import type { ParsedDocuments } from './documents';
import { describeWhere } from './snapshot';

export function hover(params: HoverParams, docs: ParsedDocuments, checker: Checker): Hover | null {
  const uri = params.textDocument.uri;
  const document = docs.get(uri);
  const { line, character } = params.position;
  if (!document || document.languageId !== 'python' || !checker.isEnabled(uri) || line < 0 || character < 0 || line >= document.lineCount) return null;
  const offset = document.offsetAt(params.position);
  const target = withModule(docs.parsedFor(document), document.getText(), (root) => hoverTargetAt(root, offset));
  if (!target) return null;
  const range = { start: document.positionAt(target.span.start), end: document.positionAt(target.span.end) };

  // What the analysis knows applies only while it is about this very text.
  const found = checker.snapshotFor(uri);
  const fresh = found && found.part.version === document.version ? found : null;
  const at = fresh ? fresh.part.start + target.span.start : -1;

  let value: string | null;
  if (target.kind === 'compile') {
    const contract = fresh?.snapshot.result.contracts.find((c) => c.span.start === at);
    value = contract ? contractHover(contract, (span) => describeWhere(fresh!.snapshot, span)) : null;
  } else {
    const resolved = fresh?.snapshot.result.accuracyHints.find((h) => h.span.start === at)?.resolvesTo ?? null;
    value = hoverText(target, resolved);
  }
  return value ? { contents: { kind: MarkupKind.Markdown, value }, range } : null;
}
