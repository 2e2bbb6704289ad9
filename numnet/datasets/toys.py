"""Toy data generated on the spot: logic-gate truth tables and the noisy XOR problem.

The perceptron chapters of the course train on these: AND, OR and NAND are linearly
separable, XOR is not (a single-layer perceptron cannot learn it, a hidden layer can).
"""
import numbers

import numpy as np

from numnet import config
from numnet.utils.naming import unknown_name_error

_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
_GATES = {
    "and": (0, 0, 0, 1),
    "or": (0, 1, 1, 1),
    "nand": (1, 1, 1, 0),
    "nor": (1, 0, 0, 0),
    "xor": (0, 1, 1, 0),
    "xnor": (1, 0, 0, 1),
}


def logic_gate(name):
    """The truth table of a two-input logic gate.

    Args:
        name: one of ``'and'``, ``'or'``, ``'nand'``, ``'nor'``, ``'xor'``, ``'xnor'``
            (case-insensitive).
    Returns:
        ``(x, y)``: ``x`` float32 of shape (4, 2), the inputs ``[0,0], [0,1], [1,0], [1,1]``;
        ``y`` float32 of shape (4,), the gate's output for each row.
    """
    key = name.lower() if isinstance(name, str) else name
    if key not in _GATES:
        raise unknown_name_error("logic gate", name, _GATES)
    return _INPUTS.copy(), np.array(_GATES[key], dtype=np.float32)


def xor(n_samples=200, noise=0.1, seed=None):
    """Noisy XOR data: points scattered around the four corners of the unit square.

    Corners ``(0,0)`` and ``(1,1)`` have label 0, ``(0,1)`` and ``(1,0)`` label 1. The samples
    are spread as evenly as possible over the corners, moved by Gaussian noise of standard
    deviation ``noise``, then shuffled.

    Args:
        n_samples: number of points, a positive integer (default 200).
        noise: standard deviation of the Gaussian noise, >= 0 (default 0.1).
        seed: integer seed for a reproducible draw, or None (default) to use numnet's global
            generator (``numnet.config.rng()``, set by ``set_random_seed``).
    Returns:
        ``(x, y)``: ``x`` float32 of shape ``(n_samples, 2)``, ``y`` float32 of shape
        ``(n_samples,)`` with values 0 and 1.
    """
    if isinstance(n_samples, bool) or not isinstance(n_samples, numbers.Integral) \
            or n_samples < 1:
        raise ValueError(f"xor: n_samples must be a positive integer; received {n_samples!r}.")
    if isinstance(noise, bool) or not isinstance(noise, numbers.Real) \
            or not np.isfinite(noise) or noise < 0:
        raise ValueError(f"xor: noise must be a finite number >= 0; received {noise!r}.")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)
                             or seed < 0):
        raise ValueError(f"xor: seed must be None or a non-negative integer; received {seed!r}.")
    rng = config.rng() if seed is None else np.random.default_rng(int(seed))
    corner = np.arange(int(n_samples)) % 4
    corner = corner[rng.permutation(len(corner))]
    x = _INPUTS[corner] + rng.normal(0.0, float(noise), size=(len(corner), 2))
    y = np.array(_GATES["xor"], dtype=np.float32)[corner]
    return x.astype(np.float32), y
