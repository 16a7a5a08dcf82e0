// Shared helpers for core tests: analyse a snippet, show findings as (rule, flagged text), apply fixes.
import { analyzeText } from '../../server/src/core/analyze';
import type { AnalysisOptions, Finding, Fix, TextEdit } from '../../server/src/core/types';

export function check(code: string, options: AnalysisOptions = {}): Finding[] {
  return analyzeText(code, options).findings;
}

/** Findings as `KL002 'binary_crossentropy'`: the rule and the exact text it underlines. */
export function flagged(code: string, options: AnalysisOptions = {}): string[] {
  return check(code, options).map((f) => `${f.ruleId} ${code.slice(f.span.start, f.span.end)}`);
}

export function applyEdits(code: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = code;
  for (const edit of sorted) out = out.slice(0, edit.start) + edit.newText + out.slice(edit.end);
  return out;
}

export function applyFix(code: string, fix: Fix): string {
  return applyEdits(code, fix.edits);
}

/** The only finding of `rule` (fails the test when there is not exactly one). */
export function only(code: string, rule: string, options: AnalysisOptions = {}): Finding {
  const found = check(code, options).filter((f) => f.ruleId === rule);
  if (found.length !== 1) throw new Error(`expected one ${rule}, got ${found.length}: ${flagged(code, options).join(' | ')}`);
  return found[0];
}
