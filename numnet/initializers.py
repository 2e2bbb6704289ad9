"""Weight initializers, as in ``keras.initializers``.

An initializer is called with a shape and returns a new array::

    w = GlorotUniform()((784, 100))          # float32 array of shape (784, 100)

Fans (how many inputs feed a unit and how many outputs it feeds) follow Keras: a Dense kernel
``(in, out)`` has ``fan_in = in, fan_out = out``; a convolution kernel ``(kh, kw, in, out)`` has
``fan_in = kh * kw * in, fan_out = kh * kw * out``; a vector ``(n,)`` has both equal to ``n``.

Randomness: with ``seed=None`` the draw comes from numnet's global generator
(``numnet.config.rng()``, reset by ``numnet.config.set_random_seed``), so two calls give different
values. With an integer seed every call gives the same values, as in Keras 3.
"""
import math

import numpy as np

from numnet import config
from numnet.utils.naming import unknown_name_error
from numnet.utils.serialization import deserialize_builtin, serialize_builtin

# Standard deviation of a unit normal truncated to [-2, 2]: dividing by it keeps the variance.
_TRUNCATED_STDDEV = 0.87962566103423978
_MODES = ("fan_in", "fan_out", "fan_avg")
_DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")


def _check_number(value, name, owner, positive=False):
    """Return ``value`` after checking it is a finite real number (and > 0 when ``positive``)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{owner}: `{name}` must be a number, received {value!r}.")
    if not math.isfinite(value) or (positive and not value > 0):
        allowed = "a positive finite number" if positive else "a finite number"
        raise ValueError(f"{owner}: `{name}` must be {allowed}, received {value!r}.")
    return int(value) if isinstance(value, (int, np.integer)) else float(value)


def _check_seed(seed, owner):
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(
            f"{owner}: `seed` must be None or a non-negative integer, received {seed!r}."
        )
    return int(seed)


def _standardize_shape(shape, owner):
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    try:
        shape = tuple(int(d) for d in shape)
    except (TypeError, ValueError):
        raise TypeError(
            f"{owner}: `shape` must be a tuple of non-negative integers, received {shape!r}."
        ) from None
    if any(d < 0 for d in shape):
        raise ValueError(f"{owner}: `shape` must not contain negative sizes, received {shape}.")
    return shape


def _standardize_dtype(dtype):
    try:
        return np.dtype(config.floatx() if dtype is None else dtype)
    except TypeError:
        raise TypeError(
            f"Initializer: `dtype` must be None or a NumPy dtype such as 'float32', "
            f"received {dtype!r}."
        ) from None


def compute_fans(shape, input_axes=None, output_axes=None):
    """Return ``(fan_in, fan_out)`` for a weight of ``shape``, as Keras computes them.

    Args:
        shape: the weight shape, e.g. ``(in, out)`` or ``(kh, kw, in, out)``.
        input_axes: axes whose sizes multiply into fan_in (default None: the rule above).
        output_axes: axes whose sizes multiply into fan_out (default None).
    Returns:
        Two ints.
    """
    shape = tuple(shape)
    if input_axes is not None and output_axes is not None:
        return int(math.prod(shape[a] for a in input_axes)), int(
            math.prod(shape[a] for a in output_axes)
        )
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return int(shape[0]), int(shape[0])
    receptive_field = math.prod(shape[:-2])  # 1 for a Dense kernel
    return int(shape[-2] * receptive_field), int(shape[-1] * receptive_field)


class Initializer:
    """Base class: subclasses implement ``__call__(shape, dtype=None)`` and ``get_config()``."""

    def __call__(self, shape, dtype=None):
        raise NotImplementedError(f"{type(self).__name__} must implement __call__(shape, dtype).")

    def get_config(self):
        """Return the constructor arguments as a JSON-able dict."""
        return {}

    @classmethod
    def from_config(cls, config):
        """Create an initializer from the output of ``get_config()``."""
        return cls(**config)

    def clone(self):
        return type(self).from_config(self.get_config())

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class Zeros(Initializer):
    """All zeros. Used by Keras for biases."""

    def __call__(self, shape, dtype=None):
        return np.zeros(_standardize_shape(shape, "Zeros"), dtype=_standardize_dtype(dtype))


class Ones(Initializer):
    """All ones (e.g. BatchNormalization's gamma)."""

    def __call__(self, shape, dtype=None):
        return np.ones(_standardize_shape(shape, "Ones"), dtype=_standardize_dtype(dtype))


class Constant(Initializer):
    """Every element equal to ``value``.

    Args:
        value: a number (default 0.0).
    """

    def __init__(self, value=0.0):
        self.value = _check_number(value, "value", "Constant")

    def __call__(self, shape, dtype=None):
        return np.full(_standardize_shape(shape, "Constant"), self.value, _standardize_dtype(dtype))

    def get_config(self):
        return {"value": self.value}


class Identity(Initializer):
    """``gain`` times the identity matrix; only for 2-D shapes (rectangular allowed).

    Args:
        gain: multiplier (default 1.0).
    """

    def __init__(self, gain=1.0):
        self.gain = _check_number(gain, "gain", "Identity")

    def __call__(self, shape, dtype=None):
        shape = _standardize_shape(shape, "Identity")
        if len(shape) != 2:
            raise ValueError(
                f"Identity: can only initialize 2-D weights, received shape {shape} of rank "
                f"{len(shape)}."
            )
        return (self.gain * np.eye(*shape)).astype(_standardize_dtype(dtype))

    def get_config(self):
        return {"gain": self.gain}


class RandomInitializer(Initializer):
    """Base of the random initializers: holds ``seed`` and picks the generator.

    Args:
        seed: None (default: draw from ``numnet.config.rng()``) or a non-negative int (every
            call then returns the same values).
    """

    def __init__(self, seed=None):
        self.seed = _check_seed(seed, type(self).__name__)

    def _rng(self):
        return config.rng() if self.seed is None else np.random.default_rng(self.seed)

    def get_config(self):
        return {"seed": self.seed}


def _truncated_normal(rng, shape, mean, stddev):
    """Normal(mean, stddev) samples, redrawing those more than 2 stddev from the mean (float64)."""
    n = math.prod(shape)
    out = np.empty(n)
    filled = 0
    while filled < n:
        batch = rng.normal(mean, stddev, size=n - filled)
        batch = batch[np.abs(batch - mean) <= 2 * stddev]
        out[filled : filled + batch.size] = batch
        filled += batch.size
    return out.reshape(shape)


class RandomNormal(RandomInitializer):
    """Samples from ``Normal(mean, stddev)``.

    Args:
        mean: mean (default 0.0).
        stddev: standard deviation, > 0 (default 0.05).
        seed: None (default) or an int, see ``RandomInitializer``.
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = _check_number(mean, "mean", "RandomNormal")
        self.stddev = _check_number(stddev, "stddev", "RandomNormal", positive=True)
        super().__init__(seed)

    def __call__(self, shape, dtype=None):
        shape = _standardize_shape(shape, "RandomNormal")
        values = self._rng().normal(self.mean, self.stddev, size=shape)
        return values.astype(_standardize_dtype(dtype))

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class TruncatedNormal(RandomInitializer):
    """Samples from ``Normal(mean, stddev)``, redrawing any beyond ``mean +- 2 * stddev``.

    Args:
        mean: mean (default 0.0).
        stddev: standard deviation before truncation, > 0 (default 0.05).
        seed: None (default) or an int, see ``RandomInitializer``.
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = _check_number(mean, "mean", "TruncatedNormal")
        self.stddev = _check_number(stddev, "stddev", "TruncatedNormal", positive=True)
        super().__init__(seed)

    def __call__(self, shape, dtype=None):
        shape = _standardize_shape(shape, "TruncatedNormal")
        values = _truncated_normal(self._rng(), shape, self.mean, self.stddev)
        return values.astype(_standardize_dtype(dtype))

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class RandomUniform(RandomInitializer):
    """Samples from ``Uniform(minval, maxval)``.

    Args:
        minval: lower bound (default -0.05).
        maxval: upper bound, >= minval (default 0.05).
        seed: None (default) or an int, see ``RandomInitializer``.
    """

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval = _check_number(minval, "minval", "RandomUniform")
        self.maxval = _check_number(maxval, "maxval", "RandomUniform")
        if self.maxval < self.minval:
            raise ValueError(
                f"RandomUniform: `maxval` must be >= `minval`, received minval={minval!r}, "
                f"maxval={maxval!r}."
            )
        super().__init__(seed)

    def __call__(self, shape, dtype=None):
        shape = _standardize_shape(shape, "RandomUniform")
        values = self._rng().uniform(self.minval, self.maxval, size=shape)
        return values.astype(_standardize_dtype(dtype))

    def get_config(self):
        return {**super().get_config(), "minval": self.minval, "maxval": self.maxval}


class VarianceScaling(RandomInitializer):
    """Random weights whose variance is ``scale / n``, n chosen by ``mode``.

    ``n`` is ``fan_in``, ``fan_out`` or ``(fan_in + fan_out) / 2`` (at least 1). Then
    ``'truncated_normal'``: truncated normal with stddev ``sqrt(scale / n) / 0.8796...`` (the
    truncation at 2 stddev shrinks the variance by that factor squared);
    ``'untruncated_normal'``: normal with stddev ``sqrt(scale / n)``;
    ``'uniform'``: ``Uniform(-limit, limit)`` with ``limit = sqrt(3 * scale / n)``.

    Args:
        scale: positive scaling factor (default 1.0).
        mode: ``'fan_in'`` (default), ``'fan_out'`` or ``'fan_avg'``.
        distribution: ``'truncated_normal'`` (default; ``'normal'`` means the same),
            ``'untruncated_normal'`` or ``'uniform'``.
        seed: None (default) or an int, see ``RandomInitializer``.
        input_axes, output_axes: optional axes that define the fans (default None), see
            ``compute_fans``.
    """

    def __init__(
        self,
        scale=1.0,
        mode="fan_in",
        distribution="truncated_normal",
        seed=None,
        input_axes=None,
        output_axes=None,
    ):
        name = type(self).__name__
        self.scale = _check_number(scale, "scale", name, positive=True)
        if mode not in _MODES:
            raise ValueError(
                f"{name}: unknown `mode` {mode!r}. Choose one of: {', '.join(_MODES)}."
            )
        if not isinstance(distribution, str):
            raise TypeError(f"{name}: `distribution` must be a string, received {distribution!r}.")
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in _DISTRIBUTIONS:
            raise ValueError(
                f"{name}: unknown `distribution` {distribution!r}. Choose one of: "
                f"{', '.join(_DISTRIBUTIONS)} ('normal' means 'truncated_normal')."
            )
        self.mode = mode
        self.distribution = distribution
        self.input_axes = None if input_axes is None else list(input_axes)
        self.output_axes = None if output_axes is None else list(output_axes)
        super().__init__(seed)

    def __call__(self, shape, dtype=None):
        shape = _standardize_shape(shape, type(self).__name__)
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        variance = self.scale / max(1.0, n)
        rng = self._rng()
        if self.distribution == "truncated_normal":
            values = _truncated_normal(rng, shape, 0.0, math.sqrt(variance) / _TRUNCATED_STDDEV)
        elif self.distribution == "untruncated_normal":
            values = rng.normal(0.0, math.sqrt(variance), size=shape)
        else:
            limit = math.sqrt(3.0 * variance)
            values = rng.uniform(-limit, limit, size=shape)
        return values.astype(_standardize_dtype(dtype))

    def get_config(self):
        return {
            **super().get_config(),
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "input_axes": self.input_axes,
            "output_axes": self.output_axes,
        }


class _FixedVarianceScaling(VarianceScaling):
    """A VarianceScaling preset: only ``seed`` (and the fan axes) can be chosen."""

    _preset = {}

    def __init__(self, seed=None, input_axes=None, output_axes=None):
        super().__init__(seed=seed, input_axes=input_axes, output_axes=output_axes, **self._preset)

    def get_config(self):
        return {"seed": self.seed, "input_axes": self.input_axes, "output_axes": self.output_axes}


class GlorotUniform(_FixedVarianceScaling):
    """Glorot (Xavier) uniform: ``Uniform(-limit, limit)``, ``limit = sqrt(6 / (fan_in+fan_out))``.

    The Keras default for Dense and Conv kernels. Args: ``seed`` (default None).
    """

    _preset = {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform"}


class GlorotNormal(_FixedVarianceScaling):
    """Glorot (Xavier) normal: truncated normal, stddev ``sqrt(2 / (fan_in + fan_out))``
    before the 1/0.8796 truncation correction. Args: ``seed`` (default None)."""

    _preset = {"scale": 1.0, "mode": "fan_avg", "distribution": "truncated_normal"}


class HeNormal(_FixedVarianceScaling):
    """He normal (for ReLU): truncated normal, stddev ``sqrt(2 / fan_in)`` before the
    1/0.8796 truncation correction. Args: ``seed`` (default None)."""

    _preset = {"scale": 2.0, "mode": "fan_in", "distribution": "truncated_normal"}


class HeUniform(_FixedVarianceScaling):
    """He uniform: ``Uniform(-limit, limit)``, ``limit = sqrt(6 / fan_in)``. Args: ``seed``."""

    _preset = {"scale": 2.0, "mode": "fan_in", "distribution": "uniform"}


class LecunNormal(_FixedVarianceScaling):
    """LeCun normal (for SELU): truncated normal, stddev ``sqrt(1 / fan_in)`` before the
    1/0.8796 truncation correction. Args: ``seed`` (default None)."""

    _preset = {"scale": 1.0, "mode": "fan_in", "distribution": "truncated_normal"}


class LecunUniform(_FixedVarianceScaling):
    """LeCun uniform: ``Uniform(-limit, limit)``, ``limit = sqrt(3 / fan_in)``. Args: ``seed``."""

    _preset = {"scale": 1.0, "mode": "fan_in", "distribution": "uniform"}


class Orthogonal(RandomInitializer):
    """A random orthogonal matrix (times ``gain``), from the QR decomposition of a normal matrix.

    A weight of shape ``(..., cols)`` is treated as a ``(prod(...), cols)`` matrix whose rows
    (if fewer than columns) or columns are orthonormal. Keras's default recurrent kernel.

    Args:
        gain: multiplier (default 1.0).
        seed: None (default) or an int, see ``RandomInitializer``.
    """

    def __init__(self, gain=1.0, seed=None):
        self.gain = _check_number(gain, "gain", "Orthogonal")
        super().__init__(seed)

    def __call__(self, shape, dtype=None):
        shape = _standardize_shape(shape, "Orthogonal")
        if len(shape) < 2:
            raise ValueError(
                f"Orthogonal: the weight must be at least 2-D, received shape {shape} of rank "
                f"{len(shape)}."
            )
        rows, cols = math.prod(shape[:-1]), shape[-1]
        a = self._rng().normal(size=(max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        q *= np.where(np.diag(r) < 0, -1.0, 1.0)  # sign fix makes the distribution uniform
        if rows < cols:
            q = q.T
        return (self.gain * q.reshape(shape)).astype(_standardize_dtype(dtype))

    def get_config(self):
        return {**super().get_config(), "gain": self.gain}


# ----------------------------------------------------------------------------- lookup

_CLASSES = {
    cls.__name__: cls
    for cls in (
        Zeros, Ones, Constant, Identity, RandomNormal, RandomUniform, TruncatedNormal,
        VarianceScaling, GlorotUniform, GlorotNormal, HeNormal, HeUniform, LecunNormal,
        LecunUniform, Orthogonal,
    )
}
_ALIASES = {
    "zeros": Zeros, "zero": Zeros, "ones": Ones, "one": Ones, "constant": Constant,
    "identity": Identity, "random_normal": RandomNormal, "normal": RandomNormal,
    "random_uniform": RandomUniform, "uniform": RandomUniform,
    "truncated_normal": TruncatedNormal, "variance_scaling": VarianceScaling,
    "glorot_uniform": GlorotUniform, "glorot_normal": GlorotNormal, "he_normal": HeNormal,
    "he_uniform": HeUniform, "lecun_normal": LecunNormal, "lecun_uniform": LecunUniform,
    "orthogonal": Orthogonal, "IdentityInitializer": Identity,
    "OrthogonalInitializer": Orthogonal,
}
_REGISTRY = {**_CLASSES, **_ALIASES}
_NAMES = sorted(  # the names listed in error messages: one snake_case name per class
    name for name in _ALIASES if name.islower() and name not in ("zero", "one", "normal", "uniform")
)
_HINTS = {
    "xavier": "Xavier initialization is called 'glorot_uniform' or 'glorot_normal' in Keras",
    "xavier_uniform": "Xavier initialization is called 'glorot_uniform' in Keras",
    "xavier_normal": "Xavier initialization is called 'glorot_normal' in Keras",
    "he": "use 'he_normal' or 'he_uniform'",
    "kaiming_normal": "Kaiming initialization is called 'he_normal' in Keras",
    "kaiming_uniform": "Kaiming initialization is called 'he_uniform' in Keras",
}


def _lookup(name):
    cls = _REGISTRY.get(name)
    if cls is None:  # also accept other spellings: 'Glorot_Uniform', 'GLOROT_UNIFORM'
        lowered = {k.lower(): v for k, v in _REGISTRY.items()}
        cls = lowered.get(name.lower()) or lowered.get(name.lower().replace("_", ""))
    if cls is None:
        raise unknown_name_error("initializer", name, _NAMES, _HINTS.get(name.lower()))
    return cls


def get(identifier):
    """Return an initializer for ``identifier``.

    Args:
        identifier: None (returns None); a name such as ``'glorot_uniform'`` or
            ``'GlorotUniform'``; an ``Initializer`` instance or class; any callable
            ``f(shape, dtype=None)``; or a config dict ``{'class_name': 'HeNormal',
            'config': {'seed': 1}}`` as Keras saves it.
    Returns:
        A callable ``init(shape, dtype=None) -> np.ndarray`` (or None).
    Raises:
        ValueError: unknown name or bad config. TypeError: any other kind of identifier.
    """
    if identifier is None:
        return None
    if isinstance(identifier, str):
        return _lookup(identifier)()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    if callable(identifier):
        return identifier
    raise TypeError(
        f"Could not interpret initializer identifier {identifier!r} of type "
        f"{type(identifier).__name__}. Expected None, a name such as 'glorot_uniform', an "
        "initializer, a callable f(shape, dtype=None), or a config dict."
    )


def serialize(initializer):
    """Return the Keras 3 config dict of a built-in initializer instance.

    Returns:
        ``{'module': 'keras.initializers', 'class_name': 'GlorotUniform', 'config': {...},
        'registered_name': None}``.
    """
    return serialize_builtin(initializer, "keras.initializers", _CLASSES, "initializer")


def deserialize(config):
    """Inverse of ``serialize``; also accepts ``{'class_name': ..., 'config': ...}`` alone."""
    if isinstance(config, str):
        return get(config)
    return deserialize_builtin(config, _lookup, "initializer")


# Keras also exports each class under its snake_case name: keras.initializers.he_normal(seed=1).
zeros = Zeros
ones = Ones
constant = Constant
identity = Identity
random_normal = RandomNormal
random_uniform = RandomUniform
truncated_normal = TruncatedNormal
variance_scaling = VarianceScaling
glorot_uniform = GlorotUniform
glorot_normal = GlorotNormal
he_normal = HeNormal
he_uniform = HeUniform
lecun_normal = LecunNormal
lecun_uniform = LecunUniform
orthogonal = Orthogonal
