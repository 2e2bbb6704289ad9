"""Weight penalties, as in ``keras.regularizers`` (weight decay).

A regularizer maps a weight array ``w`` to a number that is added to the loss, and gives the
gradient of that number with respect to ``w``, which the layer adds to the weight's gradient::

    Dense(64, kernel_regularizer=L2(0.01))     # loss += 0.01 * sum(w ** 2)

As in Keras 3 the L2 penalty has no factor 1/2: ``L2(l2)`` adds ``l2 * sum(w^2)``, whose
gradient is ``2 * l2 * w``.
"""
import math

import numpy as np

from numnet.utils.naming import unknown_name_error
from numnet.utils.serialization import deserialize_builtin, serialize_builtin


def _check_factor(value, name, owner):
    """Return ``value`` as a float after checking it is a finite number >= 0."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(
            f"{owner}: `{name}` must be a non-negative number, received {value!r} "
            f"of type {type(value).__name__}."
        )
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{owner}: `{name}` must be a non-negative number, received {value!r}.")
    return float(value)


class Regularizer:
    """Base class: ``__call__(w) -> float`` (the penalty) and ``gradient(w) -> array``."""

    def __call__(self, w):
        return 0.0

    def gradient(self, w):
        """Return d penalty / dw, an array of the shape and dtype of ``w``."""
        return np.zeros_like(w)

    def get_config(self):
        raise NotImplementedError(f"{type(self).__name__} does not implement get_config().")

    @classmethod
    def from_config(cls, config):
        """Create a regularizer from the output of ``get_config()``."""
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class L1L2(Regularizer):
    """``l1 * sum(|w|) + l2 * sum(w^2)``.

    Args:
        l1: L1 factor >= 0 (default 0.0; None means 0.0).
        l2: L2 factor >= 0 (default 0.0; None means 0.0).
    """

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = _check_factor(0.0 if l1 is None else l1, "l1", "L1L2")
        self.l2 = _check_factor(0.0 if l2 is None else l2, "l2", "L1L2")

    def __call__(self, w):
        w = np.asarray(w)
        penalty = 0.0
        if self.l1:
            penalty += self.l1 * float(np.sum(np.abs(w)))
        if self.l2:
            penalty += self.l2 * float(np.sum(w * w))
        return penalty

    def gradient(self, w):
        w = np.asarray(w)
        # d/dw [l1 * sum|w| + l2 * sum w^2] = l1 * sign(w) + 2 * l2 * w
        return (self.l1 * np.sign(w) + (2 * self.l2) * w).astype(w.dtype, copy=False)

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(Regularizer):
    """``l1 * sum(|w|)``: pushes weights to exactly zero (sparse weights).

    Args:
        l1: factor >= 0 (default 0.01; None means 0.01).
    """

    def __init__(self, l1=0.01):
        self.l1 = _check_factor(0.01 if l1 is None else l1, "l1", "L1")

    def __call__(self, w):
        return self.l1 * float(np.sum(np.abs(w)))

    def gradient(self, w):
        w = np.asarray(w)
        # d/dw [l1 * sum|w|] = l1 * sign(w)  (0 at w = 0)
        return (self.l1 * np.sign(w)).astype(w.dtype, copy=False)

    def get_config(self):
        return {"l1": self.l1}


class L2(Regularizer):
    """``l2 * sum(w^2)`` (weight decay; no factor 1/2, as in Keras).

    Args:
        l2: factor >= 0 (default 0.01; None means 0.01).
    """

    def __init__(self, l2=0.01):
        self.l2 = _check_factor(0.01 if l2 is None else l2, "l2", "L2")

    def __call__(self, w):
        w = np.asarray(w)
        return self.l2 * float(np.sum(w * w))

    def gradient(self, w):
        w = np.asarray(w)
        # d/dw [l2 * sum w^2] = 2 * l2 * w
        return (2 * self.l2) * w

    def get_config(self):
        return {"l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Pushes the rows (or columns) of a 2-D weight towards being mutually orthogonal.

    With ``n_i`` the rows (``mode='rows'``) or columns (``'columns'``) of ``w`` scaled to unit
    length and ``k`` their number, the penalty is
    ``factor * 0.5 * sum_{i != j} |n_i . n_j| / (k * (k - 1) / 2)``.

    Args:
        factor: factor >= 0 (default 0.01).
        mode: ``'rows'`` (default) or ``'columns'``.
    """

    def __init__(self, factor=0.01, mode="rows"):
        self.factor = _check_factor(factor, "factor", "OrthogonalRegularizer")
        if mode not in ("rows", "columns"):
            raise ValueError(
                f"OrthogonalRegularizer: unknown `mode` {mode!r}. Choose one of: rows, columns."
            )
        self.mode = mode

    def _unit_vectors(self, w):
        w = np.asarray(w)
        if w.ndim != 2:
            raise ValueError(
                f"OrthogonalRegularizer: the weight must be 2-D, received shape {w.shape}."
            )
        v = w if self.mode == "rows" else w.T
        norms = np.sqrt(np.sum(v * v, axis=1, keepdims=True))
        norms = np.where(norms == 0, 1, norms)  # a zero vector stays zero
        return v, norms, v / norms

    def _scale(self, k):
        return self.factor * 0.5 / (k * (k - 1) / 2.0) if k > 1 else 0.0

    def __call__(self, w):
        _, _, n = self._unit_vectors(w)
        products = n @ n.T
        np.fill_diagonal(products, 0)
        return self._scale(n.shape[0]) * float(np.sum(np.abs(products)))

    def gradient(self, w):
        v, norms, n = self._unit_vectors(w)
        products = n @ n.T
        np.fill_diagonal(products, 0)
        # P = N N^T, penalty = c * sum_{i!=j} |P_ij|  ->  dN = c (S + S^T) N = 2c S N, S = sign(P)
        grad_n = 2 * self._scale(n.shape[0]) * (np.sign(products) @ n)
        # n = v / |v|  ->  dv = (dn - n (n . dn)) / |v|
        grad_v = (grad_n - n * np.sum(n * grad_n, axis=1, keepdims=True)) / norms
        grad = grad_v if self.mode == "rows" else grad_v.T
        return grad.astype(np.asarray(w).dtype, copy=False)

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode}


# ----------------------------------------------------------------------------- lookup

_CLASSES = {cls.__name__: cls for cls in (L1, L2, L1L2, OrthogonalRegularizer)}
_ALIASES = {
    "l1": L1,
    "l2": L2,
    "l1_l2": L1L2,
    "l1l2": L1L2,
    "orthogonal_regularizer": OrthogonalRegularizer,
}
_HINTS = {
    "weight_decay": "weight decay is 'l2'",
    "ridge": "ridge (weight decay) is 'l2'",
    "lasso": "lasso is 'l1'",
    "elastic_net": "elastic net is 'l1_l2'",
    "dropout": "dropout is a layer: keras.layers.Dropout(rate)",
}


def _lookup(name):
    cls = _CLASSES.get(name) or _ALIASES.get(name.lower())
    if cls is None:
        hint = _HINTS.get(name.lower())
        choices = ["l1", "l2", "l1_l2", "orthogonal_regularizer"]
        raise unknown_name_error("regularizer", name, choices, hint)
    return cls


def get(identifier):
    """Return a regularizer for ``identifier``.

    Args:
        identifier: None (returns None); a name ``'l1'``, ``'l2'``, ``'l1_l2'`` (Keras 3 also
            spells it ``'l1l2'``), ``'orthogonal_regularizer'`` or a class name such as ``'L2'``
            (built with its default factors); a ``Regularizer`` instance or class; or a config
            dict ``{'class_name': 'L2', 'config': {'l2': 0.001}}`` as Keras saves it.
    Returns:
        A ``Regularizer`` (or None).
    Raises:
        ValueError: unknown name or bad config. TypeError: any other kind of identifier.
    """
    if identifier is None:
        return None
    if isinstance(identifier, str):
        return _lookup(identifier)()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, type) and issubclass(identifier, Regularizer):
        return identifier()
    if isinstance(identifier, Regularizer):
        return identifier
    if callable(identifier) and callable(getattr(identifier, "gradient", None)):
        return identifier
    if callable(identifier):
        raise TypeError(
            f"The custom regularizer {identifier!r} has no `gradient(w)` method: numnet needs the "
            "derivative of the penalty to train. Subclass numnet.regularizers.Regularizer and "
            "define both __call__(w) and gradient(w)."
        )
    raise TypeError(
        f"Could not interpret regularizer identifier {identifier!r} of type "
        f"{type(identifier).__name__}. Expected None, a name such as 'l2', a Regularizer, or a "
        "config dict."
    )


def serialize(regularizer):
    """Return the Keras 3 config dict of a built-in regularizer.

    Returns:
        ``{'module': 'keras.regularizers', 'class_name': 'L2', 'config': {'l2': 0.01},
        'registered_name': None}``.
    """
    return serialize_builtin(regularizer, "keras.regularizers", _CLASSES, "regularizer")


def deserialize(config):
    """Inverse of ``serialize``; also accepts ``{'class_name': ..., 'config': ...}`` alone."""
    if isinstance(config, str):
        return get(config)
    return deserialize_builtin(config, _lookup, "regularizer")


l1 = L1
l2 = L2
l1_l2 = L1L2
orthogonal_regularizer = OrthogonalRegularizer
