"""Uniform argument checks for the optimizers and learning-rate schedules.

Each check raises a ``ValueError`` or ``TypeError`` whose message names the owner and the
argument, shows the value received and says what is allowed. Each returns the value in a
JSON-friendly Python type (``float``, ``int`` or ``bool``).
"""
import math
import numbers

import numpy as np


def _interval(minimum, maximum, include_min, include_max):
    left = "[" if include_min else "("
    right = "]" if include_max else ")"
    low = "-inf" if minimum is None else f"{minimum:g}"
    high = "inf" if maximum is None else f"{maximum:g}"
    return f"{left}{low}, {high}{right}"


def check_float(owner, name, value, minimum=None, maximum=None, include_min=True,
                include_max=True, allow_none=False):
    """Return ``value`` as a finite ``float`` inside the given interval, or raise.

    Args:
        owner: who is checking, e.g. ``'Adam'`` (starts the message).
        name: the argument name, e.g. ``'beta_1'``.
        value: what the user gave.
        minimum, maximum: the interval bounds (None = unbounded). Defaults: None.
        include_min, include_max: whether the bounds themselves are allowed. Defaults: True.
        allow_none: whether ``None`` is accepted (and returned). Default: False.
    """
    if value is None and allow_none:
        return None
    where = _interval(minimum, maximum, include_min, include_max)
    allowed = f"a finite number in {where}" + (" or None" if allow_none else "")
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{owner}: argument `{name}` must be {allowed}, "
                        f"received {value!r} of type {type(value).__name__}.")
    value = float(value)
    too_low = minimum is not None and (value < minimum or (value == minimum and not include_min))
    too_high = maximum is not None and (value > maximum or (value == maximum and not include_max))
    if not math.isfinite(value) or too_low or too_high:
        raise ValueError(f"{owner}: argument `{name}` must be {allowed}, received {value!r}.")
    return value


def check_int(owner, name, value, minimum=None, allow_none=False):
    """Return ``value`` as an ``int`` that is at least ``minimum``, or raise.

    Args:
        owner, name: as in ``check_float``.
        value: what the user gave; a float with an integer value (``2.0``) is accepted.
        minimum: the smallest allowed value (None = unbounded). Default: None.
        allow_none: whether ``None`` is accepted (and returned). Default: False.
    """
    if value is None and allow_none:
        return None
    allowed = "an integer" + ("" if minimum is None else f" >= {minimum}")
    allowed += " or None" if allow_none else ""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{owner}: argument `{name}` must be {allowed}, "
                        f"received {value!r} of type {type(value).__name__}.")
    if not float(value).is_integer() or (minimum is not None and value < minimum):
        raise ValueError(f"{owner}: argument `{name}` must be {allowed}, received {value!r}.")
    return int(value)


def check_bool(owner, name, value):
    """Return ``value`` as a ``bool`` (Python or NumPy booleans only), or raise ``TypeError``."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{owner}: argument `{name}` must be True or False, "
                        f"received {value!r} of type {type(value).__name__}.")
    return bool(value)


def check_name(owner, value):
    """Return ``value`` if it is None or a string, else raise ``TypeError``."""
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{owner}: argument `name` must be a string or None, "
                        f"received {value!r} of type {type(value).__name__}.")
    return value
