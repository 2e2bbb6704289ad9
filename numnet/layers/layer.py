"""The ``Layer`` base class: weights, build-on-first-call, forward and backward.

A layer is a plain object with two passes, as in *Deep Learning from Scratch*:

* ``forward(x, training)`` computes the output and keeps only what ``backward`` needs;
* ``backward(grad_y)`` receives ``dL/dy``, writes ``dL/dW`` into each weight's ``grad`` array
  and returns ``dL/dx``.

and the Keras surface on top: ``build(input_shape)`` creates the weights on the first call,
``weights`` / ``get_weights`` / ``set_weights`` / ``count_params`` / ``get_config``.
"""
import numpy as np

from .. import config, initializers, regularizers
from ..utils.naming import to_snake_case, unique_name
from .variable import Variable

_BASE_KWARGS = ("name", "trainable", "dtype", "input_shape", "input_dim", "batch_input_shape",
                "batch_size")


class Layer:
    """Base class of every layer.

    Args:
        name: the layer's name (any string); default: the snake-case class name made unique,
            ``dense``, ``dense_1``, ...
        trainable: whether its weights are updated by training (default True).
        dtype: the float type of its weights and outputs (default ``config.floatx()``).
        input_shape: for the first layer of a ``Sequential``: the shape of one sample, e.g.
            ``(28, 28)``.
        input_dim: shorthand for ``input_shape=(input_dim,)``.
    """

    def __init__(self, name=None, trainable=True, dtype=None, input_shape=None, input_dim=None,
                 batch_input_shape=None, batch_size=None, **kwargs):
        if kwargs:
            raise TypeError(
                f"{type(self).__name__}() got unexpected keyword argument(s) {sorted(kwargs)}. "
                f"Allowed: the layer's own arguments and {', '.join(_BASE_KWARGS)}."
            )
        if name is not None and not isinstance(name, str):
            raise TypeError(f"Layer argument 'name' must be a string, received {name!r}.")
        self.name = name or unique_name(to_snake_case(type(self).__name__))
        self.trainable = bool(trainable)
        self.dtype = _check_dtype(dtype)
        self._batch_input_shape = _batch_shape_from_args(input_shape, input_dim,
                                                        batch_input_shape, self.name)
        self.built = False
        self.input_shape = None
        self.output_shape = None
        self._variables = []
        self._inbound_nodes = []  # (input tensors, output tensor) of each symbolic call
        # False for the first layer of a model: dL/dx of the data is never needed.
        self.needs_input_gradient = True

    # ----------------------------------------------------------------- weights
    def add_weight(self, name, shape, initializer="glorot_uniform", regularizer=None,
                   trainable=True, dtype=None):
        """Create a weight, initialise it, and register it with the layer.

        Args:
            name: short name, e.g. ``'kernel'``.
            shape: tuple of ints.
            initializer: name or object of ``numnet.initializers`` (default 'glorot_uniform').
            regularizer: name or object of ``numnet.regularizers`` or None.
            trainable: whether the optimizer updates it (default True).
            dtype: default the layer's dtype.
        Returns:
            The new ``Variable``.
        """
        dtype = dtype or self.dtype
        init = initializers.get(initializer)
        value = np.asarray(init(tuple(shape), dtype=dtype), dtype=dtype)
        variable = Variable(value, name, trainable=trainable,
                            regularizer=regularizers.get(regularizer),
                            path=f"{self.name}/{name}")
        self._variables.append(variable)
        return variable

    @property
    def weights(self):
        """All variables: trainable first, then non-trainable (Keras order)."""
        return self.trainable_weights + self.non_trainable_weights

    @property
    def trainable_weights(self):
        """The variables the optimizer updates (none when ``trainable`` is False)."""
        if not self.trainable:
            return []
        return [v for v in self._variables if v.trainable]

    @property
    def non_trainable_weights(self):
        """Variables not updated by the optimizer (all of them when ``trainable`` is False)."""
        if not self.trainable:
            return list(self._variables)
        return [v for v in self._variables if not v.trainable]

    @property
    def variables(self):
        """All variables in creation order."""
        return list(self._variables)

    def get_weights(self):
        """Return the weights as a list of NumPy arrays (copies), in ``weights`` order."""
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights):
        """Set the weights from a list of arrays with the shapes of ``get_weights()``."""
        own = self.weights
        weights = list(weights)
        if len(weights) != len(own):
            raise ValueError(
                f"Layer '{self.name}' expects {len(own)} weight arrays "
                f"({[v.shape for v in own]}); received {len(weights)}."
            )
        for variable, value in zip(own, weights):
            variable.assign(value)

    def count_params(self):
        """The number of scalars in all weights (the ``Param #`` of ``summary()``)."""
        return int(sum(v.size for v in self._variables))

    def regularization_loss(self):
        """Sum of the regularizer penalties of this layer's weights (added to the loss)."""
        return sum(float(v.regularizer(v.value)) for v in self._variables if v.regularizer)

    @property
    def losses(self):
        """The regularization penalties, as a list like Keras's ``layer.losses``."""
        return [float(v.regularizer(v.value)) for v in self._variables if v.regularizer]

    # ----------------------------------------------------------------- passes
    def build(self, input_shape):
        """Create the weights for inputs of ``input_shape`` (batch dimension first, may be None)."""
        self.built = True

    def ensure_built(self, input_shape):
        """Build once, recording the input and output shapes (batch dimension None).

        ``input_shape`` is a tuple, or a list of tuples for a layer with several inputs.
        """
        if not self.built:
            if isinstance(input_shape, list):
                input_shape = [(None,) + tuple(s[1:]) for s in input_shape]
            else:
                input_shape = (None,) + tuple(input_shape[1:])
            self.build(input_shape)
            self.built = True
            self.input_shape = input_shape
            self.output_shape = self.compute_output_shape(input_shape)

    def compute_output_shape(self, input_shape):
        """Return the output shape for ``input_shape`` (default: unchanged)."""
        return tuple(input_shape)

    def forward(self, x, training=False):
        """Compute the output for the batch ``x``; keep what ``backward`` needs."""
        raise NotImplementedError(f"{type(self).__name__} must implement forward().")

    def backward(self, grad_y):
        """Given ``dL/dy`` return ``dL/dx`` and write each weight's gradient into ``var.grad``."""
        raise NotImplementedError(f"{type(self).__name__} must implement backward().")

    def __call__(self, inputs, training=False):
        """Apply the layer: to a NumPy batch (building it on first use), returning an array;
        or to symbolic ``KerasTensor``\\ s (functional API), returning a ``KerasTensor``."""
        from .input_layer import is_symbolic

        if is_symbolic(inputs):
            return self._call_symbolic(inputs)
        if isinstance(inputs, (list, tuple)) and inputs and isinstance(inputs[0], np.ndarray):
            x = [np.asarray(a, dtype=self.dtype) for a in inputs]
            self.ensure_built([a.shape for a in x])
        else:
            x = np.asarray(inputs, dtype=self.dtype)
            self.ensure_built(x.shape)
        return self.forward(x, training=bool(training))

    def _call_symbolic(self, inputs):
        from .input_layer import KerasTensor

        several = isinstance(inputs, (list, tuple))
        shape = [t.shape for t in inputs] if several else inputs.shape
        if self.built and self.input_shape is not None:
            _check_compatible(self, self.input_shape, shape)
        self.ensure_built(shape)
        out_shape = self.compute_output_shape(
            [(None,) + tuple(s[1:]) for s in shape] if several else (None,) + tuple(shape[1:]))
        output = KerasTensor(out_shape, self.dtype, name=self.name,
                             source=(self, list(inputs) if several else inputs))
        self._inbound_nodes.append((inputs, output))
        return output

    @property
    def input(self):
        """The symbolic input of the layer's first call (functional API / built Sequential)."""
        if not self._inbound_nodes:
            raise AttributeError(f"The layer '{self.name}' has never been called and thus has "
                                 f"no defined input. Build the model with an Input first.")
        return self._inbound_nodes[0][0]

    @property
    def output(self):
        """The symbolic output of the layer's first call (functional API / built Sequential)."""
        if not self._inbound_nodes:
            raise AttributeError(f"The layer '{self.name}' has never been called and thus has "
                                 f"no defined output. Build the model with an Input first.")
        return self._inbound_nodes[0][1]

    # ----------------------------------------------------------------- config
    def get_config(self):
        """The constructor arguments as a JSON-able dict (Keras 3 keys)."""
        cfg = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}
        if self._batch_input_shape is not None:
            cfg["batch_input_shape"] = list(self._batch_input_shape)
        return cfg

    @classmethod
    def from_config(cls, config):
        """Create a layer from the dict ``get_config()`` returned."""
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def _check_compatible(layer, expected, received):
    pairs = zip(expected, received) if isinstance(expected, list) else [(expected, received)]
    for exp, rec in pairs:
        if len(exp) != len(rec) or any(e is not None and r is not None and e != r
                                       for e, r in zip(exp[1:], rec[1:])):
            raise ValueError(f"Input 0 of layer '{layer.name}' is incompatible with the layer: "
                             f"expected shape {exp}, received {rec}.")


def _check_dtype(dtype):
    if dtype is None:
        return config.floatx()
    if isinstance(dtype, dict):  # Keras 3 DTypePolicy config
        dtype = dtype.get("config", {}).get("name", config.floatx())
    name = np.dtype(dtype).name if not isinstance(dtype, str) else dtype
    if name not in ("float16", "float32", "float64"):
        raise ValueError(f"Layer argument 'dtype' must be float16, float32 or float64; "
                         f"received {dtype!r}.")
    return name


def _batch_shape_from_args(input_shape, input_dim, batch_input_shape, name):
    if batch_input_shape is not None:
        return tuple(batch_input_shape)
    if input_dim is not None:
        input_shape = (input_dim,)
    if input_shape is None:
        return None
    if isinstance(input_shape, (int, np.integer)):
        input_shape = (int(input_shape),)
    try:
        shape = tuple(None if d is None else int(d) for d in input_shape)
    except (TypeError, ValueError):
        raise TypeError(f"Layer '{name}': input_shape must be a tuple of ints such as (28, 28); "
                        f"received {input_shape!r}.") from None
    if any(d is not None and d < 1 for d in shape):
        raise ValueError(f"Layer '{name}': input_shape dimensions must be positive; "
                         f"received {input_shape!r}.")
    return (None,) + shape
