# A Keras 1 era script: one output unit with softmax always predicts 1.0.
from keras.models import Sequential
from keras.layers import Convolution2D, MaxPooling2D, Flatten, Dense
from keras.utils import np_utils

model = Sequential()
model.add(Convolution2D(32, 3, 3, border_mode="same", input_shape=(3, 64, 64)))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Flatten())
model.add(Dense(64, init="uniform", activation="relu"))
model.add(Dense(1, activation="softmax"))

model.compile(loss="binary_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
