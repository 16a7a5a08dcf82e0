// The .vsix as VS Code would install it: packaged with vsce (as `npm run package` does, from the
// dist/ the test setup built), unpacked into a folder with no node_modules, and its server started
// the way the client starts it (node IPC).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractZip } from './helpers/lspPackage';
import { LspClient, ROOT } from './helpers/lspClient';

let work: string;
let entries: string[];
let extension: string;

/**
 * What vsce packages from: the project's top-level files and folders, minus node_modules and
 * ignored tool folders (vsce walks every file before it applies .vscodeignore, so a large local
 * .e2e/ install would only slow it down). Sources and tests are kept: .vscodeignore must drop them.
 */
const STAGED = ['package.json', 'README.md', 'LICENSE', 'LICENSE.md', '.vscodeignore', 'tsconfig.json', 'bin', 'client', 'dist', 'docs', 'grammars', 'scripts', 'server', 'test'];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'keras-lint-vsix-'));
  const staged = join(work, 'project');
  for (const entry of STAGED) {
    if (existsSync(join(ROOT, entry))) cpSync(join(ROOT, entry), join(staged, entry), { recursive: true });
  }
  const vsix = join(work, 'keras-lint.vsix');
  execFileSync(process.execPath, [join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--skip-license', '--out', vsix], {
    cwd: staged,
    stdio: 'pipe',
  });
  entries = extractZip(vsix, join(work, 'unpacked'));
  extension = join(work, 'unpacked', 'extension');
}, 120000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packaged extension', () => {
  it('holds the bundles and both wasm files, and no sources, tests, maps or node_modules', () => {
    const files = entries.filter((e) => e.startsWith('extension/')).sort();
    expect(files).toEqual(expect.arrayContaining([
      'extension/dist/client/extension.js',
      'extension/dist/server/lsp.js',
      'extension/dist/server/main.js',
      'extension/dist/server/tree-sitter-python.wasm',
      'extension/dist/server/web-tree-sitter.wasm',
      'extension/package.json',
    ]));
    expect(files.filter((f) => /node_modules|\/src\/|\/test\/|\.map$|\.ts$/.test(f))).toEqual([]);
  });

  it('declares activation, settings and the restart command', () => {
    const manifest = JSON.parse(readFileSync(join(extension, 'package.json'), 'utf8'));
    expect(manifest.main).toBe('./dist/client/extension.js');
    expect(manifest.activationEvents).toEqual(['onLanguage:python', 'onNotebook:jupyter-notebook']);
    expect(Object.keys(manifest.contributes.configuration.properties).sort()).toEqual([
      'keras-lint.enable', 'keras-lint.ignore', 'keras-lint.inlayHints', 'keras-lint.kerasVersion', 'keras-lint.select', 'keras-lint.severity',
    ]);
    expect(manifest.contributes.configuration.properties['keras-lint.kerasVersion'].enum).toEqual(['auto', 'keras1', 'keras2', 'tf-keras2', 'keras3']);
    expect(manifest.contributes.commands).toEqual([{ command: 'keras-lint.restartServer', title: 'Restart server', category: 'keras-lint' }]);
    // The client registers that command and reads exactly those settings.
    const clientBundle = readFileSync(join(extension, 'dist', 'client', 'extension.js'), 'utf8');
    expect(clientBundle).toContain('"keras-lint.restartServer"');
    expect(clientBundle).toContain('["enable", "select", "ignore", "severity", "kerasVersion", "inlayHints"]');
  });

  it('runs its server over node IPC with no node_modules around and publishes diagnostics', async () => {
    const env = { ...process.env };
    delete env.NODE_PATH;
    const client = await LspClient.start({ script: join(extension, 'dist', 'server', 'main.js'), transport: 'ipc', env, cwd: work });
    try {
      const uri = 'file:///keras-lint-test/packaged.py';
      const published = client.nextDiagnostics(uri);
      await client.open(uri, "from keras.layers import Dense\nfrom keras.models import Sequential\nmodel = Sequential([Dense(1, activation='softmax')])\n");
      const p = await published;
      expect(p.diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.character])).toEqual([['KL004', 2, 40]]);
      expect(await client.stop()).toBe(0);
    } finally {
      client.kill();
    }
  });
});
