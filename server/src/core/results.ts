// From what the interpreter found to what the user sees: the rules over the facts (findings,
// training contracts, accuracy hints), then the options (select, ignore, severity), one finding
// per place, in order.
import type { SyntaxNode } from './syntax';
import { RULES } from './catalog';
import { headsOf } from './model/heads';
import type { ProgramFacts } from './model/interpreter';
import type { Outcome } from './relocate';
import { accuracyFor, ERA_NAMES, outputContexts, type Era, type OutputContext } from './rules/context';
import type { FileStyle } from './rules/edits';
import { binaryHeadFixesChecked, checkHead, checkLayer, checkOutput } from './rules/rules';
import { SharedCode } from './rules/sharedCode';
import type { AccuracyHint, AnalysisOptions, AnalysisResult, Finding, FlavourInfo, TrainingContract } from './types';

/** The rules over what the interpreter found: findings, contracts and hints, not yet filtered. */
export function checkFacts(facts: ProgramFacts, style: FileStyle, flavour: FlavourInfo, describe: (offset: number) => string): Outcome {
  const found = new SharedCode();
  const contracts: TrainingContract[] = [];
  const hints: AccuracyHint[] = [];
  const allContexts: OutputContext[] = [];
  for (const layer of facts.layers) {
    const f = checkLayer(layer, style);
    if (f) found.add(f, { layers: [layer] });
  }
  for (const model of facts.models) {
    for (const head of headsOf(model) ?? []) {
      for (const f of checkHead(head, style, describe)) found.add(f, { layers: [head.dense, head.activationLayer, head.secondSoftmax?.layer] });
    }
  }
  for (const compile of facts.compiles) {
    const contexts = outputContexts(compile, facts.compiles, facts.fits, flavour, style, describe);
    for (const context of contexts) {
      for (const f of checkOutput(context)) found.add(f, { context });
      hints.push(...hintsFor(context));
    }
    contracts.push(contractOf(compile.callee, contexts, flavour));
    allContexts.push(...contexts);
  }
  return { findings: binaryHeadFixesChecked(found.findings(facts.layers, allContexts), allContexts), contracts, hints };
}

/** Options applied, duplicates dropped, everything in text order. */
export function finish(outcome: Outcome, options: AnalysisOptions): Pick<AnalysisResult, 'findings' | 'contracts' | 'accuracyHints'> {
  return {
    findings: applyOptions(dedupe(outcome.findings), options),
    contracts: outcome.contracts.sort((a, b) => a.span.start - b.span.start),
    accuracyHints: dedupeHints(outcome.hints).sort((a, b) => a.span.start - b.span.start),
  };
}

function applyOptions(findings: Finding[], options: AnalysisOptions): Finding[] {
  const select = options.select?.length ? new Set(options.select) : null;
  const ignore = new Set(options.ignore ?? []);
  return findings
    .filter((f) => (!select || select.has(f.ruleId)) && !ignore.has(f.ruleId))
    .map((f) => ({ ...f, severity: options.severity?.[f.ruleId] ?? RULES[f.ruleId].severity }))
    // Rule ids are ASCII (KL001): compared by code unit. localeCompare's first call loads ICU's collator (~6 ms of every check).
    .sort((a, b) => a.span.start - b.span.start || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
}

/** A function run twice (or a head seen from two compiles) must report once. */
function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.ruleId}:${f.span.start}:${f.span.end}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function dedupeHints(hints: AccuracyHint[]): AccuracyHint[] {
  const byStart = new Map<number, AccuracyHint>();
  for (const hint of hints) {
    const existing = byStart.get(hint.span.start);
    // The same 'accuracy' reached through two different models: say nothing rather than guess.
    if (existing && existing.resolvesTo !== hint.resolvesTo) byStart.set(hint.span.start, { ...hint, resolvesTo: '' });
    else if (!existing) byStart.set(hint.span.start, hint);
  }
  return [...byStart.values()].filter((h) => h.resolvesTo !== '');
}

/** What 'accuracy' becomes; when the flavour leaves two readings, both, with their eras named `eraNames`. */
function describeAccuracy(context: OutputContext, eraNames: Record<Era, string> = ERA_NAMES): string | null {
  const resolved = accuracyFor(context);
  if (resolved.some((r) => r.metric === null)) return null;
  if (resolved.every((r) => r.metric === resolved[0].metric)) return resolved[0].metric;
  return resolved.map((r) => `${r.metric} (${eraNames[r.era]})`).join(' or ');
}

/** Inlay hints sit inside the code line: the eras in a word or two. */
const SHORT_ERA_NAMES: Record<Era, string> = { loss: 'Keras ≤ 2.3', shape: 'newer' };

function hintsFor(context: OutputContext): AccuracyHint[] {
  const hints: AccuracyHint[] = [];
  for (const metric of context.metrics) {
    if (metric.id !== 'accuracy' || metric.form !== 'string') continue;
    const resolvesTo = describeAccuracy(context, SHORT_ERA_NAMES);
    if (resolvesTo) hints.push({ span: { start: metric.node.startIndex, end: metric.node.endIndex }, resolvesTo });
  }
  return hints;
}

function contractOf(callee: SyntaxNode, contexts: OutputContext[], flavour: AnalysisResult['flavour']): TrainingContract {
  const first = contexts[0];
  return {
    span: { start: callee.startIndex, end: callee.endIndex },
    heads: contexts.map((c) => ({
      name: c.head.name,
      units: c.head.units,
      activation: c.head.activation.name,
      span: { start: (c.head.dense?.call ?? c.head.anchor).startIndex, end: (c.head.dense?.call ?? c.head.anchor).endIndex },
    })),
    loss: first?.loss?.id ?? null,
    fromLogits: first?.loss?.fromLogits ?? null,
    labels: first?.labels
      ? { format: first.labels.format, classes: first.labels.classes, origin: first.labels.origin, span: first.labels.node ? { start: first.labels.node.startIndex, end: first.labels.node.endIndex } : null }
      : null,
    accuracy: first ? describeAccuracy(first) : null,
    flavour,
  };
}
