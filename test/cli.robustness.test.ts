// The built CLI on a hostile folder: unreadable, binary, mis-encoded and huge files, broken and
// non-Python notebooks, symlink loops. Each bad file gets one clear line on stderr, every other file
// is still checked, and the exit code is 1 (2 only for usage errors). `--fix` never loses data:
// atomic writes, no temp files left, files whose fixes would break them left byte for byte.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const REPO = join(__dirname, '..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function keraslint(args: string[], cwd: string, env: Record<string, string> = {}): Run {
  const run = spawnSync(process.execPath, [join(REPO, 'bin', 'keras-lint.js'), ...args], { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/**
 * Permission tests need a user whom chmod stops. Root reads anything, so as root (CI) the CLI runs
 * as `nobody` through util-linux's setpriv; null when neither is possible (the test is skipped).
 */
function unprivileged(): ((args: string[], cwd: string) => Run) | null {
  if (process.getuid?.() !== 0) return keraslint;
  const asNobody = ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath];
  // The checkout must be readable by nobody too (it is not under a private home folder, say).
  const probe = `require('fs').accessSync(${JSON.stringify(join(REPO, 'dist', 'server', 'main.js'))}, require('fs').constants.R_OK)`;
  if (spawnSync('setpriv', [...asNobody, '-e', probe]).status !== 0) return null;
  return (args, cwd) => {
    const run = spawnSync('setpriv', [...asNobody, join(REPO, 'bin', 'keras-lint.js'), ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
    return { code: run.status, stdout: run.stdout, stderr: run.stderr };
  };
}

const folders: string[] = [];
/** An empty scratch folder with its own .git, so no outer pyproject.toml or pins apply. */
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'keras-lint-robust-'));
  chmodSync(dir, 0o755); // readable by the unprivileged user of the permission tests
  mkdirSync(join(dir, '.git'));
  folders.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of folders.splice(0)) {
    // Undo chmods so the folder can be removed.
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (!lstatSync(path).isSymbolicLink()) chmodSync(path, lstatSync(path).isDirectory() ? 0o755 : 0o644);
    }
    chmodSync(dir, 0o755);
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The `keras-lint: FILE: reason` lines of stderr, by file. */
function problems(stderr: string): Map<string, string> {
  const byFile = new Map<string, string>();
  for (const line of stderr.split('\n')) {
    const m = /^keras-lint: (.+?): (.+)$/.exec(line);
    if (m) {
      expect(byFile.has(m[1]), `${m[1]} reported twice`).toBe(false);
      byFile.set(m[1], m[2]);
    }
  }
  return byFile;
}

interface JsonFinding {
  filename: string;
  code: string;
  location: { row: number; column: number };
  cell: number | null;
}

/** `file:row:col CODE` of each finding of a JSON report, relative to `dir`. */
function findings(stdout: string, dir: string): string[] {
  return (JSON.parse(stdout) as JsonFinding[]).map((f) => `${f.filename.slice(dir.length + 1)}:${f.cell === null ? '' : `cell ${f.cell}:`}${f.location.row}:${f.location.column} ${f.code}`);
}

/** A softmax head of 10 units trained with binary_crossentropy (KL002 at 6:38) and the accuracy it misreads (KL001 at 6:70). */
const MISTAKE = `from tensorflow import keras

(x_train, y_train), _ = keras.datasets.mnist.load_data()
y_train = keras.utils.to_categorical(y_train, 10)
model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=1)
`;

/** A linear 10-unit head with a probability loss: KL009, whose fix is not safe without a known flavour. */
const UNSAFE_ONLY = `from tensorflow import keras

reg = keras.Sequential([keras.layers.Dense(64, activation="relu"), keras.layers.Dense(1)])
reg.compile(optimizer="adam", loss="mse", metrics=["mae"])

logits = keras.Sequential([keras.layers.Dense(10)])
logits.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
`;

function notebook(cells: { cell_type: string; source: string | string[] }[], language = 'python'): string {
  return JSON.stringify({ cells: cells.map((c) => ({ metadata: {}, ...c })), metadata: { kernelspec: { language, name: language } }, nbformat: 4, nbformat_minor: 5 }, null, 1);
}

/** About `lines` lines of ordinary code, then MISTAKE. */
function hugeScript(lines: number): string {
  const block = ['def step_%(x, scale=2):', '    y = x * scale', '    if y > 10:', '        return y - 1', '    return y', '', 'values_% = [step_%(i) for i in range(10)]', ''];
  const out: string[] = [];
  for (let i = 0; out.length < lines; i++) out.push(...block.map((l) => l.replace(/%/g, String(i))));
  return out.join('\n') + '\n' + MISTAKE;
}

describe('check: files that cannot be checked', () => {
  it('reports each bad file once on stderr, checks all the others, exits 1', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'good.py'), MISTAKE);
    writeFileSync(join(dir, 'binary.py'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    writeFileSync(join(dir, 'latin1.py'), Buffer.from('x = "caf\xe9"\n', 'latin1'));
    writeFileSync(join(dir, 'broken.ipynb'), '{"cells": [{"cell_type": "code", "source": ["import keras\\n"');
    writeFileSync(join(dir, 'no_cells.ipynb'), JSON.stringify({ metadata: {}, nbformat: 4 }));
    writeFileSync(join(dir, 'r_kernel.ipynb'), notebook([{ cell_type: 'code', source: 'x <- c(1, 2)' }], 'R'));
    // Cells without sources or types, and cells that are not objects, are not code: skipped, the rest checked.
    writeFileSync(join(dir, 'odd_cells.ipynb'), JSON.stringify({ cells: [{ cell_type: 'code' }, 7, null, { source: 'x = 1' }, { cell_type: 'code', source: MISTAKE }], metadata: {}, nbformat: 4 }));
    writeFileSync(join(dir, 'huge.py'), hugeScript(50_000));
    symlinkSync('loop_b.py', join(dir, 'loop_a.py'));
    symlinkSync('loop_a.py', join(dir, 'loop_b.py'));
    symlinkSync('gone.py', join(dir, 'dangling.py'));
    mkdirSync(join(dir, 'sub'));
    symlinkSync('..', join(dir, 'sub', 'up'));
    writeFileSync(join(dir, 'sub', 'nested.py'), MISTAKE);

    const start = Date.now();
    // Bad links named on the command line as well as found in the folder: still one line each, worded alike.
    const run = keraslint(['check', '.', 'dangling.py', 'loop_a.py', 'loop_a.py', '--format', 'json'], dir);
    expect(Date.now() - start).toBeLessThan(20_000);

    expect(Object.fromEntries(problems(run.stderr))).toEqual({
      'binary.py': 'not a text file (contains NUL bytes)',
      'broken.ipynb': expect.stringMatching(/^not a valid notebook: invalid JSON/),
      'dangling.py': expect.stringMatching(/^cannot read: broken symlink/),
      'latin1.py': 'not valid UTF-8 text',
      'loop_a.py': 'cannot read: symlink loop',
      'loop_b.py': 'cannot read: symlink loop',
      'no_cells.ipynb': expect.stringMatching(/^not a valid notebook: no "cells" list/),
      'r_kernel.ipynb': 'not a Python notebook (kernel language: r)',
    });
    const hugeRow = hugeScript(50_000).split('\n').length - 8 + 6;
    // Each file once, though sub/up leads back into the folder.
    expect(findings(run.stdout, dir)).toEqual([
      'good.py:6:38 KL002',
      'good.py:6:70 KL001',
      `huge.py:${hugeRow}:38 KL002`,
      `huge.py:${hugeRow}:70 KL001`,
      'odd_cells.ipynb:cell 5:6:38 KL002',
      'odd_cells.ipynb:cell 5:6:70 KL001',
      'sub/nested.py:6:38 KL002',
      'sub/nested.py:6:70 KL001',
    ]);
    expect(run.code).toBe(1);

  });

  it('a file without read permission is reported, the others checked', (context) => {
    const cli = unprivileged();
    if (!cli) return context.skip('running as root, and nobody (via setpriv) cannot run the CLI here: chmod 000 does not stop root');
    const dir = scratch();
    writeFileSync(join(dir, 'good.py'), MISTAKE);
    writeFileSync(join(dir, 'secret.py'), MISTAKE);
    chmodSync(join(dir, 'secret.py'), 0o000);
    const run = cli(['check', '.', '--format', 'json'], dir);
    expect(Object.fromEntries(problems(run.stderr))).toEqual({ 'secret.py': 'cannot read: EACCES' });
    expect(findings(run.stdout, dir)).toEqual(['good.py:6:38 KL002', 'good.py:6:70 KL001']);
    expect(run.code).toBe(1);
  });

  it('a named pipe given on the command line is reported, not read (a read would never return)', (context) => {
    const dir = scratch();
    writeFileSync(join(dir, 'good.py'), MISTAKE);
    if (spawnSync('mkfifo', [join(dir, 'pipe.py')]).status !== 0) context.skip('mkfifo is not available');
    const run = keraslint(['check', 'pipe.py', 'good.py', '--format', 'json'], dir);
    expect(Object.fromEntries(problems(run.stderr))).toEqual({ 'pipe.py': 'not a regular file' });
    expect(findings(run.stdout, dir)).toEqual(['good.py:6:38 KL002', 'good.py:6:70 KL001']);
    expect(run.code).toBe(1);
  });

  it('a requirements file or pyproject.toml that is a pipe or a device is passed over, not read', (context) => {
    const dir = scratch();
    writeFileSync(join(dir, 'good.py'), MISTAKE);
    if (spawnSync('mkfifo', [join(dir, 'requirements.txt')]).status !== 0) context.skip('mkfifo is not available');
    symlinkSync('/dev/zero', join(dir, 'pyproject.toml'));
    const run = keraslint(['check', 'good.py', '--format', 'json'], dir);
    expect(run.stderr).toBe('');
    expect(findings(run.stdout, dir)).toEqual(['good.py:6:38 KL002', 'good.py:6:70 KL001']);
    expect(run.code).toBe(1);
  });

  it('a file over the size limit is reported without being read whole', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'good.py'), MISTAKE);
    writeFileSync(join(dir, 'weights.py'), `W = "${'0'.repeat(11 * 1024 * 1024)}"\n`);
    const run = keraslint(['check', '.', '--format', 'json'], dir);
    expect(Object.fromEntries(problems(run.stderr))).toEqual({ 'weights.py': 'file too large (11.0 MB; the limit is 10 MB)' });
    expect(findings(run.stdout, dir)).toEqual(['good.py:6:38 KL002', 'good.py:6:70 KL001']);
    expect(run.code).toBe(1);
  });

  it('a notebook is checked whatever the size of its saved outputs; its code has the script limit', () => {
    const dir = scratch();
    const plot = { output_type: 'display_data', data: { 'image/png': 'iVBORw0KGgo'.repeat(1_200_000) }, metadata: {} };
    writeFileSync(join(dir, 'plots.ipynb'), JSON.stringify({ cells: [{ cell_type: 'code', metadata: {}, outputs: [plot], source: MISTAKE }], metadata: {}, nbformat: 4, nbformat_minor: 5 }));
    writeFileSync(join(dir, 'generated.ipynb'), notebook([{ cell_type: 'code', source: `W = "${'0'.repeat(11 * 1024 * 1024)}"\n` }]));
    const run = keraslint(['check', '.', '--format', 'json'], dir);
    expect(statSync(join(dir, 'plots.ipynb')).size).toBeGreaterThan(12 * 1024 * 1024);
    expect(Object.fromEntries(problems(run.stderr))).toEqual({ 'generated.ipynb': 'code cells too large (11.0 M characters; the limit is 10 M)' });
    expect(findings(run.stdout, dir)).toEqual(['plots.ipynb:cell 1:6:38 KL002', 'plots.ipynb:cell 1:6:70 KL001']);
    expect(run.code).toBe(1);
  });

  it('a folder it cannot list is reported, the others checked', (context) => {
    const cli = unprivileged();
    if (!cli) return context.skip('running as root, and nobody (via setpriv) cannot run the CLI here: chmod 000 does not stop root');
    const dir = scratch();
    writeFileSync(join(dir, 'good.py'), MISTAKE);
    mkdirSync(join(dir, 'private'));
    writeFileSync(join(dir, 'private', 'hidden.py'), MISTAKE);
    chmodSync(join(dir, 'private'), 0o000);
    const run = cli(['check', '.', '--format', 'json'], dir);
    expect(Object.fromEntries(problems(run.stderr))).toEqual({ private: 'cannot list folder: EACCES' });
    expect(findings(run.stdout, dir)).toEqual(['good.py:6:38 KL002', 'good.py:6:70 KL001']);
    expect(run.code).toBe(1);
  });

  it('unreadable files still make the exit code 1 when the readable ones are clean', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'clean.py'), 'import keras\nx = 1\n');
    writeFileSync(join(dir, 'broken.ipynb'), 'not json');
    const run = keraslint(['check', '.'], dir);
    expect(run.stdout).toBe('No problems found in the files that could be checked.\n');
    expect(run.stderr).toMatch(/^keras-lint: broken\.ipynb: not a valid notebook: invalid JSON/);
    expect(run.code).toBe(1);
  });

  it('usage errors exit 2 and print no report', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'good.py'), MISTAKE);
    for (const args of [['check', '--frobnicate', '.'], ['check', '.', '--format', 'xml'], ['check', '.', '--select', 'KL999'], ['check', '--keras-version', 'keras9'], ['lint', '.'], ['check', '--format']]) {
      const run = keraslint(args, dir);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stdout, args.join(' ')).toBe('');
      expect(run.stderr, args.join(' ')).toMatch(/^keras-lint: error: /);
    }
  });
});

describe('check: where the report goes', () => {
  it('a report file it cannot write to stops the run with one line and exit 2, before --fix changes anything', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'good.py'), MISTAKE);
    mkdirSync(join(dir, 'folder'));
    for (const output of ['missing/report.json', 'folder']) {
      const run = keraslint(['check', '.', '--fix', '--output-file', output], dir);
      expect(run.stderr).toBe(`keras-lint: error: cannot write the report to ${output}: ${output === 'folder' ? 'EISDIR' : 'ENOENT'}\n`);
      expect(run.code).toBe(2);
    }
    expect(readFileSync(join(dir, 'good.py'), 'utf8')).toBe(MISTAKE);
    // A dangling link into a missing folder cannot take the report either.
    symlinkSync(join('missing', 'report.txt'), join(dir, 'dangling.txt'));
    const dangling = keraslint(['check', '.', '--fix', '--output-file', 'dangling.txt'], dir);
    expect(dangling.stderr).toBe('keras-lint: error: cannot write the report to dangling.txt: ENOENT\n');
    expect(dangling.code).toBe(2);
    // A report file that is one of the files to check, named, found in a folder, or a hard link to it: refused, the file untouched.
    linkSync(join(dir, 'good.py'), join(dir, 'hard-link.txt'));
    for (const args of [['good.py', '--output-file', 'good.py'], ['.', '--fix', '--output-file', './good.py'], ['good.py', '--output-file', 'hard-link.txt']]) {
      const run = keraslint(['check', ...args], dir);
      expect(run.stderr).toBe(`keras-lint: error: the report would overwrite ${args[args.length - 1]}, one of the files to check\n`);
      expect(run.code).toBe(2);
    }
    expect(readFileSync(join(dir, 'good.py'), 'utf8')).toBe(MISTAKE);
    const written = keraslint(['check', '.', '--output-file', 'report.json', '--format', 'json'], dir);
    expect(written.stdout).toBe('');
    expect(findings(readFileSync(join(dir, 'report.json'), 'utf8'), dir)).toEqual(['good.py:6:38 KL002', 'good.py:6:70 KL001']);
    expect(written.code).toBe(1);
  });

  it('a reader that stops early gets no error; a full disk gets one line and exit 2', async (context) => {
    const dir = scratch();
    // More report than a pipe holds, so the CLI is still writing when the reader goes away.
    for (let i = 0; i < 300; i++) writeFileSync(join(dir, `train_${i}.py`), MISTAKE);
    const child = spawn(process.execPath, [join(REPO, 'bin', 'keras-lint.js'), 'check', '.'], { cwd: dir });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(1);
    if (!existsSync('/dev/full')) return context.skip('no /dev/full here');
    const full = spawnSync('sh', ['-c', `"${process.execPath}" "${join(REPO, 'bin', 'keras-lint.js')}" check . > /dev/full`], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expect(full.stderr).toBe('keras-lint: error: cannot write the report: ENOSPC\n');
    expect(full.status).toBe(2);
  });

  it('a file whose name starts with two dots is inside the folder: shown relative, in SARIF too', () => {
    const dir = scratch();
    writeFileSync(join(dir, '..train.py'), MISTAKE);
    const text = keraslint(['check', '..train.py'], dir);
    expect(text.stdout.split('\n')[0]).toMatch(/^\.\.train\.py:6:38: KL002 /);
    const sarif = JSON.parse(keraslint(['check', '..train.py', '--format', 'sarif'], dir).stdout);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation).toEqual({ uri: '..train.py', uriBaseId: '%SRCROOT%' });
  });
});

describe('check --fix: never loses data', () => {
  /** Every name in the folder, hidden ones included (temp files are hidden). */
  const names = (dir: string) => readdirSync(dir).sort();

  it('writes the fixes, leaves no temp file, keeps the file mode, and reports only what is left', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'train.py'), MISTAKE + '\n' + UNSAFE_ONLY.replace('from tensorflow import keras\n', ''));
    chmodSync(join(dir, 'train.py'), 0o754);
    const before = names(dir);
    const run = keraslint(['check', '.', '--fix', '--format', 'json'], dir);
    const fixed = readFileSync(join(dir, 'train.py'), 'utf8');
    expect(fixed).toContain('model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["categorical_accuracy"])');
    expect(names(dir)).toEqual(before);
    expect(statSync(join(dir, 'train.py')).mode & 0o777).toBe(0o754);
    // The report is of the fixed file: only the finding without a safe fix.
    expect(findings(run.stdout, dir)).toEqual(['train.py:14:39 KL009']);
    expect(run.stderr).toBe('keras-lint: fixed 2 problems\n');
    expect(run.code).toBe(1);
    // And it is what a fresh check sees.
    expect(findings(keraslint(['check', '.', '--format', 'json'], dir).stdout, dir)).toEqual(['train.py:14:39 KL009']);
  });

  it('adds an import above an import line that goes on with other code', () => {
    const dir = scratch();
    // The fix for KL002 needs CategoricalCrossentropy; below the last import line would be inside the open bracket.
    const code = `from keras.losses import BinaryCrossentropy; from keras.layers import Dense; from keras.models import Sequential; labels = [
    0, 1, 2]
model = Sequential([Dense(10, activation='softmax')])
model.compile(loss=BinaryCrossentropy(), metrics=['accuracy'])
`;
    writeFileSync(join(dir, 'fragile.py'), code);
    const before = names(dir);
    const run = keraslint(['check', '.', '--fix', '--format', 'json'], dir);
    expect(readFileSync(join(dir, 'fragile.py'), 'utf8')).toBe(
      'from keras.losses import CategoricalCrossentropy\n' + code.replace('loss=BinaryCrossentropy()', 'loss=CategoricalCrossentropy()').replace("metrics=['accuracy']", "metrics=['categorical_accuracy']"),
    );
    expect(names(dir)).toEqual(before);
    expect(findings(run.stdout, dir)).toEqual([]);
    expect(run.code).toBe(0);
  });

  it('two fixes wanting the same activation are applied once, consistently', () => {
    const dir = scratch();
    // KL004 (softmax over one unit) and KL005 (categorical loss on one unit) both turn the head into sigmoid.
    writeFileSync(
      join(dir, 'one_unit.py'),
      `from keras.layers import Dense\nfrom keras.models import Sequential\n\nmodel = Sequential([Dense(64, activation='relu'), Dense(1, activation='softmax')])\nmodel.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])\n`,
    );
    const run = keraslint(['check', '.', '--fix'], dir);
    expect(readFileSync(join(dir, 'one_unit.py'), 'utf8')).toBe(
      `from keras.layers import Dense\nfrom keras.models import Sequential\n\nmodel = Sequential([Dense(64, activation='relu'), Dense(1, activation='sigmoid')])\nmodel.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])\n`,
    );
    expect(run.stdout).toBe('All checks passed!\n');
    expect(run.code).toBe(0);
  });

  it('fixes a symlinked script where it lives, keeping the link', () => {
    const dir = scratch();
    mkdirSync(join(dir, 'real'));
    writeFileSync(join(dir, 'real', 'train.py'), MISTAKE);
    symlinkSync(join('real', 'train.py'), join(dir, 'linked.py'));
    keraslint(['check', 'linked.py', '--fix'], dir);
    expect(lstatSync(join(dir, 'linked.py')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'real', 'train.py'), 'utf8')).toContain('loss="categorical_crossentropy"');
    expect(names(join(dir, 'real'))).toEqual(['train.py']);
  });

  it('a folder it cannot write to: the file is reported, kept intact, and no temp file appears', (context) => {
    const cli = unprivileged();
    if (!cli) return context.skip('running as root, and nobody (via setpriv) cannot run the CLI here: root writes anywhere');
    const dir = scratch();
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    writeFileSync(join(locked, 'train.py'), MISTAKE);
    chmodSync(locked, 0o555);
    const run = cli(['check', '.', '--fix', '--format', 'json'], dir);
    chmodSync(locked, 0o755);
    expect(readFileSync(join(locked, 'train.py'), 'utf8')).toBe(MISTAKE);
    expect(names(locked)).toEqual(['train.py']);
    expect(Object.fromEntries(problems(run.stderr))).toEqual({ 'locked/train.py': 'cannot write: EACCES' });
    expect(run.code).toBe(1);
  });

  it('a read-only file is reported and left as it is (renaming over it would replace it all the same)', (context) => {
    const cli = unprivileged();
    if (!cli) return context.skip('running as root, and nobody (via setpriv) cannot run the CLI here: root writes anywhere');
    const dir = scratch();
    writeFileSync(join(dir, 'train.py'), MISTAKE);
    chmodSync(join(dir, 'train.py'), 0o444);
    const inode = statSync(join(dir, 'train.py')).ino;
    // The folder is the unprivileged user's to write in; only the file is read-only.
    chmodSync(dir, 0o777);
    const run = cli(['check', '.', '--fix', '--format', 'json'], dir);
    expect(readFileSync(join(dir, 'train.py'), 'utf8')).toBe(MISTAKE);
    expect(statSync(join(dir, 'train.py')).ino).toBe(inode);
    expect(names(dir)).toEqual(['.git', 'train.py']);
    expect(Object.fromEntries(problems(run.stderr))).toEqual({ 'train.py': 'cannot write: EACCES' });
    expect(run.code).toBe(1);
  });

  it("a file fixed by root keeps its owner and mode", (context) => {
    if (process.getuid?.() !== 0) return context.skip('needs root to give the file to another owner');
    const dir = scratch();
    writeFileSync(join(dir, 'train.py'), MISTAKE);
    chownSync(join(dir, 'train.py'), 65534, 65534);
    chmodSync(join(dir, 'train.py'), 0o640);
    keraslint(['check', '.', '--fix'], dir);
    expect(readFileSync(join(dir, 'train.py'), 'utf8')).not.toBe(MISTAKE);
    const after = statSync(join(dir, 'train.py'));
    expect([after.uid, after.gid, after.mode & 0o777]).toEqual([65534, 65534, 0o640]);
  });

  it('a run that finds nothing to check says so on stderr, and passes', () => {
    const dir = scratch();
    mkdirSync(join(dir, 'empty'));
    const run = keraslint(['check', 'empty'], dir);
    expect(run.stderr).toBe('keras-lint: warning: no Python files or notebooks found under the given paths\n');
    expect(run.stdout).toBe('All checks passed!\n');
    expect(run.code).toBe(0);
  });

  it('a notebook gets its fixed sources replaced and every other byte kept (numbers, escapes, keys, layout, BOM, CRLF)', () => {
    const dir = scratch();
    const code = ['from tensorflow import keras\n', "m = keras.Sequential([keras.layers.Dense(10, activation='softmax')])\n", "m.compile(loss='binary_crossentropy', metrics=['accuracy'])\n"];
    // What JSON.parse + JSON.stringify would change: a big integer, 1.0, 1e400, a repeated key,
    // \u escapes and an escaped slash in a cell nobody fixes, an empty source list, CRLF, a BOM.
    const layouts = {
      'jupyter.ipynb': (eol: string) => [
        '{',
        ' "cells": [',
        '  {',
        '   "cell_type": "markdown",',
        '   "metadata": {"scale": 1.0, "big": 1e400, "a": 1, "a": 2},',
        '   "source": ["caf\\u00e9 <\\/b>"]',
        '  },',
        '  {',
        '   "cell_type": "code",',
        '   "execution_count": 12345678901234567890,',
        '   "metadata": {},',
        '   "outputs": [],',
        '   "source": [',
        ...code.map((line, i) => `    ${JSON.stringify(line)}${i < code.length - 1 ? ',' : ''}`),
        '   ]',
        '  },',
        '  {"cell_type": "code", "metadata": {}, "outputs": [], "source": []}',
        ' ],',
        ' "metadata": {},',
        ' "nbformat": 4,',
        ' "nbformat_minor": 5',
        '}',
        '',
      ].join(eol),
      'minified.ipynb': () => JSON.stringify({ cells: [{ cell_type: 'code', metadata: {}, outputs: [], source: code.join('') }], metadata: {}, nbformat: 4, nbformat_minor: 5 }),
    };
    const written: Record<string, string> = {};
    for (const [name, layout] of Object.entries(layouts)) {
      for (const [variant, text] of [['', layout('\n')], ['crlf_bom_', '\ufeff' + layout('\r\n')]]) {
        written[variant + name] = text;
        writeFileSync(join(dir, variant + name), text);
      }
    }
    const run = keraslint(['check', '.', '--fix'], dir);
    expect(run.stderr).toBe('keras-lint: fixed 8 problems\n');
    const fixLine = (line: string) => line.replace('binary_crossentropy', 'categorical_crossentropy').replace("['accuracy']", "['categorical_accuracy']");
    for (const [name, before] of Object.entries(written)) {
      // Only the compile line changes, written as it was (a list item, or inside one string).
      const compile = JSON.stringify(code[2]).slice(1, -1);
      expect(readFileSync(join(dir, name), 'utf8'), name).toBe(before.replace(compile, fixLine(compile)));
    }
  });

  it("in a fixed cell, lines the fix leaves keep their items as written: \\u escapes of an ASCII-only file, one item holding several lines", () => {
    const dir = scratch();
    const code = ['# Modèle à 10 classes\n', 'from tensorflow import keras\n', "m = keras.Sequential([keras.layers.Dense(10, activation='softmax')])\n", "m.compile(loss='binary_crossentropy', optimizer='adam')\n"];
    const cell = (source: string) => `{"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], "source": ${source}}`;
    const file = (source: string) => `{"cells": [${cell(source)}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n`;
    // Python's json module escapes everything outside ASCII by default (a notebook written by a script).
    const ascii = (text: string) => text.replace(/[^\x00-\x7f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
    const escaped = file(`[${code.map((line) => ascii(JSON.stringify(line))).join(', ')}]`);
    const oneItem = file(`[${JSON.stringify(code.join(''))}]`);
    writeFileSync(join(dir, 'escaped.ipynb'), escaped);
    writeFileSync(join(dir, 'one_item.ipynb'), oneItem);
    const run = keraslint(['check', '.', '--fix'], dir);
    expect(run.stderr).toBe('keras-lint: fixed 2 problems\n');
    const fixed = (text: string) => text.replace("loss='binary_crossentropy'", "loss='categorical_crossentropy'");
    expect(readFileSync(join(dir, 'escaped.ipynb'), 'utf8')).toBe(fixed(escaped));
    expect(readFileSync(join(dir, 'one_item.ipynb'), 'utf8')).toBe(fixed(oneItem));
  });

  it('notebook fixes stay in their cells: an import goes to the end of the imports\' cell, a last line goes with the break before it', () => {
    const dir = scratch();
    // Jupyter saves a cell without a final line break; cell 2 is a %%time cell, whose first line must stay first.
    const cells = [
      'from keras.models import Sequential\nfrom keras.layers import Dense, Softmax\nfrom keras.losses import BinaryCrossentropy',
      "%%time\nm = Sequential([Dense(10, activation='softmax')])\nm.add(Softmax())",
      "m.compile(loss=BinaryCrossentropy(), metrics=['accuracy'])",
    ];
    const write = (eol: string) => notebook(cells.map((cell) => ({ cell_type: 'code', source: cell.replace(/\n/g, eol).split(/(?<=\n|\r(?!\n))/) })));
    writeFileSync(join(dir, 'lf.ipynb'), write('\n'));
    writeFileSync(join(dir, 'cr.ipynb'), write('\r'));
    const run = keraslint(['check', '.', '--fix'], dir);
    expect(run.stderr).toBe('keras-lint: fixed 6 problems\n');
    for (const [name, eol] of [['lf.ipynb', '\n'], ['cr.ipynb', '\r']]) {
      const sources = (JSON.parse(readFileSync(join(dir, name), 'utf8')) as { cells: { source: string[] }[] }).cells.map((c) => c.source.join(''));
      expect(sources, name).toEqual([
        cells[0] + '\nfrom keras.losses import CategoricalCrossentropy',
        "%%time\nm = Sequential([Dense(10, activation='softmax')])",
        "m.compile(loss=CategoricalCrossentropy(), metrics=['categorical_accuracy'])",
      ].map((cell) => cell.replace(/\n/g, eol)));
    }
  });

  /** Runs --fix in a scratch folder holding `files` (name → text) and expects each name's text to be `fixed` of it. */
  function expectFixed(files: Record<string, string>, fixed: (name: string, text: string) => string): void {
    const dir = scratch();
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    keraslint(['check', '.', '--fix'], dir);
    for (const [name, text] of Object.entries(files)) expect(readFileSync(join(dir, name), 'utf8'), name).toBe(fixed(name, text));
  }
  const IMPORT_LINE = 'from keras.losses import CategoricalCrossentropy\n';
  /** Imports only inside a function, and a BinaryCrossentropy() whose fix needs CategoricalCrossentropy. */
  const IN_FUNCTION = "def main():\n    from keras.models import Sequential\n    from keras.layers import Dense\n    from keras.losses import BinaryCrossentropy\n    m = Sequential([Dense(10, activation='softmax')])\n    m.compile(loss=BinaryCrossentropy())\n";
  const fixedLoss = (text: string) => text.replace('BinaryCrossentropy()', 'CategoricalCrossentropy()');

  it('adds an import to a script without top-level imports below its shebang, encoding line and docstring', () => {
    const header = '#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n"""Train a classifier."""\n';
    expectFixed({ 'train.py': header + '\n' + IN_FUNCTION }, () => header + IMPORT_LINE + '\n' + fixedLoss(IN_FUNCTION));
  });

  it('adds an import after the leading imports, above the code that uses it (not after a late import)', () => {
    const head = 'from keras.models import Sequential\nfrom keras.layers import Dense\nfrom keras.losses import BinaryCrossentropy\n';
    const rest = "m = Sequential([Dense(10, activation='softmax')])\nm.compile(loss=BinaryCrossentropy())\nimport matplotlib.pyplot as plt\nplt.plot([1])\n";
    expectFixed({ 'late.py': head + rest }, () => head + IMPORT_LINE + fixedLoss(rest));
  });

  it('finds the docstring by the parse: escaped quotes inside, or a one-line string', () => {
    const docstrings: Record<string, string> = { 'escaped.py': '"""Usage: write \\"""\nlike this."""\n', 'one_line.py': "'Module doc.'\n" };
    expectFixed(Object.fromEntries(Object.entries(docstrings).map(([name, doc]) => [name, doc + IN_FUNCTION])), (name) => docstrings[name] + IMPORT_LINE + fixedLoss(IN_FUNCTION));
  });

  it('in a notebook without leading imports, adds an import in the docstring\'s cell, not above the next cell\'s magic', () => {
    const dir = scratch();
    const code = "%%time\ntry:\n    from keras.models import Sequential\n    from keras.layers import Dense\n    from keras.losses import BinaryCrossentropy\nexcept ImportError:\n    raise\nm = Sequential([Dense(10, activation='softmax')])\nm.compile(loss=BinaryCrossentropy())";
    writeFileSync(join(dir, 'doc.ipynb'), notebook([{ cell_type: 'code', source: '"""Doc"""' }, { cell_type: 'code', source: code }]));
    keraslint(['check', '.', '--fix'], dir);
    const sources = (JSON.parse(readFileSync(join(dir, 'doc.ipynb'), 'utf8')) as { cells: { source: string }[] }).cells.map((c) => c.source);
    expect(sources).toEqual(['"""Doc"""\nfrom keras.losses import CategoricalCrossentropy', code.replace('BinaryCrossentropy()', 'CategoricalCrossentropy()')]);
  });

  it('a fix that empties a cell writes an empty source list; a minified list keeps its ", " between items', () => {
    const dir = scratch();
    const cells = [
      ['from keras.models import Sequential\n', 'from keras.layers import Dense, Softmax\n', "m = Sequential([Dense(10, activation='softmax')])"],
      ['m.add(Softmax())'],
      ["m.compile(loss='binary_crossentropy',\n", "          metrics=['accuracy'])"],
    ];
    const text = JSON.stringify({ cells: cells.map((source) => ({ cell_type: 'code', metadata: {}, outputs: [], source })), metadata: {}, nbformat: 4, nbformat_minor: 5 }).replace(/","/g, '", "');
    writeFileSync(join(dir, 'nb.ipynb'), text);
    const run = keraslint(['check', '.', '--fix'], dir);
    expect(run.stderr).toBe('keras-lint: fixed 3 problems\n');
    expect(readFileSync(join(dir, 'nb.ipynb'), 'utf8')).toBe(
      text.replace('["m.add(Softmax())"]', '[]').replace('binary_crossentropy', 'categorical_crossentropy').replace("['accuracy']", "['categorical_accuracy']"),
    );
  });

  it('a notebook whose outputs nest deeper than a recursion can go is fixed all the same', () => {
    const dir = scratch();
    const deep = '['.repeat(20_000) + ']'.repeat(20_000);
    const text = `{"cells": [{"cell_type": "code", "metadata": {}, "outputs": [{"output_type": "execute_result", "data": {"application/json": ${deep}}, "metadata": {}}], "source": ${JSON.stringify(MISTAKE)}}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}`;
    writeFileSync(join(dir, 'deep.ipynb'), text);
    const run = keraslint(['check', '.', '--fix'], dir);
    expect(run.stderr).toBe('keras-lint: fixed 2 problems\n');
    expect(readFileSync(join(dir, 'deep.ipynb'), 'utf8')).toBe(text.replace('binary_crossentropy', 'categorical_crossentropy').replace('[\\"accuracy\\"]', '[\\"categorical_accuracy\\"]'));
  });

  it('broken files next to fixable ones are left byte for byte', () => {
    const dir = scratch();
    const broken = '{"cells": [{"cell_type": "code", "source": "model.compile(loss=\'binary_crossentropy\')"';
    writeFileSync(join(dir, 'broken.ipynb'), broken);
    const junk = Buffer.from([0x00, 0xff, 0x10, 0x80, 0x0a]);
    writeFileSync(join(dir, 'junk.py'), junk);
    writeFileSync(join(dir, 'train.py'), MISTAKE);
    const run = keraslint(['check', '.', '--fix'], dir);
    expect(readFileSync(join(dir, 'broken.ipynb'), 'utf8')).toBe(broken);
    expect(readFileSync(join(dir, 'junk.py')).equals(junk)).toBe(true);
    expect(readFileSync(join(dir, 'train.py'), 'utf8')).toContain('loss="categorical_crossentropy"');
    expect([...problems(run.stderr).keys()]).toEqual(['broken.ipynb', 'junk.py']);
    expect(run.stderr).toContain('keras-lint: fixed 2 problems\n');
    expect(run.code).toBe(1);
  });
});
