"""``save_model`` / ``load_model`` / ``save_weights`` / ``load_weights``, as in Keras 3.

===================================  ==========================================================
``model.save('m.keras')``            Keras 3 zip: ``config.json`` (architecture and compile
                                     settings), ``metadata.json``, ``model.weights.h5``
                                     (weights and optimizer state)
``model.save('m.h5')``               legacy single HDF5 file (``model_config``,
                                     ``training_config``, ``model_weights``,
                                     ``optimizer_weights``), as Keras 3 writes it
``model.save_weights('w.weights.h5')``  Keras 3 weights layout (weights and optimizer state)
``model.save_weights('w.h5')``       legacy Keras 2 weights-only layout (``layer_names`` at
                                     the root). Keras 3 refuses this name; numnet accepts it
                                     because older course editions use it, and Keras 3 and 2
                                     both read the file with ``load_weights``.
``load_model(path)``                 ``.keras`` or ``.h5``; compiled (optimizer with its state,
                                     loss, metrics) when the file says so and ``compile=True``
``model.load_weights(path)``         ``.keras``, ``.weights.h5`` or legacy ``.h5``
===================================  ==========================================================

Every file is untrusted (``docs/saving.md``): no code is run, only classes listed in
``known_classes.py`` are created, sizes are bounded before anything is read or allocated,
every problem is a :class:`~numnet.saving.errors.ModelFileError`, and loading writes nothing.
Every write is atomic (a temporary file beside the target, fsync, ``os.replace``).
"""
import os
import warnings

import h5py

from numnet.saving import model_config as configs
from numnet.saving import weights as weights_io
from numnet.saving.atomic import atomic_write_with
from numnet.saving.errors import ModelFileError
from numnet.saving.registry import check_config
from numnet.saving.safe_h5 import (HDF5_SIGNATURE, OptimizerWeights, detect_h5_layout,
                                   open_h5, read_legacy_h5, read_weight_tree, write_legacy_h5,
                                   write_legacy_weights_h5, write_weight_tree)
from numnet.saving.safe_zip import make_metadata, read_keras_zip, write_keras_zip

_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
_H5_EXTENSIONS = (".h5", ".hdf5")


# ----------------------------------------------------------------------------------------------
# Paths
# ----------------------------------------------------------------------------------------------

def _path(filepath, argument="filepath"):
    if isinstance(filepath, bytes):
        filepath = os.fsdecode(filepath)
    if not isinstance(filepath, (str, os.PathLike)):
        raise TypeError(f"`{argument}` must be a file path (str or pathlib.Path), received "
                        f"{type(filepath).__name__}: {filepath!r}.")
    path = os.fspath(filepath)
    if not path:
        raise ValueError(f"`{argument}` is empty; give a file name such as 'model.keras'.")
    return path


def _ext_is(path, *extensions):
    return path.lower().endswith(extensions)


def _ask_to_proceed_with_overwrite(path):
    """Keras's prompt for ``overwrite=False``; a closed input counts as "no"."""
    try:
        answer = input(f"[WARNING] {path} already exists - overwrite? [y/n]").strip().lower()
        while answer not in ("y", "n"):
            answer = input('Enter "y" (overwrite) or "n" (cancel).').strip().lower()
    except (EOFError, OSError):
        return False
    if answer == "n":
        return False
    print("[TIP] Next time specify overwrite=True!")
    return True


def _may_write(path, overwrite):
    return overwrite or not os.path.exists(path) or _ask_to_proceed_with_overwrite(path)


def _check_model(model, function):
    from numnet.models.model import Model

    if not isinstance(model, Model):
        raise TypeError(f"{function} expects a numnet model (Sequential or Model), received "
                        f"{type(model).__name__}.")


# ----------------------------------------------------------------------------------------------
# Saving
# ----------------------------------------------------------------------------------------------

def save_model(model, filepath, overwrite=True, zipped=None, **kwargs):
    """Save a model (architecture, weights, compile settings and optimizer state).

    Args:
        model: a numnet ``Sequential`` or functional ``Model``.
        filepath: ``str`` or ``pathlib.Path`` ending in ``.keras`` (the Keras 3 format,
            recommended) or ``.h5`` / ``.hdf5`` (the legacy HDF5 format).
        overwrite: replace an existing file (default True); False asks on the console, as
            Keras does.
        zipped: Keras 3 option; only the zipped ``.keras`` format is supported (None or True).
        include_optimizer: legacy ``.h5`` only: also store the compile settings and the
            optimizer state (default True). A ``.keras`` file always includes them.
    Raises:
        ValueError: an unsupported extension or argument, or a layer class numnet could not
            load back (a custom layer: save the weights instead).
    """
    _check_model(model, "save_model")
    path = _path(filepath)
    include_optimizer = kwargs.pop("include_optimizer", True)
    save_format = kwargs.pop("save_format", False)
    if save_format:
        if _ext_is(path, ".keras", *_H5_EXTENSIONS):
            warnings.warn("The `save_format` argument is deprecated in Keras 3. We recommend "
                          "removing this argument as it can be inferred from the file path. "
                          f"Received: save_format={save_format}", stacklevel=2)
        else:
            raise ValueError("The `save_format` argument is deprecated in Keras 3. Please "
                             "remove this argument and pass a file path with either `.keras` "
                             f"or `.h5` extension.Received: save_format={save_format}")
    if kwargs:
        raise ValueError(f"The following argument(s) are not supported: {list(kwargs.keys())}")
    if zipped is False:
        raise ValueError("numnet saves `.keras` files as zip archives only: zipped=False "
                         "(an unzipped folder) is not supported.")
    if not _ext_is(path, ".keras", *_H5_EXTENSIONS):
        raise ValueError("Invalid filepath extension for saving. Please add either a `.keras` "
                         "extension for the native Keras format (recommended) or a `.h5` "
                         "extension for the legacy HDF5 format, e.g. model.save('model.keras')"
                         f". Received: filepath={path}.")
    if not _may_write(path, overwrite):
        return
    if _ext_is(path, ".keras"):
        _save_keras(model, path)
    else:
        _save_h5(model, path, include_optimizer=bool(include_optimizer))


def _save_keras(model, path):
    config = configs.keras_model_config(model)
    layers = weights_io.keras3_layers(model)
    state = weights_io.optimizer_arrays(model)
    optimizer = None if state is None else OptimizerWeights(model.optimizer.name, state)
    write_keras_zip(path, config, make_metadata(),
                    lambda f: write_weight_tree(f, layers, optimizer, model.name))


def _save_h5(model, path, include_optimizer):
    model_config = configs.legacy_model_config(model)
    layers = weights_io.legacy_layers(model)
    training_config = optimizer = None
    if include_optimizer:
        training_config = configs.legacy_training_config(model)
        state = weights_io.optimizer_arrays(model)
        if training_config is not None and state is not None:
            names = weights_io.optimizer_slot_names(model, len(state))
            optimizer = OptimizerWeights(model.optimizer.name, list(zip(names, state)))

    def write(temp_path):
        with h5py.File(temp_path, "w") as f:
            write_legacy_h5(f, model_config, layers, training_config, optimizer)

    atomic_write_with(path, write)


def save_weights(model, filepath, overwrite=True, max_shard_size=None):
    """Save the weights (and, in the Keras 3 layout, the optimizer state).

    Args:
        model: a numnet model.
        filepath: ``'x.weights.h5'`` (Keras 3 layout, as Keras 3 requires) or, for course
            code written for Keras 2, a plain ``'x.h5'`` / ``'x.hdf5'``: the legacy Keras 2
            weights-only layout (weights only, no optimizer state). Keras 3 itself refuses the
            plain name; numnet accepts it, and Keras 3 and 2 both load it with
            ``load_weights``.
        overwrite: replace an existing file (default True); False asks, as Keras does.
        max_shard_size: Keras's sharding option; not supported (must be None).
    Raises:
        ValueError: another extension, or ``max_shard_size``.
    """
    _check_model(model, "save_weights")
    path = _path(filepath)
    if max_shard_size is not None:
        raise ValueError("numnet does not shard weight files: leave `max_shard_size` as None.")
    if not _ext_is(path, *_H5_EXTENSIONS):
        raise ValueError("The filename must end in `.weights.h5` (numnet also accepts a legacy "
                         f"'.h5' name, written in the Keras 2 layout). Received: filepath={path}")
    if not _may_write(path, overwrite):
        return
    if _ext_is(path, ".weights.h5"):
        layers = weights_io.keras3_layers(model)
        state = weights_io.optimizer_arrays(model)
        optimizer = None if state is None else OptimizerWeights(model.optimizer.name, state)

        def write(temp_path):
            with h5py.File(temp_path, "w") as f:
                write_weight_tree(f, layers, optimizer, model.name)
    else:
        layers = weights_io.legacy_layers(model)

        def write(temp_path):
            with h5py.File(temp_path, "w") as f:
                write_legacy_weights_h5(f, layers)

    atomic_write_with(path, write)


# ----------------------------------------------------------------------------------------------
# Loading
# ----------------------------------------------------------------------------------------------

def _sniff(path, where):
    """``'zip'`` or ``'h5'`` from the file's first bytes (a missing file raises OSError)."""
    with open(path, "rb") as f:
        head = f.read(8)
        size = os.fstat(f.fileno()).st_size
    if size == 0:
        raise ModelFileError(f"Cannot load {where}: the file is empty.")
    if head.startswith(_ZIP_SIGNATURES):
        return "zip"
    if head == HDF5_SIGNATURE:
        return "h5"
    with open_h5(path, where=where):  # an HDF5 file with a user block, or the clear error
        return "h5"


def _check_found(path):
    if not os.path.exists(path):
        raise FileNotFoundError(f"File not found: filepath={path}. Please ensure the file is "
                                "an accessible `.keras` zip file or `.h5` file.")
    if os.path.isdir(path):
        raise IsADirectoryError(f"{path!r} is a folder; numnet loads `.keras` zip files and "
                                "`.h5` files (unzipped Keras folders are not supported).")


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Load a model saved with ``model.save`` (by numnet or Keras 3; ``.keras`` or ``.h5``).

    Args:
        filepath: ``str`` or ``pathlib.Path`` of a ``.keras``, ``.h5`` or ``.hdf5`` file.
        custom_objects: Keras option; numnet loads built-in classes only, so it must be None
            or empty.
        compile: compile the model with the saved optimizer (and its state), loss and
            metrics, so that training continues where it stopped (default True).
        safe_mode: accepted for Keras compatibility; numnet always loads safely (a Lambda
            layer or any stored code is refused whatever its value).
    Returns:
        The model (built; compiled when the file was saved from a compiled model).
    Raises:
        ModelFileError: the file is damaged, hostile or uses something numnet does not
            support (the message says what).
        FileNotFoundError: no such file. ValueError: an unsupported extension.
    """
    path = _path(filepath)
    if custom_objects:
        raise ValueError("numnet does not load custom objects: it builds only its own "
                         "built-in layers, losses and metrics from a file. Rebuild a model "
                         "with custom parts in code and use model.load_weights(...).")
    if safe_mode is False:
        warnings.warn("numnet always loads in safe mode: code stored in a model file (Lambda "
                      "layers, custom functions) is never run, whatever `safe_mode` says.",
                      stacklevel=2)
    if not _ext_is(path, ".keras", *_H5_EXTENSIONS):
        raise ValueError(f"File format not supported: filepath={path}. numnet (like Keras 3) "
                         "loads `.keras` files and legacy H5 files (`.h5` extension).")
    _check_found(path)
    where = repr(path)
    if _sniff(path, where) == "zip":
        return _load_keras(path, where, compile)
    return _load_h5(path, where, compile)


def _file_values(arrays):
    return configs.count_values(arrays)


def _budget(where, file_values):
    if file_values < configs.MAX_PARAMS:
        return configs.WeightBudget(file_values, where, "the weights file holds")
    return configs.WeightBudget(configs.MAX_PARAMS, where, "numnet's limit")


def _tree_layer_arrays(tree):
    layers = tree.get("layers") if isinstance(tree, dict) else None
    if not isinstance(layers, dict):
        return []
    return [a for group in layers.values() if isinstance(group, dict)
            for a in (group.get("vars") or []) if hasattr(a, "size")]


def _tree_optimizer(tree):
    group = tree.get("optimizer") if isinstance(tree, dict) else None
    values = group.get("vars") if isinstance(group, dict) else None
    return list(values) if values is not None else None


def _load_keras(path, where, compile):
    archive = read_keras_zip(path)
    config = archive.config
    if "compile_config" in config:
        config = dict(config, compile_config=configs.functions_to_names(
            config["compile_config"]))
    check_config(config, where="config.json")
    with open_h5(archive.weights, where=f"'model.weights.h5' in {where}") as f:
        tree = read_weight_tree(f)
    budget = _budget(where, _file_values(_tree_layer_arrays(tree)))
    model, layers = configs.model_from_config(config, where, budget)
    plan = weights_io.plan_keras3(model, tree, where, layers=layers)
    state = None
    if compile and configs.compile_from_config(model, config.get("compile_config"), where):
        values = _tree_optimizer(tree)
        if values is not None:
            state = weights_io.plan_optimizer(model, values, where)
    weights_io.assign(plan)
    if state is not None:
        state()
    return model


def _load_h5(path, where, compile):
    with open_h5(path, where=where) as f:
        if detect_h5_layout(f) == "keras3":
            raise ModelFileError(f"Cannot load {where} with load_model: it holds only weights "
                                 "(written by model.save_weights). Build the model in code, "
                                 "then call model.load_weights(path).")
        legacy = read_legacy_h5(f, where=where)
    if legacy.model_config is None:
        raise ModelFileError(f"No model config found in the file at {where}: it holds only "
                             "weights (model.save_weights). Build the model in code, then call "
                             "model.load_weights(path).")
    check_config(legacy.model_config, where="model_config")
    training = configs.functions_to_names(legacy.training_config)
    if training is not None:
        check_config(training, where="training_config")
    arrays = [a for layer in legacy.layers for _, a in layer.variables]
    budget = _budget(where, _file_values(arrays))
    model, _ = configs.model_from_config(legacy.model_config, where, budget)
    plan = weights_io.plan_legacy(model, legacy.layers, where)
    state = None
    if compile and configs.compile_from_config(model, training, where, legacy=True):
        if legacy.optimizer is not None:
            state = weights_io.plan_optimizer(
                model, [array for _, array in legacy.optimizer.variables], where)
    weights_io.assign(plan)
    if state is not None:
        state()
    return model


def load_weights(model, filepath, skip_mismatch=False, **kwargs):
    """Load weights (and optimizer state, when the file and the model have it) into ``model``.

    Args:
        model: a built numnet model with the architecture the weights were saved from.
        filepath: a ``.keras`` file (its weights and optimizer state; the configuration is
            not used), a ``.weights.h5`` file, or a legacy ``.h5`` / ``.hdf5`` file.
        skip_mismatch: warn about and skip layers whose weights do not fit instead of raising
            (default False).
        by_name: legacy ``.h5`` only: match layers by name instead of by order.
        objects_to_skip: Keras 3 layouts only: layers to leave alone.
    Raises:
        ModelFileError: the file is damaged or hostile, or the architecture differs (every
            mismatching layer is named with the expected and found shapes). Nothing is
            assigned unless everything fits.
        ValueError: the model is not built, or an unsupported extension or argument.
    """
    _check_model(model, "load_weights")
    path = _path(filepath)
    objects_to_skip = kwargs.pop("objects_to_skip", None)
    by_name = kwargs.pop("by_name", None)
    if kwargs:
        raise ValueError(f"Invalid keyword arguments: {kwargs}")
    if not model.built:
        raise ValueError("You are loading weights into a model that has not yet been built. "
                         "Try building the model first by calling it on some data or by using "
                         "`build()`.")
    if not _ext_is(path, ".keras", *_H5_EXTENSIONS):
        raise ValueError(f"File format not supported: filepath={path}. numnet (like Keras 3) "
                         "loads weights from `.keras`, `.weights.h5` and legacy `.h5` files.")
    if _ext_is(path, ".keras") and (objects_to_skip is not None or by_name is not None):
        raise ValueError("`objects_to_skip` and `by_name` are not supported for `.keras` "
                         f"files. Received: {path}")
    _check_found(path)
    where = repr(path)
    if _sniff(path, where) == "zip":
        archive = read_keras_zip(path)
        with open_h5(archive.weights, where=f"'model.weights.h5' in {where}") as f:
            tree = read_weight_tree(f)
        legacy = None
    else:
        with open_h5(path, where=where) as f:
            layout = detect_h5_layout(f)
            tree = read_weight_tree(f) if layout == "keras3" else None
            legacy = read_legacy_h5(f, where=where) if layout == "legacy" else None
    if tree is not None:
        if by_name is not None:
            raise ValueError("`by_name` only supports loading legacy '.h5' or '.hdf5' files. "
                             f"Received: {path}")
        plan = weights_io.plan_keras3(model, tree, where, skip_mismatch=skip_mismatch,
                                      objects_to_skip=objects_to_skip or ())
        values = _tree_optimizer(tree)
        state = None if values is None else weights_io.plan_optimizer(model, values, where)
    else:
        if objects_to_skip is not None:
            raise ValueError("`objects_to_skip` only supports loading '.weights.h5' files. "
                             f"Received: {path}")
        plan = weights_io.plan_legacy(model, legacy.layers, where, by_name=bool(by_name),
                                      skip_mismatch=skip_mismatch)
        state = None
    weights_io.assign(plan)
    if state is not None:
        state()
