// The head of a model: the units and the activation of what it outputs. Found by walking back from
// the output through the layers: Dropout-like layers are transparent, Activation/Softmax layers and
// tf.nn ops set the activation, Dense sets the units, and anything that reshapes (Flatten, Conv,
// pooling, TimeDistributed) leaves the width unknown.
import { ACTIVATION_LAYERS, TRANSPARENT_LAYERS, WIDTH_PRESERVING_LAYERS } from './kerasNames';
import type { ActivationInfo, LayerInfo, ModelObj, TensorInfo } from './values';
import type { SyntaxNode } from '../syntax';

export interface Head {
  /** Output units when a Dense layer (or an application classifier) defines them, else null. */
  units: number | null;
  unitsNode: SyntaxNode | null;
  /** The final activation; name 'unknown' when it cannot be known. */
  activation: ActivationInfo;
  /** The layer holding the activation when it is a separate layer (Activation/Softmax), for fixes. */
  activationLayer: LayerInfo | null;
  /** The unit-defining layer (Dense), if reached. */
  dense: LayerInfo | null;
  /** The output's name (output layer `name=` or the Model(outputs={...}) key). */
  name: string | null;
  /** A node to point at for "the head at line N". */
  anchor: SyntaxNode;
  /** Softmax applied twice in a row: the second one. */
  secondSoftmax: { activation: ActivationInfo; layer: LayerInfo | null; tensorNode: SyntaxNode | null } | null;
  /** Softmax applied over a 1-unit last axis. */
  softmaxOnOneUnit: ActivationInfo | null;
}

type Step =
  | { k: 'layer'; layer: LayerInfo; tensorNode: SyntaxNode | null }
  | { k: 'op'; op: ActivationInfo; node: SyntaxNode }
  | { k: 'end'; node: SyntaxNode }
  /** Layers whose identity or order is not known: a head not found before them is unknown. */
  | { k: 'unknown' };

const UNKNOWN_ACTIVATION: ActivationInfo = { name: 'unknown', node: null, form: 'absent' };

/**
 * The heads of a model, one per output; null when the model's outputs cannot be resolved.
 * `layerCount`: a Sequential as it was with its first that many layers (when it was compiled).
 */
export function headsOf(model: ModelObj, seen = 0, layerCount = model.layers.length): Head[] | null {
  if (model.uncertain || seen > 4) return null;
  switch (model.kind) {
    case 'sequential': {
      if (layerCount === 0) return null;
      if (layerCount <= model.uncertainLayers) return null;
      const steps: Step[] = model.layers.slice(model.uncertainLayers, layerCount).reverse().map((layer) => ({ k: 'layer', layer, tensorNode: null }));
      steps.push(model.uncertainLayers > 0 ? { k: 'unknown' } : { k: 'end', node: model.node });
      const head = headFromSteps(steps, model.node, seen);
      return head ? [head] : null;
    }
    case 'functional':
    case 'subclass': {
      if (!model.outputs || model.outputs.length === 0) return null;
      const heads: Head[] = [];
      for (const output of model.outputs) {
        const head = headFromSteps(stepsOfTensor(output), output.node, seen);
        if (!head) return null;
        if (output.outputName) head.name = output.outputName;
        heads.push(head);
      }
      return heads;
    }
    case 'application': {
      const app = model.application;
      if (!app || app.includeTop !== true) return null;
      return [{
        units: app.units, unitsNode: app.unitsNode, activation: app.activation, activationLayer: null, dense: null, name: null,
        anchor: model.node, secondSoftmax: null, softmaxOnOneUnit: null,
      }];
    }
    default:
      return null;
  }
}

function stepsOfTensor(tensor: TensorInfo): Step[] {
  const steps: Step[] = [];
  for (let t: TensorInfo | null = tensor; t && steps.length < 500; t = t.input) {
    if (t.op) steps.push({ k: 'op', op: t.op, node: t.node });
    else if (t.layer) steps.push({ k: 'layer', layer: t.layer, tensorNode: t.node });
    else {
      steps.push({ k: 'end', node: t.node });
      break;
    }
  }
  return steps;
}

interface Applied {
  activation: ActivationInfo;
  layer: LayerInfo | null;
  tensorNode: SyntaxNode | null;
}

/** Walks steps from the output backwards. `applied` collects activations outermost first. */
function headFromSteps(steps: Step[], anchor: SyntaxNode, seen: number): Head | null {
  const applied: (Applied | 'normalized')[] = [];
  let name: string | null = null;
  for (const step of steps) {
    if (step.k === 'unknown') return null;
    if (step.k === 'end') return headWithoutUnits(applied, null, anchor, name);
    if (step.k === 'op') {
      applied.push({ activation: step.op, layer: null, tensorNode: step.node });
      continue;
    }
    const layer = step.layer;
    if (name === null && layer.name) name = layer.name;
    if (TRANSPARENT_LAYERS.has(layer.cls)) continue;
    if (layer.cls === 'Activation') {
      if (layer.activation?.name === 'linear') continue;
      applied.push({ activation: layer.activation ?? UNKNOWN_ACTIVATION, layer, tensorNode: step.tensorNode });
      continue;
    }
    if (ACTIVATION_LAYERS[layer.cls]) {
      const activation = layer.lastAxis ? layer.activation! : { ...layer.activation!, name: 'unknown' };
      applied.push({ activation, layer, tensorNode: step.tensorNode });
      continue;
    }
    if (WIDTH_PRESERVING_LAYERS.has(layer.cls)) {
      applied.push('normalized');
      continue;
    }
    if (layer.cls === 'Dense') {
      return finishHead(layer.units, layer.unitsNode, layer.activation ?? UNKNOWN_ACTIVATION, layer, applied, layer.call, name);
    }
    if (layer.cls === 'Model' && layer.nested) {
      const inner = headsOf(layer.nested, seen + 1);
      if (!inner || inner.length !== 1) return headWithoutUnits(applied, null, anchor, name);
      const h = inner[0];
      return finishHead(h.units, h.unitsNode, h.activation, h.dense, applied, h.anchor, name ?? h.name);
    }
    // Conv / pooling / Flatten / recurrent / unknown layers: the width is not a class count.
    return headWithoutUnits(applied, layer.activation, layer.call, name);
  }
  return null;
}

function headWithoutUnits(applied: (Applied | 'normalized')[], own: ActivationInfo | null, anchor: SyntaxNode, name: string | null): Head {
  const outer = applied[0];
  const activation = outer === undefined ? own ?? UNKNOWN_ACTIVATION : outer === 'normalized' ? UNKNOWN_ACTIVATION : outer.activation;
  const head: Head = {
    units: null, unitsNode: null, activation, activationLayer: outer && outer !== 'normalized' ? outer.layer : null, dense: null, name, anchor,
    secondSoftmax: null, softmaxOnOneUnit: null,
  };
  head.secondSoftmax = findDoubleSoftmax(own, applied);
  return head;
}

function finishHead(units: number | null, unitsNode: SyntaxNode | null, own: ActivationInfo, dense: LayerInfo | null, applied: (Applied | 'normalized')[], anchor: SyntaxNode, name: string | null): Head {
  const outer = applied[0];
  const activation = outer === undefined ? own : outer === 'normalized' ? UNKNOWN_ACTIVATION : outer.activation;
  const head: Head = {
    units, unitsNode, activation, activationLayer: outer && outer !== 'normalized' ? outer.layer : null, dense, name, anchor,
    secondSoftmax: findDoubleSoftmax(own, applied), softmaxOnOneUnit: null,
  };
  // A softmax applied right on a 1-unit output (possibly after Dropout / linear Activation).
  if (units === 1) {
    const innermost = [...applied].reverse()[0];
    if (own.name === 'softmax') head.softmaxOnOneUnit = own;
    else if (own.name === 'linear' && innermost && innermost !== 'normalized' && innermost.activation.name === 'softmax') head.softmaxOnOneUnit = innermost.activation;
  }
  return head;
}

/** Two softmaxes in a row (inner to outer) with nothing but transparent layers between them. */
function findDoubleSoftmax(own: ActivationInfo | null, applied: (Applied | 'normalized')[]): Head['secondSoftmax'] {
  const chain: (Applied | 'normalized')[] = [];
  if (own) chain.push({ activation: own, layer: null, tensorNode: null });
  chain.push(...[...applied].reverse());
  for (let i = 1; i < chain.length; i++) {
    const prev = chain[i - 1];
    const cur = chain[i];
    if (prev !== 'normalized' && cur !== 'normalized' && prev.activation.name === 'softmax' && cur.activation.name === 'softmax') {
      return { activation: cur.activation, layer: cur.layer, tensorNode: cur.tensorNode };
    }
  }
  return null;
}
