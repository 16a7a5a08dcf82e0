# Correct code that looks suspicious: keras-lint must stay silent on every model here.
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

# Binary classifier: one sigmoid unit, binary crossentropy, 'accuracy' is binary accuracy.
binary = keras.Sequential([layers.Dense(16, activation="relu"), layers.Dense(1, activation="sigmoid")])
binary.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])

# Multi-label tagging: independent sigmoids with binary crossentropy and an explicit metric.
tagger = keras.Sequential([layers.Dense(64, activation="relu"), layers.Dense(20, activation="sigmoid")])
tagger.compile(optimizer="adam", loss="binary_crossentropy", metrics=["binary_accuracy"])

# Logits head with from_logits=True.
logits = keras.Sequential([layers.Dense(64, activation="relu"), layers.Dense(10)])
logits.compile(
    optimizer="adam",
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["sparse_categorical_accuracy"],
)

# Autoencoder: sigmoid reconstruction with mean squared error.
inputs = keras.Input(shape=(784,))
code = layers.Dense(32, activation="relu")(inputs)
decoded = layers.Dense(784, activation="sigmoid")(code)
autoencoder = keras.Model(inputs, decoded)
autoencoder.compile(optimizer="adam", loss="mse")

# Attention-style softmax over positions, not classes: Dense(1) -> Flatten -> Softmax.
tokens = keras.Input(shape=(50, 128))
scores = layers.Dense(1)(tokens)
scores = layers.Flatten()(scores)
weights = layers.Softmax()(scores)
attention = keras.Model(tokens, weights)
attention.compile(optimizer="adam", loss="kl_divergence")
