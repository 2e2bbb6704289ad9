"""``Variable``: a named weight array and the gradient that backprop writes next to it."""
import numpy as np


class Variable:
    """A weight of a layer, shaped and named like a Keras variable.

    Args:
        value: the initial array; stored as given (the layer already cast it to its dtype).
        name: the short name, e.g. ``'kernel'`` or ``'bias'``.
        trainable: whether the optimizer updates it (default True). Non-trainable variables
            (e.g. BatchNormalization's moving mean) have no gradient array.
        regularizer: an object with ``__call__(w) -> float`` and ``gradient(w)``, or None.
        path: the full name ``'<layer name>/<name>'``, set by the layer.

    ``value`` may be re-pointed by the model to a view into one flat buffer of all weights, and
    ``grad`` to a view into one flat buffer of all gradients; ``assign`` therefore always copies
    in place, so course code that keeps ``layer.kernel`` around stays connected.
    """

    def __init__(self, value, name, trainable=True, regularizer=None, path=None):
        self.value = value
        self.name = name
        self.path = path or name
        self.trainable = bool(trainable)
        self.regularizer = regularizer
        self.grad = np.zeros_like(value) if self.trainable else None

    @property
    def shape(self):
        """The shape tuple of the weight."""
        return self.value.shape

    @property
    def dtype(self):
        """The dtype name of the weight, e.g. ``'float32'``."""
        return self.value.dtype.name

    @property
    def size(self):
        """The number of scalars in the weight."""
        return self.value.size

    def numpy(self):
        """Return a copy of the current value as a NumPy array."""
        return self.value.copy()

    def assign(self, value):
        """Copy ``value`` (same shape) into the weight in place."""
        value = np.asarray(value)
        if value.shape != self.value.shape:
            raise ValueError(
                f"Variable '{self.path}' has shape {self.value.shape}; cannot assign a value "
                f"of shape {value.shape}."
            )
        self.value[...] = value
        return self

    def assign_add(self, delta):
        """Add ``delta`` to the weight in place."""
        self.value += np.asarray(delta, dtype=self.value.dtype)
        return self

    def assign_sub(self, delta):
        """Subtract ``delta`` from the weight in place."""
        self.value -= np.asarray(delta, dtype=self.value.dtype)
        return self

    def __array__(self, dtype=None, copy=None):
        return self.value if dtype is None else self.value.astype(dtype)

    def __repr__(self):
        return (
            f"<Variable path={self.path}, shape={self.shape}, dtype={self.dtype}, "
            f"value={np.array2string(self.value, threshold=6, edgeitems=2)}>"
        )
