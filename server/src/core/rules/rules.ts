// The rules of rules.md. Each one looks at one output of one compiled model (or at a model's head)
// and speaks only on known facts: a resolved head, a known loss, labels of known provenance.
import type { SyntaxNode } from '../syntax';
import { RULES, ruleUrl } from '../catalog';
import type { Head } from '../model/heads';
import { CROSSENTROPY_LOSSES, LOSS_CLASS, metricIdOf, REGRESSION_LOSSES, UNBOUNDED_ACTIVATIONS } from '../model/kerasNames';
import type { LabelInfo, LayerInfo, LossInfo, MetricInfo } from '../model/values';
import type { Finding, Fix, RelatedInfo, RuleId, TextEdit } from '../types';
import { accuracyInShapeEra, ERA_NAMES, erasOf, type OutputContext } from './context';
import {
  deleteArgument, insertKeyword, memberReference, moduleMemberReference, renameReference, replaceNode, replaceStringContent, setActivation,
  type FileStyle,
} from './edits';

const CATEGORICAL = new Set(['categorical_crossentropy', 'categorical_focal_crossentropy']);
const SPARSE = 'sparse_categorical_crossentropy';
const BCE = 'binary_crossentropy';

function span(node: SyntaxNode): { start: number; end: number } {
  return { start: node.startIndex, end: node.endIndex };
}

function finding(ruleId: RuleId, at: SyntaxNode, message: string, related: RelatedInfo[], fixes: (Fix | null)[]): Finding {
  const real = fixes.filter((f): f is Fix => !!f);
  real.forEach((f, i) => (f.preferred = i === 0));
  return { ruleId, severity: RULES[ruleId].severity, message, span: span(at), related, fixes: real, url: ruleUrl(ruleId) };
}

function fix(title: string, edits: (TextEdit | null)[] | null, applicability: Fix['applicability'] = 'safe'): Fix | null {
  if (!edits || edits.some((e) => !e)) return null;
  return { title, edits: edits as TextEdit[], preferred: false, applicability };
}

// ---- descriptions -------------------------------------------------------------------------

function headPhrase(head: Head): string {
  const act = head.activation.name === 'linear' ? 'linear (logits)' : head.activation.name;
  if (head.units === null) return `${article(act)} ${act} head`;
  if (head.units === 1) return `a 1-unit ${act} head`;
  return `${article(String(head.units))} ${head.units}-way ${act} head`;
}

/** "an 8-way", "an 11-way", "an elu", "a 10-way". */
function article(word: string): string {
  return /^(8|11|18|[aeiou])/i.test(word) ? 'an' : 'a';
}

function headRelated(ctx: OutputContext): RelatedInfo {
  const line = firstLine(ctx.head.dense?.call ?? ctx.head.anchor);
  return { span: span(ctx.head.dense?.call ?? ctx.head.anchor), message: `the model's output layer: ${line}` };
}

function labelsRelated(labels: LabelInfo | null): RelatedInfo[] {
  return labels?.node ? [{ span: span(labels.node), message: `the labels: ${labelsPhrase(labels)}` }] : [];
}

function labelsPhrase(labels: LabelInfo): string {
  const what = labels.format === 'int' ? 'integer class ids' : labels.format === 'onehot' ? 'one-hot labels' : labels.format === 'binary' ? '0/1 labels' : labels.format === 'continuous' ? 'continuous targets' : `${labels.format} labels`;
  const classes = labels.classes !== null && labels.format !== 'binary' ? ` of ${labels.classes} classes` : '';
  return `${what}${classes} from ${labels.origin}`;
}

function firstLine(node: SyntaxNode): string {
  const text = node.text.split('\n')[0].trim();
  return text.length > 70 ? `${text.slice(0, 67)}...` : text;
}

function lossName(loss: LossInfo): string {
  return loss.id;
}

function at(ctx: OutputContext, node: SyntaxNode): string {
  return ctx.where(node.startIndex);
}

// ---- loss edits -----------------------------------------------------------------------------

/** Renames a loss to another id, in the form it was written (string, object, function reference). */
function renameLoss(loss: LossInfo, newId: string, style: FileStyle): TextEdit[] | null {
  switch (loss.form) {
    case 'string': {
      const written = loss.node.namedChildren.find((c) => c?.type === 'string_content')?.text ?? '';
      const asClass = /^[A-Z]/.test(written) && !/^[A-Z]+$/.test(written);
      return [replaceStringContent(loss.node, asClass ? LOSS_CLASS[newId] ?? newId : newId)];
    }
    case 'object': {
      const cls = LOSS_CLASS[newId];
      if (!loss.nameNode || !cls || !argumentsFit(loss.node, cls)) return null;
      if (loss.nameNode.parent?.type === 'attribute') return [replaceNode(loss.nameNode, cls)];
      const ref = memberReference(style, 'losses', cls);
      return [replaceNode(loss.nameNode, ref.text), ...(ref.importEdit ? [ref.importEdit] : [])];
    }
    case 'function': {
      if (!loss.nameNode) return null;
      if (loss.nameNode.type === 'attribute') return [renameReference(loss.nameNode, newId)];
      // The new function comes from the module the old one was imported from (keras.objectives in Keras 1).
      const from = style.imports.get(loss.nameNode.text);
      const ref = from?.endsWith(`.${loss.nameNode.text}`) ? moduleMemberReference(style, from.slice(0, -loss.nameNode.text.length - 1), newId) : memberReference(style, 'losses', newId);
      return [replaceNode(loss.nameNode, ref.text), ...(ref.importEdit ? [ref.importEdit] : [])];
    }
    default:
      return null;
  }
}

/** Keyword arguments each loss class takes besides reduction, name and dtype (Keras 2 and 3). */
const LOSS_KEYWORDS: Record<string, readonly string[]> = {
  BinaryCrossentropy: ['from_logits', 'label_smoothing', 'axis'],
  CategoricalCrossentropy: ['from_logits', 'label_smoothing', 'axis'],
  SparseCategoricalCrossentropy: ['from_logits', 'ignore_class'],
};

/** Whether the arguments of the loss object `call` mean the same to `cls` (no positional ones, no keyword it lacks). */
function argumentsFit(call: SyntaxNode, cls: string): boolean {
  const args = call.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
  const allowed = new Set(['reduction', 'name', 'dtype', ...(LOSS_KEYWORDS[cls] ?? [])]);
  return args.every((a) => a.type === 'keyword_argument' && allowed.has(a.childForFieldName('name')?.text ?? ''));
}

function renameLossFix(loss: LossInfo, newId: string, style: FileStyle, applicability: Fix['applicability'] = 'safe'): Fix | null {
  return fix(`Use ${newId}`, renameLoss(loss, newId, style), applicability);
}

/** Turns on from_logits=True, turning a string or function loss into the loss object. */
function fromLogitsEdits(loss: LossInfo, style: FileStyle): TextEdit[] | null {
  const cls = LOSS_CLASS[loss.id];
  if (loss.form === 'object') {
    // `from_logits=False`, or the positional `False` of `BinaryCrossentropy(False)`.
    const value = loss.fromLogitsNode?.type === 'keyword_argument' ? loss.fromLogitsNode.childForFieldName('value') : loss.fromLogitsNode;
    if (value) return [replaceNode(value, 'True')];
    const edit = insertKeyword(loss.node, 'from_logits=True');
    return edit ? [edit] : null;
  }
  if (!cls) return null;
  if (loss.form === 'function' && loss.nameNode?.type === 'attribute') {
    const object = loss.nameNode.childForFieldName('object');
    if (object && /(^|\.)losses$/.test(object.text)) return [replaceNode(loss.nameNode, `${object.text}.${cls}(from_logits=True)`)];
  }
  if (loss.form === 'string' || loss.form === 'function') {
    const ref = memberReference(style, 'losses', cls);
    return [replaceNode(loss.node, `${ref.text}(from_logits=True)`), ...(ref.importEdit ? [ref.importEdit] : [])];
  }
  return null;
}

// ---- the rules on one output -----------------------------------------------------------------

export function checkOutput(ctx: OutputContext): Finding[] {
  const out: Finding[] = [];
  const { head, loss } = ctx;
  if (loss && ctx.lossArg) {
    const lossFindings = [kl002, kl003, kl005, kl006, kl007, kl008, kl009, kl010, kl015].map((rule) => rule(ctx, loss, ctx.lossArg!)).filter((f): f is Finding => !!f);
    out.push(...lossFindings.map((f) => keepLossEditsLocal(f, loss, ctx.lossArg!)));
  }
  for (const metric of ctx.metrics) {
    for (const rule of [kl001, kl011, kl013]) {
      const f = rule(ctx, metric);
      if (f) out.push(keepMetricEditsLocal(f, metric, ctx.compile.call));
    }
  }
  const f12 = kl012(ctx);
  if (f12) out.push(f12);
  void head;
  return out;
}

/**
 * A loss defined once and named at the compile (`LOSS = 'bce'` ... `loss=LOSS`) may serve other
 * compiles too, so a fix must not edit its definition: a renamed string is written at the call
 * instead, and any other edit of the definition is offered but left out of --fix.
 */
function keepLossEditsLocal(f: Finding, loss: LossInfo, site: SyntaxNode): Finding {
  const defined = { start: loss.node.startIndex, end: loss.node.endIndex };
  if (defined.start >= site.startIndex && defined.end <= site.endIndex) return f;
  const inDefinition = (e: TextEdit) => e.start >= defined.start && e.end <= defined.end;
  const fixes = f.fixes.map((fx) => {
    const touched = fx.edits.filter(inDefinition);
    if (touched.length === 0) return fx;
    if (loss.form === 'string' && touched.length === 1 && site.type === 'identifier') {
      // A new name inside the quotes is written at the call as a string; a new expression as it is.
      const inQuotes = touched[0].start > defined.start && touched[0].end < defined.end;
      const quote = inQuotes ? /["']/.exec(loss.node.text)?.[0] ?? "'" : '';
      return { ...fx, edits: fx.edits.map((e) => (e === touched[0] ? { start: site.startIndex, end: site.endIndex, newText: `${quote}${e.newText}${quote}` } : e)) };
    }
    return { ...fx, applicability: 'unsafe' as const };
  });
  return { ...f, fixes };
}

/**
 * A metric defined outside the compile (`METRICS = ['accuracy']` ... `metrics=METRICS`) may serve
 * other models too: its fix is offered, but left out of --fix.
 */
function keepMetricEditsLocal(f: Finding, metric: MetricInfo, compile: SyntaxNode): Finding {
  if (metric.node.startIndex >= compile.startIndex && metric.node.endIndex <= compile.endIndex) return f;
  return withUnsafeFixes(f);
}

/** The finding with every fix offered but left out of --fix. */
function withUnsafeFixes(f: Finding): Finding {
  return { ...f, fixes: f.fixes.map((fx) => ({ ...fx, applicability: 'unsafe' as const })) };
}

function kl002(ctx: OutputContext, loss: LossInfo, arg: SyntaxNode): Finding | null {
  const { head } = ctx;
  if (loss.id !== BCE || head.activation.name !== 'softmax' || head.units === null || head.units <= 2) return null;
  const target = ctx.labels?.format === 'int' ? SPARSE : 'categorical_crossentropy';
  return finding('KL002', arg,
    `binary_crossentropy here, but the model's head at ${at(ctx, head.anchor)} is ${headPhrase(head)}: each of the ${head.units} outputs is scored as an independent yes/no, not one choice among ${head.units} classes. Use ${target}.`,
    [headRelated(ctx), ...labelsRelated(ctx.labels)],
    [renameLossFix(loss, target, ctx.style)]);
}

function kl003(ctx: OutputContext, loss: LossInfo, arg: SyntaxNode): Finding | null {
  const { head } = ctx;
  const categorical = CATEGORICAL.has(loss.id);
  if (!(categorical || loss.id === SPARSE) || head.activation.name !== 'sigmoid') return null;
  if (head.units === 1 && loss.id !== SPARSE) return null; // KL005's case
  const related = [headRelated(ctx), ...labelsRelated(ctx.labels)];
  if (head.units === 1) {
    return finding('KL003', arg,
      `${loss.id} here, but the head at ${at(ctx, head.anchor)} is ${headPhrase(head)}: one sigmoid unit is a binary classifier. Use binary_crossentropy.`,
      // The sparse loss fails loudly on labels above 1; binary_crossentropy would train on them
      // silently: safe only when the labels are known to be binary.
      related, [renameLossFix(loss, BCE, ctx.style, knownBinary(ctx) ? 'safe' : 'unsafe')]);
  }
  const activationFix = fix('Make the head softmax (single-label)', setActivation(head.activation, head.activationLayer, head.dense, 'softmax', ctx.style), 'unsafe');
  return finding('KL003', arg,
    `${loss.id} here, but the head at ${at(ctx, head.anchor)} is ${headPhrase(head)}: ${loss.id} expects one probability distribution over the classes (softmax), sigmoid outputs do not sum to 1. For single-label classes use a softmax head; for multi-label use binary_crossentropy.`,
    related, [activationFix, renameLossFix(loss, BCE, ctx.style, 'unsafe')]);
}

function kl005(ctx: OutputContext, loss: LossInfo, arg: SyntaxNode): Finding | null {
  const { head } = ctx;
  if (!CATEGORICAL.has(loss.id) || head.units !== 1) return null;
  const edits = renameLoss(loss, BCE, ctx.style);
  // A loss given logits (from_logits=True) applies the sigmoid itself: the linear head stays.
  const sigmoidHead = head.activation.name === 'sigmoid' || (loss.fromLogits === true && head.activation.name === 'linear');
  let headEdits: TextEdit[] | null = [];
  if (!sigmoidHead) headEdits = setActivation(head.activation, head.activationLayer, head.dense, 'sigmoid', ctx.style);
  const title = sigmoidHead ? 'Use binary_crossentropy' : 'Use binary_crossentropy with a sigmoid head';
  return finding('KL005', arg,
    `${loss.id} on ${headPhrase(head)} (at ${at(ctx, head.anchor)}): over a single output the normalised probability is always 1, so the loss is identically 0 and nothing trains. Use binary_crossentropy with a sigmoid unit.`,
    [headRelated(ctx), ...labelsRelated(ctx.labels)],
    // A sigmoid head under a loss that keeps from_logits=True would apply sigmoid twice (KL008 then asks to undo it).
    [fix(title, edits && headEdits ? [...edits, ...headEdits] : null, loss.fromLogits === true && !sigmoidHead ? 'unsafe' : binaryFixApplicability(ctx))]);
}

/**
 * A fix towards a binary classifier is right only when the problem may be binary: labels known to
 * hold more classes (cifar10 on a 1-unit head) need more units (KL012), so --fix must not apply it.
 */
function knownBinary(ctx: OutputContext): boolean {
  return ctx.labels?.format === 'binary' || (ctx.labels?.classes != null && ctx.labels.classes <= 2);
}

function binaryFixApplicability(ctx: OutputContext): Fix['applicability'] {
  return notBinary(ctx) ? 'unsafe' : 'safe';
}

/**
 * Whether the output is surely no binary problem: labels of more than two classes want more units
 * (KL012); values to predict (labels known to be values such as boston_housing's, or a regression
 * loss) want no classifier at all, maybe a linear head.
 */
function notBinary(ctx: OutputContext): boolean {
  return (ctx.labels?.classes != null && ctx.labels.classes > 2) || ctx.labels?.format === 'continuous' || (!!ctx.loss && REGRESSION_LOSSES.has(ctx.loss.id));
}

/**
 * KL004 comes from the layer, not an output (checkLayer, checkHead), so its fix is weighed here,
 * against the outputs that head serves: sigmoid is right for a binary output, but labels of more
 * classes (cifar10 on Dense(1, activation='softmax')) want more units (KL012).
 */
export function binaryHeadFixesChecked(findings: Finding[], contexts: readonly OutputContext[]): Finding[] {
  const notBinaryHeads = contexts.filter(notBinary).flatMap((c) => [c.head.dense?.call, c.head.softmaxOnOneUnit?.node]);
  if (notBinaryHeads.length === 0) return findings;
  return findings.map((f) => (f.ruleId === 'KL004' && notBinaryHeads.some((n) => n && n.startIndex <= f.span.start && f.span.end <= n.endIndex) ? withUnsafeFixes(f) : f));
}

function kl006(ctx: OutputContext, loss: LossInfo, arg: SyntaxNode): Finding | null {
  const { labels, head } = ctx;
  if (loss.id !== 'categorical_crossentropy' || !labels || (labels.format !== 'int' && labels.format !== 'binary') || head.units === 1) return null;
  const n = head.units ?? labels.classes;
  let wrap: Fix | null = null;
  // The validation labels of the same fit must change alike: a literal (x, y) pair is wrapped too,
  // anything else (a dataset, a name) gets no fix.
  const fitArgs = ctx.labelsArg?.parent?.type === 'keyword_argument' ? ctx.labelsArg.parent.parent : ctx.labelsArg?.parent;
  const validation = fitArgs?.namedChildren.find((c) => c.type === 'keyword_argument' && c.childForFieldName('name')?.text === 'validation_data')?.childForFieldName('value');
  const validationLabels = validation?.type === 'tuple' ? validation.namedChildren.filter((c) => c.type !== 'comment')[1] : undefined;
  // Past x and y, positional arguments may hold validation data too (fit's 8th parameter).
  const positional = fitArgs?.namedChildren.filter((c) => c.type !== 'comment' && c.type !== 'keyword_argument').length ?? 0;
  if (ctx.labelsArg && n !== null && (!validation || validationLabels) && positional <= 2) {
    const ref = memberReference(ctx.style, 'utils', 'to_categorical');
    const oneHot = (node: SyntaxNode) => replaceNode(node, `${ref.text}(${node.text}, ${n})`);
    const edits = [oneHot(ctx.labelsArg), ...(validationLabels ? [oneHot(validationLabels)] : []), ref.importEdit].filter((e): e is TextEdit => !!e);
    wrap = fix(`Make the labels one-hot with to_categorical(..., ${n})`, edits, 'unsafe');
  }
  return finding('KL006', arg,
    `categorical_crossentropy expects one-hot labels, but the labels given to fit are ${labelsPhrase(labels)} (${at(ctx, labels.node ?? arg)}): Keras fails with a shape error or trains on garbage. Use sparse_categorical_crossentropy, or one-hot encode the labels.`,
    [...labelsRelated(labels), headRelated(ctx)],
    [renameLossFix(loss, SPARSE, ctx.style, keepsMetricsRight(ctx, ['categorical_accuracy', 'top_k_categorical_accuracy'])), wrap]);
}

/**
 * A loss fix that switches between one-hot and integer labels leaves a metric named for the old
 * format measuring nothing (categorical_accuracy on integer labels): such a fix stays out of --fix.
 */
function keepsMetricsRight(ctx: OutputContext, oldFormatMetrics: string[]): Fix['applicability'] {
  return ctx.possibleMetrics.some((m) => oldFormatMetrics.includes(m.id)) ? 'unsafe' : 'safe';
}

function kl007(ctx: OutputContext, loss: LossInfo, arg: SyntaxNode): Finding | null {
  const { labels } = ctx;
  if (loss.id !== SPARSE || !labels || labels.format !== 'onehot' || labels.ambiguousWidth) return null;
  return finding('KL007', arg,
    `sparse_categorical_crossentropy expects integer class ids, but the labels given to fit are ${labelsPhrase(labels)} (${at(ctx, labels.node ?? arg)}): Keras fails with "logits and labels must have the same first dimension" or a shape error. Use categorical_crossentropy.`,
    [...labelsRelated(labels), headRelated(ctx)],
    [renameLossFix(loss, 'categorical_crossentropy', ctx.style, keepsMetricsRight(ctx, ['sparse_categorical_accuracy', 'sparse_top_k_categorical_accuracy']))]);
}

function kl008(ctx: OutputContext, loss: LossInfo, arg: SyntaxNode): Finding | null {
  const { head } = ctx;
  if (loss.fromLogits !== true || (head.activation.name !== 'softmax' && head.activation.name !== 'sigmoid')) return null;
  const where = loss.fromLogitsNode ?? arg;
  // A positional `True` (`CategoricalCrossentropy(True)`) becomes False: deleting it would shift the arguments after it.
  const flag = loss.fromLogitsNode;
  const removeFlag = flag ? fix('Remove from_logits=True', [flag.type === 'keyword_argument' ? deleteArgument(flag, ctx.style.text) : replaceNode(flag, 'False')]) : null;
  let removeActivation: Fix | null = null;
  const act = head.activation;
  if (act.node && act.form === 'string' && act.node.parent?.type === 'keyword_argument' && head.dense && !head.activationLayer) {
    removeActivation = fix(`Remove the head's ${act.name} (output logits)`, [deleteArgument(act.node.parent, ctx.style.text)], 'unsafe');
  } else if (act.node && act.form === 'string' && head.dense && !head.activationLayer && act.node.parent?.type === 'argument_list') {
    removeActivation = fix(`Remove the head's ${act.name} (output logits)`, [deleteArgument(act.node, ctx.style.text)], 'unsafe');
  } else if (head.activationLayer && head.activationLayer.call.parent?.type === 'list') {
    removeActivation = fix(`Remove the head's ${act.name} layer (output logits)`, [deleteArgument(head.activationLayer.call, ctx.style.text)], 'unsafe');
  }
  return finding('KL008', where,
    `from_logits=True, but the head at ${at(ctx, head.anchor)} already applies ${act.name}: the loss applies ${act.name} a second time (the TensorFlow backend silently undoes it and warns; JAX and PyTorch do not). Remove from_logits=True, or remove the head's activation.`,
    [headRelated(ctx)], [removeFlag, removeActivation]);
}

function kl009(ctx: OutputContext, loss: LossInfo, arg: SyntaxNode): Finding | null {
  const { head } = ctx;
  if (!CROSSENTROPY_LOSSES.has(loss.id) || loss.fromLogits !== false || head.activation.name !== 'linear') return null;
  if (head.units === 1 && CATEGORICAL.has(loss.id)) return null; // KL005's case
  const binary = loss.id === BCE || loss.id === 'binary_focal_crossentropy';
  const activation = binary ? 'sigmoid' : 'softmax';
  const addActivation = fix(`Add a ${activation} activation to the head`, setActivation(head.activation, head.activationLayer, head.dense, activation, ctx.style));
  // Keras 1 and standalone Keras <= 2.2 have no loss classes to pass from_logits to.
  const oldKeras = ctx.flavour.flavour === 'keras1' || ctx.flavour.flavour === 'keras2';
  // With an unknown flavour a string loss may be Keras <= 2.2 code, where the class does not exist:
  // offer the change but leave it out of --fix.
  const classesExist = loss.form === 'object' || ctx.flavour.flavour === 'tf-keras2' || ctx.flavour.flavour === 'keras3';
  const fixes = oldKeras
    ? [addActivation]
    : [fix('Use from_logits=True', fromLogitsEdits(loss, ctx.style), classesExist && !thresholdsLogits(ctx, binary) ? 'safe' : 'unsafe'), addActivation && { ...addActivation, applicability: 'unsafe' as const }];
  return finding('KL009', arg,
    `${loss.id} expects probabilities, but the head at ${at(ctx, head.anchor)} has no activation (it outputs logits): raw scores are clipped to [1e-7, 1 - 1e-7] and training stalls. ${oldKeras ? `Add activation='${activation}' to the head.` : `Pass from_logits=True, or add activation='${activation}' to the head.`}`,
    [headRelated(ctx)],
    fixes);
}

/**
 * Whether a metric of a binary output cuts probabilities at 0.5 (binary accuracy, also what
 * 'accuracy' becomes there; precision, recall, AUC's thresholds): after from_logits=True it would
 * cut the logits instead and read wrong without a word, unless told (`threshold=`, `from_logits=`).
 */
function thresholdsLogits(ctx: OutputContext, binary: boolean): boolean {
  if (!binary) return false;
  const argmaxAccuracy = (ctx.head.units ?? 1) > 1 && (ctx.flavour.flavour === 'tf-keras2' || ctx.flavour.flavour === 'keras3');
  return ctx.possibleMetrics.some((m) => {
    if (m.form === 'object' && /\b(?:threshold|thresholds|from_logits)\s*=/.test(m.node.text)) return false;
    return ['binary_accuracy', 'precision', 'recall', 'auc'].includes(m.id) || (m.id === 'accuracy' && !argmaxAccuracy);
  });
}

function kl010(ctx: OutputContext, loss: LossInfo, arg: SyntaxNode): Finding | null {
  const { head, labels } = ctx;
  if (!REGRESSION_LOSSES.has(loss.id)) return null;
  const classLabels = !!labels && (labels.format === 'onehot' || ((labels.format === 'int' || labels.format === 'binary') && labels.fromDataset));
  const act = head.activation.name;
  if (!(act === 'softmax' || ((act === 'sigmoid' || act === 'linear') && classLabels))) return null;
  let target: string | null = null;
  if (act === 'softmax') target = labels?.format === 'int' ? SPARSE : 'categorical_crossentropy';
  else if (act === 'sigmoid') target = labels?.format === 'onehot' && (head.units ?? 0) > 1 ? null : BCE;
  const why = act === 'softmax' ? `the head at ${at(ctx, head.anchor)} is ${headPhrase(head)}, a classifier` : `the labels are class labels (${labelsPhrase(labels!)})`;
  const effect = act === 'linear'
    ? 'it treats class ids as numbers to regress, so neighbouring ids count as nearly right'
    : `the per-sample error is bounded by about 1 and its gradients through ${act} are weak, so the classifier learns slowly`;
  // Without class labels, the softmax may be what is wrong (a Q-network regressing values).
  const orValues = act === 'softmax' && !classLabels ? ' If the targets are values to predict rather than classes, the softmax is the mistake: use a linear head.' : '';
  return finding('KL010', arg,
    `${loss.id} is a regression loss, but ${why}: ${effect}. Use ${target ?? 'a crossentropy loss'}.${orValues}`,
    [headRelated(ctx), ...labelsRelated(labels)],
    [target ? renameLossFix(loss, target, ctx.style, 'unsafe') : null]);
}

function kl015(ctx: OutputContext, loss: LossInfo, _arg: SyntaxNode): Finding | null {
  const { head } = ctx;
  if (!CROSSENTROPY_LOSSES.has(loss.id) || loss.fromLogits !== false || !UNBOUNDED_ACTIVATIONS.has(head.activation.name)) return null;
  const binary = loss.id === BCE || loss.id === 'binary_focal_crossentropy';
  // Softmax over one unit is always 1.0 (KL004): a single output needs sigmoid whatever the loss.
  const target = binary || head.units === 1 ? 'sigmoid' : 'softmax';
  const where = head.activation.node ?? head.dense?.call ?? head.anchor;
  return finding('KL015', where,
    `The output activation is ${head.activation.name}, but ${loss.id} (${at(ctx, ctx.lossArg ?? where)}) expects probabilities in (0, 1): outputs outside that range are clipped and the loss is meaningless. Use ${target}.`,
    [{ span: span(ctx.lossArg ?? loss.node), message: `the loss: ${lossName(loss)}` }],
    [fix(`Use ${target}`, setActivation(head.activation, head.activationLayer, head.dense, target, ctx.style), 'unsafe')]);
}

// ---- metric rules ---------------------------------------------------------------------------

function metricEdit(metric: MetricInfo, stringName: string, className: string, style: FileStyle): TextEdit[] | null {
  if (metric.form === 'string') return [replaceStringContent(metric.node, stringName)];
  if (!metric.nameNode) return null;
  const newName = metric.form === 'object' ? className : stringName;
  if (metric.nameNode.type === 'attribute') return [renameReference(metric.nameNode, newName)];
  if (metric.nameNode.parent?.type === 'attribute') return [replaceNode(metric.nameNode, newName)];
  const ref = memberReference(style, 'metrics', newName);
  return [replaceNode(metric.nameNode, ref.text), ...(ref.importEdit ? [ref.importEdit] : [])];
}

function kl001(ctx: OutputContext, metric: MetricInfo): Finding | null {
  if (metric.id !== 'accuracy' || metric.form !== 'string') return null;
  // 'Accuracy'/'ACC' are the exact-match class outside Keras 3 and tf.keras >= 2.6 (KL011 says so).
  if (metric.written !== 'accuracy' && metric.written !== 'acc' && ctx.flavour.flavour !== 'keras3') return null;
  const { head, loss, labels } = ctx;
  if (!loss || loss.id !== BCE) return null;
  const eras = erasOf(ctx.flavour);
  // (a) loss-based flavours: BCE forces binary_accuracy on a single-label multi-class head.
  const multiClass = (head.activation.name === 'softmax' && head.units !== null && head.units > 2) || (labels?.format === 'onehot' && labels.classes !== null && labels.classes > 2 && !labels.ambiguousWidth);
  const lossEra = eras.includes('loss') && multiClass;
  // (b) shape-based flavours: a multi-label sigmoid head gets argmax (categorical) accuracy. Not
  // when the targets are data (an autoencoder's inputs): no classes, and 'binary_accuracy' would
  // compare 0.37 with 0 or 1, so there is no right metric name to offer.
  const multiLabel = head.activation.name === 'sigmoid' && head.units !== null && head.units > 1 && labels?.format !== 'onehot' && labels?.format !== 'int' && labels?.format !== 'continuous';
  const shapeEra = eras.includes('shape') && multiLabel;
  if (!lossEra && !shapeEra) return null;
  const q = metric.written;
  const parts: string[] = [];
  let replacement: string;
  if (lossEra) {
    replacement = labels?.format === 'int' ? 'sparse_categorical_accuracy' : 'categorical_accuracy';
    parts.push(`in ${ERA_NAMES.loss}, '${q}' with binary_crossentropy is computed as binary_accuracy, which on ${headPhrase(head)} counts every non-chosen class as a correct "no" and reads over 0.8 from the start`);
    const shapeMetric = accuracyInShapeEra(loss.id, head.units, labels);
    if (eras.includes('shape') && shapeMetric) parts.push(`(${ERA_NAMES.shape} compute ${shapeMetric} here)`);
  } else {
    replacement = 'binary_accuracy';
    parts.push(`in ${ERA_NAMES.shape}, '${q}' on ${headPhrase(head)} is computed as categorical_accuracy (argmax of the labels against argmax of the outputs), which means nothing for multi-label outputs`);
    if (eras.includes('loss')) parts.push(`(${ERA_NAMES.loss} compute binary_accuracy here)`);
  }
  return finding('KL001', metric.node,
    `${capitalise(parts.join(' '))}. Name the metric: '${replacement}'.`,
    [headRelated(ctx), ...(ctx.lossArg ? [{ span: span(ctx.lossArg), message: `the loss: ${loss.id}` }] : []), ...labelsRelated(labels)],
    [metricFix(ctx, metric, replacement, `Use '${replacement}'`, metricEdit(metric, replacement, replacement, ctx.style))]);
}

/**
 * The fix that makes `metric` measure `replacement`, or, when the list already measures that, the
 * one that removes it: a second metric of the same name is an error in tf.keras 2 ("Found two
 * metrics with the same name"), and a duplicate column of numbers anywhere else.
 */
function metricFix(ctx: OutputContext, metric: MetricInfo, replacement: string, title: string, edits: TextEdit[] | null): Fix | null {
  const id = metricIdOf(replacement, 'string');
  // An earlier item of the same kind (`'accuracy'` before `'acc'`) gets the same replacement.
  const index = ctx.metrics.findIndex((other) => other.node.id === metric.node.id);
  const present = ctx.metrics.some((other, i) => other.node.id !== metric.node.id && (other.id === id || (i < index && other.id === metric.id && other.form === metric.form)));
  if (!present) return fix(title, edits, readsHistoryKey(ctx, metric) ? 'unsafe' : 'safe');
  if (metric.node.parent?.type !== 'list') return null;
  return fix(`Remove ${metric.form === 'string' ? `'${metric.written}'` : metric.written} (${replacement} is already measured)`, [deleteArgument(metric.node, ctx.style.text)]);
}

/**
 * Whether the file names the string metric's history key elsewhere (`history.history['acc']`,
 * `monitor='val_acc'`): a renamed metric logs under its new name, and those would find nothing
 * (a KeyError, a checkpoint that never saves).
 */
function readsHistoryKey(ctx: OutputContext, metric: MetricInfo): boolean {
  if (metric.form !== 'string') return false;
  // Old Keras logs 'accuracy' as 'acc': either key may be the one read.
  const name = metric.id === 'accuracy' ? '(?:acc|accuracy)' : metric.written.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // `'val_acc'` anywhere; `'acc'` as a subscript or a monitor (another metrics list naming it is no read).
  return new RegExp(`(["'])val_${name}\\1|(?:[\\w\\])]\\s*\\[\\s*|monitor\\s*=\\s*)(["'])${name}\\2`).test(ctx.style.text);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function explicitAccuracy(ctx: OutputContext): { str: string; cls: string } | null {
  const { head, labels, loss } = ctx;
  if (head.units === 1 || head.activation.name === 'sigmoid') return { str: 'binary_accuracy', cls: 'BinaryAccuracy' };
  if (head.activation.name !== 'softmax') return null;
  if (labels?.format === 'int' || labels?.format === 'binary' || loss?.id === SPARSE) return { str: 'sparse_categorical_accuracy', cls: 'SparseCategoricalAccuracy' };
  return { str: 'categorical_accuracy', cls: 'CategoricalAccuracy' };
}

function kl011(ctx: OutputContext, metric: MetricInfo): Finding | null {
  const { head } = ctx;
  const probabilities = head.activation.name === 'softmax' || head.activation.name === 'sigmoid';
  if (!probabilities) return null;
  const exactClass = metric.id === 'Accuracy' && metric.form !== 'string';
  const capitalString = metric.form === 'string' && metric.id === 'accuracy' && metric.written !== 'accuracy' && metric.written !== 'acc';
  if (!exactClass && !capitalString) return null;
  if (capitalString && (!['keras2', 'tf-keras2', 'unknown'].includes(ctx.flavour.flavour) || ctx.flavour.lowercasesMetricNames)) return null;
  // The tf_keras package starts at 2.14, long after 'Accuracy' became case-insensitive (2.6), whatever decided the flavour.
  if (capitalString && [...ctx.style.imports.values()].some((path) => path === 'tf_keras' || path.startsWith('tf_keras.'))) return null;
  const replacement = explicitAccuracy(ctx);
  const what = exactClass
    ? `${metric.written} is exact-equality accuracy: it compares the ${head.activation.name} probabilities to the labels value by value, so it stays near 0`
    : `'${metric.written}' (not lower-case) means the exact-equality Accuracy class in Keras 2.3 and tf.keras ≤ 2.5 (only tf.keras ≥ 2.6 and Keras 3 read it as 'accuracy'), which compares probabilities to labels value by value and stays near 0`;
  return finding('KL011', metric.node,
    `${what}. Use ${replacement ? (metric.form === 'string' ? `'${replacement.str}'` : `${replacement.cls}()`) : 'an explicit accuracy metric'}.`,
    [headRelated(ctx)],
    [replacement ? metricFix(ctx, metric, replacement.str, `Use ${metric.form === 'string' ? replacement.str : replacement.cls}`, metricEdit(metric, replacement.str, replacement.cls, ctx.style)) : null]);
}

function kl013(ctx: OutputContext, metric: MetricInfo): Finding | null {
  if (metric.id !== 'accuracy' || metric.form !== 'string') return null;
  const { head, loss, labels } = ctx;
  if (!loss || !REGRESSION_LOSSES.has(loss.id) || head.activation.name !== 'linear' || labels?.format !== 'continuous') return null;
  return finding('KL013', metric.node,
    `'${metric.written}' on a regression model (${loss.id}, a linear head, ${labelsPhrase(labels)}): accuracy counts exact matches of continuous values, so the number is meaningless. Use 'mae'.`,
    [headRelated(ctx), ...labelsRelated(labels)],
    [metricFix(ctx, metric, 'mae', "Use 'mae'", [replaceStringContent(metric.node, 'mae')])]);
}

function kl012(ctx: OutputContext): Finding | null {
  const { head, labels } = ctx;
  if (head.units === null || !labels || labels.classes === null || labels.ambiguousWidth) return null;
  // Class ids are no width: under a loss of the file's own or another library's (a triplet loss
  // training an embedding) the units need not be classes. Only a classifier's loss (also a
  // regression loss on class ids, KL010's case) says they are. One-hot labels have a width any loss must match.
  if (labels.format !== 'onehot' && (!ctx.loss || !(CROSSENTROPY_LOSSES.has(ctx.loss.id) || REGRESSION_LOSSES.has(ctx.loss.id)))) return null;
  const n = labels.classes;
  let mismatch = false;
  if (labels.format === 'onehot') mismatch = head.units !== n;
  else if (labels.format === 'int') mismatch = head.units !== n;
  if (!mismatch) return null;
  const where = head.unitsNode ?? head.dense?.call ?? head.anchor;
  const consequence = head.units === 1 ? `one unit cannot tell ${n} classes apart` : head.units < n ? `labels ≥ ${head.units} have no output` : `${head.units - n} outputs never match a label`;
  const canEdit = head.unitsNode && (head.unitsNode.type === 'integer' || head.unitsNode.type === 'identifier');
  return finding('KL012', where,
    `The head has ${head.units} unit${head.units === 1 ? '' : 's'}, but the labels have ${n} classes (${labelsPhrase(labels)}): ${consequence}. Use ${n} units.`,
    labelsRelated(labels),
    [canEdit ? fix(`Use ${n} units`, [replaceNode(head.unitsNode!, String(n))], head.units === 1 ? 'unsafe' : 'safe') : null]);
}

// ---- rules on a model's head, compiled or not --------------------------------------------------

export function checkHead(head: Head, style: FileStyle, where: (offset: number) => string): Finding[] {
  const out: Finding[] = [];
  if (head.softmaxOnOneUnit) {
    const act = head.softmaxOnOneUnit;
    out.push(softmaxOnOneUnit(act.node ?? head.dense?.call ?? head.anchor, act, act.form === 'layer' ? null : head.dense, style));
  }
  const second = head.secondSoftmax;
  if (second) {
    const node = second.activation.node ?? second.layer?.call ?? second.tensorNode;
    if (node) {
      out.push(finding('KL014', node,
        `softmax is applied twice: the output at ${where(head.anchor.startIndex)} already goes through softmax, and a second softmax squashes the probabilities towards uniform. Remove the second softmax.`,
        [{ span: span(head.dense?.call ?? head.anchor), message: 'the first softmax' }],
        [fix('Remove the second softmax', removeSecondSoftmax(second, style))]));
    }
  }
  return out;
}

/** KL004 for any Dense(1, activation='softmax') anywhere: softmax over one value is always 1.0. */
export function checkLayer(layer: LayerInfo, style: FileStyle): Finding | null {
  if (layer.cls !== 'Dense' || layer.units !== 1 || layer.activation?.name !== 'softmax') return null;
  return softmaxOnOneUnit(layer.activation.node ?? layer.call, layer.activation, layer, style);
}

function softmaxOnOneUnit(atNode: SyntaxNode, act: import('../model/values').ActivationInfo, dense: LayerInfo | null, style: FileStyle): Finding {
  return finding('KL004', atNode,
    'softmax over a single unit always outputs 1.0, whatever the input: the output says nothing about the input, and training cannot change that. For one binary output use sigmoid.',
    [],
    [fix('Use sigmoid', setActivation(act, null, dense, 'sigmoid', style))]);
}

function removeSecondSoftmax(second: NonNullable<Head['secondSoftmax']>, style: FileStyle): TextEdit[] | null {
  const text = style.text;
  if (second.layer) {
    const call = second.layer.call;
    if (call.parent?.type === 'list') return [deleteArgument(call, text)];
    // model.add(Softmax()) on its own line
    const addCall = call.parent?.type === 'argument_list' ? call.parent.parent : null;
    const statement = addCall?.parent;
    if (addCall?.type === 'call' && statement?.type === 'expression_statement' && /\.add$/.test(addCall.childForFieldName('function')?.text ?? '')) {
      // The only statement of a block (`with scope:`): `pass` keeps the block.
      if (statement.parent?.type === 'block' && statement.parent.namedChildren.filter((c) => c.type !== 'comment').length === 1) {
        return [{ start: statement.startIndex, end: statement.endIndex, newText: 'pass' }];
      }
      const start = text.lastIndexOf('\n', statement.startIndex - 1) + 1;
      const nl = text.indexOf('\n', statement.endIndex);
      // Other statements on the line (`a(); m.add(Softmax())`): only this one goes, with its semicolon.
      const before = text.slice(start, statement.startIndex);
      const after = text.slice(statement.endIndex, nl < 0 ? text.length : nl);
      if (!/^\s*$/.test(before) || !/^\s*;?\s*(#.*)?$/.test(after)) {
        const next = /^\s*;[ \t]*/.exec(after);
        if (next && !/^\s*;\s*(#.*)?$/.test(after)) return [{ start: statement.startIndex, end: statement.endIndex + next[0].length, newText: '' }];
        const previous = /;\s*$/.exec(before);
        return previous ? [{ start: start + previous.index, end: statement.endIndex, newText: '' }] : null;
      }
      if (nl >= 0 && !style.cellJoins.has(nl)) return [{ start, end: nl + 1, newText: '' }];
      // The last line of a notebook cell (or of the file): the line break before it goes instead,
      // unless that one joins cells too (the line is its cell's only one).
      const end = nl < 0 ? text.length : nl;
      if (start === 0 || style.cellJoins.has(start - 1)) return [{ start, end, newText: '' }];
      return [{ start: start >= 2 && text.charCodeAt(start - 2) === 13 ? start - 2 : start - 1, end, newText: '' }];
    }
  }
  // Functional: `Softmax()(x)` or `tf.nn.softmax(x)` becomes `x`; not a named layer (a per-output loss dict may use its name).
  if (second.layer?.name) return null;
  const outer = second.tensorNode;
  const input = outer?.childForFieldName('arguments')?.namedChildren.filter((c) => c && c.type !== 'comment' && c.type !== 'keyword_argument')[0];
  if (outer && input) return [replaceNode(outer, input.text)];
  return null;
}
