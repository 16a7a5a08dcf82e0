// The shapes of what clients send, checked before a handler reads it: a request whose parameters
// are malformed is answered with InvalidParams (the LSP's error for it), not with a made-up empty
// result and a stack trace in the log.
import type { CodeActionParams, HoverParams, InlayHintParams, Position, Range } from 'vscode-languageserver/node';

export function isPosition(value: unknown): value is Position {
  const p = value as Position | null;
  return typeof p === 'object' && p !== null && Number.isInteger(p.line) && Number.isInteger(p.character);
}

export function isRange(value: unknown): value is Range {
  const r = value as Range | null;
  return typeof r === 'object' && r !== null && isPosition(r.start) && isPosition(r.end);
}

function hasDocument(params: unknown): params is { textDocument: { uri: string } } {
  const p = params as { textDocument?: { uri?: unknown } } | null;
  return typeof p === 'object' && p !== null && typeof p.textDocument === 'object' && p.textDocument !== null && typeof p.textDocument.uri === 'string';
}

export function isHoverParams(params: unknown): params is HoverParams {
  return hasDocument(params) && isPosition((params as HoverParams).position);
}

export function isInlayHintParams(params: unknown): params is InlayHintParams {
  return hasDocument(params) && isRange((params as InlayHintParams).range);
}

export function isCodeActionParams(params: unknown): params is CodeActionParams {
  if (!hasDocument(params) || !isRange((params as CodeActionParams).range)) return false;
  const context = (params as CodeActionParams).context as CodeActionParams['context'] | null | undefined;
  if (typeof context !== 'object' || context === null || !Array.isArray(context.diagnostics)) return false;
  if (!context.diagnostics.every((d) => typeof d === 'object' && d !== null && isRange(d.range))) return false;
  return context.only === undefined || (Array.isArray(context.only) && context.only.every((kind) => typeof kind === 'string'));
}
