"""ZeroPadding2D: gradient checks, shapes, padding forms, configs and errors."""
import numpy as np
import pytest

from numnet import layers
from numnet.debugging import layer_gradient_errors


@pytest.mark.parametrize("padding, expected", [
    (1, ((1, 1), (1, 1))),
    (0, ((0, 0), (0, 0))),
    ((1, 2), ((1, 1), (2, 2))),
    (((0, 2), (3, 1)), ((0, 2), (3, 1))),
    ([[1, 0], [0, 1]], ((1, 0), (0, 1))),
    ((1, (2, 0)), ((1, 1), (2, 0))),
])
def test_padding_forms_and_gradients(padding, expected):
    layer = layers.ZeroPadding2D(padding, dtype="float64")
    assert layer.padding == expected
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 2))
    y = layer(x)
    (top, bottom), (left, right) = expected
    assert y.shape == (2, 3 + top + bottom, 4 + left + right, 2)
    np.testing.assert_array_equal(y[:, top:top + 3, left:left + 4, :], x)
    assert np.abs(y).sum() == pytest.approx(np.abs(x).sum())  # the border is all zeros
    for name, err in layer_gradient_errors(layer, x).items():
        assert err["rel"] < 1e-6, (name, err)


def test_default_and_output_shape():
    layer = layers.ZeroPadding2D()
    assert layer.padding == ((1, 1), (1, 1))
    assert layer.compute_output_shape((None, 28, 28, 1)) == (None, 30, 30, 1)
    assert layer.compute_output_shape((None, None, 5, 3)) == (None, None, 7, 3)


def test_config_round_trip_with_keras_keys():
    layer = layers.ZeroPadding2D(((0, 2), (3, 1)))
    config = layer.get_config()
    assert config["padding"] == [[0, 2], [3, 1]] and config["data_format"] == "channels_last"
    assert list(config) == ["name", "trainable", "dtype", "padding", "data_format"]
    assert layers.ZeroPadding2D.from_config(config).get_config() == config


@pytest.mark.parametrize("padding", [-1, (1, 2, 3), ((1, 2), (3,)), 1.5, "same", (1, -2),
                                     ((0, 1), (2, -1)), True])
def test_bad_padding_is_reported(padding):
    with pytest.raises(ValueError, match="padding"):
        layers.ZeroPadding2D(padding)


def test_bad_inputs_are_reported():
    with pytest.raises(NotImplementedError, match="channels_last"):
        layers.ZeroPadding2D(data_format="channels_first")
    with pytest.raises(ValueError, match="4-D"):
        layers.ZeroPadding2D()(np.zeros((2, 5, 5), dtype=np.float32))
