"""Conv2D / Conv1D: gradient checks (float64 central differences), shapes, parameter counts,
configs and errors (the Keras golden values are in test_layer_goldens.py)."""
import json

import numpy as np
import pytest

import numnet
from numnet import layers
from numnet.debugging import layer_gradient_errors


def _assert_gradients_match(layer, x, tol=1e-6):
    for name, err in layer_gradient_errors(layer, x).items():
        assert err["rel"] < tol, (name, err)


@pytest.mark.parametrize("kwargs", [
    {"filters": 3, "kernel_size": 3},
    {"filters": 3, "kernel_size": 3, "padding": "same"},
    {"filters": 2, "kernel_size": 3, "strides": 2},
    {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"},
    {"filters": 2, "kernel_size": (2, 3), "strides": (2, 1), "padding": "same"},
    {"filters": 2, "kernel_size": (3, 2), "strides": (1, 3)},
    {"filters": 2, "kernel_size": (2, 4), "padding": "same", "activation": "relu"},
    {"filters": 2, "kernel_size": 1, "activation": "tanh", "use_bias": False},
    {"filters": 2, "kernel_size": (4, 2), "strides": 3, "padding": "same",
     "activation": "sigmoid"},
])
@pytest.mark.parametrize("shape", [(2, 5, 7, 3), (2, 6, 4, 1), (1, 7, 7, 2)])
def test_conv2d_gradients(kwargs, shape):
    x = np.random.default_rng(0).standard_normal(shape)
    _assert_gradients_match(layers.Conv2D(dtype="float64", **kwargs), x)


@pytest.mark.parametrize("kwargs", [
    {"filters": 3, "kernel_size": 3},
    {"filters": 2, "kernel_size": 3, "padding": "causal"},
    {"filters": 2, "kernel_size": 4, "padding": "same"},
    {"filters": 2, "kernel_size": 2, "strides": 2, "padding": "same", "activation": "relu"},
    {"filters": 2, "kernel_size": 3, "strides": 2},
])
def test_conv1d_gradients(kwargs):
    x = np.random.default_rng(1).standard_normal((2, 7, 3))
    _assert_gradients_match(layers.Conv1D(dtype="float64", **kwargs), x)


def test_conv2d_matches_direct_loop_definition():
    # y[n, i, j, f] = b[f] + sum_{a, b, c} x[n, i*s + a, j*s + b, c] * W[a, b, c, f]
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 7, 6, 3))
    layer = layers.Conv2D(4, (3, 2), strides=(2, 1), dtype="float64")
    y = layer(x)
    kernel, bias = layer.get_weights()
    expected = np.zeros_like(y)
    for i in range(y.shape[1]):
        for j in range(y.shape[2]):
            window = x[:, 2 * i:2 * i + 3, j:j + 2, :]
            expected[:, i, j, :] = np.tensordot(window, kernel, axes=3) + bias
    np.testing.assert_allclose(y, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("size, kernel, stride, out, pads", [
    (28, 3, 1, 28, (1, 1)),
    (5, 2, 2, 3, (0, 1)),   # odd size, stride 2: the extra padding goes at the end
    (6, 4, 2, 3, (1, 1)),
    (7, 4, 3, 3, (1, 2)),
    (6, 1, 2, 3, (0, 0)),
])
def test_same_padding_arithmetic_matches_tensorflow(size, kernel, stride, out, pads):
    from numnet.layers.conv_utils import geometry
    # out = ceil(n / s); pad total = max((out - 1) * s + k - n, 0); the smaller half first
    assert geometry(size, kernel, stride, "same") == (out,) + pads


@pytest.mark.parametrize("kwargs, input_shape, output_shape", [
    ({"filters": 32, "kernel_size": 3}, (None, 28, 28, 1), (None, 26, 26, 32)),
    ({"filters": 32, "kernel_size": 3, "padding": "same"}, (None, 28, 28, 1),
     (None, 28, 28, 32)),
    ({"filters": 8, "kernel_size": 3, "strides": 2}, (None, 28, 28, 3), (None, 13, 13, 8)),
    ({"filters": 8, "kernel_size": 3, "strides": 2, "padding": "same"}, (None, 28, 27, 3),
     (None, 14, 14, 8)),
    ({"filters": 4, "kernel_size": (5, 1), "strides": (1, 2)}, (None, 9, 9, 2),
     (None, 5, 5, 4)),
])
def test_conv2d_output_shapes(kwargs, input_shape, output_shape):
    layer = layers.Conv2D(**kwargs)
    assert layer.compute_output_shape(input_shape) == output_shape
    y = layer(np.zeros((2,) + input_shape[1:], dtype=np.float32))
    assert y.shape == (2,) + output_shape[1:]
    assert layer.output_shape == output_shape


def test_conv1d_output_shapes():
    assert layers.Conv1D(4, 3).compute_output_shape((None, 10, 2)) == (None, 8, 4)
    assert layers.Conv1D(4, 3, padding="causal").compute_output_shape((None, 10, 2)) == \
        (None, 10, 4)
    assert layers.Conv1D(4, 3, strides=2, padding="same").compute_output_shape(
        (None, 9, 2)) == (None, 5, 4)


def test_conv1d_causal_sees_only_the_past():
    layer = layers.Conv1D(1, 3, padding="causal", dtype="float64")
    x = np.zeros((1, 6, 1))
    layer(x)
    x[0, 4, 0] = 1.0
    y = layer(x)[0, :, 0] - layer.bias.numpy()[0]
    assert np.all(y[:4] == 0) and np.any(y[4:] != 0)


def test_param_counts_and_weight_layout_match_keras():
    layer = layers.Conv2D(32, 3)
    layer(np.zeros((1, 28, 28, 1), dtype=np.float32))
    assert layer.count_params() == 320  # 3*3*1*32 + 32
    assert layer.kernel.shape == (3, 3, 1, 32) and layer.bias.shape == (32,)
    assert [w.name for w in layer.weights] == ["kernel", "bias"]
    second = layers.Conv2D(64, 3, padding="same")
    second(np.zeros((1, 14, 14, 32), dtype=np.float32))
    assert second.count_params() == 18_496  # 3*3*32*64 + 64
    no_bias = layers.Conv2D(8, (5, 3), use_bias=False)
    no_bias(np.zeros((1, 9, 9, 3), dtype=np.float32))
    assert no_bias.count_params() == 5 * 3 * 3 * 8 and len(no_bias.weights) == 1
    conv1d = layers.Conv1D(4, 3)
    conv1d(np.zeros((1, 10, 2), dtype=np.float32))
    assert conv1d.kernel.shape == (3, 2, 4) and conv1d.count_params() == 28


def test_glorot_uniform_kernel_uses_receptive_field_fans():
    layer = layers.Conv2D(64, 3)
    layer(np.zeros((1, 8, 8, 32), dtype=np.float32))
    limit = np.sqrt(6 / (3 * 3 * 32 + 3 * 3 * 64))
    kernel = layer.kernel.numpy()
    assert kernel.dtype == np.float32 and np.abs(kernel).max() <= limit
    assert np.abs(kernel).max() > 0.9 * limit


def test_course_cnn_has_333526_parameters():
    model = numnet.Sequential([
        numnet.Input((28, 28, 1)),
        layers.Conv2D(32, (3, 3), padding="same", activation="relu"),
        layers.MaxPooling2D((2, 2)),
        layers.Conv2D(64, (3, 3), padding="same", activation="relu"),
        layers.MaxPooling2D((2, 2)),
        layers.Flatten(),
        layers.Dense(100, activation="relu"),
        layers.Dropout(0.4),
        layers.Dense(10, activation="softmax"),
    ])
    assert model.count_params() == 333_526
    assert [layer.output_shape for layer in model.layers] == [
        (None, 28, 28, 32), (None, 14, 14, 32), (None, 14, 14, 64), (None, 7, 7, 64),
        (None, 3136), (None, 100), (None, 100), (None, 10)]
    assert [layer.name for layer in model.layers[:4]] == [
        "conv2d", "max_pooling2d", "conv2d_1", "max_pooling2d_1"]


def test_course_cnn_trains_and_its_gradients_check():
    rng = np.random.default_rng(0)
    x = rng.random((64, 8, 8, 1)).astype(np.float32)
    y = (x[:, :4].mean(axis=(1, 2, 3)) > x[:, 4:].mean(axis=(1, 2, 3))).astype(np.int64)
    model = numnet.Sequential([
        numnet.Input((8, 8, 1)),
        layers.Conv2D(4, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(),
        layers.Conv2D(8, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(),
        layers.Flatten(),
        layers.Dense(2, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    report = numnet.debugging.check_gradients(model, x[:8], y[:8], verbose=False)
    assert max(report.values()) < 1e-4, report
    history = model.fit(x, y, epochs=30, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_large_inference_batches_run_in_chunks(monkeypatch):
    from numnet.layers import convolutional
    rng = np.random.default_rng(4)
    x = rng.standard_normal((7, 6, 5, 2))
    layer = layers.Conv2D(3, 3, padding="same", activation="relu", dtype="float64")
    whole = layer(x)
    grad_y = rng.standard_normal(whole.shape)
    layer(x, training=True)
    expected_grads = [layer.backward(grad_y), layer.kernel.grad.copy(), layer.bias.grad.copy()]
    monkeypatch.setattr(convolutional, "_INFERENCE_COLS_BYTES", 2 * 6 * 5 * 18 * 8)
    np.testing.assert_allclose(layer(x), whole, rtol=1e-12)  # 2 samples per chunk
    assert layer._cols is None
    # backward after such an inference pass still works (it gathers the windows again)
    grads = [layer.backward(grad_y), layer.kernel.grad, layer.bias.grad]
    for got, expected in zip(grads, expected_grads):
        np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_first_layer_skips_the_input_gradient():
    layer = layers.Conv2D(2, 3)
    x = np.ones((1, 5, 5, 1), dtype=np.float32)
    y = layer(x, training=True)
    layer.needs_input_gradient = False
    assert layer.backward(np.ones_like(y)) is None
    assert np.all(layer.kernel.grad == 9.0)  # every window of ones, summed over 9 positions
    assert np.all(layer.bias.grad == 9.0)


def test_backward_writes_into_the_existing_gradient_arrays():
    layer = layers.Conv2D(2, 3, dtype="float64")
    x = np.random.default_rng(3).standard_normal((2, 5, 5, 2))
    y = layer(x, training=True)
    kernel_grad, bias_grad = layer.kernel.grad, layer.bias.grad
    grad_y = np.ones_like(y)
    layer.backward(grad_y)
    assert layer.kernel.grad is kernel_grad and layer.bias.grad is bias_grad
    assert np.all(grad_y == 1.0)  # the incoming gradient is left untouched
    assert np.any(kernel_grad != 0)


def test_configs_round_trip_with_keras_keys():
    layer = layers.Conv2D(8, 3, strides=2, padding="same", activation="relu",
                          kernel_regularizer="l2", name="c")
    config = layer.get_config()
    assert list(config) == [
        "name", "trainable", "dtype", "filters", "kernel_size", "strides", "padding",
        "data_format", "dilation_rate", "groups", "activation", "use_bias",
        "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
        "activity_regularizer", "kernel_constraint", "bias_constraint"]
    assert config["kernel_size"] == [3, 3] and config["strides"] == [2, 2]
    assert config["data_format"] == "channels_last" and config["dilation_rate"] == [1, 1]
    assert json.loads(json.dumps(config)) == config
    for original in [layer, layers.Conv1D(4, 5, padding="causal"),
                     layers.Conv2D(2, (1, 3), use_bias=False, padding="SAME")]:
        config = original.get_config()
        assert type(original).from_config(config).get_config() == config


@pytest.mark.parametrize("kwargs, error, match", [
    ({"filters": 0, "kernel_size": 3}, ValueError, "filters"),
    ({"filters": 2.5, "kernel_size": 3}, ValueError, "filters"),
    ({"filters": 4, "kernel_size": 0}, ValueError, "kernel_size"),
    ({"filters": 4, "kernel_size": (3, 3, 3)}, ValueError, "kernel_size"),
    ({"filters": 4, "kernel_size": "3"}, ValueError, "kernel_size"),
    ({"filters": 4, "kernel_size": 3, "strides": 0}, ValueError, "strides"),
    ({"filters": 4, "kernel_size": 3, "padding": "full"}, ValueError, "padding"),
    ({"filters": 4, "kernel_size": 3, "padding": "causal"}, ValueError, "padding"),
    ({"filters": 4, "kernel_size": 3, "data_format": "nhwc"}, ValueError, "data_format"),
    ({"filters": 4, "kernel_size": 3, "data_format": "channels_first"}, NotImplementedError,
     "channels_last"),
    ({"filters": 4, "kernel_size": 3, "dilation_rate": 2}, NotImplementedError,
     "dilation_rate"),
    ({"filters": 4, "kernel_size": 3, "groups": 2}, NotImplementedError, "groups"),
    ({"filters": 4, "kernel_size": 3, "activation": "binary"}, ValueError, "sigmoid"),
    ({"filters": 4, "kernel_size": 3, "kernel_constraint": "max_norm"}, NotImplementedError,
     "kernel_constraint"),
    ({"filters": 4, "kernel_size": 3, "kernel_sizes": 3}, TypeError, "unexpected keyword"),
])
def test_bad_arguments_are_reported(kwargs, error, match):
    with pytest.raises(error, match=match):
        layers.Conv2D(**kwargs)


def test_bad_inputs_are_reported():
    layer = layers.Conv2D(2, 3)
    with pytest.raises(ValueError, match=r"4-D .*\(None, 28, 28\).*reshape"):
        layer.compute_output_shape((None, 28, 28))
    with pytest.raises(ValueError, match="smaller than the window"):
        layers.Conv2D(2, 5).compute_output_shape((None, 4, 4, 1))
    layer(np.zeros((1, 6, 6, 3), dtype=np.float32))
    with pytest.raises(ValueError, match="3 channels"):
        layer(np.zeros((1, 6, 6, 1), dtype=np.float32))
    with pytest.raises(ValueError, match="3-D"):
        layers.Conv1D(2, 3)(np.zeros((1, 6, 6, 1), dtype=np.float32))
