// Fixes that edit code more than one model runs: a helper that builds and compiles a model for
// several callers (`make(10, 'softmax')` and `make(1, 'softmax')`), a layer object two models
// share, one compile for two outputs. A fix one of them asks for changes the others too, so --fix
// may apply it only when every one of them asks for that very edit; otherwise it is still offered,
// as unsafe.
import type { LayerInfo } from '../model/values';
import type { SyntaxNode } from '../syntax';
import type { Finding, Fix, TextEdit } from '../types';
import type { OutputContext } from './context';

/** Where a finding comes from: one compiled output (loss, metrics, labels), or layers (KL004, KL014). */
export type Producer = { context: OutputContext } | { layers: readonly (LayerInfo | null | undefined)[] };

/** A piece of code (a layer call, a loss or metric argument) and the outputs or layer objects that run it. */
interface SharedNode {
  node: SyntaxNode;
  users: Set<object>;
}

export class SharedCode {
  /** The edits each output or layer object asked for, as `start:end:text`. */
  private readonly asked = new Map<object, Set<string>>();
  private readonly produced: { finding: Finding; by: Producer }[] = [];

  add(finding: Finding, by: Producer): void {
    this.produced.push({ finding, by });
    const users = 'context' in by ? [by.context] : by.layers.filter((l): l is LayerInfo => !!l);
    for (const user of users) {
      let edits = this.asked.get(user);
      if (!edits) this.asked.set(user, (edits = new Set()));
      for (const fix of finding.fixes) for (const edit of fix.edits) edits.add(key(edit));
    }
  }

  /**
   * The findings added, with a safe fix made unsafe when one of its edits touches code that other
   * users run and not all of them asked for it. An output's fix is weighed against the outputs
   * given the same loss or metric argument or the same head layer; a layer fix against the layer
   * objects made by the same call (a helper called twice).
   */
  findings(layers: readonly LayerInfo[], contexts: readonly OutputContext[]): Finding[] {
    const byLayers = sharedNodes(layers.map((layer) => [layer.call, layer]));
    // What an output owns: its loss and metric arguments (one loss for two outputs is shared by both) and its head layers.
    const owned = (c: OutputContext) => [c.lossArg, ...c.metrics.map((m) => m.node), c.head.dense?.call, c.head.activationLayer?.call];
    const byOutputs = sharedNodes(contexts.flatMap((c) => owned(c).map((node): [SyntaxNode | null | undefined, object] => [node, c])));
    return this.produced.map(({ finding, by }) => {
      const shared = 'context' in by ? byOutputs : byLayers;
      const disputed = (fix: Fix) => fix.applicability === 'safe' && fix.edits.some((edit) => shared.some((s) => touches(edit, s.node) && [...s.users].some((user) => !this.agrees(user, edit, by))));
      if (shared.length === 0 || !finding.fixes.some(disputed)) return finding;
      return { ...finding, fixes: finding.fixes.map((fix) => (disputed(fix) ? { ...fix, applicability: 'unsafe' as const } : fix)) };
    });
  }

  /**
   * Whether a user of the code would have the edit too: it asked for it; or, for an output, a layer
   * fix of its head asked for it (KL004 on the head of a recompiled model); or it is the same
   * model as the asker's, built by the same code, and never fitted here (a second copy built to
   * load weights or predict).
   */
  private agrees(user: object, edit: TextEdit, asker: Producer): boolean {
    const wanted = key(edit);
    if (this.asked.get(user)?.has(wanted)) return true;
    if (!('context' in asker)) return false;
    const other = user as OutputContext;
    if ([other.head.dense, other.head.activationLayer].some((layer) => layer && this.asked.get(layer)?.has(wanted))) return true;
    return !other.fitted && sameModelFacts(other, asker.context);
  }
}

/** The same head, loss and metrics as far as the rules read them. */
function sameModelFacts(a: OutputContext, b: OutputContext): boolean {
  const facts = (c: OutputContext) => JSON.stringify([c.head.units, c.head.activation.name, c.loss?.id, c.loss?.fromLogits, c.metrics.map((m) => m.id), c.flavour.flavour]);
  return facts(a) === facts(b);
}

/** Whether an edit changes text of the node: it overlaps it, or inserts inside it. */
function touches(edit: TextEdit, node: SyntaxNode): boolean {
  if (edit.start === edit.end) return node.startIndex <= edit.start && edit.start <= node.endIndex;
  return edit.start < node.endIndex && node.startIndex < edit.end;
}

function key(edit: TextEdit): string {
  return `${edit.start}:${edit.end}:${edit.newText}`;
}

/** The nodes with more than one user. */
function sharedNodes(uses: readonly [SyntaxNode | null | undefined, object][]): SharedNode[] {
  const byId = new Map<number, SharedNode>();
  for (const [node, user] of uses) {
    if (!node) continue;
    const entry = byId.get(node.id);
    if (entry) entry.users.add(user);
    else byId.set(node.id, { node, users: new Set([user]) });
  }
  return [...byId.values()].filter((entry) => entry.users.size > 1);
}
