"""The offline 8x8 digits: shapes, dtypes, scaling and a deterministic split."""
import numpy as np
import pytest

from numnet.datasets import digits


def test_default_split_shapes_and_dtypes():
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    assert x_train.shape == (1437, 8, 8) and y_train.shape == (1437,)
    assert x_test.shape == (360, 8, 8) and y_test.shape == (360,)
    for a in (x_train, y_train, x_test, y_test):
        assert a.dtype == np.uint8
    assert x_train.max() == 255 and x_train.min() == 0
    assert set(np.unique(np.concatenate([y_train, y_test]))) == set(range(10))


def test_pixels_are_sklearn_values_times_16_clipped():
    from sklearn.datasets import load_digits

    raw = load_digits().data
    (x_train, _), (x_test, _) = digits.load_data(as_images=False, test_split=0.0)
    assert x_train.shape == (1797, 64) and x_test.shape == (0, 64)
    expected = np.sort(np.clip(raw * 16, 0, 255).astype(np.uint8), axis=0)
    np.testing.assert_array_equal(np.sort(x_train, axis=0), expected)


def test_split_is_deterministic_and_depends_on_seed():
    a = digits.load_data(seed=1)
    b = digits.load_data(seed=1)
    c = digits.load_data(seed=2)
    np.testing.assert_array_equal(a[0][0], b[0][0])
    np.testing.assert_array_equal(a[1][1], b[1][1])
    assert not np.array_equal(a[0][1], c[0][1])


def test_vectors_match_images():
    (xi, yi), _ = digits.load_data(as_images=True)
    (xv, yv), _ = digits.load_data(as_images=False)
    np.testing.assert_array_equal(xi.reshape(len(xi), 64), xv)
    np.testing.assert_array_equal(yi, yv)


@pytest.mark.parametrize("kwargs, match", [
    ({"test_split": 1.0}, "test_split"),
    ({"test_split": -0.1}, "test_split"),
    ({"test_split": "0.2"}, "test_split"),
    ({"seed": -1}, "seed"),
    ({"seed": 1.5}, "seed"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        digits.load_data(**kwargs)


def test_as_images_must_be_bool():
    with pytest.raises(TypeError, match="as_images"):
        digits.load_data(as_images="yes")
