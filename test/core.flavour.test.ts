// Flavour detection: setting > workspace pins > code, and what each pin/code signal means.
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeText, initParser } from '../server/src/core/analyze';
import { combinePins, flavourOfRequirement, lowercasesMetricNames } from '../server/src/core/flavour';

beforeAll(async () => {
  await initParser();
});

const flavourOf = (code: string, options = {}) => analyzeText(code, options).flavour;

describe('flavour from pinned requirements', () => {
  it.each([
    ['keras', '==1.2.2', 'keras1'],
    ['keras', '==2.2.4', 'keras2'],
    ['keras', '~=2.3.1', 'keras2'],
    ['keras', '==2.6.0', 'tf-keras2'],
    ['keras', '>=3.0,<4', 'keras3'],
    ['keras', '==3.*', 'keras3'],
    ['tensorflow', '==1.15.0', 'keras2'],
    ['tensorflow', '==2.1.0', 'keras2'],
    ['tensorflow-gpu', '==2.3.1', 'tf-keras2'],
    ['tensorflow', '>=2.10,<2.16', 'tf-keras2'],
    ['tensorflow', '==2.16.1', 'keras3'],
    ['keras', '>=3.0', 'keras3'], // a lower bound alone reaches only later versions
    ['keras', '>3.1', 'keras3'],
    ['tensorflow', '>=2.16', 'keras3'],
    ['tensorflow-cpu', '>=2.17.0', 'keras3'],
    ['tf_keras', '', 'tf-keras2'],
  ])('%s%s → %s', (pkg, spec, flavour) => {
    expect(flavourOfRequirement(pkg, spec)).toBe(flavour);
  });

  it.each([
    ['tensorflow', '>=2.0'], // open-ended: may install Keras 3
    ['tensorflow', ''],
    ['tensorflow', '==2.*'], // 2.0 is keras2, 2.16 is keras3
    ['keras', '>=2.3,<3'], // spans keras2 and tf-keras2
    ['keras', '~=2.3'], // 2.3 up to any 2.x
    ['keras', '>=2.6'], // tf-keras2 up to Keras 3
    ['keras', '<3'], // no lower bound
    ['keras-tuner', '==1.0.0'],
    ['numpy', '==1.19'],
  ])('%s%s pins no flavour', (pkg, spec) => {
    expect(flavourOfRequirement(pkg, spec)).toBeNull();
  });

  it('disagreeing pins pin nothing', () => {
    expect(combinePins([{ flavour: 'keras3', evidence: 'a' }, { flavour: 'tf-keras2', evidence: 'b' }])).toBeNull();
    expect(combinePins([{ flavour: 'keras3', evidence: 'a' }, { flavour: 'keras3', evidence: 'b' }])).toEqual({ flavour: 'keras3', evidence: ['a', 'b'], lowercasesMetricNames: false });
  });

  it("knows when every pin reads 'Accuracy' as 'accuracy' (tf.keras and Keras from 2.6, tf_keras, Keras 3)", () => {
    const lowercases = (pkg: string, spec: string) => lowercasesMetricNames(pkg, spec);
    expect([lowercases('tensorflow', '==2.10.0'), lowercases('tensorflow-gpu', '~=2.6'), lowercases('keras', '==2.6.0'), lowercases('tf_keras', ''), lowercases('keras', '>=3.0')]).toEqual([true, true, true, true, true]);
    expect([lowercases('tensorflow', '==2.5.0'), lowercases('tensorflow', '>=2.4,<2.8'), lowercases('keras', '==2.3.1'), lowercases('tensorflow', '')]).toEqual([false, false, false, false]);
    expect(combinePins([{ flavour: 'tf-keras2', evidence: 'a', lowercasesMetricNames: true }, { flavour: 'tf-keras2', evidence: 'b', lowercasesMetricNames: false }])?.lowercasesMetricNames).toBe(false);
  });
});

describe('flavour from the code', () => {
  it.each([
    ['model.fit(x, y, nb_epoch=10)', 'keras1', 'uses nb_epoch='],
    ['model.add(Dense(input_dim=784, output_dim=10))', 'keras1', 'uses output_dim='],
    ['from keras.layers import Convolution2D\nConvolution2D(32, 3, 3, border_mode="same")', 'keras1', 'uses border_mode='],
    ['import keras\nx = keras.ops.softmax(y)', 'keras3', 'uses keras.ops'],
    ['from keras import ops, layers', 'keras3', 'uses keras.ops'],
    ['import os\nos.environ["KERAS_BACKEND"] = "jax"\nimport keras', 'keras3', 'sets KERAS_BACKEND to a non-TensorFlow backend'],
    ['import keras_hub', 'keras3', 'imports keras_hub/keras_nlp/keras_cv'],
    ['import tf_keras as keras', 'tf-keras2', 'imports tf_keras'],
    ['import os\nos.environ["TF_USE_LEGACY_KERAS"] = "1"\nimport tensorflow as tf', 'tf-keras2', 'sets TF_USE_LEGACY_KERAS=1'],
    ["import os\nos.environ.setdefault('TF_USE_LEGACY_KERAS', '1')\nfrom tensorflow import keras", 'tf-keras2', 'sets TF_USE_LEGACY_KERAS=1'],
    // TF compares the value with "true", "True" and "1".
    ['import os\nos.environ["TF_USE_LEGACY_KERAS"] = "True"\nimport tensorflow as tf', 'tf-keras2', 'sets TF_USE_LEGACY_KERAS=1'],
    ["import os\nos.environ.setdefault('TF_USE_LEGACY_KERAS', 'true')\nfrom tensorflow import keras", 'tf-keras2', 'sets TF_USE_LEGACY_KERAS=1'],
  ])('%j → %s', (code, flavour, evidence) => {
    const info = flavourOf(code);
    expect(info.flavour).toBe(flavour);
    expect(info.source).toBe('code');
    expect(info.evidence).toContain(evidence);
  });

  it.each([
    'from tensorflow import keras', // which TF? unknown
    'import keras', // which Keras? unknown
    '# model.fit(x, y, nb_epoch=10)  (old API, commented out)',
    'print("nb_epoch=3")',
    'from tensorflow.keras.layers import Embedding\nEmbedding(input_dim=20000, output_dim=128)', // output_dim is still Embedding's
    'os.environ["TF_USE_LEGACY_KERAS"] = "0"',
    'os.environ["TF_USE_LEGACY_KERAS"] = "TRUE"', // not a value TF takes
    'legacy = os.environ.get("TF_USE_LEGACY_KERAS", "1")', // a read, not a setting
    'raise RuntimeError("run with TF_USE_LEGACY_KERAS=1")',
    'model.fit(x, y, nb_epoch=10)\nimport keras\nkeras.ops.sum(x)', // contradictory signals
  ])('%j is unknown', (code) => {
    expect(flavourOf(code).flavour).toBe('unknown');
  });

  it('disable_eager_execution puts any flavour on the loss-based accuracy rule', () => {
    const code = 'import tensorflow as tf\ntf.compat.v1.disable_eager_execution()\n';
    expect(flavourOf(code).legacyGraphMode).toBe(true);
    expect(flavourOf(code, { flavour: 'keras3' })).toMatchObject({ flavour: 'keras3', legacyGraphMode: true });
    expect(flavourOf('import tensorflow as tf\n').legacyGraphMode).toBe(false);
  });
});

describe('order of evidence', () => {
  const keras1Code = 'model.fit(x, y, nb_epoch=10)\n';
  const pins = { flavour: 'keras3' as const, evidence: ['requirements.txt pins keras==3.3.3'] };

  it('the setting beats pins and code', () => {
    expect(flavourOf(keras1Code, { flavour: 'tf-keras2', workspacePins: pins })).toMatchObject({ flavour: 'tf-keras2', source: 'setting' });
  });

  it('pins beat the code', () => {
    expect(flavourOf(keras1Code, { flavour: 'auto', workspacePins: pins })).toEqual({ flavour: 'keras3', source: 'workspace', evidence: pins.evidence, legacyGraphMode: false, lowercasesMetricNames: false });
  });

  it('the code decides without setting or pins', () => {
    expect(flavourOf(keras1Code, { flavour: 'auto', workspacePins: null })).toMatchObject({ flavour: 'keras1', source: 'code' });
  });
});
