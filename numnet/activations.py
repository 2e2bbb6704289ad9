"""Activation functions, as in ``keras.activations``, with their derivatives.

Every function takes a NumPy array ``x`` of any shape and returns an array of the same shape
(and the same float dtype: float32 in, float32 out; non-float input becomes ``floatx()``).
Element-wise unless said otherwise; ``softmax`` and ``log_softmax`` work along ``axis``.

Backpropagation: ``gradient(fn, x, y, grad_y)`` returns ``dL/dx`` from the input ``x``, the
output ``y = fn(x)`` and the upstream gradient ``grad_y = dL/dy``. Each registered activation
has its derivative written next to it, with the math in a comment. A custom activation (any
callable) can take part in backpropagation by carrying a ``gradient(x, y, grad_y)`` attribute.

Names (``get('relu')``, ``serialize(relu)``) are those of Keras 3; ``'swish'`` is an alias of
``'silu'`` and ``'hard_swish'`` of ``'hard_silu'``.
"""
import functools
import math

import numpy as np

from numnet import config
from numnet.utils.naming import unknown_name_error

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_GELU_CUBIC = 0.044715

_REGISTRY = {}  # name -> function
_GRADIENTS = {}  # function -> derivative(x, y, grad_y, **same keyword arguments as the function)
_NAMES = {}  # function -> its Keras name


def _as_float(x):
    """Return ``x`` as a float array: float arrays keep their dtype, anything else -> floatx()."""
    if isinstance(x, (np.ndarray, np.generic)) and x.dtype.kind == "f":
        return np.asarray(x)
    return np.asarray(x, dtype=config.floatx())


def _register(name, derivative, *aliases):
    """Decorator: record ``fn`` under ``name`` (and aliases) with its ``derivative``."""

    def wrap(fn):
        _REGISTRY[name] = fn
        for alias in aliases:
            _REGISTRY[alias] = fn
        _GRADIENTS[fn] = derivative
        _NAMES[fn] = name
        return fn

    return wrap


def _erf(x):
    """Element-wise error function (SciPy's when available), keeping the dtype of ``x``."""
    try:
        from scipy.special import erf
    except ImportError:  # pragma: no cover - SciPy ships with scikit-learn
        erf = np.vectorize(math.erf, otypes=[x.dtype])
    return erf(x).astype(x.dtype, copy=False)


# ----------------------------------------------------------------------------- derivatives


def _d_linear(x, y, g):
    # y = x  ->  dL/dx = dL/dy
    return g


def _d_sigmoid(x, y, g):
    # y = 1 / (1 + e^-x)  ->  dL/dx = dL/dy * y * (1 - y)
    return g * y * (1 - y)


def _d_tanh(x, y, g):
    # y = tanh(x)  ->  dL/dx = dL/dy * (1 - y^2)
    return g * (1 - y * y)


def _d_relu(x, y, g, negative_slope=0.0, max_value=None, threshold=0.0):
    x = np.asarray(x)
    # y = x above threshold (and below max_value), negative_slope * (x - threshold) below it
    # ->  dy/dx = 1 on the passing part, negative_slope below threshold, 0 where clipped
    if max_value is None and negative_slope == 0:
        return g * (x > threshold)  # plain relu: dL/dx = dL/dy where x > threshold, else 0
    slope = (x > threshold).astype(g.dtype)
    if max_value is not None:
        slope *= (x > 0) & (x < max_value)
    if negative_slope != 0:
        slope += negative_slope * (x < threshold)
    return g * slope


def _d_relu6(x, y, g):
    # y = min(max(x, 0), 6)  ->  dL/dx = dL/dy * [0 < x < 6]
    x = np.asarray(x)
    return g * ((x > 0) & (x < 6))


def _d_leaky_relu(x, y, g, negative_slope=0.2):
    # y = x if x >= 0 else negative_slope * x  ->  dL/dx = dL/dy * (1 or negative_slope)
    return g * np.where(np.asarray(x) >= 0, 1, negative_slope).astype(g.dtype, copy=False)


def _d_elu(x, y, g, alpha=1.0):
    # y = x if x >= 0 else alpha * (e^x - 1)  ->  dy/dx = 1 or alpha * e^x = y + alpha
    return g * np.where(np.asarray(x) >= 0, 1, y + alpha)


def _d_selu(x, y, g):
    # y = scale * elu(x, alpha)  ->  dy/dx = scale or y + scale * alpha
    return g * np.where(np.asarray(x) >= 0, _SELU_SCALE, y + _SELU_SCALE * _SELU_ALPHA)


def _d_celu(x, y, g, alpha=1.0):
    # y = max(x, 0) + alpha * (e^(min(x, 0) / alpha) - 1)  ->  dy/dx = 1 or e^(x / alpha)
    x = np.asarray(x)
    return g * np.where(x > 0, 1, np.exp(np.minimum(x, 0) / alpha))


def _d_softplus(x, y, g):
    # y = log(1 + e^x)  ->  dL/dx = dL/dy * sigmoid(x)
    return g * sigmoid(x)


def _d_log_sigmoid(x, y, g):
    # y = -log(1 + e^-x)  ->  dL/dx = dL/dy * sigmoid(-x)
    return g * sigmoid(-np.asarray(x))


def _d_softsign(x, y, g):
    # y = x / (1 + |x|)  ->  dL/dx = dL/dy / (1 + |x|)^2
    d = 1 + np.abs(x)
    return g / (d * d)


def _d_silu(x, y, g):
    # y = x * s with s = sigmoid(x)  ->  dy/dx = s * (1 + x * (1 - s))
    s = sigmoid(x)
    return g * s * (1 + x * (1 - s))


def _d_gelu(x, y, g, approximate=False):
    x = np.asarray(x)
    if approximate:
        # y = x/2 * (1 + tanh(u)), u = c (x + 0.044715 x^3)
        # ->  dy/dx = (1 + t)/2 + x/2 * (1 - t^2) * c * (1 + 3 * 0.044715 x^2),  t = tanh(u)
        t = np.tanh(_SQRT_2_OVER_PI * (x + _GELU_CUBIC * x**3))
        dt = _SQRT_2_OVER_PI * (1 + 3 * _GELU_CUBIC * x * x)
        return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * dt)
    # y = x * Phi(x)  ->  dy/dx = Phi(x) + x * phi(x), phi the standard normal density
    cdf = 0.5 * (1 + _erf(x * _INV_SQRT_2))
    return g * (cdf + x * _INV_SQRT_2PI * np.exp(-0.5 * x * x))


def _d_exponential(x, y, g):
    # y = e^x  ->  dL/dx = dL/dy * y
    return g * y


def _d_hard_sigmoid(x, y, g):
    # y = relu6(x + 3) / 6  ->  dL/dx = dL/dy / 6 on -3 < x < 3, else 0
    x = np.asarray(x)
    return g * (((x > -3) & (x < 3)) / 6).astype(g.dtype, copy=False)


def _d_hard_silu(x, y, g):
    # y = x * relu6(x + 3) / 6  ->  dy/dx = 0 (x < -3), (2x + 3) / 6 (-3 < x < 3), 1 (x > 3)
    x = np.asarray(x)
    return g * np.where(x < -3, 0, np.where(x > 3, 1, (2 * x + 3) / 6))


def _d_hard_tanh(x, y, g):
    # y = clip(x, -1, 1)  ->  dL/dx = dL/dy * [-1 < x < 1]
    x = np.asarray(x)
    return g * ((x > -1) & (x < 1))


def _d_tanh_shrink(x, y, g):
    # y = x - tanh(x)  ->  dL/dx = dL/dy * tanh(x)^2
    t = np.tanh(x)
    return g * t * t


def _d_squareplus(x, y, g, b=4):
    # y = (x + sqrt(x^2 + b)) / 2  ->  dy/dx = (1 + x / sqrt(x^2 + b)) / 2
    x = np.asarray(x)
    return g * 0.5 * (1 + x / np.sqrt(x * x + b))


def _d_shrink(x, y, g, threshold=0.5):
    # soft_shrink and hard_shrink: y moves with x only where |x| > threshold  ->  dy/dx = [|x| > t]
    return g * (np.abs(x) > threshold)


def _d_sparse_plus(x, y, g):
    # y = 0 (x <= -1), (x + 1)^2 / 4 (-1 < x < 1), x (x >= 1)  ->  dy/dx = 0, (x + 1) / 2, 1
    x = np.asarray(x)
    return g * np.clip(0.5 * (x + 1), 0, 1)


def _d_sparse_sigmoid(x, y, g):
    # y = clip((x + 1) / 2, 0, 1)  ->  dL/dx = dL/dy / 2 on -1 < x < 1
    x = np.asarray(x)
    return g * (((x > -1) & (x < 1)) * 0.5).astype(g.dtype, copy=False)


def _d_mish(x, y, g):
    # y = x * tanh(softplus(x))  ->  dy/dx = t + x * (1 - t^2) * sigmoid(x),  t = tanh(softplus(x))
    t = np.tanh(softplus(x))
    return g * (t + x * (1 - t * t) * sigmoid(x))


def _d_softmax(x, y, g, axis=-1):
    # y = softmax(x)  ->  dL/dx = y * (dL/dy - sum(dL/dy * y, axis))
    return y * (g - np.sum(g * y, axis=axis, keepdims=True))


def _d_log_softmax(x, y, g, axis=-1):
    # y = x - logsumexp(x)  ->  dL/dx = dL/dy - softmax(x) * sum(dL/dy, axis), softmax(x) = e^y
    return g - np.exp(y) * np.sum(g, axis=axis, keepdims=True)


# ----------------------------------------------------------------------------- activations


@_register("linear", _d_linear)
def linear(x):
    """Identity: returns ``x`` unchanged. ``get(None)`` gives this function."""
    return x


@_register("sigmoid", _d_sigmoid)
def sigmoid(x):
    """Logistic function ``1 / (1 + exp(-x))``, in (0, 1); stable for any ``x`` (no overflow)."""
    x = _as_float(x)
    z = np.exp(-np.abs(x))  # in (0, 1]: never overflows
    out = 1 / (1 + z)
    return np.where(x >= 0, out, z * out)


@_register("tanh", _d_tanh)
def tanh(x):
    """Hyperbolic tangent ``(e^x - e^-x) / (e^x + e^-x)``, in (-1, 1)."""
    return np.tanh(_as_float(x))


@_register("relu", _d_relu)
def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit, ``max(x, 0)`` with the defaults.

    Args:
        x: input array.
        negative_slope: slope below ``threshold`` (default 0.0), giving
            ``negative_slope * (x - threshold)`` there.
        max_value: upper bound of the output, or None (default) for no bound.
        threshold: values at or below it are treated as "negative" (default 0.0).
    Returns:
        Array of the shape and dtype of ``x``.
    """
    x = _as_float(x)
    if negative_slope != 0 and max_value is None and threshold == 0:
        return leaky_relu(x, negative_slope=negative_slope)
    if threshold != 0:
        out = np.where(x > threshold, x, x.dtype.type(0))
    else:
        out = np.maximum(x, x.dtype.type(0))
    if max_value is not None:
        out = np.clip(out, x.dtype.type(0), x.dtype.type(max_value))
    if negative_slope != 0:
        out = out - x.dtype.type(negative_slope) * np.maximum(x.dtype.type(threshold) - x, 0)
    return out


@_register("relu6", _d_relu6)
def relu6(x):
    """``min(max(x, 0), 6)``."""
    x = _as_float(x)
    return np.clip(x, x.dtype.type(0), x.dtype.type(6))


@_register("leaky_relu", _d_leaky_relu)
def leaky_relu(x, negative_slope=0.2):
    """``x`` for ``x >= 0``, ``negative_slope * x`` otherwise (default slope 0.2, as Keras)."""
    x = _as_float(x)
    return np.where(x >= 0, x, x * x.dtype.type(negative_slope))


@_register("elu", _d_elu)
def elu(x, alpha=1.0):
    """Exponential linear unit: ``x`` for ``x >= 0``, ``alpha * (exp(x) - 1)`` otherwise.

    Args:
        x: input array.
        alpha: the value approached for large negative ``x`` is ``-alpha`` (default 1.0).
    """
    x = _as_float(x)
    return np.where(x >= 0, x, x.dtype.type(alpha) * np.expm1(np.minimum(x, 0)))


@_register("selu", _d_selu)
def selu(x):
    """Scaled ELU: ``scale * elu(x, alpha)`` with alpha ~ 1.67326 and scale ~ 1.05070."""
    x = _as_float(x)
    return x.dtype.type(_SELU_SCALE) * elu(x, alpha=_SELU_ALPHA)


@_register("celu", _d_celu)
def celu(x, alpha=1.0):
    """Continuously differentiable ELU: ``max(x, 0) + alpha * (exp(min(x, 0) / alpha) - 1)``.

    Args:
        x: input array.
        alpha: scale of the negative part (default 1.0).
    """
    x = _as_float(x)
    a = x.dtype.type(alpha)
    return np.maximum(x, 0) + a * np.expm1(np.minimum(x, 0) / a)


@_register("softplus", _d_softplus)
def softplus(x):
    """``log(1 + exp(x))``, computed stably as ``logaddexp(x, 0)``."""
    return np.logaddexp(_as_float(x), 0)


@_register("log_sigmoid", _d_log_sigmoid)
def log_sigmoid(x):
    """``log(sigmoid(x)) = -softplus(-x)``, stable for any ``x``."""
    return -softplus(-_as_float(x))


@_register("softsign", _d_softsign)
def softsign(x):
    """``x / (1 + |x|)``, in (-1, 1)."""
    x = _as_float(x)
    return x / (1 + np.abs(x))


@_register("silu", _d_silu, "swish")
def silu(x):
    """Sigmoid linear unit (also called swish): ``x * sigmoid(x)``."""
    x = _as_float(x)
    return x * sigmoid(x)


swish = silu


@_register("gelu", _d_gelu)
def gelu(x, approximate=False):
    """Gaussian error linear unit ``x * P(X <= x)`` for ``X ~ N(0, 1)``.

    Args:
        x: input array.
        approximate: False (default) for the exact ``x/2 * (1 + erf(x / sqrt(2)))``; True for
            ``x/2 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))``.
    """
    x = _as_float(x)
    if approximate:
        return 0.5 * x * (1 + np.tanh(_SQRT_2_OVER_PI * (x + _GELU_CUBIC * x**3)))
    return 0.5 * x * (1 + _erf(x * _INV_SQRT_2))


@_register("exponential", _d_exponential)
def exponential(x):
    """``exp(x)`` (overflows to inf for large ``x``, like Keras)."""
    return np.exp(_as_float(x))


@_register("hard_sigmoid", _d_hard_sigmoid)
def hard_sigmoid(x):
    """Piecewise-linear sigmoid of Keras 3: ``relu6(x + 3) / 6`` (0 below -3, 1 above 3)."""
    x = _as_float(x)
    return np.clip(x / 6 + 0.5, x.dtype.type(0), x.dtype.type(1))


@_register("hard_silu", _d_hard_silu, "hard_swish")
def hard_silu(x):
    """Hard SiLU (hard swish): ``x * hard_sigmoid(x)``."""
    x = _as_float(x)
    return x * hard_sigmoid(x)


hard_swish = hard_silu


@_register("hard_tanh", _d_hard_tanh)
def hard_tanh(x):
    """``clip(x, -1, 1)``."""
    x = _as_float(x)
    return np.clip(x, x.dtype.type(-1), x.dtype.type(1))


@_register("tanh_shrink", _d_tanh_shrink)
def tanh_shrink(x):
    """``x - tanh(x)``."""
    x = _as_float(x)
    return x - np.tanh(x)


@_register("squareplus", _d_squareplus)
def squareplus(x, b=4):
    """Smooth ReLU ``(x + sqrt(x^2 + b)) / 2``.

    Args:
        x: input array.
        b: smoothness, ``b >= 0`` (default 4); ``b = 0`` gives ``relu``.
    """
    x = _as_float(x)
    return (x + np.sqrt(x * x + x.dtype.type(b))) / 2


@_register("soft_shrink", _d_shrink)
def soft_shrink(x, threshold=0.5):
    """``x - threshold`` above ``threshold``, ``x + threshold`` below ``-threshold``, else 0.

    Args:
        x: input array.
        threshold: half-width of the zero band (default 0.5).
    """
    x = _as_float(x)
    t = x.dtype.type(threshold)
    return np.where(x > t, x - t, np.where(x < -t, x + t, x.dtype.type(0)))


@_register("hard_shrink", _d_shrink)
def hard_shrink(x, threshold=0.5):
    """``x`` where ``|x| > threshold``, else 0.

    Args:
        x: input array.
        threshold: half-width of the zero band (default 0.5).
    """
    x = _as_float(x)
    return np.where(np.abs(x) > x.dtype.type(threshold), x, x.dtype.type(0))


@_register("sparse_plus", _d_sparse_plus)
def sparse_plus(x):
    """0 for ``x <= -1``, ``(x + 1)^2 / 4`` for ``-1 < x < 1``, ``x`` for ``x >= 1``."""
    x = _as_float(x)
    return np.where(x <= -1, x.dtype.type(0), np.where(x < 1, 0.25 * (x + 1) ** 2, x))


@_register("sparse_sigmoid", _d_sparse_sigmoid)
def sparse_sigmoid(x):
    """``clip((x + 1) / 2, 0, 1)``."""
    x = _as_float(x)
    return np.clip(0.5 * (x + 1), x.dtype.type(0), x.dtype.type(1))


@_register("mish", _d_mish)
def mish(x):
    """``x * tanh(softplus(x))``."""
    x = _as_float(x)
    return x * np.tanh(softplus(x))


@_register("softmax", _d_softmax)
def softmax(x, axis=-1):
    """``exp(x) / sum(exp(x))`` along ``axis``: each slice becomes a probability distribution.

    Args:
        x: input array (e.g. logits of shape ``(batch, classes)``).
        axis: the axis that sums to 1 (default -1).
    Returns:
        Array of the shape and dtype of ``x``. The maximum is subtracted first, so large logits
        do not overflow.
    """
    x = _as_float(x)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    e /= e.sum(axis=axis, keepdims=True)
    return e


def softmax_rows(x):
    """``softmax(x, axis=-1)`` for a 2-D float array ``x`` (a batch of logits), with the same
    numbers as ``softmax`` and fewer temporary arrays; ``x`` is not modified."""
    e = np.subtract(x, np.maximum.reduce(x, axis=-1, keepdims=True))
    np.exp(e, out=e)
    e /= np.add.reduce(e, axis=-1, keepdims=True)
    return e


@_register("log_softmax", _d_log_softmax)
def log_softmax(x, axis=-1):
    """``log(softmax(x))`` along ``axis``, computed stably as ``x - logsumexp(x)``.

    Args:
        x: input array.
        axis: the axis of the distribution (default -1).
    """
    x = _as_float(x)
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


# ----------------------------------------------------------------------------- lookup

_BINARY_HINT = "for binary classification use 'sigmoid'"
_STEP_NAMES = {"binary", "step", "binary_step", "unit_step", "heaviside", "sign"}


def gradient(fn, x, y, grad_y, **kwargs):
    """Backpropagate through an activation: return ``dL/dx``.

    Args:
        fn: the activation function (registered, a ``functools.partial`` of a registered one
            with keyword arguments, or any callable with a ``gradient(x, y, grad_y)`` attribute).
        x: the input that was given to ``fn``.
        y: the output ``fn(x)`` (used by derivatives that are cheaper from ``y``, e.g. sigmoid).
        grad_y: ``dL/dy``, same shape as ``y``; never modified.
        **kwargs: the keyword arguments ``fn`` was called with, if not the defaults, e.g.
            ``gradient(relu, x, y, g, max_value=6.0)`` or ``gradient(softmax, x, y, g, axis=1)``.
    Returns:
        ``dL/dx``, same shape as ``x``.
    Raises:
        TypeError: for a callable that has no known derivative.
    """
    derivative = _GRADIENTS.get(fn)
    if derivative is not None:
        return derivative(x, y, grad_y, **kwargs)
    if isinstance(fn, functools.partial) and not fn.args and fn.func in _GRADIENTS:
        return _GRADIENTS[fn.func](x, y, grad_y, **{**fn.keywords, **kwargs})
    custom = getattr(fn, "gradient", None)
    if callable(custom):
        return custom(x, y, grad_y)
    name = getattr(fn, "__name__", repr(fn))
    raise TypeError(
        f"Cannot backpropagate through the custom activation {name!r}: numnet needs its "
        "derivative. Give the function a `gradient` attribute, e.g. "
        "`my_act.gradient = lambda x, y, grad_y: grad_y * <dy/dx>`, or use a built-in activation."
    )


def get(identifier):
    """Return the activation function for ``identifier``.

    Args:
        identifier: None (-> ``linear``), a name such as ``'relu'`` (case-insensitive), a
            callable (returned as is), or a config dict: ``{'class_name': 'function',
            'config': 'relu', ...}`` as Keras 3 saves it, or ``{'class_name': 'relu'}``.
    Returns:
        A function ``f(x) -> array``.
    Raises:
        ValueError: unknown name. TypeError: any other kind of identifier.
    """
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        fn = _REGISTRY.get(identifier.lower())
        if fn is None:
            hint = _BINARY_HINT if identifier.lower() in _STEP_NAMES else None
            raise unknown_name_error("activation", identifier, _REGISTRY, hint)
        return fn
    if isinstance(identifier, dict):
        config_value = identifier.get("config")
        if isinstance(config_value, str):
            name = config_value
        else:  # {'class_name': 'relu'}; an object config (e.g. a ReLU layer's) is not a function
            name = identifier.get("class_name") if not config_value else None
        if not isinstance(name, str):
            raise ValueError(
                f"Cannot read the activation config {identifier!r}: expected "
                "{'class_name': 'function', 'config': '<name>'} or {'class_name': '<name>'}."
            )
        return get(name)
    if callable(identifier):
        return identifier
    raise TypeError(
        f"Could not interpret activation identifier {identifier!r} of type "
        f"{type(identifier).__name__}. Expected None, a name such as 'relu', a callable, or a "
        "config dict."
    )


def serialize(fn):
    """Return the Keras name of a built-in activation, e.g. ``serialize(relu) == 'relu'``.

    Raises:
        ValueError: for a function that is not a built-in activation (it cannot be saved by name).
    """
    name = _NAMES.get(fn) if _is_hashable(fn) else None
    if name is None:
        label = getattr(fn, "__name__", repr(fn))
        raise ValueError(
            f"Cannot serialize the activation {label!r}: only built-in activations can be saved "
            f"by name. Built-in names: {', '.join(sorted(_REGISTRY))}."
        )
    return name


def deserialize(config):
    """Inverse of ``serialize``: a name or Keras config dict -> the activation function."""
    return get(config)


def _is_hashable(obj):
    try:
        hash(obj)
    except TypeError:
        return False
    return True


def names():
    """Return the sorted list of registered activation names (aliases included)."""
    return sorted(_REGISTRY)
