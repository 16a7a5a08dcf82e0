// Code actions: each fix of a diagnostic as a quick fix (the preferred one marked), "Ignore KL00N on
// this line", and `source.fixAll.keras-lint`, which applies every preferred safe fix that does not
// overlap another. Edits come from the `data` of the diagnostics as published; stale ones
// (documents changed since) are not offered.
import {
  CodeActionKind,
  TextDocumentEdit,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { isDiagnosticData, SOURCE, type DiagnosticData, type UriEdit } from './diagnostics';

export const FIX_ALL_KIND = 'source.fixAll.keras-lint';
export const CODE_ACTION_KINDS = [CodeActionKind.QuickFix, FIX_ALL_KIND];

export interface CodeActionContext {
  /** The current version of an open document, undefined when it is not open. */
  versionOf(uri: string): number | undefined;
  /** The diagnostics last published for the document the request is about. */
  published: Diagnostic[];
  /** The client applies `documentChanges` (versioned edits, refused when stale). */
  documentChanges: boolean;
}

export function codeActions(params: CodeActionParams, context: CodeActionContext): CodeAction[] {
  const only = params.context.only;
  const actions: CodeAction[] = [];
  if (requested(CodeActionKind.QuickFix, only)) {
    for (const diagnostic of params.context.diagnostics) {
      if (diagnostic.source !== SOURCE) continue;
      const data = dataOf(diagnostic, context.published);
      if (!data || isStale(data, context)) continue;
      actions.push(...quickFixes(diagnostic, data, context));
    }
  }
  // Source actions only when asked for by kind (on save, or from the Source Action menu).
  if (only && requested(FIX_ALL_KIND, only)) {
    const fixAll = fixAllAction(context);
    if (fixAll) actions.push(fixAll);
  }
  return actions;
}

function requested(kind: string, only: string[] | undefined): boolean {
  return !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
}

/**
 * The data of the published diagnostic the client's one stands for (same rule and range). What the
 * client echoes in `data` is not trusted: it could name any document, or hold anything at all.
 */
function dataOf(diagnostic: Diagnostic, published: Diagnostic[]): DiagnosticData | null {
  const same = published.find((p) => p.code === diagnostic.code && sameRange(p, diagnostic));
  return same && isDiagnosticData(same.data) ? same.data : null;
}

function sameRange(a: Diagnostic, b: Diagnostic): boolean {
  return a.range.start.line === b.range.start.line && a.range.start.character === b.range.start.character
    && a.range.end.line === b.range.end.line && a.range.end.character === b.range.end.character;
}

function isStale(data: DiagnosticData, context: CodeActionContext): boolean {
  return Object.entries(data.versions).some(([uri, version]) => context.versionOf(uri) !== version);
}

function quickFixes(diagnostic: Diagnostic, data: DiagnosticData, context: CodeActionContext): CodeAction[] {
  const actions: CodeAction[] = data.fixes.map((fix) => ({
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred: fix.preferred || undefined,
    edit: workspaceEdit(fix.edits, data, context),
  }));
  if (data.noqa) {
    actions.push({
      title: `Ignore ${data.ruleId} on this line`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      edit: workspaceEdit([data.noqa], data, context),
    });
  }
  return actions;
}

function fixAllAction(context: CodeActionContext): CodeAction | null {
  const chosen: UriEdit[] = [];
  let versions: Record<string, number> = {};
  for (const diagnostic of context.published) {
    if (!isDiagnosticData(diagnostic.data) || isStale(diagnostic.data, context)) continue;
    const fix = diagnostic.data.fixes.find((f) => f.preferred && f.safe);
    if (!fix || fix.edits.some((edit) => chosen.some((other) => overlaps(edit, other)))) continue;
    chosen.push(...fix.edits);
    versions = { ...versions, ...diagnostic.data.versions };
  }
  if (chosen.length === 0) return null;
  return {
    title: 'Fix all keras-lint problems',
    kind: FIX_ALL_KIND,
    edit: workspaceEdit(chosen, { ruleId: '', versions, fixes: [], noqa: null }, context),
  };
}

/** Edits of one document overlap when their ranges intersect; two insertions at one point also do (their order is ambiguous). */
function overlaps(a: UriEdit, b: UriEdit): boolean {
  if (a.uri !== b.uri) return false;
  const before = (p: { line: number; character: number }, q: { line: number; character: number }) => p.line < q.line || (p.line === q.line && p.character < q.character);
  const equal = (p: { line: number; character: number }, q: { line: number; character: number }) => p.line === q.line && p.character === q.character;
  if (equal(a.range.start, b.range.start)) return true;
  return before(a.range.start, b.range.end) && before(b.range.start, a.range.end);
}

function workspaceEdit(edits: UriEdit[], data: DiagnosticData, context: CodeActionContext): WorkspaceEdit {
  const byUri = new Map<string, TextEdit[]>();
  for (const edit of edits) {
    const list = byUri.get(edit.uri) ?? [];
    list.push({ range: edit.range, newText: edit.newText });
    byUri.set(edit.uri, list);
  }
  if (context.documentChanges) {
    return {
      documentChanges: [...byUri].map(([uri, list]) => TextDocumentEdit.create({ uri, version: data.versions[uri] ?? null }, list)),
    };
  }
  return { changes: Object.fromEntries(byUri) };
}
