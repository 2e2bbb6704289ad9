"""Differential runs against real Keras 3 on the same weights: training history, evaluation
and final weights agree for each optimizer, with an L2 penalty, dropout-free MLP and a CNN.

Marked ``interop`` (needs Keras 3 with the torch backend); skipped when Keras is absent unless
``NUMNET_REQUIRE_KERAS=1``.

The weights are Keras's own initial ones, so no predicted probability saturates below the
epsilon 1e-7. Past that point the backends of Keras differ from each other: on TensorFlow the
softmax + cross-entropy gradient is taken from the logits (``p - y``, as numnet does), on torch
the clipped log stops it. numnet keeps the fused gradient.
"""
import os

import numpy as np
import pytest

import numnet

pytestmark = pytest.mark.interop


@pytest.fixture(scope="module")
def keras():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    if os.environ.get("NUMNET_REQUIRE_KERAS") == "1":
        import keras
    else:
        keras = pytest.importorskip("keras")
    return keras


def mlp(K):
    return K.Sequential([K.Input((6,)),
                         K.layers.Dense(5, activation="relu",
                                        kernel_regularizer=K.regularizers.L2(0.01)),
                         K.layers.Dense(3, activation="softmax")])


def cnn(K):
    return K.Sequential([K.Input((6, 6, 1)), K.layers.Conv2D(4, 3, padding="same",
                                                             activation="relu"),
                         K.layers.MaxPooling2D(2), K.layers.Flatten(),
                         K.layers.Dense(3, activation="softmax")])


def run(K, build, x, y, weights, optimizer, loss):
    model = build(K)
    model.set_weights(weights)
    model.compile(optimizer=K.optimizers.get(optimizer), loss=loss, metrics=["accuracy"])
    history = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0,
                        validation_split=0.25)
    return history.history, model.evaluate(x, y, verbose=0), model.get_weights()


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "rmsprop", "adagrad", "nadam"])
@pytest.mark.parametrize("build", [mlp, cnn])
@pytest.mark.parametrize("loss", ["sparse_categorical_crossentropy", "categorical_crossentropy"])
def test_training_matches_keras_on_the_same_weights(keras, build, optimizer, loss):
    rng = np.random.default_rng(0)
    shape = (40, 6) if build is mlp else (40, 6, 6, 1)
    x = rng.random(shape).astype("float32")
    y = rng.integers(0, 3, 40)
    if loss == "categorical_crossentropy":
        y = np.eye(3, dtype="float32")[y]
    weights = build(keras).get_weights()
    k_hist, k_eval, k_weights = run(keras, build, x, y, weights, optimizer, loss)
    n_hist, n_eval, n_weights = run(numnet, build, x, y, weights, optimizer, loss)
    assert set(n_hist) == set(k_hist)
    for key in k_hist:
        np.testing.assert_allclose(n_hist[key], k_hist[key], rtol=2e-5, atol=1e-6, err_msg=key)
    np.testing.assert_allclose(n_eval, k_eval, rtol=2e-5, atol=1e-6)
    for ours, theirs in zip(n_weights, k_weights):
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-5)


def two_outputs(K):
    x = K.Input((4,))
    h = K.layers.Dense(8, activation="tanh")(x)
    return K.Model(x, [K.layers.Dense(2, activation="softmax", name="cls")(h),
                       K.layers.Dense(1, name="reg")(h)])


def test_multi_output_training_matches_keras(keras):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((40, 4)).astype("float32")
    ys = [rng.integers(0, 2, 40), rng.standard_normal((40, 1)).astype("float32")]
    weights = two_outputs(keras).get_weights()
    results = []
    for K in (keras, numnet):
        model = two_outputs(K)
        model.set_weights(weights)
        model.compile(optimizer="sgd", loss=["sparse_categorical_crossentropy", "mse"],
                      loss_weights=[1.0, 0.5], metrics=[["accuracy"], ["mae"]])
        history = model.fit(x, ys, epochs=2, batch_size=16, shuffle=False, verbose=0,
                            validation_split=0.25)
        results.append((history.history, model.evaluate(x, ys, verbose=0)))
    (k_hist, k_eval), (n_hist, n_eval) = results
    assert set(n_hist) == set(k_hist)
    for key in k_hist:
        np.testing.assert_allclose(n_hist[key], k_hist[key], rtol=2e-5, atol=1e-6, err_msg=key)
    np.testing.assert_allclose(n_eval, k_eval, rtol=2e-5, atol=1e-6)
