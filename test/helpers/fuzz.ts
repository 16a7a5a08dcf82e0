// Deterministic mutation of Keras sources for the fuzz tests: a seeded generator, and edits that
// break code the way typing, bad merges and bad encodings do.

export interface Random {
  next(): number;
  int(lo: number, hi: number): number;
  pick<T>(list: readonly T[]): T;
}

/** mulberry32: the same sequence on every machine for a given seed. */
export function seeded(seed: number): Random {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)), pick: (list) => list[Math.floor(next() * list.length)] };
}

/** Fragments that are meaningful to a Python parser: brackets, keywords, quotes, indentation. */
const TOKENS = [
  '(', ')', '[', ']', '{', '}', ':', ',', '.', '=', '\n', '\n    ', '    ', '\t', '\\', '\\\n', "'", '"', '"""', "'''", '#', 'f"{', '}',
  'def ', 'class ', 'if ', 'else:', 'lambda', 'return', 'yield', 'import ', 'from ', ' as ', '@', '**', '*', ';', 'model', 'compile(',
  'fit(', 'Dense(', "activation='softmax'", "loss='binary_crossentropy'", 'from_logits=True', '\u00e9', '\u{1F600}', '\ud800', '\u0000',
  '\r', '\r\n', '\u2028', '\ufeff',
];

export type Mutation = 'delete' | 'insert' | 'token' | 'duplicate' | 'swap' | 'truncate' | 'bracket' | 'bytes';

/** One random edit of `text`. */
export function mutate(text: string, random: Random, kind: Mutation = random.pick(['delete', 'insert', 'token', 'duplicate', 'swap', 'truncate', 'bracket', 'bytes'] as const)): string {
  const at = random.int(0, text.length);
  switch (kind) {
    case 'delete':
      return text.slice(0, at) + text.slice(Math.min(text.length, at + random.int(1, 40)));
    case 'insert':
      return text.slice(0, at) + String.fromCharCode(random.int(0, 0xffff)) + text.slice(at);
    case 'token':
      return text.slice(0, at) + random.pick(TOKENS) + text.slice(at);
    case 'duplicate': {
      const end = Math.min(text.length, at + random.int(1, 200));
      return text.slice(0, end) + text.slice(at, end) + text.slice(end);
    }
    case 'swap': {
      const other = random.int(0, text.length);
      const [a, b] = at < other ? [at, other] : [other, at];
      const len = Math.min(random.int(1, 30), b - a);
      return text.slice(0, a) + text.slice(b, b + len) + text.slice(a + len, b) + text.slice(a, a + len) + text.slice(b + len);
    }
    case 'truncate':
      return text.slice(0, at);
    case 'bracket':
      return text.slice(0, at) + random.pick(['(', '[', '{', ')', ']', '}', '((((', ']]]]', '({[', '"""', "'"]) + text.slice(at);
    case 'bytes':
      return text.slice(0, at) + asMisdecodedBytes(random, random.int(1, 12)) + text.slice(at);
  }
}

/** Several edits in a row. */
export function mutateMany(text: string, random: Random, count: number): string {
  let out = text;
  for (let i = 0; i < count; i++) out = mutate(out, random);
  return out;
}

/** Random bytes, mostly invalid UTF-8, decoded the forgiving way an editor does (U+FFFD for bad sequences). */
export function asMisdecodedBytes(random: Random, length: number): string {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = random.next() < 0.7 ? random.int(0x80, 0xff) : random.int(0, 0x7f);
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
}

/** A realistic script with a mix of model styles; no mistakes in it. */
export const CLEAN_SCRIPT = `import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers


def load(path, num_classes=10):
    data = np.load(path)
    x, y = data["x"].astype("float32") / 255.0, data["y"]
    return x, keras.utils.to_categorical(y, num_classes)


class Block(layers.Layer):
    def __init__(self, units):
        super().__init__()
        self.dense = layers.Dense(units, activation="relu")

    def call(self, inputs):
        return self.dense(inputs) + inputs


def functional(num_classes=10):
    inputs = keras.Input(shape=(32,))
    x = layers.Dense(64, activation="relu")(inputs)
    x = Block(64)(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    return keras.Model(inputs, outputs)


x_train, y_train = load("train.npz")
model = functional()
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
history = model.fit(x_train, y_train, epochs=5, batch_size=32, validation_split=0.1)
for epoch, loss in enumerate(history.history["loss"]):
    print(f"epoch {epoch}: {loss:.3f}")

binary = keras.Sequential([layers.Dense(16, activation="relu"), layers.Dense(1, activation="sigmoid")])
binary.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy", metrics=["accuracy"])
if __name__ == "__main__":
    binary.fit(np.zeros((8, 4)), np.zeros((8,)), epochs=1)
`;

/**
 * A helper holding one mistake (KL002: binary_crossentropy on a 10-way softmax head), then a
 * top-level line that closes it: whatever follows, this part still parses. Its own import alias,
 * so a mutated rest cannot rebind the name it uses (the helper runs with the module's final names).
 */
export const INTACT_PART = `from tensorflow import keras as intact_keras


def train_digits():
    model = intact_keras.Sequential([intact_keras.layers.Dense(64, activation="relu"), intact_keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model


INTACT_END = True
`;

/** Where KL002 must be reported in INTACT_PART. */
export const INTACT_FINDING = { ruleId: 'KL002', start: INTACT_PART.indexOf('"binary_crossentropy"'), end: INTACT_PART.indexOf('"binary_crossentropy"') + '"binary_crossentropy"'.length };
