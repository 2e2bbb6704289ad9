"""The chapter-8 course flow (8-2 CNN training, 8-3 filters and feature maps) with numnet."""
import numpy as np

import numnet as keras


def course_cnn(input_shape, classes=10):
    """The chapter-8 CNN, written the way the course writes it."""
    model = keras.Sequential()
    model.add(keras.layers.Conv2D(32, kernel_size=3, activation="relu", padding="same",
                                  input_shape=input_shape))
    model.add(keras.layers.MaxPooling2D(2))
    model.add(keras.layers.Conv2D(64, kernel_size=(3, 3), activation="relu", padding="same"))
    model.add(keras.layers.MaxPooling2D(2))
    model.add(keras.layers.Flatten())
    model.add(keras.layers.Dense(100, activation="relu"))
    model.add(keras.layers.Dropout(0.4))
    model.add(keras.layers.Dense(classes, activation="softmax"))
    return model


def test_course_cnn_has_333526_parameters():
    model = course_cnn((28, 28, 1))
    assert model.count_params() == 333526
    assert model.output_shape == (None, 10)


def test_8_2_cnn_reaches_high_accuracy_on_offline_digits():
    keras.utils.set_random_seed(42)
    (x_train, y_train), (x_test, y_test) = keras.datasets.digits.load_data()
    x_train = x_train.reshape(-1, 8, 8, 1) / 255.0
    x_test = x_test.reshape(-1, 8, 8, 1) / 255.0
    model = course_cnn((8, 8, 1))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train, y_train, epochs=12, verbose=0, validation_split=0.2)
    assert history.history["val_accuracy"][-1] > 0.9
    assert model.evaluate(x_test, y_test, verbose=0)[1] > 0.93


def test_8_3_filters_and_feature_maps():
    model = course_cnn((8, 8, 1))
    conv = model.layers[0]
    assert conv.weights[0].shape == (3, 3, 1, 32) and conv.weights[1].shape == (32,)
    kernel = conv.weights[0].numpy()
    assert abs(kernel.mean()) < 0.1 and kernel.std() > 0
    conv_acti = keras.Model(model.inputs, model.layers[0].output)
    sample = np.random.default_rng(0).random((1, 8, 8, 1)).astype("float32")
    feature_maps = conv_acti.predict(sample, verbose=0)
    assert feature_maps.shape == (1, 8, 8, 32) and (feature_maps >= 0).all()
    conv2_acti = keras.Model(model.input, model.layers[2].output)
    assert conv2_acti.predict(sample, verbose=0).shape == (1, 4, 4, 64)
