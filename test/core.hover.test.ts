// Hover texts (server/src/core/hover.ts): every loss, the activations and metrics, the training
// contract, and what name the cursor is on.
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeText, initParser } from '../server/src/core/analyze';
import {
  activationHover,
  contractHover,
  HOVERED_ACTIVATIONS,
  HOVERED_LOSSES,
  hoverTargetAt,
  lossHover,
  metricHover,
} from '../server/src/core/hover';
import { lossIdOf } from '../server/src/core/model/kerasNames';
import { parsePython } from '../server/src/core/parser';
import { readTree } from '../server/src/core/syntax';
import type { Span, TrainingContract } from '../server/src/core/types';

beforeAll(async () => {
  await initParser();
});

const OLD = '  - Keras 1 / Keras ≤ 2.3 / tf.keras ≤ 2.1: ';
const NEW = '  - tf.keras ≥ 2.2 / Keras 3: ';

/** The lines of a hover that start with `prefix`, without it. */
function field(text: string, prefix: string): string {
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  if (line === undefined) throw new Error(`no line starting with ${prefix} in:\n${text}`);
  return line.slice(prefix.length);
}

describe('loss hovers', () => {
  it('cover every canonical loss id the analyzer knows, in every spelling', () => {
    const spellings = [
      'binary_crossentropy', 'bce', 'BinaryCrossentropy', 'categorical_crossentropy', 'CategoricalCrossentropy',
      'sparse_categorical_crossentropy', 'SparseCategoricalCrossentropy', 'binary_focal_crossentropy', 'BinaryFocalCrossentropy',
      'categorical_focal_crossentropy', 'CategoricalFocalCrossentropy', 'mse', 'mean_squared_error', 'MeanSquaredError', 'mae',
      'mean_absolute_error', 'MeanAbsoluteError', 'mape', 'MeanAbsolutePercentageError', 'msle', 'MeanSquaredLogarithmicError',
      'huber', 'huber_loss', 'Huber', 'log_cosh', 'logcosh', 'LogCosh', 'kld', 'kl_divergence', 'kullback_leibler_divergence',
      'KLDivergence', 'hinge', 'Hinge', 'squared_hinge', 'SquaredHinge', 'categorical_hinge', 'CategoricalHinge', 'poisson', 'Poisson',
      'cosine_similarity', 'CosineSimilarity',
    ];
    for (const name of spellings) {
      const id = lossIdOf(name);
      expect(id, name).not.toBeNull();
      expect(HOVERED_LOSSES, name).toContain(id);
    }
    expect(HOVERED_LOSSES).toHaveLength(17);
  });

  it.each(HOVERED_LOSSES)('%s: formula, head, labels, from_logits, accuracy in both eras, docs link', (id) => {
    const text = lossHover(id)!;
    const lines = text.split('\n');
    expect(lines[0]).toBe(`**${id}** — Keras loss`);
    expect(field(text, 'Computes: ').length).toBeGreaterThan(10);
    expect(field(text, '- **Head:** ').length).toBeGreaterThan(5);
    expect(field(text, '- **Labels:** ').length).toBeGreaterThan(5);
    expect(field(text, '- **from_logits:** ').length).toBeGreaterThan(5);
    expect(text).toContain("- **'accuracy' next to it:**");
    expect(field(text, OLD).length).toBeGreaterThan(5);
    expect(field(text, NEW).length).toBeGreaterThan(5);
    expect(lines[lines.length - 1]).toMatch(/^\[Keras documentation\]\(https:\/\/keras\.io\/api\/losses\/(probabilistic|regression|hinge)_losses\/#[a-z]+-class\)$/);
  });

  it('binary_crossentropy: multi-label sigmoid heads, the old binary_accuracy trap and the new argmax trap', () => {
    const text = lossHover('binary_crossentropy')!;
    expect(field(text, 'Computes: ')).toBe('−(y·log p + (1 − y)·log(1 − p)) per output, averaged over the last axis; p is clipped to [1e-7, 1 − 1e-7], not rescaled. N outputs are N independent yes/no questions.');
    expect(field(text, '- **Head:** ')).toContain('N units with sigmoid (multi-label)');
    expect(field(text, '- **Head:** ')).toContain('(KL002)');
    expect(field(text, '- **from_logits:** ')).toMatch(/^True makes the loss apply sigmoid itself/);
    expect(field(text, OLD)).toBe('binary_accuracy, whatever the head width — on a 10-way softmax it reads over 0.8 from the start (KL001).');
    expect(field(text, NEW)).toContain("categorical_accuracy, an argmax match that means nothing for multi-label (KL001): name 'binary_accuracy' explicitly.");
  });

  it('categorical_crossentropy: one-hot labels, identically 0 on one unit, softmax from_logits', () => {
    const text = lossHover('categorical_crossentropy')!;
    expect(field(text, 'Computes: ')).toContain('identically 0 and nothing trains (KL005)');
    expect(field(text, '- **Labels:** ')).toMatch(/^one-hot rows of width C, e\.g\. to_categorical\(y, C\)\. Integer class ids fail at fit/);
    expect(field(text, '- **from_logits:** ')).toMatch(/^True makes the loss apply softmax itself/);
    expect(field(text, OLD)).toBe('categorical_accuracy (binary_accuracy on a 1-unit head).');
  });

  it('sparse_categorical_crossentropy: integer ids, sparse accuracy everywhere', () => {
    const text = lossHover('sparse_categorical_crossentropy')!;
    expect(field(text, '- **Labels:** ')).toContain('integer class ids 0 … C − 1, shape (N,) or (N, 1). One-hot labels fail at fit (KL007).');
    expect(field(text, OLD)).toBe('sparse_categorical_accuracy.');
    expect(field(text, NEW)).toBe('sparse_categorical_accuracy with integer labels (binary_accuracy on a 1-unit head).');
  });

  it('focal losses say which versions accept them and that old Keras had none', () => {
    for (const id of ['binary_focal_crossentropy', 'categorical_focal_crossentropy']) {
      const text = lossHover(id)!;
      expect(field(text, OLD)).toBe('this loss does not exist there.');
      expect(text).toMatch(/As a string: tf\.keras ≥ 2\.(8|13) and Keras ≥ 3\.2\./);
    }
  });

  it.each(['mse', 'mae', 'mape', 'msle', 'huber', 'log_cosh', 'poisson', 'cosine_similarity'])('%s: regression, no from_logits, accuracy meaningless', (id) => {
    const text = lossHover(id)!;
    expect(field(text, '- **from_logits:** ')).toBe('not a parameter of this loss: it compares the raw outputs.');
    expect(field(text, OLD)).toContain("meaningless for a regression target — use 'mae'.");
    expect(field(text, NEW)).toContain("meaningless for a regression target — use 'mae'.");
  });

  it('names the canonical id when the loss is written another way', () => {
    expect(lossHover('mse', 'mean_squared_error')!.split('\n')[0]).toBe('**mean_squared_error** — Keras loss `mse`');
    expect(lossHover('no_such_loss')).toBeNull();
  });
});

describe('activation and metric hovers', () => {
  it('softmax and sigmoid say which head, which loss and what accuracy becomes', () => {
    const softmax = activationHover('softmax')!;
    expect(softmax.split('\n')[0]).toBe('**softmax** — Keras activation');
    expect(softmax).toContain('on 1 unit it always outputs 1.0: KL004');
    expect(field(softmax, OLD)).toContain('but binary_accuracy with binary_crossentropy (KL001)');
    expect(softmax).toContain('[Keras documentation](https://keras.io/api/layers/activations/#softmax-function)');
    const sigmoid = activationHover('sigmoid')!;
    expect(field(sigmoid, NEW)).toContain("on N > 1 units categorical_accuracy, an argmax match that is wrong for multi-label (KL001)");
  });

  it('every activation has a text; unbounded ones warn about crossentropy', () => {
    for (const name of HOVERED_ACTIVATIONS) expect(activationHover(name), name).toMatch(/^\*\*/);
    expect(activationHover('relu')).toContain('(KL015)');
    expect(activationHover('swish')!.split('\n')[0]).toBe('**swish** — Keras activation `silu`');
    expect(activationHover('linear')).toContain('from_logits=True');
    expect(activationHover('no_such_activation')).toBeNull();
  });

  it("'accuracy' explains both resolution rules and what it is here", () => {
    const text = metricHover('accuracy', 'string', 'binary_accuracy')!;
    expect(text.split('\n')[0]).toBe("**'accuracy'** — Keras metric: the accuracy Keras picks for you");
    expect(text).toContain('from the **loss** — binary_accuracy when the output has 1 unit **or the loss is binary_crossentropy**');
    expect(text).toContain('from the **shapes** — binary_accuracy when the output has 1 unit');
    expect(text).toContain('**Here:** → binary_accuracy');
    expect(metricHover('acc')).toContain("'acc' is the same metric");
    expect(metricHover('Accuracy', 'string')).toContain('before tf.keras 2.6 this names the exact-match `Accuracy` metric');
  });

  it('explicit metrics and the exact-match Accuracy class', () => {
    expect(metricHover('binary_accuracy')!.split('\n')[0]).toBe('**binary_accuracy** — Keras metric');
    expect(metricHover('CategoricalAccuracy', 'object')!.split('\n')[0]).toBe('**CategoricalAccuracy** — Keras metric `categorical_accuracy`');
    expect(metricHover('Accuracy', 'object')).toContain('On probabilities it is about 0 (KL011)');
    expect(metricHover('auc')).toBeNull();
  });
});

describe('the training contract hover', () => {
  const flavour = { flavour: 'keras2' as const, source: 'workspace' as const, evidence: ['requirements.txt pins keras==2.2.4'], legacyGraphMode: false };
  const where = (span: Span) => `line ${span.start}`;

  it('lists heads, labels, loss, accuracy and flavour with its evidence', () => {
    const contract: TrainingContract = {
      span: { start: 0, end: 7 },
      heads: [{ name: 'out', units: 10, activation: 'softmax', span: { start: 14, end: 20 } }],
      loss: 'binary_crossentropy',
      fromLogits: false,
      labels: { format: 'onehot', classes: 10, origin: 'to_categorical(y_train, 10)', span: { start: 7, end: 9 } },
      accuracy: 'binary_accuracy',
      flavour,
    };
    expect(contractHover(contract, where).split('\n')).toEqual([
      '**Training contract** — keras-lint',
      '',
      "- **Head:** 'out': 10 units, softmax (line 14)",
      '- **Labels:** one-hot, 10 classes — from to_categorical(y_train, 10), line 7',
      '- **Loss:** binary_crossentropy, from_logits=False',
      "- **'accuracy' is computed as:** binary_accuracy",
      '- **Keras flavour:** Keras 2 (standalone Keras 2.0–2.3, tf.keras ≤ 2.1) — from the workspace: requirements.txt pins keras==2.2.4',
    ]);
  });

  it('says so when the compiled model is unknown, and notes graph mode', () => {
    const none: TrainingContract = { span: { start: 0, end: 7 }, heads: [], loss: null, fromLogits: null, labels: null, accuracy: null, flavour };
    expect(contractHover(none, where)).toContain('could not tell which model is compiled here');
    const graph = { ...none, heads: [{ name: null, units: null, activation: null, span: null }], flavour: { ...flavour, legacyGraphMode: true } };
    const text = contractHover(graph, where);
    expect(text).toContain('- **Head:** unknown width, unknown activation');
    expect(text).toContain('Eager execution is disabled in this file');
  });

  it('matches what analyzeText infers for a real file', () => {
    const code = `from tensorflow import keras
from keras.utils import to_categorical
(x, y), _ = keras.datasets.mnist.load_data()
y = to_categorical(y, 10)
model = keras.Sequential([keras.layers.Dense(10, activation="softmax")])
model.compile(loss="categorical_crossentropy", metrics=["acc"])
model.fit(x, y)
`;
    const result = analyzeText(code, { flavour: 'keras3' });
    const text = contractHover(result.contracts[0], (span) => `offset ${span.start}`);
    expect(text).toContain('- **Head:** 10 units, softmax');
    expect(text).toContain('- **Labels:** one-hot, 10 classes');
    expect(text).toContain("- **'accuracy' is computed as:** categorical_accuracy");
    expect(text).toContain('- **Keras flavour:** Keras 3 (also tf.keras from TF 2.16) — from the setting: keras-lint flavour setting');
  });
});

describe('what the cursor is on', () => {
  function targetAt(code: string, needle: string, delta = 1): ReturnType<typeof hoverTargetAt> {
    const tree = parsePython(code);
    try {
      const offset = code.indexOf(needle);
      if (offset < 0) throw new Error(`${needle} not in code`);
      return hoverTargetAt(readTree(tree, code), offset + delta);
    } finally {
      tree.delete();
    }
  }
  const described = (t: ReturnType<typeof hoverTargetAt>) => (t ? `${t.kind}:${'id' in t ? t.id : 'name' in t ? t.name : ''}` : null);

  it('finds losses as strings, classes and function references', () => {
    expect(described(targetAt("m.compile(loss='binary_crossentropy')", "'binary"))).toBe('loss:binary_crossentropy');
    expect(described(targetAt('m.compile(loss=keras.losses.CategoricalCrossentropy(from_logits=True))', 'Categorical'))).toBe('loss:categorical_crossentropy');
    expect(described(targetAt('m.compile(loss=tf.keras.losses.sparse_categorical_crossentropy)', 'sparse'))).toBe('loss:sparse_categorical_crossentropy');
    expect(described(targetAt("m.compile(loss={'out': 'mse'})", "'mse'"))).toBe('loss:mse');
    expect(described(targetAt("m.compile('adam', 'mae')", "'mae'"))).toBe('loss:mae');
    expect(described(targetAt('m.compile(loss=losses.mse)', 'mse'))).toBe('loss:mse');
  });

  it('finds activations and metrics', () => {
    expect(described(targetAt("Dense(10, activation='softmax')", "'softmax'"))).toBe('activation:softmax');
    expect(described(targetAt("Dense(10, 'sigmoid')", "'sigmoid'"))).toBe('activation:sigmoid');
    expect(described(targetAt("Activation('relu')", "'relu'"))).toBe('activation:relu');
    expect(described(targetAt('Dense(10, activation=tf.nn.softmax)', 'softmax'))).toBe('activation:softmax');
    expect(described(targetAt('layers.Softmax()', 'Softmax'))).toBe('activation:softmax');
    expect(described(targetAt("m.compile(metrics=['acc'])", "'acc'"))).toBe('metric:accuracy');
    expect(described(targetAt("m.compile(metrics=['mae'])", "'mae'"))).toBe('metric:mae');
    expect(described(targetAt('m.compile(metrics=[keras.metrics.CategoricalAccuracy()])', 'Categorical'))).toBe('metric:categorical_accuracy');
    expect(described(targetAt("plt.plot(history.history['accuracy'])", "'accuracy'"))).toBe('metric:accuracy');
  });

  it('finds compile only as a called method', () => {
    const code = "model.compile(loss='mse')";
    expect(targetAt(code, 'compile', 2)).toEqual({ kind: 'compile', span: { start: 6, end: 13 } });
    expect(targetAt('compile = 1', 'compile', 2)).toBeNull();
  });

  it('stays silent on look-alikes outside Keras arguments', () => {
    expect(targetAt("np.interp(x, xp, fp, kind='linear')", "'linear'")).toBeNull();
    expect(targetAt("m.compile(loss={'out': 'mse'})", "'out'")).toBeNull();
    expect(targetAt("print(f'binary_crossentropy')", 'binary')).toBeNull();
    expect(targetAt("m.compile(optimizer='adam')", "'adam'")).toBeNull();
    expect(targetAt('x = mse + 1', 'mse')).toBeNull();
    expect(targetAt("m.compile(loss='binary_crossentropy')", 'm.', 0)).toBeNull();
  });
});
