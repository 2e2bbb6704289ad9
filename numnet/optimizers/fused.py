"""Optional one-pass update kernels, compiled with numba when it is installed.

NumPy runs Adam's update as 12 whole-array operations, each a pass over all the weights (about
0.1 ms for the course MLP's 79,510 weights). The kernel here does the same float operations,
in the same order and with the same rounding (no fused multiply-add, no fast-math), element by
element in one pass: the weights come out bit-identical, about four times sooner.

``pip install numba`` (or ``pip install "numnet[fast]"``) turns it on; the environment
variable ``NUMNET_NUMBA=0`` turns it off. Without numba the NumPy code in ``adam.py`` runs.
numba is imported, and the kernel compiled (about a second, cached on disk afterwards), at the
first update, not at ``import numnet``.
"""
import os
import weakref

import numpy as np

_kernels = None


def adam_kernel():
    """The compiled Adam update, or None (numba missing or switched off)."""
    global _kernels
    if _kernels is None:
        _kernels = _compile()
    return _kernels.get("adam")


def _compile():
    if os.environ.get("NUMNET_NUMBA", "1").strip().lower() in ("0", "false", "no", "off"):
        return {}
    try:
        import numba
    except ImportError:
        return {}

    @numba.njit(cache=True, nogil=True, error_model="numpy")
    def adam(g, w, m, v, one_minus_beta_1, one_minus_beta_2, alpha, epsilon):
        for i in range(g.size):
            # m <- m + (g - m) * (1 - beta_1);  v <- v + (g^2 - v) * (1 - beta_2)
            m_i = m[i] + (g[i] - m[i]) * one_minus_beta_1
            v_i = v[i] + (g[i] * g[i] - v[i]) * one_minus_beta_2
            m[i] = m_i
            v[i] = v_i
            # w <- w - m / (sqrt(v) + epsilon) * alpha
            w[i] = w[i] - m_i / (np.sqrt(v_i) + epsilon) * alpha

    return {"adam": adam}


def usable(*arrays):
    """True when the kernels can take these arrays (of one shape): all float32 or all float64,
    each contiguous. The answer for the last arrays seen is remembered, as an optimizer passes
    the same buffers at every step (an array keeps its dtype and layout unless someone assigns
    ``a.dtype`` or ``a.shape``, which nothing does to an optimizer's buffers)."""
    global _last_usable
    if len(arrays) == len(_last_usable) and all(a is r() for a, r in zip(arrays, _last_usable)):
        return True
    dtype = arrays[0].dtype
    ok = dtype in _FLOATS and all(a.dtype == dtype and a.flags.c_contiguous for a in arrays)
    if ok:  # weak references: remembering the arrays must not keep them alive
        _last_usable = tuple(weakref.ref(a) for a in arrays)
    return ok


def flat(array):
    """``array`` as 1-D (itself when it already is; a view otherwise)."""
    return array if array.ndim == 1 else array.reshape(-1)


_last_usable = ()


_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
