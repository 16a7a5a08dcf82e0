// Hover texts (markdown) for losses, activations, metrics and the training contract of a compile
// call, and the lookup of what name sits under an offset in the syntax tree. Editor-agnostic: the
// language server turns these into LSP hovers. The facts are keras-facts.md §1–§3.
import type { SyntaxNode } from './syntax';
import { activationNameOf, lossIdOf, metricIdOf } from './model/kerasNames';
import { ERA_NAMES } from './rules/context';
import type { Flavour, FlavourInfo, HeadSummary, LabelSummary, Span, TrainingContract } from './types';

export type HoverTarget =
  | { kind: 'loss'; id: string; written: string; span: Span }
  | { kind: 'activation'; name: string; written: string; span: Span }
  | { kind: 'metric'; id: string; written: string; form: 'string' | 'object'; span: Span }
  | { kind: 'compile'; span: Span };

const OLD = ERA_NAMES.loss;
const NEW = ERA_NAMES.shape;

// ---- losses ----------------------------------------------------------------------------------

interface LossDoc {
  computes: string;
  head: string;
  labels: string;
  fromLogits: string;
  accuracyOld: string;
  accuracyNew: string;
  docs: string;
  note?: string;
}

const PROBABILISTIC = 'https://keras.io/api/losses/probabilistic_losses/';
const REGRESSION = 'https://keras.io/api/losses/regression_losses/';
const HINGE = 'https://keras.io/api/losses/hinge_losses/';

const NO_LOGITS = 'not a parameter of this loss: it compares the raw outputs.';
const REGRESSION_ACCURACY_OLD = "categorical_accuracy (binary_accuracy on a 1-unit head): meaningless for a regression target — use 'mae'.";
const REGRESSION_ACCURACY_NEW = "chosen from shapes (binary_accuracy on a 1-unit head): meaningless for a regression target — use 'mae'.";
const CCE_LOGITS = 'True makes the loss apply softmax itself: use it with a linear head (no activation). The default False expects probabilities; raw scores would be clipped to [1e-7, 1 − 1e-7] and training stalls.';
const BCE_LOGITS = 'True makes the loss apply sigmoid itself: use it with a linear head (no activation). The default False expects probabilities; raw scores would be clipped to [1e-7, 1 − 1e-7] and training stalls.';

const LOSS_DOCS: Record<string, LossDoc> = {
  binary_crossentropy: {
    computes: '−(y·log p + (1 − y)·log(1 − p)) per output, averaged over the last axis; p is clipped to [1e-7, 1 − 1e-7], not rescaled. N outputs are N independent yes/no questions.',
    head: "1 unit with sigmoid (binary), or N units with sigmoid (multi-label). Not a softmax over more than 2 classes: that scores each class as an independent yes/no (KL002).",
    labels: '0/1 per output: shape (N, 1) for binary, multi-hot (N, C) for multi-label.',
    fromLogits: BCE_LOGITS,
    accuracyOld: 'binary_accuracy, whatever the head width — on a 10-way softmax it reads over 0.8 from the start (KL001).',
    accuracyNew: "binary_accuracy on a 1-unit head; on a head of N > 1 units categorical_accuracy, an argmax match that means nothing for multi-label (KL001): name 'binary_accuracy' explicitly.",
    docs: `${PROBABILISTIC}#binarycrossentropy-class`,
  },
  categorical_crossentropy: {
    computes: '−Σ y·log p over the class axis, after p is rescaled to sum to 1 and clipped to [1e-7, 1 − 1e-7]. On a 1-unit output the rescaled p is always 1, so the loss is identically 0 and nothing trains (KL005).',
    head: 'C ≥ 2 units with softmax: one choice among C classes.',
    labels: 'one-hot rows of width C, e.g. to_categorical(y, C). Integer class ids fail at fit with a shape error: use sparse_categorical_crossentropy for them (KL006).',
    fromLogits: CCE_LOGITS,
    accuracyOld: 'categorical_accuracy (binary_accuracy on a 1-unit head).',
    accuracyNew: 'categorical_accuracy with one-hot labels (binary_accuracy on a 1-unit head).',
    docs: `${PROBABILISTIC}#categoricalcrossentropy-class`,
  },
  sparse_categorical_crossentropy: {
    computes: '−log p[y] for the integer class id y: the same quantity as categorical_crossentropy, without one-hot labels.',
    head: 'C ≥ 2 units with softmax: one choice among C classes.',
    labels: 'integer class ids 0 … C − 1, shape (N,) or (N, 1). One-hot labels fail at fit (KL007). Ids ≥ C are an error on CPU and garbage on some GPUs.',
    fromLogits: CCE_LOGITS,
    accuracyOld: 'sparse_categorical_accuracy.',
    accuracyNew: 'sparse_categorical_accuracy with integer labels (binary_accuracy on a 1-unit head).',
    docs: `${PROBABILISTIC}#sparsecategoricalcrossentropy-class`,
  },
  binary_focal_crossentropy: {
    computes: 'binary crossentropy with each term scaled by (1 − p_t)^γ (γ = 2 by default), so easy, confident examples count less.',
    head: '1 unit with sigmoid (binary) or N units with sigmoid (multi-label).',
    labels: '0/1 per output.',
    fromLogits: BCE_LOGITS,
    accuracyOld: 'this loss does not exist there.',
    accuracyNew: "binary_accuracy on a 1-unit head; categorical_accuracy on N > 1 units (wrong for multi-label: name 'binary_accuracy').",
    docs: `${PROBABILISTIC}#binaryfocalcrossentropy-class`,
    note: "As a string: tf.keras ≥ 2.8 and Keras ≥ 3.2.",
  },
  categorical_focal_crossentropy: {
    computes: 'categorical crossentropy with each term scaled by (1 − p)^γ (γ = 2 by default), so easy, confident examples count less.',
    head: 'C ≥ 2 units with softmax.',
    labels: 'one-hot rows of width C.',
    fromLogits: CCE_LOGITS,
    accuracyOld: 'this loss does not exist there.',
    accuracyNew: 'categorical_accuracy with one-hot labels.',
    docs: `${PROBABILISTIC}#categoricalfocalcrossentropy-class`,
    note: 'As a string: tf.keras ≥ 2.13 and Keras ≥ 3.2.',
  },
  mse: {
    computes: 'mean of (y − p)² over the last axis.',
    head: 'a linear head for unbounded targets (sigmoid only for targets in [0, 1]). On a softmax classifier it trains weakly: use a crossentropy (KL010).',
    labels: 'continuous values of the output’s shape.',
    fromLogits: NO_LOGITS,
    accuracyOld: REGRESSION_ACCURACY_OLD,
    accuracyNew: REGRESSION_ACCURACY_NEW,
    docs: `${REGRESSION}#meansquarederror-class`,
  },
  mae: {
    computes: 'mean of |y − p| over the last axis.',
    head: 'a linear head for unbounded targets. On a softmax classifier it trains weakly: use a crossentropy (KL010).',
    labels: 'continuous values of the output’s shape.',
    fromLogits: NO_LOGITS,
    accuracyOld: REGRESSION_ACCURACY_OLD,
    accuracyNew: REGRESSION_ACCURACY_NEW,
    docs: `${REGRESSION}#meanabsoluteerror-class`,
  },
  mape: {
    computes: '100 · mean of |(y − p) / y| over the last axis (y near 0 blows it up).',
    head: 'a linear head.',
    labels: 'continuous, non-zero values.',
    fromLogits: NO_LOGITS,
    accuracyOld: REGRESSION_ACCURACY_OLD,
    accuracyNew: REGRESSION_ACCURACY_NEW,
    docs: `${REGRESSION}#meanabsolutepercentageerror-class`,
  },
  msle: {
    computes: 'mean of (log(1 + y) − log(1 + p))² over the last axis: relative errors of positive values.',
    head: 'a non-negative output (linear, relu or softplus). On a softmax classifier it trains weakly (KL010).',
    labels: 'non-negative continuous values.',
    fromLogits: NO_LOGITS,
    accuracyOld: REGRESSION_ACCURACY_OLD,
    accuracyNew: REGRESSION_ACCURACY_NEW,
    docs: `${REGRESSION}#meansquaredlogarithmicerror-class`,
  },
  huber: {
    computes: '½·e² where |e| = |y − p| ≤ δ, δ·(|e| − ½δ) beyond (δ = 1): squared error that is robust to outliers.',
    head: 'a linear head. On a softmax classifier it trains weakly (KL010).',
    labels: 'continuous values.',
    fromLogits: NO_LOGITS,
    accuracyOld: REGRESSION_ACCURACY_OLD,
    accuracyNew: REGRESSION_ACCURACY_NEW,
    docs: `${REGRESSION}#huber-class`,
  },
  log_cosh: {
    computes: 'mean of log(cosh(p − y)): about ½e² for small errors, |e| − log 2 for large ones.',
    head: 'a linear head. On a softmax classifier it trains weakly (KL010).',
    labels: 'continuous values.',
    fromLogits: NO_LOGITS,
    accuracyOld: REGRESSION_ACCURACY_OLD,
    accuracyNew: REGRESSION_ACCURACY_NEW,
    docs: `${REGRESSION}#logcosh-class`,
    note: "'logcosh' is a Keras 2 spelling; Keras 3 accepts 'log_cosh'.",
  },
  kld: {
    computes: 'Σ y·log(y / p) over the last axis: how far the predicted distribution is from the target distribution.',
    head: 'a softmax head (a probability distribution).',
    labels: 'probability distributions (rows summing to 1), e.g. soft labels.',
    fromLogits: NO_LOGITS,
    accuracyOld: 'categorical_accuracy (binary_accuracy on a 1-unit head).',
    accuracyNew: 'chosen from shapes: categorical_accuracy for distribution labels (binary_accuracy on a 1-unit head).',
    docs: `${PROBABILISTIC}#kldivergence-class`,
  },
  hinge: {
    computes: 'mean of max(0, 1 − y·p): a margin loss; 0/1 labels are turned into −1/1.',
    head: '1 unit, linear or tanh (not sigmoid: outputs must reach below 0).',
    labels: '−1/1 (or 0/1) per output.',
    fromLogits: NO_LOGITS,
    accuracyOld: 'binary_accuracy on a 1-unit head (it thresholds at 0.5, which does not match ±1 outputs).',
    accuracyNew: 'binary_accuracy on a 1-unit head (it thresholds at 0.5, which does not match ±1 outputs).',
    docs: `${HINGE}#hinge-class`,
  },
  squared_hinge: {
    computes: 'mean of max(0, 1 − y·p)²; 0/1 labels are turned into −1/1.',
    head: '1 unit, linear or tanh.',
    labels: '−1/1 (or 0/1) per output.',
    fromLogits: NO_LOGITS,
    accuracyOld: 'binary_accuracy on a 1-unit head (it thresholds at 0.5, which does not match ±1 outputs).',
    accuracyNew: 'binary_accuracy on a 1-unit head (it thresholds at 0.5, which does not match ±1 outputs).',
    docs: `${HINGE}#squaredhinge-class`,
  },
  categorical_hinge: {
    computes: 'max(0, 1 + max over wrong classes of p − p of the true class): a multi-class margin loss.',
    head: 'C units, linear (or softmax).',
    labels: 'one-hot rows of width C.',
    fromLogits: NO_LOGITS,
    accuracyOld: 'categorical_accuracy.',
    accuracyNew: 'categorical_accuracy with one-hot labels.',
    docs: `${HINGE}#categoricalhinge-class`,
  },
  poisson: {
    computes: 'mean of p − y·log(p): the negative log-likelihood of counts with rate p.',
    head: 'a positive output (exponential or softplus).',
    labels: 'non-negative counts.',
    fromLogits: NO_LOGITS,
    accuracyOld: REGRESSION_ACCURACY_OLD,
    accuracyNew: REGRESSION_ACCURACY_NEW,
    docs: `${PROBABILISTIC}#poisson-class`,
  },
  cosine_similarity: {
    computes: '−Σ (y / ‖y‖)·(p / ‖p‖): only the direction of the output counts; values in [−1, 1], lower is better.',
    head: 'any vector output (embeddings).',
    labels: 'target vectors of the output’s shape.',
    fromLogits: NO_LOGITS,
    accuracyOld: REGRESSION_ACCURACY_OLD,
    accuracyNew: REGRESSION_ACCURACY_NEW,
    docs: `${REGRESSION}#cosinesimilarity-class`,
  },
};

/** Every canonical loss id with a hover text. */
export const HOVERED_LOSSES = Object.keys(LOSS_DOCS);

/** Markdown for a loss (canonical id, as lossIdOf returns), or null for an unknown one. */
export function lossHover(id: string, written: string = id): string | null {
  const doc = LOSS_DOCS[id];
  if (!doc) return null;
  const title = written === id ? `**${id}** — Keras loss` : `**${written}** — Keras loss \`${id}\``;
  return [
    title,
    '',
    `Computes: ${doc.computes}`,
    '',
    `- **Head:** ${doc.head}`,
    `- **Labels:** ${doc.labels}`,
    `- **from_logits:** ${doc.fromLogits}`,
    `- **'accuracy' next to it:**`,
    `  - ${OLD}: ${doc.accuracyOld}`,
    `  - ${NEW}: ${doc.accuracyNew}`,
    ...(doc.note ? ['', doc.note] : []),
    '',
    `[Keras documentation](${doc.docs})`,
  ].join('\n');
}

// ---- activations -----------------------------------------------------------------------------

interface ActivationDoc {
  computes: string;
  use: string;
  accuracy?: [string, string];
}

const UNBOUNDED_USE = 'its outputs are not probabilities: as an output layer it suits regression only. A crossentropy loss on it is meaningless unless from_logits=True (KL015).';

const ACTIVATION_DOCS: Record<string, ActivationDoc> = {
  softmax: {
    computes: 'exp(xᵢ) / Σⱼ exp(xⱼ) over the last axis: the outputs are positive and sum to 1, one choice among C classes.',
    use: 'an output head of C ≥ 2 units (on 1 unit it always outputs 1.0: KL004), with categorical_crossentropy (one-hot labels) or sparse_categorical_crossentropy (integer labels). Not with binary_crossentropy for C > 2 (KL002); not together with from_logits=True, which applies softmax a second time (KL008).',
    accuracy: [
      "from the loss: categorical_accuracy, sparse_categorical_accuracy with sparse_categorical_crossentropy, but binary_accuracy with binary_crossentropy (KL001).",
      'from the labels: categorical_accuracy for one-hot, sparse_categorical_accuracy for integer labels.',
    ],
  },
  sigmoid: {
    computes: '1 / (1 + exp(−x)) for each unit separately: each output is an independent probability in (0, 1).',
    use: '1 unit for binary classification, N units for multi-label classification, with binary_crossentropy. Not with categorical_crossentropy, which expects outputs that compete (KL003).',
    accuracy: [
      'binary_accuracy (with binary_crossentropy, at any width).',
      "binary_accuracy on 1 unit; on N > 1 units categorical_accuracy, an argmax match that is wrong for multi-label (KL001): name 'binary_accuracy'.",
    ],
  },
  linear: {
    computes: 'the identity: raw, unbounded scores (logits). Also what `activation=None` or no activation gives.',
    use: 'regression heads (with mse/mae), or classification logits with a crossentropy loss given from_logits=True (without it the scores are clipped and training stalls: KL009).',
  },
  relu: { computes: 'max(0, x).', use: UNBOUNDED_USE },
  tanh: { computes: '(eˣ − e⁻ˣ) / (eˣ + e⁻ˣ), in (−1, 1).', use: `${UNBOUNDED_USE} It suits hinge losses with −1/1 labels.` },
  elu: { computes: 'x for x > 0, α(eˣ − 1) below.', use: UNBOUNDED_USE },
  selu: { computes: 'a scaled elu (self-normalising).', use: UNBOUNDED_USE },
  softplus: { computes: 'log(1 + eˣ), positive.', use: `${UNBOUNDED_USE} It suits positive targets (poisson).` },
  softsign: { computes: 'x / (1 + |x|), in (−1, 1).', use: UNBOUNDED_USE },
  exponential: { computes: 'eˣ, positive.', use: `${UNBOUNDED_USE} It suits positive targets (poisson).` },
  gelu: { computes: 'x · Φ(x), Φ the standard normal CDF.', use: UNBOUNDED_USE },
  silu: { computes: 'x · sigmoid(x) (also called swish).', use: UNBOUNDED_USE },
  leaky_relu: { computes: 'x for x > 0, αx below.', use: UNBOUNDED_USE },
  relu6: { computes: 'min(max(0, x), 6).', use: UNBOUNDED_USE },
  log_softmax: { computes: 'x − log Σ exp(x): log-probabilities (≤ 0).', use: UNBOUNDED_USE },
  mish: { computes: 'x · tanh(softplus(x)).', use: UNBOUNDED_USE },
  hard_sigmoid: {
    computes: 'a piecewise-linear sigmoid clipped to [0, 1].',
    use: 'binary or multi-label heads like sigmoid, but it reaches exactly 0 and 1, where crossentropy is clipped.',
  },
};

const ACTIVATIONS_URL = 'https://keras.io/api/layers/activations/';

/** Every canonical activation name with a hover text. */
export const HOVERED_ACTIVATIONS = Object.keys(ACTIVATION_DOCS);

export function activationHover(name: string, written: string = name): string | null {
  const id = activationNameOf(name);
  const doc = ACTIVATION_DOCS[id];
  if (!doc) return null;
  const title = written === id ? `**${id}** — Keras activation` : `**${written}** — Keras activation \`${id}\``;
  const lines = [title, '', `Computes: ${doc.computes}`, '', `- **Use:** ${doc.use}`];
  if (doc.accuracy) lines.push(`- **'accuracy' on this head:**`, `  - ${OLD}: ${doc.accuracy[0]}`, `  - ${NEW}: ${doc.accuracy[1]}`);
  lines.push('', `[Keras documentation](${ACTIVATIONS_URL}#${id.replace(/_/g, '')}-function)`);
  return lines.join('\n');
}

// ---- metrics ---------------------------------------------------------------------------------

const ACCURACY_METRICS_URL = 'https://keras.io/api/metrics/accuracy_metrics/';

const METRIC_DOCS: Record<string, { computes: string; use: string; docs: string }> = {
  binary_accuracy: {
    computes: 'the fraction of outputs where (p > 0.5) equals the 0/1 label, averaged over every output unit.',
    use: 'binary (1-unit sigmoid) and multi-label (N-unit sigmoid) heads. On a softmax head it counts every non-chosen class as a correct "no".',
    docs: `${ACCURACY_METRICS_URL}#binaryaccuracy-class`,
  },
  categorical_accuracy: {
    computes: 'how often argmax(p) equals argmax(y).',
    use: 'single-label softmax heads with one-hot labels. On a multi-label head it is an argmax match that means nothing.',
    docs: `${ACCURACY_METRICS_URL}#categoricalaccuracy-class`,
  },
  sparse_categorical_accuracy: {
    computes: 'how often argmax(p) equals the integer label y.',
    use: 'single-label softmax heads with integer class ids.',
    docs: `${ACCURACY_METRICS_URL}#sparsecategoricalaccuracy-class`,
  },
  top_k_categorical_accuracy: {
    computes: 'how often the true class (argmax of the one-hot y) is among the k highest outputs (k = 5).',
    use: 'softmax heads with one-hot labels.',
    docs: `${ACCURACY_METRICS_URL}#topkcategoricalaccuracy-class`,
  },
  sparse_top_k_categorical_accuracy: {
    computes: 'how often the integer label is among the k highest outputs (k = 5).',
    use: 'softmax heads with integer labels.',
    docs: `${ACCURACY_METRICS_URL}#sparsetopkcategoricalaccuracy-class`,
  },
  Accuracy: {
    computes: 'how often the prediction exactly equals the label (y == p).',
    use: 'predictions that are already class ids (e.g. after argmax). On probabilities it is about 0 (KL011): use CategoricalAccuracy, SparseCategoricalAccuracy or BinaryAccuracy.',
    docs: `${ACCURACY_METRICS_URL}#accuracy-class`,
  },
  mae: {
    computes: 'mean of |y − p|.',
    use: 'regression; the metric to report where accuracy is meaningless.',
    docs: 'https://keras.io/api/metrics/regression_metrics/#meanabsoluteerror-class',
  },
  mse: {
    computes: 'mean of (y − p)².',
    use: 'regression.',
    docs: 'https://keras.io/api/metrics/regression_metrics/#meansquarederror-class',
  },
};

function accuracyStringHover(written: string, resolvedHere: string | null): string {
  const lines = [
    `**'${written}'** — Keras metric: the accuracy Keras picks for you`,
    '',
    'Keras replaces it with a concrete accuracy, and how it chooses changed between versions:',
    '',
    `- ${OLD} (and tf.keras with eager execution disabled): from the **loss** — binary_accuracy when the output has 1 unit **or the loss is binary_crossentropy**, sparse_categorical_accuracy with sparse_categorical_crossentropy, categorical_accuracy otherwise. The labels are never looked at.`,
    `- ${NEW}: from the **shapes** — binary_accuracy when the output has 1 unit, sparse_categorical_accuracy when the labels are integer ids, categorical_accuracy otherwise (also on multi-label sigmoid heads, where it means nothing).`,
  ];
  if (written !== written.toLowerCase()) {
    lines.push('', `Written '${written}' (not lower-case): before tf.keras 2.6 this names the exact-match \`Accuracy\` metric (about 0 on probabilities, KL011); from tf.keras 2.6 and in Keras 3 it is lower-cased to 'accuracy'.`);
  }
  if (written.toLowerCase() === 'acc') lines.push('', "'acc' is the same metric; the history key follows the name given ('acc', 'val_acc').");
  if (resolvedHere) lines.push('', `**Here:** → ${resolvedHere}`);
  lines.push('', `Name the metric you mean ('binary_accuracy', 'categorical_accuracy', 'sparse_categorical_accuracy') to make it version-proof.`);
  lines.push('', `[Keras documentation](${ACCURACY_METRICS_URL})`);
  return lines.join('\n');
}

/**
 * Markdown for a metric as written: a string ('accuracy', 'binary_accuracy', ...) or a class /
 * function name (form 'object'). `resolvedHere` is what the analysis says 'accuracy' becomes at this spot.
 */
export function metricHover(written: string, form: 'string' | 'object' = 'string', resolvedHere: string | null = null): string | null {
  const id = metricIdOf(written, form === 'string' ? 'string' : 'object');
  if (id === 'accuracy') return accuracyStringHover(written, resolvedHere);
  const doc = METRIC_DOCS[id];
  if (!doc) return null;
  const title = written === id ? `**${id}** — Keras metric` : `**${written}** — Keras metric \`${id}\``;
  return [title, '', `Computes: ${doc.computes}`, '', `- **Use:** ${doc.use}`, '', `[Keras documentation](${doc.docs})`].join('\n');
}

// ---- the training contract (hover on compile) -------------------------------------------------

const FLAVOUR_NAMES: Record<Flavour, string> = {
  keras1: 'Keras 1',
  keras2: 'Keras 2 (standalone Keras 2.0–2.3, tf.keras ≤ 2.1)',
  'tf-keras2': 'tf.keras 2.2–2.15 / tf_keras',
  keras3: 'Keras 3 (also tf.keras from TF 2.16)',
  unknown: 'unknown',
};

const LABEL_FORMATS: Record<LabelSummary['format'], string> = {
  int: 'integer class ids',
  onehot: 'one-hot',
  binary: '0/1 labels',
  multihot: 'multi-hot',
  continuous: 'continuous values',
  unknown: 'unknown format',
};

function describeHead(head: HeadSummary, where: (span: Span) => string): string {
  const units = head.units === null ? 'unknown width' : `${head.units} unit${head.units === 1 ? '' : 's'}`;
  const activation = head.activation === null || head.activation === 'unknown' ? 'unknown activation' : head.activation;
  const name = head.name ? `'${head.name}': ` : '';
  return `${name}${units}, ${activation}${head.span ? ` (${where(head.span)})` : ''}`;
}

function describeLabels(labels: LabelSummary | null, where: (span: Span) => string): string {
  if (!labels) return 'unknown (no `fit` with labels keras-lint can follow)';
  const classes = labels.classes === null ? '' : `, ${labels.classes} classes`;
  const at = labels.span ? `, ${where(labels.span)}` : '';
  return `${LABEL_FORMATS[labels.format]}${classes} — from ${labels.origin}${at}`;
}

export function describeFlavour(flavour: FlavourInfo): string {
  const name = FLAVOUR_NAMES[flavour.flavour];
  const evidence = flavour.evidence.length ? flavour.evidence.join('; ') : 'no version evidence in the settings, the workspace or the code';
  const source = { setting: 'from the setting', workspace: 'from the workspace', code: 'from the code', none: '' }[flavour.source];
  return `${name} — ${source ? `${source}: ` : ''}${evidence}`;
}

/** Markdown for the hover on `compile`: what keras-lint inferred about this training setup. */
export function contractHover(contract: TrainingContract, where: (span: Span) => string): string {
  const lines = ['**Training contract** — keras-lint', ''];
  if (contract.heads.length === 0) {
    lines.push('keras-lint could not tell which model is compiled here, so it checks nothing at this call.', '');
    lines.push(`- **Keras flavour:** ${describeFlavour(contract.flavour)}`);
    return lines.join('\n');
  }
  const heads = contract.heads.map((h) => describeHead(h, where));
  if (heads.length === 1) lines.push(`- **Head:** ${heads[0]}`);
  else lines.push(`- **Heads:**`, ...heads.map((h) => `  - ${h}`));
  lines.push(`- **Labels:** ${describeLabels(contract.labels, where)}`);
  const logits = contract.fromLogits === null ? '' : `, from_logits=${contract.fromLogits ? 'True' : 'False'}`;
  lines.push(`- **Loss:** ${contract.loss ?? 'unknown'}${contract.loss ? logits : ''}`);
  lines.push(`- **'accuracy' is computed as:** ${contract.accuracy ?? 'unknown'}`);
  lines.push(`- **Keras flavour:** ${describeFlavour(contract.flavour)}`);
  if (contract.flavour.legacyGraphMode) lines.push('', 'Eager execution is disabled in this file: tf.keras picks the accuracy from the loss, as Keras 2 did.');
  return lines.join('\n');
}

// ---- what is under the cursor -----------------------------------------------------------------

const LOSS_KEYWORDS = new Set(['loss']);
const METRIC_KEYWORDS = new Set(['metrics', 'weighted_metrics']);
const ACTIVATION_KEYWORDS = new Set(['activation', 'classifier_activation', 'recurrent_activation']);
/** Names short or common enough that only a `losses.` / `metrics.` prefix makes them Keras. */
const SHORT_LOSS_NAMES = new Set(['mse', 'mae', 'mape', 'msle', 'kld', 'huber', 'hinge', 'poisson', 'logcosh', 'cosine', 'MSE', 'MAE', 'MAPE', 'MSLE', 'KLD', 'BCE', 'bce']);

type Context = 'loss' | 'metric' | 'activation' | 'other' | null;

/** The name under `offset`: a string literal, an identifier, or the last part of a dotted name. */
export function hoverTargetAt(root: SyntaxNode, offset: number): HoverTarget | null {
  if (offset < 0 || offset > root.endIndex) return null;
  const node = root.descendantForIndex(offset);
  if (!node) return null;
  const str = enclosingString(node);
  if (str) return stringTarget(str);
  if (node.type === 'identifier') return identifierTarget(node);
  return null;
}

function enclosingString(node: SyntaxNode): SyntaxNode | null {
  let n: SyntaxNode | null = node;
  for (let i = 0; n && i < 2; i++, n = n.parent) if (n.type === 'string') return n;
  return null;
}

function spanOf(node: SyntaxNode): Span {
  return { start: node.startIndex, end: node.endIndex };
}

function stringTarget(str: SyntaxNode): HoverTarget | null {
  const start = str.children.find((c) => c?.type === 'string_start');
  if (!start || /[fbFB]/.test(start.text)) return null;
  const parts = str.children.filter((c) => c && c.type !== 'string_start' && c.type !== 'string_end');
  if (parts.length !== 1 || parts[0]!.type !== 'string_content') return null;
  const content = parts[0]!.text;
  const context = stringContext(str);
  const span = spanOf(str);
  if (context === 'other') return null;
  if (context === 'loss' || context === null) {
    const id = lossIdOf(content);
    if (id) return { kind: 'loss', id, written: content, span };
  }
  if (context === 'metric' || context === null) {
    const id = metricIdOf(content, 'string');
    if (id === 'accuracy' || METRIC_DOCS[id]) return { kind: 'metric', id, written: content, form: 'string', span };
  }
  if (context === 'activation' || context === null) {
    const name = activationNameOf(content);
    // Outside an activation argument only the unmistakable names count ('linear' is also an interpolation mode).
    if (ACTIVATION_DOCS[name] && (context === 'activation' || name === 'softmax' || name === 'sigmoid')) {
      return { kind: 'activation', name, written: content, span };
    }
  }
  return null;
}

/** Where a string literal is used: a loss/metrics/activation argument, another keyword, or unknown (null). */
function stringContext(str: SyntaxNode): Context {
  let child: SyntaxNode = str;
  let parent = str.parent;
  while (parent && ['list', 'tuple', 'parenthesized_expression', 'pair', 'dictionary'].includes(parent.type)) {
    if (parent.type === 'pair' && parent.childForFieldName('value')?.id !== child.id) return 'other';
    child = parent;
    parent = parent.parent;
  }
  if (!parent) return null;
  if (parent.type === 'keyword_argument') {
    const name = parent.childForFieldName('name')?.text ?? '';
    if (LOSS_KEYWORDS.has(name)) return 'loss';
    if (METRIC_KEYWORDS.has(name)) return 'metric';
    if (ACTIVATION_KEYWORDS.has(name)) return 'activation';
    return 'other';
  }
  if (parent.type === 'argument_list') {
    const callee = lastName(parent.parent?.childForFieldName('function') ?? null);
    const index = parent.namedChildren.filter((c) => c && c.type !== 'comment').findIndex((c) => c!.id === child.id);
    if (callee === 'Activation' && index === 0) return 'activation';
    if (callee === 'Dense' && index === 1) return 'activation';
    if (callee === 'compile') return index === 1 ? 'loss' : index === 2 ? 'metric' : 'other';
  }
  return null;
}

function lastName(fn: SyntaxNode | null): string | null {
  if (!fn) return null;
  if (fn.type === 'identifier') return fn.text;
  if (fn.type === 'attribute') return fn.childForFieldName('attribute')?.text ?? null;
  return null;
}

function identifierTarget(id: SyntaxNode): HoverTarget | null {
  const parent = id.parent;
  const isAttributeName = parent?.type === 'attribute' && parent.childForFieldName('attribute')?.id === id.id;
  // Only the last part of a dotted name (or a bare name) names a loss/metric/activation.
  if (parent?.type === 'attribute' && !isAttributeName) return null;
  const name = id.text;
  const prefix = isAttributeName ? parent!.childForFieldName('object')?.text ?? '' : '';
  const span = spanOf(id);

  if (name === 'compile' && isAttributeName && parent!.parent?.type === 'call' && parent!.parent.childForFieldName('function')?.id === parent!.id) {
    return { kind: 'compile', span };
  }
  const module = prefix.split('.').pop() ?? '';
  if (module === 'metrics') {
    const metric = metricIdOf(name, 'object');
    if (METRIC_DOCS[metric]) return { kind: 'metric', id: metric, written: name, form: 'object', span };
  }
  const lossId = lossIdOf(name);
  if (lossId && (module === 'losses' || (!SHORT_LOSS_NAMES.has(name) && module !== 'metrics'))) return { kind: 'loss', id: lossId, written: name, span };
  if (!isAttributeName || module !== 'metrics') {
    const metric = /^[A-Z]/.test(name) ? metricIdOf(name, 'object') : null;
    if (metric && METRIC_DOCS[metric] && metric !== 'mae' && metric !== 'mse') return { kind: 'metric', id: metric, written: name, form: 'object', span };
  }
  if (name === 'Softmax') return { kind: 'activation', name: 'softmax', written: name, span };
  if (isAttributeName && ['nn', 'activations', 'math', 'tf', 'K', 'backend'].includes(module)) {
    const activation = activationNameOf(name);
    if (ACTIVATION_DOCS[activation] && activation !== 'linear') return { kind: 'activation', name: activation, written: name, span };
    if (name === 'linear' && module === 'activations') return { kind: 'activation', name: 'linear', written: name, span };
  }
  return null;
}

/** The markdown for a non-compile target. */
export function hoverText(target: Exclude<HoverTarget, { kind: 'compile' }>, resolvedAccuracy: string | null = null): string | null {
  switch (target.kind) {
    case 'loss':
      return lossHover(target.id, target.written);
    case 'activation':
      return activationHover(target.name, target.written);
    case 'metric':
      return metricHover(target.written, target.form, resolvedAccuracy);
  }
}
