"""``Model``: what every model shares — its layers' weights, kept in one flat buffer.

All trainable weights of a built model live in one contiguous array and all their gradients in
another; each layer's ``Variable.value`` / ``Variable.grad`` is a view into them. An optimizer
step is then a few whole-array operations instead of a Python loop over weights.
"""
import numpy as np

from ..utils.naming import to_snake_case, unique_name
from . import summary as summary_module
from .training import Trainer


class Model(Trainer):
    """Base of ``Sequential`` and of functional models.

    ``numnet.Model(inputs, outputs, name=None)`` builds a functional model (see
    ``functional.py``), exactly as ``keras.Model`` does.

    Args:
        name: the model's name, any string (default: ``sequential``, ``functional``, ...).
        trainable: whether its weights are trained (default True).
    """

    def __new__(cls, *args, **kwargs):
        if cls is Model and (args or "inputs" in kwargs or "outputs" in kwargs):
            from .functional import Functional
            return super().__new__(Functional)
        return super().__new__(cls)

    def __init__(self, name=None, trainable=True):
        if name is not None and not isinstance(name, str):
            raise TypeError(f"Model argument 'name' must be a string; received {name!r}.")
        self.name = name or unique_name(to_snake_case(type(self).__name__))
        self.trainable = bool(trainable)
        self.built = False
        self.stop_training = False
        self.history = None
        self._packed_ids = None
        self._flat_params = None
        self._flat_grads = None
        self._segments = None
        self._regularized = []  # the trainable weights that have a regularizer
        Trainer.__init__(self)

    # ------------------------------------------------------------- weights
    @property
    def weights(self):
        """All weights: each layer's trainable then non-trainable, layer by layer."""
        return [v for layer in self.layers for v in layer.weights]

    @property
    def trainable_weights(self):
        """The weights the optimizer updates."""
        if not self.trainable:
            return []
        return [v for layer in self.layers for v in layer.trainable_weights]

    @property
    def non_trainable_weights(self):
        """Weights the optimizer leaves alone (frozen layers, moving statistics)."""
        if not self.trainable:
            return self.weights
        return [v for layer in self.layers for v in layer.non_trainable_weights]

    @property
    def trainable_variables(self):
        """Alias of ``trainable_weights`` (Keras 3 name)."""
        return self.trainable_weights

    @property
    def variables(self):
        """Alias of ``weights``."""
        return self.weights

    def get_weights(self):
        """Return all weights as a list of NumPy arrays (copies), in ``weights`` order."""
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights):
        """Set all weights from a list of arrays shaped like ``get_weights()``."""
        own = self.weights
        weights = list(weights)
        if len(weights) != len(own):
            raise ValueError(f"Model '{self.name}' has {len(own)} weight arrays; "
                             f"set_weights received {len(weights)}.")
        for variable, value in zip(own, weights):
            value = np.asarray(value)
            if value.shape != variable.shape:
                raise ValueError(f"set_weights: weight '{variable.path}' has shape "
                                 f"{variable.shape}; received an array of shape {value.shape}.")
        for variable, value in zip(own, weights):
            variable.assign(value)

    def count_params(self):
        """The total number of scalars in all weights."""
        if not self.built:
            raise ValueError(f"You tried to call count_params on model '{self.name}', but the "
                             f"model isn't built yet. Give the first layer an input shape or "
                             f"call build(input_shape) first.")
        return int(sum(v.size for v in self.weights))

    @property
    def losses(self):
        """The regularization penalties of all layers."""
        return [loss for layer in self.layers for loss in layer.losses]

    def get_layer(self, name=None, index=None):
        """Return a layer by ``name`` or by ``index``."""
        if index is not None:
            if not -len(self.layers) <= index < len(self.layers):
                raise ValueError(f"get_layer: index {index} is out of range; the model has "
                                 f"{len(self.layers)} layers.")
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name!r}. Existing layers are: "
                         f"{[layer.name for layer in self.layers]}.")

    def _pack_weights(self):
        """Gather the trainable weights into one flat buffer (and gradients into another).

        Re-done only when the set of trainable weights changed (a layer frozen or added).
        Returns True when the layout changed.
        """
        trainable = self.trainable_weights
        ids = tuple(id(v) for v in trainable)
        if ids == self._packed_ids:
            return False
        dtypes = {v.value.dtype for v in trainable}
        dtype = dtypes.pop() if len(dtypes) == 1 else np.dtype("float64")
        total = sum(v.size for v in trainable)
        params = np.empty(total, dtype=dtype)
        grads = np.zeros(total, dtype=dtype)
        segments, start = [], 0
        for v in trainable:
            stop = start + v.size
            params[start:stop] = v.value.ravel()
            v.value = params[start:stop].reshape(v.shape)
            v.grad = grads[start:stop].reshape(v.shape)
            segments.append((start, stop))
            start = stop
        self._flat_params, self._flat_grads, self._segments = params, grads, segments
        self._packed_ids = ids
        self._regularized = [v for v in trainable if v.regularizer is not None]
        self._mark_input_gradients()
        return True

    def _mark_input_gradients(self):
        """A layer needs dL/dx only when some layer before it has trainable weights."""
        seen_weights = False
        for layer in self.layers:
            layer.needs_input_gradient = seen_weights
            seen_weights = seen_weights or bool(layer.trainable_weights)

    def _output_layer(self):
        """The layer that computes the model's (single) output."""
        return self.layers[-1] if self.layers else None

    # ------------------------------------------------------------- symbolic graph
    def _symbolic(self, attribute):
        if not self.built or getattr(self, "_inputs", None) is None:
            raise AttributeError(f"Model '{self.name}' has no defined {attribute} yet: give it "
                                 f"an Input (or input_shape=) or build it first.")

    @property
    def inputs(self):
        """The list of symbolic input tensors."""
        self._symbolic("inputs")
        return list(self._inputs)

    @property
    def outputs(self):
        """The list of symbolic output tensors."""
        self._symbolic("outputs")
        return list(self._outputs)

    @property
    def input(self):
        """The symbolic input tensor (a list when there are several)."""
        inputs = self.inputs
        return inputs[0] if len(inputs) == 1 else inputs

    @property
    def output(self):
        """The symbolic output tensor (a list when there are several)."""
        outputs = self.outputs
        return outputs[0] if len(outputs) == 1 else outputs

    # ------------------------------------------------------------- saving
    def save(self, filepath, overwrite=True, zipped=None, **kwargs):
        """Save the model to ``.keras`` (Keras 3 zip) or ``.h5`` (legacy HDF5); see
        ``numnet.saving.save_model``."""
        from ..saving.api import save_model
        return save_model(self, filepath, overwrite=overwrite, zipped=zipped, **kwargs)

    def save_weights(self, filepath, overwrite=True, max_shard_size=None):
        """Save the weights to ``.weights.h5`` (or a legacy ``.h5``); see
        ``numnet.saving.save_weights``."""
        from ..saving.api import save_weights
        return save_weights(self, filepath, overwrite=overwrite, max_shard_size=max_shard_size)

    def load_weights(self, filepath, skip_mismatch=False, **kwargs):
        """Load weights from ``.keras``, ``.weights.h5`` or ``.h5``; see
        ``numnet.saving.load_weights``."""
        from ..saving.api import load_weights
        return load_weights(self, filepath, skip_mismatch=skip_mismatch, **kwargs)

    # ------------------------------------------------------------- display
    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None):
        """Print the Keras 3 table of layers, output shapes and parameter counts.

        Args:
            line_length: total width (default 88, less on a narrow terminal).
            print_fn: function called with the whole text (default ``print``).
        """
        text = "\n".join(summary_module.summary_lines(self, line_length=line_length))
        (print_fn or print)(text)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"
