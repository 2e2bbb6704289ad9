"""Keras 3 config dicts for the built-in objects of a closed registry (initializers,
regularizers): ``{'module', 'class_name', 'config', 'registered_name'}`` and back."""


def serialize_builtin(obj, module, classes, kind):
    """Return the Keras 3 config dict of ``obj``, an instance of one of ``classes``.

    Args:
        obj: the object to describe.
        module: its Keras module name, e.g. ``'keras.initializers'``.
        classes: dict class name -> class of the built-in classes that may be saved.
        kind: what it is, for the error message, e.g. ``'initializer'``.
    """
    cls = type(obj)
    if classes.get(cls.__name__) is not cls:
        raise ValueError(f"Cannot serialize {obj!r}: only the built-in {kind}s "
                         f"({', '.join(sorted(classes))}) can be saved.")
    return {"module": module, "class_name": cls.__name__, "config": obj.get_config(),
            "registered_name": None}


def deserialize_builtin(config, lookup, kind):
    """Inverse of ``serialize_builtin``; also accepts ``{'class_name', 'config'}`` alone.

    Args:
        config: the dict read from a file or made by ``serialize_builtin``.
        lookup: function class name -> class (raises for names outside the registry).
        kind: what it is, for error messages.
    """
    if not isinstance(config, dict) or not isinstance(config.get("class_name"), str):
        raise ValueError(f"Cannot read the {kind} config {config!r}: expected a dict with a "
                         f"'class_name' string and a 'config' dict.")
    cls = lookup(config["class_name"])
    arguments = config.get("config") or {}
    if not isinstance(arguments, dict):
        raise ValueError(f"Cannot read the {kind} config {config!r}: 'config' must be a dict.")
    try:
        return cls.from_config(arguments)
    except TypeError as error:
        if "argument" not in str(error):
            raise
        raise ValueError(f"Invalid config for {kind} {cls.__name__}: {error}") from None


def function_config(fn, fn_kwargs):
    """The config entries of a wrapper around a registered function (a loss or metric
    wrapper): ``{'fn': its name, **its keyword arguments}``."""
    return {"fn": getattr(fn, "__name__", repr(fn)), **fn_kwargs}


def restore_function(config, functions, owner, kind):
    """Inverse of ``function_config``: ``(fn, remaining config)`` with ``fn`` looked up by name
    in the closed registry ``functions``; raises a ValueError naming ``owner`` (the wrapper
    class) and ``kind`` (e.g. 'loss') for any other name."""
    config = dict(config)
    fn = functions.get(config.pop("fn", None))
    if fn is None:
        raise ValueError(f"{owner}.from_config: only numnet's own {kind} functions can be "
                         f"restored ({', '.join(sorted(functions))}).")
    return fn, config
