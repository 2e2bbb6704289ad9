"""numnet.perceptron.Perceptron: the perceptron rule learns AND/OR/NAND, never XOR; bad input."""
import numpy as np
import pytest

import numnet
from numnet.datasets import toys
from numnet.perceptron import Perceptron


@pytest.mark.parametrize("gate", ["and", "or", "nand"])
@pytest.mark.parametrize("seed", range(5))
def test_learns_linearly_separable_gates(gate, seed):
    x, y = toys.logic_gate(gate)
    p = Perceptron(learning_rate=0.1, epochs=10, seed=seed).fit(x, y)
    assert p.converged_
    assert p.errors_[-1] == 0 and all(e > 0 for e in p.errors_[:-1])
    assert p.n_iter_ == len(p.errors_) <= 10
    np.testing.assert_array_equal(p.predict(x), y.astype(int))
    assert p.score(x, y) == 1.0
    assert p.weights.shape == (2,) and isinstance(p.bias, float)


@pytest.mark.parametrize("seed", range(5))
def test_cannot_learn_xor(seed):
    x, y = toys.logic_gate("xor")
    p = Perceptron(epochs=50, seed=seed).fit(x, y)
    assert not p.converged_
    assert len(p.errors_) == 50 and min(p.errors_) > 0
    assert p.score(x, y) <= 0.75


def test_one_update_follows_the_rule():
    # w <- w + eta (y - y_hat) x ; b <- b + eta (y - y_hat)
    x, y = np.array([[2.0, -1.0]]), np.array([1])
    w0 = np.random.default_rng(3).normal(0.0, 0.01, size=2)
    p = Perceptron(learning_rate=0.5, epochs=1, seed=3).fit(x, y)
    y_hat = 1.0 if w0 @ x[0] > 0 else 0.0
    np.testing.assert_allclose(p.weights, w0 + 0.5 * (1 - y_hat) * x[0])
    assert p.bias == pytest.approx(0.5 * (1 - y_hat))


def test_step_function_and_net_input():
    p = Perceptron(seed=0)
    p.weights, p.bias = np.array([1.0, 1.0]), -1.5
    np.testing.assert_allclose(p.net_input([[0, 0], [1, 1]]), [-1.5, 0.5])
    np.testing.assert_array_equal(p.predict([[0, 0], [1, 0], [1, 1]]), [0, 0, 1])
    np.testing.assert_array_equal(p.predict([1, 1]), [1])  # one sample
    p.bias = -2.0
    np.testing.assert_array_equal(p.predict([[1, 1]]), [0])  # z = 0 -> 0 (step: z > 0)


def test_seed_reproducible_and_global_seed():
    x, y = toys.logic_gate("and")
    a = Perceptron(seed=11).fit(x, y)
    b = Perceptron(seed=11).fit(x, y)
    np.testing.assert_array_equal(a.weights, b.weights)
    numnet.utils.set_random_seed(5)
    c = Perceptron().fit(x, y)
    numnet.utils.set_random_seed(5)
    d = Perceptron().fit(x, y)
    np.testing.assert_array_equal(c.weights, d.weights)
    assert c.errors_ == d.errors_


def test_max_iter_alias_and_bool_labels():
    x, y = toys.logic_gate("or")
    p = Perceptron(max_iter=3, seed=0)
    assert p.epochs == p.max_iter == 3
    p.fit(x, y.astype(bool))
    assert p.n_iter_ <= 3


@pytest.mark.parametrize("kwargs, match", [
    ({"learning_rate": 0}, "learning_rate must be a finite number > 0"),
    ({"learning_rate": float("nan")}, "learning_rate"),
    ({"learning_rate": True}, "learning_rate"),
    ({"epochs": 0}, "epochs .max_iter. must be a positive integer"),
    ({"epochs": 2.5}, "epochs"),
    ({"epochs": True}, "epochs"),
    ({"max_iter": -1}, "epochs"),
    ({"seed": -1}, "seed must be None or a non-negative integer"),
    ({"seed": "a"}, "seed"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Perceptron(**kwargs)


def test_bad_training_data():
    x, y = toys.logic_gate("and")
    p = Perceptron(seed=0)
    with pytest.raises(ValueError, match="only 0 and 1.*received 2"):
        p.fit(x, [0, 1, 2, 1])
    with pytest.raises(ValueError, match="x has 4 samples but y has 3"):
        p.fit(x, y[:3])
    with pytest.raises(ValueError, match=r"2-D \(n_samples, n_features\)"):
        p.fit(x[0], y[:1])
    with pytest.raises(ValueError, match="NaN or infinity"):
        p.fit(np.array([[0.0, np.nan]] * 4), y)
    with pytest.raises(ValueError, match="empty"):
        p.fit(np.zeros((0, 2)), [])
    with pytest.raises(TypeError, match="must be numbers"):
        p.fit([["a", "b"]] * 4, y)
    with pytest.raises(ValueError, match="1-D"):
        p.fit(x, np.zeros((4, 2)))


def test_predict_errors():
    p = Perceptron(seed=0)
    with pytest.raises(ValueError, match="not trained yet; call fit"):
        p.predict([[0, 1]])
    x, y = toys.logic_gate("and")
    p.fit(x, y)
    with pytest.raises(ValueError, match="3 features per sample but the perceptron was "
                                         "trained on 2"):
        p.predict([[0, 1, 1]])
    assert "Perceptron(learning_rate=0.1, epochs=10" in repr(p)
