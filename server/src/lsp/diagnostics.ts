// Findings → LSP diagnostics, per document. Each diagnostic carries in `data` everything its code
// actions need (the fixes and the `# noqa` edit as LSP edits, and the document versions they were
// computed for), so code actions never re-run the analysis.
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver/node';
import { noqaEdit } from '../core/suppression';
import type { Finding, Severity, TextEdit } from '../core/types';
import { locationOf, type Snapshot } from './snapshot';

export const SOURCE = 'keras-lint';

export interface UriEdit {
  uri: string;
  range: Range;
  newText: string;
}

export interface FixData {
  title: string;
  preferred: boolean;
  safe: boolean;
  edits: UriEdit[];
}

export interface DiagnosticData {
  ruleId: string;
  /** Version of every document an edit touches, when the edits were computed. */
  versions: Record<string, number>;
  fixes: FixData[];
  noqa: UriEdit | null;
}

const SEVERITIES: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** The diagnostics of every document of the snapshot (an empty list for documents without findings). */
export function diagnosticsOf(snapshot: Snapshot): Map<string, Diagnostic[]> {
  const byUri = new Map<string, Diagnostic[]>(snapshot.parts.map((p) => [p.uri, []]));
  for (const finding of snapshot.findings) {
    const diagnostic = toDiagnostic(snapshot, finding);
    if (diagnostic) byUri.get(diagnostic.uri)?.push(diagnostic.diagnostic);
  }
  return byUri;
}

function toDiagnostic(snapshot: Snapshot, finding: Finding): { uri: string; diagnostic: Diagnostic } | null {
  const location = locationOf(snapshot, finding.span);
  if (!location) return null;
  const relatedInformation = finding.related
    .map((r) => ({ location: locationOf(snapshot, r.span), message: r.message }))
    .filter((r): r is { location: NonNullable<typeof r.location>; message: string } => r.location !== null);
  const versions = Object.fromEntries(snapshot.parts.map((p) => [p.uri, p.version]));
  const fixes = finding.fixes.flatMap((fix) => {
    const edits = mapEdits(snapshot, fix.edits);
    return edits ? [{ title: fix.title, preferred: fix.preferred, safe: fix.applicability === 'safe', edits }] : [];
  });
  const comment = noqaEdit(snapshot.text, finding.span.start, finding.ruleId);
  const noqa = comment ? mapEdits(snapshot, [comment])?.[0] ?? null : null;
  const data: DiagnosticData = { ruleId: finding.ruleId, versions, fixes, noqa };
  return {
    uri: location.uri,
    diagnostic: {
      range: location.range,
      severity: SEVERITIES[finding.severity],
      code: finding.ruleId,
      codeDescription: { href: finding.url },
      source: SOURCE,
      message: finding.message,
      relatedInformation: relatedInformation.length ? relatedInformation : undefined,
      data,
    },
  };
}

/** Core edits as edits of documents; null when one of them crosses a document boundary. */
function mapEdits(snapshot: Snapshot, edits: readonly TextEdit[]): UriEdit[] | null {
  const out: UriEdit[] = [];
  for (const edit of edits) {
    const location = locationOf(snapshot, edit);
    if (!location) return null;
    out.push({ uri: location.uri, range: location.range, newText: edit.newText });
  }
  return out;
}

export function isDiagnosticData(value: unknown): value is DiagnosticData {
  const d = value as DiagnosticData | null;
  return !!d && typeof d === 'object' && typeof d.ruleId === 'string' && Array.isArray(d.fixes) && typeof d.versions === 'object' && d.versions !== null;
}
