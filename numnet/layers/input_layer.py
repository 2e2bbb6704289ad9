"""``Input`` and ``InputLayer``: declare the shape of one sample.

``numnet.Input(shape=(28, 28))`` returns a symbolic ``KerasTensor`` (shape ``(None, 28, 28)``)
that can start a ``Sequential`` model or, with the functional API, a ``Model``.
"""
from .layer import Layer


class KerasTensor:
    """A symbolic tensor: a shape and dtype, and the layer that produced it.

    Args:
        shape: the full shape with the batch dimension first (``None`` for unknown).
        dtype: its dtype name (default 'float32').
        name: an optional name.
        source: ``(layer, inbound)`` — the layer that made it and the symbolic input(s) of that
            call (None for an ``InputLayer``).
    """

    def __init__(self, shape, dtype="float32", name=None, source=None):
        self.shape = tuple(shape)
        self.dtype = dtype
        self.name = name
        self.source = source

    @property
    def ndim(self):
        """The number of dimensions including the batch one."""
        return len(self.shape)

    def __repr__(self):
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}, name={self.name}>"


class InputLayer(Layer):
    """The layer behind ``Input``: it passes data through unchanged.

    Args:
        shape: the shape of one sample, without the batch dimension, e.g. ``(28, 28)``.
        batch_size: an optional fixed batch size (default None).
        dtype: default ``config.floatx()``.
        batch_shape: alternatively the full shape with the batch dimension.
        name: default ``input_layer``, ``input_layer_1``, ...
    """

    def __init__(self, shape=None, batch_size=None, dtype=None, batch_shape=None, name=None,
                 sparse=None, ragged=None, **kwargs):
        if "input_shape" in kwargs:  # Keras 2 name
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")
        super().__init__(name=name, dtype=dtype, **kwargs)
        if batch_shape is None:
            if shape is None:
                raise ValueError("Input needs 'shape', the shape of one sample without the "
                                 "batch dimension, e.g. Input(shape=(28, 28)).")
            if isinstance(shape, int):
                shape = (shape,)
            try:
                shape = tuple(None if d is None else int(d) for d in shape)
            except TypeError:
                raise TypeError(f"Input argument 'shape' must be a tuple of ints such as "
                                f"(28, 28); received {shape!r}.") from None
            batch_shape = (batch_size,) + shape
        batch_shape = tuple(None if d is None else int(d) for d in batch_shape)
        if any(d is not None and d < 1 for d in batch_shape):
            raise ValueError(f"Input argument 'shape' must have positive dimensions; "
                             f"received {batch_shape[1:]!r}.")
        self.batch_shape = batch_shape
        self._batch_input_shape = batch_shape
        self.built = True
        self.input_shape = self.output_shape = batch_shape
        tensor = KerasTensor(batch_shape, self.dtype, name=self.name, source=(self, None))
        self._inbound_nodes.append((tensor, tensor))

    def forward(self, x, training=False):
        return x

    def backward(self, grad_y):
        return grad_y

    def get_config(self):
        return {"batch_shape": list(self.batch_shape), "dtype": self.dtype,
                "sparse": False, "name": self.name}


def Input(shape=None, batch_size=None, dtype=None, name=None, batch_shape=None, **kwargs):
    """Create a symbolic input of ``shape`` (one sample, no batch dimension).

    Args:
        shape: e.g. ``(28, 28)`` for Fashion-MNIST images; ``(784,)`` for flat vectors.
        batch_size: optional fixed batch size (default None).
        dtype: default ``config.floatx()``.
        name: optional name of the input layer.
        batch_shape: alternatively the full shape with the batch dimension.
    Returns:
        A ``KerasTensor`` with shape ``(batch_size, *shape)``.
    """
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, name=name,
                       batch_shape=batch_shape, **kwargs)
    return layer.output


def is_symbolic(value):
    """True for a ``KerasTensor`` or a non-empty list/tuple of them."""
    if isinstance(value, KerasTensor):
        return True
    return isinstance(value, (list, tuple)) and bool(value) and all(
        isinstance(v, KerasTensor) for v in value)
