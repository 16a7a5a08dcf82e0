// Writes the benchmark inputs into .bench/ (git-ignored): varied, realistic Keras code built from a
// seeded random generator, so every run of the benchmark measures the same text.
//   .bench/big.py          one ~10,000-line script
//   .bench/edit.py         one ~5,000-line script (incremental re-analysis)
//   .bench/folder/         400 real-world-sized scripts (.py) and notebooks (.ipynb)
//   .bench/docs/           50 scripts of ~2,000 lines (language server memory)
// Usage: node scripts/bench/generate.mjs [--seed N] [--out DIR]
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** mulberry32: small, fast, and the same sequence on every machine. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
  };
}

const DATASETS = [
  { name: 'mnist', classes: 10, shape: '(28, 28)', channels: '(28, 28, 1)' },
  { name: 'fashion_mnist', classes: 10, shape: '(28, 28)', channels: '(28, 28, 1)' },
  { name: 'cifar10', classes: 10, shape: '(32, 32, 3)', channels: '(32, 32, 3)' },
  { name: 'cifar100', classes: 100, shape: '(32, 32, 3)', channels: '(32, 32, 3)' },
];
const OPTIMIZERS = ["'adam'", "'rmsprop'", "'sgd'", 'keras.optimizers.Adam(learning_rate=1e-3)', 'keras.optimizers.SGD(learning_rate=0.01, momentum=0.9)', "optimizers.Adam(3e-4)"];
const HIDDEN_ACTS = ['relu', 'relu', 'relu', 'elu', 'selu', 'tanh', 'gelu'];

/** One generator of sections; `id` keeps names unique inside a file. */
function sections(r) {
  let id = 0;
  const uid = () => ++id;

  const hiddenStack = (indent, n) => {
    const lines = [];
    for (let i = 0; i < n; i++) {
      const kind = r.int(0, 5);
      if (kind <= 2) lines.push(`${indent}layers.Dense(${r.pick([32, 64, 128, 256, 512])}, activation='${r.pick(HIDDEN_ACTS)}'),`);
      else if (kind === 3) lines.push(`${indent}layers.Dropout(${r.pick(['0.1', '0.2', '0.3', '0.5'])}),`);
      else if (kind === 4) lines.push(`${indent}layers.BatchNormalization(),`);
      else lines.push(`${indent}layers.Dense(${r.pick([64, 128])}, kernel_regularizer=keras.regularizers.l2(1e-4)),`);
    }
    return lines;
  };

  /** A head and matching compile arguments; now and then a known mistake. */
  const headAndLoss = (classes) => {
    const mistake = r.chance(0.15) ? r.int(0, 5) : -1;
    const metrics = r.pick(["['accuracy']", "['accuracy']", "['acc']", "[keras.metrics.SparseCategoricalAccuracy()]", "['sparse_categorical_accuracy']"]);
    switch (mistake) {
      case 0:
        return { head: `layers.Dense(${classes}, activation='softmax')`, loss: "'binary_crossentropy'", metrics: "['accuracy']", sparse: false };
      case 1:
        return { head: `layers.Dense(1, activation='softmax')`, loss: "'binary_crossentropy'", metrics, sparse: false, binary: true };
      case 2:
        return { head: `layers.Dense(${classes})`, loss: "'sparse_categorical_crossentropy'", metrics, sparse: true };
      case 3:
        return { head: `layers.Dense(${classes}, activation='softmax')`, loss: 'keras.losses.SparseCategoricalCrossentropy(from_logits=True)', metrics, sparse: true };
      case 4:
        return { head: `layers.Dense(${classes}, activation='relu')`, loss: "'categorical_crossentropy'", metrics, sparse: false };
      default: {
        const style = r.int(0, 3);
        if (style === 0) return { head: `layers.Dense(${classes}, activation='softmax')`, loss: "'sparse_categorical_crossentropy'", metrics, sparse: true };
        if (style === 1) return { head: `layers.Dense(${classes}, activation='softmax')`, loss: "'categorical_crossentropy'", metrics: "['accuracy']", sparse: false };
        if (style === 2) return { head: `layers.Dense(${classes})`, loss: 'keras.losses.SparseCategoricalCrossentropy(from_logits=True)', metrics, sparse: true };
        return { head: `layers.Dense(1, activation='sigmoid')`, loss: "'binary_crossentropy'", metrics: "['accuracy', keras.metrics.AUC()]", sparse: false, binary: true };
      }
    }
  };

  const sequentialScript = () => {
    const n = uid();
    const ds = r.pick(DATASETS);
    const hl = headAndLoss(ds.classes);
    const labels = hl.sparse || hl.binary ? [] : [`y_train_${n} = keras.utils.to_categorical(y_train_${n}, ${ds.classes})`, `y_test_${n} = keras.utils.to_categorical(y_test_${n}, ${ds.classes})`];
    return [
      `# ---- ${ds.name}: a small fully connected classifier (${n}) ----`,
      `(x_train_${n}, y_train_${n}), (x_test_${n}, y_test_${n}) = keras.datasets.${ds.name}.load_data()`,
      `x_train_${n} = x_train_${n}.astype('float32') / 255.0`,
      `x_test_${n} = x_test_${n}.astype('float32') / 255.0`,
      ...labels,
      `print('train shape:', x_train_${n}.shape, 'test shape:', x_test_${n}.shape)`,
      '',
      `model_${n} = keras.Sequential([`,
      `    layers.Input(shape=${ds.shape}),`,
      `    layers.Flatten(),`,
      ...hiddenStack('    ', r.int(2, 6)),
      `    ${hl.head},`,
      `])`,
      `model_${n}.summary()`,
      `model_${n}.compile(optimizer=${r.pick(OPTIMIZERS)}, loss=${hl.loss}, metrics=${hl.metrics})`,
      `history_${n} = model_${n}.fit(`,
      `    x_train_${n}, y_train_${n},`,
      `    batch_size=${r.pick([32, 64, 128, 256])},`,
      `    epochs=${r.int(3, 50)},`,
      `    validation_split=0.1,`,
      `    callbacks=[keras.callbacks.EarlyStopping(patience=${r.int(2, 8)}, restore_best_weights=True)],`,
      `)`,
      `score_${n} = model_${n}.evaluate(x_test_${n}, y_test_${n}, verbose=0)`,
      `print(f"test loss {score_${n}[0]:.4f}, test accuracy {score_${n}[1]:.4f}")`,
      '',
    ];
  };

  const addStyleScript = () => {
    const n = uid();
    const classes = r.pick([2, 3, 5, 10, 20]);
    const hl = headAndLoss(classes);
    const lines = [`def make_classifier_${n}(input_dim, dropout=0.2):`, `    """Stacks Dense layers with model.add, the Keras 2 tutorial way."""`, `    model = Sequential()`, `    model.add(Dense(${r.pick([64, 128, 256])}, activation='relu', input_shape=(input_dim,)))`];
    for (let i = 0, k = r.int(1, 5); i < k; i++) {
      lines.push(r.chance(0.5) ? `    model.add(Dropout(dropout))` : `    model.add(Dense(${r.pick([32, 64, 128])}, activation='${r.pick(HIDDEN_ACTS)}'))`);
    }
    lines.push(`    model.add(${hl.head.replace('layers.', '')})`);
    lines.push(`    model.compile(loss=${hl.loss}, optimizer=${r.pick(OPTIMIZERS)}, metrics=${hl.metrics})`);
    lines.push(`    return model`, '', '');
    lines.push(`features_${n} = np.random.rand(${r.int(100, 5000)}, ${r.int(4, 64)}).astype('float32')`);
    lines.push(hl.sparse || hl.binary ? `targets_${n} = np.random.randint(0, ${hl.binary ? 2 : classes}, size=(len(features_${n}),))` : `targets_${n} = to_categorical(np.random.randint(0, ${classes}, size=(len(features_${n}),)), num_classes=${classes})`);
    lines.push(`clf_${n} = make_classifier_${n}(features_${n}.shape[1])`);
    lines.push(`clf_${n}.fit(features_${n}, targets_${n}, epochs=${r.int(5, 40)}, batch_size=32, verbose=${r.int(0, 2)})`, '');
    return lines;
  };

  const functionalScript = () => {
    const n = uid();
    const ds = r.pick(DATASETS);
    const hl = headAndLoss(ds.classes);
    const lines = [
      `def build_cnn_${n}(input_shape=${ds.channels}, num_classes=${ds.classes}):`,
      `    inputs = keras.Input(shape=input_shape, name="image")`,
      `    x = layers.Rescaling(1.0 / 255)(inputs)`,
    ];
    for (let i = 0, k = r.int(1, 4); i < k; i++) {
      const f = r.pick([16, 32, 64, 128]);
      lines.push(`    x = layers.Conv2D(${f}, ${r.pick([3, 5])}, padding="same", activation="relu")(x)`);
      if (r.chance(0.5)) lines.push(`    x = layers.BatchNormalization()(x)`);
      lines.push(`    x = layers.MaxPooling2D(${r.pick([2, '(2, 2)'])})(x)`);
    }
    lines.push(r.chance(0.5) ? `    x = layers.GlobalAveragePooling2D()(x)` : `    x = layers.Flatten()(x)`);
    lines.push(`    x = layers.Dropout(${r.pick(['0.25', '0.5'])})(x)`);
    lines.push(`    outputs = ${hl.head.replace(String(ds.classes), 'num_classes')}(x)`);
    lines.push(`    return keras.Model(inputs=inputs, outputs=outputs, name="cnn_${n}")`, '', '');
    lines.push(`cnn_${n} = build_cnn_${n}()`);
    lines.push(`cnn_${n}.compile(`, `    optimizer=${r.pick(OPTIMIZERS)},`, `    loss=${hl.loss},`, `    metrics=${hl.metrics},`, `)`);
    lines.push(`(xa_${n}, ya_${n}), _ = keras.datasets.${ds.name}.load_data()`);
    if (!hl.sparse && !hl.binary) lines.push(`ya_${n} = keras.utils.to_categorical(ya_${n}, num_classes=${ds.classes})`);
    lines.push(`cnn_${n}.fit(xa_${n}, ya_${n}, epochs=${r.int(2, 30)}, validation_split=0.2, batch_size=${r.pick([32, 64, 128])})`, '');
    return lines;
  };

  const subclassScript = () => {
    const n = uid();
    const classes = r.pick([2, 4, 10, 37]);
    const hl = headAndLoss(classes);
    return [
      `class ResidualBlock${n}(layers.Layer):`,
      `    def __init__(self, units, **kwargs):`,
      `        super().__init__(**kwargs)`,
      `        self.dense_a = layers.Dense(units, activation="relu")`,
      `        self.dense_b = layers.Dense(units)`,
      `        self.norm = layers.LayerNormalization()`,
      '',
      `    def call(self, inputs, training=False):`,
      `        x = self.dense_a(inputs)`,
      `        x = self.dense_b(x)`,
      `        return self.norm(inputs + x)`,
      '',
      '',
      `class Classifier${n}(keras.Model):`,
      `    """A subclassed model: blocks, then a ${classes}-way head."""`,
      '',
      `    def __init__(self, hidden=${r.pick([64, 128, 256])}, depth=${r.int(1, 4)}):`,
      `        super().__init__()`,
      `        self.project = layers.Dense(hidden, activation="relu")`,
      `        self.blocks = [ResidualBlock${n}(hidden) for _ in range(depth)]`,
      `        self.dropout = layers.Dropout(0.1)`,
      `        self.head = ${hl.head}`,
      '',
      `    def call(self, inputs, training=False):`,
      `        x = self.project(inputs)`,
      `        for block in self.blocks:`,
      `            x = block(x, training=training)`,
      `        x = self.dropout(x, training=training)`,
      `        return self.head(x)`,
      '',
      `    def get_config(self):`,
      `        return {"hidden": self.project.units}`,
      '',
      '',
      `net_${n} = Classifier${n}()`,
      `net_${n}.compile(optimizer=${r.pick(OPTIMIZERS)}, loss=${hl.loss}, metrics=${hl.metrics})`,
      '',
    ];
  };

  const trainingLoop = () => {
    const n = uid();
    return [
      `loss_fn_${n} = keras.losses.${r.pick(['SparseCategoricalCrossentropy(from_logits=True)', 'CategoricalCrossentropy()', 'BinaryCrossentropy(from_logits=True)'])}`,
      `optimizer_${n} = keras.optimizers.Adam(learning_rate=${r.pick(['1e-3', '3e-4', '1e-4'])})`,
      `train_metric_${n} = keras.metrics.SparseCategoricalAccuracy()`,
      '',
      '',
      `@tf.function`,
      `def train_step_${n}(model, x, y):`,
      `    with tf.GradientTape() as tape:`,
      `        logits = model(x, training=True)`,
      `        loss_value = loss_fn_${n}(y, logits)`,
      `        loss_value += sum(model.losses)`,
      `    grads = tape.gradient(loss_value, model.trainable_weights)`,
      `    optimizer_${n}.apply_gradients(zip(grads, model.trainable_weights))`,
      `    train_metric_${n}.update_state(y, logits)`,
      `    return loss_value`,
      '',
      '',
      `def run_epochs_${n}(model, dataset, epochs=${r.int(2, 20)}):`,
      `    history = {"loss": [], "acc": []}`,
      `    for epoch in range(epochs):`,
      `        start = time.time()`,
      `        for step, (xb, yb) in enumerate(dataset):`,
      `            loss_value = train_step_${n}(model, xb, yb)`,
      `            if step % ${r.pick([50, 100, 200])} == 0:`,
      `                print(f"epoch {epoch} step {step}: loss={float(loss_value):.4f}")`,
      `        acc = train_metric_${n}.result()`,
      `        history["loss"].append(float(loss_value))`,
      `        history["acc"].append(float(acc))`,
      `        train_metric_${n}.reset_state()`,
      `        print(f"epoch {epoch}: acc={float(acc):.4f} ({time.time() - start:.1f}s)")`,
      `    return history`,
      '',
    ];
  };

  const dataPipeline = () => {
    const n = uid();
    const size = r.pick([128, 160, 224]);
    return [
      `AUTOTUNE_${n} = tf.data.AUTOTUNE`,
      `IMG_SIZE_${n} = (${size}, ${size})`,
      '',
      '',
      `def load_images_${n}(directory, batch_size=32, validation=False):`,
      `    """Reads a folder of class subfolders into a batched, prefetched dataset."""`,
      `    ds = keras.utils.image_dataset_from_directory(`,
      `        directory,`,
      `        validation_split=0.2,`,
      `        subset="validation" if validation else "training",`,
      `        seed=${r.int(1, 9999)},`,
      `        image_size=IMG_SIZE_${n},`,
      `        batch_size=batch_size,`,
      `        label_mode="${r.pick(['int', 'categorical', 'int'])}",`,
      `    )`,
      `    augment = keras.Sequential([layers.RandomFlip("horizontal"), layers.RandomRotation(0.1)])`,
      `    ds = ds.map(lambda x, y: (augment(x, training=True), y), num_parallel_calls=AUTOTUNE_${n})`,
      `    return ds.cache().prefetch(buffer_size=AUTOTUNE_${n})`,
      '',
      '',
      `def csv_dataset_${n}(path, label_column="${r.pick(['label', 'target', 'class'])}"):`,
      `    frame = pd.read_csv(path)`,
      `    labels = frame.pop(label_column).values`,
      `    features = frame.values.astype(np.float32)`,
      `    mean, std = features.mean(axis=0), features.std(axis=0) + 1e-7`,
      `    features = (features - mean) / std`,
      `    ds = tf.data.Dataset.from_tensor_slices((features, labels))`,
      `    return ds.shuffle(len(features), seed=${r.int(1, 100)}).batch(${r.pick([32, 64, 256])}).prefetch(AUTOTUNE_${n})`,
      '',
    ];
  };

  const transferLearning = () => {
    const n = uid();
    const classes = r.pick([2, 5, 10, 102, 120]);
    const hl = headAndLoss(classes);
    const app = r.pick(['MobileNetV2', 'ResNet50', 'EfficientNetB0', 'VGG16', 'Xception']);
    return [
      `base_${n} = keras.applications.${app}(include_top=False, weights="imagenet", input_shape=(224, 224, 3))`,
      `base_${n}.trainable = False`,
      `inp_${n} = keras.Input(shape=(224, 224, 3))`,
      `feat_${n} = base_${n}(inp_${n}, training=False)`,
      `feat_${n} = layers.GlobalAveragePooling2D()(feat_${n})`,
      `feat_${n} = layers.Dropout(0.2)(feat_${n})`,
      `out_${n} = ${hl.head}(feat_${n})`,
      `tl_model_${n} = keras.Model(inp_${n}, out_${n})`,
      `tl_model_${n}.compile(optimizer=keras.optimizers.Adam(1e-4), loss=${hl.loss}, metrics=${hl.metrics})`,
      `if FINE_TUNE:`,
      `    base_${n}.trainable = True`,
      `    for layer in base_${n}.layers[:-${r.int(10, 60)}]:`,
      `        layer.trainable = False`,
      `    tl_model_${n}.compile(optimizer=keras.optimizers.Adam(1e-5), loss=${hl.loss}, metrics=${hl.metrics})`,
      '',
    ];
  };

  const tunerModel = () => {
    const n = uid();
    return [
      `def tuner_model_${n}(hp):`,
      `    model = keras.Sequential()`,
      `    model.add(layers.Flatten())`,
      `    for i in range(hp.Int("num_layers", 1, ${r.int(2, 5)})):`,
      `        model.add(layers.Dense(units=hp.Int(f"units_{i}", min_value=32, max_value=512, step=32), activation=hp.Choice("activation", ["relu", "tanh"])))`,
      `    if hp.Boolean("dropout"):`,
      `        model.add(layers.Dropout(rate=0.25))`,
      `    model.add(layers.Dense(${r.pick([10, 10, 1])}, activation="${r.pick(['softmax', 'softmax', 'sigmoid'])}"))`,
      `    learning_rate = hp.Float("lr", min_value=1e-4, max_value=1e-2, sampling="log")`,
      `    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss="${r.pick(['categorical_crossentropy', 'sparse_categorical_crossentropy', 'binary_crossentropy'])}", metrics=["accuracy"])`,
      `    return model`,
      '',
    ];
  };

  const textModel = () => {
    const n = uid();
    const vocab = r.pick([10000, 20000, 30000]);
    const rnn = r.pick(['LSTM', 'GRU', 'Bidirectional(layers.LSTM']);
    const rnnLine = rnn.startsWith('Bi') ? `    layers.Bidirectional(layers.LSTM(${r.pick([32, 64])})),` : `    layers.${rnn}(${r.pick([32, 64, 128])}),`;
    return [
      `(tx_${n}, ty_${n}), (vx_${n}, vy_${n}) = keras.datasets.imdb.load_data(num_words=${vocab})`,
      `tx_${n} = keras.utils.pad_sequences(tx_${n}, maxlen=${r.pick([200, 256, 500])})`,
      `vx_${n} = keras.utils.pad_sequences(vx_${n}, maxlen=${r.pick([200, 256, 500])})`,
      `text_model_${n} = keras.Sequential([`,
      `    layers.Embedding(${vocab}, ${r.pick([32, 64, 128])}),`,
      rnnLine,
      `    layers.Dense(${r.pick([1, 1, 1, 2])}, activation="${r.pick(['sigmoid', 'sigmoid', 'softmax'])}"),`,
      `])`,
      `text_model_${n}.compile(loss="${r.pick(['binary_crossentropy', 'binary_crossentropy', 'categorical_crossentropy'])}", optimizer="adam", metrics=["accuracy"])`,
      `text_model_${n}.fit(tx_${n}, ty_${n}, batch_size=32, epochs=${r.int(2, 10)}, validation_data=(vx_${n}, vy_${n}))`,
      '',
    ];
  };

  const regression = () => {
    const n = uid();
    return [
      `housing_${n} = pd.read_csv("data/housing_${n}.csv")`,
      `target_${n} = housing_${n}.pop("${r.pick(['price', 'median_house_value', 'y'])}")`,
      `x_tr_${n}, x_te_${n}, y_tr_${n}, y_te_${n} = train_test_split(housing_${n}.values, target_${n}.values, test_size=0.2, random_state=${r.int(0, 99)})`,
      `scaler_${n} = StandardScaler().fit(x_tr_${n})`,
      `reg_${n} = keras.Sequential([layers.Dense(64, activation="relu"), layers.Dense(64, activation="relu"), layers.Dense(1)])`,
      `reg_${n}.compile(optimizer="adam", loss="${r.pick(['mse', 'mae', 'huber', 'mean_squared_error'])}", metrics=[${r.pick(['"mae"', '"mae"', '"accuracy"'])}])`,
      `reg_${n}.fit(scaler_${n}.transform(x_tr_${n}), y_tr_${n}, epochs=${r.int(10, 200)}, validation_split=0.2, verbose=0)`,
      '',
    ];
  };

  const plotting = () => {
    const n = uid();
    return [
      `def plot_history_${n}(history, metrics=("loss", "accuracy"), path=None):`,
      `    fig, axes = plt.subplots(1, len(metrics), figsize=(6 * len(metrics), 4))`,
      `    for ax, name in zip(np.atleast_1d(axes), metrics):`,
      `        ax.plot(history.history[name], label="train")`,
      `        if f"val_{name}" in history.history:`,
      `            ax.plot(history.history[f"val_{name}"], label="validation")`,
      `        ax.set_title(name.replace("_", " ").title())`,
      `        ax.set_xlabel("epoch")`,
      `        ax.legend()`,
      `    fig.tight_layout()`,
      `    if path is not None:`,
      `        fig.savefig(path, dpi=${r.pick([100, 150, 200])})`,
      `    return fig`,
      '',
      '',
      `def confusion_${n}(model, x, y, class_names):`,
      `    predictions = np.argmax(model.predict(x, batch_size=256), axis=-1)`,
      `    matrix = np.zeros((len(class_names), len(class_names)), dtype=int)`,
      `    for true, pred in zip(y, predictions):`,
      `        matrix[int(true), int(pred)] += 1`,
      `    for i, row in enumerate(matrix):`,
      `        print(f"{class_names[i]:>12}: " + " ".join(f"{v:5d}" for v in row))`,
      `    return matrix`,
      '',
    ];
  };

  const config = () => {
    const n = uid();
    return [
      `CONFIG_${n} = {`,
      `    "batch_size": ${r.pick([16, 32, 64, 128])},`,
      `    "epochs": ${r.int(5, 100)},`,
      `    "learning_rate": ${r.pick(['1e-3', '5e-4', '1e-4'])},`,
      `    "augment": ${r.pick(['True', 'False'])},`,
      `    "checkpoint_dir": os.path.join("checkpoints", "run_${n}"),`,
      `    "classes": [${Array.from({ length: r.int(2, 6) }, (_, i) => `"class_${i}"`).join(', ')}],`,
      `}`,
      '',
      `callbacks_${n} = [`,
      `    keras.callbacks.ModelCheckpoint(os.path.join(CONFIG_${n}["checkpoint_dir"], "best.keras"), save_best_only=True),`,
      `    keras.callbacks.ReduceLROnPlateau(factor=0.5, patience=${r.int(2, 6)}),`,
      `    keras.callbacks.TensorBoard(log_dir="logs/run_${n}"),`,
      `]`,
      '',
    ];
  };

  const all = [
    [sequentialScript, 4], [addStyleScript, 3], [functionalScript, 3], [subclassScript, 2], [trainingLoop, 2], [dataPipeline, 2],
    [transferLearning, 2], [tunerModel, 1], [textModel, 2], [regression, 2], [plotting, 2], [config, 2],
  ];
  const total = all.reduce((s, [, w]) => s + w, 0);
  return () => {
    let x = r.next() * total;
    for (const [make, weight] of all) {
      x -= weight;
      if (x < 0) return make();
    }
    return all[0][0]();
  };
}

const HEADER = [
  '"""Experiments with Keras models (generated benchmark input)."""',
  'import os',
  'import time',
  '',
  'import matplotlib.pyplot as plt',
  'import numpy as np',
  'import pandas as pd',
  'import tensorflow as tf',
  'from sklearn.model_selection import train_test_split',
  'from sklearn.preprocessing import StandardScaler',
  'from tensorflow import keras',
  'from tensorflow.keras import layers, optimizers',
  'from tensorflow.keras.layers import Dense, Dropout',
  'from tensorflow.keras.models import Sequential',
  'from tensorflow.keras.utils import to_categorical',
  '',
  'FINE_TUNE = os.environ.get("FINE_TUNE") == "1"',
  '',
];

/** A Python script of about `lines` lines. */
export function script(r, lines) {
  const next = sections(r);
  const out = [...HEADER];
  while (out.length < lines) out.push(...next(), '');
  return out.join('\n') + '\n';
}

/** A Jupyter notebook (nbformat 4) of about `lines` code lines, with markdown and magics between cells. */
export function notebook(r, lines) {
  const next = sections(r);
  const cells = [{ cell_type: 'markdown', metadata: {}, source: ['# Training notebook\n', '\n', 'Generated benchmark input.'] }];
  cells.push(code(['%matplotlib inline', ...HEADER]));
  let count = HEADER.length;
  while (count < lines) {
    const section = next();
    count += section.length;
    if (r.chance(0.3)) cells.push({ cell_type: 'markdown', metadata: {}, source: [`## Step ${cells.length}\n`, 'Train and look at the curves.'] });
    if (r.chance(0.1)) section.unshift('!nvidia-smi');
    cells.push(code(section));
  }
  const nb = {
    cells,
    metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' }, language_info: { name: 'python', version: '3.11.4' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return JSON.stringify(nb, null, 1) + '\n';

  function code(sourceLines) {
    const text = sourceLines.join('\n');
    return { cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: text.split(/(?<=\n)/) };
  }
}

/** Real-world script sizes: mostly 80-400 lines, a long tail to ~1,500. */
function realisticSize(r) {
  const u = r.next();
  return Math.round(60 + 250 * -Math.log(1 - u * 0.997));
}

export function generate(outDir, seed = 20251130) {
  const r = rng(seed);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(join(outDir, 'folder'), { recursive: true });
  mkdirSync(join(outDir, 'docs'), { recursive: true });
  writeFileSync(join(outDir, 'big.py'), script(r, 10000));
  writeFileSync(join(outDir, 'edit.py'), script(r, 5000));
  let folderLines = 0;
  for (let i = 0; i < 400; i++) {
    const size = realisticSize(r);
    folderLines += size;
    const sub = join(outDir, 'folder', `project_${String(i % 20).padStart(2, '0')}`);
    mkdirSync(sub, { recursive: true });
    if (i % 4 === 3) writeFileSync(join(sub, `notebook_${i}.ipynb`), notebook(r, size));
    else writeFileSync(join(sub, `train_${i}.py`), script(r, size));
  }
  for (let i = 0; i < 50; i++) writeFileSync(join(outDir, 'docs', `doc_${i}.py`), script(r, 2000));
  return { folderLines };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const argv = process.argv.slice(2);
  const seedAt = argv.indexOf('--seed');
  const outAt = argv.indexOf('--out');
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const out = outAt >= 0 ? argv[outAt + 1] : join(root, '.bench');
  const { folderLines } = generate(out, seedAt >= 0 ? Number(argv[seedAt + 1]) : undefined);
  process.stdout.write(`wrote ${out} (folder: 400 files, ${folderLines} lines)\n`);
}
