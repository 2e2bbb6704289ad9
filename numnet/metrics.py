"""Stateful metrics with the Keras 3 API: accumulate over batches, report the running value.

A metric keeps a ``total`` and a ``count`` (in its ``dtype``, float32 by default, as Keras):

    update_state(y_true, y_pred, sample_weight=None)   total += sum(w * value); count += sum(w)
    result()                                           total / count  (0.0 before any update)
    reset_state()                                      total = count = 0 (each epoch)

``get(identifier, output_shape=..., y_true_shape=...)`` is what ``compile(metrics=[...])`` uses:
it turns ``'accuracy'``/``'acc'`` into binary, categorical or sparse categorical accuracy the
way Keras 3 does, and names every metric after the string the user wrote (``'acc'``, ``'mae'``),
which is the key that appears in the training logs and ``History``.
"""
import inspect
import re

import numpy as np

from numnet import config
from numnet.losses import (
    mean_absolute_error,
    mean_squared_error,
    squeeze_or_expand_to_same_rank,
)
from numnet.utils.naming import to_snake_case, unique_name, unknown_name_error
from numnet.utils.serialization import function_config, restore_function


# ------------------------------------------------------------------------ metric functions
def _pred(y_pred):
    y_pred = np.asarray(y_pred)
    return y_pred if y_pred.dtype.kind == "f" else y_pred.astype(config.floatx())


def accuracy(y_true, y_pred):
    """1.0 where ``y_pred == y_true`` exactly, else 0.0 (elementwise, ``floatx``)."""
    y_pred = _pred(y_pred)
    y_true = np.asarray(y_true, dtype=y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return (y_true == y_pred).astype(config.floatx())


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1.0 where ``(y_pred > threshold) == y_true``, elementwise.

    Args:
        y_true: 0/1 targets, shape ``(N, d)`` or ``(N,)``.
        y_pred: probabilities (or scores), shape ``(N, d)``.
        threshold: default 0.5; a prediction counts as 1 when strictly greater.
    Returns:
        Array of ``floatx`` of the aligned shape (e.g. ``(N, 1)``).
    """
    y_pred = _pred(y_pred)
    y_true = np.asarray(y_true)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    predicted = (y_pred > threshold).astype(y_true.dtype)
    return (y_true == predicted).astype(config.floatx())


def categorical_accuracy(y_true, y_pred):
    """1.0 where ``argmax(y_true) == argmax(y_pred)`` over the last axis; shape ``(N, ...)``.

    Args:
        y_true: one-hot targets ``(N, ..., classes)``.
        y_pred: probabilities or logits ``(N, ..., classes)``.
    """
    y_pred = _pred(y_pred)
    true_class = np.argmax(np.asarray(y_true), axis=-1)
    if true_class.ndim == y_pred.ndim:  # y_true had an extra trailing axis
        true_class = true_class[..., 0] if true_class.shape[-1] == 1 else true_class
    return (true_class == y_pred.argmax(axis=-1)).astype(config.floatx())


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where the integer label equals ``argmax(y_pred)``; shape ``(N, ...)``.

    Args:
        y_true: labels ``(N, ...)`` or ``(N, ..., 1)``, int or float.
        y_pred: probabilities or logits ``(N, ..., classes)``.
    """
    if (type(y_pred) is np.ndarray and y_pred.ndim == 2 and y_pred.dtype.kind == "f"
            and type(y_true) is np.ndarray and y_true.ndim == 1 and y_true.dtype.kind in "iu"):
        # the common batch (N, classes) with integer labels (N,): compared as integers, which
        # gives the comparison below for every label a float can hold exactly
        return (y_pred.argmax(axis=-1) == y_true).astype(config.floatx())
    y_pred = _pred(y_pred)
    y_true = np.asarray(y_true, dtype=y_pred.dtype)
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    matches = (y_true == y_pred.argmax(axis=-1).astype(y_true.dtype))
    if matches.ndim > 1 and matches.shape[-1] == 1:
        matches = matches[..., 0]
    return matches.astype(config.floatx())


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the true class (argmax of one-hot ``y_true``) is among the ``k`` highest scores.

    Ties at the k-th score count as inside (Keras's ``in_top_k``). Shapes as
    ``categorical_accuracy``; ``k`` defaults to 5.
    """
    y_pred = _pred(y_pred)
    true_class = np.argmax(np.asarray(y_true), axis=-1)
    shape = true_class.shape
    scores = y_pred.reshape(-1, y_pred.shape[-1])
    target = np.take_along_axis(scores, true_class.reshape(-1, 1), axis=-1)[:, 0]
    k = min(int(k), scores.shape[-1])
    kth = -np.partition(-scores, k - 1, axis=-1)[:, k - 1]  # the k-th largest score
    return (target >= kth).reshape(shape).astype(config.floatx())


# ----------------------------------------------------------------------------- the classes
class Metric:
    """Base class of stateful metrics (Keras ``keras.metrics.Metric``).

    Args:
        dtype: default None (``numnet.config.floatx()``): the dtype of the accumulators.
        name: default None (the snake-case class name, made unique).

    Subclasses implement ``update_state``, ``result`` and ``reset_state``. Calling a metric
    runs ``update_state`` and returns ``result()``.
    """

    def __init__(self, dtype=None, name=None):
        self.name = name or unique_name(to_snake_case(type(self).__name__))
        try:
            dt = np.dtype(dtype or config.floatx())
        except TypeError:
            dt = None
        if dt is None or not np.issubdtype(dt, np.floating):
            raise ValueError(
                f"Metric {self.name!r}: dtype must be a float type such as 'float32', "
                f"received {dtype!r}."
            )
        self.dtype = dt.name

    def update_state(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must implement update_state().")

    def result(self):
        raise NotImplementedError(f"{type(self).__name__} must implement result().")

    def reset_state(self):
        raise NotImplementedError(f"{type(self).__name__} must implement reset_state().")

    def __call__(self, *args, **kwargs):
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self):
        """``{'name': ..., 'dtype': ...}`` plus the subclass's arguments."""
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


class Mean(Metric):
    """Running (weighted) mean of the values given to ``update_state``.

    Args:
        name: default ``'mean'``.
        dtype: default None (``floatx``).

    ``update_state(values, sample_weight=None)``: values of shape ``(N, ...)`` are first
    averaged to one value per sample; with weights ``total += sum(w * v)`` and
    ``count += sum(w)``, else ``count += N`` (1 for a scalar).
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.reset_state()

    def reset_state(self):
        zero = np.dtype(self.dtype).type(0)
        self.total, self.count = zero, zero

    def update_state(self, values, sample_weight=None):
        dt = np.dtype(self.dtype)
        if sample_weight is None and type(values) is np.ndarray and values.ndim == 1 \
                and values.dtype == dt:  # one value per sample: the common case, in short
            self.total = dt.type(self.total + np.add.reduce(values))
            self.count = dt.type(self.count + values.shape[0])
            return
        values = np.asarray(values, dtype=dt)
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight, dtype=dt)
            values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
            if values.ndim > sample_weight.ndim:  # one value per weight
                values = np.mean(values, axis=tuple(range(sample_weight.ndim, values.ndim)))
            try:
                sample_weight = np.broadcast_to(sample_weight, values.shape)
            except ValueError:
                raise ValueError(
                    f"Metric {self.name!r}: sample_weight of shape {sample_weight.shape} does not "
                    f"match values of shape {values.shape}; pass one weight per sample."
                ) from None
            values = values * sample_weight
            if sample_weight.ndim > 1:
                sample_weight = np.mean(sample_weight, axis=tuple(range(1, sample_weight.ndim)))
        if values.ndim > 1:
            values = np.mean(values, axis=tuple(range(1, values.ndim)))
        if sample_weight is not None:
            count = np.sum(sample_weight, dtype=dt)
        else:
            count = values.shape[0] if values.ndim >= 1 else 1
        self.total = dt.type(self.total + values.sum(dtype=dt))
        self.count = dt.type(self.count + count)

    def result(self):
        """``total / count`` as a Python float (0.0 when nothing was counted)."""
        if self.count == 0:
            return 0.0
        return float(self.total / self.count)


class MeanMetricWrapper(Mean):
    """Running mean of a per-sample function ``fn(y_true, y_pred, **kwargs)``.

    Args:
        fn: the function, returning one value per sample (or per element).
        name: default None (``'mean_metric_wrapper'``).
        dtype: default None (``floatx``).
        **kwargs: passed to ``fn`` on every call.
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        if not callable(fn):
            raise TypeError(f"MeanMetricWrapper: fn must be callable, received {fn!r}.")
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        super().update_state(values, sample_weight=sample_weight)

    def get_config(self):
        config = super().get_config()
        config.update(function_config(self._fn, self._fn_kwargs))
        return config

    @classmethod
    def from_config(cls, config):
        fn, config = restore_function(config, _FUNCTIONS, "MeanMetricWrapper", "metric")
        return cls(fn, **config)


class _FixedFunction(MeanMetricWrapper):
    """A wrapper whose function is fixed by the class; config is name, dtype (+ options)."""

    _function = None

    def __init__(self, name=None, dtype=None, **kwargs):
        super().__init__(type(self)._function, name=name, dtype=dtype, **kwargs)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, **self._fn_kwargs}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class Accuracy(_FixedFunction):
    """How often ``y_pred`` equals ``y_true`` exactly. Args: name='accuracy', dtype=None."""

    _function = staticmethod(accuracy)

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(name=name, dtype=dtype)


class BinaryAccuracy(_FixedFunction):
    """How often ``(y_pred > threshold)`` matches 0/1 targets.

    Args:
        name: default ``'binary_accuracy'``.
        dtype: default None.
        threshold: default 0.5.
    """

    _function = staticmethod(binary_accuracy)

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold


class CategoricalAccuracy(_FixedFunction):
    """How often ``argmax(y_pred)`` matches ``argmax`` of one-hot targets.

    Args: name='categorical_accuracy', dtype=None.
    """

    _function = staticmethod(categorical_accuracy)

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(name=name, dtype=dtype)


class SparseCategoricalAccuracy(_FixedFunction):
    """How often ``argmax(y_pred)`` matches integer labels.

    Args: name='sparse_categorical_accuracy', dtype=None.
    """

    _function = staticmethod(sparse_categorical_accuracy)

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(name=name, dtype=dtype)


class TopKCategoricalAccuracy(_FixedFunction):
    """How often the true class is among the ``k`` highest scores.

    Args:
        k: default 5.
        name: default ``'top_k_categorical_accuracy'``.
        dtype: default None.
    """

    _function = staticmethod(top_k_categorical_accuracy)

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
            raise ValueError(
                f"TopKCategoricalAccuracy: k must be a positive integer, received {k!r}.")
        super().__init__(name=name, dtype=dtype, k=int(k))
        self.k = int(k)


class MeanSquaredError(_FixedFunction):
    """Running mean of ``mean((y_true - y_pred)**2, axis=-1)``.

    Args: name='mean_squared_error', dtype=None.
    """

    _function = staticmethod(mean_squared_error)

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)


class MeanAbsoluteError(_FixedFunction):
    """Running mean of ``mean(|y_true - y_pred|, axis=-1)``.

    Args: name='mean_absolute_error', dtype=None.
    """

    _function = staticmethod(mean_absolute_error)

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(name=name, dtype=dtype)


class _AutoAccuracy(Metric):
    """``'accuracy'`` whose kind is chosen from the first batch's shapes (Keras 3 rule)."""

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.resolved = None

    def update_state(self, y_true, y_pred, sample_weight=None):
        if self.resolved is None:
            cls = _accuracy_class(np.shape(y_true), np.shape(y_pred))
            self.resolved = cls(name=self.name, dtype=self.dtype)
        self.resolved.update_state(y_true, y_pred, sample_weight=sample_weight)

    def result(self):
        return 0.0 if self.resolved is None else self.resolved.result()

    def reset_state(self):
        if self.resolved is not None:
            self.resolved.reset_state()

    def get_config(self):
        return super().get_config() if self.resolved is None else self.resolved.get_config()


def _accuracy_class(y_true_shape, y_pred_shape):
    """Keras 3 ``compile`` rule: binary if one output unit, sparse if labels lack the class axis."""
    if y_pred_shape[-1] == 1:
        return BinaryAccuracy
    if len(y_true_shape) < len(y_pred_shape) or (y_true_shape[-1] == 1 and y_pred_shape[-1] > 1):
        return SparseCategoricalAccuracy
    return CategoricalAccuracy


# ----------------------------------------------------------------------- registry and get
_CLASSES = {
    cls.__name__: cls
    for cls in (Mean, Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
                TopKCategoricalAccuracy, MeanSquaredError, MeanAbsoluteError)
}
_FUNCTIONS = {
    fn.__name__: fn
    for fn in (accuracy, binary_accuracy, categorical_accuracy, sparse_categorical_accuracy,
               top_k_categorical_accuracy, mean_squared_error, mean_absolute_error)
}
_NAMES = {**_CLASSES, **{to_snake_case(n): c for n, c in _CLASSES.items()},
          "mse": MeanSquaredError, "MSE": MeanSquaredError,
          "mae": MeanAbsoluteError, "MAE": MeanAbsoluteError}
_LOSS_ONLY = ("loss", "binary_crossentropy", "categorical_crossentropy",
              "sparse_categorical_crossentropy")


def _object_name(fn):
    """Keras's name for a function: its ``__name__`` in snake case, without symbols."""
    return to_snake_case(re.sub(r"\W+", "", getattr(fn, "__name__", type(fn).__name__)))


def get(identifier, loss=None, output_shape=None, y_true_shape=None, target_ndim=None):
    """Resolve a metric identifier the way ``compile(metrics=[...])`` does in Keras 3.

    Args:
        identifier: ``'accuracy'``/``'acc'`` (any case), a name (class names like
            ``'BinaryAccuracy'``, snake-case names like ``'binary_accuracy'``, and
            ``'mse'``/``'MSE'``/``'mae'``/``'MAE'``), a ``Metric`` instance or class, a config
            dict from ``serialize``, or a function ``fn(y_true, y_pred) -> per-sample values``.
        loss: default None; accepted for the model's convenience but not consulted: Keras 3
            chooses the accuracy from shapes only.
        output_shape: default None; the model output shape, batch axis first, e.g. ``(None, 10)``.
        y_true_shape: default None; the shape of the targets ``y``, e.g. ``(60000,)``.
        target_ndim: default None; the rank of ``y`` when its shape is not at hand.
    Returns:
        A ``Metric``. A string identifier becomes the metric's ``name`` (the log key), as in
        Keras 3: ``'acc'`` logs ``acc``, ``'mae'`` logs ``mae``. ``'accuracy'`` is
        ``BinaryAccuracy`` when the output has one unit, ``SparseCategoricalAccuracy`` when
        ``y`` has fewer dimensions than the output or a last axis of 1, else
        ``CategoricalAccuracy``; without enough shape information it is decided on the first
        ``update_state``.
    """
    del loss  # Keras 3 ignores the loss when resolving 'accuracy'.
    if identifier is None:
        raise ValueError("metric: expected a metric name, Metric or function, received None.")
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        if identifier.lower() in ("accuracy", "acc"):
            return _resolve_accuracy(identifier, output_shape, y_true_shape, target_ndim)
        cls = _NAMES.get(identifier)
        if cls is None:
            hint = None
            if identifier in _LOSS_ONLY:
                hint = ("the loss is always reported as 'loss'; for classification use "
                        "'accuracy'")
            raise unknown_name_error("metric", identifier, list(_NAMES) + ["accuracy", "acc"],
                                     hint)
        return cls(name=identifier)
    if inspect.isclass(identifier):
        if not issubclass(identifier, Metric):
            raise TypeError(
                f"metric: expected a Metric subclass, received the class {identifier!r}.")
        return identifier()
    if callable(identifier):
        return MeanMetricWrapper(identifier, name=_object_name(identifier))
    raise TypeError(
        f"Could not interpret metric identifier {identifier!r}: expected a name such as "
        "'accuracy' or 'mae', a Metric instance, a function or a config dict."
    )


def _resolve_accuracy(name, output_shape, y_true_shape, target_ndim):
    if output_shape is not None:
        output_shape = tuple(output_shape)
        if output_shape[-1] == 1:
            return BinaryAccuracy(name=name)
        if y_true_shape is not None:
            return _accuracy_class(tuple(y_true_shape), output_shape)(name=name)
        if target_ndim is not None and target_ndim < len(output_shape):
            return SparseCategoricalAccuracy(name=name)
    return _AutoAccuracy(name=name)


def serialize(metric):
    """Keras 3 form ``{'module': 'keras.metrics', 'class_name', 'config', 'registered_name'}``."""
    if isinstance(metric, _AutoAccuracy) and metric.resolved is not None:
        metric = metric.resolved
    if not isinstance(metric, Metric):
        raise TypeError(f"serialize: expected a Metric, received {metric!r}.")
    cls = type(metric)
    known = _CLASSES.get(cls.__name__) is cls or cls is MeanMetricWrapper
    return {"module": "keras.metrics" if known else cls.__module__, "class_name": cls.__name__,
            "config": metric.get_config(), "registered_name": None if known else cls.__name__}


def deserialize(config):
    """Rebuild a metric from ``serialize``'s dict (numnet's own classes only)."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            f"deserialize: expected a dict with 'class_name' and 'config', received {config!r}."
        )
    class_name, inner = config["class_name"], config.get("config") or {}
    cls = MeanMetricWrapper if class_name == "MeanMetricWrapper" else _CLASSES.get(class_name)
    if cls is None:
        raise unknown_name_error("metric", class_name, list(_CLASSES) + ["MeanMetricWrapper"])
    if not isinstance(inner, dict):
        raise ValueError(
            f"deserialize: 'config' of {class_name} must be a dict, received {inner!r}.")
    try:
        return cls.from_config(inner)
    except TypeError as err:
        raise ValueError(f"deserialize: invalid config for metric {class_name}: {err}") from None
