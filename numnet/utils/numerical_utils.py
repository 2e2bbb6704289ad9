"""``to_categorical`` (one-hot encoding) and ``normalize``, as in ``keras.utils``."""
import numbers

import numpy as np

from numnet import config


def to_categorical(x, num_classes=None):
    """Convert integer class labels to one-hot rows (for ``categorical_crossentropy``).

    Like Keras 3: a trailing axis of size 1 is dropped first, so ``(N,)`` and ``(N, 1)`` both
    give ``(N, C)``; in general an input of shape ``S`` gives ``S + (C,)``. Unlike Keras, labels
    that are negative, not whole numbers, or not below ``num_classes`` raise a clear error
    instead of being silently truncated or wrapped around.

    Args:
        x: array-like of integer labels in ``0 .. num_classes - 1`` (integer or whole-valued
            float dtype), shape ``S``.
        num_classes: the number of classes ``C``, a positive integer, or None (default) to use
            ``max(x) + 1``.
    Returns:
        Array of dtype ``numnet.config.floatx()`` (``float32``) and shape ``S + (C,)``, with a
        1 at each label's index and 0 elsewhere.

    Example::

        >>> to_categorical([0, 2, 1], num_classes=3)
        array([[1., 0., 0.],
               [0., 0., 1.],
               [0., 1., 0.]], dtype=float32)
    """
    labels = _as_label_array(x)
    shape = labels.shape
    if len(shape) > 1 and shape[-1] == 1:
        shape = shape[:-1]
    labels = labels.reshape(-1)
    if num_classes is not None:
        if isinstance(num_classes, bool) or not isinstance(num_classes, numbers.Integral) \
                or num_classes < 1:
            raise ValueError(f"to_categorical: num_classes must be a positive integer or None; "
                             f"received {num_classes!r}.")
        num_classes = int(num_classes)
    elif labels.size == 0:
        raise ValueError("to_categorical: x is empty, so num_classes cannot be inferred; "
                         "pass num_classes.")
    else:
        num_classes = int(labels.max()) + 1
    if labels.size and labels.max() >= num_classes:
        bad = int(labels.max())
        raise ValueError(
            f"to_categorical: label {bad} is out of range for num_classes={num_classes}; labels "
            f"must lie in 0..{num_classes - 1}. Pass num_classes={bad + 1} or more, or fix the "
            "labels."
        )
    one_hot = np.zeros((labels.size, num_classes), dtype=config.floatx())
    one_hot[np.arange(labels.size), labels] = 1
    return one_hot.reshape(shape + (num_classes,))


def _as_label_array(x):
    """``x`` as an int64 array, refusing negative, fractional, non-finite or non-numeric data."""
    try:
        array = np.asarray(x)
    except ValueError as exc:  # ragged nested lists
        raise ValueError(f"to_categorical: x must be an array of integer labels; {exc}") from exc
    if array.dtype == bool or not (np.issubdtype(array.dtype, np.integer)
                                   or np.issubdtype(array.dtype, np.floating)):
        raise TypeError(f"to_categorical: x must hold integer class labels; received an array "
                        f"of dtype {array.dtype}.")
    if np.issubdtype(array.dtype, np.floating):
        if not np.all(np.isfinite(array)):
            raise ValueError("to_categorical: x contains NaN or infinity; labels must be integers "
                             "0, 1, 2, ...")
        fractional = array[array != np.round(array)]
        if fractional.size:
            raise ValueError(
                f"to_categorical: x contains the non-integer label {fractional.flat[0].item()!r}; labels "
                "must be whole numbers 0, 1, 2, ... (to turn probabilities into labels use "
                "argmax, e.g. np.argmax(y, axis=-1))."
            )
    if array.size and array.min() < 0:
        raise ValueError(f"to_categorical: x contains the negative label {array.min().item()!r}; labels "
                         "must be 0, 1, 2, ...")
    return array.astype(np.int64)


def normalize(x, axis=-1, order=2):
    """Divide ``x`` by its norm along ``axis`` (vectors of norm 0 are left unchanged).

    Args:
        x: array-like of any shape.
        axis: the axis along which the norm is taken (default -1, the last).
        order: the norm order passed to ``numpy.linalg.norm`` (default 2: Euclidean; 1: sum of
            absolute values; ``np.inf``: max absolute value).
    Returns:
        A normalized copy of ``x`` with the same shape; floating inputs keep their dtype,
        integer inputs become ``numnet.config.floatx()``.
    """
    array = np.asarray(x)
    if not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        raise TypeError(f"normalize: x must be numeric; received an array of dtype {array.dtype}.")
    if not np.issubdtype(array.dtype, np.inexact):
        array = array.astype(config.floatx())
    if array.ndim == 0:
        raise ValueError("normalize: x must have at least one dimension; received a scalar.")
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral) \
            or not -array.ndim <= axis < array.ndim:
        raise ValueError(f"normalize: axis must be an integer in {-array.ndim}..{array.ndim - 1} "
                         f"for an input of shape {array.shape}; received {axis!r}.")
    norm = np.linalg.norm(array, ord=order, axis=axis, keepdims=True)
    norm[norm == 0] = 1
    return (array / norm).astype(array.dtype, copy=False)
