"""Keras 3 model configurations: numnet model -> config, and config -> numnet model.

Saving (:func:`keras_model_config`, :func:`legacy_model_config`, :func:`compile_config`,
:func:`legacy_training_config`) turns a numnet model into the dicts Keras 3 writes in
``config.json`` (``.keras``) or in the ``model_config`` / ``training_config`` attributes of a
legacy ``.h5``: layer entries with ``module`` / ``class_name`` / ``config``, dtypes as
``DTypePolicy`` objects, an ``InputLayer`` entry first in a ``Sequential``, and functional
layers in the order Keras itself would list them (:func:`layer_order`), because that order
names the groups of the weights file.

Loading (:func:`model_from_config`, :func:`compile_from_config`) rebuilds a model from such a
dict, read from an untrusted file. Every class is found through the closed registry
(``numnet/saving/known_classes.py``); constructor arguments are filtered against the numnet
class's signature (Keras-only keys such as ``quantization_config`` are dropped when they are
off, refused when they ask for something numnet does not do); every error becomes a
:class:`~numnet.saving.errors.ModelFileError` naming the layer. Weights are created through a
budget (:class:`WeightBudget`) that refuses, before allocating, a configuration whose weights
would exceed what the file holds or ``MAX_PARAMS``; they start as zeros (the file's values
replace them), so loading neither spends time on initializers nor draws from numnet's global
random generator.
"""
import collections
import functools
import inspect
import math
import numbers

import numpy as np

from numnet import config as numnet_config
from numnet.layers.input_layer import InputLayer
from numnet.layers.layer import Layer
from numnet.models.functional import Functional
from numnet.models.sequential import Sequential
from numnet.saving import registry
from numnet.saving.errors import ModelFileError

MAX_LAYERS = 10_000
"""Most layers accepted in one model configuration (course models have a few dozen)."""

MAX_PARAMS = 2 ** 31
"""Most weight scalars a loaded model may have (8 GiB of float32), whatever the file says."""

MAX_MESSAGE = 600
"""Longest excerpt of a numnet error quoted inside a ModelFileError."""

FLOAT_DTYPES = ("float16", "float32", "float64")

_ERRORS = (ValueError, TypeError, NotImplementedError, KeyError, IndexError, OverflowError,
           AttributeError, ZeroDivisionError, RecursionError)
"""What numnet constructors raise on bad arguments; turned into ModelFileError."""

_IGNORED_KEYS = {"autocast", "jit_compile", "is_legacy_optimizer", "lora_alpha",
                 "shared_object_id", "input_dtype"}
"""Keras configuration keys numnet drops whatever their value (they change nothing here)."""

_MUST_BE_OFF = {"sparse", "ragged", "quantization_config", "lora_rank", "renorm"}
"""Keras keys numnet drops only when off (None/False/0): it does not implement them."""


# ----------------------------------------------------------------------------------------------
# Small helpers
# ----------------------------------------------------------------------------------------------

def _short(exc):
    """An exception's message, cut to ``MAX_MESSAGE`` characters."""
    text = str(exc) or type(exc).__name__
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE] + "..."


def _refuse(where, message):
    return ModelFileError(f"Cannot load {where}: {message}")


def _is_off(value):
    return value is None or value is False or (
        isinstance(value, numbers.Number) and not isinstance(value, bool) and value == 0) or (
        isinstance(value, (list, dict)) and not value)


@functools.lru_cache(maxsize=None)
def _accepted_arguments(cls):
    """Names of the keyword arguments ``cls(...)`` accepts, following ``**kwargs`` upwards."""
    names = set()
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        params = inspect.signature(init).parameters.values()
        names |= {p.name for p in params if p.name != "self" and p.kind in (
            inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)}
        if klass is Layer or not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
            break
    return frozenset(names)


def filter_arguments(cls, config, what, extra=()):
    """Keep the keys of ``config`` that ``cls`` accepts; drop harmless Keras-only keys.

    Args:
        cls: the numnet class about to be created.
        config: the ``config`` dict from the file.
        what: description for messages, e.g. ``"'m.keras': layer 'dense' (Dense)"``.
        extra: further accepted names (e.g. legacy aliases handled by ``**kwargs``).
    Returns:
        A new dict.
    Raises:
        ModelFileError: a key numnet does not support with a value that is not "off".
    """
    accepted = _accepted_arguments(cls) | set(extra)
    kept = {}
    for key, value in config.items():
        if not isinstance(key, str):
            raise ModelFileError(f"Cannot load {what}: configuration key {key!r} is not a "
                                 "string.")
        if key in _MUST_BE_OFF:
            if not _is_off(value):
                raise ModelFileError(f"Cannot load {what}: {key}={_short(repr(value))} is not "
                                     "supported by numnet.")
            continue
        if key in accepted:
            kept[key] = value
        elif key in _IGNORED_KEYS or _is_off(value):
            continue
        else:
            raise ModelFileError(f"Cannot load {what}: numnet's {cls.__name__} has no argument "
                                 f"{key!r} (value {_short(repr(value))}). Supported arguments: "
                                 f"{', '.join(sorted(accepted))}.")
    return kept


def dtype_policy(name):
    """The Keras 3 ``DTypePolicy`` object for a dtype name (``'float32'``...)."""
    return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": name},
            "registered_name": None}


def dtype_name(value, what):
    """A dtype from a file (a name or a ``DTypePolicy`` object) -> ``'float32'`` etc.

    Raises:
        ModelFileError: anything but a float16/32/64 dtype or policy (mixed precision and
            quantized policies are refused).
    """
    if value is None:
        return None
    if isinstance(value, dict):
        registry.lookup(value.get("class_name"), value.get("module"), kind="dtype_policy",
                        registered_name=value.get("registered_name"))
        inner = value.get("config")
        value = inner.get("name") if isinstance(inner, dict) else None
    if isinstance(value, str) and value in FLOAT_DTYPES:
        return value
    raise ModelFileError(f"Cannot load {what}: dtype {_short(repr(value))} is not supported; "
                         f"numnet layers use {', '.join(FLOAT_DTYPES)} (no mixed precision or "
                         "quantized policies).")


def _shape(value, what, allow_none_batch=True):
    """A shape list from a file -> tuple of positive ints or None."""
    if not isinstance(value, (list, tuple)) or not 1 <= len(value) <= 64:
        raise ModelFileError(f"Cannot load {what}: the shape {_short(repr(value))} is not a "
                             "list of dimensions.")
    out = []
    for d in value:
        if d is None:
            out.append(None)
        elif isinstance(d, int) and not isinstance(d, bool) and 0 < d < 2 ** 62:
            out.append(d)
        else:
            raise ModelFileError(f"Cannot load {what}: the shape {_short(repr(value))} has a "
                                 "dimension that is not a positive integer or null.")
    return tuple(out)


# ----------------------------------------------------------------------------------------------
# Layer order (the order Keras lists a model's layers in, which names the weights file's groups)
# ----------------------------------------------------------------------------------------------

def _inbound(tensor):
    inbound = tensor.source[1]
    if inbound is None:
        return []
    return list(inbound) if isinstance(inbound, (list, tuple)) else [inbound]


def layer_order(model):
    """The model's layers in the order Keras 3 lists them (``keras_model.layers``).

    For a ``Sequential`` model this is ``model.layers``. For a functional model Keras sorts
    the layers by depth from the outputs, deepest first, and within one depth by the order a
    depth-first walk from the outputs first reached them (``keras/src/ops/function.py``,
    ``map_graph``); the same rule is applied here to numnet's graph. The weights file keys
    its groups by this order, so numnet saves and loads with it.

    Args:
        model: a numnet ``Sequential`` or functional ``Model``.
    Returns:
        ``list`` of layers (input layers included for functional models, as in Keras).
    """
    if not isinstance(model, Functional):
        return list(model.layers)
    inputs, outputs = list(model._inputs), list(model._outputs)
    input_ids = {id(t) for t in inputs}
    finished, nodes, op_index = set(), [], {}
    for output in outputs:  # depth-first, parents in argument order (Keras's _build_map)
        stack = [(output, False)]
        while stack:
            tensor, done = stack.pop()
            if done:
                finished.add(id(tensor))
                nodes.append(tensor)
                continue
            if id(tensor) in finished:
                continue
            layer, inbound = tensor.source
            if inbound is not None and id(tensor) in input_ids:
                finished.add(id(tensor))
                continue
            op_index.setdefault(id(layer), len(op_index))
            stack.append((tensor, True))
            for parent in reversed(_inbound(tensor)):
                if id(parent) not in finished:
                    stack.append((parent, False))
    in_graph = {id(t) for t in nodes}
    node_depth, op_depth, layers = {}, {}, {}
    for tensor in reversed(nodes):
        layer = tensor.source[0]
        layers[id(layer)] = layer
        depth = max(node_depth.setdefault(id(tensor), 0), op_depth.get(id(layer), 0))
        op_depth[id(layer)] = node_depth[id(tensor)] = depth
        for parent in _inbound(tensor):
            if id(parent) in in_graph:
                node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
    for tensor in inputs:  # inputs the outputs do not use
        layer = tensor.source[0]
        if id(layer) not in op_depth:
            layers[id(layer)] = layer
            op_depth[id(layer)], op_index[id(layer)] = 0, -1
    order = sorted(op_depth, key=lambda key: (-op_depth[key], op_index[key]))
    ordered = [layers[key] for key in order]
    seen = {id(layer) for layer in ordered}
    return ordered + [layer for layer in model.layers if id(layer) not in seen]


# ----------------------------------------------------------------------------------------------
# Saving: numnet model -> Keras config
# ----------------------------------------------------------------------------------------------

def keras_class_name(layer, what="layer"):
    """The Keras class name to write for a numnet object, checked against the registry.

    Raises:
        ValueError: the object's class is not one numnet can load back (a custom class).
    """
    name = type(layer).__name__
    kind = {"layer": "layer", "model": "model"}[what]
    try:
        cls = registry.lookup(name, kind=kind)
    except ModelFileError:
        cls = None
    if cls is not type(layer):
        raise ValueError(
            f"Cannot save {what} {getattr(layer, 'name', '')!r}: its class {name} is not one of "
            f"numnet's built-in {what}s ({', '.join(registry.registered_names(kind))}), so the "
            "file could not be loaded back. Save only the weights "
            "(model.save_weights('model.weights.h5')) and rebuild the model in code.")
    return name


def _first_layer_dtype(model):
    for layer in model.layers:
        return layer.dtype
    return numnet_config.floatx()


def _input_layer_config(batch_shape, dtype, name):
    return {"batch_shape": [None if d is None else int(d) for d in batch_shape],
            "dtype": dtype, "sparse": False, "ragged": False, "name": name, "optional": False}


def layer_config(layer):
    """A numnet layer's ``get_config()`` in the form Keras 3 writes (and accepts)."""
    if isinstance(layer, InputLayer):
        return _input_layer_config(layer.batch_shape, layer.dtype, layer.name)
    config = dict(layer.get_config())
    for key in ("batch_input_shape", "input_shape", "input_dim", "batch_size"):
        config.pop(key, None)
    config["dtype"] = dtype_policy(layer.dtype)
    return config


def _layer_entry(layer, legacy):
    entry = {"class_name": keras_class_name(layer), "config": layer_config(layer)}
    if legacy:
        return entry
    entry = {"module": "keras.layers", **entry, "registered_name": None}
    if layer.variables and layer.input_shape is not None:
        shape = layer.input_shape
        entry["build_config"] = {"input_shape": [list(s) for s in shape]
                                 if isinstance(shape, list) else list(shape)}
    return entry


def _history(tensor):
    return {"class_name": "__keras_tensor__",
            "config": {"shape": list(tensor.shape), "dtype": tensor.dtype,
                       "keras_history": [tensor.source[0].name, 0, 0]}}


def _sequential_config(model, legacy):
    layers = []
    shape = model.input_shape if model.built else None
    if shape is not None:
        entry = {"class_name": "InputLayer",
                 "config": _input_layer_config(shape, _first_layer_dtype(model), "input_layer")}
        layers.append(entry if legacy else {"module": "keras.layers", **entry,
                                            "registered_name": None})
    layers += [_layer_entry(layer, legacy) for layer in model.layers]
    config = {"name": model.name, "trainable": model.trainable,
              "dtype": dtype_policy(_first_layer_dtype(model)), "layers": layers}
    if shape is not None:
        config["build_input_shape"] = list(shape)
    return config


def _functional_config(model, legacy):
    calls = {}  # layer id -> the tensors its calls produced, in graph order
    for tensor in model._tensors:
        if tensor.source[1] is not None:
            calls.setdefault(id(tensor.source[0]), []).append(tensor)
    layers = []
    for layer in layer_order(model):
        entry = _layer_entry(layer, legacy)
        entry["name"] = layer.name
        nodes = []
        for tensor in calls.get(id(layer), []):
            inbound = tensor.source[1]
            arg = [_history(t) for t in inbound] if isinstance(inbound, (list, tuple)) \
                else _history(inbound)
            nodes.append({"args": [arg], "kwargs": {}})
        entry["inbound_nodes"] = nodes
        layers.append(entry)

    def refs(tensors, single):
        items = [[t.source[0].name, 0, 0] for t in tensors]
        return items[0] if single and len(items) == 1 else items

    return {"name": model.name, "trainable": model.trainable, "layers": layers,
            "input_layers": refs(model._inputs, getattr(model, "_single_input", True)),
            "output_layers": refs(model._outputs, getattr(model, "_single_output", True))}


def keras_model_config(model):
    """The ``config.json`` object of a ``.keras`` file for ``model`` (with compile_config).

    Raises:
        ValueError: the model contains a layer class numnet cannot load back.
    """
    if isinstance(model, Functional):
        config = {"module": "keras.src.models.functional", "class_name": "Functional",
                  "config": _functional_config(model, legacy=False),
                  "registered_name": "Functional", "build_config": {"input_shape": None}}
    elif isinstance(model, Sequential):
        config = {"module": "keras", "class_name": "Sequential",
                  "config": _sequential_config(model, legacy=False), "registered_name": None}
        if model.built and model.input_shape is not None:
            config["build_config"] = {"input_shape": list(model.input_shape)}
    else:
        keras_class_name(model, "model")  # raises: not a model numnet can load back
    config["compile_config"] = compile_config(model)
    return config


def legacy_model_config(model):
    """The ``model_config`` attribute of a legacy ``.h5`` file (Keras 3's legacy layout)."""
    if isinstance(model, Functional):
        return {"class_name": "Functional", "config": _functional_config(model, legacy=True)}
    if isinstance(model, Sequential):
        return {"class_name": "Sequential", "config": _sequential_config(model, legacy=True)}
    keras_class_name(model, "model")
    return None


def _function_entry(fn):
    return {"module": "builtins", "class_name": "function",
            "config": getattr(fn, "__name__", type(fn).__name__), "registered_name": "function"}


def _serialize_loss(loss):
    from numnet import losses

    if loss is None or isinstance(loss, str):
        return loss
    if isinstance(loss, dict):
        return {key: _serialize_loss(value) for key, value in loss.items()}
    if isinstance(loss, (list, tuple)):
        return [_serialize_loss(value) for value in loss]
    return losses.serialize(loss)


def _serialize_metric(metric):
    from numnet import metrics

    if isinstance(metric, str):
        return metric
    if isinstance(metric, metrics.Metric):
        return metrics.serialize(metric)
    if callable(metric):
        return _function_entry(metric)
    raise ValueError(f"Cannot save the metric {metric!r}.")


def _serialize_metrics(spec):
    """Metrics as given to compile: one, a list, or per-output lists / dicts."""
    if isinstance(spec, dict):
        return {key: _serialize_metrics(value) for key, value in spec.items()}
    if isinstance(spec, (list, tuple)):
        return [_serialize_metrics(value) for value in spec]
    return None if spec is None else _serialize_metric(spec)


def _optimizer_entry(optimizer, legacy):
    name = type(optimizer).__name__
    try:
        known = registry.lookup(name, kind="optimizer") is type(optimizer)
    except ModelFileError:
        known = False
    if not known:
        names = ", ".join(registry.registered_names("optimizer"))
        raise ValueError(f"Cannot save the optimizer {optimizer!r}: {name} is not one of "
                         f"numnet's optimizers ({names}), so the file could not be loaded back. "
                         "Compile with a built-in optimizer, or save only the weights.")
    if legacy:
        return {"class_name": name, "config": optimizer.get_config()}
    return {"module": "keras.optimizers", "class_name": name, "config": optimizer.get_config(),
            "registered_name": None}


def compile_config(model):
    """The ``compile_config`` Keras 3 stores: ``{}`` for a model that was never compiled."""
    if not getattr(model, "compiled", False) or model.optimizer is None:
        return {}
    spec = getattr(model, "_metric_spec", None)
    return {"optimizer": _optimizer_entry(model.optimizer, legacy=False),
            "loss": _serialize_loss(model.loss),
            "loss_weights": getattr(model, "_loss_weights", None),
            "metrics": _serialize_metrics(spec) if spec else None,
            "weighted_metrics": None, "run_eagerly": False, "steps_per_execution": 1,
            "jit_compile": False}


def _legacy_item(value):
    """Keras's legacy form of a loss or metric: a function by its name, an object as
    ``{"class_name", "config"}`` (what Keras 3 writes in ``training_config``)."""
    if _is_builtin_function(value):
        return value["config"]
    if isinstance(value, dict) and "class_name" in value:
        return {"class_name": value["class_name"], "config": value.get("config")}
    if isinstance(value, dict):
        return {key: _legacy_item(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_legacy_item(item) for item in value]
    return value


def legacy_training_config(model):
    """The ``training_config`` attribute of a legacy ``.h5`` (None when not compiled)."""
    config = compile_config(model)
    if not config:
        return None
    config.pop("optimizer")
    for key in ("loss", "metrics"):
        config[key] = _legacy_item(config[key])
    config["optimizer_config"] = _optimizer_entry(model.optimizer, legacy=True)
    return config


# ----------------------------------------------------------------------------------------------
# Loading: Keras config -> numnet model
# ----------------------------------------------------------------------------------------------

class WeightBudget:
    """Creates a model's weights under a size limit, as zeros, while a model is rebuilt.

    :meth:`guard` replaces ``layer.add_weight`` on one layer (an instance attribute, removed by
    :meth:`release`) with a version that first adds the weight's size to a running total and
    refuses with ``ModelFileError`` once the total passes ``limit`` - before any memory is
    allocated - and then creates the weight filled with zeros (the file's values overwrite it).

    Args:
        limit: most scalars all weights together may have.
        where: the file's description for messages.
        reason: why the limit is what it is, for the message.
    """

    def __init__(self, limit, where, reason):
        self.limit, self.where, self.reason = int(limit), where, reason
        self.used = 0
        self._guarded = []

    def guard(self, layer):
        real = layer.add_weight

        def add_weight(name, shape, initializer="glorot_uniform", regularizer=None,
                       trainable=True, dtype=None):
            try:
                dims = tuple(int(d) for d in shape)
            except (TypeError, ValueError, OverflowError):
                raise ModelFileError(f"Cannot load {self.where}: layer {layer.name!r} asks for "
                                     f"a weight of shape {_short(repr(shape))}.") from None
            if any(d < 0 for d in dims):
                raise ModelFileError(f"Cannot load {self.where}: layer {layer.name!r} asks for "
                                     f"a weight of negative shape {dims}.")
            self.used += math.prod(dims)
            if self.used > self.limit:
                raise ModelFileError(
                    f"Refusing {self.where}: its configuration asks for at least "
                    f"{self.used:,} weight values (layer {layer.name!r}, {name!r} of shape "
                    f"{dims}), more than {self.reason} ({self.limit:,}). The configuration "
                    "does not match its weights (a damaged or hostile file).")
            return real(name, dims, "zeros", regularizer, trainable, dtype)

        layer.add_weight = add_weight
        self._guarded.append(layer)

    def release(self):
        for layer in self._guarded:
            layer.__dict__.pop("add_weight", None)
        self._guarded = []


def _entry_parts(entry, what):
    """Check a ``{"class_name", "config", "module", "registered_name"}`` entry."""
    if not isinstance(entry, dict):
        raise ModelFileError(f"Cannot load {what}: expected an object with 'class_name' and "
                             f"'config', found {type(entry).__name__}.")
    config = entry.get("config", {})
    if config is None:
        config = {}
    if not isinstance(config, dict):
        raise ModelFileError(f"Cannot load {what}: its 'config' should be an object, found "
                             f"{type(config).__name__}.")
    return entry.get("class_name"), entry.get("module"), entry.get("registered_name"), config


def _make_layer(entry, what):
    """Create (not build) a numnet layer from one layer entry of a configuration.

    Returns:
        ``(layer, batch_input_shape or None)``.
    """
    class_name, module, registered, config = _entry_parts(entry, what)
    cls = registry.lookup(class_name, module, kind="layer", registered_name=registered)
    name = config.get("name")
    what = f"{what} ({class_name} {name!r})" if isinstance(name, str) else f"{what} ({class_name})"
    config = dict(config)
    batch_shape = None
    if cls is InputLayer:
        shape = config.pop("batch_shape", None)
        legacy_shape = config.pop("batch_input_shape", None)
        shape = shape if shape is not None else legacy_shape
        if shape is None and config.get("shape") is not None:
            shape = [config.pop("batch_size", None)] + list(_shape(config.pop("shape"), what))
        if shape is None:
            raise _refuse(what, "the input layer has no 'batch_shape'.")
        config["batch_shape"] = list(_shape(shape, what))
        config.pop("shape", None)
        config.pop("batch_size", None)
    else:
        shape = config.pop("batch_input_shape", None)
        if shape is not None:
            batch_shape = _shape(shape, what)
        elif config.get("input_shape") is not None:
            batch_shape = (None,) + _shape(config["input_shape"], what)
        elif config.get("input_dim") is not None:
            batch_shape = (None,) + _shape([config["input_dim"]], what)
        for key in ("input_shape", "input_dim", "batch_size"):
            config.pop(key, None)
    if "dtype" in config:
        config["dtype"] = dtype_name(config["dtype"], what)
    args = filter_arguments(cls, config, what)
    try:
        layer = cls.from_config(args)
    except ModelFileError:
        raise
    except _ERRORS as exc:
        raise _refuse(what, _short(exc)) from None
    return layer, batch_shape


def _layers_list(config, what):
    layers = config.get("layers")
    if not isinstance(layers, list):
        raise _refuse(what, "the model configuration has no 'layers' list.")
    if len(layers) > MAX_LAYERS:
        raise ModelFileError(f"Refusing {what}: it lists {len(layers):,} layers, more than the "
                             f"{MAX_LAYERS:,} numnet accepts.")
    return layers


def _model_name(config, what):
    name = config.get("name")
    if name is not None and not isinstance(name, str):
        raise _refuse(what, f"the model name {_short(repr(name))} is not a string.")
    trainable = config.get("trainable", True)
    if not isinstance(trainable, bool):
        raise _refuse(what, f"'trainable' is {_short(repr(trainable))}, not true/false.")
    return name, trainable


def _build_sequential(top, config, what, budget):
    name, trainable = _model_name(config, what)
    entries = _layers_list(config, what)
    layers, named, batch_shape = [], [], None
    for i, entry in enumerate(entries):
        layer, shape = _make_layer(entry, f"{what}, layers[{i}]")
        if isinstance(layer, InputLayer):
            if layers or batch_shape is not None:
                raise _refuse(what, f"layers[{i}] is an InputLayer after other layers.")
            batch_shape = layer.batch_shape
            continue
        if shape is not None and not layers and batch_shape is None:
            batch_shape = shape
        layers.append(layer)
        named.append(entry)
    if batch_shape is None:
        for candidate in (config.get("build_input_shape"),
                          (top.get("build_config") or {}).get("input_shape")
                          if isinstance(top.get("build_config"), dict) else None):
            if candidate is not None:
                batch_shape = _shape(candidate, what)
                break
    try:
        model = Sequential(name=name, trainable=trainable)
        for layer in layers:
            model.add(layer)
        if batch_shape is not None and layers:
            for layer in layers:
                budget.guard(layer)
            model.build(batch_shape)
    except ModelFileError:
        raise
    except _ERRORS as exc:
        raise _refuse(what, _short(exc)) from None
    finally:
        budget.release()
    return model, layers


def _history_ref(value, what):
    """``__keras_tensor__`` dict or legacy ``[name, node, tensor, kwargs]`` -> (name, node)."""
    if isinstance(value, dict):
        if value.get("class_name") != "__keras_tensor__" or not isinstance(
                value.get("config"), dict):
            raise _refuse(what, "an inbound node argument is not a Keras tensor reference.")
        value = value["config"].get("keras_history")
    if not isinstance(value, list) or len(value) not in (3, 4):
        raise _refuse(what, f"the tensor reference {_short(repr(value))} should be "
                            "[layer name, node index, tensor index].")
    name, node, index = value[:3]
    if not isinstance(name, str) or not all(isinstance(v, int) and not isinstance(v, bool)
                                            for v in (node, index)):
        raise _refuse(what, f"the tensor reference {_short(repr(value))} is malformed.")
    if node != 0 or index != 0:
        raise _refuse(what, f"the tensor reference {value[:3]!r} uses a shared layer or a layer "
                            "with several outputs, which numnet does not support.")
    return name


def _node_inputs(node, what):
    """One inbound node -> a layer name or a list of layer names (the call's argument)."""
    if isinstance(node, dict):  # Keras 3: {"args": [x], "kwargs": {...}}
        args, kwargs = node.get("args"), node.get("kwargs", {})
        if not isinstance(args, list) or len(args) != 1:
            raise _refuse(what, "numnet layers take exactly one input argument (a tensor or a "
                                "list of tensors).")
        if kwargs is None:
            kwargs = {}
        if not isinstance(kwargs, dict) or any(
                v is not None and not isinstance(v, bool) for v in kwargs.values()):
            raise _refuse(what, f"the call arguments {_short(repr(kwargs))} are not supported.")
        arg = args[0]
        if isinstance(arg, list):
            return [_history_ref(item, what) for item in arg]
        return _history_ref(arg, what)
    if isinstance(node, list) and node:  # Keras 2: [[name, node, tensor, kwargs], ...]
        names = [_history_ref(item, what) for item in node]
        return names[0] if len(names) == 1 else names
    raise _refuse(what, "an inbound node is malformed.")


def _io_refs(value, what, label):
    """``input_layers`` / ``output_layers`` -> (list of layer names, single?)."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list) and value and isinstance(value[0], str):
        return [_history_ref(value, what)], True
    if not isinstance(value, list) or not value:
        raise _refuse(what, f"'{label}' is missing or malformed.")
    names = [_history_ref(item, what) for item in value]
    return names, len(names) == 1


def _build_functional(top, config, what, budget):
    name, trainable = _model_name(config, what)
    entries = _layers_list(config, what)
    created, order, nodes = {}, [], {}
    for i, entry in enumerate(entries):
        where = f"{what}, layers[{i}]"
        layer, _ = _make_layer(entry, where)
        if layer.name in created:
            raise _refuse(where, f"two layers are named {layer.name!r}.")
        if isinstance(entry.get("name"), str) and entry["name"] != layer.name:
            raise _refuse(where, f"the entry name {entry['name']!r} differs from the layer's "
                                 f"configured name {layer.name!r}.")
        created[layer.name] = layer
        order.append(layer)
        inbound = entry.get("inbound_nodes", [])
        if not isinstance(inbound, list):
            raise _refuse(where, "'inbound_nodes' should be a list.")
        if isinstance(layer, InputLayer):
            continue
        if len(inbound) != 1:
            raise _refuse(where, f"the layer is called {len(inbound)} times; numnet supports "
                                 "layers called exactly once (no shared layers).")
        nodes[layer.name] = _node_inputs(inbound[0], where)
    tensors = {n: l.output for n, l in created.items() if isinstance(l, InputLayer)}
    try:
        for layer in order:
            budget.guard(layer)
        # Call each layer once all its inputs exist (Kahn's algorithm: linear time).
        waiting, missing = {}, {}
        ready = collections.deque()
        for layer in order:
            if layer.name not in nodes:
                continue
            refs = nodes[layer.name]
            needs = {refs} if isinstance(refs, str) else set(refs)
            unknown = [n for n in needs if n not in created]
            if unknown:
                raise _refuse(what, f"layer {layer.name!r} takes its input from "
                                    f"{unknown[0]!r}, which is not a layer of the model.")
            pending = {n for n in needs if n not in tensors}
            if pending:
                missing[layer.name] = pending
                for n in pending:
                    waiting.setdefault(n, []).append(layer.name)
            else:
                ready.append(layer.name)
        while ready:
            current = ready.popleft()
            refs = nodes[current]
            arg = tensors[refs] if isinstance(refs, str) else [tensors[n] for n in refs]
            tensors[current] = created[current](arg)
            for follower in waiting.pop(current, []):
                missing[follower].discard(current)
                if not missing[follower]:
                    del missing[follower]
                    ready.append(follower)
        if missing:
            stuck = next(iter(missing))
            raise _refuse(what, f"layer {stuck!r} depends on {sorted(missing[stuck])}, which "
                                "can never be computed (a cycle in the graph).")
        input_names, single_in = _io_refs(config.get("input_layers"), what, "input_layers")
        output_names, single_out = _io_refs(config.get("output_layers"), what, "output_layers")
        for n in input_names:
            if not isinstance(created.get(n), InputLayer):
                raise _refuse(what, f"the model input {n!r} is not an InputLayer.")
        for n in output_names:
            if n not in tensors:
                raise _refuse(what, f"the model output {n!r} is not a layer of the model.")
        inputs = [tensors[n] for n in input_names]
        outputs = [tensors[n] for n in output_names]
        model = Functional(inputs[0] if single_in else inputs,
                           outputs[0] if single_out else outputs, name=name,
                           trainable=trainable)
    except ModelFileError:
        raise
    except _ERRORS as exc:
        raise _refuse(what, _short(exc)) from None
    finally:
        budget.release()
    kept = {id(layer) for layer in model.layers}
    return model, [layer for layer in order if id(layer) in kept]


def model_from_config(config, where, budget):
    """Rebuild a numnet model (built, weights zero) from a Keras model configuration.

    Args:
        config: ``config.json``'s object or a legacy ``model_config`` (already checked with
            ``registry.check_config``).
        where: the file's description for messages.
        budget: a :class:`WeightBudget` bounding the weights created.
    Returns:
        ``(model, layers)``: ``layers`` lists the model's layers in the configuration's order
        (the order Keras used to name the weights file's groups; a Sequential's input layer
        left out).
    Raises:
        ModelFileError: any problem, naming the layer.
    """
    class_name, module, registered, inner = _entry_parts(config, f"{where} (model)")
    cls = registry.lookup(class_name, module, kind="model", registered_name=registered)
    if cls is Sequential:
        return _build_sequential(config, inner, where, budget)
    return _build_functional(config, inner, where, budget)


# ----------------------------------------------------------------------------------------------
# Loading: compile configuration
# ----------------------------------------------------------------------------------------------

def _is_builtin_function(entry):
    return (isinstance(entry, dict) and entry.get("module") == "builtins"
            and entry.get("class_name") == "function"
            and entry.get("registered_name") in ("function", None)
            and isinstance(entry.get("config"), str))


def functions_to_names(compile_cfg):
    """Replace Keras's ``{"module": "builtins", "class_name": "function", "config": "mse"}``
    entries for losses and metrics by the plain name (``"mse"``).

    Keras 3 stores a loss or metric passed as a function (``keras.losses.mean_squared_error``)
    that way. Only the name is kept; it is looked up in numnet's closed tables of losses and
    metrics like any string, so a custom function is still refused. Returns a new dict.
    """
    if not isinstance(compile_cfg, dict):
        return compile_cfg

    def convert(value, depth=0):
        if _is_builtin_function(value):
            return value["config"]
        if depth < 4 and isinstance(value, list):
            return [convert(v, depth + 1) for v in value]
        if depth < 4 and isinstance(value, dict) and "class_name" not in value:
            return {k: convert(v, depth + 1) for k, v in value.items()}
        return value

    out = dict(compile_cfg)
    for key in ("loss", "metrics", "weighted_metrics"):
        if key in out:
            out[key] = convert(out[key])
    return out


def _make_object(entry, kind, what, extra=()):
    """Create a loss / metric / optimizer object from a ``{"class_name", "config"}`` entry."""
    class_name, module, registered, config = _entry_parts(entry, what)
    if kind == "optimizer" and isinstance(class_name, str) and class_name.startswith("Custom>"):
        class_name = class_name[len("Custom>"):]  # TF 2.11-2.15 .h5 files: 'Custom>Adam'
    cls = registry.lookup(class_name, module, kind=kind, registered_name=registered)
    config = dict(config)
    if kind == "optimizer" and isinstance(config.get("learning_rate"), dict):
        schedule = config["learning_rate"]
        s_name, s_module, s_registered, s_config = _entry_parts(schedule, what)
        s_cls = registry.lookup(s_name, s_module, kind="schedule", registered_name=s_registered)
        try:
            config["learning_rate"] = s_cls.from_config(
                filter_arguments(s_cls, s_config, f"{what} ({s_name})"))
        except ModelFileError:
            raise
        except _ERRORS as exc:
            raise _refuse(f"{what} ({s_name})", _short(exc)) from None
    if "dtype" in config and kind in ("loss", "metric") and isinstance(config["dtype"], dict):
        config["dtype"] = dtype_name(config["dtype"], what)
    args = filter_arguments(cls, config, f"{what} ({class_name})", extra=extra)
    try:
        return cls.from_config(args)
    except ModelFileError:
        raise
    except _ERRORS as exc:
        raise _refuse(f"{what} ({class_name})", _short(exc)) from None


def _loss_from(value, what):
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, dict) and "class_name" in value:
        return _make_object(value, "loss", what, extra=("fn",))
    if isinstance(value, list) and 0 < len(value) <= 64:
        return [_loss_from(item, what) for item in value]  # one loss per output
    if isinstance(value, dict) and 0 < len(value) <= 64 and all(
            isinstance(key, str) for key in value):
        return {key: _loss_from(item, what) for key, item in value.items()}
    raise _refuse(what, f"the loss {_short(repr(value))} is not supported.")


def _metrics_from(value, what, depth=0):
    """Metrics as written in the file, keeping their structure (a list, or per-output lists
    or dicts for a model with several outputs)."""
    if value is None:
        return [] if depth == 0 else None
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "class_name" in value:
        return _make_object(value, "metric", what, extra=("fn",))
    if isinstance(value, list) and depth < 3:
        return [_metrics_from(v, what, depth + 1) for v in value]
    if isinstance(value, dict) and depth < 3:
        return {str(k): _metrics_from(v, what, depth + 1) for k, v in value.items()}
    raise _refuse(what, f"the metric {_short(repr(value))} is not supported.")


def _loss_weights_from(value, what):
    numbers = value.values() if isinstance(value, dict) else value if isinstance(
        value, list) else None
    if value is None:
        return None
    if numbers is None or not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                  for v in numbers):
        raise _refuse(what, f"the loss weights {_short(repr(value))} are not numbers.")
    return value


def compile_from_config(model, compile_cfg, where, legacy=False):
    """Compile ``model`` from a ``compile_config`` (or a legacy ``training_config``).

    Args:
        model: the rebuilt numnet model.
        compile_cfg: the dict from the file (``{}`` / None: nothing to do).
        where: the file's description for messages.
        legacy: True for a legacy ``training_config`` (``optimizer_config`` key).
    Returns:
        True when the model was compiled.
    Raises:
        ModelFileError: an unknown or unsupported optimizer, loss or metric.
    """
    if not compile_cfg:
        return False
    if not isinstance(compile_cfg, dict):
        raise _refuse(where, "the compile configuration is not an object.")
    what = f"{where} (compile configuration)"
    optimizer = compile_cfg.get("optimizer_config" if legacy else "optimizer")
    if optimizer is None and legacy:
        optimizer = compile_cfg.get("optimizer")
    if isinstance(optimizer, str):
        from numnet import optimizers

        try:
            optimizer = optimizers.get(optimizer)
        except _ERRORS as exc:
            raise _refuse(what, _short(exc)) from None
    elif isinstance(optimizer, dict):
        optimizer = _make_object(optimizer, "optimizer", f"{what}, optimizer",
                                 extra=("lr", "decay"))
    else:
        raise _refuse(what, f"the optimizer {_short(repr(optimizer))} is not supported.")
    loss = _loss_from(compile_cfg.get("loss"), f"{what}, loss")
    metrics = _metrics_from(compile_cfg.get("metrics"), f"{what}, metrics")
    loss_weights = _loss_weights_from(compile_cfg.get("loss_weights"), f"{what}, loss weights")
    try:
        model.compile(optimizer=optimizer, loss=loss, metrics=metrics or None,
                      loss_weights=loss_weights)
    except ModelFileError:
        raise
    except _ERRORS as exc:
        raise _refuse(what, _short(exc)) from None
    return True


def count_values(arrays):
    """Total number of scalars in an iterable of arrays."""
    return int(sum(np.asarray(a).size for a in arrays))
