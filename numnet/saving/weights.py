"""A model's weights and optimizer state <-> the arrays of a Keras weights file.

Keras 3 files (``.weights.h5``, ``model.weights.h5`` inside ``.keras``) key each layer's
arrays by the layer's class and position (``layers/dense_1/vars/0``), in the order of
:func:`numnet.saving.model_config.layer_order`; legacy ``.h5`` files list them by layer name
and are matched, as Keras does, by order among the layers that have weights.

Loading is two-phase: the ``plan_*`` functions check every array (presence, count, shape,
numeric dtype) and return the assignments, raising one ``ModelFileError`` that names each
mismatching layer with the expected and found shapes; only then does :func:`assign` copy
anything. A failed load therefore leaves the model's weights unchanged.

numnet's optimizers keep their state as one flat array per slot, over the model's flat
buffer of trainable weights; :func:`optimizer_layout` locates each trainable weight in that
buffer, in Keras's order, so the optimizer can export and import its state one array per
weight (``Optimizer.split_variables`` / ``set_weights(values, layout)``), as Keras files
store it.
"""
import warnings

import numpy as np

from numnet.saving.errors import ModelFileError
from numnet.saving.model_config import layer_order
from numnet.saving.safe_h5 import LayerWeights, keras3_layer_keys, legacy_weight_name

MAX_PROBLEMS = 6
"""Most mismatches spelled out in one error message."""


def layer_variables(layer):
    """A layer's variables in the order Keras stores them: trainable ones, then the others.

    (Keras: ``layer._trainable_variables + layer._non_trainable_variables``, each in creation
    order; e.g. BatchNormalization: gamma, beta, moving_mean, moving_variance.)
    """
    variables = list(layer.variables)
    return [v for v in variables if v.trainable] + [v for v in variables if not v.trainable]


def _is_input_layer(layer):
    return type(layer).__name__ == "InputLayer"


# ----------------------------------------------------------------------------------------------
# Saving
# ----------------------------------------------------------------------------------------------

def keras3_layers(model):
    """``LayerWeights`` for every layer, in Keras order, for ``write_weight_tree``."""
    return [LayerWeights(type(layer).__name__, layer.name,
                         [v.numpy() for v in layer_variables(layer)])
            for layer in layer_order(model)]


def _check_h5_name(name, what):
    if not isinstance(name, str) or not name or "/" in name or name in (".", "..") \
            or "\x00" in name:
        raise ValueError(f"Cannot save {what} {name!r} in an HDF5 file: the name must be "
                         "non-empty and contain no '/'. Rename it (e.g. name='dense_2').")


def _variable_path(model, layer, variable):
    """Keras's variable path: ``model/layer/var`` in a Sequential, ``layer/var`` otherwise."""
    if type(model).__name__ == "Sequential":
        return legacy_weight_name(model.name, layer.name, variable.name)
    return f"{layer.name}/{variable.name}"


def legacy_layers(model):
    """``LayerWeights`` with Keras 3's legacy weight names, for ``write_legacy_h5``.

    A Sequential's input layer is left out (as Keras does); a functional model's are kept.
    """
    out = []
    for layer in layer_order(model):
        _check_h5_name(layer.name, "the layer")
        variables = [(_variable_path(model, layer, v), v.numpy())
                     for v in layer_variables(layer)]
        for path, _ in variables:
            if any(part in ("", ".", "..") for part in path.split("/")):
                raise ValueError(f"Cannot save the weight {path!r} in an HDF5 file: its path "
                                 "has an empty, '.' or '..' part; rename the model or layer.")
        out.append(LayerWeights(type(layer).__name__, layer.name, variables))
    return out


# ----------------------------------------------------------------------------------------------
# Optimizer state
# ----------------------------------------------------------------------------------------------

def _forget_stale_slots(optimizer):
    """Clear slot lists left over from an earlier ``build`` before building again.

    ``Trainer._prepare_training`` marks an optimizer unbuilt when the set of trainable weights
    changes; ``Optimizer.build`` then appends new slot groups to the old ones. Starting from
    empty lists keeps ``variables`` in Keras's order and length.
    """
    if not optimizer.built and getattr(optimizer, "_slot_groups", None):
        optimizer._slot_groups = []
        optimizer._slots = {}
        optimizer._scalars = {}


def optimizer_layout(model):
    """Pack the model's trainable weights and build its optimizer on the flat buffer.

    Returns:
        ``(optimizer, layout)``: ``layout`` lists ``(start, stop, shape)`` for each trainable
        weight, in the order Keras lists trainable variables (layer order, then each layer's
        trainable variables in creation order), locating it in ``model._flat_params``.
    """
    optimizer = model.optimizer
    changed = model._pack_weights()
    if changed and optimizer.built:
        optimizer.built = False  # the same rule as fit(): a new weight layout, fresh state
    segments = {id(v): seg for v, seg in zip(model.trainable_weights, model._segments)}
    ordered = [v for layer in layer_order(model) for v in layer.trainable_weights] \
        if model.trainable else []
    if len(ordered) != len(segments) or any(id(v) not in segments for v in ordered):
        ordered = model.trainable_weights
    layout = [(segments[id(v)][0], segments[id(v)][1], v.shape) for v in ordered]
    if not optimizer.built:
        _forget_stale_slots(optimizer)
        optimizer.build([model._flat_params])
    return optimizer, layout


def _head_length(optimizer):
    """Entries before the slots in ``variables``: iteration (+ learning_rate if a number)."""
    return optimizer._head_length() if hasattr(optimizer, "_head_length") else 2


def optimizer_arrays(model):
    """The optimizer's state as Keras stores it (copies), or None (not compiled / not built).

    ``[iteration, learning_rate, slot arrays per weight ...]``; the optimizer is built (zero
    state) if it has not taken a step yet, so that Keras finds every variable it expects.
    """
    if not getattr(model, "compiled", False) or model.optimizer is None or not model.built:
        return None
    optimizer, layout = optimizer_layout(model)
    return [np.array(a) for a in optimizer.split_variables(layout)]


def optimizer_slot_names(model, count):
    """Names for the legacy ``optimizer_weights`` group, like Keras's
    (``adam/iteration``, ``adam/learning_rate``, ``adam/sequential_dense_kernel_momentum``...)."""
    optimizer = model.optimizer
    prefix = optimizer.name
    names = [f"{prefix}/iteration"]
    if _head_length(optimizer) == 2:
        names.append(f"{prefix}/learning_rate")
    ordered = [(layer, v) for layer in layer_order(model) for v in layer.trainable_weights] \
        if model.trainable else []
    paths = [_variable_path(model, layer, v).replace("/", "_") for layer, v in ordered]
    for slots, _ in getattr(optimizer, "_slot_groups", []):
        for path in paths:
            names.extend(f"{prefix}/{path}_{slot}" for slot in slots)
    while len(names) < count:  # state that is not per weight (e.g. Nadam's u_product)
        names.append(f"{prefix}/variable_{len(names)}")
    names = names[:count]
    if len(set(names)) != len(names):
        names = [f"{prefix}/variable_{i}" for i in range(count)]
    return names


def plan_optimizer(model, values, where):
    """Check saved optimizer state against the model's optimizer; return its assignment.

    Args:
        model: the model (its optimizer is built on the flat weight buffer if needed).
        values: the saved arrays, Keras order (``optimizer/vars`` or ``optimizer_weights``).
        where: the file's description for messages.
    Returns:
        A function with no arguments that loads the state, or None when there is nothing to
        load: the model is not compiled, or the saved state has a different number of arrays
        (another optimizer; skipped with a warning, as Keras does).
    Raises:
        ModelFileError: same number of arrays but wrong shapes or values (a damaged file).
    """
    if not getattr(model, "compiled", False) or model.optimizer is None or not model.built:
        return None
    values = list(values)
    optimizer, layout = optimizer_layout(model)
    current = optimizer.split_variables(layout)
    if len(values) != len(current):
        warnings.warn(f"Skipping variable loading for optimizer '{optimizer.name}', because it "
                      f"has {len(current)} variables whereas the saved optimizer has "
                      f"{len(values)} variables.", stacklevel=4)
        return None
    head = _head_length(optimizer)
    for i, (value, target) in enumerate(zip(values, current)):
        if not isinstance(value, np.ndarray) or value.dtype.kind not in "fiu":
            raise ModelFileError(f"Cannot load the optimizer state from {where}: array {i} is "
                                 f"{getattr(value, 'dtype', type(value).__name__)}, expected "
                                 "numbers.")
        if value.shape != target.shape:
            raise ModelFileError(f"Cannot load the optimizer state from {where}: array {i} has "
                                 f"shape {value.shape}, expected {target.shape}.")
    iteration = float(values[0])
    if not (np.isfinite(iteration) and iteration >= 0 and iteration == int(iteration)
            and iteration < 2 ** 62):
        raise ModelFileError(f"Cannot load the optimizer state from {where}: the iteration "
                             f"count {values[0]!r} is not a non-negative integer.")
    values[0] = np.array(int(iteration), dtype=np.int64)
    if head == 2:
        rate = float(values[1])
        if not (np.isfinite(rate) and rate >= 0):
            raise ModelFileError(f"Cannot load the optimizer state from {where}: the learning "
                                 f"rate {rate!r} is not a finite number >= 0.")

    def load():
        previous = optimizer.learning_rate if head == 2 else None
        optimizer.set_weights(values, layout=layout)
        # Files store the rate as float32; keep the exact float when it is the same rate.
        if head == 2 and np.float32(previous) == np.float32(values[1]):
            optimizer.learning_rate = previous

    return load


# ----------------------------------------------------------------------------------------------
# Layer weights
# ----------------------------------------------------------------------------------------------

def _shapes(items):
    return [tuple(getattr(a, "shape", ())) for a in items]


def _describe(layer, source=None):
    text = f"layer {layer.name!r} ({type(layer).__name__}"
    return text + (f", file {source})" if source else ")")


def _compare(layer, variables, arrays, source):
    """One problem string, or None when ``arrays`` fit ``variables``."""
    bad_type = [i for i, a in enumerate(arrays)
                if not isinstance(a, np.ndarray) or a.dtype.kind not in "fiu"]
    if bad_type:
        i = bad_type[0]
        kind = getattr(arrays[i], "dtype", type(arrays[i]).__name__)
        return f"{_describe(layer, source)}: array {i} holds {kind}, expected numbers"
    if len(arrays) != len(variables) or any(
            a.shape != v.shape for a, v in zip(arrays, variables)):
        return (f"{_describe(layer, source)} expects {len(variables)} arrays of shapes "
                f"{_shapes(variables)}, found {len(arrays)} of shapes {_shapes(arrays)}")
    return None


def _finish(plan, problems, model, where, skip_mismatch):
    if problems and not skip_mismatch:
        more = len(problems) - MAX_PROBLEMS
        text = "; ".join(problems[:MAX_PROBLEMS]) + (f"; and {more} more" if more > 0 else "")
        raise ModelFileError(f"Cannot load the weights of {where} into model "
                             f"{model.name!r}: the architectures differ. {text}. Nothing was "
                             "loaded.")
    for problem in problems:
        warnings.warn(f"Skipping loading weights ({problem}).", stacklevel=4)
    return plan


def plan_keras3(model, tree, where, layers=None, skip_mismatch=False, objects_to_skip=()):
    """Match a Keras 3 weights tree (``read_weight_tree``) to the model's layers.

    Args:
        model: the model.
        tree: the dict from ``safe_h5.read_weight_tree``.
        where: the file's description for messages.
        layers: the layers in the order that keys the file (default: ``layer_order(model)``).
        skip_mismatch: warn about and skip mismatching layers instead of raising.
        objects_to_skip: layers not to load.
    Returns:
        list of ``(variable, array)``.
    Raises:
        ModelFileError: mismatching layers (all listed), unless ``skip_mismatch``.
    """
    layers = layer_order(model) if layers is None else list(layers)
    file_layers = tree.get("layers", {}) if isinstance(tree, dict) else {}
    if not isinstance(file_layers, dict):
        raise ModelFileError(f"Cannot load {where}: 'layers' is not a group.")
    skip = {id(obj) for obj in objects_to_skip or ()}
    plan, problems, used = [], [], set()
    for key, layer in zip(keras3_layer_keys([type(l).__name__ for l in layers]), layers):
        if id(layer) in skip:
            continue
        variables = layer_variables(layer)
        group = file_layers.get(key)
        used.add(key)
        arrays = group.get("vars") if isinstance(group, dict) else None
        if arrays is None:
            if variables:
                problems.append(f"{_describe(layer)} has {len(variables)} weights of shapes "
                                f"{_shapes(variables)}, but the file has no 'layers/{key}/vars'")
            continue
        name = getattr(arrays, "name", None)
        source = f"'layers/{key}'" + (f" saved from layer {name!r}"
                                      if name and name != layer.name else "")
        problem = _compare(layer, variables, list(arrays), source)
        if problem:
            problems.append(problem)
        else:
            plan.extend(zip(variables, arrays))
    unused = [k for k, g in file_layers.items() if k not in used and isinstance(g, dict)
              and isinstance(g.get("vars"), list) and len(g["vars"])]
    if unused and not problems:
        warnings.warn(f"{where} holds weights for layers this model does not have "
                      f"({', '.join(sorted(unused)[:MAX_PROBLEMS])}); they were not loaded.",
                      stacklevel=3)
    return _finish(plan, problems, model, where, skip_mismatch)


def plan_legacy(model, saved_layers, where, by_name=False, skip_mismatch=False):
    """Match the layers of a legacy ``.h5`` (``read_legacy_h5(...).layers``) to the model.

    As Keras: only layers with weights count, matched in order (or by name with
    ``by_name=True``, where names absent from the model are ignored).

    Returns:
        list of ``(variable, array)``.
    Raises:
        ModelFileError: different numbers of layers with weights, or mismatching layers.
    """
    ours = [l for l in layer_order(model) if layer_variables(l)]
    theirs = [l for l in saved_layers if l.variables]
    plan, problems = [], []
    if by_name:
        by = {}
        for saved in theirs:
            by.setdefault(saved.name, saved)
        pairs = [(layer, by[layer.name]) for layer in ours if layer.name in by]
    else:
        if len(ours) != len(theirs):
            raise ModelFileError(
                f"Cannot load the weights of {where} into model {model.name!r}: the model has "
                f"{len(ours)} layers with weights ({', '.join(l.name for l in ours[:8])}), the "
                f"file has {len(theirs)} ({', '.join(l.name for l in theirs[:8])}). Legacy .h5 "
                "weights are matched by order; build the same architecture. Nothing was loaded.")
        pairs = list(zip(ours, theirs))
    for layer, saved in pairs:
        variables = layer_variables(layer)
        arrays = [array for _, array in saved.variables]
        problem = _compare(layer, variables, arrays, f"layer {saved.name!r}")
        if problem:
            problems.append(problem)
        else:
            plan.extend(zip(variables, arrays))
    return _finish(plan, problems, model, where, skip_mismatch)


def assign(plan):
    """Copy each checked array into its variable (cast to the variable's dtype)."""
    for variable, array in plan:
        variable.assign(np.asarray(array).astype(variable.value.dtype, copy=False))
