// The benchmark's floor: a process that only initialises web-tree-sitter (the same wasm files the
// CLI loads, from dist/server/) and parses the given files (folders: their .py and .ipynb files;
// notebooks: their code cells joined), then exits. Prints nothing but a count on stderr.
// Usage: node scripts/bench/parse-only.mjs PATHS...
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
let nodes = 0;
for (const path of process.argv.slice(2).flatMap((p) => files(p, []))) {
  const tree = parser.parse(pythonOf(path));
  nodes += tree.rootNode.descendantCount;
  tree.delete();
}
process.stderr.write(`parsed: ${nodes} nodes\n`);
