"""Core layers: Dense, Activation, Flatten, Reshape, Dropout."""
import math

import numpy as np

from .. import activations, config, initializers, regularizers
from .conv_utils import check_none_or_unsupported
from .layer import Layer


def _check_positive_int(value, argument, layer):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{layer} argument '{argument}' must be a positive integer; "
                         f"received {value!r}.")
    return int(value)


def kernel_layer_config(layer):
    """The config entries that Dense and the convolutions share, in Keras's order: activation,
    use_bias, the two initializers and the two regularizers."""
    return {
        "activation": activations.serialize(layer.activation),
        "use_bias": layer.use_bias,
        "kernel_initializer": initializers.serialize(layer.kernel_initializer),
        "bias_initializer": initializers.serialize(layer.bias_initializer),
        "kernel_regularizer": regularizers.serialize(layer.kernel_regularizer)
        if layer.kernel_regularizer else None,
        "bias_regularizer": regularizers.serialize(layer.bias_regularizer)
        if layer.bias_regularizer else None,
    }


class _ActivationMixin:
    """Shared activation forward/backward for layers with an ``activation`` argument."""

    def _activate(self, z, owned=True):
        """``y = activation(z)``; keeps ``z`` and ``y`` for the backward pass. ``owned``
        (default True): ``z`` was just computed by the layer, so it may be overwritten."""
        activation = self.activation
        if activation is activations.relu and owned and z.dtype.kind == "f":
            # relu in place: z > 0 exactly where y > 0, so y also serves as z for the gradient
            self._z = self._y = np.maximum(z, 0, out=z)
            return z
        self._z = z
        if activation is activations.linear:
            self._y = z
            return z
        if activation is activations.softmax and z.ndim == 2:
            self._y = activations.softmax_rows(z)
            return self._y
        self._y = activation(z)
        return self._y

    def _activation_gradient(self, grad_y):
        activation = self.activation
        if activation is activations.linear:
            return grad_y
        if activation is activations.relu:
            return grad_y * (self._z > 0)  # dL/dz = dL/dy where z > 0, else 0
        # dL/dz = dL/dy * f'(z)
        return activations.gradient(activation, self._z, self._y, grad_y)


class Dense(_ActivationMixin, Layer):
    """A fully connected layer: ``y = activation(x · W + b)``.

    Args:
        units: the number of outputs (a positive integer).
        activation: name or function of ``numnet.activations`` (default None: linear).
        use_bias: whether to add the bias ``b`` (default True).
        kernel_initializer: initializer of ``W`` (default 'glorot_uniform', Xavier).
        bias_initializer: initializer of ``b`` (default 'zeros').
        kernel_regularizer: penalty on ``W`` added to the loss, e.g. 'l2' (default None).
        bias_regularizer: penalty on ``b`` (default None).
        **kwargs: ``name``, ``input_shape``, ``input_dim``, ``trainable``, ``dtype``.

    Shapes: input ``(batch, ..., in)``, kernel ``(in, units)``, bias ``(units,)``, output
    ``(batch, ..., units)``.
    """

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(**kwargs)
        for argument, value in (("activity_regularizer", activity_regularizer),
                                ("kernel_constraint", kernel_constraint),
                                ("bias_constraint", bias_constraint)):
            check_none_or_unsupported(value, argument, "Dense")
        self.units = _check_positive_int(units, "units", "Dense")
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel = None
        self.bias = None

    def build(self, input_shape):
        in_features = input_shape[-1]
        if in_features is None:
            raise ValueError(f"Dense layer '{self.name}' needs a known last input dimension; "
                             f"received input shape {input_shape}.")
        self.kernel = self.add_weight("kernel", (in_features, self.units),
                                      self.kernel_initializer, self.kernel_regularizer)
        if self.use_bias:
            self.bias = self.add_weight("bias", (self.units,), self.bias_initializer,
                                        self.bias_regularizer)
        self.built = True

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def forward(self, x, training=False):
        self._x = x
        z = x @ self.kernel.value
        if self.use_bias:
            z += self.bias.value
        return self._activate(z)

    def backward(self, grad_y):
        return self.backward_pre_activation(self._activation_gradient(grad_y))

    def backward_pre_activation(self, grad_z):
        """Backward pass from ``dL/dz``, the gradient before the activation."""
        x = self._x
        if x.ndim != 2:
            x = x.reshape(-1, x.shape[-1])
            grad_z = grad_z.reshape(-1, self.units)
        if self.kernel.trainable:
            # dL/dW = x^T · dL/dz
            np.matmul(x.T, grad_z, out=self.kernel.grad)
            if self.use_bias:
                # dL/db = sum over the batch of dL/dz
                np.add.reduce(grad_z, axis=0, out=self.bias.grad)
        if not self.needs_input_gradient:
            return None
        # dL/dx = dL/dz · W^T
        return (grad_z @ self.kernel.value.T).reshape(self._x.shape)

    def get_config(self):
        cfg = super().get_config()
        cfg["units"] = self.units
        cfg.update(kernel_layer_config(self))
        cfg.update({"kernel_constraint": None, "bias_constraint": None})
        return cfg


class Activation(_ActivationMixin, Layer):
    """Apply an activation function: ``y = activation(x)``.

    Args:
        activation: name or function of ``numnet.activations``, e.g. 'relu'.
        **kwargs: ``name``, ``input_shape``, ...

    Shapes: output has the input's shape.
    """

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def forward(self, x, training=False):
        return self._activate(x, owned=False)

    def backward(self, grad_y):
        return self._activation_gradient(grad_y)

    def backward_pre_activation(self, grad_z):
        """Backward pass from the gradient before the activation: nothing left to do."""
        return grad_z

    def get_config(self):
        cfg = super().get_config()
        cfg["activation"] = activations.serialize(self.activation)
        return cfg


class Flatten(Layer):
    """Flatten each sample to a vector: ``(batch, d1, d2, ...) -> (batch, d1*d2*...)``.

    Args:
        data_format: kept for Keras compatibility (default None: channels_last).
        **kwargs: ``name``, ``input_shape``, ...
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        size = None if any(d is None for d in rest) else int(np.prod(rest, dtype=np.int64))
        return (input_shape[0], size)

    def forward(self, x, training=False):
        self._shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, grad_y):
        # dL/dx is dL/dy with the input's shape
        return grad_y.reshape(self._shape)

    def get_config(self):
        cfg = super().get_config()
        cfg["data_format"] = self.data_format or "channels_last"
        return cfg


class Reshape(Layer):
    """Reshape each sample to ``target_shape`` (one entry may be -1).

    Args:
        target_shape: tuple of ints, without the batch dimension, e.g. ``(28, 28, 1)``.
        **kwargs: ``name``, ``input_shape``, ...
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        try:
            self.target_shape = tuple(int(d) for d in target_shape)
        except (TypeError, ValueError):
            raise TypeError(f"Reshape argument 'target_shape' must be a tuple of ints such as "
                            f"(28, 28, 1); received {target_shape!r}.") from None
        if sum(d == -1 for d in self.target_shape) > 1 or any(
                d < 1 and d != -1 for d in self.target_shape):
            raise ValueError(f"Reshape argument 'target_shape' must hold positive ints and at "
                             f"most one -1; received {target_shape!r}.")

    def compute_output_shape(self, input_shape):
        shape = list(self.target_shape)
        rest = input_shape[1:]
        if -1 in shape and all(d is not None for d in rest):
            known = math.prod(d for d in shape if d != -1)
            shape[shape.index(-1)] = math.prod(rest) // known
        elif all(d is not None for d in rest) and math.prod(rest) != math.prod(shape):
            raise ValueError(f"Reshape layer '{self.name}': cannot reshape input of shape "
                             f"{tuple(input_shape)} ({math.prod(rest)} values per sample) to "
                             f"{self.target_shape} ({math.prod(shape)} values).")
        return (input_shape[0],) + tuple(None if d == -1 else d for d in shape)

    def forward(self, x, training=False):
        self._shape = x.shape
        return x.reshape((x.shape[0],) + self.target_shape)

    def backward(self, grad_y):
        # dL/dx is dL/dy with the input's shape
        return grad_y.reshape(self._shape)

    def get_config(self):
        cfg = super().get_config()
        cfg["target_shape"] = list(self.target_shape)
        return cfg


class Dropout(Layer):
    """Inverted dropout: in training zero each input with probability ``rate`` and scale the
    rest by ``1 / (1 - rate)``; at inference pass the input through unchanged.

    Args:
        rate: the fraction of inputs to drop, in [0, 1).
        noise_shape: shape of the binary mask, broadcast over the input (default None: the
            input's shape); e.g. ``(batch, 1, features)`` drops whole features.
        seed: an int for a reproducible mask sequence (default None: numnet's global RNG).
        **kwargs: ``name``, ...
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(rate, bool) or not isinstance(rate, (int, float, np.floating)) \
                or not 0 <= rate < 1:
            raise ValueError(f"Dropout argument 'rate' must be a number in [0, 1); "
                             f"received {rate!r}.")
        self.rate = float(rate)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed
        self._rng = np.random.default_rng(seed) if seed is not None else None

    def forward(self, x, training=False):
        self._mask = None
        if not training or self.rate == 0:
            return x
        rng = self._rng or config.rng()
        shape = x.shape if self.noise_shape is None else tuple(
            x.shape[i] if d is None else d for i, d in enumerate(self.noise_shape))
        keep = rng.random(shape, dtype=np.float32) >= self.rate
        self._mask = keep * np.asarray(1.0 / (1.0 - self.rate), dtype=x.dtype)
        return x * self._mask

    def backward(self, grad_y):
        # dL/dx = dL/dy * mask / (1 - rate)
        return grad_y if self._mask is None else grad_y * self._mask

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"rate": self.rate, "seed": self.seed,
                    "noise_shape": None if self.noise_shape is None else list(self.noise_shape)})
        return cfg
