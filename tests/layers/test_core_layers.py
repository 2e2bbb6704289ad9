"""Core layers: gradient checks (float64 central differences), shapes, configs, errors."""
import numpy as np
import pytest

import numnet
from numnet import layers
from numnet.debugging import layer_gradient_errors


def _assert_gradients_match(layer, x, tol=1e-6):
    for name, err in layer_gradient_errors(layer, x).items():
        assert err["rel"] < tol, (name, err)


@pytest.mark.parametrize("activation", ["linear", "sigmoid", "tanh", "relu", "softmax", "elu",
                                        "selu", "softplus", "softsign", "swish", "gelu",
                                        "leaky_relu", "exponential"])
def test_dense_gradient_every_activation(activation):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, 4))
    layer = layers.Dense(3, activation=activation, dtype="float64")
    _assert_gradients_match(layer, x)


def test_dense_gradient_nd_input_and_no_bias():
    x = np.random.default_rng(1).standard_normal((2, 3, 4))
    _assert_gradients_match(layers.Dense(2, use_bias=False, dtype="float64"), x)


@pytest.mark.parametrize("make", [
    lambda: layers.Activation("tanh", dtype="float64"),
    lambda: layers.Flatten(dtype="float64"),
    lambda: layers.Reshape((3, 4), dtype="float64"),
    lambda: layers.Reshape((-1,), dtype="float64"),
    lambda: layers.Dropout(0.5, seed=3, dtype="float64"),
])
def test_shape_and_activation_layers_gradients(make):
    x = np.random.default_rng(2).standard_normal((3, 2, 6))
    _assert_gradients_match(make(), x)


def test_dense_param_counts_match_keras():
    # Keras: Dense(10) on 100 inputs has 100*10 + 10 = 1,010 parameters.
    layer = layers.Dense(10)
    layer(np.zeros((1, 100)))
    assert layer.count_params() == 1010
    assert layer.kernel.shape == (100, 10) and layer.bias.shape == (10,)
    assert [w.name for w in layer.weights] == ["kernel", "bias"]


def test_dense_forward_matches_formula():
    layer = layers.Dense(2, activation="relu")
    x = np.array([[1.0, -2.0, 3.0]], dtype=np.float32)
    layer(x)
    layer.set_weights([np.arange(6, dtype=np.float32).reshape(3, 2), np.array([0.5, -100.0])])
    np.testing.assert_allclose(layer(x), np.maximum(x @ layer.kernel.numpy() + [0.5, -100], 0))


def test_automatic_names_like_keras():
    names = [layers.Dense(1).name, layers.Dense(1).name, layers.Flatten().name,
             layers.Dropout(0.1).name]
    assert names == ["dense", "dense_1", "flatten", "dropout"]


def test_dropout_is_inverted_and_only_in_training():
    layer = layers.Dropout(0.25, seed=0)
    x = np.ones((2000, 50), dtype=np.float32)
    assert np.array_equal(layer(x, training=False), x)
    y = layer(x, training=True)
    kept = y[y != 0]
    np.testing.assert_allclose(kept, 1 / 0.75, rtol=1e-6)  # survivors scaled by 1/(1-rate)
    assert abs((y == 0).mean() - 0.25) < 0.01
    assert abs(y.mean() - 1.0) < 0.02  # the expectation is unchanged


@pytest.mark.parametrize("rate", [-0.1, 1.0, 1.5, "half", None])
def test_dropout_rejects_bad_rate(rate):
    with pytest.raises(ValueError, match="rate"):
        layers.Dropout(rate)


def test_dense_rejects_bad_units_and_unknown_kwargs():
    with pytest.raises(ValueError, match="units"):
        layers.Dense(0)
    with pytest.raises(TypeError, match="unexpected keyword"):
        layers.Dense(3, activations="relu")


def test_unknown_activation_suggests_sigmoid():
    with pytest.raises(ValueError, match="sigmoid"):
        layers.Dense(1, activation="binary")


def test_reshape_and_flatten_shapes():
    assert layers.Flatten().compute_output_shape((None, 28, 28)) == (None, 784)
    assert layers.Reshape((7, -1)).compute_output_shape((None, 28, 2)) == (None, 7, 8)
    with pytest.raises(ValueError, match="cannot reshape"):
        layers.Reshape((5, 5)).compute_output_shape((None, 28))


def test_variable_api_for_course_code():
    layer = layers.Dense(3)
    layer(np.zeros((1, 2)))
    kernel = layer.weights[0]
    assert kernel.numpy().shape == (2, 3) and kernel.dtype == "float32"
    kernel.assign(np.ones((2, 3)))
    assert np.array_equal(layer.get_weights()[0], np.ones((2, 3)))
    with pytest.raises(ValueError, match="shape"):
        kernel.assign(np.ones((3, 3)))


def test_layer_configs_round_trip():
    for layer in [layers.Dense(4, activation="relu", kernel_regularizer="l2"),
                  layers.Activation("tanh"), layers.Flatten(), layers.Reshape((2, 2)),
                  layers.Dropout(0.3)]:
        config = layer.get_config()
        clone = type(layer).from_config(config)
        assert clone.get_config() == config


def test_input_returns_symbolic_tensor():
    tensor = numnet.Input(shape=(28, 28))
    assert tensor.shape == (None, 28, 28)
    with pytest.raises(ValueError, match="shape"):
        numnet.Input()


def test_dense_refuses_constraints_it_would_ignore():
    with pytest.raises(NotImplementedError, match="kernel_constraint"):
        layers.Dense(3, kernel_constraint="max_norm")
