"""Loss functions and ``Loss`` classes with the Keras 3 API, plus their gradients.

A loss object turns targets ``y_true`` and predictions ``y_pred`` into one number:

    per-sample losses  values = call(y_true, y_pred)          shape: y_pred.shape[:-1]
    reduction          loss = sum(values * sample_weight) / N  ('sum_over_batch_size')

``N`` is the number of per-sample values, *not* the sum of the weights (as in Keras).
``gradient(y_true, y_pred)`` returns dloss/dy_pred (same shape as ``y_pred``) of that reduced
loss. The cross-entropies also offer ``logits_gradient(y_true, y_pred)``: the gradient with
respect to the logits ``z`` when ``y_pred = softmax(z)`` or ``sigmoid(z)``, which is simply
``(p - y) / N`` and never suffers from the clipping of probabilities.

Probabilities are clipped to ``[eps, 1 - eps]`` (``numnet.config.epsilon()``, 1e-7) before any
log, like Keras, so exact 0s and 1s give finite losses; the gradient is zero where clipped.
``from_logits=True`` uses the stable log-softmax / log-sigmoid forms instead (no clipping).
Arithmetic happens in the float dtype of ``y_pred`` (float32 unless you pass float64).
"""
import inspect
import math
import warnings

import numpy as np

from numnet import config
from numnet.utils.naming import to_snake_case, unique_name, unknown_name_error
from numnet.utils.serialization import function_config, restore_function

_REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


# --------------------------------------------------------------------------------- helpers
def _as_float_pred(y_pred, dtype=None):
    """``y_pred`` as a float array: its own float dtype, else ``dtype`` or ``floatx()``."""
    if dtype is not None:
        return np.asarray(y_pred, dtype=dtype)
    if isinstance(y_pred, np.ndarray) and y_pred.dtype.kind == "f":
        return y_pred
    return np.asarray(y_pred, dtype=config.floatx())


def _check_rank(y_pred, loss_name):
    if y_pred.ndim < 1:
        raise ValueError(
            f"{loss_name}: y_pred must have at least one dimension (batch, ...), "
            f"received a scalar of shape {y_pred.shape}."
        )


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Make ``x1`` and ``x2`` the same rank when they differ by one trailing axis of size 1.

    Keras rule: a rank-1 array meeting an ``(N, 1)`` array gains that axis (when
    ``expand_rank_1``); otherwise the longer one loses its trailing 1.
    Returns the (possibly reshaped) pair.
    """
    r1, r2 = np.ndim(x1), np.ndim(x2)
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = x2[..., None]
        else:
            x1 = x1[..., 0]
    elif r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = x1[..., None]
        else:
            x2 = x2[..., 0]
    return x1, x2


def _sum_to_shape(grad, shape):
    """Undo broadcasting: sum ``grad`` down to ``shape`` (d/dx of a broadcast x sums)."""
    if grad.shape == tuple(shape):
        return grad
    extra = grad.ndim - len(shape)
    grad = grad.sum(axis=tuple(range(extra))) if extra > 0 else grad
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    return grad.sum(axis=axes, keepdims=True) if axes else grad


def _expand(upstream, axis):
    """Re-insert the reduced ``axis`` into an upstream gradient (scalars pass through)."""
    return upstream if np.ndim(upstream) == 0 else np.expand_dims(upstream, axis)


def _stable_sigmoid(z):
    """sigmoid(z) without overflow: uses exp(-|z|), which is always in (0, 1]."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(z.dtype, copy=False)


def _log_softmax(z, axis=-1):
    """log softmax(z) = z - max - log(sum(exp(z - max))): finite for any finite z."""
    shifted = z - np.max(z, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def _softmax(z, axis=-1):
    shifted = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return shifted / np.sum(shifted, axis=axis, keepdims=True)


def _normalize(y_pred, axis):
    """Keras's probability path: divide by the class sum (an all-zero row is left at 0)."""
    total = np.sum(y_pred, axis=axis, keepdims=True)
    total = np.where(total == 0, 1, total).astype(y_pred.dtype, copy=False)
    return y_pred / total, total


def _inside(p, eps):
    """1 where ``p`` is inside the clip range ``[eps, 1-eps]`` (the gradient flows), else 0."""
    return ((p >= eps) & (p <= 1 - eps)).astype(p.dtype)


def _sparse_labels(y_true, y_pred, axis, ignore_class=None):
    """Integer labels with the class axis of ``y_pred`` removed; also the valid mask or None.

    Accepts labels of shape ``y_pred.shape[:-1]`` or with a trailing 1, of int or float dtype
    (floats are truncated like Keras). Out-of-range labels raise a ValueError naming ``y``.
    """
    labels = np.asarray(y_true)
    if labels.ndim == y_pred.ndim and labels.shape[axis] == 1:
        labels = np.squeeze(labels, axis=axis)
    expected = list(y_pred.shape)
    del expected[axis]
    expected = tuple(expected)
    if labels.shape != expected:
        raise ValueError(
            f"sparse_categorical_crossentropy: y must hold one integer label per sample, with "
            f"shape {expected} (or {expected + (1,)}) for predictions of shape {y_pred.shape}; "
            f"received y of shape {labels.shape}. For one-hot targets use "
            "loss='categorical_crossentropy'."
        )
    if labels.dtype.kind not in "iu":
        labels = labels.astype(np.int64)
    mask = None
    if ignore_class is not None:
        mask = labels != ignore_class
        labels = np.where(mask, labels, 0)
    classes = y_pred.shape[axis]
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        bad = labels.min() if labels.min() < 0 else labels.max()
        raise ValueError(_label_range_message(bad, classes, y_pred.shape))
    return labels, mask


def _label_range_message(bad, classes, output_shape):
    return (
        f"Invalid labels in y: received a label value of {bad} which is outside the valid "
        f"range of [0, {classes}): your model outputs {classes} classes "
        f"(output shape {tuple(output_shape)}). Labels must be integers 0..{classes - 1}; "
        f"change the last layer to Dense({int(bad) + 1}) if there are more classes, or "
        "re-encode the labels."
    )


def _gather(x, labels, axis):
    """x[..., labels, ...] along ``axis``: the entry of the true class for each sample."""
    if x.ndim == 2 and axis in (-1, 1):  # the common (batch, classes) case, done fast
        return x[np.arange(x.shape[0]), labels]
    return np.squeeze(np.take_along_axis(x, np.expand_dims(labels, axis), axis=axis), axis)


# ----------------------------------------------------------------------- the function forms
def mean_squared_error(y_true, y_pred):
    """Per-sample mean squared error ``mean((y_true - y_pred)**2, axis=-1)``.

    Args:
        y_true: targets, shape ``(N, ..., d)`` (a trailing axis of 1 may be missing on either).
        y_pred: predictions, same shape.
    Returns:
        Array of shape ``(N, ...)``.
    """
    y_pred = _as_float_pred(y_pred)
    y_true = np.asarray(y_true, dtype=y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return np.mean(np.square(y_true - y_pred), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """Per-sample mean absolute error ``mean(|y_true - y_pred|, axis=-1)``; shapes as MSE."""
    y_pred = _as_float_pred(y_pred)
    y_true = np.asarray(y_true, dtype=y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return np.mean(np.abs(y_true - y_pred), axis=-1)


mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Per-sample binary cross-entropy, averaged over ``axis``.

    ``-[y log p + (1-y) log(1-p)]`` with ``p`` clipped to ``[eps, 1-eps]``; with
    ``from_logits=True`` the stable ``max(z,0) - z*y + log(1 + exp(-|z|))``.

    Args:
        y_true: targets in [0, 1], same shape as ``y_pred`` (or missing its trailing 1).
        y_pred: probabilities, or logits when ``from_logits=True``; shape ``(N, ..., d)``.
        from_logits: default False.
        label_smoothing: default 0.0; targets become ``y*(1-s) + 0.5*s``.
        axis: the axis averaged over, default -1.
    Returns:
        Array of shape ``y_pred.shape`` without ``axis``.
    """
    y_pred = _as_float_pred(y_pred)
    y_true = np.asarray(y_true, dtype=y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        elementwise = np.maximum(y_pred, 0) - y_pred * y_true + np.log1p(np.exp(-np.abs(y_pred)))
    else:
        eps = config.epsilon()
        p = np.clip(y_pred, eps, 1.0 - eps)
        elementwise = -(y_true * np.log(p) + (1.0 - y_true) * np.log1p(-p))
    return np.mean(elementwise, axis=axis)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Per-sample categorical cross-entropy ``-sum(y * log p, axis)``.

    For probabilities, ``p = y_pred / sum(y_pred, axis)`` clipped to ``[eps, 1-eps]`` (Keras);
    for logits ``log p = log_softmax(y_pred)``.

    Args:
        y_true: one-hot (or soft) targets, same shape as ``y_pred``.
        y_pred: probabilities or logits, shape ``(N, ..., classes)``.
        from_logits: default False.
        label_smoothing: default 0.0; targets become ``y*(1-s) + s/classes``.
        axis: the class axis, default -1.
    Returns:
        Array of shape ``y_pred.shape`` without ``axis``.
    """
    y_pred = _as_float_pred(y_pred)
    y_true = _onehot_targets(y_true, y_pred, label_smoothing, axis)
    if from_logits:
        log_p = _log_softmax(y_pred, axis)
    else:
        eps = config.epsilon()
        log_p = np.log(np.clip(_normalize(y_pred, axis)[0], eps, 1.0 - eps))
    return -np.sum(y_true * log_p, axis=axis)


def _onehot_targets(y_true, y_pred, label_smoothing, axis):
    y_true = np.asarray(y_true, dtype=y_pred.dtype)
    y_true, y_pred_aligned = squeeze_or_expand_to_same_rank(y_true, y_pred)
    if y_true.shape != y_pred.shape or y_pred_aligned.shape != y_pred.shape:
        hint = ""
        if y_true.ndim <= y_pred.ndim and y_true.size == y_pred.size // max(y_pred.shape[axis], 1):
            hint = (
                " y looks like integer class labels: use loss='sparse_categorical_crossentropy' "
                "or numnet.utils.to_categorical(y)."
            )
        raise ValueError(
            "categorical_crossentropy: y (one-hot targets) and y_pred must have the same shape; "
            f"received y of shape {np.shape(y_true)} and y_pred of shape {y_pred.shape}.{hint}"
        )
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / y_pred.shape[axis]
    return y_true


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """Per-sample cross-entropy against integer labels: ``-log p[label]``.

    Args:
        y_true: integer labels (int or integer-valued float), shape ``(N, ...)`` or
            ``(N, ..., 1)``.
        y_pred: probabilities or logits, shape ``(N, ..., classes)``.
        from_logits: default False.
        ignore_class: default None; samples with this label get loss 0 (and are left out of
            the mean by the ``Loss`` class).
        axis: the class axis, default -1.
    Returns:
        Array of shape ``y_pred.shape`` without ``axis``.
    """
    y_pred = _as_float_pred(y_pred)
    labels, mask = _sparse_labels(y_true, y_pred, axis, ignore_class)
    if from_logits:
        losses = -_gather(_log_softmax(y_pred, axis), labels, axis)
    else:
        eps = config.epsilon()
        total = np.sum(y_pred, axis=axis)
        total = np.where(total == 0, 1, total).astype(y_pred.dtype, copy=False)
        # p[label] of the class-sum-normalised predictions, clipped (Keras)
        losses = -np.log(np.clip(_gather(y_pred, labels, axis) / total, eps, 1.0 - eps))
    if mask is not None:
        losses = np.where(mask, losses, 0).astype(y_pred.dtype, copy=False)
    return losses


# ------------------------------------------------------------------------------ base class
class Loss:
    """Base class of all losses (Keras ``keras.losses.Loss``).

    Subclasses implement ``call(y_true, y_pred)`` (per-sample losses) and, to be trainable,
    ``_backward(y_true, y_pred, upstream)`` which returns dloss/dy_pred given
    ``upstream = dloss/dvalues`` (a scalar or an array of the per-sample shape).

    Args:
        name: default None (the snake-case class name, made unique).
        reduction: default ``'sum_over_batch_size'`` (sum / number of values); also ``'sum'``,
            ``'mean'`` (same as sum_over_batch_size), ``'mean_with_sample_weight'``
            (sum / sum of weights), and ``None`` / ``'none'`` (the weighted per-sample array).
        dtype: default None (compute in the float dtype of ``y_pred``); a float dtype name
            forces that dtype.
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        if reduction not in _REDUCTIONS:
            raise ValueError(
                f"Invalid reduction={reduction!r}. Choose one of: 'sum_over_batch_size', 'sum', "
                "'mean', 'mean_with_sample_weight', 'none' or None."
            )
        self.name = name or unique_name(to_snake_case(type(self).__name__))
        self.reduction = reduction
        self.dtype = dtype

    # --- to implement
    def call(self, y_true, y_pred):
        """Return the per-sample losses (an array; shape ``y_pred.shape[:-1]`` for most)."""
        raise NotImplementedError(f"{type(self).__name__} must implement call(y_true, y_pred).")

    def _backward(self, y_true, y_pred, upstream):
        raise TypeError(
            f"Loss {self.name!r} ({type(self).__name__}) has no gradient: numnet trains by "
            "explicit backpropagation, so a custom loss must implement "
            "_backward(y_true, y_pred, upstream) (or override gradient())."
        )

    def _mask(self, y_true, y_pred):
        """Per-sample validity mask (bool array) or None; used by ``ignore_class``."""
        return None

    def _values_shape(self, y_true, y_pred):
        """Shape of ``call``'s result without computing it (the default computes it)."""
        return np.shape(self.call(y_true, y_pred))

    # --- reduction
    def _weights(self, values_shape, dtype, sample_weight, mask):
        """Return ``(weights, divisor)`` such that loss = sum(values * weights) / divisor.

        ``weights`` is None (all ones) or an array of ``values_shape``.
        """
        weights = None
        if sample_weight is not None:
            weights = np.asarray(sample_weight, dtype=dtype)
            ndim = len(values_shape)
            if weights.ndim == ndim + 1 and weights.shape[-1] == 1:
                weights = weights[..., 0]
            elif ndim == weights.ndim + 1 and values_shape[-1] == 1:
                weights = weights[..., None]
            try:
                shape = np.broadcast_shapes(values_shape, weights.shape)
            except ValueError:
                shape = None
            if shape != tuple(values_shape):
                raise ValueError(
                    f"{self.name}: sample_weight of shape {weights.shape} does not match the "
                    f"per-sample losses of shape {tuple(values_shape)}; pass one weight per "
                    "sample."
                )
            weights = np.broadcast_to(weights, values_shape)
        size = math.prod(values_shape)
        if mask is not None:
            weights = mask.astype(dtype) if weights is None else weights * mask
        if self.reduction in ("sum_over_batch_size", "mean"):
            divisor = size if mask is None else int(np.count_nonzero(mask))
        elif self.reduction == "mean_with_sample_weight" and weights is not None:
            divisor = float(np.sum(weights))
        elif self.reduction == "mean_with_sample_weight":
            divisor = size
        else:
            divisor = 1
        return weights, divisor

    def __call__(self, y_true, y_pred, sample_weight=None):
        """Return the reduced loss as a Python float (an array for reduction None/'none')."""
        y_pred = _as_float_pred(y_pred, self.dtype)
        values = np.asarray(self.call(y_true, y_pred))
        weights, divisor = self._weights(
            values.shape, values.dtype, sample_weight, self._mask(y_true, y_pred)
        )
        if weights is not None:
            values = values * weights
        if self.reduction in (None, "none"):
            return values
        total = np.sum(values, dtype=values.dtype)
        return float(total / divisor) if divisor else 0.0

    def gradient(self, y_true, y_pred, sample_weight=None):
        """dloss/dy_pred of the reduced loss (for None/'none': of the sum); shape of y_pred."""
        y_pred = _as_float_pred(y_pred, self.dtype)
        upstream = self._upstream(y_true, y_pred, sample_weight)
        return self._backward(y_true, y_pred, upstream)

    def value_and_gradient(self, y_true, y_pred):
        """``(loss, dloss/dy_pred)``: what one training step needs, in one call."""
        return self(y_true, y_pred), self.gradient(y_true, y_pred)

    def value_and_logits_gradient(self, y_true, y_pred, checked=False):
        """``(loss, dloss/dz)`` where ``y_pred = softmax(z)`` or ``sigmoid(z)`` (cross-entropies
        only): the same numbers as ``self(...)`` and ``logits_gradient(...)``.

        ``checked`` (default False): True when ``check_targets`` already accepted ``y_true``
        (as ``fit`` does once for the whole data set), so per-batch label checks are skipped.
        """
        return self(y_true, y_pred), self.logits_gradient(y_true, y_pred)

    def _upstream(self, y_true, y_pred, sample_weight):
        """dloss/dvalues: weights / divisor (a scalar when there are no weights)."""
        weights, divisor = self._weights(
            self._values_shape(y_true, y_pred), y_pred.dtype, sample_weight,
            self._mask(y_true, y_pred),
        )
        scale = 1.0 / divisor if divisor else 0.0
        if weights is None:
            return y_pred.dtype.type(scale)
        return (weights * scale).astype(y_pred.dtype, copy=False)

    # --- checks before training
    def check_targets(self, y_true, output_shape):
        """Raise a clear error when targets ``y`` cannot work with the model's output.

        Args:
            y_true: the whole target array ``y`` given to ``fit``/``evaluate``.
            output_shape: the model's output shape including the batch axis, e.g. ``(None, 10)``.
        """
        _check_numeric_finite(y_true)

    # --- saving
    def get_config(self):
        """The constructor arguments as a JSON-able dict (Keras keys)."""
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


def _check_numeric_finite(y_true):
    y = np.asarray(y_true)
    if y.dtype.kind not in "biuf":
        raise TypeError(
            f"Targets y must be numbers, received an array of dtype {y.dtype}; encode the "
            "labels as integers (e.g. with numpy.unique(y, return_inverse=True))."
        )
    if y.size == 0:
        raise ValueError(f"Targets y are empty (shape {y.shape}); pass at least one sample.")
    if y.dtype.kind == "f" and not np.all(np.isfinite(y)):
        raise ValueError(
            f"Targets y contain {int(np.count_nonzero(~np.isfinite(y)))} NaN or Inf values; "
            "clean or impute them before training."
        )
    return y


def _aligned_shape_mismatch(y, output_shape):
    """True when ``y`` (full array) and ``output_shape`` (batch axis first) disagree."""
    target = tuple(y.shape[1:])
    out = tuple(output_shape[1:])
    if target == out:
        return False
    if target == out + (1,) or target + (1,) == out:
        return False
    return True


class LossFunctionWrapper(Loss):
    """A ``Loss`` around a function ``fn(y_true, y_pred, **kwargs) -> per-sample losses``.

    Args:
        fn: the function. If it has a ``gradient(y_true, y_pred)`` attribute returning
            dloss/dy_pred of the *mean* loss, the wrapper can train (sample weights and other
            reductions are then not supported); otherwise ``gradient`` raises a TypeError.
        reduction: default ``'sum_over_batch_size'``.
        name: default None (the function's name).
        dtype: default None.
        **kwargs: passed to ``fn``.
    """

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        if not callable(fn):
            raise TypeError(f"LossFunctionWrapper: fn must be callable, received {fn!r}.")
        super().__init__(name=name or getattr(fn, "__name__", None), reduction=reduction,
                         dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        y_pred = _as_float_pred(y_pred, self.dtype)
        y_true = np.asarray(y_true, dtype=y_pred.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return np.asarray(self.fn(y_true, y_pred, **self._fn_kwargs))

    def gradient(self, y_true, y_pred, sample_weight=None):
        grad_fn = getattr(self.fn, "gradient", None)
        if grad_fn is None:
            raise TypeError(
                f"Loss {self.name!r} is a plain function, so numnet cannot compute its gradient. "
                "Give the function a `gradient(y_true, y_pred)` attribute returning dloss/dy_pred "
                "of the mean loss, or subclass numnet.losses.Loss."
            )
        if sample_weight is not None or self.reduction not in ("sum_over_batch_size", "mean"):
            raise ValueError(
                f"Loss {self.name!r}: a function's `gradient` attribute gives the gradient of the "
                "mean loss only; sample_weight and reduction="
                f"{self.reduction!r} need a numnet.losses.Loss subclass."
            )
        return np.asarray(grad_fn(y_true, _as_float_pred(y_pred, self.dtype)))

    def get_config(self):
        config = super().get_config()
        config.update(function_config(self.fn, self._fn_kwargs))
        return config

    @classmethod
    def from_config(cls, config):
        fn, config = restore_function(config, _FUNCTIONS, "LossFunctionWrapper", "loss")
        return cls(fn, **config)


# --------------------------------------------------------------------------- regressions
class _Regression(Loss):
    """Shared machinery of MSE and MAE: align ranks, mean over the last axis."""

    def __init__(self, reduction="sum_over_batch_size", name=None, dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def _align(self, y_true, y_pred):
        _check_rank(y_pred, self.name)
        y_true = np.asarray(y_true, dtype=y_pred.dtype)
        return squeeze_or_expand_to_same_rank(y_true, y_pred)

    def _values_shape(self, y_true, y_pred):
        y_true, y_pred_al = self._align(y_true, y_pred)
        return np.broadcast_shapes(y_true.shape, y_pred_al.shape)[:-1]

    def _backward(self, y_true, y_pred, upstream):
        y_true, y_pred_al = self._align(y_true, y_pred)
        diff = y_pred_al - y_true
        grad = self._elementwise_grad(diff) / diff.shape[-1] * _expand(upstream, -1)
        return _sum_to_shape(grad, y_pred_al.shape).reshape(y_pred.shape).astype(
            y_pred.dtype, copy=False)

    def check_targets(self, y_true, output_shape):
        y = _check_numeric_finite(y_true)
        if _aligned_shape_mismatch(y, output_shape):
            raise ValueError(
                f"Invalid targets y for loss {self.name!r}: y has shape {y.shape} but the model "
                f"outputs shape {tuple(output_shape)}; they must match apart from the batch axis "
                "(for class labels, one-hot encode them with numnet.utils.to_categorical or use "
                "a classification loss)."
            )


class MeanSquaredError(_Regression):
    """Mean of squared errors: ``loss = mean((y_true - y_pred)**2)``.

    Args:
        reduction: default ``'sum_over_batch_size'``.
        name: default ``'mean_squared_error'``.
        dtype: default None.
    Shapes: ``y_true`` and ``y_pred`` ``(N, ..., d)``; ``call`` returns ``(N, ...)``.
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)

    def call(self, y_true, y_pred):
        _check_rank(_as_float_pred(y_pred), self.name)
        return mean_squared_error(y_true, y_pred)

    def _elementwise_grad(self, diff):
        return 2.0 * diff  # d(y - t)^2/dy = 2 (y - t)


class MeanAbsoluteError(_Regression):
    """Mean of absolute errors: ``loss = mean(|y_true - y_pred|)``.

    Args:
        reduction: default ``'sum_over_batch_size'``.
        name: default ``'mean_absolute_error'``.
        dtype: default None.
    Shapes: as ``MeanSquaredError``. The gradient at ``y_pred == y_true`` is 0.
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)

    def call(self, y_true, y_pred):
        _check_rank(_as_float_pred(y_pred), self.name)
        return mean_absolute_error(y_true, y_pred)

    def _elementwise_grad(self, diff):
        return np.sign(diff)  # d|y - t|/dy = sign(y - t)


# ------------------------------------------------------------------------ cross-entropies
def _check_smoothing(label_smoothing):
    try:
        value = float(label_smoothing)
    except (TypeError, ValueError):
        value = -1.0
    if isinstance(label_smoothing, bool) or not 0 <= value <= 1:
        raise ValueError(
            f"label_smoothing must be a float in [0, 1], received {label_smoothing!r}."
        )
    return float(label_smoothing)


class BinaryCrossentropy(Loss):
    """Binary cross-entropy for 0/1 targets, averaged over the last axis.

    ``loss = -mean(y log p + (1-y) log(1-p))``, ``p`` clipped to ``[eps, 1-eps]``.

    Args:
        from_logits: default False; True when ``y_pred`` are logits (stable formula).
        label_smoothing: default 0.0; targets become ``y*(1-s) + 0.5*s``.
        axis: default -1, the axis averaged over.
        reduction: default ``'sum_over_batch_size'``.
        name: default ``'binary_crossentropy'``.
        dtype: default None.
    Shapes: ``y_pred`` ``(N, ..., d)`` (``(N, 1)`` for one sigmoid unit); ``y_true`` the same
    or missing the trailing 1; ``call`` returns ``(N, ...)``.
    """

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="binary_crossentropy", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.from_logits = bool(from_logits)
        self.label_smoothing = _check_smoothing(label_smoothing)
        self.axis = axis

    def call(self, y_true, y_pred):
        _check_rank(_as_float_pred(y_pred), self.name)
        return binary_crossentropy(y_true, y_pred, self.from_logits, self.label_smoothing,
                                   self.axis)

    def _align(self, y_true, y_pred):
        _check_rank(y_pred, self.name)
        y_true = np.asarray(y_true, dtype=y_pred.dtype)
        y_true, y_pred_al = squeeze_or_expand_to_same_rank(y_true, y_pred)
        if y_true.shape != y_pred_al.shape:
            raise ValueError(
                f"{self.name}: y and y_pred must have the same shape; received y of shape "
                f"{y_true.shape} and y_pred of shape {y_pred.shape}."
            )
        if self.label_smoothing:
            y_true = y_true * (1.0 - self.label_smoothing) + 0.5 * self.label_smoothing
        return y_true, y_pred_al

    def _values_shape(self, y_true, y_pred):
        shape = list(self._align(y_true, y_pred)[1].shape)
        del shape[self.axis]
        return tuple(shape)

    def _backward(self, y_true, y_pred, upstream):
        target, z = self._align(y_true, y_pred)
        if self.from_logits:
            grad = _stable_sigmoid(z) - target  # dl/dz = sigmoid(z) - y
        else:
            eps = config.epsilon()
            p = np.clip(z, eps, 1.0 - eps)
            # dl/dp = (p - y) / (p (1 - p)), zero where p was clipped
            grad = (p - target) / (p * (1.0 - p)) * _inside(z, eps)
        grad = grad * (_expand(upstream, self.axis) / z.shape[self.axis])  # mean over axis
        return grad.reshape(y_pred.shape).astype(y_pred.dtype, copy=False)

    def logits_gradient(self, y_true, y_pred, sample_weight=None):
        """dloss/dz where ``y_pred = sigmoid(z)``: ``(p - y) / (N * d)`` for the mean loss."""
        y_pred = _as_float_pred(y_pred, self.dtype)
        target, p = self._align(y_true, y_pred)
        upstream = self._upstream(y_true, y_pred, sample_weight)
        grad = (p - target) * (_expand(upstream, self.axis) / p.shape[self.axis])  # dl/dz = p - y
        return grad.reshape(y_pred.shape).astype(y_pred.dtype, copy=False)

    def check_targets(self, y_true, output_shape):
        y = _check_numeric_finite(y_true)
        if _aligned_shape_mismatch(y, output_shape):
            raise ValueError(
                f"Invalid targets y for loss {self.name!r}: y has shape {y.shape} but the model "
                f"outputs shape {tuple(output_shape)}; binary cross-entropy needs one 0/1 target "
                "per output unit (for a single Dense(1, activation='sigmoid') output, y of shape "
                "(N,) or (N, 1))."
            )
        low, high = float(np.min(y)), float(np.max(y))
        if low < 0 or high > 1:
            hint = "map -1/+1 labels to 0/1, e.g. (y + 1) / 2" if low < 0 else (
                f"for {int(high) + 1} classes use a Dense({int(high) + 1}, activation='softmax') "
                "output with loss='sparse_categorical_crossentropy'")
            raise ValueError(
                f"Invalid targets y for loss {self.name!r}: binary cross-entropy needs targets in "
                f"[0, 1], received values from {low:g} to {high:g} ({hint})."
            )

    def get_config(self):
        config = super().get_config()
        config.update(from_logits=self.from_logits, label_smoothing=self.label_smoothing,
                      axis=self.axis)
        return config


class CategoricalCrossentropy(Loss):
    """Cross-entropy for one-hot targets: ``loss = -sum(y * log p)`` over the class axis.

    Probabilities are first divided by their class sum, then clipped to ``[eps, 1-eps]``.

    Args:
        from_logits: default False; True when ``y_pred`` are logits (log-softmax is used).
        label_smoothing: default 0.0; targets become ``y*(1-s) + s/classes``.
        axis: default -1, the class axis.
        reduction: default ``'sum_over_batch_size'``.
        name: default ``'categorical_crossentropy'``.
        dtype: default None.
    Shapes: ``y_true``, ``y_pred`` ``(N, ..., classes)``; ``call`` returns ``(N, ...)``.
    """

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="categorical_crossentropy", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.from_logits = bool(from_logits)
        self.label_smoothing = _check_smoothing(label_smoothing)
        self.axis = axis

    def call(self, y_true, y_pred):
        _check_rank(_as_float_pred(y_pred), self.name)
        return categorical_crossentropy(y_true, y_pred, self.from_logits, self.label_smoothing,
                                        self.axis)

    def _values_shape(self, y_true, y_pred):
        _check_rank(y_pred, self.name)
        shape = list(y_pred.shape)
        del shape[self.axis]
        return tuple(shape)

    def _backward(self, y_true, y_pred, upstream):
        _check_rank(y_pred, self.name)
        target = _onehot_targets(y_true, y_pred, self.label_smoothing, self.axis)
        up = _expand(upstream, self.axis)
        if self.from_logits:
            # dl/dz = softmax(z) * sum(y) - y
            total = np.sum(target, axis=self.axis, keepdims=True)
            return ((_softmax(y_pred, self.axis) * total - target) * up).astype(y_pred.dtype)
        eps = config.epsilon()
        p, total = _normalize(y_pred, self.axis)
        g = -target / np.clip(p, eps, 1.0 - eps) * _inside(p, eps)  # dl/dp = -y / p (unclipped)
        # p = y_pred / S  =>  dl/dy_pred_k = (g_k - sum_j g_j p_j) / S
        grad = (g - np.sum(g * p, axis=self.axis, keepdims=True)) / total
        return (grad * up).astype(y_pred.dtype, copy=False)

    def logits_gradient(self, y_true, y_pred, sample_weight=None):
        """dloss/dz where ``y_pred = softmax(z)`` (class axis -1): ``(p - y) / N``.

        Exactly ``p * sum(y) - y`` per sample, which is ``p - y`` for (smoothed) one-hot y.
        """
        y_pred = _as_float_pred(y_pred, self.dtype)
        _check_rank(y_pred, self.name)
        target = _onehot_targets(y_true, y_pred, self.label_smoothing, -1)
        upstream = self._upstream(y_true, y_pred, sample_weight)
        total = np.sum(target, axis=-1, keepdims=True)
        grad = y_pred * total - target  # dl/dz = softmax(z) * sum(y) - y
        return (grad * _expand(upstream, -1)).astype(y_pred.dtype, copy=False)

    def check_targets(self, y_true, output_shape):
        y = _check_numeric_finite(y_true)
        classes = output_shape[-1]
        if classes == 1:
            warnings.warn(
                f"Loss {self.name!r}: the model outputs a single class (output shape "
                f"{tuple(output_shape)}), so categorical cross-entropy is constant and nothing "
                "is learned. For two classes use Dense(1, activation='sigmoid') with "
                "loss='binary_crossentropy'.",
                UserWarning, stacklevel=2,
            )
        if tuple(y.shape[1:]) == tuple(output_shape[1:]):
            return
        looks_sparse = y.ndim == len(output_shape) - 1 or (
            y.ndim == len(output_shape) and y.shape[-1] == 1)
        if looks_sparse and np.all(np.mod(y, 1) == 0):
            raise ValueError(
                f"Invalid targets y for loss {self.name!r}: y has shape {y.shape} and holds "
                f"integer class labels, but categorical_crossentropy expects one-hot targets of "
                f"shape {(y.shape[0],) + tuple(output_shape[1:])}. Use "
                f"loss='sparse_categorical_crossentropy' or numnet.utils.to_categorical(y, "
                f"{classes})."
            )
        raise ValueError(
            f"Invalid targets y for loss {self.name!r}: y has shape {y.shape} but the model "
            f"outputs shape {tuple(output_shape)}; one-hot targets need {classes} columns, one "
            f"per class (the last layer has {classes} units)."
        )

    def get_config(self):
        config = super().get_config()
        config.update(from_logits=self.from_logits, label_smoothing=self.label_smoothing,
                      axis=self.axis)
        return config


class SparseCategoricalCrossentropy(Loss):
    """Cross-entropy for integer labels: ``loss = -log p[label]``.

    Args:
        from_logits: default False; True when ``y_pred`` are logits.
        ignore_class: default None; an integer label (e.g. -1 or 255) whose samples are left out:
            their loss is 0 and the mean divides by the number of the other samples.
        reduction: default ``'sum_over_batch_size'``.
        axis: default -1, the class axis (not saved in the config, as in Keras).
        name: default ``'sparse_categorical_crossentropy'``.
        dtype: default None.
    Shapes: ``y_true`` ``(N, ...)`` or ``(N, ..., 1)``, int or float holding integers;
    ``y_pred`` ``(N, ..., classes)``; ``call`` returns ``(N, ...)``.
    """

    def __init__(self, from_logits=False, ignore_class=None, reduction="sum_over_batch_size",
                 axis=-1, name="sparse_categorical_crossentropy", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        if ignore_class is not None and (isinstance(ignore_class, bool)
                                         or not float(ignore_class).is_integer()):
            raise ValueError(f"ignore_class must be an integer or None, received {ignore_class!r}.")
        self.from_logits = bool(from_logits)
        self.ignore_class = None if ignore_class is None else int(ignore_class)
        self.axis = axis

    def call(self, y_true, y_pred):
        _check_rank(_as_float_pred(y_pred), self.name)
        return sparse_categorical_crossentropy(y_true, y_pred, self.from_logits,
                                               self.ignore_class, self.axis)

    def _mask(self, y_true, y_pred):
        if self.ignore_class is None:
            return None
        return _sparse_labels(y_true, _as_float_pred(y_pred), self.axis, self.ignore_class)[1]

    def _values_shape(self, y_true, y_pred):
        _check_rank(y_pred, self.name)
        shape = list(y_pred.shape)
        del shape[self.axis]
        return tuple(shape)

    def _backward(self, y_true, y_pred, upstream):
        _check_rank(y_pred, self.name)
        labels, _ = _sparse_labels(y_true, y_pred, self.axis, self.ignore_class)
        axis = self.axis
        up = _expand(upstream, axis)
        onehot = _one_hot_like(labels, y_pred, axis)
        if self.from_logits:
            return ((_softmax(y_pred, axis) - onehot) * up).astype(y_pred.dtype)  # p - y
        eps = config.epsilon()
        p, total = _normalize(y_pred, axis)
        q = np.expand_dims(_gather(p, labels, axis), axis)  # p of the true class
        g = -_inside(q, eps) / np.clip(q, eps, 1.0 - eps)  # dl/dq = -1/q (0 where clipped)
        # q = y_pred[label] / S  =>  dl/dy_pred_k = g * (onehot_k - q) / S
        grad = g * (onehot - q) / total
        return (grad * up).astype(y_pred.dtype, copy=False)

    def logits_gradient(self, y_true, y_pred, sample_weight=None):
        """dloss/dz where ``y_pred = softmax(z)`` (class axis -1): ``(p - onehot) / N``."""
        y_pred = _as_float_pred(y_pred, self.dtype)
        _check_rank(y_pred, self.name)
        labels, _ = _sparse_labels(y_true, y_pred, -1, self.ignore_class)
        upstream = self._upstream(y_true, y_pred, sample_weight)
        grad = y_pred.copy()
        if grad.ndim == 2:
            grad[np.arange(grad.shape[0]), labels] -= 1
        else:
            np.put_along_axis(grad, labels[..., None], _gather(grad, labels, -1)[..., None] - 1, -1)
        return (grad * _expand(upstream, -1)).astype(y_pred.dtype, copy=False)  # dl/dz = p - y

    def value_and_logits_gradient(self, y_true, y_pred, checked=False):
        """``(loss, dloss/dz)`` where ``y_pred = softmax(z)``, computed together.

        The common case, a batch ``(N, classes)`` of probabilities with ``N`` integer labels
        and the default reduction, shares the work; it gives exactly the numbers of
        ``self(y_true, y_pred)`` and ``logits_gradient(y_true, y_pred)``. ``checked`` (default
        False): True when ``check_targets`` already accepted the labels, so their range is not
        checked again for every batch.
        """
        labels = y_true
        if not (isinstance(y_pred, np.ndarray) and y_pred.dtype.kind == "f" and y_pred.ndim == 2
                and isinstance(labels, np.ndarray) and labels.ndim == 1
                and labels.dtype.kind in "iu" and len(labels) == len(y_pred)
                and self.axis in (-1, 1) and self.ignore_class is None and self.dtype is None
                and self.reduction in ("sum_over_batch_size", "mean")):
            return super().value_and_logits_gradient(y_true, y_pred)
        n, classes = y_pred.shape
        if not checked and (labels.min() < 0 or labels.max() >= classes):
            bad = labels.min() if labels.min() < 0 else labels.max()
            raise ValueError(_label_range_message(bad, classes, y_pred.shape))
        if labels.dtype != np.intp:
            labels = labels.astype(np.intp)
        # position of each sample's true class in the flattened (N, classes) array
        positions = _row_starts(n, classes) + labels
        eps = config.epsilon()
        total = np.add.reduce(y_pred, axis=-1)
        if not total.all():
            total[total == 0] = 1  # as in call(): an all-zero row is left at 0
        # loss = mean over the batch of -log p[label], p normalised and clipped as in call()
        p = np.take(y_pred, positions)
        p /= total
        np.maximum(p, eps, out=p)  # clip(p, eps, 1 - eps), as two cheaper calls
        np.minimum(p, 1.0 - eps, out=p)
        log_p = np.log(p, out=p)
        value = -float(log_p.sum(dtype=log_p.dtype) / n)  # the sum of -log p, negated once
        grad = y_pred.copy()
        flat = grad.reshape(-1)
        flat[positions] -= 1
        grad *= y_pred.dtype.type(1.0 / n)  # dl/dz = (p - onehot) / N
        return value, grad

    def check_targets(self, y_true, output_shape):
        y = _check_numeric_finite(y_true)
        classes = output_shape[-1]
        ndim = len(output_shape)
        if not (y.ndim == ndim - 1 or (y.ndim == ndim and y.shape[-1] == 1)) or (
                tuple(y.shape[1:ndim - 1]) != tuple(output_shape[1:-1])):
            hint = ""
            if y.ndim == ndim and y.shape[-1] == classes:
                hint = (" y looks one-hot encoded: use loss='categorical_crossentropy' or pass "
                        "y.argmax(axis=-1).")
            raise ValueError(
                f"Invalid targets y for loss {self.name!r}: expected one integer label per "
                f"sample, y of shape {(y.shape[0],) + tuple(output_shape[1:-1])} for model "
                f"output shape {tuple(output_shape)}, but received y of shape {y.shape}.{hint}"
            )
        if y.dtype.kind == "f" and not np.all(np.mod(y, 1) == 0):
            bad = y[np.mod(y, 1) != 0].flat[0]
            raise ValueError(
                f"Invalid labels in y for loss {self.name!r}: labels must be whole numbers "
                f"(class indices 0..{classes - 1}), received {bad!r}. For real-valued targets "
                "use loss='mean_squared_error'."
            )
        labels = y if self.ignore_class is None else y[y != self.ignore_class]
        if labels.size and (labels.min() < 0 or labels.max() >= classes):
            bad = labels.min() if labels.min() < 0 else labels.max()
            raise ValueError(_label_range_message(int(bad), classes, output_shape))

    def get_config(self):
        config = super().get_config()
        config.update(from_logits=self.from_logits, ignore_class=self.ignore_class)
        return config


_ROW_STARTS = {}


def _row_starts(n, classes):
    """``[0, classes, 2 * classes, ...]`` (n entries): where each row starts in a flattened
    ``(n, classes)`` array; cached, as the same batch shape repeats every step."""
    key = (n, classes)
    starts = _ROW_STARTS.get(key)
    if starts is None:
        if len(_ROW_STARTS) > 64:
            _ROW_STARTS.clear()
        starts = _ROW_STARTS[key] = np.arange(n, dtype=np.intp) * classes
    return starts


def _one_hot_like(labels, y_pred, axis):
    onehot = np.zeros_like(y_pred)
    np.put_along_axis(onehot, np.expand_dims(labels, axis), 1, axis)
    return onehot


# ----------------------------------------------------------------------- registry and get
_CLASSES = {
    cls.__name__: cls
    for cls in (Loss, LossFunctionWrapper, MeanSquaredError, MeanAbsoluteError,
                BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy)
}
_FUNCTIONS = {
    fn.__name__: fn
    for fn in (mean_squared_error, mean_absolute_error, binary_crossentropy,
               categorical_crossentropy, sparse_categorical_crossentropy)
}
_FUNCTION_CLASSES = {
    mean_squared_error: MeanSquaredError,
    mean_absolute_error: MeanAbsoluteError,
    binary_crossentropy: BinaryCrossentropy,
    categorical_crossentropy: CategoricalCrossentropy,
    sparse_categorical_crossentropy: SparseCategoricalCrossentropy,
}
_ALIASES = {"mse": mean_squared_error, "MSE": mean_squared_error, "mae": mean_absolute_error,
            "MAE": mean_absolute_error, "bce": binary_crossentropy, "BCE": binary_crossentropy}
_NAMES = {**{k: v for k, v in _CLASSES.items() if k not in ("Loss", "LossFunctionWrapper")},
          **_FUNCTIONS, **_ALIASES}


def serialize(loss):
    """Keras 3 form: ``{'module': 'keras.losses', 'class_name', 'config', 'registered_name'}``.

    A plain function gives ``{'module': 'builtins', 'class_name': 'function', 'config': name,
    'registered_name': 'function'}``; a string is returned unchanged.
    """
    if loss is None or isinstance(loss, str):
        return loss
    if isinstance(loss, LossFunctionWrapper) and not loss._fn_kwargs:
        loss = loss.fn
    if not isinstance(loss, Loss):
        if not callable(loss):
            raise TypeError(f"serialize: expected a Loss or a function, received {loss!r}.")
        return {"module": "builtins", "class_name": "function",
                "config": getattr(loss, "__name__", repr(loss)), "registered_name": "function"}
    cls = type(loss)
    known = _CLASSES.get(cls.__name__) is cls
    return {"module": "keras.losses" if known else cls.__module__, "class_name": cls.__name__,
            "config": loss.get_config(), "registered_name": None if known else cls.__name__}


def deserialize(config):
    """Rebuild a loss from ``serialize``'s dict (numnet's own classes and functions only)."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            "deserialize: expected a dict with 'class_name' and 'config', received "
            f"{config!r}."
        )
    class_name, inner = config["class_name"], config.get("config") or {}
    if class_name == "function":
        if not isinstance(inner, str):
            raise ValueError(
                f"deserialize: a function's 'config' must be its name, received {inner!r}.")
        return get(inner)
    cls = _CLASSES.get(class_name)
    if cls is None or cls is Loss:
        raise unknown_name_error("loss", class_name, [n for n in _CLASSES if n != "Loss"])
    if not isinstance(inner, dict):
        raise ValueError(
            f"deserialize: 'config' of {class_name} must be a dict, received {inner!r}.")
    try:
        return cls.from_config(inner)
    except TypeError as err:
        raise ValueError(f"deserialize: invalid config for loss {class_name}: {err}") from None


def get(identifier):
    """Resolve a loss identifier to a ``Loss`` instance.

    Args:
        identifier: None (returns None); a name — class names like ``'CategoricalCrossentropy'``,
            function names like ``'categorical_crossentropy'`` and the aliases ``'mse'``,
            ``'MSE'``, ``'mae'``, ``'MAE'``, ``'bce'``, ``'BCE'`` (case-sensitive, as Keras);
            a ``Loss`` instance or class; a config dict from ``serialize``; or a function
            ``fn(y_true, y_pred) -> per-sample losses`` (numnet's own functions become their
            classes, others a ``LossFunctionWrapper``).
    Returns:
        A ``Loss`` instance, or None.
    """
    if identifier is None or isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        obj = _NAMES.get(identifier)
        if obj is None:
            hint = None
            if identifier.lower() in ("crossentropy", "ce", "cross_entropy"):
                hint = ("name the cross-entropy: 'binary_crossentropy', 'categorical_crossentropy' "
                        "or 'sparse_categorical_crossentropy'")
            raise unknown_name_error("loss", identifier, _NAMES, hint)
        identifier = obj
    if inspect.isclass(identifier):
        if not issubclass(identifier, Loss):
            raise TypeError(f"loss: expected a Loss subclass, received the class {identifier!r}.")
        return identifier()
    for fn, cls in _FUNCTION_CLASSES.items():
        if identifier is fn:
            return cls()
    if callable(identifier):
        return LossFunctionWrapper(identifier)
    raise TypeError(
        f"Could not interpret loss identifier {identifier!r}: expected a loss name such as "
        "'mse' or 'categorical_crossentropy', a Loss instance, a function or a config dict."
    )
