"""The closed registry of classes a model file may name, and the configuration sanitiser.

A model file names classes (``{"module": "keras.layers", "class_name": "Dense", ...}``).
numnet turns such a name into a class only through this registry: a dict filled by numnet's
own code. Nothing named in a file is ever imported, evaluated or unpickled: ``module``
strings are only checked against an allow-list of Keras and numnet module paths, and
everything else (``os``, ``builtins``, ``subprocess``...) is refused.

The default registry is filled in one place, ``numnet/saving/known_classes.py`` (explicit
lists of Keras class names: layers, models, optimizers, schedules, losses, metrics,
initializers, regularizers, ``DTypePolicy``), imported by fixed name on the first lookup.
Registering looks like::

    from numnet.saving.registry import register

    register(Dense, kind="layer")                    # or @register on a numnet class
    register(GlorotUniform, kind="initializer", aliases=("glorot_uniform",))

Looking up (in the loader)::

    cls = lookup(entry["class_name"], module=entry.get("module"), kind="layer",
                 registered_name=entry.get("registered_name"))

:func:`check_config` walks a whole configuration first and refuses Lambda layers, stored
Python functions and bytecode, foreign modules and custom (non-Keras) objects, each with a
message that says what to do instead.
"""
import difflib
import importlib
import re

from numnet.saving.errors import ModelFileError

KINDS = ("layer", "model", "optimizer", "schedule", "loss", "metric", "initializer",
         "regularizer", "constraint", "dtype_policy")
"""The kinds of registered classes; a name is unique within its kind."""

_KIND_BY_MODULE = (  # (numnet module prefix, kind), first match wins
    ("numnet.layers", "layer"), ("numnet.models", "model"),
    ("numnet.optimizers.schedules", "schedule"), ("numnet.optimizers", "optimizer"),
    ("numnet.losses", "loss"), ("numnet.metrics", "metric"),
    ("numnet.initializers", "initializer"), ("numnet.regularizers", "regularizer"),
    ("numnet.constraints", "constraint"),
)
_KIND_BY_KERAS_PART = {  # a Keras module path part -> the kind it implies
    "layers": "layer", "models": "model", "optimizers": "optimizer", "schedules": "schedule",
    "losses": "loss", "metrics": "metric", "initializers": "initializer",
    "regularizers": "regularizer", "constraints": "constraint",
}
_NUMNET_MODULES = ("numnet.saving.known_classes",)
"""The numnet module imported (by this fixed name) to fill the default registry: it lists,
in one place, every Keras class name a file may use (see ``known_classes.py``)."""

ALLOWED_MODULE_ROOTS = ("keras", "numnet")
"""A file's ``module`` must be one of these or start with one of them plus a dot."""

_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,199}$")
_BASE64ISH = re.compile(r"^[A-Za-z0-9+/=\s]{16,}$")
_CODE_KEYS = ("function", "code", "output_shape", "closure", "defaults")


def check_module(module, class_name=None, where=None):
    """Refuse a ``module`` string from a file unless it is a Keras or numnet module path.

    The string is never imported; this only rejects files that ask for anything else.

    Args:
        module: the ``module`` field (``None`` is accepted: legacy files omit it).
        class_name: the entry's class name, for the message; default ``None``.
        where: the entry's path in the configuration (e.g. ``'config.layers[1]'``), for the
            message; default ``None``.
    Raises:
        ModelFileError: not a string, not a dotted name, or outside ``keras`` / ``numnet``.
    """
    if module is None:
        return
    what = f" for {class_name!r}" if isinstance(class_name, str) else ""
    at = f" at {where}" if where else ""
    if not isinstance(module, str) or not _DOTTED.match(module) or len(module) > 200:
        raise ModelFileError(f"Refusing the model file: the module{what}{at} is {module!r}, "
                             "which is not a Keras module path.")
    root = module.split(".", 1)[0]
    if root not in ALLOWED_MODULE_ROOTS:
        hint = (" It names a plain Python function; numnet does not load custom functions "
                "from files - use a built-in name (e.g. 'relu') or rebuild the model in code."
                if module == "builtins" else "")
        raise ModelFileError(f"Refusing the model file: it asks{at} for {class_name or '?'!s} "
                             f"from module {module!r}. numnet only builds classes from Keras "
                             f"and numnet modules and never imports modules named in a "
                             f"file.{hint}")


def _kind_for(cls):
    """The kind of a numnet class, from the module it is defined in."""
    module = getattr(cls, "__module__", "") or ""
    for prefix, kind in _KIND_BY_MODULE:
        if module == prefix or module.startswith(prefix + "."):
            return kind
    raise TypeError(f"Cannot tell what kind of object {cls.__name__} (module {module!r}) is; "
                    f"pass kind= one of: {', '.join(KINDS)}.")


def _kind_from_module(module):
    """The kind a Keras module path implies (``'keras.losses'`` -> ``'loss'``), or None."""
    if not isinstance(module, str):
        return None
    kind = None
    for part in module.split("."):
        kind = _KIND_BY_KERAS_PART.get(part, kind)
    return kind


class Registry:
    """A closed mapping ``(kind, Keras class name) -> numnet class``.

    Args:
        modules: numnet module names imported (once, on the first lookup) so that their
            ``@register`` decorators run; default ``()``. These are fixed names from
            numnet's code, never names from a file.
    """

    def __init__(self, modules=()):
        self._classes = {kind: {} for kind in KINDS}
        self._modules = tuple(modules)
        self._populated = not self._modules

    def register(self, cls=None, *, name=None, kind=None, aliases=()):
        """Add a numnet class; usable as ``@register`` or ``@register(kind=..., ...)``.

        Args:
            cls: the class; omitted when used as ``@register(...)``.
            name: the Keras class name; default ``cls.__name__``.
            kind: one of ``KINDS``; default inferred from ``cls.__module__``
                (``numnet.layers...`` -> ``'layer'`` and so on).
            aliases: more names for the same class (e.g. Keras 2 spellings); default ``()``.
        Returns:
            ``cls`` unchanged (so it works as a decorator).
        Raises:
            ValueError: the name is already taken by a different class of the same kind.
        """
        if cls is None:
            return lambda c: self.register(c, name=name, kind=kind, aliases=aliases)
        kind = kind or _kind_for(cls)
        if kind not in self._classes:
            raise ValueError(f"Unknown registry kind {kind!r}. Choose one of: "
                             f"{', '.join(KINDS)}.")
        table = self._classes[kind]
        for key in (name or cls.__name__, *aliases):
            if table.get(key, cls) is not cls:
                raise ValueError(f"The {kind} name {key!r} is already registered for "
                                 f"{table[key].__module__}.{table[key].__qualname__}.")
            table[key] = cls
        return cls

    def _populate(self):
        """Import numnet's own modules once so that their classes are registered."""
        if self._populated:
            return
        self._populated = True
        for module_name in self._modules:
            try:
                importlib.import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name != module_name:  # a real import error inside the module
                    raise

    def names(self, kind=None):
        """Sorted registered names, of one kind or of all kinds.

        Args:
            kind: one of ``KINDS``, or ``None`` (default) for every kind.
        """
        self._populate()
        kinds = [kind] if kind else KINDS
        return sorted({n for k in kinds for n in self._classes.get(k, {})})

    def lookup(self, class_name, module=None, kind=None, registered_name=None):
        """Return the numnet class for a class name read from a file.

        Args:
            class_name: the file's ``class_name`` (e.g. ``'Dense'``).
            module: the file's ``module`` (e.g. ``'keras.layers'``) or ``None``; checked
                with :func:`check_module` and used to choose the kind when ``kind`` is None.
            kind: the kind expected at this place in the configuration (``'layer'`` for an
                entry of ``layers``...), or ``None`` to accept any kind; default ``None``.
            registered_name: the file's ``registered_name``; anything other than ``None``
                or ``class_name`` means a custom object and is refused; default ``None``.
        Returns:
            The registered class.
        Raises:
            ModelFileError: a refused module, a custom object, or a name that is not
                registered (the message lists what is supported).
        """
        check_module(module, class_name)
        if not isinstance(class_name, str) or not _IDENTIFIER.match(class_name):
            raise ModelFileError(f"Refusing the model file: {class_name!r} is not a class name "
                                 "numnet supports (class names are plain identifiers such as "
                                 f"'Dense'). Supported: {', '.join(self.names(kind))}.")
        if registered_name not in (None, class_name):
            raise ModelFileError(f"Cannot load {class_name!r}: the file says it is the custom "
                                 f"object {registered_name!r}. numnet only loads built-in "
                                 "classes; rebuild the model in code and load its weights.")
        self._populate()
        kinds = [kind] if kind else KINDS
        found = {k: self._classes[k][class_name] for k in kinds
                 if class_name in self._classes.get(k, {})}
        if len(found) > 1:
            hinted = _kind_from_module(module)
            if hinted in found:
                found = {hinted: found[hinted]}
        if len(found) == 1:
            return next(iter(found.values()))
        if found:
            raise ModelFileError(f"{class_name!r} is ambiguous here (it could be a "
                                 f"{' or a '.join(sorted(found))}); the file gives no module "
                                 "that decides.")
        supported = self.names(kind)
        close = difflib.get_close_matches(class_name, supported, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ModelFileError(f"Unknown {kind or 'class'} {class_name!r} in the model file"
                             f"{hint}. numnet supports: {', '.join(supported) or 'nothing yet'}.")


_DEFAULT = Registry(modules=_NUMNET_MODULES)


def register(cls=None, *, name=None, kind=None, aliases=()):
    """Register a numnet class in the default registry (see :meth:`Registry.register`)."""
    return _DEFAULT.register(cls, name=name, kind=kind, aliases=aliases)


def lookup(class_name, module=None, kind=None, registered_name=None):
    """Look a file's class name up in the default registry (see :meth:`Registry.lookup`)."""
    return _DEFAULT.lookup(class_name, module=module, kind=kind,
                           registered_name=registered_name)


def registered_names(kind=None):
    """Sorted names in the default registry, of one kind or all (``kind=None``)."""
    return _DEFAULT.names(kind)


def _refuse_code(path, what):
    """The error for Python code stored in a configuration."""
    return ModelFileError(f"Refusing the model file: {path} holds {what}. numnet never runs "
                          "code stored in a file. Replace the Lambda layer or custom function "
                          "with built-in layers and activations, or rebuild the model in code "
                          "and load only its weights.")


def _check_entry(entry, path):
    """Check one dict of a configuration (its own keys, not its children)."""
    if "function_type" in entry:
        raise _refuse_code(path, "a serialised Python function ('function_type')")
    for key in _CODE_KEYS:
        value = entry.get(key)
        if isinstance(value, str) and key != "function" and _BASE64ISH.match(value):
            raise _refuse_code(f"{path}.{key}", "what looks like encoded Python bytecode")
        if key == "function" and value is not None and not (
                isinstance(value, str) and _IDENTIFIER.match(value)):
            if not isinstance(value, dict):  # dict values are checked as entries themselves
                raise _refuse_code(f"{path}.function", "a serialised Python function")
    if "class_name" not in entry:
        return
    class_name = entry["class_name"]
    if class_name == "__lambda__":
        raise _refuse_code(path, "Python bytecode (a lambda function)")
    if class_name == "Lambda":
        raise _refuse_code(path, "a Lambda layer, whose function is stored as Python bytecode")
    if not isinstance(class_name, str):
        raise ModelFileError(f"Refusing the model file: {path}.class_name is "
                             f"{type(class_name).__name__}, expected a class name.")
    check_module(entry.get("module"), class_name, where=path)
    registered = entry.get("registered_name")
    if registered not in (None, class_name):
        raise ModelFileError(f"Cannot load {path} ({class_name!r}): the file says it is the "
                             f"custom object {registered!r}. numnet only loads built-in "
                             "classes; rebuild the model in code and load its weights.")


def check_config(config, where="config"):
    """Walk a whole configuration and refuse code, foreign modules and custom objects.

    Refused, anywhere in the tree: ``class_name`` ``'Lambda'`` or ``'__lambda__'``; a
    ``function_type`` key (Keras 2 lambdas); a ``function`` that is not a plain name; a
    ``code`` / ``closure`` / ``defaults`` / ``output_shape`` string that looks like
    base64 bytecode; a ``module`` outside Keras and numnet (``builtins`` for custom
    functions, ``os``, ``subprocess``...); a ``registered_name`` that differs from
    ``class_name`` (custom objects). Class names are not looked up here: the loader does
    that with :func:`lookup` for the kind it expects at each place.

    Args:
        config: the parsed configuration (dict, e.g. ``config.json``'s content or a legacy
            ``model_config`` / ``training_config``).
        where: the name of the root in messages; default ``'config'``.
    Returns:
        ``config`` unchanged.
    Raises:
        ModelFileError: at the first refused entry, naming its path
            (e.g. ``config.config.layers[1]``).
    """
    stack = [(config, where)]
    while stack:
        item, path = stack.pop()
        if isinstance(item, dict):
            _check_entry(item, path)
            for key, value in item.items():
                if isinstance(value, (dict, list)):
                    stack.append((value, f"{path}.{key}"))
        elif isinstance(item, list):
            for i, value in enumerate(item):
                if isinstance(value, (dict, list)):
                    stack.append((value, f"{path}[{i}]"))
    return config
