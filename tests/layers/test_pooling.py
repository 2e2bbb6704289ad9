"""Pooling layers: gradient checks (float64 central differences), 'same' padding semantics,
tie routing, shapes, configs and errors (Keras golden values: test_layer_goldens.py)."""
import itertools

import numpy as np
import pytest

from numnet import layers
from numnet.debugging import layer_gradient_errors
from numnet.layers.conv_utils import geometry


def _assert_gradients_match(layer, x, tol=1e-6):
    for name, err in layer_gradient_errors(layer, x).items():
        assert err["rel"] < tol, (name, err)


def _reference_pool(x, pool_size, strides, padding, reduce):
    """Pool window by window (TensorFlow semantics: 'same' windows use real inputs only)."""
    (ph, pw), (sh, sw) = pool_size, strides
    oh, top, _ = geometry(x.shape[1], ph, sh, padding)
    ow, left, _ = geometry(x.shape[2], pw, sw, padding)
    out = np.zeros((x.shape[0], oh, ow, x.shape[3]))
    for i, j in itertools.product(range(oh), range(ow)):
        r0, c0 = i * sh - top, j * sw - left
        window = x[:, max(r0, 0):r0 + ph, max(c0, 0):c0 + pw, :]
        out[:, i, j, :] = reduce(window, axis=(1, 2))
    return out


POOL_CONFIGS = [
    {},
    {"pool_size": 3},
    {"pool_size": 3, "strides": 2},
    {"pool_size": 2, "strides": 1},
    {"pool_size": (2, 3), "strides": (1, 2)},
    {"pool_size": 2, "padding": "same"},
    {"pool_size": 3, "strides": 2, "padding": "same"},
    {"pool_size": 3, "strides": 1, "padding": "same"},
    {"pool_size": 2, "strides": 3, "padding": "same"},
    {"pool_size": (3, 2), "strides": (2, 1), "padding": "same"},
]
SHAPES = [(2, 6, 8, 3), (2, 5, 7, 2), (1, 4, 4, 1)]


@pytest.mark.parametrize("cls", [layers.MaxPooling2D, layers.AveragePooling2D])
@pytest.mark.parametrize("kwargs", POOL_CONFIGS)
@pytest.mark.parametrize("shape", SHAPES)
def test_pooling_gradients(cls, kwargs, shape):
    x = np.random.default_rng(0).standard_normal(shape)
    _assert_gradients_match(cls(dtype="float64", **kwargs), x)


@pytest.mark.parametrize("cls, reduce", [(layers.MaxPooling2D, np.max),
                                         (layers.AveragePooling2D, np.mean)])
@pytest.mark.parametrize("kwargs", POOL_CONFIGS)
@pytest.mark.parametrize("shape", SHAPES)
def test_pooling_matches_window_by_window_definition(cls, reduce, kwargs, shape):
    x = np.random.default_rng(1).standard_normal(shape)
    layer = cls(dtype="float64", **kwargs)
    expected = _reference_pool(x, layer.pool_size, layer.strides, layer.padding, reduce)
    np.testing.assert_allclose(layer(x), expected, rtol=1e-12, atol=1e-12)
    assert layer.compute_output_shape(shape) == expected.shape


def test_average_pooling_same_padding_counts_only_real_inputs():
    # the example of the Keras documentation (TensorFlow semantics)
    x = np.arange(1.0, 10.0).reshape(1, 3, 3, 1)
    y = layers.AveragePooling2D(pool_size=(2, 2), strides=(1, 1), padding="same")(x)
    np.testing.assert_allclose(y[0, :, :, 0], [[3, 4, 4.5], [6, 7, 7.5], [7.5, 8.5, 9]])
    # 3-wide windows, stride 2 on 6 columns: padding (0, 1), the last window has 2 real columns
    x = np.arange(36.0).reshape(1, 6, 6, 1)
    y = layers.AveragePooling2D(3, strides=2, padding="same")(x)
    np.testing.assert_allclose(y[0, 0, :, 0], [7.0, 9.0, 10.5])


def test_max_pooling_same_padding_never_picks_the_padding():
    x = -np.ones((1, 3, 3, 1), dtype=np.float32)
    y = layers.MaxPooling2D(2, padding="same")(x)
    assert y.shape == (1, 2, 2, 1) and np.all(y == -1)


def test_max_pooling_gradient_goes_to_the_first_of_tied_maxima():
    x = np.zeros((1, 4, 4, 1))
    layer = layers.MaxPooling2D(dtype="float64")
    y = layer(x, training=True)
    grad_x = layer.backward(np.ones_like(y))[0, :, :, 0]
    np.testing.assert_array_equal(grad_x, [[1, 0, 1, 0], [0, 0, 0, 0],
                                           [1, 0, 1, 0], [0, 0, 0, 0]])


def test_max_pooling_overlapping_windows_accumulate():
    x = np.array([[1.0, 2.0, 1.0], [0.0, 9.0, 0.0], [1.0, 2.0, 1.0]]).reshape(1, 3, 3, 1)
    layer = layers.MaxPooling2D(2, strides=1, dtype="float64")
    y = layer(x, training=True)
    grad_x = layer.backward(np.arange(1.0, 5.0).reshape(y.shape))
    assert grad_x[0, 1, 1, 0] == 10.0 and grad_x.sum() == 10.0  # the 9 wins all four windows


def test_max_pooling_backward_after_inference_forward():
    x = np.random.default_rng(2).standard_normal((2, 4, 4, 3))
    layer = layers.MaxPooling2D(dtype="float64")
    y = layer(x)  # training=False
    grad_x = layer.backward(np.ones_like(y))
    assert grad_x.shape == x.shape and grad_x.sum() == y.size


@pytest.mark.parametrize("cls", [layers.GlobalAveragePooling2D, layers.GlobalMaxPooling2D])
@pytest.mark.parametrize("keepdims", [False, True])
def test_global_pooling_gradients_and_shapes(cls, keepdims):
    x = np.random.default_rng(3).standard_normal((2, 3, 5, 4))
    layer = cls(keepdims=keepdims, dtype="float64")
    _assert_gradients_match(layer, x)
    expected = (None, 1, 1, 4) if keepdims else (None, 4)
    assert layer.compute_output_shape((None, 3, 5, 4)) == expected
    reduce = np.mean if cls is layers.GlobalAveragePooling2D else np.max
    np.testing.assert_allclose(layer(x), reduce(x, axis=(1, 2), keepdims=keepdims))


def test_global_max_pooling_splits_the_gradient_among_ties_like_keras():
    x = np.zeros((1, 2, 2, 1))
    x[0, 1, 1, 0] = -1.0
    layer = layers.GlobalMaxPooling2D(dtype="float64")
    layer(x, training=True)
    grad_x = layer.backward(np.array([[3.0]]))
    np.testing.assert_allclose(grad_x[0, :, :, 0], [[1.0, 1.0], [1.0, 0.0]])


def test_course_cnn_pooling_shapes():
    pool = layers.MaxPooling2D((2, 2))
    assert pool.compute_output_shape((None, 28, 28, 32)) == (None, 14, 14, 32)
    assert pool.compute_output_shape((None, 7, 7, 64)) == (None, 3, 3, 64)
    assert layers.MaxPooling2D(2, padding="same").compute_output_shape((None, 7, 7, 64)) == \
        (None, 4, 4, 64)
    assert layers.AveragePooling2D(3, strides=1).compute_output_shape((None, 5, 6, 2)) == \
        (None, 3, 4, 2)


def test_pooling_has_no_weights():
    layer = layers.MaxPooling2D()
    layer(np.zeros((1, 4, 4, 2), dtype=np.float32))
    assert layer.weights == [] and layer.count_params() == 0


@pytest.mark.parametrize("layer", [
    layers.MaxPooling2D(), layers.AveragePooling2D(3, strides=(2, 1), padding="same"),
    layers.MaxPooling2D(pool_size=(2, 3), strides=2, padding="SAME"),
])
def test_pooling_configs_round_trip_with_keras_keys(layer):
    config = layer.get_config()
    assert list(config) == ["name", "trainable", "dtype", "pool_size", "padding", "strides",
                            "data_format"]
    assert isinstance(config["pool_size"], list) and isinstance(config["strides"], list)
    assert config["data_format"] == "channels_last" and config["padding"] in ("valid", "same")
    assert type(layer).from_config(config).get_config() == config


def test_default_strides_are_the_pool_size():
    assert layers.MaxPooling2D((3, 2)).strides == (3, 2)
    assert layers.AveragePooling2D(3).get_config()["strides"] == [3, 3]


@pytest.mark.parametrize("cls", [layers.GlobalAveragePooling2D, layers.GlobalMaxPooling2D])
def test_global_pooling_configs_round_trip(cls):
    config = cls(keepdims=True).get_config()
    assert config["keepdims"] is True and config["data_format"] == "channels_last"
    assert cls.from_config(config).get_config() == config


@pytest.mark.parametrize("kwargs, error, match", [
    ({"pool_size": 0}, ValueError, "pool_size"),
    ({"pool_size": (2, 2, 2)}, ValueError, "pool_size"),
    ({"pool_size": 2.0}, ValueError, "pool_size"),
    ({"strides": 0}, ValueError, "strides"),
    ({"padding": "full"}, ValueError, "padding"),
    ({"data_format": "channels_first"}, NotImplementedError, "channels_last"),
    ({"data_format": "NHWC"}, ValueError, "data_format"),
])
def test_bad_pooling_arguments_are_reported(kwargs, error, match):
    for cls in (layers.MaxPooling2D, layers.AveragePooling2D):
        with pytest.raises(error, match=match):
            cls(**kwargs)


def test_bad_pooling_inputs_are_reported():
    with pytest.raises(ValueError, match="4-D"):
        layers.MaxPooling2D()(np.zeros((2, 28, 28), dtype=np.float32))
    with pytest.raises(ValueError, match="smaller than the window"):
        layers.MaxPooling2D(3).compute_output_shape((None, 2, 5, 1))
    with pytest.raises(ValueError, match="4-D"):
        layers.GlobalAveragePooling2D()(np.zeros((2, 28), dtype=np.float32))
    with pytest.raises(NotImplementedError, match="channels_last"):
        layers.GlobalMaxPooling2D(data_format="channels_first")
