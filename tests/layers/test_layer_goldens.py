"""Keras golden values for the convolution, pooling, padding and normalization layers.

``tests/fixtures/layers/goldens.npz`` was written by real Keras 3 (torch backend) with
``tests/fixtures/make_layer_goldens.py``: for each case the input, the weights, Keras's output,
and the gradients of ``L = sum(y * R)`` for a fixed ``R`` (input and weights, by autograd), and
the weights after the call (BatchNormalization's moving statistics). These tests never import
Keras.
"""
import json
import os

import numpy as np
import pytest

from numnet import layers

GOLDENS = os.path.join(os.path.dirname(__file__), "..", "fixtures", "layers", "goldens.npz")


def _load_cases():
    with np.load(GOLDENS, allow_pickle=False) as data:
        cases = {}
        for key in data.files:
            name, field = key.split("__", 1)
            cases.setdefault(name, {})[field] = data[key]
    return cases


CASES = _load_cases()


@pytest.mark.parametrize("name", sorted(CASES))
def test_layer_matches_keras(name):
    case = CASES[name]
    layer = getattr(layers, str(case["class"]))(**json.loads(str(case["config"])))
    x = case["x"]
    layer.ensure_built(x.shape)
    layer.set_weights([case[f"w{i}"] for i in range(len(layer.weights))])
    tolerance = {"rtol": 1e-5, "atol": 1e-5}

    y = layer(x, training=bool(case["training"]))
    np.testing.assert_allclose(y, case["y"], err_msg="output", **tolerance)
    assert y.shape == layer.compute_output_shape(x.shape)
    grad_x = layer.backward(case["r"])
    np.testing.assert_allclose(grad_x, case["dx"], err_msg="input gradient", **tolerance)
    for i, variable in enumerate(layer.trainable_weights):
        np.testing.assert_allclose(variable.grad, case[f"dw{i}"],
                                   err_msg=f"gradient of {variable.name}", **tolerance)
    for i, value in enumerate(layer.get_weights()):
        np.testing.assert_allclose(value, case[f"after{i}"],
                                   err_msg=f"weight {i} after the call", **tolerance)


def test_every_new_layer_has_golden_cases():
    covered = {str(case["class"]) for case in CASES.values()}
    assert covered == {"Conv2D", "Conv1D", "MaxPooling2D", "AveragePooling2D",
                       "GlobalAveragePooling2D", "GlobalMaxPooling2D", "ZeroPadding2D",
                       "BatchNormalization"}


def test_max_pooling_ties_route_to_the_first_maximum():
    # the golden input holds 2x2 windows full of equal values: Keras (and TensorFlow) give the
    # whole gradient of such a window to its first element in row-major order
    case = CASES["maxpool_ties"]
    layer = layers.MaxPooling2D(2, strides=1)
    layer(case["x"], training=True)
    grad_x = layer.backward(np.ones_like(case["r"]))
    assert grad_x[0, 0, 0, 0] == 1 and grad_x[0, 0, 1, 0] == 0 and grad_x[0, 1, 0, 0] == 0
    assert grad_x.sum() == case["r"].size  # each window's gradient goes to one element
