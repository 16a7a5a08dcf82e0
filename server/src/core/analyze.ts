// Entry points of the analysis core: text (or cells) in, findings, training contracts and accuracy
// hints out. Parse → flavour → interpret → rules → options (select/ignore/severity).
import type { Tree } from 'web-tree-sitter';
import { RULES } from './catalog';
import { resolveFlavour } from './flavour';
import { LineIndex } from './lineIndex';
import { headsOf } from './model/heads';
import { Interpreter } from './model/interpreter';
import { joinCells, locateInCell, type VirtualNotebook } from './notebook';
import { parsePython } from './parser';
import { accuracyFor, ERA_NAMES, outputContexts, type Era, type OutputContext } from './rules/context';
import { fileStyle } from './rules/edits';
import { checkHead, checkLayer, checkOutput } from './rules/rules';
import type { AccuracyHint, AnalysisOptions, AnalysisResult, Finding, TrainingContract } from './types';

export { initParser } from './parser';

const MAY_HAVE_FINDINGS = /compile|softmax/i;

/** Analyses one Python file. Pass `tree` when the caller keeps an (incrementally) parsed tree of `text`. */
export function analyzeText(text: string, options: AnalysisOptions = {}, tree?: Tree, where?: (offset: number) => string): AnalysisResult {
  const flavour = resolveFlavour(options.flavour, options.workspacePins ?? null, text);
  // Every rule needs a compile call or a softmax: a file with neither (most Python files of a
  // project) cannot have a finding, so it is not interpreted, nor parsed unless a tree is given.
  const nothing = (hasSyntaxErrors: boolean): AnalysisResult => ({ findings: [], contracts: [], accuracyHints: [], flavour, hasSyntaxErrors });
  if (!MAY_HAVE_FINDINGS.test(text)) return nothing(tree ? tree.rootNode.hasError : false);
  const ownTree = tree ? null : parsePython(text);
  const root = (tree ?? ownTree!).rootNode;
  try {
    const interpreter = new Interpreter();
    const facts = interpreter.run(root);
    const style = fileStyle(text, root, facts.imports);
    const lines = new LineIndex(text);
    const describe = where ?? ((offset: number) => `line ${lines.position(offset).line + 1}`);

    const findings: Finding[] = [];
    const contracts: TrainingContract[] = [];
    const accuracyHints: AccuracyHint[] = [];

    for (const layer of facts.layers) {
      const f = checkLayer(layer, style);
      if (f) findings.push(f);
    }
    for (const model of facts.models) {
      for (const head of headsOf(model) ?? []) findings.push(...checkHead(head, style, describe));
    }
    for (const compile of facts.compiles) {
      const contexts = outputContexts(compile, facts.fits, flavour, style, describe);
      for (const context of contexts) {
        findings.push(...checkOutput(context));
        accuracyHints.push(...hintsFor(context));
      }
      contracts.push(contractOf(compile.callee, contexts, flavour));
    }
    return { findings: applyOptions(dedupe(findings), options), contracts, accuracyHints: dedupeHints(accuracyHints), flavour, hasSyntaxErrors: root.hasError };
  } finally {
    ownTree?.delete();
  }
}

/** Analyses a notebook's code cells as one program; spans are in `notebook.text` (map with locateInCell). */
export function analyzeNotebook(cellTexts: readonly string[], options: AnalysisOptions = {}, cellNumbers?: readonly number[]): { notebook: VirtualNotebook; result: AnalysisResult } {
  const notebook = joinCells(cellTexts);
  const lineIndexes = cellTexts.map((cell) => new LineIndex(cell));
  const where = (offset: number): string => {
    const { cell, offset: local } = locateInCell(notebook, offset);
    return `cell ${cellNumbers?.[cell] ?? cell + 1}, line ${lineIndexes[cell].position(local).line + 1}`;
  };
  return { notebook, result: analyzeText(notebook.text, options, undefined, where) };
}

function applyOptions(findings: Finding[], options: AnalysisOptions): Finding[] {
  const select = options.select?.length ? new Set(options.select) : null;
  const ignore = new Set(options.ignore ?? []);
  return findings
    .filter((f) => (!select || select.has(f.ruleId)) && !ignore.has(f.ruleId))
    .map((f) => ({ ...f, severity: options.severity?.[f.ruleId] ?? RULES[f.ruleId].severity }))
    .sort((a, b) => a.span.start - b.span.start || a.ruleId.localeCompare(b.ruleId));
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

function contractOf(callee: import('web-tree-sitter').Node, contexts: OutputContext[], flavour: AnalysisResult['flavour']): TrainingContract {
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
