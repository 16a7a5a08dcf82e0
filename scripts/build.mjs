// Bundles the executable (main.js, which loads cli.js or lsp.js), the CLI's checking threads and the
// VS Code client with esbuild into dist/, and copies the two wasm files (the tree-sitter runtime and
// the Python grammar) next to the server bundles and into grammars/.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

const grammarWasm = join(dirname(require.resolve('tree-sitter-python/package.json')), 'tree-sitter-python.wasm');
const runtimeWasm = require.resolve('web-tree-sitter/web-tree-sitter.wasm');

mkdirSync(join(root, 'grammars'), { recursive: true });
copyFileSync(grammarWasm, join(root, 'grammars', 'tree-sitter-python.wasm'));
mkdirSync(join(root, 'dist', 'server'), { recursive: true });
copyFileSync(grammarWasm, join(root, 'dist', 'server', 'tree-sitter-python.wasm'));
copyFileSync(runtimeWasm, join(root, 'dist', 'server', 'web-tree-sitter.wasm'));

// The CJS build of web-tree-sitter (what require.resolve picks) locates its wasm from __dirname; the ESM build (what the `import`
// condition picks) needs import.meta, which esbuild empties in a CJS bundle.
const webTreeSitterCjs = {
  name: 'web-tree-sitter-cjs',
  setup(b) {
    b.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: require.resolve('web-tree-sitter') }));
  },
};

/** The bundles server/src/bundleLoader.ts loads with a code cache (the command line's). */
const CACHED_BUNDLES = ['cli.js', 'checkWorker.js'];

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  // parser.ts falls back to require.resolve only when run from sources.
  logOverride: { 'require-resolve-not-external': 'silent' },
  plugins: [webTreeSitterCjs],
};

// A code cache belongs to the bundle it was made from; V8 only compares the source's length.
for (const bundle of CACHED_BUNDLES) rmSync(join(root, 'dist', 'server', `${bundle}.cache`), { force: true });

await Promise.all([
  // The executable: it loads the command line or the language server, each from its bundle next to it.
  build({ ...common, entryPoints: [join(root, 'server', 'src', 'main.ts')], outfile: join(root, 'dist', 'server', 'main.js'), external: ['./cli.js', './lsp.js'] }),
  build({ ...common, entryPoints: [join(root, 'server', 'src', 'cli', 'main.ts')], outfile: join(root, 'dist', 'server', 'cli.js') }),
  build({ ...common, entryPoints: [join(root, 'server', 'src', 'lsp', 'main.ts')], outfile: join(root, 'dist', 'server', 'lsp.js') }),
  // The worker threads of `keras-lint check` (server/src/cli/parallel.ts): the checker without the language server.
  build({ ...common, entryPoints: [join(root, 'server', 'src', 'cli', 'checkWorker.ts')], outfile: join(root, 'dist', 'server', 'checkWorker.js') }),
  // The helper thread that parses half of a big script (server/src/cli/splitHelper.ts).
  build({ ...common, entryPoints: [join(root, 'server', 'src', 'cli', 'partWorker.ts')], outfile: join(root, 'dist', 'server', 'partWorker.js') }),
  build({
    ...common,
    entryPoints: [join(root, 'client', 'src', 'extension.ts')],
    outfile: join(root, 'dist', 'client', 'extension.js'),
    external: ['vscode'],
  }),
]);

// The code caches: a training run of `check` over the examples and the test fixtures (every rule's
// flagged and silent code), on this thread and one worker, compiles the checker's functions; each
// thread writes its bundle's cache when it ends. Made with this Node, used by this Node: another
// V8 refuses it and compiles as usual, so a failed training costs speed, not the build.
const training = spawnSync(process.execPath, [join(root, 'dist', 'server', 'main.js'), 'check', 'examples', join('test', 'fixtures'), '--concurrency', '2', '--exit-zero'], {
  cwd: root,
  // The variable server/src/bundleLoader.ts reads; no NODE_OPTIONS, whose V8 flags would make caches other runs refuse.
  env: { ...process.env, NODE_OPTIONS: '', KERAS_LINT_WRITE_CODE_CACHE: 'build' },
  stdio: ['ignore', 'ignore', 'pipe'],
  encoding: 'utf8',
});
if (training.status !== 0) process.stderr.write(`build: no code cache (the training check failed): ${training.stderr}\n`);
