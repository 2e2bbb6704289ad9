"""Shared problem for the optimizer tests: two float32 weights and three steps of gradients.

The golden values in the test files were computed by applying real Keras 3.15.1 optimizers
(torch backend) to exactly these weights and gradients.
"""
import types

import numpy as np
import pytest

W0 = [[0.5, -1.0, 1.5], [-0.25, 0.75, 2.0]]
B0 = [0.1, -0.2, 0.3]
GRADS = [
    ([[0.1, -0.2, 0.3], [0.4, -0.5, 0.6]], [1.0, -2.0, 0.5]),
    ([[-0.3, 0.1, 0.2], [0.05, 0.5, -0.7]], [-0.5, 1.5, 0.25]),
    ([[0.2, 0.2, -0.1], [0.3, -0.05, 0.4]], [0.3, -0.4, 2.0]),
]


def run_steps(optimizer, steps=3):
    """Apply the first ``steps`` gradient pairs; return ``{1: (w, b), 3: (w, b)}`` copies."""
    w = np.array(W0, dtype=np.float32)
    b = np.array(B0, dtype=np.float32)
    seen = {}
    for t in range(steps):
        gw, gb = GRADS[t % 3]
        optimizer.apply([np.array(gw, np.float32), np.array(gb, np.float32)], [w, b])
        seen[t + 1] = (w.copy(), b.copy())
    return seen


def assert_keras(actual, expected):
    """float32 results against Keras's numbers (rtol 1e-6; atol for values near zero)."""
    np.testing.assert_allclose(actual, np.array(expected, dtype=np.float32), rtol=1e-6,
                               atol=1e-7)


@pytest.fixture
def check_golden():
    """``check_golden(optimizer, step1, step3)`` where each is ``(w, b)`` from Keras."""
    def check(optimizer, step1, step3):
        seen = run_steps(optimizer)
        for step, expected in ((1, step1), (3, step3)):
            assert_keras(seen[step][0], expected[0])
            assert_keras(seen[step][1], expected[1])
        assert optimizer.variables[0] == 3  # raw update count, as Keras saves it
    return check


@pytest.fixture
def golden():
    """The problem and helpers as one namespace (test modules cannot import conftest)."""
    return types.SimpleNamespace(W0=W0, B0=B0, GRADS=GRADS, run_steps=run_steps,
                                 assert_keras=assert_keras)
