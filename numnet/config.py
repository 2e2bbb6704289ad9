"""Global settings: the float type, the fuzz factor epsilon, and the random number generator.

Keras names kept: ``floatx()``, ``set_floatx()``, ``epsilon()``, ``set_epsilon()``.
Every random draw in numnet (initializers, dropout, shuffling, validation split) goes through
``rng()``, so ``set_random_seed(seed)`` makes a whole run bit-identical.
"""
import random

import numpy as np

_FLOATX = "float32"
_EPSILON = 1e-7
_ALLOWED_FLOATX = ("float16", "float32", "float64")
_RNG = np.random.default_rng()


def floatx():
    """Return the default float type as a string, ``'float32'`` unless changed."""
    return _FLOATX


def set_floatx(value):
    """Set the default float type: one of ``'float16'``, ``'float32'``, ``'float64'``."""
    global _FLOATX
    if value not in _ALLOWED_FLOATX:
        raise ValueError(
            f"set_floatx: unknown float type {value!r}. Choose one of: {', '.join(_ALLOWED_FLOATX)}."
        )
    _FLOATX = str(value)


def epsilon():
    """Return the fuzz factor used to keep logs and divisions finite (default ``1e-7``)."""
    return _EPSILON


def set_epsilon(value):
    """Set the fuzz factor; must be a positive number."""
    global _EPSILON
    value = float(value)
    if not value > 0:
        raise ValueError(f"set_epsilon: epsilon must be a positive number, received {value!r}.")
    _EPSILON = value


def rng():
    """Return numnet's global ``numpy.random.Generator`` (reset by ``set_random_seed``)."""
    return _RNG


def set_random_seed(seed):
    """Seed numnet, Python's ``random`` and NumPy's legacy global generator.

    Args:
        seed: a non-negative integer. The same seed gives bit-identical weights, dropout masks,
            shuffles and therefore bit-identical training history.
    """
    global _RNG
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"set_random_seed: seed must be a non-negative integer, received {seed!r}.")
    seed = int(seed)
    _RNG = np.random.default_rng(seed)
    random.seed(seed)
    np.random.seed(seed % (2**32))
