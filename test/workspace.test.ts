// Workspace pins and [tool.keras-lint] from real files in a temp folder.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { affectsWorkspace, clearWorkspaceCaches, findWorkspacePins, loadProjectConfig, parseSettings } from '../server/src/workspace';
import { analyzeText, initParser } from '../server/src/core/analyze';

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'keras-lint-ws-'));
  mkdirSync(join(root, '.git'));
  clearWorkspaceCaches();
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function project(files: Record<string, string>): string {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return join(root, 'src', 'train.py');
}

describe('findWorkspacePins', () => {
  it.each([
    ['requirements.txt', 'numpy==1.19.5\nkeras-tuner==1.0\ntensorflow-gpu==2.3.1  # GPU build\n', 'tf-keras2', 'requirements.txt pins tensorflow-gpu==2.3.1'],
    ['requirements-dev.txt', 'Keras==2.2.4\n', 'keras2', 'requirements-dev.txt pins Keras==2.2.4'],
    ['pyproject.toml', '[project]\nname = "x"\ndependencies = ["keras>=3.0,<4", "numpy"]\n', 'keras3', 'pyproject.toml pins keras>=3.0,<4'],
    ['pyproject.toml', '[tool.poetry.dependencies]\npython = "^3.8"\ntensorflow = "~2.4"\n', 'tf-keras2', 'pyproject.toml pins tensorflow>=2.4,<2.5'],
    ['setup.cfg', '[options]\ninstall_requires =\n    tensorflow==1.15.5\n    pandas\n', 'keras2', 'setup.cfg pins tensorflow==1.15.5'],
    ['Pipfile', '[packages]\ntensorflow = "==2.16.1"\n', 'keras3', 'Pipfile pins tensorflow==2.16.1'],
    ['environment.yml', 'dependencies:\n  - python=3.7\n  - keras=2.3.1\n  - pip:\n    - tf-keras\n', null, null],
    ['environment.yml', 'dependencies:\n  - python=3.7\n  - keras=2.3.1\n', 'keras2', 'environment.yml pins keras=2.3.1'],
  ])('%s: %j', (name, text, flavour, evidence) => {
    const file = project({ [name]: text, 'src/train.py': '' });
    const pins = findWorkspacePins(file);
    if (flavour === null) expect(pins).toBeNull();
    else expect(pins).toMatchObject({ flavour, evidence: [evidence] });
  });

  it("follows pip's -r and -c includes, relative to the including file, without reading a file twice", () => {
    const file = project({
      'requirements.txt': '-r requirements/prod.txt  # what production runs\n--constraint=https://example.com/c.txt\n',
      'requirements/prod.txt': '--requirement base.txt\ngunicorn\n',
      'requirements/base.txt': 'numpy\ntensorflow==2.3.1\n-r ../requirements.txt\n-r base.txt\n',
      'requirements-dev.txt': '-r requirements.txt\n-c constraints/pins.txt\n',
      'constraints/pins.txt': 'tensorflow==2.3.1\n',
      'src/train.py': '',
    });
    expect(findWorkspacePins(file)).toMatchObject({
      flavour: 'tf-keras2',
      evidence: ['requirements-dev.txt → constraints/pins.txt pins tensorflow==2.3.1', 'requirements.txt → requirements/base.txt pins tensorflow==2.3.1'],
    });
  });

  it('an include that is missing, a folder or a loop reads nothing; nor does a -r in pyproject.toml', () => {
    const file = project({
      'requirements.txt': '-r nowhere.txt\n-r requirements\n-r loop/a.txt\n',
      'requirements/keep.txt': '',
      'loop/a.txt': '-r b.txt\n',
      'loop/b.txt': '-r a.txt\n',
      'src/train.py': '',
    });
    expect(findWorkspacePins(file)).toBeNull();
    clearWorkspaceCaches();
    writeFileSync(join(root, 'pyproject.toml'), '[project]\nname = "x"\ndependencies = ["-r loop/c.txt"]\n');
    writeFileSync(join(root, 'loop', 'c.txt'), 'tensorflow==2.3.1\n');
    expect(findWorkspacePins(file)).toBeNull();
  });

  it('more includes than it follows (16, found or not) pin nothing; a change of a file read, or of a dependency file, affects the workspace', () => {
    const chain: Record<string, string> = { 'src/train.py': '' };
    for (let i = 0; i < 20; i++) chain[`reqs/r${i}.txt`] = i === 18 ? 'keras==3.0\n-r r19.txt\n' : `tensorflow==2.3.0\n-r r${i + 1}.txt\n`;
    const file = project({ 'requirements.txt': '-r reqs/r0.txt\n', ...chain });
    expect(findWorkspacePins(file)).toBeNull();
    clearWorkspaceCaches();
    const missing = project({ 'requirements.txt': `${Array.from({ length: 20 }, (_, i) => `-r missing${i}.txt`).join('\n')}\ntensorflow==2.3.0\n` });
    expect(findWorkspacePins(missing)).toBeNull();
    clearWorkspaceCaches();
    writeFileSync(join(root, 'requirements.txt'), '-r reqs/r19.txt\n');
    expect(findWorkspacePins(file)?.flavour).toBe('tf-keras2');
    expect([join(root, 'reqs', 'r19.txt'), join(root, 'reqs', 'r18.txt'), join(root, 'pyproject.toml'), join(root, 'constraints', 'any.txt')].map(affectsWorkspace)).toEqual([true, false, true, false]);
  });

  it("a pin of TensorFlow 2.6 or later silences KL011 on the string 'Accuracy' (read as 'accuracy' there)", async () => {
    await initParser();
    const code = "import tensorflow as tf\nmodel = tf.keras.Sequential([tf.keras.layers.Dense(10, activation='softmax')])\nmodel.compile(loss='sparse_categorical_crossentropy', metrics=['Accuracy'])\n";
    const kl011 = (pin: string) => {
      clearWorkspaceCaches();
      const file = project({ 'requirements.txt': pin, 'src/train.py': '' });
      return analyzeText(code, { workspacePins: findWorkspacePins(file) }).findings.map((f) => f.ruleId);
    };
    expect(kl011('tensorflow==2.10.0\n')).toEqual([]);
    expect(kl011('tensorflow==2.5.0\n')).toEqual(['KL011']);
  });

  it('stops at the repository root', () => {
    project({ 'requirements.txt': 'tensorflow==2.3.0\n', 'inner/src/train.py': '' });
    mkdirSync(join(root, 'inner', '.git'));
    expect(findWorkspacePins(join(root, 'inner', 'src', 'train.py'))).toBeNull();
    expect(findWorkspacePins(join(root, 'src', 'train.py'))?.flavour).toBe('tf-keras2');
  });

  it('open-ended pins decide nothing, unless every later version has one flavour', () => {
    expect(findWorkspacePins(project({ 'requirements.txt': 'tensorflow>=2.0\n', 'src/train.py': '' }))).toBeNull();
    clearWorkspaceCaches();
    expect(findWorkspacePins(project({ 'requirements.txt': 'tensorflow>=2.16\n', 'src/train.py': '' }))?.flavour).toBe('keras3');
    // TF 2.16+ with tf_keras: tf.keras is either, as TF_USE_LEGACY_KERAS says (the code decides).
    clearWorkspaceCaches();
    const both = project({ 'requirements.txt': 'tensorflow>=2.16\ntf_keras>=2.16\n', 'src/train.py': '' });
    expect(findWorkspacePins(both)).toBeNull();
    const code = 'import os\nos.environ["TF_USE_LEGACY_KERAS"] = "1"\nimport tensorflow as tf\n';
    expect(analyzeText(code, { workspacePins: findWorkspacePins(both) }).flavour.flavour).toBe('tf-keras2');
  });
});

describe('loadProjectConfig', () => {
  it('reads [tool.keras-lint] in camelCase or kebab-case and reports bad entries', () => {
    const file = project({
      'pyproject.toml': '[tool.keras-lint]\nkeras-version = "keras3"\nignore = ["KL013", "KL999"]\nseverity = { KL001 = "error", KL002 = "loud" }\ncolour = true\n',
      'src/train.py': '',
    });
    const loaded = loadProjectConfig(file);
    expect(loaded.path).toBe(join(root, 'pyproject.toml'));
    expect(loaded.config).toEqual({ kerasVersion: 'keras3', ignore: ['KL013'], severity: { KL001: 'error' } });
    expect(loaded.problems.map((p) => p.replace(`${loaded.path}: [tool.keras-lint] `, ''))).toEqual([
      'ignore: unknown rule KL999',
      'severity.KL002 must be error, warning, info or hint',
      'unknown key colour',
    ]);
  });

  it('a pyproject.toml without the table is passed over; broken TOML is a problem, not a crash', () => {
    expect(loadProjectConfig(project({ 'pyproject.toml': '[project]\nname = "x"\n', 'src/train.py': '' })).path).toBeNull();
    clearWorkspaceCaches();
    const broken = loadProjectConfig(project({ 'pyproject.toml': '[tool.keras-lint\n' }));
    expect(broken.config).toEqual({});
    expect(broken.problems[0]).toMatch(/invalid TOML/);
  });

  it('settings of the wrong type are reported, not dropped in silence, and a message stays short', () => {
    const { config, problems } = parseSettings({ select: 5, ignore: [1, 'KL013', {}], severity: 'error', exclude: 5 });
    expect(config).toEqual({ ignore: ['KL013'] });
    expect(problems).toEqual([
      'select must be a list of rule ids (or one string of them, comma-separated)',
      'ignore: entries that are not strings are ignored',
      'severity must be a table of rule ids and levels, e.g. { KL001 = "error" }',
      'exclude must be a list of paths',
    ]);
    // Values String() cannot turn into a level, or turns into one by accident, are no levels.
    const levels = parseSettings({ severity: { KL001: { toString: 'x' }, KL002: ['hint'], KL003: [['error']], KL004: 'hint', kl005: 'error' } });
    expect(levels.config).toEqual({ severity: { KL004: 'hint', KL005: 'error' } });
    expect(levels.problems).toEqual(['KL001', 'KL002', 'KL003'].map((id) => `severity.${id} must be error, warning, info or hint`));
    expect(parseSettings({ exclude: 'build/generated.py' })).toEqual({ config: { exclude: ['build/generated.py'] }, problems: [] });
    const typos = Array.from({ length: 100_000 }, (_, i) => `KL${1000 + i}`);
    const [message] = parseSettings({ select: typos }).problems;
    expect(message).toBe(`select: unknown rule ${typos.slice(0, 10).join(', ')} and 99990 more`);
    expect(parseSettings({ ['x'.repeat(10_000)]: 1 }).problems[0]).toBe(`unknown key ${'x'.repeat(39)}…`);
  });

  it('a keras-lint entry of [tool] that is not a table is reported', () => {
    const loaded = loadProjectConfig(project({ 'pyproject.toml': '[tool]\nkeras-lint = 5\n', 'train.py': '' }));
    expect(loaded.config).toEqual({});
    expect(loaded.problems).toEqual([`${loaded.path}: [tool.keras-lint] must be a table (keras-lint = { ... } or a [tool.keras-lint] section)`]);
  });

  it('settings accept comma-separated rule lists (as typed in an editor) and the flavour alias', () => {
    expect(parseSettings({ select: 'kl001, KL002', flavour: 'auto', inlayHints: false })).toEqual({ config: { select: ['KL001', 'KL002'], kerasVersion: 'auto', inlayHints: false }, problems: [] });
  });
});
