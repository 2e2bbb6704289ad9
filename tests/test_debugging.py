"""check_gradients: the learner's tool agrees with backprop, and notices a broken gradient."""
import numpy as np

import numnet as keras


def test_check_gradients_passes_for_a_correct_model(capsys):
    model = keras.Sequential([keras.Input((4,)),
                              keras.layers.Dense(5, activation="tanh", kernel_regularizer="l2"),
                              keras.layers.Dropout(0.3),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((6, 4)), np.array([0, 1, 2, 0, 1, 2])
    before = model.get_weights()
    report = keras.debugging.check_gradients(model, x, y)
    assert set(report) == {"dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias"}
    assert max(report.values()) < 1e-6
    assert "max relative error" in capsys.readouterr().out
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    assert model.weights[0].dtype == "float32"


def test_check_gradients_detects_a_wrong_backward():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="mse")
    layer = model.layers[0]
    original = layer.backward_pre_activation

    def broken(grad_z):
        result = original(grad_z)
        layer.kernel.grad *= 2  # a bug a learner might write
        return result

    layer.backward_pre_activation = broken
    x = np.random.default_rng(1).standard_normal((4, 3))
    report = keras.debugging.check_gradients(model, x, np.zeros((4, 2)), verbose=False)
    assert report["dense/kernel"] > 0.1 and report["dense/bias"] < 1e-6
