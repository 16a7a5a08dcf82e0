// A small abstract interpreter for Python: it runs a module's statements in order over abstract
// values, so `y = to_categorical(y, 10)` rebinds y, `model.add(...)` grows the model that is later
// compiled, and a helper `build_model()` returns the model it builds. Branches are run on copies
// of the scope and merged (a name that differs between branches becomes unknown); loops run once
// and merge with the state before them. Anything the interpreter does not model is UNKNOWN.
import type { SyntaxNode } from '../syntax';
import { BARE_KERAS_NAMES } from './kerasNames';
import { callLibrary, callMethod, getAttribute, modelOf, subscriptValue, type CallArgs, type Library } from './library';
import { elementNodes, hasSplat, Scope, UNKNOWN, type CompileCall, type FitCall, type LayerInfo, type ModelObj, type Value } from './values';

export interface ProgramFacts {
  compiles: CompileCall[];
  fits: FitCall[];
  models: ModelObj[];
  /** Every Dense layer constructed (for softmax-over-one-unit wherever it is). */
  layers: LayerInfo[];
  moduleScope: Scope;
  /** Every import binding: local name → imported dotted path. */
  imports: Map<string, string>;
}

interface Frame {
  returns: Value[];
}

type Flow = 'next' | 'stop';

const MAX_INLINE_DEPTH = 6;
/** Deeper expressions or blocks than this are not Keras models: unknown, and no stack overflow. */
const MAX_NESTING = 100;
/** Function bodies run per top-level statement (and per uncalled function), and per analysis. */
const MAX_INLINE_CALLS = 400;
const MAX_INLINE_CALLS_PER_RUN = 20_000;
const MAX_LITERAL_ITEMS = 1000;

/** Modules whose star import binds only their own API, never a script's data (see slice.ts, which joins on the others). */
export const LIBRARY_MODULE = /^(?:keras|tensorflow|tf_keras|numpy|pandas|sklearn|scipy|matplotlib|seaborn|torch|math|os|sys|random|typing)(?:\.|$)/;

const PYTHON_BUILTINS = new Set(['len', 'range', 'print', 'int', 'float', 'str', 'list', 'dict', 'tuple', 'set', 'max', 'min', 'sum', 'abs', 'round', 'open', 'zip', 'enumerate', 'sorted', 'isinstance', 'super', 'type', 'getattr', 'setattr', 'map', 'filter', 'exec', 'execfile']);

export class Interpreter implements Library {
  readonly facts: ProgramFacts;
  /** How many branches/loops deep the statement being run is. */
  depth = 0;
  private inlineDepth = 0;
  private nesting = 0;
  private inlineCalls = 0;
  private inlineCallsInRun = 0;
  private readonly calledDefs = new Set<number>();
  /** Values changed in place (see markChanged); `anyChanged` keeps the common case to one test. */
  private readonly changed = new WeakSet<Value>();
  private anyChanged = false;
  /** Running the functions and methods nobody in this file calls (with unknown arguments). */
  private runningUncalled = false;
  /** How many branches or loop bodies (that may not run) the running code is in, across function calls. */
  private conditional = 0;
  /**
   * Lists and dicts made while running an uncalled function (or an uncalled method, or the instance
   * such methods run on), with that run's number: changed in that same run, they change for sure.
   */
  private readonly madeUncalled = new WeakMap<Value, number>();
  private uncalledRun = 0;
  private readonly allDefs: { def: SyntaxNode; scope: Scope; owner: SyntaxNode | null }[] = [];

  constructor() {
    this.facts = { compiles: [], fits: [], models: [], layers: [], moduleScope: new Scope(null), imports: new Map() };
  }

  /** Runs top-level statements in order: a whole module, or the groups of it that can matter (slice.ts). */
  run(statements: readonly SyntaxNode[]): ProgramFacts {
    this.runStatements(statements);
    return this.finishRun();
  }

  /**
   * Runs top-level statements after those run so far (a module parsed in parts runs part by part);
   * true when one of them ended the module's run (`sys.exit()`), so no more may run.
   */
  runStatements(statements: readonly SyntaxNode[]): boolean {
    const scope = this.facts.moduleScope;
    const frame: Frame = { returns: [] };
    this.nesting++;
    try {
      for (const statement of statements) {
        // Each top-level statement gets its own inlining budget: what it finds must not depend on
        // how many other statements ran before it (a group is analysed alone or with the module).
        this.inlineCalls = 0;
        if (this.execStatement(statement, scope, frame) === 'stop') return true;
      }
      return false;
    } finally {
      this.nesting--;
    }
  }

  /** After the module's statements: runs the functions and methods nothing called, and gives the facts. */
  finishRun(): ProgramFacts {
    // Functions nobody in this file calls (a train() run from elsewhere, a Keras Tuner
    // build_model(hp)) are still checked, with unknown arguments.
    this.runningUncalled = true;
    for (let i = 0; i < this.allDefs.length; i++) {
      const { def, scope: closure, owner } = this.allDefs[i];
      if (this.calledDefs.has(def.id) || owner) continue;
      this.inlineCalls = 0;
      this.uncalledRun++;
      this.inlineFunction({ k: 'func', def, closure, name: '' }, { positional: [], keywords: new Map(), node: def }, null);
    }
    this.runUncalledMethods();
    this.runningUncalled = false;
    return this.facts;
  }

  /** Whether running a top-level statement ends the module's run (control flow here never depends on values). */
  stops(statement: SyntaxNode): boolean {
    this.nesting++;
    try {
      return this.execStatement(statement, this.facts.moduleScope, { returns: [] }) === 'stop';
    } finally {
      this.nesting--;
    }
  }

  // ---- statements ----------------------------------------------------------------------------

  execBlock(statements: readonly (SyntaxNode | null)[], scope: Scope, frame: Frame): Flow {
    if (this.nesting >= MAX_NESTING) return 'next';
    this.nesting++;
    try {
      return this.execStatements(statements, scope, frame);
    } finally {
      this.nesting--;
    }
  }

  private execStatements(statements: readonly (SyntaxNode | null)[], scope: Scope, frame: Frame): Flow {
    for (const statement of statements) {
      if (!statement) continue;
      if (this.execStatement(statement, scope, frame) === 'stop') return 'stop';
    }
    return 'next';
  }

  private execStatement(node: SyntaxNode, scope: Scope, frame: Frame): Flow {
    switch (node.type) {
      case 'expression_statement':
        for (const child of node.namedChildren) if (child) this.evalExpression(child, scope);
        return 'next';
      case 'import_statement':
      case 'import_from_statement':
        this.execImport(node, scope);
        return 'next';
      case 'function_definition':
        this.defineFunction(node, scope, null);
        return 'next';
      case 'class_definition':
        this.defineClass(node, scope);
        return 'next';
      case 'decorated_definition': {
        const definition = node.childForFieldName('definition');
        return definition ? this.execStatement(definition, scope, frame) : 'next';
      }
      case 'return_statement': {
        const value = node.namedChildren[0];
        frame.returns.push(value ? this.evalExpression(value, scope) : { k: 'none' });
        return 'stop';
      }
      case 'raise_statement':
      case 'continue_statement':
      case 'break_statement':
        return 'stop';
      case 'if_statement':
        return this.execIf(node, scope, frame);
      case 'for_statement':
      case 'while_statement':
        return this.execLoop(node, scope, frame);
      case 'try_statement':
        return this.execTry(node, scope, frame);
      case 'with_statement': {
        for (const item of node.descendantsOfType('with_item')) {
          const value = item?.childForFieldName('value');
          if (value?.type === 'as_pattern') {
            const target = value.childForFieldName('alias');
            if (value.namedChildren[0]) this.evalExpression(value.namedChildren[0], scope);
            if (target) this.bindTarget(target.namedChildren[0] ?? target, UNKNOWN, scope);
          } else if (value) this.evalExpression(value, scope);
        }
        const body = node.childForFieldName('body');
        return body ? this.execBlock(body.namedChildren, scope, frame) : 'next';
      }
      case 'ERROR':
        // Error recovery can wrap complete statements before a syntax error (an import, a whole
        // function) in an ERROR node: run the statements found in it.
        return this.execBlock(node.namedChildren, scope, frame);
      case 'delete_statement':
        // `del a[1]`: the list (through every alias) is changed in place.
        for (const target of node.descendantsOfType('subscript')) {
          const object = target?.childForFieldName('value');
          if (object) this.markChanged(this.evalExpression(object, scope));
        }
        for (const id of node.descendantsOfType('identifier')) if (id) scope.vars.set(id.text, UNKNOWN);
        return 'next';
      case 'global_statement':
      case 'nonlocal_statement': {
        // A function that assigns a name of the module (or of an enclosing function) rebinds what
        // code after the call reads: that is not followed, so the name is unknown from here on. A
        // name it only reads (`global x_train` to plot it) keeps its value.
        const assigned = assignedNames(node);
        for (const name of node.namedChildren) {
          if (name?.type === 'identifier' && assigned.has(name.text)) this.forgetOutside(name.text, scope, node.type === 'global_statement');
        }
        return 'next';
      }
      case 'match_statement':
        this.execBranches(node.descendantsOfType('block').filter((b): b is SyntaxNode => !!b && b.parent?.type === 'case_clause'), scope, frame, true);
        return 'next';
      default:
        return 'next';
    }
  }

  private execIf(node: SyntaxNode, scope: Scope, frame: Frame): Flow {
    const condition = node.childForFieldName('condition');
    // `if __name__ == "__main__":` always runs when the file is the program.
    if (condition && /^__name__\s*==\s*['"]__main__['"]$/.test(condition.text)) {
      const body = node.childForFieldName('consequence');
      return body ? this.execBlock(body.namedChildren, scope, frame) : 'next';
    }
    if (condition) this.evalExpression(condition, scope);
    const blocks: SyntaxNode[] = [];
    const consequence = node.childForFieldName('consequence');
    if (consequence) blocks.push(consequence);
    let hasElse = false;
    for (const alternative of node.childrenForFieldName('alternative')) {
      if (!alternative) continue;
      if (alternative.type === 'elif_clause') {
        const c = alternative.childForFieldName('condition');
        if (c) this.evalExpression(c, scope);
      } else hasElse = true;
      const body = alternative.childForFieldName('consequence') ?? alternative.childForFieldName('body');
      if (body) blocks.push(body);
    }
    return this.execBranches(blocks, scope, frame, !hasElse);
  }

  /** Runs each block from the same starting scope and merges their ends; `mayRunNone` adds the unchanged scope. */
  private execBranches(blocks: SyntaxNode[], scope: Scope, frame: Frame, mayRunNone: boolean): Flow {
    const vars = scope.vars;
    // Per block that runs to its end: the names it wrote → their values at its end.
    const outcomes: Map<string, Value>[] = [];
    this.depth++;
    this.conditional++;
    try {
      for (const block of blocks) {
        vars.begin();
        let flow: Flow = 'stop';
        try {
          flow = this.execBlock(block.namedChildren, scope, frame);
        } finally {
          const journal = vars.end();
          if (flow === 'next') {
            const written = new Map<string, Value>();
            for (const name of journal.keys()) written.set(name, vars.get(name) ?? UNKNOWN);
            outcomes.push(written);
          }
          vars.rollback(journal);
        }
      }
    } finally {
      this.depth--;
      this.conditional--;
    }
    // Every block ended the run (raise, return): so does the statement, unless it may run none of them.
    if (outcomes.length === 0 && !mayRunNone) return 'stop';
    const names = new Set<string>();
    for (const outcome of outcomes) for (const name of outcome.keys()) names.add(name);
    for (const name of names) {
      const before = vars.get(name);
      const values = outcomes.map((o) => (o.has(name) ? o.get(name) : before));
      if (mayRunNone) values.push(before);
      vars.set(name, mergedValue(values));
    }
    return 'next';
  }

  private execLoop(node: SyntaxNode, scope: Scope, frame: Frame): Flow {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right') ?? node.childForFieldName('condition');
    if (right) this.evalExpression(right, scope);
    const body = node.childForFieldName('body');
    const vars = scope.vars;
    vars.begin();
    this.depth++;
    this.conditional++;
    let journal: Map<string, Value | undefined>;
    try {
      if (left) this.bindTarget(left, UNKNOWN, scope);
      if (body) this.execBlock(body.namedChildren, scope, frame);
    } finally {
      this.depth--;
      this.conditional--;
      journal = vars.end();
    }
    // The body may have run zero times or once (or more): merge its end with the state before it.
    for (const [name, before] of journal) vars.set(name, mergedValue([before, vars.get(name)]));
    const alternative = node.childForFieldName('alternative');
    const elseBody = alternative?.childForFieldName('body');
    if (elseBody) this.execBlock(elseBody.namedChildren, scope, frame);
    return 'next';
  }

  private execTry(node: SyntaxNode, scope: Scope, frame: Frame): Flow {
    const body = node.childForFieldName('body');
    // The try body is what normally runs; handlers are alternatives to its end state.
    const flow = body ? this.execBlock(body.namedChildren, scope, frame) : 'next';
    const handlers = node.namedChildren.filter((c): c is SyntaxNode => !!c && c.type === 'except_clause');
    if (handlers.length) {
      const blocks = handlers.map((h) => h.namedChildren.find((c) => c?.type === 'block')).filter((b): b is SyntaxNode => !!b);
      this.execBranches(blocks, scope, frame, true);
    }
    for (const child of node.namedChildren) {
      if (!child) continue;
      if (child.type === 'else_clause' || child.type === 'finally_clause') {
        const block = child.namedChildren.find((c) => c?.type === 'block');
        if (block) this.execBlock(block.namedChildren, scope, frame);
      }
    }
    return flow;
  }

  private execImport(node: SyntaxNode, scope: Scope): void {
    // `from prep import *` of the project's own module may rebind any name (a library's may not).
    if (node.namedChildren.some((c) => c?.type === 'wildcard_import') && !LIBRARY_MODULE.test(node.childForFieldName('module_name')?.text ?? '')) this.forgetModuleVariables();
    for (const [local, path] of importBindings(node)) {
      scope.vars.set(local, { k: 'module', path });
      if (scope === this.facts.moduleScope) this.facts.imports.set(local, path);
    }
  }

  private defineFunction(node: SyntaxNode, scope: Scope, owner: SyntaxNode | null): void {
    const name = node.childForFieldName('name')?.text;
    if (!name) return;
    scope.vars.set(name, { k: 'func', def: node, closure: scope, name });
    this.allDefs.push({ def: node, scope, owner });
  }

  private defineClass(node: SyntaxNode, scope: Scope): void {
    const name = node.childForFieldName('name')?.text;
    if (!name) return;
    const superclasses = node.childForFieldName('superclasses');
    const bases = superclasses ? superclasses.namedChildren.filter((c): c is SyntaxNode => !!c && c.type !== 'keyword_argument').map((c) => this.evalExpression(c, scope)) : [];
    const cls: Value = { k: 'class', def: node, closure: scope, name, bases };
    scope.vars.set(name, cls);
    const body = node.childForFieldName('body');
    for (const member of body?.namedChildren ?? []) {
      const def = member?.type === 'decorated_definition' ? member.childForFieldName('definition') : member;
      if (def?.type === 'function_definition') this.allDefs.push({ def, scope, owner: node });
    }
  }

  /** Methods nobody calls (a Trainer class's train()) run on an instance built by its __init__. */
  private runUncalledMethods(): void {
    const byClass = new Map<number, { owner: SyntaxNode; scope: Scope; defs: SyntaxNode[] }>();
    for (const { def, scope, owner } of this.allDefs) {
      if (!owner || this.calledDefs.has(def.id)) continue;
      const entry = byClass.get(owner.id) ?? { owner, scope, defs: [] };
      entry.defs.push(def);
      byClass.set(owner.id, entry);
    }
    for (const { owner, scope, defs } of byClass.values()) {
      const name = owner.childForFieldName('name')?.text;
      const cls = name ? scope.lookup(name) : undefined;
      if (!cls || cls.k !== 'class' || this.classIsModel(cls)) continue;
      this.inlineCalls = 0;
      this.uncalledRun++;
      const instance = this.instantiate(cls, { positional: [], keywords: new Map(), node: owner }, owner);
      for (const def of defs) {
        if (this.calledDefs.has(def.id)) continue;
        this.inlineCalls = 0;
        this.uncalledRun++;
        this.inlineFunction({ k: 'func', def, closure: scope, name: '' }, { positional: [], keywords: new Map(), node: def }, instance);
      }
    }
  }

  // ---- binding -------------------------------------------------------------------------------

  /** Makes `name` unknown in the module scope (`global`) or the nearest enclosing scope that binds it (`nonlocal`). */
  private forgetOutside(name: string, scope: Scope, global: boolean): void {
    let owner: Scope | null = null;
    for (let outer = scope.parent; outer; outer = outer.parent) {
      if (global ? outer.parent === null : outer.vars.get(name) !== undefined) {
        owner = outer;
        break;
      }
    }
    owner?.vars.set(name, UNKNOWN);
  }

  bindTarget(target: SyntaxNode, value: Value, scope: Scope): void {
    switch (target.type) {
      case 'identifier':
        scope.vars.set(target.text, value);
        return;
      case 'pattern_list':
      case 'tuple_pattern':
      case 'list_pattern':
      case 'expression_list':
      case 'tuple':
      case 'list': {
        const targets = target.namedChildren.filter((c): c is SyntaxNode => !!c);
        const items = value.k === 'seq' && value.items.length === targets.length && !targets.some((t) => t.type === 'list_splat_pattern') ? value.items : null;
        targets.forEach((t, i) => this.bindTarget(t, items ? items[i] : UNKNOWN, scope));
        return;
      }
      case 'parenthesized_expression':
        if (target.namedChildren[0]) this.bindTarget(target.namedChildren[0], value, scope);
        return;
      case 'attribute': {
        const object = target.childForFieldName('object');
        const attr = target.childForFieldName('attribute')?.text;
        if (!object || !attr) return;
        const owner = this.evalExpression(object, scope);
        if (owner.k === 'instance') owner.attrs.set(attr, value);
        // `layer.activation = ...`, `model.layers[-1].activation = ...`: the head is no longer what was built.
        if (attr === 'activation') this.activationSet(owner, this.evalExpression(rootOf(object), scope));
        return;
      }
      case 'subscript': {
        // `cfg['classes'] = 100`, `acts[0] = 'sigmoid'`: that entry is the new value; `y[y > 0] = 1`
        // or any index not known: the whole value is changed in place.
        const object = target.childForFieldName('value');
        const index = target.childForFieldName('subscript');
        if (!object) return;
        const container = this.evalExpression(object, scope);
        const key = index ? this.evalExpression(index, scope) : UNKNOWN;
        if (!this.writeEntry(container, key, value)) this.markChanged(container);
        return;
      }
      default:
        return;
    }
  }

  // ---- expressions ---------------------------------------------------------------------------

  evalExpression(node: SyntaxNode, scope: Scope): Value {
    if (this.nesting >= MAX_NESTING) return UNKNOWN;
    this.nesting++;
    try {
      const value = this.evalNested(node, scope);
      return this.anyChanged && this.changed.has(value) ? UNKNOWN : value;
    } finally {
      this.nesting--;
    }
  }

  /** Every variable of the module becomes unknown (imports, functions and classes stay what they are). */
  forgetModuleVariables(): void {
    const vars = this.facts.moduleScope.vars;
    for (const [name, value] of vars) if (value.k !== 'module' && value.k !== 'func' && value.k !== 'class') vars.set(name, UNKNOWN);
  }

  /**
   * A built layer's activation replaced: that layer's is unknown; a model's layer (`model.layers[-1]`)
   * makes that model's heads unknown; a layer that cannot be told (`model.get_layer('out')`, a loop
   * variable) makes every model's heads unknown, except in functions nobody here calls.
   */
  activationSet(owner: Value, root: Value | null): void {
    if (owner.k === 'layer') {
      owner.layer.activation = { name: 'unknown', node: null, form: 'absent' };
      return;
    }
    const model = modelOf(owner) ?? (root ? modelOf(root) : null);
    if (model) model.uncertain = true;
    // Another known object (a config, a custom layer's own self.activation) holds no model's layer.
    else if (owner.k === 'unknown' && !this.runningUncalled) for (const each of this.facts.models) each.uncertain = true;
  }

  /**
   * Whether a change of `container` surely runs here: not in a branch or loop that may not run (the
   * contents of a dict are not merged like names), nor in a function nobody here calls, unless the
   * container was made in that very run of it.
   */
  changesSurely(container: Value): boolean {
    return this.conditional === 0 && (!this.runningUncalled || this.madeUncalled.get(container) === this.uncalledRun);
  }

  /**
   * `container[key] = value` with a key that can be told: the entry is the new value, or, when the
   * change may not run, what the old and new values agree on. False when it cannot be told
   * (`y[y > 0] = 1`, a list with `*rest` in it): the caller counts the whole value changed.
   */
  writeEntry(container: Value, key: Value, value: Value): boolean {
    const sure = this.changesSurely(container);
    if (container.k === 'dict' && key.k === 'str') {
      container.entries.set(key.v, sure ? value : mergedValue([container.entries.get(key.v), value]));
      return true;
    }
    if (container.k === 'seq' && key.k === 'int' && !hasSplat(container) && key.v < container.items.length && -key.v <= container.items.length) {
      const at = key.v < 0 ? container.items.length + key.v : key.v;
      container.items[at] = sure ? value : mergedValue([container.items[at], value]);
      return true;
    }
    return false;
  }

  private made(value: Value): Value {
    if (this.runningUncalled) this.madeUncalled.set(value, this.uncalledRun);
    return value;
  }

  markChanged(value: Value): void {
    if (value.k === 'seq' || value.k === 'dict' || value.k === 'labels' || value.k === 'features') {
      this.changed.add(value);
      this.anyChanged = true;
    }
  }

  private evalNested(node: SyntaxNode, scope: Scope): Value {
    switch (node.type) {
      case 'assignment':
        return this.evalAssignment(node, scope);
      case 'augmented_assignment': {
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        if (right) this.evalExpression(right, scope);
        // `b += [...]` extends the list in place (through every alias); `y //= 5` changes the array.
        if (left?.type === 'identifier') {
          this.markChanged(this.lookup(left.text, scope));
          scope.vars.set(left.text, UNKNOWN);
        }
        if (left?.type === 'subscript') this.bindTarget(left, UNKNOWN, scope);
        return UNKNOWN;
      }
      case 'identifier':
        return this.lookup(node.text, scope);
      case 'integer': {
        const v = Number(node.text.replace(/_/g, ''));
        return Number.isSafeInteger(v) ? { k: 'int', v } : UNKNOWN;
      }
      case 'float':
        return { k: 'float' };
      case 'true':
        return { k: 'bool', v: true };
      case 'false':
        return { k: 'bool', v: false };
      case 'none':
        return { k: 'none' };
      case 'string':
        return stringValue(node);
      case 'concatenated_string':
        return UNKNOWN;
      case 'parenthesized_expression':
        return node.namedChildren[0] ? this.evalExpression(node.namedChildren[0], scope) : UNKNOWN;
      case 'list':
      case 'tuple':
      case 'expression_list':
        // A data literal of thousands of items (an embedded array) holds no model: skip its items.
        if (node.namedChildCount > MAX_LITERAL_ITEMS) return UNKNOWN;
        return this.made({ k: 'seq', items: elementNodes(node).map((c) => (c.type !== 'list_splat' ? this.evalExpression(c, scope) : UNKNOWN)), node });
      case 'dictionary':
        if (node.namedChildCount > MAX_LITERAL_ITEMS) return UNKNOWN;
        return this.made(this.evalDict(node, scope));
      case 'call':
        return this.evalCall(node, scope);
      case 'attribute': {
        const object = node.childForFieldName('object');
        const attr = node.childForFieldName('attribute')?.text;
        if (!object || !attr) return UNKNOWN;
        return getAttribute(this, this.evalExpression(object, scope), attr, node);
      }
      case 'subscript': {
        const value = node.childForFieldName('value');
        const subscripts = node.childrenForFieldName('subscript').filter((s): s is SyntaxNode => !!s);
        if (!value) return UNKNOWN;
        const base = this.evalExpression(value, scope);
        const index = subscripts.length === 1 ? subscripts[0] : null;
        return subscriptValue(this, base, index, index ? this.evalExpression(index, scope) : UNKNOWN, node);
      }
      case 'conditional_expression': {
        const [a, , b] = [node.namedChildren[0], node.namedChildren[1], node.namedChildren[2]];
        if (node.namedChildren[1]) this.evalExpression(node.namedChildren[1], scope);
        const va = a ? this.evalExpression(a, scope) : UNKNOWN;
        const vb = b ? this.evalExpression(b, scope) : UNKNOWN;
        return sameValue(va, vb) ? va : UNKNOWN;
      }
      case 'binary_operator':
        return this.evalBinary(node, scope);
      case 'comparison_operator': {
        for (const c of node.namedChildren) if (c) this.evalExpression(c, scope);
        const left = node.namedChildren[0] ? this.evalExpression(node.namedChildren[0], scope) : UNKNOWN;
        if (left.k === 'labels') {
          return { k: 'labels', labels: { format: 'binary', classes: 2, origin: node.text, node, fromDataset: false, ambiguousWidth: false } };
        }
        return UNKNOWN;
      }
      case 'unary_operator': {
        const operand = node.childForFieldName('argument');
        const v = operand ? this.evalExpression(operand, scope) : UNKNOWN;
        if (v.k === 'int' && node.text.startsWith('-')) return { k: 'int', v: -v.v };
        return v.k === 'int' ? v : UNKNOWN;
      }
      case 'lambda':
        return { k: 'func', def: node, closure: scope, name: '<lambda>' };
      case 'named_expression': {
        const name = node.childForFieldName('name');
        const value = node.childForFieldName('value');
        const v = value ? this.evalExpression(value, scope) : UNKNOWN;
        if (name) scope.vars.set(name.text, v);
        return v;
      }
      case 'await':
        return node.namedChildren[0] ? this.evalExpression(node.namedChildren[0], scope) : UNKNOWN;
      default:
        return UNKNOWN;
    }
  }

  private evalAssignment(node: SyntaxNode, scope: Scope): Value {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    const value = right ? this.evalExpression(right, scope) : UNKNOWN;
    if (left) this.bindTarget(left, value, scope);
    return value;
  }

  private evalDict(node: SyntaxNode, scope: Scope): Value {
    const entries = new Map<string, Value>();
    let complete = true;
    for (const pair of elementNodes(node)) {
      if (pair.type !== 'pair') {
        complete = false;
        continue;
      }
      const key = pair.childForFieldName('key');
      const value = pair.childForFieldName('value');
      const k = key ? this.evalExpression(key, scope) : UNKNOWN;
      const v = value ? this.evalExpression(value, scope) : UNKNOWN;
      if (k.k === 'str') entries.set(k.v, v);
      else complete = false;
    }
    return complete ? { k: 'dict', entries, node } : UNKNOWN;
  }

  private evalBinary(node: SyntaxNode, scope: Scope): Value {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    const a = left ? this.evalExpression(left, scope) : UNKNOWN;
    const b = right ? this.evalExpression(right, scope) : UNKNOWN;
    const op = node.childForFieldName('operator')?.text;
    if (a.k === 'int' && b.k === 'int') {
      const r = op === '+' ? a.v + b.v : op === '-' ? a.v - b.v : op === '*' ? a.v * b.v : op === '//' && b.v !== 0 ? Math.floor(a.v / b.v) : null;
      return r === null ? UNKNOWN : { k: 'int', v: r };
    }
    // Features scaled (x / 255.0) or noised (x + 0.5 * noise, a denoising autoencoder's input) stay features.
    if (a.k === 'features' && (op === '/' || op === '*' || op === '-' || op === '+')) return a;
    return UNKNOWN;
  }

  lookup(name: string, scope: Scope): Value {
    const found = scope.lookup(name);
    if (found !== undefined) return found;
    // Pasted snippets: Keras's well-known names when nothing in the file defines them.
    if (Object.prototype.hasOwnProperty.call(BARE_KERAS_NAMES, name)) return { k: 'module', path: BARE_KERAS_NAMES[name] };
    if (PYTHON_BUILTINS.has(name)) return { k: 'module', path: `builtins.${name}` };
    if (/^[A-Z][A-Za-z0-9]*$/.test(name)) return { k: 'module', path: `keras.layers.${name}` };
    return UNKNOWN;
  }

  // ---- calls ---------------------------------------------------------------------------------

  private evalCall(node: SyntaxNode, scope: Scope): Value {
    const fn = node.childForFieldName('function');
    const argsNode = node.childForFieldName('arguments');
    if (!fn) return UNKNOWN;
    const args = this.evalArgs(argsNode, scope, node);
    if (fn.type === 'attribute') {
      const objectNode = fn.childForFieldName('object');
      const attr = fn.childForFieldName('attribute')?.text ?? '';
      const object = objectNode ? this.evalExpression(objectNode, scope) : UNKNOWN;
      if (object.k === 'module') return callLibrary(this, `${object.path}.${attr}`, args, node);
      return callMethod(this, object, attr, args, node, fn);
    }
    const callee = this.evalExpression(fn, scope);
    return this.callValue(callee, args, node);
  }

  callValue(callee: Value, args: CallArgs, node: SyntaxNode): Value {
    switch (callee.k) {
      case 'module':
        return callLibrary(this, callee.path, args, node);
      case 'func':
        return this.inlineFunction(callee, args, null);
      case 'class':
        return this.instantiate(callee, args, node);
      default:
        return callMethod(this, callee, '__call__', args, node, null);
    }
  }

  private evalArgs(argsNode: SyntaxNode | null, scope: Scope, call: SyntaxNode): CallArgs {
    const args: CallArgs = { positional: [], keywords: new Map(), node: call };
    if (!argsNode) return args;
    if (argsNode.type === 'generator_expression') return args;
    for (const child of argsNode.namedChildren) {
      if (!child) continue;
      if (child.type === 'keyword_argument') {
        const name = child.childForFieldName('name')?.text;
        const valueNode = child.childForFieldName('value');
        if (name && valueNode) args.keywords.set(name, { node: valueNode, kwarg: child, value: this.evalExpression(valueNode, scope) });
      } else if (child.type === 'list_splat' || child.type === 'dictionary_splat') {
        args.splat = true;
        if (child.namedChildren[0]) this.evalExpression(child.namedChildren[0], scope);
      } else if (child.type !== 'comment') {
        args.positional.push({ node: child, value: this.evalExpression(child, scope) });
      }
    }
    // numpy's `out=` argument is written in place (np.round(y, out=y)).
    const out = args.keywords.get('out');
    if (out) this.markChanged(out.value);
    return args;
  }

  /** Runs a user function's body with its parameters bound, and returns what it returns. */
  inlineFunction(fn: Extract<Value, { k: 'func' }>, args: CallArgs, self: Value | null): Value {
    this.calledDefs.add(fn.def.id);
    if (this.inlineDepth >= MAX_INLINE_DEPTH || this.inlineCalls >= MAX_INLINE_CALLS || this.inlineCallsInRun >= MAX_INLINE_CALLS_PER_RUN) return UNKNOWN;
    this.inlineDepth++;
    this.inlineCalls++;
    this.inlineCallsInRun++;
    const scope = new Scope(fn.closure);
    const frame: Frame = { returns: [] };
    const savedDepth = this.depth;
    this.depth = 0;
    try {
      this.bindParameters(fn.def, args, self, scope);
      const body = fn.def.childForFieldName('body');
      if (!body) return UNKNOWN;
      if (fn.def.type === 'lambda') return this.evalExpression(body, scope);
      this.execBlock(body.namedChildren, scope, frame);
      if (frame.returns.length === 0) return { k: 'none' };
      return frame.returns.every((r) => sameValue(r, frame.returns[0])) ? frame.returns[0] : UNKNOWN;
    } finally {
      this.depth = savedDepth;
      this.inlineDepth--;
    }
  }

  private bindParameters(def: SyntaxNode, args: CallArgs, self: Value | null, scope: Scope): void {
    const params = def.childForFieldName('parameters');
    const list = params?.namedChildren.filter((p): p is SyntaxNode => !!p) ?? [];
    let positional = [...args.positional.map((a) => a.value)];
    if (self) positional = [self, ...positional];
    list.forEach((param, i) => {
      let name: string | undefined;
      let defaultNode: SyntaxNode | null = null;
      if (param.type === 'identifier') name = param.text;
      else if (param.type === 'typed_parameter') name = param.namedChildren.find((c) => c?.type === 'identifier')?.text;
      else if (param.type === 'default_parameter' || param.type === 'typed_default_parameter') {
        name = param.childForFieldName('name')?.text;
        defaultNode = param.childForFieldName('value');
      } else {
        // *args, **kwargs, keyword-only separators
        const id = param.descendantsOfType('identifier')[0];
        if (id) scope.vars.set(id.text, UNKNOWN);
        return;
      }
      if (!name) return;
      let value: Value = UNKNOWN;
      const keyword = args.keywords.get(name);
      if (keyword) value = keyword.value;
      else if (i < positional.length) value = positional[i];
      // A default is only trusted on a real call site that omits the argument.
      else if (defaultNode && args.node.type === 'call' && !args.splat) value = this.evalExpression(defaultNode, scope);
      scope.vars.set(name, value);
    });
  }

  private instantiate(cls: Extract<Value, { k: 'class' }>, args: CallArgs, node: SyntaxNode): Value {
    const isModel = this.classIsModel(cls);
    const instance: Extract<Value, { k: 'instance' }> = { k: 'instance', cls, attrs: new Map(), model: null };
    const init = this.findMethod(cls, '__init__');
    if (init) this.inlineFunction(init, args, instance);
    if (isModel) {
      const model: ModelObj = { kind: 'subclass', node, layers: [], outputs: null, uncertain: false, uncertainLayers: 0, depth: this.depth, application: null };
      const call = this.findMethod(cls, 'call');
      if (call) {
        const input: Value = { k: 'tensor', tensor: { layer: null, op: null, input: null, isInput: true, node: call.def } };
        const out = this.inlineFunction(call, { positional: [{ node: call.def, value: input }], keywords: new Map(), node: call.def }, instance);
        model.outputs = tensorsOf(out);
      }
      // A train_step or compute_loss of its own may hand the compiled loss other outputs or labels
      // (a softmax applied first, labels one-hot encoded): what the loss sees is not known.
      if (this.findMethod(cls, 'train_step') || this.findMethod(cls, 'compute_loss')) model.uncertain = true;
      instance.model = model;
      this.facts.models.push(model);
    }
    return instance;
  }

  findMethod(cls: Extract<Value, { k: 'class' }>, name: string, seen = 0): Extract<Value, { k: 'func' }> | null {
    const body = cls.def.childForFieldName('body');
    for (const member of body?.namedChildren ?? []) {
      const def = member?.type === 'decorated_definition' ? member.childForFieldName('definition') : member;
      if (def?.type === 'function_definition' && def.childForFieldName('name')?.text === name) {
        return { k: 'func', def, closure: cls.closure, name };
      }
    }
    if (seen > 5) return null;
    for (const base of cls.bases) {
      if (base.k === 'class') {
        const found = this.findMethod(base, name, seen + 1);
        if (found) return found;
      }
    }
    return null;
  }

  classIsModel(cls: Extract<Value, { k: 'class' }>, seen = 0): boolean {
    return cls.bases.some((b) => (b.k === 'module' && /(^|\.)(Model|Sequential)$/.test(b.path) && /keras|^(Model|Sequential)$/.test(b.path)) || (b.k === 'class' && seen < 5 && this.classIsModel(b, seen + 1)));
  }

  classIsLoss(cls: Extract<Value, { k: 'class' }>, seen = 0): boolean {
    return cls.bases.some((b) => (b.k === 'module' && /losses\.Loss$/.test(b.path)) || (b.k === 'class' && seen < 5 && this.classIsLoss(b, seen + 1)));
  }
}

const ASSIGNING = ['assignment', 'augmented_assignment', 'for_statement', 'for_in_clause', 'named_expression', 'as_pattern', 'delete_statement', 'import_statement', 'import_from_statement'];

/** The names the function around `statement` (a global or nonlocal statement) assigns, deletes or imports anywhere in its body. */
function assignedNames(statement: SyntaxNode): Set<string> {
  let fn: SyntaxNode | null = statement.parent;
  while (fn && fn.type !== 'function_definition') fn = fn.parent;
  const names = new Set<string>();
  const addTargets = (target: SyntaxNode | null): void => {
    if (!target) return;
    if (target.type === 'identifier') names.add(target.text);
    else if (['pattern_list', 'tuple_pattern', 'list_pattern', 'expression_list', 'tuple', 'list', 'parenthesized_expression', 'list_splat_pattern', 'as_pattern_target'].includes(target.type)) {
      for (const child of target.namedChildren) addTargets(child);
    }
  };
  for (const node of fn?.childForFieldName('body')?.descendantsOfType(ASSIGNING) ?? []) {
    if (node.type === 'delete_statement') for (const child of node.namedChildren) addTargets(child);
    else if (node.type === 'import_statement' || node.type === 'import_from_statement') for (const [local] of importBindings(node)) names.add(local);
    else addTargets(node.childForFieldName(node.type === 'named_expression' ? 'name' : node.type === 'as_pattern' ? 'alias' : 'left'));
  }
  return names;
}

/** The names an import statement binds, with the dotted paths they stand for. */
export function importBindings(node: SyntaxNode): [local: string, path: string][] {
  const out: [string, string][] = [];
  if (node.type === 'import_statement') {
    for (const name of node.childrenForFieldName('name')) {
      if (!name) continue;
      if (name.type === 'aliased_import') {
        const path = name.childForFieldName('name')?.text ?? '';
        const alias = name.childForFieldName('alias')?.text;
        if (alias) out.push([alias, path]);
      } else {
        // `import tensorflow.keras` binds `tensorflow`.
        const first = name.text.split('.')[0];
        out.push([first, first]);
      }
    }
    return out;
  }
  const moduleNode = node.childForFieldName('module_name');
  if (!moduleNode || moduleNode.type === 'relative_import') return out;
  const module = moduleNode.text;
  for (const name of node.childrenForFieldName('name')) {
    if (!name) continue;
    if (name.type === 'aliased_import') {
      const imported = name.childForFieldName('name')?.text ?? '';
      const alias = name.childForFieldName('alias')?.text;
      if (alias) out.push([alias, `${module}.${imported}`]);
    } else {
      out.push([name.text, `${module}.${name.text}`]);
    }
  }
  return out;
}

/** Nodes whose children include statements run in the same scope. */
const STATEMENT_CONTAINERS = new Set([
  'block', 'if_statement', 'elif_clause', 'else_clause', 'try_statement', 'except_clause', 'except_group_clause', 'finally_clause',
  'with_statement', 'for_statement', 'while_statement', 'match_statement', 'case_clause', 'ERROR',
]);

/**
 * The imports a module's run binds at module level, in order: top-level imports and imports in
 * top-level if/try/with/for/while blocks (what `ProgramFacts.imports` holds after running it all).
 */
export function moduleImports(statements: readonly SyntaxNode[]): Map<string, string> {
  const imports = new Map<string, string>();
  const visit = (node: SyntaxNode): void => {
    if (node.type === 'import_statement' || node.type === 'import_from_statement') {
      for (const [local, path] of importBindings(node)) imports.set(local, path);
    } else if (STATEMENT_CONTAINERS.has(node.type)) {
      for (const child of node.namedChildren) if (child) visit(child);
    }
  };
  for (const statement of statements) visit(statement);
  return imports;
}

export function tensorsOf(value: Value): import('./values').TensorInfo[] | null {
  if (value.k === 'tensor') return [value.tensor];
  if (value.k === 'seq') {
    const tensors = value.items.map((i) => (i.k === 'tensor' ? i.tensor : null));
    return tensors.every((t) => t !== null) ? (tensors as import('./values').TensorInfo[]) : null;
  }
  return null;
}

export function stringValue(node: SyntaxNode): Value {
  // Most strings are plain literals: read them from the text instead of creating a node per part
  // (creating node objects is where analysis time goes). The rest take the exact path below.
  const text = node.text;
  const prefix = /^[A-Za-z]*/.exec(text)![0].length;
  const triple = text.startsWith('"""', prefix) || text.startsWith("'''", prefix);
  const quote = triple ? text.slice(prefix, prefix + 3) : text.charAt(prefix);
  if ((triple || quote === "'" || quote === '"') && text.length >= prefix + 2 * quote.length && text.endsWith(quote)) {
    const content = text.slice(prefix + quote.length, text.length - quote.length);
    const formatted = /[fF]/.test(text.slice(0, prefix));
    if (!content.endsWith('\\') && !(formatted && content.includes('{'))) return { k: 'str', v: content, node };
  }
  // f-strings and strings with escapes/interpolations are not literal values.
  if (node.namedChildren.some((c) => c?.type === 'interpolation')) return UNKNOWN;
  const content = node.namedChildren.filter((c) => c?.type === 'string_content').map((c) => c!.text).join('');
  return { k: 'str', v: content, node };
}

export function sameValue(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a.k !== b.k) return false;
  switch (a.k) {
    case 'int':
      return a.v === (b as typeof a).v;
    case 'bool':
      return a.v === (b as typeof a).v;
    case 'str':
      return a.v === (b as typeof a).v;
    case 'none':
      return true;
    case 'module':
      return a.path === (b as typeof a).path;
    case 'model':
      return a.model === (b as typeof a).model;
    case 'layer':
      return a.layer === (b as typeof a).layer;
    case 'loss':
      return a.loss === (b as typeof a).loss;
    case 'labels':
      return a.labels === (b as typeof a).labels || (a.labels.format === (b as typeof a).labels.format && a.labels.classes === (b as typeof a).labels.classes);
    case 'func':
    case 'class':
      return a.def.id === (b as typeof a).def.id;
    case 'instance':
      return a === b;
    default:
      return false;
  }
}

/** One name's value after paths that end with `values` (undefined: unbound on that path). */
function mergedValue(values: (Value | undefined)[]): Value {
  const first = values[0];
  return first !== undefined && values.every((v) => v !== undefined && sameValue(v, first)) ? first : UNKNOWN;
}

/** The name an attribute or subscript chain starts from (`model` in `model.layers[-1]`). */
function rootOf(node: SyntaxNode): SyntaxNode {
  let current = node;
  for (;;) {
    const inner = current.type === 'attribute' ? current.childForFieldName('object') : current.type === 'subscript' ? current.childForFieldName('value') : null;
    if (!inner) return current;
    current = inner;
  }
}

