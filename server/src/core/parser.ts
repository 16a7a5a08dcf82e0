// Loads web-tree-sitter and the Python grammar once per process. The wasm files are found next to
// the running bundle (dist/server/) or, when run from sources (vitest), in grammars/ and
// node_modules; lookups are lazy so a packaged extension without node_modules never touches them.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Language, Parser, type Point, type Tree } from 'web-tree-sitter';

let ready: Promise<Language> | null = null;
let python: Language | null = null;
/** The object web-tree-sitter's Emscripten runtime was initialised with: it becomes that runtime's module (treeMemory.ts reads its heap). */
let runtime: Record<string, unknown> | null = null;

function firstExisting(candidates: (() => string)[]): string {
  for (const candidate of candidates) {
    try {
      const path = candidate();
      if (existsSync(path)) return path;
    } catch {
      // a require.resolve that cannot find its package: try the next place
    }
  }
  throw new Error('keras-lint: cannot find the tree-sitter wasm files; run `npm run build` first');
}

function runtimeWasmPath(): string {
  return firstExisting([
    () => join(__dirname, 'web-tree-sitter.wasm'),
    () => require.resolve('web-tree-sitter/web-tree-sitter.wasm'),
  ]);
}

function grammarWasmPath(): string {
  return firstExisting([
    () => join(__dirname, 'tree-sitter-python.wasm'),
    () => join(__dirname, '..', '..', '..', 'grammars', 'tree-sitter-python.wasm'),
    () => join(process.cwd(), 'grammars', 'tree-sitter-python.wasm'),
    () => join(require.resolve('tree-sitter-python/package.json'), '..', 'tree-sitter-python.wasm'),
  ]);
}

/** The two wasm modules the parser runs, compiled: a thread can hand them to others (cli/parallel.ts). */
export interface ParserWasm {
  runtime: WebAssembly.Module;
  grammar: WebAssembly.Module;
}

/** Starts compiling the runtime's and the grammar's wasm (on V8's background threads); rejects when a file cannot be read or compiled. */
export function compileParserWasm(): Promise<ParserWasm> {
  try {
    const runtime = WebAssembly.compile(readFileSync(runtimeWasmPath()));
    const grammar = WebAssembly.compile(readFileSync(grammarWasmPath()));
    return Promise.all([runtime, grammar]).then(([r, g]) => ({ runtime: r, grammar: g }));
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Initialises the parser runtime and the grammar; safe to call many times (the first call decides).
 * `compiled`: the two wasm modules, compiled already (by this thread or another); without them
 * (or when they failed), the files are read and compiled here.
 */
export function initParser(compiled?: Promise<ParserWasm | null> | ParserWasm | null): Promise<Language> {
  ready ??= (async () => {
    const wasm = compiled ? await Promise.resolve(compiled).catch(() => null) : null;
    const runtimeWasm = wasm ? null : runtimeWasmPath();
    const moduleObject: Record<string, unknown> = wasm ? { instantiateWasm: instantiateFrom(wasm.runtime) } : { locateFile: () => runtimeWasm };
    await Parser.init(moduleObject);
    runtime = moduleObject;
    // Bytes, not a path: given a path, web-tree-sitter reads it through a dynamic import of fs/promises,
    // which code compiled by bundleLoader.ts cannot make (and which costs a module load).
    python = wasm ? Language.loadSync(wasm.grammar) : await Language.load(readFileSync(grammarWasmPath()));
    return python;
  })();
  return ready;
}

/**
 * Emscripten's hook for a module compiled elsewhere: it gets the imports and wants the instance.
 * Instantiated synchronously (nothing is left to compile): an error then fails Parser.init, where
 * an asynchronous one would leave it waiting.
 */
function instantiateFrom(module: WebAssembly.Module) {
  return (imports: WebAssembly.Imports, receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void): Record<string, never> => {
    receive(new WebAssembly.Instance(module, imports), module);
    return {};
  };
}

/** The loaded Python grammar; initParser() must have resolved. */
export function pythonLanguage(): Language {
  if (!python) throw new Error('keras-lint: initParser() has not finished');
  return python;
}

let sharedParser: Parser | null = null;

/**
 * The text the analysis reads: a lone "\r" (old Mac line ends; Python reads it as a line break,
 * tree-sitter and our line scans would not) becomes "\n". Offsets stay, and rows are the LSP's lines.
 */
export function withLineFeeds(text: string): string {
  return text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
}

/** Trees whose memory is freed at this thread's next parse (retireTree). */
let retired: Tree[] = [];

/**
 * Frees `tree`'s memory at this thread's next parse rather than now: freeing walks every node of
 * it (~4 ms for the benchmark's 10,000-line script), which a check that ends after its last file,
 * or a helper thread with a part to hand over first, need not wait for. Nothing may read it after.
 */
export function retireTree(tree: Tree): void {
  retired.push(tree);
}

/** This thread's parser, once the trees retired since its last parse are freed. */
function parser(): Parser {
  if (retired.length) {
    for (const tree of retired) tree.delete();
    retired = [];
  }
  if (!sharedParser) {
    sharedParser = new Parser();
    sharedParser.setLanguage(pythonLanguage());
  }
  return sharedParser;
}

/** Parses Python source (as withLineFeeds reads it), reusing `oldTree` (already edited with tree.edit) when given. */
export function parsePython(text: string, oldTree?: Tree | null): Tree {
  const tree = parser().parse(withLineFeeds(text), oldTree ?? null);
  if (!tree) throw new Error('keras-lint: tree-sitter returned no tree');
  return tree;
}

/**
 * Parses only text[start, end) of Python source (as withLineFeeds reads it): the rest is left out,
 * and the tree's offsets and rows are the whole text's (splitParse.ts parses a module in parts).
 */
export function parsePythonRange(text: string, start: number, end: number): Tree {
  const source = withLineFeeds(text);
  const range = { startIndex: start, endIndex: end, startPosition: pointAt(source, start), endPosition: pointAt(source, end) };
  const tree = parser().parse(source, null, { includedRanges: [range] });
  if (!tree) throw new Error('keras-lint: tree-sitter returned no tree');
  return tree;
}

/** tree-sitter's point for an offset (for tree.edit) in the tree parsePython makes: rows split at "\n" and at a lone "\r". */
export function pointAt(text: string, offset: number): Point {
  let row = 0;
  let lineStart = 0;
  let lf = text.indexOf('\n');
  let cr = text.indexOf('\r');
  for (;;) {
    const at = cr < 0 || (lf >= 0 && lf < cr) ? lf : cr;
    if (at < 0 || at >= offset) break;
    if (at === cr) {
      cr = text.indexOf('\r', at + 1);
      if (text.charCodeAt(at + 1) === 10) continue; // "\r\n": the "\n" ends the line
    } else lf = text.indexOf('\n', at + 1);
    row++;
    lineStart = at + 1;
  }
  return { row, column: offset - lineStart };
}

/** The runtime's module object (its wasm heap), once initParser() has resolved. */
export function parserRuntime(): Record<string, unknown> | null {
  return runtime;
}
