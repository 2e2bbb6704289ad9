"""to_categorical and normalize, against Keras 3's behaviour."""
import numpy as np
import pytest

from numnet import config
from numnet.utils.numerical_utils import normalize, to_categorical


def test_one_hot_rows_float32():
    out = to_categorical([0, 2, 1], num_classes=3)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [[1, 0, 0], [0, 0, 1], [0, 1, 0]])


def test_num_classes_inferred_from_max():
    assert to_categorical(np.array([3, 0])).shape == (2, 4)


def test_trailing_axis_of_one_is_squeezed_like_keras():
    assert to_categorical(np.array([[1], [0]]), 3).shape == (2, 3)
    assert to_categorical(np.zeros((2, 5), dtype=int), 3).shape == (2, 5, 3)
    assert to_categorical(np.zeros((4, 2, 1), dtype=int), 3).shape == (4, 2, 3)
    assert to_categorical(2, 4).shape == (4,)  # a scalar label gives one row, like Keras


def test_uint8_and_whole_float_labels():
    y = np.array([9, 0], dtype=np.uint8)
    np.testing.assert_array_equal(to_categorical(y, 10).argmax(axis=1), [9, 0])
    np.testing.assert_array_equal(to_categorical(np.array([1.0, 0.0])), [[0, 1], [1, 0]])


def test_follows_floatx():
    config.set_floatx("float64")
    try:
        assert to_categorical([0, 1]).dtype == np.float64
    finally:
        config.set_floatx("float32")


def test_empty_input_with_and_without_num_classes():
    assert to_categorical(np.array([], dtype=int), 3).shape == (0, 3)
    with pytest.raises(ValueError, match="empty"):
        to_categorical([])


@pytest.mark.parametrize("labels, match", [
    ([0, -1], "negative label -1"),
    ([0.5, 1.0], "non-integer label 0.5"),
    ([0, np.nan], "NaN"),
])
def test_bad_labels(labels, match):
    with pytest.raises(ValueError, match=match):
        to_categorical(labels)


def test_label_not_below_num_classes():
    with pytest.raises(ValueError, match=r"label 10 is out of range for num_classes=10.*0\.\.9"):
        to_categorical([1, 10], num_classes=10)


@pytest.mark.parametrize("num_classes", [0, -2, 2.5, True, "3"])
def test_bad_num_classes(num_classes):
    with pytest.raises(ValueError, match="num_classes must be a positive integer"):
        to_categorical([0, 1], num_classes=num_classes)


def test_non_numeric_labels():
    with pytest.raises(TypeError, match="integer class labels"):
        to_categorical(["cat", "dog"])


def test_normalize_l2_rows():
    x = np.array([[3.0, 4.0], [0.0, 0.0]])
    out = normalize(x)
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0]])
    assert out.dtype == np.float64 and out is not x


def test_normalize_axis_and_order():
    x = np.array([[1.0, 2.0], [3.0, 2.0]], dtype=np.float32)
    np.testing.assert_allclose(normalize(x, axis=0, order=1), [[0.25, 0.5], [0.75, 0.5]])
    assert normalize(x, axis=0).dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(normalize(x, axis=0), axis=0), [1, 1], rtol=1e-6)
    np.testing.assert_allclose(normalize(x, order=np.inf), [[0.5, 1.0], [1.0, 2 / 3]])


def test_normalize_integer_input_and_errors():
    assert normalize([[3, 4]]).dtype == np.float32
    with pytest.raises(ValueError, match="axis"):
        normalize([[1.0, 2.0]], axis=2)
    with pytest.raises(ValueError, match="scalar"):
        normalize(3.0)
