// Notebooks: code cells analysed together in order, findings mapped back to their own cell.
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeNotebook, initParser } from '../server/src/core/analyze';
import { locateInCell, maskIPythonSyntax, parseIpynb } from '../server/src/core/notebook';

beforeAll(async () => {
  await initParser();
});

const cells = [
  '%matplotlib inline\nimport keras\nfrom keras import layers\n!pip install keras',
  '(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()\ny_train = keras.utils.to_categorical(y_train, 10)',
  'model = keras.Sequential([\n    layers.Dense(128, activation="relu"),\n    layers.Dense(10, activation="softmax"),\n])',
  'model.compile(optimizer="adam",\n              loss="sparse_categorical_crossentropy",\n              metrics=["accuracy"])\nmodel.fit(x_train, y_train, epochs=3)',
];

describe('notebook analysis', () => {
  it('resolves a model built in one cell and compiled in another, and reports in the compiling cell', () => {
    const { notebook, result } = analyzeNotebook(cells, {}, [2, 3, 5, 6]);
    expect(result.findings.map((f) => f.ruleId)).toEqual(['KL007']);
    const f = result.findings[0];
    const start = locateInCell(notebook, f.span.start);
    const end = locateInCell(notebook, f.span.end);
    expect(start.cell).toBe(3);
    expect(cells[3].slice(start.offset, end.offset)).toBe('"sparse_categorical_crossentropy"');
    // Messages point at other cells by their displayed number.
    expect(f.message).toContain('(cell 3, line 2)');
    const related = locateInCell(notebook, f.related[0].span.start);
    expect(related.cell).toBe(1);
  });

  it('an edit in an earlier cell changes the verdict in a later one', () => {
    const fixed = [...cells];
    fixed[1] = '(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()';
    expect(analyzeNotebook(fixed).result.findings).toEqual([]);
  });

  it('blanks IPython magics and shell escapes without moving offsets; %time keeps the statement it runs', () => {
    const source = '%time x = 1\n  !ls -la\n%timeit y = 3\ny = 2';
    const masked = maskIPythonSyntax(source);
    expect(masked.length).toBe(source.length);
    expect(masked).toBe('      x = 1\n         \n             \ny = 2');
  });

  it('blanks the whole of a cell magic that is not Python, and only the magic line of one that is', () => {
    expect(maskIPythonSyntax('%%latex\n\\begin{align} f(x \\end{align}\n')).toBe('       \n                             \n');
    expect(maskIPythonSyntax('%%bash\r\necho "(" \r\n')).toBe('      \r\n         \r\n');
    expect(maskIPythonSyntax('%%writefile train.py\nmodel.compile(loss="mse")\n')).toBe(`${' '.repeat(20)}\n${' '.repeat(25)}\n`);
    // IPython drops leading blank lines before it looks for a cell magic.
    expect(maskIPythonSyntax('\n  \n%%writefile train.py\nmodel = f()\n')).toBe(`\n  \n${' '.repeat(20)}\n${' '.repeat(11)}\n`);
    expect(maskIPythonSyntax('%%time\nmodel.fit(x, y)\n')).toBe('      \nmodel.fit(x, y)\n');
    expect(maskIPythonSyntax('%%capture out\nimport keras\n')).toBe('             \nimport keras\n');
    // %%timeit runs its body in a function: nothing it assigns stays.
    expect(maskIPythonSyntax('%%timeit -n1\ny = to_categorical(y)\n')).toBe(`${' '.repeat(12)}\n${' '.repeat(21)}\n`);
  });

  it('keeps the target of an assignment from a magic or a shell escape (a name nobody binds), and blanks help lines', () => {
    const source = 'files = !ls -l\nlabels[0] = %sx cat y.txt\nmodel.fit?\nkeras.layers.Dense??\nx = 5 % 3\nok = a != b\nonehot = %time to_categorical(y, 10)';
    const masked = maskIPythonSyntax(source);
    expect(masked.length).toBe(source.length);
    expect(masked.split('\n')).toEqual(['files = ______', 'labels[0] = _____________', '          ', '                    ', 'x = 5 % 3', 'ok = a != b', 'onehot =       to_categorical(y, 10)']);
  });

  it('reads IPython syntax only where a logical line starts: not inside brackets, strings or after a backslash', () => {
    const source = [
      'print("shapes: %s %s"',
      '      % (x.shape, y.shape))',
      'keep = (y',
      '        != 9)',
      'doc = """',
      '%not a magic',
      '"""',
      'total = 1 + \\',
      '    !flag',
      "s = 'a \\",
      "!b'",
      '# a comment (',
      '!ls',
    ].join('\n');
    const masked = maskIPythonSyntax(source).split('\n');
    expect(masked.slice(0, 11)).toEqual(source.split('\n').slice(0, 11));
    expect(masked.slice(11)).toEqual(['# a comment (', '   ']);
  });

  it('labels one-hot encoded after a % continuation line or under %time are one-hot; under %%timeit they are not; after %run, unknown', () => {
    const load = 'from tensorflow import keras\nfrom tensorflow.keras.utils import to_categorical\n(x_train, y_train), _ = keras.datasets.mnist.load_data()';
    const train = (loss: string) => `model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])\nmodel.compile(optimizer="adam", loss="${loss}")\nmodel.fit(x_train, y_train)`;
    const continued = 'print("train: %s, labels: %s"\n      % (x_train.shape, y_train.shape))\ny_train = to_categorical(y_train, 10)';
    expect(analyzeNotebook([load, continued, train('categorical_crossentropy')]).result).toMatchObject({ findings: [], hasSyntaxErrors: false });
    expect(analyzeNotebook([load, '%time y_train = to_categorical(y_train, 10)', train('categorical_crossentropy')]).result.findings).toEqual([]);
    const timeit = analyzeNotebook([load, '%%timeit -n1 -r1\ny_train = to_categorical(y_train, 10)', train('sparse_categorical_crossentropy')]).result;
    expect(timeit.findings).toEqual([]);
    // %run loads the script's names into the notebook: the labels may have been replaced.
    expect(maskIPythonSyntax('%run preprocess.py')).toBe('exec(____________)');
    expect(maskIPythonSyntax('%store -r y_train')).toBe('exec(___________)');
    expect(analyzeNotebook([load, '%run preprocess.py', train('categorical_crossentropy')]).result.findings).toEqual([]);
  });

  it('%env choosing the Keras backend or legacy tf.keras is read as that setting', () => {
    expect(maskIPythonSyntax('%env KERAS_BACKEND=jax\n%env  TF_USE_LEGACY_KERAS 1\n%env PATH=/usr/bin')).toBe('_env_KERAS_BACKEND=jax\n__env_TF_USE_LEGACY_KERAS=1\n                  ');
    const model = 'import keras\nmodel = keras.Sequential([keras.layers.Dense(10, activation="softmax")])\nmodel.compile(loss="sparse_categorical_crossentropy", metrics=["Accuracy"])';
    const keras3 = analyzeNotebook(['%env KERAS_BACKEND=jax', model]).result;
    expect(keras3.flavour.flavour).toBe('keras3');
    expect(keras3.findings).toEqual([]);
    expect(analyzeNotebook(['%env TF_USE_LEGACY_KERAS=1', 'import tensorflow as tf']).result.flavour.flavour).toBe('tf-keras2');
    // TF_USE_LEGACY_KERAS matters from TF 2.16 on, whose tf_keras reads 'Accuracy' as 'accuracy'.
    const legacy = analyzeNotebook(['%env TF_USE_LEGACY_KERAS=1', model.replace('import keras', 'from tensorflow import keras')]).result;
    expect(legacy.findings).toEqual([]);
  });

  it('a cell magic of another language hides nothing in the cells after it, and leaves no syntax error', () => {
    const withMagics = ['%%latex\n\\begin{align} f(x \\end{align}', '%%html\n<b>(</b>', 'files = !ls\nmodel_summary = %time 1', ...cells.slice(1)];
    const { result } = analyzeNotebook(withMagics);
    expect(result.findings.map((f) => f.ruleId)).toEqual(['KL007']);
    expect(result.hasSyntaxErrors).toBe(false);
  });

  it('reads nbformat 4 JSON and reports broken notebooks clearly', () => {
    const nb = parseIpynb(JSON.stringify({ cells: [{ cell_type: 'markdown', source: ['# t'] }, { cell_type: 'code', source: ['a = 1\n', 'b = 2'] }], metadata: { kernelspec: { language: 'python' } }, nbformat: 4 }));
    expect(nb.cells).toEqual([{ kind: 'markdown', source: '# t' }, { kind: 'code', source: 'a = 1\nb = 2' }]);
    expect(nb.language).toBe('python');
    expect(() => parseIpynb('{"cells": [')).toThrow(/not a valid notebook: invalid JSON/);
    expect(() => parseIpynb('{"worksheets": []}')).toThrow(/no "cells" list/);
  });
});
