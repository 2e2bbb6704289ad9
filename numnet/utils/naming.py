"""Helpers for clear error messages and Keras-style automatic names."""
import difflib
import re

_NAME_COUNTS = {}


def unknown_name_error(kind, name, choices, hint=None):
    """Build the ``ValueError`` for an unknown registry name.

    Args:
        kind: what was looked up, e.g. ``'activation'`` or ``'loss'``.
        name: the name the user gave.
        choices: the names that are allowed.
        hint: an extra sentence, e.g. ``"for binary classification use 'sigmoid'"``; when None a
            close match (if any) is suggested.
    Returns:
        A ``ValueError`` to raise.
    """
    choices = sorted(set(choices))
    message = f"Unknown {kind} {name!r}. Choose one of: {', '.join(choices)}."
    if hint is None and isinstance(name, str):
        close = difflib.get_close_matches(name.lower(), choices, n=1)
        if close:
            hint = f"did you mean {close[0]!r}?"
    if hint:
        message = message[:-1] + f" ({hint})."
    return ValueError(message)


def to_snake_case(name):
    """``'MaxPooling2D'`` -> ``'max_pooling2d'``, like Keras's automatic layer names."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def unique_name(base):
    """Return ``base``, then ``base_1``, ``base_2``... like Keras (reset by ``reset_names``)."""
    count = _NAME_COUNTS.get(base, 0)
    _NAME_COUNTS[base] = count + 1
    return base if count == 0 else f"{base}_{count}"


def reset_names():
    """Forget the automatic-name counters (Keras's ``clear_session``)."""
    _NAME_COUNTS.clear()
