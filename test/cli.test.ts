// The `keras-lint` CLI end to end: the built executable on real files, every format, exit codes,
// notebooks, --fix, suppression and pyproject.toml configuration.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { afterEach, describe, expect, it } from 'vitest';
import { notebook, rng, script } from '../scripts/bench/generate.mjs';
import { CHECK_V8_FLAGS } from '../server/src/cli/processOptions';
import { EXAMPLES, keraslint, REPO, scratchFolder } from './helpers/cli';

const scratch: string[] = [];
function folder(withExamples = false): string {
  const dir = scratchFolder(withExamples);
  scratch.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** `path:row:col: CODE` of each text-format finding line. */
const locations = (stdout: string) => stdout.split('\n').filter((l) => /: KL\d{3} /.test(l)).map((l) => /^(.*?: KL\d{3})/.exec(l)![1]);

const EXPECTED_EXAMPLES = [
  'examples/cifar_integer_labels.py:16:38: KL006',
  'examples/keras1_style.py:11:31: KL004',
  'examples/logits_head.py:18:10: KL009',
  'examples/logits_head.py:28:56: KL008',
  'examples/mnist_bce_softmax.py:26:20: KL002',
  'examples/mnist_bce_softmax.py:26:70: KL001',
  'examples/notebook_mistakes.ipynb:cell 6:1:38: KL007',
  'examples/notebook_mistakes.ipynb:cell 7:3:38: KL003',
];

describe('check: text output', () => {
  it('finds exactly the documented mistakes in examples/ and exits 1', () => {
    const run = keraslint(['check', 'examples']);
    expect(locations(run.stdout)).toEqual(EXPECTED_EXAMPLES);
    expect(run.stdout).toContain('Found 8 problems.\n[*] 7 fixable with the `--fix` option.\n');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
  });

  it('says all checks passed and exits 0 on correct code', () => {
    const run = keraslint(['check', 'examples/good_models.py']);
    expect(run.stdout).toBe('All checks passed!\n');
    expect(run.code).toBe(0);
  });

  it('--exit-zero reports but exits 0', () => {
    const run = keraslint(['check', 'examples/mnist_bce_softmax.py', '--exit-zero']);
    expect(locations(run.stdout)).toHaveLength(2);
    expect(run.code).toBe(0);
  });

  it('--select and --ignore filter by rule id', () => {
    expect(locations(keraslint(['check', 'examples', '--select', 'KL001,KL004']).stdout)).toEqual([
      'examples/keras1_style.py:11:31: KL004',
      'examples/mnist_bce_softmax.py:26:70: KL001',
    ]);
    expect(locations(keraslint(['check', 'examples', '--ignore=KL001', '--ignore', 'kl002,KL003,KL004,KL006,KL007']).stdout)).toEqual([
      'examples/logits_head.py:18:10: KL009',
      'examples/logits_head.py:28:56: KL008',
    ]);
  });

  it('--keras-version decides what accuracy resolves to (KL001)', () => {
    // Keras 3 resolves 'accuracy' from shapes: categorical accuracy on one-hot labels is right.
    expect(locations(keraslint(['check', 'examples/mnist_bce_softmax.py', '--keras-version', 'keras3']).stdout)).toEqual(['examples/mnist_bce_softmax.py:26:20: KL002']);
    expect(locations(keraslint(['check', 'examples/mnist_bce_softmax.py', '--keras-version', 'keras2']).stdout)).toContain('examples/mnist_bce_softmax.py:26:70: KL001');
  });
});

describe('check: JSON output (Ruff shape)', () => {
  it('one object per diagnostic with rows and columns 1-based, fix edits and url', () => {
    const run = keraslint(['check', 'examples/mnist_bce_softmax.py', '--format', 'json']);
    const items = JSON.parse(run.stdout);
    expect(items).toHaveLength(2);
    expect(items[0]).toEqual({
      cell: null,
      code: 'KL002',
      end_location: { row: 26, column: 41 },
      filename: join(EXAMPLES, 'mnist_bce_softmax.py'),
      fix: {
        applicability: 'safe',
        edits: [{ content: 'categorical_crossentropy', location: { row: 26, column: 21 }, end_location: { row: 26, column: 40 } }],
        message: 'Use categorical_crossentropy',
      },
      location: { row: 26, column: 20 },
      message: expect.stringMatching(/^binary_crossentropy here, but the model's head at line 24 is a 10-way softmax head/),
      noqa_row: 26,
      severity: 'warning',
      url: 'https://github.com/keras-lint/keras-lint/blob/main/docs/rules/KL002.md',
    });
    expect(run.code).toBe(1);
  });

  it('notebook diagnostics name their cell (1-based among all cells) and rows within it', () => {
    const items = JSON.parse(keraslint(['check', 'examples/notebook_mistakes.ipynb', '--format=json']).stdout);
    expect(items.map((i: { code: string; cell: number; location: unknown }) => [i.code, i.cell, i.location])).toEqual([
      ['KL007', 6, { row: 1, column: 38 }],
      ['KL003', 7, { row: 3, column: 38 }],
    ]);
    expect(items[0].fix.edits).toEqual([{ content: 'categorical_crossentropy', location: { row: 1, column: 39 }, end_location: { row: 1, column: 70 }, cell: 6 }]);
  });

  it('an empty array when clean', () => {
    const run = keraslint(['check', 'examples/good_models.py', '--format', 'json']);
    expect(JSON.parse(run.stdout)).toEqual([]);
    expect(run.code).toBe(0);
  });
});

describe('check: SARIF output', () => {
  const schema = JSON.parse(readFileSync(join(REPO, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
  // The published schema is draft-04; Ajv 8 reads it once its draft-04 header is dropped.
  delete schema.$schema;
  schema.$id = schema.id;
  delete schema.id;
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  ajv.addFormat('uri', (value: string) => URL.canParse(value));
  ajv.addFormat('uri-reference', (value: string) => URL.canParse(value, 'file:///base/'));
  ajv.addFormat('date-time', (value: string) => !Number.isNaN(Date.parse(value)));
  const validate = ajv.compile(schema);

  it('is valid SARIF 2.1.0 with every rule described and results located', () => {
    const dir = folder(true);
    const out = join(dir, 'report.sarif');
    const run = keraslint(['check', '.', '--format', 'sarif', '--output-file', out], dir);
    expect(run.stdout).toBe('');
    const sarif = JSON.parse(readFileSync(out, 'utf8'));
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    const [only] = sarif.runs;
    expect(only.columnKind).toBe('unicodeCodePoints');
    expect(only.tool.driver.rules.map((r: { id: string }) => r.id)).toHaveLength(15);
    expect(only.results).toHaveLength(8);
    const kl002 = only.results.find((r: { ruleId: string }) => r.ruleId === 'KL002');
    expect(kl002.level).toBe('warning');
    expect(kl002.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'mnist_bce_softmax.py', uriBaseId: '%SRCROOT%' },
      region: { startLine: 26, startColumn: 20, endLine: 26, endColumn: 41 },
    });
    expect(kl002.relatedLocations[0].physicalLocation.region.startLine).toBe(24);
    const kl007 = only.results.find((r: { ruleId: string }) => r.ruleId === 'KL007');
    expect(kl007.properties).toEqual({ cell: 6 });
    expect(kl007.level).toBe('error');
    // Related places in other cells name their own cell (rows are within it).
    expect(kl007.relatedLocations.map((l: { physicalLocation: { region: { startLine: number } }; properties: unknown }) => [l.physicalLocation.region.startLine, l.properties])).toEqual([
      [3, { cell: 3 }],
      [4, { cell: 4 }],
    ]);
  });

  it('files that cannot be checked become tool notifications, still valid SARIF', () => {
    const dir = folder();
    writeFileSync(join(dir, 'broken.ipynb'), '{"cells": [');
    const run = keraslint(['check', '.', '--format', 'sarif'], dir);
    const sarif = JSON.parse(run.stdout);
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    expect(sarif.runs[0].invocations[0].toolExecutionNotifications[0].message.text).toMatch(/^not a valid notebook: invalid JSON/);
    expect(run.code).toBe(1);
  });
});

describe('check --fix', () => {
  it('applies the preferred safe fixes in place, then reports what is left', () => {
    const dir = folder(true);
    const before = readFileSync(join(dir, 'mnist_bce_softmax.py'), 'utf8');
    const run = keraslint(['check', '.', '--fix'], dir);
    // KL003's fixes change the model's meaning (unsafe): only it remains.
    expect(locations(run.stdout)).toEqual(['notebook_mistakes.ipynb:cell 7:3:38: KL003']);
    expect(run.stderr).toBe('keras-lint: fixed 7 problems\n');
    expect(readFileSync(join(dir, 'mnist_bce_softmax.py'), 'utf8')).toBe(
      before.replace('loss="binary_crossentropy"', 'loss="categorical_crossentropy"').replace('metrics=["accuracy"]', 'metrics=["categorical_accuracy"]'),
    );
    expect(readFileSync(join(dir, 'keras1_style.py'), 'utf8')).toContain('model.add(Dense(1, activation="sigmoid"))');
    expect(keraslint(['check', '.', '--ignore', 'KL003'], dir).code).toBe(0);
  });

  it('rewrites only the fixed notebook cell, keeping the notebook layout byte for byte', () => {
    const dir = folder(true);
    const before = readFileSync(join(dir, 'notebook_mistakes.ipynb'), 'utf8');
    keraslint(['check', 'notebook_mistakes.ipynb', '--fix'], dir);
    expect(readFileSync(join(dir, 'notebook_mistakes.ipynb'), 'utf8')).toBe(before.replace('loss=\\"sparse_categorical_crossentropy\\"', 'loss=\\"categorical_crossentropy\\"'));
  });

  it('keeps a byte order mark and Windows line endings', () => {
    const dir = folder();
    const crlf = '\ufefffrom keras.models import Sequential\r\nfrom keras.layers import Dense\r\nmodel = Sequential([Dense(10, activation="softmax")])\r\nmodel.compile(loss="binary_crossentropy")\r\n';
    writeFileSync(join(dir, 'win.py'), crlf);
    expect(keraslint(['check', 'win.py', '--fix'], dir).code).toBe(0);
    expect(readFileSync(join(dir, 'win.py'), 'utf8')).toBe(crlf.replace('binary_crossentropy', 'categorical_crossentropy'));
  });

  it('leaves correct files untouched', () => {
    const dir = folder(true);
    const before = readFileSync(join(dir, 'good_models.py'), 'utf8');
    expect(keraslint(['check', 'good_models.py', '--fix'], dir).code).toBe(0);
    expect(readFileSync(join(dir, 'good_models.py'), 'utf8')).toBe(before);
  });
});

describe('suppression and configuration', () => {
  const script = [
    'from keras.models import Sequential',
    'from keras.layers import Dense',
    "model = Sequential([Dense(10, activation='softmax')])",
    "model.compile(loss='binary_crossentropy', optimizer='adam')",
    '',
  ].join('\n');

  it('# noqa: KL002 silences that rule on its line only; bare # noqa silences the line', () => {
    const dir = folder();
    writeFileSync(join(dir, 'a.py'), script.replace("optimizer='adam')", "optimizer='adam')  # noqa: KL002"));
    writeFileSync(join(dir, 'b.py'), script.replace("optimizer='adam')", "optimizer='adam')  # noqa: KL001"));
    writeFileSync(join(dir, 'c.py'), script.replace("optimizer='adam')", "optimizer='adam')  # noqa"));
    expect(locations(keraslint(['check', '.'], dir).stdout)).toEqual(['b.py:4:20: KL002']);
  });

  it('a statement continued with backslashes takes its noqa at the end of its last line (noqa_row says which)', () => {
    const dir = folder();
    const continued = script.replace("loss='binary_crossentropy', optimizer='adam')", "loss='binary_crossentropy', \\\n              optimizer='adam')");
    writeFileSync(join(dir, 'a.py'), continued);
    const items = JSON.parse(keraslint(['check', 'a.py', '--format', 'json'], dir).stdout);
    expect(items.map((i: { code: string; location: { row: number }; noqa_row: number }) => [i.code, i.location.row, i.noqa_row])).toEqual([['KL002', 4, 5]]);
    writeFileSync(join(dir, 'a.py'), continued.replace("optimizer='adam')", "optimizer='adam')  # noqa: KL002"));
    expect(keraslint(['check', 'a.py'], dir).stdout).toBe('All checks passed!\n');
  });

  it('[tool.keras-lint] in pyproject.toml: ignore, select and severity; problems are warned about', () => {
    const dir = folder();
    writeFileSync(join(dir, 'train.py'), script);
    writeFileSync(join(dir, 'pyproject.toml'), '[tool.keras-lint]\nignore = ["KL002"]\nunknown-key = 1\n');
    const ignored = keraslint(['check', '.'], dir);
    expect(ignored.stdout).toBe('All checks passed!\n');
    expect(ignored.stderr).toBe(`keras-lint: warning: ${join(dir, 'pyproject.toml')}: [tool.keras-lint] unknown key unknown-key\n`);
    expect(ignored.code).toBe(0);

    writeFileSync(join(dir, 'pyproject.toml'), '[tool.keras-lint]\nseverity = { KL002 = "error" }\n');
    const items = JSON.parse(keraslint(['check', '.', '--format', 'json'], dir).stdout);
    expect(items.map((i: { code: string; severity: string }) => `${i.code} ${i.severity}`)).toEqual(['KL002 error']);
  });

  it('exclude takes names, relative paths and globs; enable = false leaves a project out of folder walks', () => {
    const dir = folder();
    for (const rel of ['train.py', 'model_test.py', 'nb/scratch/a.py', 'nb/keep.py', 'nb/explore.ipynb', 'gen/deep/x.py', 'sub/b.py']) {
      mkdirSync(join(dir, rel, '..'), { recursive: true });
      writeFileSync(join(dir, rel), rel.endsWith('.ipynb') ? JSON.stringify({ cells: [{ cell_type: 'code', source: script, metadata: {}, outputs: [], execution_count: null }], metadata: {}, nbformat: 4, nbformat_minor: 5 }) : script);
    }
    const checked = () => [...new Set(locations(keraslint(['check', '.'], dir).stdout).map((l) => l.split(':')[0]))];
    expect(checked()).toEqual(['gen/deep/x.py', 'model_test.py', 'nb/explore.ipynb', 'nb/keep.py', 'nb/scratch/a.py', 'sub/b.py', 'train.py']);
    writeFileSync(join(dir, 'pyproject.toml'), '[tool.keras-lint]\nexclude = ["*_test.py", "nb/*.ipynb", "scratch", "**/deep"]\n');
    expect(checked()).toEqual(['nb/keep.py', 'sub/b.py', 'train.py']);
    writeFileSync(join(dir, 'sub', 'pyproject.toml'), '[tool.keras-lint]\nenable = false\n');
    expect(checked()).toEqual(['nb/keep.py', 'train.py']);
    // Named on the command line, a file or a folder is checked (as Ruff does without --force-exclude).
    expect(locations(keraslint(['check', 'sub/b.py', 'model_test.py', 'nb/scratch'], dir).stdout).map((l) => l.split(':')[0])).toEqual(['model_test.py', 'nb/scratch/a.py', 'sub/b.py']);
  });

  it('workspace pins choose the flavour (requirements.txt)', () => {
    const dir = folder(true);
    writeFileSync(join(dir, 'requirements.txt'), 'tensorflow==2.16.1\n');
    expect(locations(keraslint(['check', 'mnist_bce_softmax.py'], dir).stdout)).toEqual(['mnist_bce_softmax.py:26:20: KL002']);
    writeFileSync(join(dir, 'requirements.txt'), 'keras==2.2.4\n');
    expect(locations(keraslint(['check', 'mnist_bce_softmax.py'], dir).stdout)).toEqual(['mnist_bce_softmax.py:26:20: KL002', 'mnist_bce_softmax.py:26:70: KL001']);
  });
});

describe('usage and per-file errors', () => {
  it.each([
    [['check', '--format', 'xml']],
    [['check', '--select', 'KL999']],
    [['check', '--keras-version', 'keras4']],
    [['check', '--bogus']],
    [['lint']],
    [[]],
    [['rule', 'KL999']],
  ])('%j is a usage error: exit 2 with a message', (args) => {
    const run = keraslint(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Usage: keras-lint/);
  });

  it('a missing path and a broken notebook are reported; other files are still checked', () => {
    const dir = folder(true);
    writeFileSync(join(dir, 'broken.ipynb'), 'not json');
    const run = keraslint(['check', '.', 'missing.py'], dir);
    expect(locations(run.stdout)).toHaveLength(8);
    expect(run.stderr).toContain('keras-lint: missing.py: no such file or folder\n');
    expect(run.stderr).toContain('keras-lint: broken.ipynb: not a valid notebook: invalid JSON');
    expect(run.code).toBe(1);
  });
});

describe('check on several threads (--concurrency)', () => {
  /**
   * The examples, 120 generated training scripts and notebooks (the benchmark's generator, ~1.4 MB:
   * seconds of checking, so every thread gets files), a broken notebook and a binary file.
   */
  function bigFolder(): string {
    const dir = folder(true);
    const r = rng(7);
    mkdirSync(join(dir, 'runs'));
    for (let i = 0; i < 120; i++) {
      if (i % 4 === 3) writeFileSync(join(dir, 'runs', `notebook_${i}.ipynb`), notebook(r, 300));
      else writeFileSync(join(dir, 'runs', `train_${i}.py`), script(r, 300));
    }
    writeFileSync(join(dir, 'runs', 'broken.ipynb'), '{"cells": [');
    writeFileSync(join(dir, 'runs', 'binary.py'), Buffer.from([0x6d, 0, 0xff, 0x10]));
    return dir;
  }
  const FILES = 6 + 120 + 2;
  const perThread = (stderr: string): number[] => /files per thread: ([\d, ]+);/.exec(stderr)![1].split(', ').map(Number);
  it.each(['json', 'text'])('gives the %s report, messages and exit code of a single-threaded run, the files shared out', (format) => {
    const dir = bigFolder();
    const single = keraslint(['check', '.', '--format', format, '--concurrency', 'off', '-v'], dir);
    const parallel = keraslint(['check', '.', '--format', format, '--concurrency', '3', '-v'], dir);
    expect(parallel.stdout).toBe(single.stdout);
    const messages = (stderr: string) => stderr.replace(/^keras-lint: checked .*\n/m, '');
    expect(messages(parallel.stderr)).toBe(messages(single.stderr));
    expect(messages(single.stderr)).toContain('broken.ipynb: not a valid notebook');
    expect(messages(single.stderr)).toContain('binary.py: not a text file');
    expect(parallel.code).toBe(1);
    expect(single.code).toBe(1);
    expect(perThread(single.stderr)).toEqual([FILES]);
    const shares = perThread(parallel.stderr);
    expect(shares).toHaveLength(3);
    expect(shares.reduce((a, b) => a + b)).toBe(FILES);
    // Every thread took part (a worker needs a few tenths of a second to start; the run takes seconds).
    expect(shares.every((n) => n > 0)).toBe(true);
  });

  it('--fix on several threads writes what a single-threaded --fix writes', () => {
    const [one, three] = [bigFolder(), bigFolder()];
    const single = keraslint(['check', '.', '--fix', '--concurrency', 'off'], one);
    const parallel = keraslint(['check', '.', '--fix', '--concurrency', '3'], three);
    expect(parallel.stdout).toBe(single.stdout);
    expect(parallel.stderr).toBe(single.stderr);
    expect(single.stderr).toMatch(/fixed \d+ problems/);
    const contents = (dir: string) => readdirSync(dir, { recursive: true }).map(String).filter((f) => /\.(py|ipynb)$/.test(f)).sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]);
    expect(contents(three)).toEqual(contents(one));
  });

  it.each([['0'], ['many'], ['-1']])('--concurrency %s is a usage error', (value) => {
    const run = keraslint(['check', 'examples', '--concurrency', value]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--concurrency takes a number of threads, auto or off');
  });
});

describe('a big script parsed in two parts, the second on a helper thread (splitHelper.ts)', () => {
  const helped = (stderr: string) => /parsed in two parts with a helper thread: (\d+);/.exec(stderr)?.[1];
  /** A 6,000-line generated script (~230 KB, above SPLIT_MIN_SIZE) with the benchmark's mistakes, plus `extra`. */
  function bigScript(extra = ''): string {
    const dir = folder();
    writeFileSync(join(dir, 'big.py'), script(rng(21), 6000) + extra);
    return dir;
  }

  it.each(['text', 'json', 'sarif'])('gives the %s report of a run on one thread', (format) => {
    const dir = bigScript();
    const split = keraslint(['check', 'big.py', '-v', '--format', format], dir);
    const single = keraslint(['check', 'big.py', '-v', '--format', format, '--concurrency', 'off'], dir);
    expect(helped(split.stderr)).toBe('1');
    expect(helped(single.stderr)).toBeUndefined();
    // The executable compiled the parser's wasm under a V8 flag of its own before it loaded the bundle: not under it.
    expect(split.stderr).toContain('code cache: used)');
    expect(split.stdout).toBe(single.stdout);
    expect(split.code).toBe(1);
    expect(single.code).toBe(1);
    // Findings on both sides of the middle: the second part was analysed, after the first.
    if (format === 'json') {
      const lines = (JSON.parse(split.stdout) as { location: { row: number } }[]).map((f) => f.location.row);
      expect(Math.min(...lines)).toBeLessThan(3000);
      expect(Math.max(...lines)).toBeGreaterThan(3000);
    }
  });

  it('parses a script with a syntax error whole, with the same report', () => {
    const dir = bigScript('model.compile(loss=\n');
    const split = keraslint(['check', 'big.py', '-v'], dir);
    const single = keraslint(['check', 'big.py', '-v', '--concurrency', 'off'], dir);
    expect(helped(split.stderr)).toBe('0');
    expect(split.stdout).toBe(single.stdout);
    expect(split.stderr.replace(/^keras-lint: checked .*\n/m, '')).toBe(single.stderr.replace(/^keras-lint: checked .*\n/m, ''));
    expect(split.stderr).toContain('big.py: syntax errors; checked the parts that parse');
  });

  it('has no helper for notebooks, small scripts, or a run with checking workers', () => {
    const dir = bigScript();
    writeFileSync(join(dir, 'big.ipynb'), notebook(rng(22), 6000));
    expect(helped(keraslint(['check', 'big.ipynb', '-v'], dir).stderr)).toBeUndefined();
    expect(helped(keraslint(['check', join(EXAMPLES, 'good_models.py'), '-v'], dir).stderr)).toBeUndefined();
    const withWorkers = keraslint(['check', '.', '-v', '--concurrency', '2'], dir);
    expect(helped(withWorkers.stderr)).toBeUndefined();
    expect(withWorkers.stdout).toBe(keraslint(['check', '.', '--concurrency', 'off'], dir).stdout);
  });
});

describe('the code cache of the command line (bundleLoader.ts)', () => {
  const codeCache = (stderr: string) => /; code cache: ([a-z, ]+)\)/.exec(stderr)?.[1];

  it('the build makes one for the command line and its workers, and check compiles from both', () => {
    const dir = folder(true);
    const run = keraslint(['check', '.', '-v', '--concurrency', '2', '--format', 'json'], dir);
    expect(run.code).toBe(1);
    expect(codeCache(run.stderr)).toBe('used, used');
    expect(keraslint(['check', '.', '-v'], dir).stderr).toContain('(files per thread: 6; code cache: used)');
  });

  it('a refused or missing cache changes nothing but the speed', () => {
    const dir = folder(true);
    const dist = folder();
    cpSync(join(REPO, 'dist', 'server'), dist, { recursive: true });
    writeFileSync(join(dist, 'cli.js.cache'), 'not a code cache');
    rmSync(join(dist, 'checkWorker.js.cache'));
    const args = ['check', '.', '-v', '--concurrency', '2', '--format', 'json'];
    const expected = keraslint(args, dir);
    const run = keraslint(args, dir, join(dist, 'main.js'));
    expect(codeCache(run.stderr)).toBe('refused, none');
    expect(run.stdout).toBe(expected.stdout);
    expect(run.code).toBe(expected.code);
    expect(JSON.parse(run.stdout)).toHaveLength(EXPECTED_EXAMPLES.length);
  });

  it('every bundle is ASCII: one other character, even in a comment esbuild keeps, makes the whole source a two-byte string (cli.js then loaded ~6 ms slower)', () => {
    const bundles = ['main.js', 'cli.js', 'checkWorker.js', 'partWorker.js', 'lsp.js', join('..', 'client', 'extension.js')];
    const nonAscii = bundles.flatMap((name) =>
      readFileSync(join(REPO, 'dist', 'server', name), 'utf8')
        .split('\n')
        .flatMap((line, i) => (/[^\x00-\x7f]/.test(line) ? [`${name}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(nonAscii).toEqual([]);
  });

  // Any V8 flag makes V8 refuse Node's own cache of its built-in modules: a thread started while one
  // is set (the helper of a big script) compiles them from source. So `check` loads its bundle under
  // the default flags and sets its own after (cli/processOptions.ts); the workers load theirs after.
  it.runIf(/^11\./.test(process.versions.v8))("the command line's cache is made under V8's default flags, the checking workers' under check's", () => {
    const takes = (bundle: string, v8Flags: string[]) => {
      const probe = `const { readFileSync } = require('node:fs'); const { Script } = require('node:vm');
        const source = '(function (exports, require, module, __filename, __dirname) { ' + readFileSync(process.argv[1], 'utf8') + '\\n});';
        const script = new Script(source, { cachedData: readFileSync(process.argv[1] + '.cache').subarray(28) });
        process.stdout.write(script.cachedDataRejected ? 'refused' : 'taken');`;
      return spawnSync(process.execPath, [...v8Flags, '-e', probe, join(REPO, 'dist', 'server', bundle)], { encoding: 'utf8' }).stdout;
    };
    const checkFlags = CHECK_V8_FLAGS.split(' ');
    expect([takes('cli.js', []), takes('cli.js', checkFlags)]).toEqual(['taken', 'refused']);
    expect([takes('checkWorker.js', []), takes('checkWorker.js', checkFlags)]).toEqual(['refused', 'taken']);
  });

  it("a cache left next to a changed bundle of the same length, or damaged, is refused: the bundle's own code runs", () => {
    const dir = folder();
    writeFileSync(join(dir, 'ok.py'), 'x = 1\n');
    const dist = folder();
    cpSync(join(REPO, 'dist', 'server'), dist, { recursive: true });
    // V8 itself compares only the length: a same-length edit would run the cached (old) code.
    const bundle = readFileSync(join(dist, 'cli.js'), 'utf8');
    expect(bundle).toContain('All checks passed!');
    writeFileSync(join(dist, 'cli.js'), bundle.replace('All checks passed!', 'ALL CHECKS PASSED!'));
    const edited = keraslint(['check', '.', '-v'], dir, join(dist, 'main.js'));
    expect(edited.stdout).toBe('ALL CHECKS PASSED!\n');
    expect(codeCache(edited.stderr)).toBe('refused');
    // Damaged bytes past the header (V8 checks no checksum: such a cache could abort the process).
    writeFileSync(join(dist, 'cli.js'), bundle);
    const cache = readFileSync(join(dist, 'cli.js.cache'));
    for (let i = 64; i < cache.length; i += 97) cache[i] ^= 0x5a;
    writeFileSync(join(dist, 'cli.js.cache'), cache);
    const damaged = keraslint(['check', '.', '-v'], dir, join(dist, 'main.js'));
    expect([damaged.code, damaged.stdout, codeCache(damaged.stderr)]).toEqual([0, 'All checks passed!\n', 'refused']);
  });

  it('only the build writes caches, and the worker argument is no command', () => {
    const dist = folder();
    cpSync(join(REPO, 'dist', 'server'), dist, { recursive: true });
    const before = readFileSync(join(dist, 'cli.js.cache'));
    const run = spawnSync(process.execPath, [join(dist, 'main.js'), 'rule', 'KL001'], { encoding: 'utf8', env: { ...process.env, KERAS_LINT_WRITE_CODE_CACHE: '1' } });
    expect(run.status).toBe(0);
    expect(readFileSync(join(dist, 'cli.js.cache')).equals(before)).toBe(true);
    const worker = keraslint(['--keras-lint-check-worker'], folder(), join(dist, 'main.js'));
    expect(worker.code).toBe(2);
    expect(worker.stderr).toContain("unknown command '--keras-lint-check-worker'");
  });

  it('with --enable-source-maps the bundle is loaded by Node itself (stack traces map to the sources), without the cache', () => {
    const dir = folder(true);
    const run = spawnSync(process.execPath, ['--enable-source-maps', join(REPO, 'bin', 'keras-lint.js'), 'check', '.', '-v', '--concurrency', '2'], { cwd: dir, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(codeCache(run.stderr)).toBe('none, none');
    expect(locations(run.stdout)).toEqual(EXPECTED_EXAMPLES.map((l) => l.replace('examples/', '')));
  });
});

describe('rule', () => {
  it('prints the rule documentation page', () => {
    const run = keraslint(['rule', 'kl002']);
    expect(run.stdout).toBe(readFileSync(join(REPO, 'docs', 'rules', 'KL002.md'), 'utf8'));
    expect(run.code).toBe(0);
  });

  it('--all prints every page', () => {
    const headings = keraslint(['rule', '--all']).stdout.split('\n').filter((l) => /^# KL\d{3}/.test(l));
    expect(headings).toHaveLength(15);
  });

  it('--version prints the package version', () => {
    expect(keraslint(['--version']).stdout).toBe(`keras-lint ${JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version}\n`);
  });
});
