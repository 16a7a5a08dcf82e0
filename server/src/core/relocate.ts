// Moving analysis results to a new text: every offset a finding, contract or accuracy hint holds goes
// through one function, so results of statements an edit did not touch can be reused after it.
import type { AccuracyHint, Finding, Span, TrainingContract } from './types';

/** A new offset for an old one, or null when the old offset has no place in the new text. */
export type MoveOffset = (offset: number) => number | null;

class Unplaceable extends Error {}

function moveSpan<S extends Span>(span: S, move: MoveOffset): S {
  const start = move(span.start);
  const end = move(span.end);
  if (start === null || end === null) throw new Unplaceable();
  return { ...span, start, end };
}

function moveFinding(f: Finding, move: MoveOffset): Finding {
  return {
    ...f,
    span: moveSpan(f.span, move),
    related: f.related.map((r) => ({ ...r, span: moveSpan(r.span, move) })),
    fixes: f.fixes.map((fix) => ({ ...fix, edits: fix.edits.map((e) => moveSpan(e, move)) })),
  };
}

function moveContract(c: TrainingContract, move: MoveOffset): TrainingContract {
  return {
    ...c,
    span: moveSpan(c.span, move),
    heads: c.heads.map((h) => ({ ...h, span: h.span && moveSpan(h.span, move) })),
    labels: c.labels && { ...c.labels, span: c.labels.span && moveSpan(c.labels.span, move) },
  };
}

export interface Outcome {
  findings: Finding[];
  contracts: TrainingContract[];
  hints: AccuracyHint[];
}

/** The outcome with every offset moved, or null when one of them cannot be placed. */
export function moveOutcome(outcome: Outcome, move: MoveOffset): Outcome | null {
  try {
    return {
      findings: outcome.findings.map((f) => moveFinding(f, move)),
      contracts: outcome.contracts.map((c) => moveContract(c, move)),
      hints: outcome.hints.map((h) => ({ ...h, span: moveSpan(h.span, move) })),
    };
  } catch (error) {
    if (error instanceof Unplaceable) return null;
    throw error;
  }
}

/** Length of the common suffix of two texts that does not reach into their first `notBefore` characters. */
export function commonSuffixLength(a: string, b: string, notBefore: number): number {
  const n = Math.min(a.length, b.length) - notBefore;
  let lo = 0;
  let hi = Math.max(0, n);
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (a.slice(a.length - mid, a.length - lo) === b.slice(b.length - mid, b.length - lo)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Length of the common prefix of two texts. */
export function commonPrefixLength(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  if (a === b) return n;
  // Halving on slices compares in native code: a few steps even for megabytes.
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (a.slice(lo, mid) === b.slice(lo, mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
