// Pairs each output of each compiled model with its loss, metrics and labels, and works out what
// Keras will compute for 'accuracy' next to them in each flavour.
import type { SyntaxNode } from '../syntax';
import { headsOf, type Head } from '../model/heads';
import type { CompileCall, FitCall, LabelInfo, LossInfo, MetricInfo } from '../model/values';
import type { FlavourInfo } from '../types';
import type { FileStyle } from './edits';

export interface OutputContext {
  compile: CompileCall;
  head: Head;
  loss: LossInfo | null;
  /** The compile argument node of this output's loss. */
  lossArg: SyntaxNode | null;
  /** The metrics surely computed on this output. */
  metrics: MetricInfo[];
  /** Those and the ones that may be, in some Keras (what a fix must not break). */
  possibleMetrics: MetricInfo[];
  labels: LabelInfo | null;
  /** The `y` argument of the fit call that gave the labels (for the to_categorical fix). */
  labelsArg: SyntaxNode | null;
  /** Whether a fit of this model runs after this compile (labels may still be unknown). */
  fitted: boolean;
  flavour: FlavourInfo;
  style: FileStyle;
  /** "line 14" or "cell 3, line 2": where an offset is, for messages. */
  where(offset: number): string;
}

export function outputContexts(compile: CompileCall, compiles: readonly CompileCall[], fits: FitCall[], flavour: FlavourInfo, style: FileStyle, where: (offset: number) => string): OutputContext[] {
  if (!compile.model) return [];
  // A fit that ran before this compile trained with an earlier loss (a notebook that recompiles
  // after changing its labels), and one after the model's next compile trains with that one's:
  // their labels say nothing about this one.
  const next = Math.min(...compiles.filter((c) => c.model === compile.model && c.order > compile.order).map((c) => c.order));
  const modelFits = fits.filter((f) => f.model === compile.model && f.order > compile.order && f.order < next);
  // A Sequential trains the layers it has when fit: layers added after the last fit (a Softmax to
  // export probabilities) are not what this loss was used with. Fits that saw different layers: unknown.
  const trainedLayers = new Set(modelFits.length ? modelFits.map((f) => f.layerCount) : [compile.layerCount]);
  if (trainedLayers.size !== 1) return [];
  const heads = headsOf(compile.model, 0, [...trainedLayers][0]);
  if (!heads) return [];
  const contexts: OutputContext[] = [];
  heads.forEach((head, index) => {
    const { loss, arg } = lossFor(compile, head, index, heads.length);
    const labels = labelsFor(modelFits, head, index, heads.length);
    const metrics = metricsFor(compile, head, index, heads.length, flavour);
    contexts.push({
      compile, head, loss, lossArg: arg, metrics: metrics.sure, possibleMetrics: metrics.possible, labels: labels.labels,
      labelsArg: labels.arg, fitted: modelFits.length > 0, flavour, style, where,
    });
  });
  return contexts;
}

function lossFor(compile: CompileCall, head: Head, index: number, count: number): { loss: LossInfo | null; arg: SyntaxNode | null } {
  const spec = compile.loss;
  switch (spec.k) {
    case 'single':
      return { loss: spec.loss, arg: spec.arg };
    case 'dict': {
      const entry = head.name ? spec.entries.get(head.name) : undefined;
      return entry ? { loss: entry.loss, arg: entry.arg } : { loss: null, arg: null };
    }
    case 'list': {
      const item = spec.items.length === count ? spec.items[index] : undefined;
      return item ? { loss: item.loss, arg: item.arg } : { loss: null, arg: null };
    }
    default:
      return { loss: null, arg: null };
  }
}

function metricsFor(compile: CompileCall, head: Head, index: number, count: number, flavour: FlavourInfo): { sure: MetricInfo[]; possible: MetricInfo[] } {
  const spec = compile.metrics;
  const all = (items: MetricInfo[]) => ({ sure: items, possible: items });
  switch (spec.k) {
    case 'list': {
      // Keras 2 gives every output every metric of a flat list. Keras 3 gives a model with several
      // outputs one entry per output, and refuses a list of another length (or one hidden by a
      // *splat). Either way the entry at an output's own position is computed on it.
      if (count < 2 || (flavour.flavour !== 'keras3' && flavour.flavour !== 'unknown')) return all(spec.items);
      const own = spec.byPosition?.length === count ? spec.byPosition[index] : undefined;
      if (flavour.flavour === 'keras3') return own === undefined ? { sure: [], possible: spec.items } : all(own ? [own] : []);
      return own === undefined ? all(spec.items) : { sure: own ? [own] : [], possible: spec.items };
    }
    case 'dict':
      return all((head.name ? spec.entries.get(head.name) : undefined) ?? []);
    case 'perOutput':
      return all(spec.items.length === count ? spec.items[index] : []);
    default:
      return all([]);
  }
}

/** The labels every fit of this model agrees on; null when unknown or when fits disagree. */
function labelsFor(fits: FitCall[], head: Head, index: number, count: number): { labels: LabelInfo | null; arg: SyntaxNode | null } {
  if (fits.length === 0) return { labels: null, arg: null };
  let found: LabelInfo | null = null;
  let arg: SyntaxNode | null = null;
  for (const fit of fits) {
    let labels: LabelInfo | null = null;
    if (fit.perOutput instanceof Map) labels = head.name ? fit.perOutput.get(head.name) ?? null : null;
    else if (Array.isArray(fit.perOutput)) labels = fit.perOutput.length === count ? fit.perOutput[index] : null;
    else if (count === 1) labels = fit.labels;
    if (!labels || labels.format === 'unknown') return { labels: null, arg: null };
    if (found && (found.format !== labels.format || found.classes !== labels.classes)) return { labels: null, arg: null };
    found ??= labels;
    if (!arg) arg = fitLabelsArg(fit.call);
  }
  // The labels argument is what a fix would wrap: with several fits, wrapping one would leave the others.
  return { labels: found, arg: fits.length === 1 ? arg : null };
}

function fitLabelsArg(call: SyntaxNode): SyntaxNode | null {
  const args = call.childForFieldName('arguments');
  if (!args) return null;
  const named = args.namedChildren.filter((c): c is SyntaxNode => !!c && c.type !== 'comment');
  const keyword = named.find((c) => c.type === 'keyword_argument' && c.childForFieldName('name')?.text === 'y');
  if (keyword) return keyword.childForFieldName('value');
  const positional = named.filter((c) => c.type !== 'keyword_argument' && c.type !== 'list_splat' && c.type !== 'dictionary_splat');
  return positional[1] ?? null;
}

// ---- what 'accuracy' becomes ----------------------------------------------------------------

export type Era = 'loss' | 'shape';

/** The eras the detected flavour may be in: loss-based (keras1/keras2, v1 graph mode) or shape-based. */
export function erasOf(flavour: FlavourInfo): Era[] {
  // Graph mode brings back tf.keras's loss-based rule; Keras 3 has no such mode.
  if (flavour.legacyGraphMode && flavour.flavour !== 'keras3') return ['loss'];
  switch (flavour.flavour) {
    case 'keras1':
    case 'keras2':
      return ['loss'];
    case 'tf-keras2':
    case 'keras3':
      return ['shape'];
    default:
      return ['loss', 'shape'];
  }
}

/** Keras ≤ 2.3 / tf.keras ≤ 2.1: width 1 or binary_crossentropy → binary; sparse loss → sparse; else categorical. */
export function accuracyInLossEra(lossId: string | null, units: number | null): string | null {
  if (units === 1 || lossId === 'binary_crossentropy') return 'binary_accuracy';
  if (lossId === 'sparse_categorical_crossentropy') return 'sparse_categorical_accuracy';
  if (units === null || lossId === null) return null;
  return 'categorical_accuracy';
}

/** tf.keras ≥ 2.2 / Keras 3: output width 1 → binary; integer labels → sparse; else categorical. */
export function accuracyInShapeEra(lossId: string | null, units: number | null, labels: LabelInfo | null): string | null {
  if (units === 1) return 'binary_accuracy';
  if (units === null) return null;
  const format = labels?.format;
  if (format === 'int' || format === 'binary') return 'sparse_categorical_accuracy';
  if (format === 'onehot' || format === 'multihot') return 'categorical_accuracy';
  if (format === undefined || format === 'unknown') {
    // The loss fixes the label shape Keras will see when it runs at all.
    if (lossId === 'sparse_categorical_crossentropy') return 'sparse_categorical_accuracy';
    if (lossId === 'categorical_crossentropy' || lossId === 'binary_crossentropy') return 'categorical_accuracy';
  }
  return null;
}

export function accuracyFor(context: OutputContext): { era: Era; metric: string | null }[] {
  const lossId = context.loss?.id ?? null;
  return erasOf(context.flavour).map((era) => ({
    era,
    metric: era === 'loss' ? accuracyInLossEra(lossId, context.head.units) : accuracyInShapeEra(lossId, context.head.units, context.labels),
  }));
}

export const ERA_NAMES: Record<Era, string> = {
  loss: 'Keras 1 / Keras ≤ 2.3 / tf.keras ≤ 2.1',
  shape: 'tf.keras ≥ 2.2 / Keras 3',
};
