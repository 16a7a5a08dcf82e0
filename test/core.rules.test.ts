// Each rule on a minimal program: the exact text it flags, its message, its fixes applied to the
// source (and the fixed source re-checked), and the correct code next to it that it must not flag.
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeText, initParser } from '../server/src/core/analyze';
import { quotedCount } from '../server/src/core/rules/edits';
import { applyFix, check, flagged, only } from './helpers/analysis';
import { seeded } from './helpers/fuzz';

beforeAll(async () => {
  await initParser();
});

const MNIST_ONEHOT = `from keras.models import Sequential
from keras.layers import Dense
from keras.utils import to_categorical
from keras.datasets import mnist

(x_train, y_train), (x_test, y_test) = mnist.load_data()
y_train = to_categorical(y_train, 10)
model = Sequential([Dense(64, activation='relu'), Dense(10, activation='softmax')])
model.compile(loss='binary_crossentropy', optimizer='adam', metrics=['accuracy'])
model.fit(x_train, y_train)
`;

describe('KL001 accuracy-resolves-wrong', () => {
  it('flags BCE + accuracy on a 10-way softmax in keras2, with the explicit metric as fix', () => {
    const f = only(MNIST_ONEHOT, 'KL001', { flavour: 'keras2' });
    expect(MNIST_ONEHOT.slice(f.span.start, f.span.end)).toBe("'accuracy'");
    expect(f.severity).toBe('warning');
    expect(f.message).toContain('binary_accuracy');
    expect(f.message).toContain('10-way softmax head');
    expect(f.url).toMatch(/\/docs\/rules\/KL001\.md$/);
    expect(f.related.map((r) => r.message)).toEqual([
      "the model's output layer: Dense(10, activation='softmax')",
      'the loss: binary_crossentropy',
      'the labels: one-hot labels of 10 classes from to_categorical(y_train, 10)',
    ]);
    const fixed = applyFix(MNIST_ONEHOT, f.fixes[0]);
    expect(fixed).toContain("metrics=['categorical_accuracy']");
    expect(check(fixed, { flavour: 'keras2' }).map((x) => x.ruleId)).not.toContain('KL001');
  });

  it('is silent for the same code in keras3, where accuracy is resolved from shapes', () => {
    expect(flagged(MNIST_ONEHOT, { flavour: 'keras3' })).toEqual(["KL002 'binary_crossentropy'"]);
  });

  it('flags a multi-label sigmoid head with accuracy in keras3 but not in keras2', () => {
    const code = `import keras
model = keras.Sequential([keras.layers.Dense(5, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
`;
    const f = only(code, 'KL001', { flavour: 'keras3' });
    expect(f.message).toContain('categorical_accuracy');
    expect(applyFix(code, f.fixes[0])).toContain('metrics=["binary_accuracy"]');
    expect(flagged(code, { flavour: 'keras2' })).toEqual([]);
  });

  it('fires in an unknown flavour and names both readings', () => {
    const f = only(MNIST_ONEHOT, 'KL001', { flavour: 'unknown' });
    expect(f.message).toContain('tf.keras ≥ 2.2 / Keras 3 compute categorical_accuracy here');
  });

  it('is silent for Dense(1, sigmoid) + BCE + accuracy and for explicit metric names', () => {
    const code = `model = Sequential([Dense(1, activation='sigmoid')])
model.compile(loss='binary_crossentropy', metrics=['accuracy'])
m2 = Sequential([Dense(10, activation='softmax')])
m2.compile(loss='categorical_crossentropy', metrics=['accuracy', 'categorical_accuracy'])
`;
    for (const flavour of ['keras2', 'keras3', 'unknown'] as const) expect(flagged(code, { flavour })).toEqual([]);
  });
});

describe('KL002 bce-on-softmax', () => {
  it('replaces the string loss according to the labels (one-hot → categorical)', () => {
    const f = only(MNIST_ONEHOT, 'KL002', { flavour: 'keras3' });
    expect(MNIST_ONEHOT.slice(f.span.start, f.span.end)).toBe("'binary_crossentropy'");
    expect(f.message).toBe("binary_crossentropy here, but the model's head at line 8 is a 10-way softmax head: each of the 10 outputs is scored as an independent yes/no, not one choice among 10 classes. Use categorical_crossentropy.");
    expect(applyFix(MNIST_ONEHOT, f.fixes[0])).toContain("loss='categorical_crossentropy'");
  });

  it('keeps the object form and picks sparse for integer labels', () => {
    const code = `import tensorflow as tf
(x, y), _ = tf.keras.datasets.mnist.load_data()
model = tf.keras.Sequential([tf.keras.layers.Dense(10, activation=tf.nn.softmax)])
model.compile(loss=tf.keras.losses.BinaryCrossentropy(), optimizer='adam')
model.fit(x, y)
`;
    const f = only(code, 'KL002');
    expect(code.slice(f.span.start, f.span.end)).toBe('tf.keras.losses.BinaryCrossentropy()');
    expect(applyFix(code, f.fixes[0])).toContain('loss=tf.keras.losses.SparseCategoricalCrossentropy()');
  });

  it('imports the new loss function from where the old one came from (keras.objectives in Keras 1)', () => {
    const code = `from keras.models import Sequential
from keras.layers import Dense
from keras.objectives import binary_crossentropy
model = Sequential([Dense(512, input_dim=784, init='uniform'), Dense(10, activation='softmax')])
model.compile(loss=binary_crossentropy, optimizer='rmsprop')
`;
    const fixed = applyFix(code, only(code, 'KL002').fixes[0]);
    expect(fixed).toContain('from keras.objectives import binary_crossentropy\nfrom keras.objectives import categorical_crossentropy\n');
    expect(fixed).toContain('model.compile(loss=categorical_crossentropy,');
  });

  it('is silent for 2-unit softmax + BCE and for sigmoid heads', () => {
    const code = `model = Sequential([Dense(2, activation='softmax')])
model.compile(loss='binary_crossentropy')
m2 = Sequential([Dense(6, activation='sigmoid')])
m2.compile(loss='binary_crossentropy', metrics=['binary_accuracy'])
`;
    expect(flagged(code)).toEqual([]);
  });
});

describe('KL003 categorical-loss-on-sigmoid', () => {
  it('offers softmax first, BCE second, both unsafe (the intent is unknown)', () => {
    const code = `from tensorflow.keras import layers, models
model = models.Sequential([layers.Dense(64, activation='relu'), layers.Dense(4, activation='sigmoid')])
model.compile(loss='categorical_crossentropy', optimizer='adam')
`;
    const f = only(code, 'KL003');
    expect(code.slice(f.span.start, f.span.end)).toBe("'categorical_crossentropy'");
    expect(f.fixes.map((x) => [x.title, x.preferred, x.applicability])).toEqual([
      ['Make the head softmax (single-label)', true, 'unsafe'],
      ['Use binary_crossentropy', false, 'unsafe'],
    ]);
    expect(applyFix(code, f.fixes[0])).toContain("layers.Dense(4, activation='softmax')");
    expect(applyFix(code, f.fixes[1])).toContain("loss='binary_crossentropy'");
  });

  it('fires with an unknown width (a categorical loss on sigmoid is wrong at any width)', () => {
    const code = `def build(n):
    model = Sequential([Dense(n, activation='sigmoid')])
    model.compile(loss='categorical_crossentropy')
`;
    expect(flagged(code)).toEqual(["KL003 'categorical_crossentropy'"]);
  });

  it('on a 1-unit sigmoid with the sparse loss, offers BCE', () => {
    const code = `model = Sequential([Dense(1, activation='sigmoid')])
model.compile(loss='sparse_categorical_crossentropy')
`;
    const f = only(code, 'KL003');
    expect(applyFix(code, f.fixes[0])).toContain("loss='binary_crossentropy'");
  });
});

describe('KL004 softmax-on-one-unit', () => {
  it('flags Dense(1, softmax) and fixes it to sigmoid', () => {
    const code = `model = Sequential([Dense(1, activation="softmax")])\nmodel.compile(loss="binary_crossentropy")\n`;
    const f = only(code, 'KL004');
    expect(code.slice(f.span.start, f.span.end)).toBe('"softmax"');
    expect(f.severity).toBe('error');
    expect(applyFix(code, f.fixes[0])).toContain('Dense(1, activation="sigmoid")');
  });

  it('flags a Softmax layer right after Dense(1), replacing it with a sigmoid Activation', () => {
    const code = `from tensorflow.keras import layers
model = Sequential([layers.Dense(1), layers.Softmax()])
`;
    const f = only(code, 'KL004');
    expect(code.slice(f.span.start, f.span.end)).toBe('layers.Softmax()');
    expect(applyFix(code, f.fixes[0])).toContain("layers.Dense(1), layers.Activation('sigmoid')");
  });

  it('is silent for softmax over positions (Dense(1) → Flatten → Softmax)', () => {
    const code = `from tensorflow.keras import layers
x = layers.Dense(1)(h)
x = layers.Flatten()(x)
weights = layers.Softmax()(x)
model = Model(inp, weights)
model.compile(loss='categorical_crossentropy')
`;
    expect(flagged(code)).toEqual([]);
  });
});

describe('fixes that would break other code of the file', () => {
  it("a metric rename is unsafe when the file reads the metric's history key (a KeyError, a checkpoint that never saves)", () => {
    const code = (extra: string) => `from keras.models import Sequential
from keras.layers import Dense
model = Sequential([Dense(10, activation='softmax')])
model.compile(loss='binary_crossentropy', optimizer='adam', metrics=['acc'])
${extra}`;
    const kl001 = (extra: string) => only(code(extra), 'KL001', { flavour: 'keras2' }).fixes[0].applicability;
    expect(["history = model.fit(x, y)\nplt.plot(history.history['acc'])\n", "stop = EarlyStopping(monitor='val_acc')\n"].map(kl001)).toEqual(['unsafe', 'unsafe']);
    expect(['', "other.compile(loss='mse', metrics=['acc'])\n"].map(kl001)).toEqual(['safe', 'safe']);
    // Keras 2.2 logs metrics=['accuracy'] as 'acc'.
    const accuracy = only(code("checkpoint = ModelCheckpoint('best.h5', monitor='val_acc')\n").replace("metrics=['acc']", "metrics=['accuracy']"), 'KL001', { flavour: 'keras2' });
    expect(accuracy.fixes[0].applicability).toBe('unsafe');
  });

  it('the sigmoid fix of Dense(1, softmax) is unsafe on a head trained on values (a regression loss, or labels known to be values)', () => {
    const code = `from tensorflow import keras
(x_train, y_train), _ = keras.datasets.boston_housing.load_data()
model = keras.Sequential([keras.layers.Dense(64, activation="relu"), keras.layers.Dense(1, activation="softmax")])
model.compile(loss="mse", optimizer="adam", metrics=["mae"])
model.fit(x_train, y_train)
`;
    expect(only(code, 'KL004').fixes.map((f) => f.applicability)).toEqual(['unsafe']);
  });
});

describe('KL005 categorical-loss-on-one-unit', () => {
  it('leaves the binary fix out of --fix when the labels are known values (boston_housing): not a classifier at all', () => {
    const code = `from keras.datasets import boston_housing\nfrom keras.models import Sequential\nfrom keras.layers import Dense\n(x, y), _ = boston_housing.load_data()\nmodel = Sequential([Dense(64, activation='relu'), Dense(1)])\nmodel.compile(loss='categorical_crossentropy', optimizer='adam')\nmodel.fit(x, y)\n`;
    expect(only(code, 'KL005').fixes.map((f) => [f.title, f.applicability])).toEqual([['Use binary_crossentropy with a sigmoid head', 'unsafe']]);
  });

  it('changes the loss and the softmax head together', () => {
    const code = `model = Sequential([Dense(1, activation='softmax')])\nmodel.compile(loss='categorical_crossentropy')\n`;
    const f = only(code, 'KL005');
    expect(code.slice(f.span.start, f.span.end)).toBe("'categorical_crossentropy'");
    const fixed = applyFix(code, f.fixes[0]);
    expect(fixed).toBe(`model = Sequential([Dense(1, activation='sigmoid')])\nmodel.compile(loss='binary_crossentropy')\n`);
    expect(check(fixed)).toEqual([]);
  });

  it('adds a sigmoid to a linear 1-unit head', () => {
    const code = `model = Sequential()\nmodel.add(Dense(1))\nmodel.compile(loss='categorical_crossentropy')\n`;
    const fixed = applyFix(code, only(code, 'KL005').fixes[0]);
    expect(fixed).toContain("model.add(Dense(1, activation='sigmoid'))");
    expect(check(fixed)).toEqual([]);
  });

  it('turns any other 1-unit activation into sigmoid with the loss', () => {
    const code = `model = Sequential([Dense(1, activation='relu')])\nmodel.compile(loss='categorical_crossentropy')\n`;
    const fixed = applyFix(code, only(code, 'KL005').fixes[0]);
    expect(fixed).toBe(`model = Sequential([Dense(1, activation='sigmoid')])\nmodel.compile(loss='binary_crossentropy')\n`);
    expect(check(fixed)).toEqual([]);
  });
});

describe('KL006 integer-labels-categorical-loss', () => {
  const code = `from tensorflow import keras
(x_train, y_train), _ = keras.datasets.cifar10.load_data()
model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(10, activation='softmax')])
model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
model.fit(x_train, y_train, epochs=5)
`;
  it('flags the loss, points at the labels, offers sparse first and to_categorical second', () => {
    const f = only(code, 'KL006');
    expect(code.slice(f.span.start, f.span.end)).toBe("'categorical_crossentropy'");
    expect(f.severity).toBe('error');
    expect(f.message).toContain('integer class ids of 10 classes from cifar10.load_data()');
    expect(code.slice(f.related[0].span.start, f.related[0].span.end)).toBe('keras.datasets.cifar10.load_data()');
    expect(applyFix(code, f.fixes[0])).toContain("loss='sparse_categorical_crossentropy'");
    const wrapped = applyFix(code, f.fixes[1]);
    expect(wrapped).toContain('model.fit(x_train, keras.utils.to_categorical(y_train, 10), epochs=5)');
    expect(check(wrapped).map((x) => x.ruleId)).toEqual([]);
  });

  it('is silent when the labels are made one-hot on the way to fit', () => {
    const ok = code.replace('model.fit(x_train, y_train', 'y_train = keras.utils.to_categorical(y_train)\nmodel.fit(x_train, y_train');
    expect(flagged(ok)).toEqual([]);
  });

  it('adds the to_categorical import in the file style when nothing provides it', () => {
    const src = `from keras.models import Sequential
from keras.layers import Dense
from keras.datasets import mnist
(x, y), _ = mnist.load_data()
model = Sequential([Dense(10, activation='softmax')])
model.compile(loss='categorical_crossentropy')
model.fit(x, y)
`;
    const wrapped = applyFix(src, only(src, 'KL006').fixes[1]);
    expect(wrapped).toContain('from keras.datasets import mnist\nfrom keras.utils import to_categorical\n');
    expect(wrapped).toContain('model.fit(x, to_categorical(y, 10))');

    // A Windows file gets a Windows line.
    const crlf = src.replace(/\n/g, '\r\n');
    expect(applyFix(crlf, only(crlf, 'KL006').fixes[1])).toContain('from keras.datasets import mnist\r\nfrom keras.utils import to_categorical\r\n');
  });
});

describe('KL007 onehot-labels-sparse-loss', () => {
  it('leaves the loss fix out of --fix when a metric is named for the labels it assumed (it would measure nothing after)', () => {
    const sparseMetric = MNIST_ONEHOT.replace("loss='binary_crossentropy'", "loss='sparse_categorical_crossentropy'").replace(/metrics=\[[^\]]*\]/, "metrics=['sparse_categorical_accuracy']");
    expect(only(sparseMetric, 'KL007').fixes.map((f) => f.applicability)).toEqual(['unsafe']);
    const kl006 = `from tensorflow import keras
(x_train, y_train), _ = keras.datasets.cifar10.load_data()
model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(10, activation='softmax')])
model.compile(loss='categorical_crossentropy', metrics=['categorical_accuracy'])
model.fit(x_train, y_train)
`;
    expect(only(kl006, 'KL006').fixes.map((f) => [f.title, f.applicability])).toEqual([['Use sparse_categorical_crossentropy', 'unsafe'], ['Make the labels one-hot with to_categorical(..., 10)', 'unsafe']]);
  });

  it('flags sparse CE with to_categorical labels', () => {
    const code = MNIST_ONEHOT.replace("loss='binary_crossentropy'", "loss='sparse_categorical_crossentropy'");
    const f = only(code, 'KL007');
    expect(applyFix(code, f.fixes[0])).toContain("loss='categorical_crossentropy'");
  });

  it('is silent for one-hot arrays that never reach this model', () => {
    const code = `import numpy as np
(x, y), _ = mnist.load_data()
y_onehot = to_categorical(y, 10)
model = Sequential([Dense(10, activation='softmax')])
model.compile(loss='sparse_categorical_crossentropy')
model.fit(x, y)
`;
    expect(flagged(code)).toEqual([]);
  });
});

describe('KL008 from-logits-on-probabilities', () => {
  it('flags the from_logits keyword and removes it', () => {
    const code = `import keras
model = keras.Sequential([keras.layers.Dense(10, activation="softmax")])
model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
`;
    const f = only(code, 'KL008');
    expect(code.slice(f.span.start, f.span.end)).toBe('from_logits=True');
    expect(applyFix(code, f.fixes[0])).toContain('loss=keras.losses.SparseCategoricalCrossentropy())');
    expect(applyFix(code, f.fixes[1])).toContain('keras.layers.Dense(10)])');
  });

  it('follows a loss object held in a variable', () => {
    const code = `loss_fn = tf.keras.losses.CategoricalCrossentropy(from_logits=True)
model = Sequential([Dense(3), Activation('softmax')])
model.compile(loss=loss_fn)
`;
    expect(flagged(code)).toEqual(['KL008 from_logits=True']);
  });

  it('is silent for a linear head, and for a softmax added only in a separate inference model', () => {
    const code = `model = Sequential([Dense(10)])
model.compile(loss=SparseCategoricalCrossentropy(from_logits=True))
probability_model = Sequential([model, Softmax()])
`;
    expect(flagged(code)).toEqual([]);
  });
});

describe('KL009 logits-without-from-logits', () => {
  it('turns a string loss into the loss object with the module prefix the file imports', () => {
    const code = `from tensorflow import keras
model = keras.Sequential([keras.layers.Dense(10)])
model.compile(loss='sparse_categorical_crossentropy')
`;
    const f = only(code, 'KL009', { flavour: 'keras3' });
    const fixed = applyFix(code, f.fixes[0]);
    expect(fixed).toContain('model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))');
    expect(check(fixed, { flavour: 'keras3' })).toEqual([]);
    expect(applyFix(code, f.fixes[1])).toContain("keras.layers.Dense(10, activation='softmax')");
  });

  it('leaves from_logits=True out of --fix when a metric of the binary output would then cut logits at 0.5', () => {
    const code = (metrics: string) => `from tensorflow import keras
model = keras.Sequential([keras.layers.Dense(64, activation='relu'), keras.layers.Dense(1)])
model.compile(loss=keras.losses.BinaryCrossentropy(), metrics=${metrics})
`;
    const applicability = (metrics: string) => only(code(metrics), 'KL009').fixes[0].applicability;
    expect(['["accuracy"]', '["binary_accuracy"]', '[keras.metrics.AUC()]', '[keras.metrics.Precision()]'].map(applicability)).toEqual(['unsafe', 'unsafe', 'unsafe', 'unsafe']);
    expect(['[]', '[keras.metrics.BinaryAccuracy(threshold=0.0)]', '[keras.metrics.AUC(from_logits=True)]', '["mae"]'].map(applicability)).toEqual(['safe', 'safe', 'safe', 'safe']);
    // Two outputs, one metric per position: in Keras 2 every output gets both, so either may cut logits.
    const twoOutputs = `from tensorflow import keras
inputs = keras.Input(shape=(20,))
churn = keras.layers.Dense(1, name='churn')(inputs)
upsell = keras.layers.Dense(1, name='upsell')(inputs)
model = keras.Model(inputs, [churn, upsell])
model.compile(loss=[keras.losses.BinaryCrossentropy(), keras.losses.BinaryCrossentropy()], metrics=['mae', 'accuracy'])
`;
    expect(check(twoOutputs).filter((f) => f.ruleId === 'KL009').map((f) => f.fixes[0].applicability)).toEqual(['unsafe', 'unsafe']);
  });

  it('leaves the string-to-class fix out of --fix when the flavour may predate loss classes', () => {
    const code = `from tensorflow import keras
model = keras.Sequential([keras.layers.Dense(10)])
model.compile(loss='sparse_categorical_crossentropy')
`;
    expect(only(code, 'KL009').fixes.map((f) => [f.title, f.applicability])).toEqual([
      ['Use from_logits=True', 'unsafe'],
      ["Add a softmax activation to the head", 'unsafe'],
    ]);
    expect(only(code, 'KL009', { flavour: 'tf-keras2' }).fixes[0].applicability).toBe('safe');
    const object = code.replace("'sparse_categorical_crossentropy'", 'keras.losses.SparseCategoricalCrossentropy()');
    expect(only(object, 'KL009').fixes[0].applicability).toBe('safe');
  });

  it('adds from_logits=True to an existing loss object', () => {
    const code = `model = Sequential([Dense(5)])\nmodel.compile(loss=losses.BinaryCrossentropy(label_smoothing=0.1))\n`;
    expect(applyFix(code, only(code, 'KL009').fixes[0])).toContain('losses.BinaryCrossentropy(label_smoothing=0.1, from_logits=True)');
  });

  it('adds from_logits=True after the last argument in a file that starts with blank lines', () => {
    // tree-sitter's module node starts at the first token, so its text is not the file's: offsets must index the file.
    const code = `\n\nmodel = Sequential([Dense(5)])\nmodel.compile(loss=losses.BinaryCrossentropy(label_smoothing=0.1 ), metrics=['mae'])\n`;
    const fixed = applyFix(code, only(code, 'KL009').fixes[0]);
    expect(fixed).toContain('losses.BinaryCrossentropy(label_smoothing=0.1, from_logits=True )');
    expect(check(fixed)).toEqual([]);
  });

  it('in keras1/keras2 (no loss classes) offers the head activation instead', () => {
    const code = `model = Sequential([Dense(5)])\nmodel.compile(loss='categorical_crossentropy')\n`;
    const f = only(code, 'KL009', { flavour: 'keras2' });
    expect(f.fixes.map((x) => x.title)).toEqual(['Add a softmax activation to the head']);
  });

  it('is silent when the head activation is unknown, and for Activation(linear) after a softmax', () => {
    const code = `def make(act):
    model = Sequential([Dense(10, activation=act)])
    model.compile(loss='categorical_crossentropy')
m = Sequential([Dense(10, activation='softmax'), Activation('linear')])
m.compile(loss='categorical_crossentropy')
`;
    expect(flagged(code)).toEqual([]);
  });
});

describe('KL010 regression-loss-on-classifier', () => {
  it('flags mse on a softmax head as info', () => {
    const code = `model = Sequential([Dense(10, activation='softmax')])\nmodel.compile(loss='mse')\n`;
    const f = only(code, 'KL010');
    expect(f.severity).toBe('info');
    expect(applyFix(code, f.fixes[0])).toContain("loss='categorical_crossentropy'");
  });

  it('is silent for an autoencoder with a sigmoid output and mse', () => {
    const code = `ae = Sequential([Dense(32, activation='relu'), Dense(784, activation='sigmoid')])
ae.compile(loss='mse')
ae.fit(x_train, x_train)
`;
    expect(flagged(code)).toEqual([]);
  });
});

describe('KL011 exact-match-accuracy-object', () => {
  it('flags keras.metrics.Accuracy() on a softmax head', () => {
    const code = `import keras
model = keras.Sequential([keras.layers.Dense(10, activation="softmax")])
model.compile(loss="categorical_crossentropy", metrics=[keras.metrics.Accuracy()])
`;
    const f = only(code, 'KL011');
    expect(code.slice(f.span.start, f.span.end)).toBe('keras.metrics.Accuracy()');
    expect(applyFix(code, f.fixes[0])).toContain('metrics=[keras.metrics.CategoricalAccuracy()]');
  });

  it("flags the string 'Accuracy' in keras2 but not in keras3", () => {
    const code = `model = Sequential([Dense(10, activation='softmax')])\nmodel.compile(loss='sparse_categorical_crossentropy', metrics=['Accuracy'])\n`;
    const f = only(code, 'KL011', { flavour: 'keras2' });
    expect(applyFix(code, f.fixes[0])).toContain("metrics=['sparse_categorical_accuracy']");
    expect(flagged(code, { flavour: 'keras3' })).toEqual([]);
  });

  it("leaves 'Accuracy' to KL011 where it is the exact-match class, and names it in keras3", () => {
    const code = MNIST_ONEHOT.replace("metrics=['accuracy']", "metrics=['Accuracy']");
    expect(flagged(code, { flavour: 'keras2' })).toEqual(["KL002 'binary_crossentropy'", "KL011 'Accuracy'"]);
    expect(flagged(code, { flavour: 'keras3' })).toEqual(["KL002 'binary_crossentropy'"]);
  });
});

describe('KL012 class-count-mismatch', () => {
  it('flags the units of a head narrower than the one-hot width', () => {
    const code = MNIST_ONEHOT.replace("Dense(10, activation='softmax')", "Dense(5, activation='softmax')").replace('binary_crossentropy', 'categorical_crossentropy');
    const f = only(code, 'KL012');
    expect(code.slice(f.span.start, f.span.end)).toBe('5');
    expect(applyFix(code, f.fixes[0])).toContain("Dense(10, activation='softmax')");
  });

  it('flags Dense(10) on cifar100', () => {
    const code = `(x, y), _ = cifar100.load_data()
model = Sequential([Dense(10, activation='softmax')])
model.compile(loss='sparse_categorical_crossentropy')
model.fit(x, y)
`;
    expect(only(code, 'KL012').message).toContain('the labels have 100 classes');
  });

  it('is silent when labels are filtered to a subset before fit', () => {
    const code = `(x, y), _ = mnist.load_data()
keep = y < 5
x, y = x[keep], y[keep]
model = Sequential([Dense(5, activation='softmax')])
model.compile(loss='sparse_categorical_crossentropy')
model.fit(x, y)
`;
    expect(flagged(code)).toEqual([]);
  });
});

describe('KL013 accuracy-on-regression', () => {
  it("replaces 'accuracy' with 'mae' on a regression model", () => {
    const code = `(x, y), _ = boston_housing.load_data()
model = Sequential([Dense(64, activation='relu'), Dense(1)])
model.compile(loss='mse', metrics=['accuracy'])
model.fit(x, y)
`;
    const f = only(code, 'KL013');
    expect(applyFix(code, f.fixes[0])).toContain("metrics=['mae']");
  });
});

describe('KL014 double-softmax', () => {
  it('removes a Softmax layer after a softmax Dense in a Sequential list', () => {
    const code = `model = Sequential([Dense(10, activation='softmax'), Softmax()])\n`;
    const f = only(code, 'KL014');
    expect(code.slice(f.span.start, f.span.end)).toBe('Softmax()');
    expect(applyFix(code, f.fixes[0])).toBe(`model = Sequential([Dense(10, activation='softmax')])\n`);
  });

  it('removes a model.add(Activation(softmax)) line', () => {
    const code = `model = Sequential()\nmodel.add(Dense(10, activation='softmax'))\nmodel.add(Activation('softmax'))\nmodel.compile(loss='categorical_crossentropy')\n`;
    const f = only(code, 'KL014');
    expect(code.slice(f.span.start, f.span.end)).toBe("'softmax'");
    expect(applyFix(code, f.fixes[0])).toBe(`model = Sequential()\nmodel.add(Dense(10, activation='softmax'))\nmodel.compile(loss='categorical_crossentropy')\n`);
  });

  it('removes a Softmax() on a line of its own in a Sequential list with its line, keeping the comments of the others', () => {
    for (const eol of ['\n', '\r\n']) {
      const code = ['model = Sequential([', "    Dense(10, activation='softmax'),  # 10 digit classes", '    Softmax(),  # probabilities', '])', ''].join(eol);
      const fixed = ['model = Sequential([', "    Dense(10, activation='softmax'),  # 10 digit classes", '])', ''].join(eol);
      expect(applyFix(code, only(code, 'KL014').fixes[0]), JSON.stringify(eol)).toBe(fixed);
    }
  });

  it('removes only the model.add statement, with its semicolon, from a line it shares', () => {
    const head = "model = Sequential()\n";
    const cases: [string, string][] = [
      ["model.add(Dense(4, activation='softmax')); model.add(Softmax())\n", "model.add(Dense(4, activation='softmax'))\n"],
      ["model.add(Dense(4, activation='softmax'))\nx = 1; model.add(Softmax())  # again\n", "model.add(Dense(4, activation='softmax'))\nx = 1  # again\n"],
      ["model.add(Dense(4, activation='softmax'))\nmodel.add(Softmax()); x = 1\n", "model.add(Dense(4, activation='softmax'))\nx = 1\n"],
      ["model.add(Dense(4, activation='softmax'))\nmodel.add(Softmax());\nx = 1\n", "model.add(Dense(4, activation='softmax'))\nx = 1\n"],
    ];
    for (const [code, fixed] of cases) expect(applyFix(head + code, only(head + code, 'KL014').fixes[0]), code).toBe(head + fixed);
  });

  it('unwraps tf.nn.softmax applied to a softmax output', () => {
    const code = `import tensorflow as tf
x = tf.keras.layers.Dense(10, activation='softmax')(inputs)
outputs = tf.nn.softmax(x)
model = tf.keras.Model(inputs, outputs)
`;
    const f = only(code, 'KL014');
    expect(applyFix(code, f.fixes[0])).toContain('outputs = x\n');
  });
});

describe('KL015 crossentropy-on-unbounded-output', () => {
  it('flags a relu head under categorical crossentropy, on the activation', () => {
    const code = `model = Sequential([Dense(10, activation='relu')])\nmodel.compile(loss='categorical_crossentropy')\n`;
    const f = only(code, 'KL015');
    expect(code.slice(f.span.start, f.span.end)).toBe("'relu'");
    expect(applyFix(code, f.fixes[0])).toContain("Dense(10, activation='softmax')");
  });

  it('offers sigmoid, not softmax, for a single unit', () => {
    const code = `model = Sequential([Dense(1, activation='relu')])\nmodel.compile(loss='categorical_crossentropy')\n`;
    expect(applyFix(code, only(code, 'KL015').fixes[0])).toContain("Dense(1, activation='sigmoid')");
  });

  it('is silent with from_logits=True on a linear head', () => {
    const code = `model = Sequential([Dense(10)])\nmodel.compile(loss=CategoricalCrossentropy(from_logits=True))\n`;
    expect(flagged(code)).toEqual([]);
  });
});

describe('options', () => {
  it('select, ignore and severity overrides', () => {
    expect(check(MNIST_ONEHOT, { flavour: 'keras2', select: ['KL001'] }).map((f) => f.ruleId)).toEqual(['KL001']);
    expect(check(MNIST_ONEHOT, { flavour: 'keras2', ignore: ['KL001'] }).map((f) => f.ruleId)).toEqual(['KL002']);
    expect(check(MNIST_ONEHOT, { flavour: 'keras3', severity: { KL002: 'error' } })[0].severity).toBe('error');
  });
});

describe('head resolution details', () => {
  it('reads a recurrent head as tanh (its default), not linear', () => {
    const code = `model = Sequential([LSTM(10)])\nmodel.compile(loss='categorical_crossentropy')\n`;
    expect(check(code).map((f) => f.ruleId)).toEqual(['KL015']);
  });

  it('keeps silent on heads behind layers it cannot follow', () => {
    const code = `from tensorflow.keras import layers
from mylib import AttentionHead
x = layers.Dense(10, activation='softmax')(h)
out = AttentionHead()(x)
model = Model(inp, out)
model.compile(loss='binary_crossentropy', metrics=['accuracy'])
m2 = Sequential([Dense(10, **head_kwargs)])
m2.compile(loss='categorical_crossentropy')
`;
    expect(flagged(code)).toEqual([]);
  });
});

describe('control flow at the top level', () => {
  it('checks the code after a guard that may raise', () => {
    const code = `import sys
import tensorflow as tf
if not tf.config.list_physical_devices('GPU'):
    raise SystemExit('no GPU')
${MNIST_ONEHOT}`;
    expect(flagged(code, { flavour: 'keras2' })).toEqual(["KL002 'binary_crossentropy'", "KL001 'accuracy'"]);
  });

  it('does not check code after a raise that always runs', () => {
    expect(flagged(`raise SystemExit('moved to train.py')\n${MNIST_ONEHOT}`, { flavour: 'keras2' })).toEqual([]);
  });
});

describe("what 'accuracy' becomes (inlay hints)", () => {
  const hints = (code: string, flavour: 'auto' | 'keras2' | 'keras3') =>
    analyzeText(code, { flavour }).accuracyHints.map((h) => `${code.slice(h.span.start, h.span.end)} → ${h.resolvesTo}`);

  it('names the metric of the flavour, or both readings briefly when the flavour is unknown', () => {
    expect(hints(MNIST_ONEHOT, 'keras2')).toEqual(["'accuracy' → binary_accuracy"]);
    expect(hints(MNIST_ONEHOT, 'keras3')).toEqual(["'accuracy' → categorical_accuracy"]);
    expect(hints(MNIST_ONEHOT, 'auto')).toEqual(["'accuracy' → binary_accuracy (Keras ≤ 2.3) or categorical_accuracy (newer)"]);
  });

  it('says nothing when the head is unknown', () => {
    expect(hints("model = build()\nmodel.compile(loss='binary_crossentropy', metrics=['accuracy'])\n", 'auto')).toEqual([]);
  });
});

describe('the file quote style fixes write strings in', () => {
  it('counts quoted strings as the regex /(^|[^\'"])Q[^Q\\n]*Q/g does, on 50,000 random quote-heavy texts', () => {
    const random = seeded(5);
    const alphabet = ["'", '"', '\n', 'a', ' ', '(', "'", '"'];
    for (let k = 0; k < 50_000; k++) {
      const text = Array.from({ length: random.int(0, 14) }, () => random.pick(alphabet)).join('');
      const expected = [(text.match(/(^|[^'"])'[^'\n]*'/g) ?? []).length, (text.match(/(^|[^'"])"[^"\n]*"/g) ?? []).length];
      expect([quotedCount(text, "'"), quotedCount(text, '"')], JSON.stringify(text)).toEqual(expected);
    }
  });

  it('is the quote most one-line strings use', () => {
    const code = (q: string) =>
      `from tensorflow import keras\nx = [${q}a${q}, ${q}b${q}]\nmodel = keras.Sequential([keras.layers.Dense(10, activation=None)])\nmodel.compile(loss=${q}categorical_crossentropy${q}, metrics=[${q}accuracy${q}])\n`;
    for (const q of ["'", '"']) {
      const edits = analyzeText(code(q), { flavour: 'keras2' }).findings.flatMap((f) => f.fixes.flatMap((fix) => fix.edits.map((e) => e.newText)));
      const written = edits.filter((t) => /^['"]softmax['"]$/.test(t));
      expect(written.length, JSON.stringify(edits)).toBeGreaterThan(0);
      expect(written.every((t) => t === `${q}softmax${q}`)).toBe(true);
    }
  });
});
describe('fixes that must not break the code around them', () => {
  it('an activation held in a name is replaced at the layer by the string, the name left to its other users', () => {
    const code = "from tensorflow import keras\nACT = 'softmax'\na = keras.Sequential([keras.layers.Dense(1, activation=ACT)])\n";
    expect(applyFix(code, only(code, 'KL004').fixes[0])).toBe(code.replace('activation=ACT', "activation='sigmoid'"));
  });

  it('removing the only statement of a block leaves pass', () => {
    const code = "from tensorflow import keras\nmodel = keras.Sequential()\nmodel.add(keras.layers.Dense(10, activation='softmax'))\nwith keras.utils.custom_object_scope({}):\n    model.add(keras.layers.Softmax())\nmodel.compile(loss='categorical_crossentropy')\n";
    expect(applyFix(code, only(code, 'KL014').fixes[0])).toBe(code.replace('    model.add(keras.layers.Softmax())', '    pass'));
  });

  it('a named output layer keeps its name: no unwrapping, and Activation(..., name=...) for sigmoid', () => {
    const twice = "from tensorflow import keras\nfrom tensorflow.keras import layers\ninputs = keras.Input((4,))\nx = layers.Dense(10, activation='softmax')(inputs)\noutputs = layers.Softmax(name='probs')(x)\nmodel = keras.Model(inputs, outputs)\nmodel.compile(loss={'probs': 'categorical_crossentropy'})\n";
    expect(only(twice, 'KL014').fixes.map((f) => f.title)).not.toContain('Remove the second softmax');
    const one = "from tensorflow import keras\nfrom tensorflow.keras import layers\ninputs = keras.Input((4,))\nx = layers.Dense(1)(inputs)\noutputs = layers.Softmax(name='probs')(x)\nmodel = keras.Model(inputs, outputs)\nmodel.compile(loss={'probs': 'binary_crossentropy'})\n";
    expect(applyFix(one, only(one, 'KL004').fixes[0])).toContain("outputs = layers.Activation('sigmoid', name='probs')(x)");
  });

  it('TensorFlow activations become functions that exist with the arguments given', () => {
    const tanh = "import tensorflow as tf\nmodel = tf.keras.Sequential([tf.keras.layers.Dense(10, activation=tf.tanh)])\nmodel.compile(loss='categorical_crossentropy')\n";
    expect(applyFix(tanh, only(tanh, 'KL015').fixes[0])).toContain('activation=tf.nn.softmax)');
    const axis = "import tensorflow as tf\ninputs = tf.keras.Input((4,))\nx = tf.keras.layers.Dense(1)(inputs)\noutputs = tf.nn.softmax(x, axis=-1)\nmodel = tf.keras.Model(inputs, outputs)\nmodel.compile(loss='binary_crossentropy')\n";
    expect(only(axis, 'KL004').fixes).toEqual([]);
  });
});


describe('where a fix puts a new import, and which imported names it uses', () => {
  const fromLogits = (code: string) => only(code, 'KL009').fixes.find((f) => /from_logits/.test(f.title))!;

  it('after the first imports of Keras, so below code that must run before Keras loads', () => {
    const code = 'import os\nos.environ["KERAS_BACKEND"] = "jax"\nfrom keras import layers, models\nmodel = models.Sequential([layers.Dense(10)])\nmodel.compile(optimizer="adam", loss="categorical_crossentropy")\n';
    const fixed = applyFix(code, fromLogits(code));
    expect(fixed.split('\n').slice(0, 4)).toEqual(['import os', 'os.environ["KERAS_BACKEND"] = "jax"', 'from keras import layers, models', 'from keras.losses import CategoricalCrossentropy']);
  });

  it('not a name imported only further down (it is not bound yet where the fix uses it)', () => {
    const code = "from tensorflow.keras.models import Sequential\nfrom tensorflow.keras.layers import Dense\nmodel = Sequential([Dense(10)])\nmodel.compile(optimizer='adam', loss='categorical_crossentropy')\nfrom tensorflow.keras import losses\n";
    const fixed = applyFix(code, fromLogits(code));
    expect(fixed).toBe(code.replace('from tensorflow.keras.layers import Dense\n', 'from tensorflow.keras.layers import Dense\nfrom tensorflow.keras.losses import CategoricalCrossentropy\n').replace("loss='categorical_crossentropy'", 'loss=CategoricalCrossentropy(from_logits=True)'));
  });
});

describe('fixes of a loss or metric defined once and named at the compile', () => {
  it('a loss string held in a name becomes the loss object at the call, not a string of code', () => {
    const code = "from tensorflow import keras\nLOSS = 'categorical_crossentropy'\nmodel = keras.Sequential([keras.layers.Dense(10)])\nmodel.compile(optimizer='adam', loss=LOSS)\n";
    const fix = only(code, 'KL009').fixes.find((f) => /from_logits/.test(f.title))!;
    expect(applyFix(code, fix)).toBe(code.replace('loss=LOSS', 'loss=keras.losses.CategoricalCrossentropy(from_logits=True)'));
  });

  it('a metric list shared by two models: its fix is offered but left out of --fix', () => {
    const code = "from tensorflow import keras\nMETRICS = ['accuracy']\nclf = keras.Sequential([keras.layers.Dense(10, activation='softmax')])\nclf.compile(optimizer='adam', loss='binary_crossentropy', metrics=METRICS)\ndet = keras.Sequential([keras.layers.Dense(1, activation='sigmoid')])\ndet.compile(optimizer='adam', loss='binary_crossentropy', metrics=METRICS)\n";
    expect(only(code, 'KL001').fixes.map((f) => [f.title, f.applicability])).toEqual([["Use 'categorical_accuracy'", 'unsafe']]);
  });
});

describe('loss objects with a positional from_logits, or arguments another class lacks', () => {
  const head = (activation: string) => `from tensorflow import keras\nmodel = keras.Sequential([keras.layers.Dense(10${activation})])\n`;

  it('reads BinaryCrossentropy(True) as from_logits=True, and fixes the positional flag in place', () => {
    expect(flagged(head(", activation='relu'") + 'model.compile(loss=keras.losses.CategoricalCrossentropy(True))\n')).toEqual([]);
    const onSoftmax = head(", activation='softmax'") + 'model.compile(loss=keras.losses.CategoricalCrossentropy(True, label_smoothing=0.1))\n';
    const kl008 = only(onSoftmax, 'KL008');
    expect(onSoftmax.slice(kl008.span.start, kl008.span.end)).toBe('True');
    expect(applyFix(onSoftmax, kl008.fixes.find((f) => f.title === 'Remove from_logits=True')!)).toContain('CategoricalCrossentropy(False, label_smoothing=0.1)');
    const logits = head('') + 'model.compile(loss=keras.losses.SparseCategoricalCrossentropy(False))\n';
    expect(applyFix(logits, only(logits, 'KL009').fixes[0])).toContain('SparseCategoricalCrossentropy(True))');
  });

  it('offers no rename to a class that lacks an argument given (label_smoothing, ignore_class) or that reads a positional one otherwise', () => {
    const mnist = "from tensorflow import keras\n(x, y), _ = keras.datasets.mnist.load_data()\nmodel = keras.Sequential([keras.layers.Dense(10, activation='softmax')])\n";
    const smoothing = mnist + 'model.compile(loss=keras.losses.CategoricalCrossentropy(label_smoothing=0.1))\nmodel.fit(x, y)\n';
    expect(only(smoothing, 'KL006').fixes.map((f) => f.title)).not.toContain('Use sparse_categorical_crossentropy');
    const plain = mnist + 'model.compile(loss=keras.losses.CategoricalCrossentropy(name="cce"))\nmodel.fit(x, y)\n';
    expect(applyFix(plain, only(plain, 'KL006').fixes[0])).toContain('loss=keras.losses.SparseCategoricalCrossentropy(name="cce")');
  });
});

describe('the quote style of a fix', () => {
  it('comes from the code strings, not from docstrings', () => {
    const code = [
      '"""Train a digit classifier."""',
      'from tensorflow import keras',
      '',
      'def build():',
      '    """The model."""',
      "    return keras.Sequential([keras.layers.Dense(1), keras.layers.Softmax()])",
      '',
      'def train(model):',
      '    """Fit it."""',
      "    model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])",
      '',
      'train(build())',
      '',
    ].join('\n');
    expect(applyFix(code, only(code, 'KL004').fixes[0])).toContain("keras.layers.Activation('sigmoid')");
  });
});

describe('new imports follow the Keras the file uses; one-hot labels for validation too', () => {
  const fromLogits = (code: string) => only(code, 'KL009').fixes.find((f) => /from_logits/.test(f.title))!;

  it('tensorflow_datasets is no tf.keras, and Keras imported inside a function still says which', () => {
    const tfds = "import tensorflow_datasets as tfds\nfrom keras.models import Sequential\nfrom keras.layers import Dense\nmodel = Sequential([Dense(10)])\nmodel.compile(loss='categorical_crossentropy')\n";
    expect(applyFix(tfds, fromLogits(tfds))).toContain('from keras.layers import Dense\nfrom keras.losses import CategoricalCrossentropy\n');
    const inside = "def main():\n    from tensorflow.keras.models import Sequential\n    from tensorflow.keras.layers import Dense\n    model = Sequential([Dense(10)])\n    model.compile(loss='categorical_crossentropy')\n";
    expect(applyFix(inside, fromLogits(inside))).toMatch(/^from tensorflow\.keras\.losses import CategoricalCrossentropy\n/);
  });

  it('to_categorical wraps the validation labels of a literal (x, y) pair too, and is not offered for other validation data', () => {
    const base = "from tensorflow import keras\n(x, y), (vx, vy) = keras.datasets.mnist.load_data()\nmodel = keras.Sequential([keras.layers.Dense(10, activation='softmax')])\nmodel.compile(loss='categorical_crossentropy')\n";
    const pair = base + 'model.fit(x, y, validation_data=(vx, vy))\n';
    const wrap = only(pair, 'KL006').fixes.find((f) => f.title.startsWith('Make the labels one-hot'))!;
    expect(applyFix(pair, wrap)).toContain('model.fit(x, keras.utils.to_categorical(y, 10), validation_data=(vx, keras.utils.to_categorical(vy, 10)))');
    const dataset = base + 'model.fit(x, y, validation_data=validation)\n';
    expect(only(dataset, 'KL006').fixes.map((f) => f.title)).toEqual(['Use sparse_categorical_crossentropy']);
  });
});

describe('fifth round: what a fix may use and take', () => {
  it('not a name imported only for type checkers', () => {
    const code = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from tensorflow import keras\nimport tensorflow as tf\nmodel = tf.keras.Sequential([tf.keras.layers.Dense(10)])\nmodel.compile(optimizer='adam', loss='categorical_crossentropy')\n";
    const fix = only(code, 'KL009').fixes.find((f) => /from_logits/.test(f.title))!;
    expect(applyFix(code, fix)).toContain('loss=tf.keras.losses.CategoricalCrossentropy(from_logits=True)');
  });

  it('no activation rename for an op given its input by keyword', () => {
    const code = "import tensorflow as tf\ninputs = tf.keras.Input((4,))\nx = tf.keras.layers.Dense(10)(inputs)\noutputs = tf.nn.relu(features=x)\nmodel = tf.keras.Model(inputs, outputs)\nmodel.compile(loss='categorical_crossentropy')\n";
    expect(only(code, 'KL015').fixes).toEqual([]);
  });

  it('no one-hot wrapping of one fit among several, or past positional validation data', () => {
    const base = "from tensorflow import keras\n(x, y), (vx, vy) = keras.datasets.mnist.load_data()\nmodel = keras.Sequential([keras.layers.Dense(10, activation='softmax')])\nmodel.compile(loss='categorical_crossentropy')\n";
    for (const fits of ['model.fit(x, y, epochs=1)\nmodel.fit(x, y, epochs=2)\n', 'model.fit(x, y, 32, 1, 1, None, 0.0, (vx, vy))\n']) {
      expect(only(base + fits, 'KL006').fixes.map((f) => f.title), fits).toEqual(['Use sparse_categorical_crossentropy']);
    }
  });

  it('removing the last list element keeps the comment after the one before it', () => {
    const code = "from tensorflow import keras\nmodel = keras.Sequential([\n    keras.layers.Dense(10, activation='softmax'),  # head\n    keras.layers.Softmax()])\nmodel.compile(loss='categorical_crossentropy')\n";
    expect(applyFix(code, only(code, 'KL014').fixes[0])).toBe(code.replace('    keras.layers.Softmax()])', '])'));
  });
});

describe('a metric fix never makes two metrics of the same name', () => {
  it("KL013: 'accuracy' next to 'mae' is removed, not renamed to a second 'mae'", () => {
    const code = "from tensorflow import keras\n(x, y), _ = keras.datasets.boston_housing.load_data()\nmodel = keras.Sequential([keras.layers.Dense(1)])\nmodel.compile(loss='mse', metrics=['mae', 'accuracy'])\nmodel.fit(x, y)\n";
    const f = only(code, 'KL013');
    expect(f.fixes[0].title).toBe("Remove 'accuracy' (mae is already measured)");
    expect(f.fixes[0].applicability).toBe('safe');
    const fixed = applyFix(code, f.fixes[0]);
    expect(fixed).toContain("metrics=['mae']");
    expect(check(fixed)).toEqual([]);
  });

  it("KL013: 'mean_absolute_error' counts as 'mae'; without it the metric is renamed", () => {
    const code = "from tensorflow import keras\n(x, y), _ = keras.datasets.boston_housing.load_data()\nmodel = keras.Sequential([keras.layers.Dense(1)])\nmodel.compile(loss='mse', metrics=['accuracy', 'mean_absolute_error'])\nmodel.fit(x, y)\n";
    expect(applyFix(code, only(code, 'KL013').fixes[0])).toContain("metrics=['mean_absolute_error']");
    const alone = code.replace(", 'mean_absolute_error'", ", 'mse'");
    expect(applyFix(alone, only(alone, 'KL013').fixes[0])).toContain("metrics=['mae', 'mse']");
  });

  it("KL001: 'accuracy' next to 'categorical_accuracy' is removed", () => {
    const code = MNIST_ONEHOT.replace("metrics=['accuracy']", "metrics=['accuracy', 'categorical_accuracy']");
    const f = only(code, 'KL001', { flavour: 'keras2' });
    expect(f.fixes[0].title).toBe("Remove 'accuracy' (categorical_accuracy is already measured)");
    expect(applyFix(code, f.fixes[0])).toContain("metrics=['categorical_accuracy']");
  });

  it("KL001: 'acc' after 'accuracy' is removed, as 'accuracy' becomes the explicit metric", () => {
    const code = MNIST_ONEHOT.replace("metrics=['accuracy']", "metrics=['accuracy', 'acc']");
    const fixes = analyzeText(code, { flavour: 'keras2' }).findings.filter((f) => f.ruleId === 'KL001').map((f) => f.fixes[0]);
    expect(fixes.map((fx) => fx.title)).toEqual(["Use 'categorical_accuracy'", "Remove 'acc' (categorical_accuracy is already measured)"]);
    expect(applyFix(applyFix(code, fixes[1]), fixes[0])).toContain("metrics=['categorical_accuracy']");
  });

  it('KL011: Accuracy() next to BinaryAccuracy() is removed', () => {
    const code = "import tensorflow as tf\nmodel = tf.keras.Sequential([tf.keras.layers.Dense(1, activation='sigmoid')])\nmodel.compile(loss='binary_crossentropy', metrics=[tf.keras.metrics.BinaryAccuracy(), tf.keras.metrics.Accuracy()])\n";
    const f = only(code, 'KL011');
    expect(f.fixes[0].title).toBe('Remove Accuracy (binary_accuracy is already measured)');
    expect(applyFix(code, f.fixes[0])).toContain('metrics=[tf.keras.metrics.BinaryAccuracy()])');
  });
});

describe('fixes towards a binary classifier', () => {
  it('KL005 on a linear head with from_logits=True changes the loss only (no sigmoid before a logits loss)', () => {
    const code = "import tensorflow as tf\nmodel = tf.keras.Sequential([tf.keras.layers.Dense(1)])\nmodel.compile(loss=tf.keras.losses.CategoricalCrossentropy(from_logits=True))\n";
    const f = only(code, 'KL005');
    expect(f.fixes[0].title).toBe('Use binary_crossentropy');
    const fixed = applyFix(code, f.fixes[0]);
    expect(fixed).toBe(code.replace('CategoricalCrossentropy', 'BinaryCrossentropy'));
    expect(check(fixed)).toEqual([]);
  });

  it('KL005 on a softmax head whose loss keeps from_logits=True is not safe (a sigmoid head would be applied twice)', () => {
    const code = "import tensorflow as tf\nmodel = tf.keras.Sequential([tf.keras.layers.Dense(1, activation='softmax')])\nmodel.compile(loss=tf.keras.losses.CategoricalCrossentropy(from_logits=True))\n";
    expect(only(code, 'KL005').fixes[0].applicability).toBe('unsafe');
  });

  it('are not safe when the labels hold more than two classes (cifar10 on one unit wants 10 units)', () => {
    const code = "from tensorflow import keras\n(x, y), _ = keras.datasets.cifar10.load_data()\nmodel = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(1, activation='sigmoid')])\nmodel.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\nmodel.fit(x, y)\n";
    expect(only(code, 'KL003').fixes[0].applicability).toBe('unsafe');
    const onehot = "from tensorflow import keras\n(x, y), _ = keras.datasets.cifar10.load_data()\ny = keras.utils.to_categorical(y, 10)\nmodel = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(1)])\nmodel.compile(optimizer='adam', loss='categorical_crossentropy')\nmodel.fit(x, y)\n";
    expect(only(onehot, 'KL005').fixes[0].applicability).toBe('unsafe');
    const binary = "from tensorflow import keras\n(x, y), _ = keras.datasets.imdb.load_data()\nmodel = keras.Sequential([keras.layers.Dense(1, activation='sigmoid')])\nmodel.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\nmodel.fit(x, y)\n";
    expect(only(binary, 'KL003').fixes[0].applicability).toBe('safe');
    // Labels unknown: the sparse loss fails loudly on ids above 1, binary_crossentropy would not.
    const unknown = binary.replace("(x, y), _ = keras.datasets.imdb.load_data()", 'x, y = load_my_data()');
    expect(only(unknown, 'KL003').fixes[0].applicability).toBe('unsafe');
  });
});

describe('KL004 on a head whose labels hold more than two classes', () => {
  it('offers sigmoid but leaves it out of --fix (the head needs more units: KL012)', () => {
    const code = "from tensorflow import keras\n(x, y), _ = keras.datasets.cifar10.load_data()\nmodel = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(1, activation='softmax')])\nmodel.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\nmodel.fit(x, y)\n";
    expect(only(code, 'KL004').fixes[0].applicability).toBe('unsafe');
    expect(only(code, 'KL012').message).toContain('Use 10 units');
    const binary = code.replace('cifar10', 'imdb');
    expect(only(binary, 'KL004').fixes[0].applicability).toBe('safe');
  });
});

describe('a fix in code that several models run', () => {
  const safety = (code: string, id: string, options = {}) => only(code, id, options).fixes.map((fx) => fx.applicability);

  it('a helper building two models: the fix one of them asks for is unsafe (it would change the other)', () => {
    const code = "from tensorflow import keras\ndef make(units, act):\n    return keras.Sequential([keras.layers.Dense(units, activation=act)])\na = make(10, 'softmax')\na.compile(optimizer='adam', loss='categorical_crossentropy')\nb = make(1, 'softmax')\nb.compile(optimizer='adam', loss='binary_crossentropy')\n";
    expect(safety(code, 'KL004')).toEqual(['unsafe']);
    const alike = code.replace("make(10, 'softmax')", "make(1, 'softmax')");
    expect(analyzeText(alike).findings.filter((f) => f.ruleId === 'KL004').flatMap((f) => f.fixes.map((fx) => fx.applicability))).toEqual(['safe']);
  });

  it('a helper compiling for two heads: the loss fix for the softmax caller is unsafe', () => {
    const code = "from tensorflow import keras\ndef build(head_act):\n    m = keras.Sequential([keras.layers.Dense(32, activation='relu'), keras.layers.Dense(10, activation=head_act)])\n    m.compile(optimizer='adam', loss='binary_crossentropy')\n    return m\nmulti_label = build('sigmoid')\nsingle_label = build('softmax')\n";
    expect(safety(code, 'KL002')).toEqual(['unsafe']);
    const once = code.replace("multi_label = build('sigmoid')\n", '');
    expect(safety(once, 'KL002')).toEqual(['safe']);
  });

  it('a layer object two models share: the head fix for one is unsafe', () => {
    const code = "from tensorflow import keras\ninputs = keras.Input((8,))\nshared = keras.layers.Dense(1)\nout = shared(inputs)\nclassifier = keras.Model(inputs, out)\nclassifier.compile(loss='categorical_crossentropy')\nregressor = keras.Model(inputs, out)\nregressor.compile(loss='mse')\n";
    expect(safety(code, 'KL005')).toEqual(['unsafe']);
    expect(safety(code.replace("regressor.compile(loss='mse')\n", ''), 'KL005')).toEqual(['safe']);
  });

  it("a loss list gives each output its own loss: the fix of one output's loss stays safe", () => {
    const code = "from tensorflow import keras\ninputs = keras.Input((8,))\nscore = keras.layers.Dense(1, name='score')(inputs)\nkind = keras.layers.Dense(5, name='kind')(inputs)\nmodel = keras.Model(inputs, [score, kind])\nmodel.compile(loss=[keras.losses.MeanSquaredError(), keras.losses.CategoricalCrossentropy()])\n";
    expect(safety(code, 'KL009')).toEqual(['safe', 'unsafe']);
  });

  it('an edit reaching past the shared code counts: removing a metric of a list two outputs share, the second softmax of a helper', () => {
    const metrics = "from tensorflow import keras\ninp = keras.Input((32,))\na = keras.layers.Dense(10, activation='softmax', name='cls')(inp)\nb = keras.layers.Dense(1, activation='sigmoid', name='flag')(inp)\nmodel = keras.Model(inp, [a, b])\nmodel.compile(loss=['binary_crossentropy', 'binary_crossentropy'], metrics=['accuracy', 'categorical_accuracy'])\n";
    expect(only(metrics, 'KL001', { flavour: 'keras2' }).fixes.map((fx) => [fx.title, fx.applicability])).toEqual([["Remove 'accuracy' (categorical_accuracy is already measured)", 'unsafe']]);
    const head = "from tensorflow import keras\ndef head(x, act):\n    x = keras.layers.Dense(10, activation=act)(x)\n    return keras.layers.Softmax()(x)\ni1 = keras.Input((8,))\na = keras.Model(i1, head(i1, 'softmax'))\na.compile(loss='categorical_crossentropy')\ni2 = keras.Input((8,))\nb = keras.Model(i2, head(i2, None))\nb.compile(loss='categorical_crossentropy')\n";
    expect(safety(head, 'KL014')).toEqual(['unsafe']);
  });

  it('stays safe where the other users need the same edit: a recompiled head (KL004 asks it too), a second copy never fitted', () => {
    const recompiled = "from tensorflow import keras\nmodel = keras.Sequential([keras.layers.Dense(16, activation='relu'), keras.layers.Dense(1, activation='softmax')])\nmodel.compile(optimizer='adam', loss='categorical_crossentropy')\nmodel.fit(x, y)\nmodel.compile(optimizer='adam', loss='binary_crossentropy')\nmodel.fit(x, y)\n";
    expect(safety(recompiled, 'KL005')).toEqual(['safe']);
    const copies = "from tensorflow import keras\n(x, y), (x_test, y_test) = keras.datasets.mnist.load_data()\ndef build():\n    model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(10, activation='softmax')])\n    model.compile(optimizer='adam', loss='categorical_crossentropy')\n    return model\nmodel = build()\nmodel.fit(x, y)\ninfer = build()\ninfer.load_weights('w.h5')\n";
    expect(safety(copies, 'KL006')[0]).toBe('safe');
    // Fitted on labels keras-lint cannot read is not "never fitted": the one-hot copy would break.
    const fitted = copies.replace("infer.load_weights('w.h5')", "infer.fit(xb, np.load('yb_onehot.npy'))");
    expect(safety(fitted, 'KL006')[0]).toBe('unsafe');
  });

  it('one metrics list for two different outputs: the metric fix for one output is unsafe', () => {
    const code = "import keras\ninputs = keras.Input((8,))\nkind = keras.layers.Dense(10, activation='softmax', name='kind')(inputs)\ntags = keras.layers.Dense(5, activation='sigmoid', name='tags')(inputs)\nmodel = keras.Model(inputs, [kind, tags])\nmodel.compile(loss=['categorical_crossentropy', 'binary_crossentropy'], metrics=['accuracy'])\n";
    expect(safety(code, 'KL001', { flavour: 'tf-keras2' })).toEqual(['unsafe']);
  });
});

describe('KL010 on a softmax head without known class labels', () => {
  it('says the softmax may be the mistake (a Q-network regresses values); with class labels it does not', () => {
    const dqn = "from tensorflow import keras\nmodel = keras.Sequential([keras.layers.Dense(512, activation='relu'), keras.layers.Dense(4, activation='softmax')])\nmodel.compile(optimizer='adam', loss='mean_squared_error')\n";
    expect(only(dqn, 'KL010').message).toMatch(/Use categorical_crossentropy\. If the targets are values to predict rather than classes, the softmax is the mistake: use a linear head\.$/);
    const classes = "from tensorflow import keras\n(x, y), _ = keras.datasets.mnist.load_data()\nmodel = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(10, activation='softmax')])\nmodel.compile(optimizer='adam', loss='mse')\nmodel.fit(x, keras.utils.to_categorical(y, 10))\n";
    expect(only(classes, 'KL010').message).toMatch(/slowly\. Use categorical_crossentropy\.$/);
  });
});
