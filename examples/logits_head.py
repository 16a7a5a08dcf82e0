# Two mirror-image logits mistakes in a subclassed model and a Sequential one.
import tensorflow as tf


class Classifier(tf.keras.Model):
    def __init__(self, num_classes=5):
        super().__init__()
        self.hidden = tf.keras.layers.Dense(64, activation="relu")
        self.out = tf.keras.layers.Dense(5)  # no activation: logits

    def call(self, inputs):
        return self.out(self.hidden(inputs))


logits_model = Classifier()
logits_model.compile(
    optimizer="adam",
    loss=tf.keras.losses.SparseCategoricalCrossentropy(),  # expects probabilities by default
    metrics=["accuracy"],
)

probability_model = tf.keras.Sequential([
    tf.keras.layers.Dense(64, activation="relu"),
    tf.keras.layers.Dense(5, activation="softmax"),
])
probability_model.compile(
    optimizer="adam",
    loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),  # softmax applied twice
    metrics=["accuracy"],
)
