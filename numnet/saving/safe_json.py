"""Parse the JSON found in model files (``config.json``, ``metadata.json``, the ``model_config``
and ``training_config`` attributes of legacy ``.h5`` files) with limits.

Limits: the text's size, strict UTF-8, a top-level object (dict), no duplicate keys (which
would make the meaning of a file depend on the parser), and a bounded nesting depth.
"""
import json

from numnet.saving.errors import ModelFileError

MAX_JSON_BYTES = 16 * 1024 * 1024
"""Largest JSON text accepted (16 MiB); real configurations are a few KiB."""

MAX_JSON_DEPTH = 128
"""Deepest nesting of lists/objects accepted; Keras configurations nest about 10 levels."""


def _no_duplicate_keys(pairs):
    """``object_pairs_hook`` for ``json.loads`` that refuses an object with a repeated key."""
    result = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r} in one object")
        result[key] = value
    return result


def _check_depth(value, max_depth, what):
    """Raise ``ModelFileError`` if ``value`` nests lists/dicts deeper than ``max_depth``.

    Iterative, so it cannot itself hit Python's recursion limit.
    """
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > max_depth:
            raise ModelFileError(f"{what} nests deeper than {max_depth} levels; "
                                 "this is not a model configuration.")
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item if isinstance(v, (dict, list)))


def parse_json_object(data, what, max_bytes=MAX_JSON_BYTES, max_depth=MAX_JSON_DEPTH):
    """Parse JSON text from a model file into a dict, refusing anything unusual.

    Args:
        data: the JSON text as ``bytes`` (UTF-8) or ``str``.
        what: how to name the text in error messages, e.g. ``"'config.json' in 'm.keras'"``.
        max_bytes: largest accepted size in bytes; default ``MAX_JSON_BYTES`` (16 MiB).
        max_depth: deepest accepted nesting; default ``MAX_JSON_DEPTH`` (128).
    Returns:
        The parsed ``dict``.
    Raises:
        ModelFileError: too large, not UTF-8, not valid JSON, not an object at the top,
            a repeated key, or nested too deeply.
    """
    if isinstance(data, (bytes, bytearray, memoryview)):
        if len(data) > max_bytes:
            raise ModelFileError(f"{what} is {len(data):,} bytes, over the limit of "
                                 f"{max_bytes:,} bytes for a configuration.")
        try:
            text = bytes(data).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ModelFileError(f"{what} is not UTF-8 text ({exc}).") from None
    elif isinstance(data, str):
        text = data
        if len(text) > max_bytes:
            raise ModelFileError(f"{what} is {len(text):,} characters, over the limit of "
                                 f"{max_bytes:,} for a configuration.")
    else:
        raise ModelFileError(f"{what} should be JSON text, found {type(data).__name__}.")
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except RecursionError:
        raise ModelFileError(f"{what} nests too deeply to be a model configuration.") from None
    except ValueError as exc:  # JSONDecodeError, duplicate keys, int too long
        raise ModelFileError(f"{what} is not valid JSON: {exc}.") from None
    if not isinstance(value, dict):
        raise ModelFileError(f"{what} should hold a JSON object ({{...}}) at the top level, "
                             f"found {type(value).__name__}.")
    _check_depth(value, max_depth, what)
    return value
