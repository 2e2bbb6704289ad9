"""Logic gates and noisy XOR."""
import numpy as np
import pytest

from numnet import config
from numnet.datasets import toys

TABLES = {"and": [0, 0, 0, 1], "or": [0, 1, 1, 1], "nand": [1, 1, 1, 0], "nor": [1, 0, 0, 0],
          "xor": [0, 1, 1, 0], "xnor": [1, 0, 0, 1]}


@pytest.mark.parametrize("name", sorted(TABLES))
def test_truth_tables(name):
    x, y = toys.logic_gate(name)
    assert x.shape == (4, 2) and x.dtype == np.float32
    assert y.shape == (4,) and y.dtype == np.float32
    np.testing.assert_array_equal(x, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(y, TABLES[name])


def test_gate_name_is_case_insensitive_and_copies():
    x, _ = toys.logic_gate("AND")
    x[0, 0] = 7
    assert toys.logic_gate("and")[0][0, 0] == 0


def test_unknown_gate():
    with pytest.raises(ValueError, match=r"Unknown logic gate 'xr'.*did you mean 'xor'"):
        toys.logic_gate("xr")


def test_xor_shapes_labels_and_corners():
    x, y = toys.xor(n_samples=202, noise=0.05, seed=0)
    assert x.shape == (202, 2) and x.dtype == np.float32
    assert y.shape == (202,) and y.dtype == np.float32
    corners = np.round(x)
    np.testing.assert_array_equal(y, np.logical_xor(corners[:, 0], corners[:, 1]))
    assert abs(y.mean() - 0.5) < 0.02
    counts = np.unique(corners, axis=0, return_counts=True)[1]
    assert sorted(counts) == [50, 50, 51, 51]


def test_xor_seed_and_global_rng():
    np.testing.assert_array_equal(toys.xor(seed=3)[0], toys.xor(seed=3)[0])
    config.set_random_seed(5)
    a = toys.xor()
    config.set_random_seed(5)
    b = toys.xor()
    np.testing.assert_array_equal(a[0], b[0])


def test_xor_without_noise_sits_on_corners():
    x, _ = toys.xor(n_samples=8, noise=0.0, seed=1)
    assert set(map(tuple, x.tolist())) == {(0, 0), (0, 1), (1, 0), (1, 1)}


@pytest.mark.parametrize("kwargs, match", [
    ({"n_samples": 0}, "n_samples"), ({"n_samples": 2.5}, "n_samples"),
    ({"noise": -1}, "noise"), ({"noise": float("nan")}, "noise"), ({"seed": -2}, "seed"),
])
def test_xor_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        toys.xor(**kwargs)
