// What library calls and methods produce: Keras layers, models, losses, metrics, label
// transformations (to_categorical, one_hot, encoders, splits) and data pipelines.
import type { SyntaxNode } from '../syntax';
import {
  ACTIVATION_LAYERS, DATASETS, KNOWN_LAYER_CLASSES, LAYER_ALIASES, activationNameOf, canonicalPath,
  isApplicationPath, lossIdOf, metricIdOf,
} from './kerasNames';
import {
  elementNodes, hasSplat, UNKNOWN, type ActivationInfo, type LabelInfo, type LayerInfo, type LossInfo, type MetricInfo, type ModelObj,
  type ProgramFactsSink, type TensorInfo, type Value,
} from './values';

export interface ArgValue {
  node: SyntaxNode;
  value: Value;
}

export interface CallArgs {
  positional: ArgValue[];
  keywords: Map<string, ArgValue & { kwarg: SyntaxNode }>;
  /** The call node (or a def node for synthetic calls). */
  node: SyntaxNode;
  /** *args / **kwargs were passed: missing arguments may be in them. */
  splat?: boolean;
}

/** What the library semantics need from the interpreter. */
export interface Library {
  readonly facts: ProgramFactsSink;
  readonly depth: number;
  callValue(callee: Value, args: CallArgs, node: SyntaxNode): Value;
  inlineFunction(fn: Extract<Value, { k: 'func' }>, args: CallArgs, self: Value | null): Value;
  findMethod(cls: Extract<Value, { k: 'class' }>, name: string): Extract<Value, { k: 'func' }> | null;
  classIsLoss(cls: Extract<Value, { k: 'class' }>): boolean;
  /** `value` was changed in place: what it held is no longer known, through any name. */
  markChanged(value: Value): void;
  /** `owner.activation = ...` (or setattr) ran; `root` is what the attribute chain starts from, when known. */
  activationSet(owner: Value, root: Value | null): void;
  /** Whether a change of `container` surely runs here (see Interpreter.changesSurely). */
  changesSurely(container: Value): boolean;
  /** `container[key] = value`; false when the key cannot be told (see Interpreter.writeEntry). */
  writeEntry(container: Value, key: Value, value: Value): boolean;
  /** Code this analysis cannot see ran in the module (`exec(source)`, a notebook's `%run`): any variable may have changed. */
  forgetModuleVariables(): void;
}

/**
 * A change made entry by entry where the entries are known: `cfg.update(epochs=20)`, `cfg.pop('epochs')`,
 * `metrics.append('AUC')` change those entries only (merged with the old ones when the change may not
 * run). False when the whole value must count as changed.
 */
function changedEntryByEntry(lib: Library, object: Value, method: string, args: CallArgs): boolean {
  if (object.k === 'dict') {
    if (method === 'update' && args.positional.length === 0 && !args.splat) {
      for (const [name, given] of args.keywords) lib.writeEntry(object, { k: 'str', v: name, node: given.node }, given.value);
      return true;
    }
    const key = args.positional[0]?.value;
    if (method === 'pop' && key?.k === 'str') {
      if (lib.changesSurely(object)) object.entries.delete(key.v);
      else lib.writeEntry(object, key, UNKNOWN);
      return true;
    }
    return false;
  }
  // An append that may not run leaves the length unknown, and with it every index from the end.
  if (object.k === 'seq' && method === 'append' && args.positional.length === 1 && object.items.length < 256 && lib.changesSurely(object)) {
    object.items.push(args.positional[0].value);
    return true;
  }
  return false;
}

/** Methods that change their object in place (dicts, lists, numpy arrays). */
const CHANGING_METHODS = new Set(['update', 'setdefault', 'pop', 'popitem', 'clear', 'fill', 'put', 'itemset', 'resize', '__setitem__', 'append', 'extend', 'insert', 'remove', 'reverse', 'sort']);

function arg(args: CallArgs, index: number, ...names: string[]): ArgValue | null {
  for (const name of names) {
    const kw = args.keywords.get(name);
    if (kw) return kw;
  }
  return index >= 0 && index < args.positional.length ? args.positional[index] : null;
}

/**
 * An argument by keyword or position, null when not given, or undefined when a `*args`/`**options`
 * in the call may hold it (or shift the positions): the default cannot be assumed then.
 */
function argUnlessSplat(args: CallArgs, index: number, name: string): ArgValue | null | undefined {
  const keyword = args.keywords.get(name);
  if (keyword) return keyword;
  if (args.splat) return undefined;
  return args.positional[index] ?? null;
}

function labels(format: LabelInfo['format'], classes: number | null, origin: string, node: SyntaxNode | null, extra: Partial<LabelInfo> = {}): Value {
  return { k: 'labels', labels: { format, classes, origin, node, fromDataset: false, ambiguousWidth: false, ...extra } };
}

function intOf(value: Value | undefined): number | null {
  return value && value.k === 'int' ? value.v : null;
}

function strOf(value: Value | undefined): string | null {
  return value && value.k === 'str' ? value.v : null;
}

function shortCall(node: SyntaxNode): string {
  const text = node.text.replace(/\s+/g, ' ');
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

// ---- activations ---------------------------------------------------------------------------

/** The activation given to a layer's `activation=` (or Dense's 2nd positional argument). */
export function activationFrom(argument: ArgValue | null): ActivationInfo {
  if (!argument) return { name: 'linear', node: null, form: 'absent' };
  const v = argument.value;
  if (v.k === 'none') return { name: 'linear', node: argument.node, form: 'none' };
  if (v.k === 'str') return { name: activationNameOf(v.v), node: argument.node, form: 'string' };
  if (v.k === 'module') {
    const name = callableActivationName(v.path);
    if (name) return { name, node: argument.node, form: 'callable' };
  }
  if (v.k === 'activation') return { name: v.name, node: argument.node, form: 'callable' };
  return { name: 'unknown', node: argument.node, form: 'callable' };
}

/** tf.nn.softmax, tf.sigmoid, keras.activations.relu, tf.math.sigmoid, K.softmax → the activation name. */
export function callableActivationName(path: string): string | null {
  const c = canonicalPath(path);
  let m = /^keras\.(?:activations|backend)\.([a-z_0-9]+)$/.exec(c);
  if (m) return activationNameOf(m[1]);
  m = /^tensorflow\.(?:nn\.|math\.)?(softmax|sigmoid|relu|tanh|elu|selu|softplus|log_softmax|relu6|leaky_relu|gelu|silu|swish|exp)$/.exec(c);
  if (m) return m[1] === 'exp' ? 'exponential' : activationNameOf(m[1]);
  return null;
}

// ---- layers --------------------------------------------------------------------------------

function makeLayer(lib: Library, cls: string, args: CallArgs, node: SyntaxNode): Value {
  const canonicalCls = LAYER_ALIASES[cls] ?? cls;
  const name = strOf(arg(args, -1, 'name')?.value);
  const layer: LayerInfo = { cls: canonicalCls, call: node, units: null, unitsNode: null, activation: null, name, lastAxis: true, nested: null };
  if (canonicalCls === 'Dense') {
    const units = arg(args, 0, 'units', 'output_dim');
    layer.units = intOf(units?.value);
    layer.unitsNode = units?.node ?? null;
    // Dense's 2nd positional argument is the activation in tf.keras / Keras 3 (in Keras 1 it is `init`:
    // a string like 'glorot_uniform' is no activation, so it resolves to an unknown one).
    const activation = args.keywords.get('activation') ?? (args.positional[1] ?? null);
    layer.activation = activationFrom(activation);
    if (!args.keywords.has('activation') && args.positional[1] && !isActivationName(layer.activation.name)) {
      layer.activation = { name: 'unknown', node: args.positional[1].node, form: 'string' };
    }
    if (args.splat && !activation) layer.activation = { name: 'unknown', node: null, form: 'absent' };
    if (args.splat && !units) layer.units = null;
    // A number there is Keras 0.x's Dense(input_dim, output_dim): the first argument is no unit count.
    const second = args.positional[1]?.value.k;
    if (second === 'int' || second === 'float') layer.units = null;
  } else if (canonicalCls === 'Activation') {
    layer.activation = activationFrom(arg(args, 0, 'activation'));
    if (!arg(args, 0, 'activation')) layer.activation = { name: 'unknown', node: null, form: 'absent' };
  } else if (ACTIVATION_LAYERS[canonicalCls]) {
    layer.activation = { name: ACTIVATION_LAYERS[canonicalCls], node, form: 'layer' };
    if (canonicalCls === 'Softmax') {
      const axis = arg(args, 0, 'axis');
      layer.lastAxis = !axis || intOf(axis.value) === -1;
    }
  } else if (/^(LSTM|GRU|SimpleRNN|ConvLSTM)/.test(canonicalCls)) {
    // Recurrent layers default to tanh, not linear.
    const given = args.keywords.get('activation');
    layer.activation = given ? activationFrom(given) : { name: args.splat ? 'unknown' : 'tanh', node: null, form: 'absent' };
  } else if (/^(Conv|SeparableConv|DepthwiseConv)/.test(canonicalCls)) {
    layer.activation = args.splat && !args.keywords.has('activation') ? { name: 'unknown', node: null, form: 'absent' } : activationFrom(args.keywords.get('activation') ?? null);
  } else if (canonicalCls === 'TimeDistributed' || canonicalCls === 'Bidirectional') {
    // The wrapped layer's units apply per time step: width of the head is not the class count.
    layer.activation = { name: 'unknown', node: null, form: 'absent' };
  }
  lib.facts.layers.push(layer);
  return { k: 'layer', layer };
}

function isActivationName(name: string): boolean {
  return ['softmax', 'sigmoid', 'linear', 'relu', 'tanh', 'elu', 'selu', 'softplus', 'softsign', 'exponential', 'hard_sigmoid', 'log_softmax', 'leaky_relu', 'relu6', 'gelu', 'silu', 'mish'].includes(name);
}

function makeModel(lib: Library, kind: ModelObj['kind'], node: SyntaxNode): ModelObj {
  const model: ModelObj = { kind, node, layers: [], outputs: null, uncertain: false, uncertainLayers: 0, depth: lib.depth, application: null };
  lib.facts.models.push(model);
  return model;
}

/** A layer or a model used as a layer, for Sequential lists and .add(). */
function asLayer(value: Value, node: SyntaxNode): LayerInfo | null {
  if (value.k === 'layer') return value.layer;
  const model = modelOf(value);
  if (model) return { cls: 'Model', call: node, units: null, unitsNode: null, activation: null, name: null, lastAxis: true, nested: model };
  return null;
}

export function modelOf(value: Value): ModelObj | null {
  if (value.k === 'model') return value.model;
  if (value.k === 'instance' && value.model) return value.model;
  return null;
}

function tensorFrom(value: Value, node: SyntaxNode): TensorInfo {
  if (value.k === 'tensor') return value.tensor;
  return { layer: null, op: null, input: null, isInput: false, node };
}

// ---- losses and metrics ----------------------------------------------------------------------

/** The loss classes whose first parameter is from_logits (`BinaryCrossentropy(True)`). */
const FROM_LOGITS_FIRST = new Set(['BinaryCrossentropy', 'CategoricalCrossentropy', 'SparseCategoricalCrossentropy']);

function lossObject(lib: Library, className: string, args: CallArgs, node: SyntaxNode, nameNode: SyntaxNode | null): Value {
  const id = lossIdOf(className) ?? 'custom';
  const keyword = args.keywords.get('from_logits');
  const fromLogits = keyword ?? (FROM_LOGITS_FIRST.has(className) ? args.positional[0] : undefined);
  const loss: LossInfo = {
    id,
    form: 'object',
    node,
    nameNode,
    fromLogits: fromLogits ? (fromLogits.value.k === 'bool' ? fromLogits.value.v : null) : args.splat ? null : false,
    fromLogitsNode: keyword?.kwarg ?? fromLogits?.node ?? null,
  };
  return { k: 'loss', loss };
}

/**
 * What a user loss (a function, or a Loss subclass's `call`) is run with: its own y_true and
 * y_pred, each a value of its own, so that a Keras loss called inside can tell whether it gets
 * them untouched. `categorical_crossentropy(y_true, tf.nn.softmax(y_pred))` applies its own
 * softmax, `...(tf.one_hot(y_true, 10), y_pred)` reads other labels: the user loss is then unknown.
 */
const OWN_Y_TRUE: Value = { k: 'unknown' };
const OWN_Y_PRED: Value = { k: 'unknown' };

function userLossArguments(node: SyntaxNode): CallArgs {
  return { positional: [{ node, value: OWN_Y_TRUE }, { node, value: OWN_Y_PRED }], keywords: new Map(), node };
}

function getsOwnTargets(args: CallArgs): boolean {
  return arg(args, 0, 'y_true', 'target')?.value === OWN_Y_TRUE && arg(args, 1, 'y_pred', 'output')?.value === OWN_Y_PRED;
}

/** A loss function called directly (inside a user loss): `losses.categorical_crossentropy(y, p, from_logits=True)`. */
function lossCall(id: string, args: CallArgs, node: SyntaxNode): Value {
  if (!getsOwnTargets(args)) return UNKNOWN;
  const fromLogits = arg(args, 2, 'from_logits');
  return {
    k: 'loss',
    loss: { id, form: 'wrapper', node, nameNode: null, fromLogits: fromLogits ? (fromLogits.value.k === 'bool' ? fromLogits.value.v : null) : false, fromLogitsNode: null },
  };
}

/** The loss given to compile(loss=...), from the argument's value. */
export function lossFromValue(lib: Library, value: Value, node: SyntaxNode): LossInfo | null {
  switch (value.k) {
    case 'str': {
      const id = lossIdOf(value.v);
      return id ? { id, form: 'string', node: value.node, nameNode: value.node, fromLogits: false, fromLogitsNode: null } : null;
    }
    case 'loss':
      return value.loss.form === 'wrapper' ? null : value.loss;
    case 'module': {
      const c = canonicalPath(value.path);
      const m = /^keras\.(?:losses|backend|metrics)\.([A-Za-z_0-9]+)$/.exec(c);
      const id = m ? lossIdOf(m[1]) : null;
      return id ? { id, form: 'function', node, nameNode: node, fromLogits: false, fromLogitsNode: null } : null;
    }
    case 'func': {
      // A user loss function: what its body returns, when it returns one known loss.
      const out = lib.inlineFunction(value, userLossArguments(value.def), null);
      return out.k === 'loss' ? { ...out.loss, form: 'wrapper', node, nameNode: null, fromLogitsNode: null } : null;
    }
    case 'instance': {
      if (!lib.classIsLoss(value.cls)) return null;
      const call = lib.findMethod(value.cls, 'call');
      if (!call) return null;
      const out = lib.inlineFunction(call, userLossArguments(call.def), value);
      return out.k === 'loss' ? { ...out.loss, form: 'wrapper', node, nameNode: null, fromLogitsNode: null } : null;
    }
    default:
      return null;
  }
}

export function metricFromValue(value: Value, node: SyntaxNode): MetricInfo | null {
  if (value.k === 'str') return { id: metricIdOf(value.v, 'string'), form: 'string', node: value.node, written: value.v, nameNode: value.node };
  if (value.k === 'metric') return value.metric;
  if (value.k === 'module') {
    const m = /^keras\.metrics\.([A-Za-z_0-9]+)$/.exec(canonicalPath(value.path));
    if (m) return { id: metricIdOf(m[1], 'function'), form: 'function', node, written: m[1], nameNode: node };
  }
  return null;
}

// ---- calls to library paths ------------------------------------------------------------------

export function callLibrary(lib: Library, path: string, args: CallArgs, node: SyntaxNode): Value {
  const c = canonicalPath(path);
  // exec(source) with the caller's namespace (no globals given) may rebind any name: `exec(open('prep.py').read())`.
  if ((c === 'builtins.exec' || c === 'builtins.execfile') && args.positional.length === 1 && args.keywords.size === 0 && !args.splat) {
    lib.forgetModuleVariables();
    return { k: 'none' };
  }
  if (c === 'builtins.setattr' && strOf(args.positional[1]?.value) === 'activation' && args.positional[0]) lib.activationSet(args.positional[0].value, null);
  // A user loss's own targets, cast (`y_true = tf.cast(y_true, tf.float32)`), are still its own; a reshape may
  // change what a unit is, so it is not.
  const target = args.positional[0]?.value;
  if ((target === OWN_Y_TRUE || target === OWN_Y_PRED) && /^(?:tensorflow|keras\.backend|keras\.ops)\.(?:cast|convert_to_tensor|identity)$/.test(c)) return target;
  // numpy's in-place writers: np.place(y, y > 1, 1), np.copyto(y, ...).
  if (c.startsWith('numpy.') && /^numpy\.(?:place|put|putmask|copyto|fill_diagonal|put_along_axis|[a-z_]+\.at)$/.test(c) && args.positional[0]) lib.markChanged(args.positional[0].value);
  const fnNode = node.type === 'call' ? node.childForFieldName('function') : null;
  const nameNode = fnNode?.type === 'attribute' ? fnNode.childForFieldName('attribute') : fnNode;

  if (c === 'keras.Sequential') {
    const model = makeModel(lib, 'sequential', node);
    const list = arg(args, 0, 'layers');
    if (list) {
      if (list.value.k === 'seq') {
        list.value.items.forEach((item, i) => {
          // keras.Input(shape=...) first in the list (the Keras 3 style) only declares the input.
          if (item.k === 'tensor' && item.tensor.isInput) return;
          const layer = asLayer(item, list.value.k === 'seq' && list.value.node ? elementNodes(list.value.node)[i] ?? node : node);
          if (layer) model.layers.push(layer);
          else model.uncertainLayers = model.layers.length;
        });
      } else model.uncertain = true;
    }
    return { k: 'model', model };
  }
  if (c === 'keras.Model') {
    const outputs = arg(args, 1, 'outputs', 'output'); // Keras 1: Model(input=..., output=...)
    const model = makeModel(lib, outputs ? 'functional' : 'opaque', node);
    if (outputs) {
      if (outputs.value.k === 'tensor') model.outputs = [outputs.value.tensor];
      else if (outputs.value.k === 'seq' && outputs.value.items.every((i) => i.k === 'tensor')) {
        model.outputs = outputs.value.items.map((i) => (i as Extract<Value, { k: 'tensor' }>).tensor);
      } else if (outputs.value.k === 'dict' && [...outputs.value.entries.values()].every((i) => i.k === 'tensor')) {
        // Keras flattens a dict of outputs in sorted key order: a loss or label list pairs with them so.
        const byKey = [...outputs.value.entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        model.outputs = byKey.map(([name, t]) => ({ ...(t as Extract<Value, { k: 'tensor' }>).tensor, outputName: name }));
      } else model.uncertain = true;
    }
    return { k: 'model', model };
  }
  if (c === 'keras.Input' || c === 'keras.layers.InputLayer') {
    return { k: 'tensor', tensor: { layer: null, op: null, input: null, isInput: true, node } };
  }
  if (c === 'keras.models.load_model' || c === 'keras.saving.load_model' || c === 'keras.models.clone_model' || c === 'keras.models.model_from_json') {
    return { k: 'model', model: makeModel(lib, 'opaque', node) };
  }
  if (isApplicationPath(c)) return application(lib, args, node);

  let m = /^keras\.layers\.([A-Za-z0-9_]+)$/.exec(c);
  if (m) {
    if (m[1] === 'Input') return { k: 'tensor', tensor: { layer: null, op: null, input: null, isInput: true, node } };
    if (KNOWN_LAYER_CLASSES.has(m[1])) return makeLayer(lib, m[1], args, node);
    // Functional merge helpers (concatenate, add) and unknown layer classes.
    if (/^[A-Z]/.test(m[1])) return makeLayer(lib, 'Unknown', args, node);
    return { k: 'tensor', tensor: tensorFrom(UNKNOWN, node) };
  }
  m = /^keras\.(?:losses|backend|metrics)\.([A-Za-z_0-9]+)$/.exec(c);
  if (m && lossIdOf(m[1])) {
    if (/^[A-Z]/.test(m[1]) && c.startsWith('keras.losses.')) return lossObject(lib, m[1], args, node, nameNode);
    if (!/^[A-Z]/.test(m[1])) return lossCall(lossIdOf(m[1])!, args, node);
  }
  m = /^keras\.metrics\.([A-Z][A-Za-z_0-9]*)$/.exec(c);
  if (m) return { k: 'metric', metric: { id: metricIdOf(m[1], 'object'), form: 'object', node, written: m[1], nameNode } };

  const activation = callableActivationName(c);
  if (activation) {
    const input = arg(args, 0, 'x', 'features', 'logits');
    // A softmax over another axis (attention over time steps) normalises something else than the
    // classes, and the rank is not tracked: what it outputs is unknown.
    if (activation === 'softmax' || activation === 'log_softmax') {
      const axis = arg(args, 1, 'axis', 'dim');
      if (axis && axis.value.k !== 'none' && intOf(axis.value) !== -1) return UNKNOWN;
    }
    if (input && input.value.k === 'tensor') {
      return { k: 'tensor', tensor: { layer: null, op: { name: activation, node, form: 'op' }, input: input.value.tensor, isInput: false, node } };
    }
    return UNKNOWN;
  }

  // ---- labels ----
  if (c === 'keras.utils.to_categorical') {
    const source = arg(args, 0, 'y', 'x');
    const given = intOf(arg(args, 1, 'num_classes', 'nb_classes')?.value);
    const inClasses = source?.value.k === 'labels' ? source.value.labels.classes : null;
    return labels('onehot', given ?? inClasses, shortCall(node), node);
  }
  if (c === 'tensorflow.one_hot' || c === 'keras.backend.one_hot' || c === 'keras.ops.one_hot' || c === 'tensorflow.keras.backend.one_hot') {
    return labels('onehot', intOf(arg(args, 1, 'depth', 'num_classes')?.value), shortCall(node), node);
  }
  if (c === 'numpy.eye' || c === 'numpy.identity') return { k: 'eye', n: intOf(arg(args, 0, 'N', 'n')?.value), node };
  if (c === 'pandas.get_dummies') {
    // columns= encodes some columns of a whole frame: features. drop_first=True leaves one 0/1 column for two classes.
    if (args.keywords.has('columns')) return UNKNOWN;
    return labels('onehot', null, shortCall(node), node, { ambiguousWidth: dropsColumn(args.keywords.get('drop_first')) });
  }
  m = /^sklearn\.preprocessing\.(LabelEncoder|LabelBinarizer|OneHotEncoder)$/.exec(c);
  if (m) return { k: 'encoder', kind: m[1] as 'LabelEncoder', dropsColumn: dropsColumn(args.keywords.get('drop')) };
  if (c === 'sklearn.model_selection.train_test_split') {
    const items: Value[] = [];
    for (const a of args.positional) items.push(keepLabels(a.value, true), keepLabels(a.value, true));
    return { k: 'seq', items, node: null };
  }
  m = /^keras\.datasets\.([a-z0-9_]+)\.load_data$/.exec(c);
  if (m && DATASETS[m[1]]) return loadData(m[1], args, node);
  if (c === 'numpy.array' || c === 'numpy.asarray' || c === 'numpy.squeeze' || c === 'numpy.ravel' || c === 'numpy.copy' || c === 'tensorflow.convert_to_tensor' || c === 'tensorflow.constant') {
    return keepLabels(arg(args, 0, 'object', 'a', 'value')?.value ?? UNKNOWN, c !== 'numpy.asarray' && c !== 'numpy.squeeze' && c !== 'numpy.ravel');
  }
  // np.reshape is the array's reshape method; clipping features (pixels into [0, 1]) keeps them features.
  if (c === 'numpy.reshape') return keepLabels(arg(args, 0, 'a')?.value ?? UNKNOWN, false);
  if (c === 'numpy.clip') {
    const clipped = arg(args, 0, 'a')?.value;
    return clipped?.k === 'features' ? keepLabels(clipped, true) : UNKNOWN;
  }
  if (c === 'numpy.concatenate') {
    const parts = arg(args, 0, 'arrays')?.value;
    if (parts?.k === 'seq' && parts.items.length && parts.items.every((p) => p.k === 'labels' && p.labels.format === (parts.items[0] as Extract<Value, { k: 'labels' }>).labels.format && p.labels.classes === (parts.items[0] as Extract<Value, { k: 'labels' }>).labels.classes)) {
      return parts.items[0];
    }
    return UNKNOWN;
  }
  if (c === 'numpy.argmax' || c === 'tensorflow.argmax' || c === 'tensorflow.math.argmax') {
    const source = arg(args, 0, 'a', 'input')?.value;
    if (source?.k === 'labels' && source.labels.format === 'onehot') return labels('int', source.labels.classes, shortCall(node), node);
    return UNKNOWN;
  }
  if (/^numpy\.random\.(rand|randn|random|uniform|normal|random_sample)$/.test(c)) return labels('continuous', null, shortCall(node), node);

  // ---- data pipelines ----
  m = /^keras\.(?:utils|preprocessing)\.(image|text|audio)_dataset_from_directory$/.exec(c);
  if (m) {
    // (directory, labels='inferred', label_mode='int', ...): labels=None yields no labels at all.
    if (arg(args, 1, 'labels')?.value.k === 'none') return { k: 'dataset', labels: null };
    const mode = argUnlessSplat(args, 2, 'label_mode');
    if (mode === undefined) return { k: 'dataset', labels: null };
    if (!mode) return { k: 'dataset', labels: labelsOf(labels('int', null, shortCall(node), node)) };
    const v = mode.value;
    if (v.k === 'none') return { k: 'dataset', labels: null };
    if (v.k === 'str') return { k: 'dataset', labels: labelsOf(labelMode(v.v, node)) };
    return { k: 'dataset', labels: null };
  }
  if (c === 'keras.preprocessing.image.ImageDataGenerator' || c === 'keras.preprocessing.image.image.ImageDataGenerator') return { k: 'datagen' };
  if (c === 'keras.utils.timeseries_dataset_from_array' || c === 'keras.preprocessing.timeseries_dataset_from_array') {
    const targets = arg(args, 1, 'targets')?.value;
    return { k: 'dataset', labels: targets ? labelsOf(targets) : null };
  }
  if (c === 'tensorflow.data.Dataset.from_tensor_slices' || c === 'tensorflow.data.Dataset.from_tensors') {
    const data = arg(args, 0, 'tensors')?.value;
    if (data?.k === 'seq' && data.items.length === 2) return { k: 'dataset', labels: labelsOf(data.items[1]) };
    return { k: 'dataset', labels: null };
  }
  return UNKNOWN;
}

function labelsOf(value: Value): LabelInfo | null {
  return value.k === 'labels' ? value.labels : null;
}

function labelMode(mode: string, node: SyntaxNode): Value {
  switch (mode) {
    case 'int':
    case 'sparse':
      return labels('int', null, shortCall(node), node);
    case 'categorical':
      return labels('onehot', null, shortCall(node), node);
    case 'binary':
      return labels('binary', 2, shortCall(node), node);
    default:
      return UNKNOWN;
  }
}

/**
 * Labels or features passed through: a view (np.asarray, np.squeeze, reshape) is the same array,
 * so changing it in place changes the original (markChanged marks the value); a copy (np.array,
 * .copy(), astype, a train_test_split part) is a value of its own.
 */
function keepLabels(value: Value, copy: boolean): Value {
  if (value.k !== 'labels' && value.k !== 'features') return UNKNOWN;
  return copy ? { ...value } : value;
}

function loadData(dataset: string, args: CallArgs, node: SyntaxNode): Value {
  const facts = DATASETS[dataset];
  let classes = facts.classes;
  if (dataset === 'cifar100') {
    const mode = strOf(arg(args, 0, 'label_mode')?.value);
    if (arg(args, 0, 'label_mode') && mode === null) classes = null;
    else if (mode === 'coarse') classes = 20;
  }
  const origin = `${dataset}.load_data()`;
  const y = (): Value => ({ k: 'labels', labels: { format: facts.format, classes, origin, node, fromDataset: facts.format !== 'continuous', ambiguousWidth: false } });
  const x = (): Value => ({ k: 'features', node });
  return { k: 'seq', items: [{ k: 'seq', items: [x(), y()], node: null }, { k: 'seq', items: [x(), y()], node: null }], node: null };
}

function application(lib: Library, args: CallArgs, node: SyntaxNode): Value {
  const model = makeModel(lib, 'application', node);
  const includeTop = args.keywords.get('include_top');
  const classes = args.keywords.get('classes');
  const activation = args.keywords.get('classifier_activation');
  model.application = {
    includeTop: includeTop ? (includeTop.value.k === 'bool' ? includeTop.value.v : null) : true,
    units: classes ? intOf(classes.value) : 1000,
    unitsNode: classes?.node ?? null,
    activation: activation ? activationFrom(activation) : { name: 'softmax', node: null, form: 'absent' },
  };
  if (args.splat) model.uncertain = true;
  return { k: 'model', model };
}

// ---- methods on values -----------------------------------------------------------------------

export function callMethod(lib: Library, object: Value, method: string, args: CallArgs, node: SyntaxNode, fnNode: SyntaxNode | null): Value {
  if (runsUnseenCode(method, args, fnNode)) {
    lib.forgetModuleVariables();
    return UNKNOWN;
  }
  if (CHANGING_METHODS.has(method) && !changedEntryByEntry(lib, object, method, args)) lib.markChanged(object);
  const model = modelOf(object);
  if (object.k === 'instance') {
    // self.dense(x): a layer (or any callable) stored as an attribute.
    const own = object.attrs.get(method);
    if (own) return lib.callValue(own, args, node);
    const fn = lib.findMethod(object.cls, method === '__call__' ? '__call__' : method);
    if (fn && method !== 'compile' && method !== 'fit') return lib.inlineFunction(fn, args, object);
  }
  if (model) return modelMethod(lib, model, method, args, node, fnNode);
  switch (object.k) {
    case 'layer':
      if (method === '__call__') {
        const input = args.positional[0]?.value ?? UNKNOWN;
        return { k: 'tensor', tensor: { layer: object.layer, op: null, input: input.k === 'tensor' ? input.tensor : null, isInput: false, node } };
      }
      return UNKNOWN;
    case 'func':
      return method === '__call__' ? lib.inlineFunction(object, args, null) : UNKNOWN;
    case 'loss':
      // A loss object called inside a user loss (`return self.ce(y_true, y_pred)`) is that loss, given the targets untouched.
      return method === '__call__' && getsOwnTargets(args) ? { k: 'loss', loss: { ...object.loss, form: 'wrapper', node, nameNode: null, fromLogitsNode: null } } : UNKNOWN;
    case 'labels':
      // Continuous values cast to an integer or bool type are no longer continuous (0/1 labels from uniform noise).
      if (method === 'astype' && object.labels.format === 'continuous' && !/float|double|half|single|^['"]f[248]['"]$/i.test(args.positional[0]?.node.text ?? args.keywords.get('dtype')?.node.text ?? '')) return UNKNOWN;
      if (['reshape', 'ravel', 'squeeze', 'to_numpy'].includes(method)) return object;
      if (['astype', 'flatten', 'copy', 'numpy', 'tolist'].includes(method)) return keepLabels(object, true);
      if (method === 'argmax' && object.labels.format === 'onehot') return labels('int', object.labels.classes, shortCall(node), node);
      return UNKNOWN;
    case 'features':
      return method === 'reshape' ? object : ['astype', 'copy', 'numpy'].includes(method) ? keepLabels(object, true) : UNKNOWN;
    case 'dataset':
      if (['batch', 'shuffle', 'prefetch', 'cache', 'repeat', 'take', 'skip', 'unbatch', 'with_options', 'padded_batch', 'apply'].includes(method)) return object;
      // A filter may keep some classes only (`lambda x, y: y < 5`): the format stays, the class count is unknown.
      if (method === 'filter') return { k: 'dataset', labels: object.labels && { ...object.labels, classes: null } };
      if (method === 'map') return datasetMap(lib, args, node);
      return UNKNOWN;
    case 'datagen':
      return datagenMethod(method, args, node);
    case 'encoder':
      return encoderMethod(object, method, args, node);
    case 'eye':
      return UNKNOWN;
    default:
      return UNKNOWN;
  }
}

/**
 * Code the analysis cannot see rebinding the module's names: a notebook's `%run` / `%store -r` as
 * nbconvert writes them (`get_ipython().run_line_magic('run', 'prep.py')`), and `globals().update(...)`.
 */
function runsUnseenCode(method: string, args: CallArgs, fnNode: SyntaxNode | null): boolean {
  if (method === 'run_line_magic' || method === 'magic') return /^\s*(?:run|store)\b/.test(strOf(args.positional[0]?.value) ?? '');
  return method === 'update' && /^(?:globals|vars)\(\s*\)$/.test(fnNode?.childForFieldName('object')?.text ?? '');
}

function modelMethod(lib: Library, model: ModelObj, method: string, args: CallArgs, node: SyntaxNode, fnNode: SyntaxNode | null): Value {
  switch (method) {
    case 'add': {
      const layer = args.positional[0] ? asLayer(args.positional[0].value, args.positional[0].node) : null;
      if (layer) model.layers.push(layer);
      if (!layer || lib.depth > model.depth) model.uncertainLayers = model.layers.length;
      return { k: 'none' };
    }
    case 'pop':
      model.uncertain = true;
      return UNKNOWN;
    case 'compile': {
      const callee = fnNode?.childForFieldName('attribute') ?? node;
      const loss = arg(args, 1, 'loss');
      const metrics = args.keywords.get('metrics') ?? null;
      lib.facts.compiles.push({
        call: node,
        order: lib.facts.compiles.length + lib.facts.fits.length,
        callee,
        model,
        layerCount: model.layers.length,
        loss: loss ? lossSpec(lib, loss) : args.splat ? { k: 'unknown' } : { k: 'none' },
        metrics: metrics ? metricSpec(metrics.value) : args.splat ? { k: 'unknown' } : { k: 'none' },
      });
      return { k: 'none' };
    }
    case 'fit':
    case 'fit_generator':
    case 'train_on_batch': {
      const x = arg(args, 0, 'x', 'generator');
      const y = arg(args, 1, 'y');
      let fitLabels: LabelInfo | null = null;
      let perOutput: Map<string, LabelInfo | null> | (LabelInfo | null)[] | null = null;
      if (y) {
        if (y.value.k === 'labels') fitLabels = y.value.labels;
        // The inputs as targets (an autoencoder's fit(x, x)): values to reconstruct, whatever x holds.
        else if (y.value.k === 'features' || (x && x.node.text === y.node.text)) fitLabels = { format: 'continuous', classes: null, origin: y.node.text, node: y.node, fromDataset: false, ambiguousWidth: false };
        else if (y.value.k === 'dict') perOutput = new Map([...y.value.entries].map(([k, v]) => [k, labelsOf(v)]));
        else if (y.value.k === 'seq') perOutput = y.value.items.map(labelsOf);
      } else if (x && x.value.k === 'dataset') fitLabels = x.value.labels;
      lib.facts.fits.push({ call: node, order: lib.facts.compiles.length + lib.facts.fits.length, model, layerCount: model.layers.length, labels: fitLabels, perOutput });
      return UNKNOWN;
    }
    case '__call__': {
      const input = args.positional[0]?.value ?? UNKNOWN;
      const layer = asLayer({ k: 'model', model }, node)!;
      return { k: 'tensor', tensor: { layer, op: null, input: input.k === 'tensor' ? input.tensor : null, isInput: false, node } };
    }
    default:
      return UNKNOWN;
  }
}

function lossSpec(lib: Library, loss: ArgValue): import('./values').LossSpec {
  const v = loss.value;
  if (v.k === 'dict' && loss.node.type === 'dictionary') {
    const entries = new Map<string, { loss: LossInfo | null; arg: SyntaxNode }>();
    for (const pair of loss.node.namedChildren) {
      const key = pair?.childForFieldName('key');
      const valueNode = pair?.childForFieldName('value');
      const keyValue = key?.type === 'string' ? key.namedChildren.find((c) => c?.type === 'string_content')?.text : undefined;
      if (!keyValue || !valueNode) continue;
      const value = v.entries.get(keyValue) ?? UNKNOWN;
      entries.set(keyValue, { loss: lossFromValue(lib, value, valueNode), arg: valueNode });
    }
    return { k: 'dict', entries };
  }
  if (v.k === 'seq' && (loss.node.type === 'list' || loss.node.type === 'tuple')) {
    const nodes = elementNodes(loss.node);
    return { k: 'list', items: v.items.map((item, i) => ({ loss: lossFromValue(lib, item, nodes[i] ?? loss.node), arg: nodes[i] ?? loss.node })) };
  }
  return { k: 'single', loss: lossFromValue(lib, v, loss.node), arg: loss.node };
}

function metricSpec(value: Value): import('./values').MetricSpec {
  const positionsOf = (v: Extract<Value, { k: 'seq' }>): (MetricInfo | null)[] => v.items.map((item, i) => metricFromValue(item, (v.node ? elementNodes(v.node)[i] : null) ?? v.node!));
  const listOf = (v: Value): MetricInfo[] | null => (v.k === 'seq' ? positionsOf(v).filter((x): x is MetricInfo => !!x) : null);
  if (value.k === 'seq') {
    if (value.items.length > 0 && value.items.every((i) => i.k === 'seq')) return { k: 'perOutput', items: value.items.map((i) => listOf(i) ?? []) };
    const byPosition = hasSplat(value) ? null : positionsOf(value);
    return { k: 'list', items: listOf(value) ?? [], byPosition };
  }
  if (value.k === 'dict') {
    const entries = new Map<string, MetricInfo[]>();
    for (const [key, v] of value.entries) {
      const single = metricFromValue(v, value.node!);
      entries.set(key, listOf(v) ?? (single ? [single] : []));
    }
    return { k: 'dict', entries };
  }
  return { k: 'unknown' };
}

function datasetMap(lib: Library, args: CallArgs, node: SyntaxNode): Value {
  const fn = args.positional[0]?.value;
  if (!fn || fn.k !== 'func') return { k: 'dataset', labels: null };
  const out = lib.inlineFunction(fn, { positional: [{ node, value: UNKNOWN }, { node, value: UNKNOWN }], keywords: new Map(), node: fn.def }, null);
  if (out.k === 'seq' && out.items.length === 2 && out.items[1].k === 'labels') return { k: 'dataset', labels: out.items[1].labels };
  return { k: 'dataset', labels: null };
}

function datagenMethod(method: string, args: CallArgs, node: SyntaxNode): Value {
  if (method === 'flow') {
    const y = arg(args, 1, 'y');
    return { k: 'dataset', labels: y ? labelsOf(y.value) : null };
  }
  if (method === 'flow_from_directory' || method === 'flow_from_dataframe') {
    // class_mode is the 5th parameter of flow_from_directory, the 9th of flow_from_dataframe.
    const mode = argUnlessSplat(args, method === 'flow_from_directory' ? 4 : 8, 'class_mode');
    if (mode === undefined) return { k: 'dataset', labels: null };
    if (!mode) return { k: 'dataset', labels: labelsOf(labels('onehot', null, shortCall(node), node)) };
    if (mode.value.k === 'str') {
      if (mode.value.v === 'input') return { k: 'dataset', labels: { format: 'continuous', classes: null, origin: shortCall(node), node, fromDataset: false, ambiguousWidth: false } };
      return { k: 'dataset', labels: labelsOf(labelMode(mode.value.v, node)) };
    }
    return { k: 'dataset', labels: null };
  }
  return UNKNOWN;
}

function encoderMethod(encoder: Extract<Value, { k: 'encoder' }>, method: string, args: CallArgs, node: SyntaxNode): Value {
  if (method !== 'fit_transform' && method !== 'transform') return UNKNOWN;
  if (encoder.kind === 'LabelEncoder') return labels('int', null, shortCall(node), node);
  // LabelBinarizer, and an encoder that drops a column, give one 0/1 column for two classes: not surely one-hot.
  return labels('onehot', null, shortCall(node), node, { ambiguousWidth: encoder.kind === 'LabelBinarizer' || encoder.dropsColumn });
}

/** Whether a `drop=` / `drop_first=` argument drops a column: anything but absent, None or False. */
function dropsColumn(value: ArgValue | undefined): boolean {
  return !!value && value.value.k !== 'none' && value.node.text !== 'False';
}

// ---- attributes and subscripts ---------------------------------------------------------------

export function getAttribute(lib: Library, object: Value, attr: string, node: SyntaxNode): Value {
  switch (object.k) {
    case 'module':
      return { k: 'module', path: `${object.path}.${attr}` };
    case 'instance': {
      const own = object.attrs.get(attr);
      if (own !== undefined) return own;
      if (!object.model) return UNKNOWN;
      break;
    }
    case 'labels':
      return attr === 'values' ? object : UNKNOWN;
    case 'features':
      return attr === 'values' ? object : UNKNOWN;
    default:
      break;
  }
  const model = modelOf(object);
  if (model && (attr === 'output' || attr === 'outputs')) {
    const layer = asLayer({ k: 'model', model }, node)!;
    const tensor: Value = { k: 'tensor', tensor: { layer, op: null, input: null, isInput: false, node } };
    return attr === 'output' ? tensor : UNKNOWN;
  }
  if (model && (attr === 'input' || attr === 'inputs')) return { k: 'tensor', tensor: { layer: null, op: null, input: null, isInput: true, node } };
  return UNKNOWN;
}

export function subscriptValue(lib: Library, base: Value, indexNode: SyntaxNode | null, index: Value, node: SyntaxNode): Value {
  if (base.k === 'eye' && index.k === 'labels' && (index.labels.format === 'int' || index.labels.format === 'binary')) {
    return labels('onehot', base.n ?? index.labels.classes, shortCall(node), node);
  }
  // np.eye(n)[y] with y an array of unknown origin is still n-class one-hot rows (a literal index,
  // a slice or a tuple picks rows or cells instead).
  if (base.k === 'eye' && base.n !== null && index.k === 'unknown' && indexNode && ['identifier', 'attribute', 'call', 'subscript'].includes(indexNode.type)) {
    return labels('onehot', base.n, shortCall(node), node);
  }
  if (base.k === 'seq' && index.k === 'int') {
    const i = index.v < 0 ? base.items.length + index.v : index.v;
    return base.items[i] ?? UNKNOWN;
  }
  if (base.k === 'dict' && index.k === 'str') return base.entries.get(index.v) ?? UNKNOWN;
  if (base.k === 'labels') {
    if (indexNode?.type === 'slice') return base;
    // A column by name (`frame['Exited']` of a get_dummies frame): one column, not the encoded rows.
    if (index.k === 'str' || indexNode?.type === 'string' || indexNode?.type === 'list') return UNKNOWN;
    // Boolean masks and fancy indexing pick a subset: the class count is no longer known.
    if (indexNode && indexNode.type !== 'tuple' && indexNode.type !== 'expression_list' && index.k !== 'int') {
      return { k: 'labels', labels: { ...base.labels, classes: null, fromDataset: false, origin: `${base.labels.origin} (filtered)` } };
    }
    return UNKNOWN;
  }
  if (base.k === 'features') return indexNode?.type === 'slice' ? base : UNKNOWN;
  if (base.k === 'tensor') return { k: 'tensor', tensor: { layer: null, op: null, input: null, isInput: false, node } };
  return UNKNOWN;
}
