// The abstract values the interpreter computes for Python expressions. Anything the analyzer cannot
// know is UNKNOWN, and every rule stays silent on unknown facts.
import type { SyntaxNode } from '../syntax';

export type Value =
  | { k: 'unknown' }
  | { k: 'int'; v: number }
  | { k: 'float' }
  | { k: 'str'; v: string; node: SyntaxNode }
  | { k: 'bool'; v: boolean }
  | { k: 'none' }
  | { k: 'seq'; items: Value[]; node: SyntaxNode | null }
  | { k: 'dict'; entries: Map<string, Value>; node: SyntaxNode | null }
  /** A library module, class or function, by dotted path as imported ('tensorflow.keras.layers.Dense'). */
  | { k: 'module'; path: string }
  | { k: 'func'; def: SyntaxNode; closure: Scope; name: string }
  | { k: 'class'; def: SyntaxNode; closure: Scope; name: string; bases: Value[] }
  | { k: 'instance'; cls: Extract<Value, { k: 'class' }>; attrs: Map<string, Value>; model: ModelObj | null }
  | { k: 'layer'; layer: LayerInfo }
  | { k: 'tensor'; tensor: TensorInfo }
  | { k: 'model'; model: ModelObj }
  | { k: 'loss'; loss: LossInfo }
  | { k: 'metric'; metric: MetricInfo }
  /** A callable activation such as tf.nn.softmax or keras.activations.sigmoid. */
  | { k: 'activation'; name: string; node: SyntaxNode }
  | { k: 'labels'; labels: LabelInfo }
  /** Features (x arrays): their values are continuous; fitting a model on them as targets is regression. */
  | { k: 'features'; node: SyntaxNode }
  /** A tf.data dataset, keras generator or directory iterator yielding (x, labels). */
  | { k: 'dataset'; labels: LabelInfo | null }
  /** np.eye(n): indexing it with class ids gives one-hot rows. */
  | { k: 'eye'; n: number | null; node: SyntaxNode }
  /** `dropsColumn`: a OneHotEncoder(drop=...) leaves one column out (one 0/1 column for two classes). */
  | { k: 'encoder'; kind: 'LabelEncoder' | 'LabelBinarizer' | 'OneHotEncoder'; dropsColumn: boolean }
  | { k: 'datagen' };

export const UNKNOWN: Value = { k: 'unknown' };

export type ActivationName = string; // 'softmax' | 'sigmoid' | 'linear' | 'relu' | ... | 'unknown'

export interface ActivationInfo {
  name: ActivationName;
  /** The node to edit to change it: the string / callable expression, or the layer call for a separate layer. */
  node: SyntaxNode | null;
  /** How it was written. */
  form: 'string' | 'callable' | 'absent' | 'none' | 'layer' | 'op';
}

export interface LayerInfo {
  /** Canonical class name ('Dense', 'Activation', 'Softmax', 'Dropout', 'Conv2D', ..., 'Unknown'). */
  cls: string;
  call: SyntaxNode;
  units: number | null;
  unitsNode: SyntaxNode | null;
  activation: ActivationInfo | null;
  name: string | null;
  /** For Softmax(axis=...): true when it acts on the last axis. */
  lastAxis: boolean;
  /** A model used as a layer. */
  nested: ModelObj | null;
}

export interface TensorInfo {
  /** The layer (or nested model) that produced it; null for inputs and opaque ops. */
  layer: LayerInfo | null;
  /** A functional activation op (tf.nn.softmax(x)) that produced it. */
  op: ActivationInfo | null;
  input: TensorInfo | null;
  /** True for Input(...) / a call() argument: the start of the graph. */
  isInput: boolean;
  node: SyntaxNode;
  /** The key naming this output in Model(outputs={...}). */
  outputName?: string;
}

/** Where the interpreter records what it finds. */
export interface ProgramFactsSink {
  compiles: CompileCall[];
  fits: FitCall[];
  models: ModelObj[];
  layers: LayerInfo[];
}

export interface ModelObj {
  kind: 'sequential' | 'functional' | 'subclass' | 'application' | 'opaque';
  node: SyntaxNode;
  /** Sequential: layers in order. */
  layers: LayerInfo[];
  /** Functional/subclass: the output tensors, in order; null when unknown. */
  outputs: TensorInfo[] | null;
  /** The model's structure is unknown (popped layers, unresolvable outputs): so is the head. */
  uncertain: boolean;
  /**
   * Sequential: how many leading layers are uncertain (added under a condition, in a loop, or not
   * resolved). The layers after them were added unconditionally, so a head among them is known.
   */
  uncertainLayers: number;
  /** Nesting depth of branches where the model was created (for uncertain .add). */
  depth: number;
  /** keras.applications: the classifier head facts. */
  application: { units: number | null; unitsNode: SyntaxNode | null; activation: ActivationInfo; includeTop: boolean | null } | null;
}

export interface LossInfo {
  /** Canonical loss id ('binary_crossentropy', 'mse', ...) or 'custom'/'unknown'. */
  id: string;
  form: 'string' | 'object' | 'function' | 'wrapper';
  /** The string / call / reference node defining it. */
  node: SyntaxNode;
  /** For objects and function refs: the node naming the class/function (edited by fixes). */
  nameNode: SyntaxNode | null;
  fromLogits: boolean | null;
  /** The `from_logits=...` keyword_argument node. */
  fromLogitsNode: SyntaxNode | null;
}

export interface MetricInfo {
  /** 'accuracy' for 'accuracy'/'acc' in any case; canonical names otherwise; 'Accuracy' for the exact-match class. */
  id: string;
  form: 'string' | 'object' | 'function';
  node: SyntaxNode;
  /** The string as written (for case-sensitivity rules). */
  written: string;
  nameNode: SyntaxNode | null;
}

export type LabelFormat = 'int' | 'onehot' | 'binary' | 'multihot' | 'continuous' | 'unknown';

export interface LabelInfo {
  format: LabelFormat;
  classes: number | null;
  /** A short phrase: "mnist.load_data()", "to_categorical(..., 10)". */
  origin: string;
  node: SyntaxNode | null;
  /** Where the class count came from a dataset (class ids of a known dataset, for KL010). */
  fromDataset: boolean;
  /** LabelBinarizer: one column for 2 classes, so it may be 0/1 ids rather than one-hot. */
  ambiguousWidth: boolean;
}

export interface CompileCall {
  call: SyntaxNode;
  /** When it ran among the compile and fit calls (they are numbered in the order they run). */
  order: number;
  /** The `compile` identifier (hover target). */
  callee: SyntaxNode;
  model: ModelObj | null;
  /** How many layers the model (a Sequential) had then: layers added later are not in this compile's head. */
  layerCount: number;
  loss: LossSpec;
  metrics: MetricSpec;
}

export type LossSpec =
  | { k: 'none' }
  | { k: 'unknown' }
  | { k: 'single'; loss: LossInfo | null; arg: SyntaxNode }
  | { k: 'dict'; entries: Map<string, { loss: LossInfo | null; arg: SyntaxNode }> }
  | { k: 'list'; items: { loss: LossInfo | null; arg: SyntaxNode }[] };

export type MetricSpec =
  | { k: 'none' }
  | { k: 'unknown' }
  /** `byPosition`: each entry as written (null: not a metric known here); null when a `*splat` hides the positions. */
  | { k: 'list'; items: MetricInfo[]; byPosition: (MetricInfo | null)[] | null }
  | { k: 'dict'; entries: Map<string, MetricInfo[]> }
  | { k: 'perOutput'; items: MetricInfo[][] };

export interface FitCall {
  call: SyntaxNode;
  /** When it ran among the compile and fit calls. */
  order: number;
  model: ModelObj | null;
  /** How many layers the model (a Sequential) had then: the head it trained is the last of them. */
  layerCount: number;
  /** Labels, or per-output labels by output name / position. */
  labels: LabelInfo | null;
  perOutput: Map<string, LabelInfo | null> | (LabelInfo | null)[] | null;
}

/**
 * A scope's names with undo journals: a branch or loop body runs in place and is rolled back or
 * merged by looking only at the names it wrote, instead of copying the whole scope (a module scope
 * can hold thousands of names, and copying it at every `if` made long scripts quadratic).
 */
export class Vars extends Map<string, Value> {
  private readonly journals: Map<string, Value | undefined>[] = [];

  override set(name: string, value: Value): this {
    for (const journal of this.journals) if (!journal.has(name)) journal.set(name, super.get(name));
    return super.set(name, value);
  }

  /** Starts recording the value before each write (undefined: the name did not exist). */
  begin(): void {
    this.journals.push(new Map());
  }

  /** Stops the innermost recording and returns it: written name -> value before the first write. */
  end(): Map<string, Value | undefined> {
    return this.journals.pop() ?? new Map();
  }

  /** Puts back the values a journal recorded (outer journals already hold their own earlier values). */
  rollback(journal: Map<string, Value | undefined>): void {
    for (const [name, before] of journal) {
      if (before === undefined) super.delete(name);
      else super.set(name, before);
    }
  }
}

/** A lexical scope: a name → value map with a parent for lookups. */
export class Scope {
  readonly vars = new Vars();
  constructor(readonly parent: Scope | null) {}

  lookup(name: string): Value | undefined {
    for (let scope: Scope | null = this; scope; scope = scope.parent) {
      const found = scope.vars.get(name);
      if (found !== undefined) return found;
    }
    return undefined;
  }
}

/** A list written with `*rest` in it: its items do not line up with indexes. */
export function hasSplat(value: Extract<Value, { k: 'seq' }>): boolean {
  return !!value.node && value.node.namedChildren.some((c) => c?.type === 'list_splat');
}

/** The elements of a list, tuple or dict literal: its named children without comments. */
export function elementNodes(node: SyntaxNode): SyntaxNode[] {
  return node.namedChildren.filter((c): c is SyntaxNode => !!c && c.type !== 'comment');
}
