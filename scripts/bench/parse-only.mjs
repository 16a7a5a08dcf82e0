// The benchmark's floor: a process that only initialises web-tree-sitter (the same wasm files the
// CLI loads, from dist/server/) and parses the given files (folders: their .py and .ipynb files;
// notebooks: their code cells joined), then exits. Prints nothing but a count on stderr.
// With --visit it also visits every named node once (its type and named children, nothing else):
// what any analysis that reads the whole tree through web-tree-sitter's JS API costs at least.
// Usage: node scripts/bench/parse-only.mjs [--visit] PATHS...
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = join(root, 'dist', 'server');
const require = createRequire(join(root, 'package.json'));
const { Parser, Language } = require('web-tree-sitter');

function files(path, out) {
  if (statSync(path).isDirectory()) {
    for (const name of readdirSync(path).sort()) {
      const child = join(path, name);
      if (statSync(child).isDirectory() || /\.(py|ipynb)$/.test(name)) files(child, out);
    }
  } else out.push(path);
  return out;
}

function pythonOf(path) {
  const text = readFileSync(path, 'utf8');
  if (!path.endsWith('.ipynb')) return text;
  const cells = JSON.parse(text).cells.filter((c) => c.cell_type === 'code');
  return cells.map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source)).join('\n');
}

await Parser.init({ locateFile: () => join(dist, 'web-tree-sitter.wasm') });
const python = await Language.load(join(dist, 'tree-sitter-python.wasm'));
const parser = new Parser();
parser.setLanguage(python);
const visit = process.argv.includes('--visit');
let nodes = 0;
let visited = 0;
function visitNamed(node) {
  visited += node.type ? 1 : 0;
  for (const child of node.namedChildren) visitNamed(child);
}
for (const path of process.argv.slice(2).filter((a) => a !== '--visit').flatMap((p) => files(p, []))) {
  const tree = parser.parse(pythonOf(path));
  nodes += tree.rootNode.descendantCount;
  if (visit) visitNamed(tree.rootNode);
  tree.delete();
}
if (visit) process.stderr.write(`visited: ${visited} named nodes\n`);
process.stderr.write(`parsed: ${nodes} nodes\n`);
