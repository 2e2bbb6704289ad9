"""Checking and converting the data given to fit / evaluate / predict, before any work."""
import numbers

import numpy as np


def as_array(value, argument):
    """Convert ``value`` (array, list, scalar sequence) to a numeric NumPy array.

    Args:
        value: the data as given by the user.
        argument: its argument name for error messages, e.g. ``'x'``.
    Returns:
        ``np.ndarray`` of a real numeric dtype (bool becomes uint8).
    """
    if value is None:
        raise ValueError(f"Argument '{argument}' is required; received None.")
    try:
        array = np.asarray(value)
    except (ValueError, TypeError) as error:
        raise ValueError(f"Argument '{argument}' could not be turned into an array (are all "
                         f"samples the same shape?): {error}") from None
    if array.dtype == bool:
        array = array.astype(np.uint8)
    if array.dtype.kind not in "iuf":
        example = array.flat[0] if array.size else None
        raise TypeError(
            f"Argument '{argument}' must hold numbers (int or float); received an array of "
            f"dtype {array.dtype} (e.g. {example!r}). Convert strings or objects to numbers "
            f"first, e.g. with np.asarray(..., dtype='float32').")
    if array.ndim == 0:
        raise ValueError(f"Argument '{argument}' must have a batch dimension; received a "
                         f"scalar {value!r}.")
    if array.shape[0] == 0:
        raise ValueError(f"Argument '{argument}' is empty (0 samples, shape {array.shape}); "
                         f"give at least one sample.")
    return array


def check_finite(array, argument):
    """Raise a ValueError naming ``argument`` when ``array`` holds NaN or Inf."""
    # A NaN or Inf anywhere makes the sum NaN or Inf, so a finite sum clears the whole array
    # in one pass without a temporary copy; only a non-finite sum (or an overflow) looks closer.
    if array.dtype.kind != "f":
        return
    with np.errstate(all="ignore"):
        if np.isfinite(array.sum()):
            return
    if not np.isfinite(array).all():
        bad = ~np.isfinite(array)
        first = np.argwhere(bad)[0]
        raise ValueError(
            f"Argument '{argument}' contains {int(bad.sum())} NaN or Inf value(s), the first at "
            f"index {tuple(int(i) for i in first)} (value {array[tuple(first)]}). Clean or "
            f"impute the data before training.")


def check_same_length(arrays_by_name):
    """Raise when the named arrays do not all have the same number of samples."""
    lengths = {name: len(a) for name, a in arrays_by_name.items() if a is not None}
    if len(set(lengths.values())) > 1:
        described = ", ".join(f"{name} has {n}" for name, n in lengths.items())
        raise ValueError(f"Data cardinality is ambiguous: {described} samples. Make sure all "
                         f"arrays contain the same number of samples.")


def check_batch_size(batch_size, argument="batch_size"):
    """Return ``batch_size`` (default 32) as an int >= 1, or raise."""
    if batch_size is None:
        return 32
    if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral) \
            or batch_size < 1:
        raise ValueError(f"Argument '{argument}' must be an integer >= 1; received "
                         f"{batch_size!r}.")
    return int(batch_size)


def check_verbose(verbose):
    """Return verbose as 0, 1 or 2 ('auto' is 1, as in Keras), or raise."""
    if verbose == "auto":
        return 1
    if isinstance(verbose, bool) or verbose not in (0, 1, 2):
        raise ValueError(f"Argument 'verbose' must be 0, 1, 2 or 'auto'; received {verbose!r}.")
    return int(verbose)


def check_input_shape(layer_name, expected, array, argument="x"):
    """Raise when a batch's sample shape does not fit the model's input shape.

    Args:
        layer_name: the first layer's name, for the message.
        expected: the expected shape with the batch dimension first (None = any).
        array: the data.
        argument: its argument name.
    """
    received = array.shape
    if len(expected) != len(received) or any(
            e is not None and e != r for e, r in zip(expected[1:], received[1:])):
        raise ValueError(
            f"Input 0 of layer '{layer_name}' is incompatible with the layer: expected shape "
            f"{_shape_str(expected)}, but {argument} has shape {_shape_str(received)} "
            f"(samples of shape {tuple(received[1:])} instead of {tuple(expected[1:])}).")


def _shape_str(shape):
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + \
        ("," if len(shape) == 1 else "") + ")"
