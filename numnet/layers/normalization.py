"""BatchNormalization: normalise each feature (channel) with batch statistics while training
and with moving averages of them at inference, then scale by ``gamma`` and shift by ``beta``.
"""
import numpy as np

from .. import initializers, regularizers
from . import conv_utils as cu
from .layer import Layer


def _check_number(value, argument, low=None, high=None, low_open=False):
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if ok and low is not None:
        ok = value > low if low_open else value >= low
    if ok and high is not None:
        ok = value <= high
    if not ok:
        bounds = {(0.0, 1.0, False): "a number in [0, 1]", (0.0, None, True): "a number > 0"}
        raise ValueError(f"BatchNormalization argument '{argument}' must be "
                         f"{bounds[(low, high, low_open)]}; received {value!r}.")
    return float(value)


class BatchNormalization(Layer):
    """Batch normalization (Ioffe & Szegedy, 2015), as ``keras.layers.BatchNormalization``.

    Training (``fit``, or ``training=True``), per feature ``c`` over every other axis::

        mean = mean(x),  var = mean((x - mean)^2)          # batch statistics (biased variance)
        y = gamma * (x - mean) / sqrt(var + epsilon) + beta
        moving_mean = moving_mean * momentum + mean * (1 - momentum)      (same for the variance)

    Inference (``predict``, ``evaluate``, or a frozen layer ``trainable=False``) uses
    ``moving_mean`` and ``moving_variance`` instead of the batch statistics.

    Args:
        axis: the feature axis, normalised separately for each of its entries (default -1:
            the last axis, i.e. the units of a Dense output or the channels of an image).
        momentum: the weight of the old value in the moving averages (default 0.99).
        epsilon: added to the variance before the square root (default 1e-3).
        center: learn the shift ``beta`` (default True; False: ``beta = 0``).
        scale: learn the scale ``gamma`` (default True; False: ``gamma = 1``).
        beta_initializer: initializer of ``beta`` (default 'zeros').
        gamma_initializer: initializer of ``gamma`` (default 'ones').
        moving_mean_initializer: initializer of ``moving_mean`` (default 'zeros').
        moving_variance_initializer: initializer of ``moving_variance`` (default 'ones').
        beta_regularizer: penalty on ``beta`` (default None).
        gamma_regularizer: penalty on ``gamma`` (default None).
        beta_constraint, gamma_constraint: only None is supported.
        renorm, renorm_clipping, renorm_momentum: batch renormalization, only ``renorm=False``
            is supported (defaults False, None, 0.99).
        synchronized: only False is supported (default False).
        **kwargs: ``name``, ``input_shape``, ``trainable``, ``dtype``.

    Shapes: output has the input's shape, e.g. ``(batch, units)`` or
    ``(batch, height, width, channels)``. Weights, each of shape ``(features,)``, in Keras order:
    ``gamma``, ``beta`` (trainable), ``moving_mean``, ``moving_variance`` (non-trainable): a
    layer on 64 channels has 256 parameters, 128 of them non-trainable.
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, renorm=False, renorm_clipping=None,
                 renorm_momentum=0.99, synchronized=False, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
            raise ValueError(f"BatchNormalization argument 'axis' must be an int such as -1 "
                             f"(the feature axis); received {axis!r}.")
        self.axis = int(axis)
        self.momentum = _check_number(momentum, "momentum", 0.0, 1.0)
        self.epsilon = _check_number(epsilon, "epsilon", 0.0, low_open=True)
        self.center = bool(center)
        self.scale = bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        for value, argument in ((beta_constraint, "beta_constraint"),
                                (gamma_constraint, "gamma_constraint"),
                                (renorm_clipping, "renorm_clipping")):
            cu.check_none_or_unsupported(value, argument, "BatchNormalization")
        for value, argument in ((renorm, "renorm"), (synchronized, "synchronized")):
            if value:
                raise NotImplementedError(f"BatchNormalization argument '{argument}=True' is "
                                          f"not supported by numnet; leave it False.")
        self.renorm_momentum = float(renorm_momentum)
        self.gamma = self.beta = self.moving_mean = self.moving_variance = None

    def _feature_axis(self, ndim):
        if not -ndim <= self.axis < ndim:
            raise ValueError(f"BatchNormalization layer '{self.name}': axis={self.axis} is out "
                             f"of range for inputs with {ndim} dimensions (allowed: "
                             f"{-ndim}..{ndim - 1}).")
        return self.axis % ndim

    def build(self, input_shape):
        axis = self._feature_axis(len(input_shape))
        features = input_shape[axis]
        if axis == 0 or features is None:
            raise ValueError(f"BatchNormalization layer '{self.name}': axis={self.axis} must "
                             f"be a feature axis of known size (not the batch axis); received "
                             f"input shape {tuple(input_shape)}.")
        shape = (features,)
        if self.scale:
            self.gamma = self.add_weight("gamma", shape, self.gamma_initializer,
                                         self.gamma_regularizer)
        if self.center:
            self.beta = self.add_weight("beta", shape, self.beta_initializer,
                                        self.beta_regularizer)
        self.moving_mean = self.add_weight("moving_mean", shape, self.moving_mean_initializer,
                                           trainable=False)
        self.moving_variance = self.add_weight("moving_variance", shape,
                                               self.moving_variance_initializer, trainable=False)
        self.built = True

    def compute_output_shape(self, input_shape):
        self._feature_axis(len(input_shape))
        return tuple(input_shape)

    def _broadcast(self, vector, ndim):
        """``(features,)`` -> a shape that broadcasts along the feature axis of the input."""
        shape = [1] * ndim
        shape[self._axis] = vector.size
        return vector.reshape(shape)

    def _feature_sums(self, a):
        """Sum of ``a`` over every axis except the feature axis: shape ``(features,)``."""
        if self._axis == a.ndim - 1 and a.flags.c_contiguous:
            rows = a.reshape(-1, a.shape[-1])
            ones = getattr(self, "_ones", None)
            if ones is None or ones.shape[0] != rows.shape[0] or ones.dtype != a.dtype:
                ones = self._ones = np.ones(rows.shape[0], dtype=a.dtype)
            return ones @ rows  # a ones-vector product: much faster than a column-wise sum
        return a.sum(axis=self._reduce)

    def forward(self, x, training=False):
        self._axis = axis = self._feature_axis(x.ndim)
        features = self.moving_mean.shape[0]
        if x.shape[axis] != features:
            raise ValueError(f"Input of layer '{self.name}' (BatchNormalization) must have "
                             f"{features} features on axis {self.axis}; received shape "
                             f"{x.shape}.")
        self._reduce = tuple(i for i in range(x.ndim) if i != axis)
        # Keras: batch statistics only when training a trainable layer
        self._batch_stats = bool(training) and self.trainable
        if self._batch_stats:
            count = x.size // features
            mean = self._feature_sums(x) / count
            centered = x - self._broadcast(mean, x.ndim)
            variance = self._feature_sums(np.square(centered)) / count  # biased, as Keras
            m = self.momentum
            # moving = moving * momentum + batch * (1 - momentum), updated in place
            self.moving_mean.value[...] = self.moving_mean.value * m + mean * (1 - m)
            self.moving_variance.value[...] = self.moving_variance.value * m + variance * (1 - m)
        else:
            centered = x - self._broadcast(self.moving_mean.value, x.ndim)
            variance = self.moving_variance.value
        self._centered = centered
        self._inv_std = 1.0 / np.sqrt(variance + self.epsilon)  # (features,)
        # y = gamma * (x - mean) / sqrt(var + eps) + beta
        y = centered * self._broadcast(self._scale(), x.ndim)
        if self.center:
            y += self._broadcast(self.beta.value, x.ndim)
        return y

    def _scale(self):
        """``gamma / sqrt(var + eps)``, the factor applied to ``x - mean``."""
        return self._inv_std * self.gamma.value if self.scale else self._inv_std

    def backward(self, grad_y):
        centered, inv_std, ndim = self._centered, self._inv_std, grad_y.ndim
        grad_beta = self._feature_sums(grad_y)
        grad_gamma = self._feature_sums(grad_y * centered) * inv_std
        if self.center and self.beta.trainable:
            # dL/dbeta = sum over the batch (and positions) of dL/dy
            self.beta.grad[...] = grad_beta
        if self.scale and self.gamma.trainable:
            # dL/dgamma = sum of dL/dy * x_hat, with x_hat = (x - mean) / sqrt(var + eps)
            self.gamma.grad[...] = grad_gamma
        if not self.needs_input_gradient:
            return None
        scale = self._broadcast(self._scale(), ndim)
        if not self._batch_stats:
            # fixed statistics: dL/dx = dL/dy * gamma / sqrt(moving_var + eps)
            return grad_y * scale
        count = grad_y.size // grad_beta.size
        # batch statistics: dL/dx = gamma / sqrt(var + eps)
        #   * (dL/dy - mean(dL/dy) - x_hat * mean(dL/dy * x_hat))
        return (grad_y - self._broadcast(grad_beta / count, ndim)
                - centered * self._broadcast(grad_gamma * inv_std / count, ndim)) * scale

    def get_config(self):
        cfg = super().get_config()
        cfg.update({
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer": initializers.serialize(
                self.moving_variance_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer)
            if self.beta_regularizer else None,
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer)
            if self.gamma_regularizer else None,
            "beta_constraint": None,
            "gamma_constraint": None,
            "synchronized": False,
            "renorm": False,
            "renorm_clipping": None,
            "renorm_momentum": self.renorm_momentum,
        })
        return cfg
