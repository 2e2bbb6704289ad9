"""Argument checks shared by the callbacks, with one wording for every message.

Each check raises ``TypeError`` (wrong kind of value) or ``ValueError`` (right kind, value not
allowed); the message starts with the callback's name, names the argument, shows what was
received and says what is allowed. Each returns the value as a plain Python type.
"""
import math
import numbers
import os

import numpy as np


def check_int(owner, name, value, minimum=0):
    """Return ``value`` as an ``int`` >= ``minimum``, or raise.

    Args:
        owner: the callback's class name, e.g. ``'EarlyStopping'``.
        name: the argument's name, e.g. ``'patience'``.
        value: what the user gave (bools are refused).
        minimum: the smallest allowed value. Default: 0.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{owner}: argument `{name}` must be an integer >= {minimum}; "
                        f"received {value!r} of type {type(value).__name__}.")
    if value < minimum:
        raise ValueError(f"{owner}: argument `{name}` must be an integer >= {minimum}; "
                         f"received {value!r}.")
    return int(value)


def check_number(owner, name, value, allow_none=False, minimum=None):
    """Return ``value`` as a finite ``float`` (>= ``minimum`` when given), or raise.

    Args:
        owner: the callback's class name.
        name: the argument's name.
        value: what the user gave.
        allow_none: whether ``None`` is accepted (and returned). Default: False.
        minimum: the smallest allowed value, or None for no bound. Default: None.
    """
    if value is None and allow_none:
        return None
    allowed = "a finite number" + ("" if minimum is None else f" >= {minimum:g}")
    allowed += " or None" if allow_none else ""
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value.item()
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{owner}: argument `{name}` must be {allowed}; received {value!r} of "
                        f"type {type(value).__name__}.")
    value = float(value)
    if not math.isfinite(value) or (minimum is not None and value < minimum):
        raise ValueError(f"{owner}: argument `{name}` must be {allowed}; received {value!r}.")
    return value


def check_path(owner, name, value):
    """Return ``value`` (a ``str`` or ``os.PathLike``) as a non-empty ``str``, or raise.

    Args:
        owner: the callback's class name.
        name: the argument's name, e.g. ``'filepath'``.
        value: what the user gave.
    """
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{owner}: argument `{name}` must be a file path (str or "
                        f"os.PathLike); received {value!r} of type {type(value).__name__}.")
    value = os.fspath(value)
    if isinstance(value, bytes):
        value = os.fsdecode(value)
    if not value:
        raise ValueError(f"{owner}: argument `{name}` must not be empty; received {value!r}.")
    return value


def check_save_freq(owner, value):
    """Return ``save_freq``: the string ``'epoch'`` or an integer >= 1 (batches), or raise.

    Args:
        owner: the callback's class name.
        value: what the user gave.
    """
    if value == "epoch" and isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{owner}: argument `save_freq` must be 'epoch' or an integer >= 1 "
                         f"(a number of training batches); received {value!r}.")
    return int(value)


def batches_since(last_batch_seen, batch):
    """How many training batches ran since ``last_batch_seen`` when ``batch`` just ended.

    Batch indices restart at 0 every epoch, so an index that did not grow means a new epoch
    began and ``batch + 1`` batches of it have run (Keras 3's counting).

    Args:
        last_batch_seen: the index of the previous batch seen, or None before the first.
        batch: the 0-based index of the batch that just ended.
    """
    if last_batch_seen is None or batch <= last_batch_seen:
        return batch + 1
    return batch - last_batch_seen
