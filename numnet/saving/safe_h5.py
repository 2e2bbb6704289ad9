"""Read HDF5 model files without trusting them, and write the Keras weight layouts.

HDF5 can point outside itself: soft links, external links and user-defined links name other
objects or other files, datasets can keep their data in external raw files or be "virtual"
views of other files, and filters can ask for plugins. A dataset also declares its shape
before any data exists, so a tiny file can claim terabytes. This module therefore

- opens a file only after checking the HDF5 signature (:func:`open_h5`);
- walks the tree itself, inspecting each link's type without following it, and accepts only
  hard links to groups and datasets, each object reached once (:func:`check_h5_tree`);
- accepts a dataset only with contiguous, chunked or compact storage in this file, a plain
  numeric or bool dtype (float16/32/64, int, uint, bool), built-in filters, and a declared
  size within the limits; only then reads it with NumPy (:func:`read_dataset`);
- reads attributes by name only, as bounded strings or numbers (:func:`read_attr`).

Layouts (see ``docs/file-formats.md``):

- Keras 3 ``.weights.h5`` (also ``model.weights.h5`` inside ``.keras``):
  ``layers/<key>/vars/0, 1, ...``, ``optimizer/vars/0, 1, ...``, ``vars`` for the model;
  read with :func:`read_weight_tree`, written with :func:`write_weight_tree`.
- Legacy ``.h5`` (``model.save('m.h5')``): attributes ``model_config``, ``training_config``,
  ``keras_version``, ``backend``; ``model_weights/<layer>/<weight name>`` listed by the
  ``layer_names`` / ``weight_names`` attributes; ``optimizer_weights``. Read with
  :func:`read_legacy_h5`, written with :func:`write_legacy_h5`.
"""
import collections
import io
import math
import os
import re

import h5py
import numpy as np

from numnet.saving.errors import ModelFileError
from numnet.saving.safe_json import parse_json_object
from numnet.saving.safe_zip import KERAS_FORMAT_VERSION, to_json_bytes
from numnet.utils.naming import to_snake_case

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
DEFAULT_MAX_ARRAY_BYTES = 2 * 1024 ** 3
"""Largest single dataset accepted (declared shape x item size): 2 GiB."""
DEFAULT_MAX_TOTAL_BYTES = 4 * 1024 ** 3
"""Largest sum of all datasets' declared sizes in one file: 4 GiB."""
MAX_OBJECTS = 100_000
"""Most groups + datasets accepted in one file."""
MAX_DEPTH = 64
"""Deepest group nesting accepted."""
MAX_ATTR_BYTES = 16 * 1024 * 1024
"""Largest attribute accepted (text or numbers): 16 MiB."""
MAX_ATTR_ITEMS = 1_000_000
"""Most elements accepted in one attribute array."""
MAX_ATTR_CHUNKS = 10_000
"""Most ``name0, name1, ...`` pieces of a long legacy list attribute."""
LEGACY_ATTR_LIMIT = 64512
"""Keras splits a legacy list attribute into pieces above this many bytes."""

_NUMERIC_KINDS = "fiub"
_ALLOWED_FILTERS = {1: "deflate", 2: "shuffle", 3: "fletcher32", 32000: "lzf"}
_MIN_CHUNK_CAP = 4 * 1024 * 1024
_H5_ERRORS = (OSError, RuntimeError, ValueError, KeyError, TypeError, IndexError)
_INDEX_NAME = re.compile(r"^(0|[1-9][0-9]{0,8})$")

LayerWeights = collections.namedtuple("LayerWeights", "class_name name variables")
LayerWeights.__doc__ = """One layer's weights, in the layer's own order (kernel before bias).

Fields:
    class_name: the Keras class name, e.g. ``'Dense'`` (``None`` when read from a legacy
        ``.h5``, which does not record it next to the weights).
    name: the layer's name, e.g. ``'dense_1'``.
    variables: list of ``(variable_name, numpy array)``. For the legacy layout the name is
        the full HDF5 weight name (Keras 3: ``'sequential/dense_1/kernel'``; Keras 2:
        ``'dense_1/kernel:0'``); the Keras 3 layout ignores names and numbers the arrays.
"""

OptimizerWeights = collections.namedtuple("OptimizerWeights", "name variables")
OptimizerWeights.__doc__ = """The optimizer's variables, in Keras's order.

Fields:
    name: the optimizer's name, e.g. ``'adam'`` (``None`` if unknown).
    variables: list of ``(variable_name, numpy array)``; for Adam:
        ``iteration, learning_rate, m_0, v_0, m_1, v_1, ...`` (legacy names such as
        ``'adam/iteration'``, ``'adam/sequential_dense_kernel_momentum'``).
"""

LegacyH5 = collections.namedtuple(
    "LegacyH5", "model_config training_config keras_version backend layers optimizer top_level")
LegacyH5.__doc__ = """The checked contents of a legacy Keras ``.h5`` file.

Fields:
    model_config: dict ``{"class_name": ..., "config": ...}`` or ``None`` (weights-only file).
    training_config: dict (loss, metrics, ``optimizer_config``...) or ``None`` (uncompiled).
    keras_version, backend: strings from the file's attributes, or ``None``.
    layers: list of :class:`LayerWeights` in ``layer_names`` order, including layers
        without weights (empty ``variables``).
    optimizer: :class:`OptimizerWeights` or ``None``.
    top_level: list of ``(name, array)`` from ``top_level_model_weights`` (usually empty).
"""


class VarList(list):
    """A ``vars`` group of the Keras 3 layout: its arrays in index order (``0, 1, ...``).

    A plain ``list`` of NumPy arrays with one extra attribute, ``name``: the ``name``
    attribute Keras stores on the group (the layer's or optimizer's name), or ``None``.
    """

    def __init__(self, arrays=(), name=None):
        super().__init__(arrays)
        self.name = name


# ----------------------------------------------------------------------------------------------
# Opening
# ----------------------------------------------------------------------------------------------

def _has_signature(read_at, size):
    """True if the HDF5 signature sits at offset 0, 512, 1024, 2048, ... (user block sizes)."""
    offset = 0
    while offset + len(HDF5_SIGNATURE) <= size and offset <= 1 << 30:
        if read_at(offset) == HDF5_SIGNATURE:
            return True
        offset = 512 if offset == 0 else offset * 2
    return False


def open_h5(source, where=None):
    """Open an HDF5 file for reading after checking that it is one.

    Args:
        source: a path, the file's ``bytes``, or a seekable binary file object.
        where: how to name the file in error messages; default: derived from ``source``.
    Returns:
        An open ``h5py.File`` (read-only). Close it (``with open_h5(...) as f:``).
    Raises:
        ModelFileError: empty, not HDF5, or too damaged for HDF5 to open.
        FileNotFoundError, PermissionError: a path that cannot be opened.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        source = io.BytesIO(bytes(source))
        where = where or "the weights data"
    if isinstance(source, (str, bytes)) or hasattr(source, "__fspath__"):
        path = os.fspath(source)
        where = where or repr(str(path))
        with open(path, "rb") as f:  # OS errors propagate unchanged
            size = os.fstat(f.fileno()).st_size
            ok = _has_signature(lambda off: (f.seek(off), f.read(8))[1], size)
        target = path
    else:
        where = where or "the file object"
        start = source.tell()
        size = source.seek(0, io.SEEK_END)
        ok = _has_signature(lambda off: (source.seek(off), source.read(8))[1], size)
        source.seek(start)
        target = source
    if size == 0:
        raise ModelFileError(f"Cannot load {where}: the file is empty.")
    if not ok:
        raise ModelFileError(f"Cannot load {where}: it is not an HDF5 file (no HDF5 "
                             "signature). Keras 3 '.keras' files are zip archives; "
                             "'.h5' and '.weights.h5' files are HDF5.")
    try:
        return h5py.File(target, "r")
    except _H5_ERRORS as exc:
        raise ModelFileError(f"Cannot load {where}: the HDF5 file is damaged or truncated "
                             f"({exc}).") from None


def _where(obj):
    """A short description of an h5py object's file for messages."""
    try:
        name = obj.file.filename
    except _H5_ERRORS:
        name = ""
    if not name or name.startswith("<"):  # in-memory (file object) files
        return "the weights file"
    return repr(os.path.basename(name))


# ----------------------------------------------------------------------------------------------
# Checking the tree
# ----------------------------------------------------------------------------------------------

def _hard_child(group, name, where):
    """Open ``group[name]`` after checking it is a hard link to a group or dataset.

    Soft, external and user-defined links are refused without being followed.
    """
    encoded = name.encode("utf-8")
    try:
        if "/" in name or not group.id.links.exists(encoded):
            raise ModelFileError(f"{where} has no {name!r} in {group.name!r}.")
        link_type = group.id.links.get_info(encoded).type
    except ModelFileError:
        raise
    except _H5_ERRORS as exc:
        raise ModelFileError(f"{where} is damaged: cannot read the link {name!r} in "
                             f"{group.name!r} ({exc}).") from None
    if link_type != h5py.h5l.TYPE_HARD:
        kind = {h5py.h5l.TYPE_SOFT: "a soft link",
                h5py.h5l.TYPE_EXTERNAL: "an external link (to another file)"}.get(
                    link_type, f"a user-defined link (type {link_type})")
        raise ModelFileError(f"Refusing {where}: {group.name.rstrip('/')}/{name} is {kind}. "
                             "Model files must contain their data directly; links are never "
                             "followed.")
    try:
        obj = group[name]
    except _H5_ERRORS as exc:
        raise ModelFileError(f"{where} is damaged: cannot open {name!r} in {group.name!r} "
                             f"({exc}).") from None
    if not isinstance(obj, (h5py.Group, h5py.Dataset)):
        raise ModelFileError(f"Refusing {where}: {obj.name!r} is a {type(obj).__name__}; "
                             "only groups and datasets are accepted.")
    return obj


def _declared_bytes(ds, where):
    """Declared size of a dataset in bytes after checking dtype and shape (no data read)."""
    dtype = ds.dtype
    if (dtype.kind not in _NUMERIC_KINDS or dtype.fields is not None
            or dtype.subdtype is not None or dtype.itemsize > 8 or dtype.hasobject):
        raise ModelFileError(f"Refusing {where}: the dataset {ds.name!r} has dtype {dtype}; "
                             "only float16/32/64, int, uint and bool arrays are accepted.")
    if ds.shape is None:
        raise ModelFileError(f"Refusing {where}: the dataset {ds.name!r} has no shape "
                             "(an empty HDF5 dataspace).")
    return math.prod(ds.shape) * dtype.itemsize


def check_dataset(ds, where=None, max_bytes=DEFAULT_MAX_ARRAY_BYTES):
    """Check a dataset's storage, dtype, filters and declared size without reading data.

    Args:
        ds: an ``h5py.Dataset``.
        where: the file's description for messages; default derived from ``ds``.
        max_bytes: largest declared size accepted; default ``DEFAULT_MAX_ARRAY_BYTES``.
    Returns:
        The declared size in bytes.
    Raises:
        ModelFileError: external raw storage, a virtual dataset, an unknown storage layout or
            filter, a non-numeric dtype, a declared size over ``max_bytes``, or oversized
            chunks.
    """
    where = where or _where(ds)
    try:
        nbytes = _declared_bytes(ds, where)
        if nbytes > max_bytes:
            raise ModelFileError(f"Refusing {where}: the dataset {ds.name!r} declares shape "
                                 f"{ds.shape} ({nbytes:,} bytes), over the limit of "
                                 f"{max_bytes:,} bytes.")
        dcpl = ds.id.get_create_plist()
        if dcpl.get_external_count() > 0:
            raise ModelFileError(f"Refusing {where}: the dataset {ds.name!r} keeps its data "
                                 f"in external files {ds.external}; data must be inside the "
                                 "model file.")
        layout = dcpl.get_layout()
        if layout not in (h5py.h5d.COMPACT, h5py.h5d.CONTIGUOUS, h5py.h5d.CHUNKED):
            raise ModelFileError(f"Refusing {where}: the dataset {ds.name!r} uses storage "
                                 f"layout {layout} (virtual datasets map other files).")
        for i in range(dcpl.get_nfilters()):
            code = dcpl.get_filter(i)[0]
            if code not in _ALLOWED_FILTERS:
                raise ModelFileError(f"Refusing {where}: the dataset {ds.name!r} uses HDF5 "
                                     f"filter {code}, which would need a plugin; accepted: "
                                     f"{', '.join(sorted(_ALLOWED_FILTERS.values()))}.")
        if layout == h5py.h5d.CHUNKED:
            chunk_bytes = math.prod(dcpl.get_chunk()) * ds.dtype.itemsize
            if chunk_bytes > max(_MIN_CHUNK_CAP, nbytes):
                raise ModelFileError(f"Refusing {where}: the dataset {ds.name!r} declares "
                                     f"chunks of {chunk_bytes:,} bytes for {nbytes:,} bytes "
                                     "of data.")
    except ModelFileError:
        raise
    except _H5_ERRORS as exc:
        raise ModelFileError(f"{where} is damaged: cannot inspect the dataset {ds.name!r} "
                             f"({exc}).") from None
    return nbytes


def check_h5_tree(h5obj, where=None, max_array_bytes=DEFAULT_MAX_ARRAY_BYTES,
                  max_total_bytes=DEFAULT_MAX_TOTAL_BYTES, max_objects=MAX_OBJECTS,
                  max_depth=MAX_DEPTH):
    """Walk a whole HDF5 file or group and refuse anything unsafe, reading no data.

    Every link is inspected without being followed (only hard links pass), every object is
    reached at most once (no cycles, no aliases), every dataset passes :func:`check_dataset`,
    and the declared sizes of all datasets add up to at most ``max_total_bytes``.

    Args:
        h5obj: an open ``h5py.File`` or ``h5py.Group``.
        where: the file's description for messages; default derived from ``h5obj``.
        max_array_bytes: largest single dataset; default ``DEFAULT_MAX_ARRAY_BYTES``.
        max_total_bytes: largest sum of datasets; default ``DEFAULT_MAX_TOTAL_BYTES``.
        max_objects: most groups + datasets; default ``MAX_OBJECTS``.
        max_depth: deepest nesting; default ``MAX_DEPTH``.
    Returns:
        The total declared bytes of all datasets.
    Raises:
        ModelFileError: for the first problem found.
    """
    where = where or _where(h5obj)
    seen = {hash(h5obj.id)}
    stack = [(h5obj, 0)]
    total = count = 0
    while stack:
        group, depth = stack.pop()
        try:
            names = list(group.keys())
        except _H5_ERRORS as exc:
            raise ModelFileError(f"{where} is damaged: cannot list {group.name!r} "
                                 f"({exc}).") from None
        count += len(names)
        if count > max_objects:
            raise ModelFileError(f"Refusing {where}: it holds more than {max_objects:,} "
                                 "objects.")
        for name in names:
            obj = _hard_child(group, name, where)
            key = hash(obj.id)
            if key in seen:
                raise ModelFileError(f"Refusing {where}: {obj.name!r} is reachable from two "
                                     "places (a hard-link alias or cycle).")
            seen.add(key)
            if isinstance(obj, h5py.Group):
                if depth + 1 > max_depth:
                    raise ModelFileError(f"Refusing {where}: groups nest deeper than "
                                         f"{max_depth} levels.")
                stack.append((obj, depth + 1))
            else:
                total += check_dataset(obj, where, max_array_bytes)
                if total > max_total_bytes:
                    raise ModelFileError(f"Refusing {where}: its datasets declare more than "
                                         f"{max_total_bytes:,} bytes in total.")
    return total


def read_dataset(ds, where=None, max_bytes=DEFAULT_MAX_ARRAY_BYTES):
    """Read a dataset into a NumPy array (native byte order) after :func:`check_dataset`.

    Args:
        ds: an ``h5py.Dataset``.
        where: the file's description for messages; default derived from ``ds``.
        max_bytes: largest declared size accepted; default ``DEFAULT_MAX_ARRAY_BYTES``.
    Returns:
        ``np.ndarray`` (0-d for scalars).
    Raises:
        ModelFileError: the checks fail or the data cannot be read (truncated file).
    """
    where = where or _where(ds)
    check_dataset(ds, where, max_bytes)
    try:
        array = np.asarray(ds[()])
    except _H5_ERRORS as exc:
        raise ModelFileError(f"{where} is damaged: cannot read the dataset {ds.name!r} "
                             f"({exc}).") from None
    if not array.dtype.isnative:
        array = array.astype(array.dtype.newbyteorder("="))
    return array


# ----------------------------------------------------------------------------------------------
# Attributes
# ----------------------------------------------------------------------------------------------

def _text(value, where, label):
    """Decode one attribute string element to ``str`` (strict UTF-8)."""
    if isinstance(value, (bytes, np.bytes_)):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            raise ModelFileError(f"{where}: the attribute {label} is not UTF-8 text.") from None
    if isinstance(value, str):
        return value
    raise ModelFileError(f"{where}: the attribute {label} holds {type(value).__name__}, "
                         "expected text.")


def read_attr(obj, name, default=None, where=None):
    """Read one attribute by name as a bounded ``str``, list of ``str``, number or array.

    Args:
        obj: an ``h5py`` group, dataset or file.
        name: the attribute's name.
        default: returned when the attribute does not exist; default ``None``.
        where: the file's description for messages; default derived from ``obj``.
    Returns:
        ``str`` for a scalar string; ``list`` of ``str`` for a string array; a Python number
        for a numeric scalar; ``np.ndarray`` for a numeric array (e.g. Keras's empty
        ``weight_names``, a float64 array of shape (0,)).
    Raises:
        ModelFileError: a compound, reference, opaque or other non-plain type, an empty
            dataspace, more than ``MAX_ATTR_ITEMS`` elements or ``MAX_ATTR_BYTES`` bytes,
            invalid UTF-8.
    """
    where = where or _where(obj)
    label = f"{name!r} of {obj.name!r}"
    try:
        if name not in obj.attrs:
            return default
        attr_id = obj.attrs.get_id(name)
        dtype, shape = attr_id.dtype, attr_id.shape
    except _H5_ERRORS as exc:
        raise ModelFileError(f"{where} is damaged: cannot read the attribute {label} "
                             f"({exc}).") from None
    count = math.prod(shape) if shape is not None else 0
    if count > MAX_ATTR_ITEMS:
        raise ModelFileError(f"Refusing {where}: the attribute {label} has {count:,} elements.")
    is_text = h5py.check_string_dtype(dtype) is not None
    if not is_text:
        if (dtype.kind not in _NUMERIC_KINDS or dtype.fields is not None
                or dtype.subdtype is not None or dtype.hasobject):
            raise ModelFileError(f"Refusing {where}: the attribute {label} has type {dtype}; "
                                 "only text and plain numbers are accepted.")
        if count * dtype.itemsize > MAX_ATTR_BYTES:
            raise ModelFileError(f"Refusing {where}: the attribute {label} is too large.")
    elif dtype.itemsize * count > MAX_ATTR_BYTES and dtype.kind == "S":
        raise ModelFileError(f"Refusing {where}: the attribute {label} is too large.")
    try:
        value = obj.attrs[name]
    except _H5_ERRORS as exc:
        raise ModelFileError(f"{where} is damaged: cannot read the attribute {label} "
                             f"({exc}).") from None
    if isinstance(value, h5py.Empty):
        raise ModelFileError(f"Refusing {where}: the attribute {label} has an empty "
                             "dataspace.")
    if not is_text:
        value = np.asarray(value)
        return value.item() if value.ndim == 0 else value
    if isinstance(value, np.ndarray) and value.ndim > 0:
        result = [_text(v, where, label) for v in value.ravel()]
        size = sum(len(s) for s in result)
    else:
        result = _text(value.item() if isinstance(value, np.ndarray) else value, where, label)
        size = len(result)
    if size > MAX_ATTR_BYTES:
        raise ModelFileError(f"Refusing {where}: the attribute {label} is too large.")
    return result


def read_string_list_attr(obj, name, where=None):
    """Read a legacy list-of-names attribute, joining Keras's ``name0, name1, ...`` pieces.

    Args:
        obj: an ``h5py`` group or file.
        name: the attribute's name, e.g. ``'layer_names'`` or ``'weight_names'``.
        where: the file's description for messages; default derived from ``obj``.
    Returns:
        ``list`` of ``str`` (empty when absent or stored as an empty numeric array).
    Raises:
        ModelFileError: the attribute is not text, or as :func:`read_attr`.
    """
    where = where or _where(obj)
    if name in obj.attrs:
        pieces = [read_attr(obj, name, where=where)]
    else:
        pieces, chunk = [], 0
        while f"{name}{chunk}" in obj.attrs:
            if chunk >= MAX_ATTR_CHUNKS:
                raise ModelFileError(f"Refusing {where}: the attribute {name!r} of "
                                     f"{obj.name!r} is split into too many pieces.")
            pieces.append(read_attr(obj, f"{name}{chunk}", where=where))
            chunk += 1
    names = []
    for piece in pieces:
        if isinstance(piece, str):
            names.append(piece)
        elif isinstance(piece, list):
            names.extend(piece)
        elif isinstance(piece, np.ndarray) and piece.size == 0:
            continue
        else:
            raise ModelFileError(f"{where}: the attribute {name!r} of {obj.name!r} should "
                                 "be a list of names.")
    return names


def _json_attr(obj, name, where):
    """Read a JSON-text attribute (``model_config``...) as a dict, or ``None`` if absent."""
    text = read_attr(obj, name, where=where)
    if text is None:
        return None
    if not isinstance(text, str):
        raise ModelFileError(f"{where}: the attribute {name!r} should be JSON text.")
    return parse_json_object(text, f"the {name!r} attribute of {where}")


# ----------------------------------------------------------------------------------------------
# Keras 3 layout: layers/<key>/vars/<i>, optimizer/vars/<i>, vars
# ----------------------------------------------------------------------------------------------

def keras3_layer_keys(class_names):
    """The group names Keras 3 gives a model's layers in a weights file.

    Keras names each layer's group after its class, not its name: the snake-case class
    name, then ``_1``, ``_2``... for further layers of the same class, in the model's layer
    order (the ``InputLayer`` of a ``Sequential`` model is not included).

    Args:
        class_names: the layers' Keras class names in model order, e.g.
            ``['Flatten', 'Dense', 'Dropout', 'Dense']``.
    Returns:
        ``list`` of keys, e.g. ``['flatten', 'dense', 'dropout', 'dense_1']``.
    """
    used, keys = {}, []
    for class_name in class_names:
        base = to_snake_case(re.sub(r"\W+", "", class_name))
        if base in used:
            used[base] += 1
            keys.append(f"{base}_{used[base]}")
        else:
            used[base] = 0
            keys.append(base)
    return keys


def _read_vars(group, where, max_bytes):
    """Read a ``vars`` group: datasets named ``0 .. n-1`` -> :class:`VarList`."""
    items = {}
    for name in group.keys():
        obj = _hard_child(group, name, where)
        if not isinstance(obj, h5py.Dataset) or not _INDEX_NAME.match(name):
            raise ModelFileError(f"Refusing {where}: {group.name!r} should hold only datasets "
                                 f"named 0, 1, 2...; found {name!r}.")
        items[int(name)] = obj
    if sorted(items) != list(range(len(items))):
        raise ModelFileError(f"Refusing {where}: the variables in {group.name!r} are not "
                             f"numbered 0..{len(items) - 1}: {sorted(items)}.")
    label = read_attr(group, "name", where=where)
    arrays = [read_dataset(items[i], where, max_bytes) for i in range(len(items))]
    return VarList(arrays, name=label if isinstance(label, str) else None)


def read_weight_tree(h5obj, where=None, max_array_bytes=DEFAULT_MAX_ARRAY_BYTES,
                     max_total_bytes=DEFAULT_MAX_TOTAL_BYTES):
    """Read a Keras 3 weights file (``.weights.h5`` / ``model.weights.h5``) as nested dicts.

    The whole file is checked first (:func:`check_h5_tree`). Every group becomes a ``dict``
    of its children; every group named ``vars`` becomes a :class:`VarList` (its datasets
    ``0, 1, ...`` in order, with ``.name`` from its ``name`` attribute). Example for
    Flatten, Dense, Dropout, Dense and Adam::

        {"layers": {"dense": {"vars": [kernel, bias]}, "dense_1": {"vars": [kernel, bias]},
                    "dropout": {"vars": []}, "flatten": {"vars": []}},
         "optimizer": {"vars": [iteration, learning_rate, m0, v0, m1, v1, ...]},
         "vars": []}

    Use :func:`keras3_layer_keys` to find each layer's key under ``"layers"``.

    Args:
        h5obj: an open ``h5py.File`` (e.g. from :func:`open_h5`) or group.
        where: the file's description for messages; default derived from ``h5obj``.
        max_array_bytes: largest single array; default ``DEFAULT_MAX_ARRAY_BYTES``.
        max_total_bytes: largest total; default ``DEFAULT_MAX_TOTAL_BYTES``.
    Returns:
        ``dict`` as above.
    Raises:
        ModelFileError: anything :func:`check_h5_tree` refuses, or a ``vars`` group whose
            members are not datasets numbered ``0..n-1``.
    """
    where = where or _where(h5obj)
    check_h5_tree(h5obj, where, max_array_bytes, max_total_bytes)

    def walk(group):
        tree = {}
        for name in group.keys():
            obj = _hard_child(group, name, where)
            if isinstance(obj, h5py.Dataset):
                tree[name] = read_dataset(obj, where, max_array_bytes)
            elif name == "vars":
                tree[name] = _read_vars(obj, where, max_array_bytes)
            else:
                tree[name] = walk(obj)
        return tree

    return walk(h5obj)  # depth bounded by check_h5_tree's max_depth


def detect_h5_layout(h5file):
    """Tell a legacy Keras ``.h5`` from a Keras 3 weights file.

    Args:
        h5file: an open ``h5py.File``.
    Returns:
        ``'legacy'`` (a ``model_weights`` group or a ``layer_names`` attribute at the root)
        or ``'keras3'`` (a ``layers``, ``vars`` or ``optimizer`` group at the root).
    Raises:
        ModelFileError: neither layout.
    """
    keys = set(h5file.keys())
    if "model_weights" in keys or "layer_names" in h5file.attrs:
        return "legacy"
    if keys & {"layers", "vars", "optimizer"}:
        return "keras3"
    raise ModelFileError(f"{_where(h5file)} is an HDF5 file but not a Keras model or weights "
                         f"file (top-level entries: {sorted(keys)[:10]}).")


def _write_vars(h5file, path, label, arrays):
    """Create ``<path>/vars`` with a ``name`` attribute and datasets ``0, 1, ...``."""
    group = h5file.create_group(f"{path}/vars" if path else "vars")
    if label is not None:
        group.attrs["name"] = label
    for i, array in enumerate(arrays):
        group.create_dataset(str(i), data=np.asarray(array))


def write_weight_tree(h5file, layers, optimizer=None, model_name=None):
    """Write the Keras 3 weights layout (what ``model.save_weights('x.weights.h5')`` writes).

    Args:
        h5file: an ``h5py.File`` open for writing.
        layers: list of :class:`LayerWeights` (or ``(class_name, name, variables)`` tuples)
            in model order, without the ``InputLayer``; layers without weights included.
            ``variables`` is a list of ``(name, array)`` pairs or of bare arrays.
        optimizer: :class:`OptimizerWeights` (or ``(name, variables)``), or ``None`` for
            an uncompiled model; default ``None``.
        model_name: the model's name for the root ``vars`` group's ``name`` attribute;
            default ``None`` (no attribute).
    """
    layers = [LayerWeights(*layer) for layer in layers]
    _write_vars(h5file, "", model_name, [])
    for key, layer in zip(keras3_layer_keys([l.class_name for l in layers]), layers):
        _write_vars(h5file, f"layers/{key}", layer.name, _arrays(layer.variables))
    if optimizer is not None:
        optimizer = OptimizerWeights(*optimizer)
        _write_vars(h5file, "optimizer", optimizer.name, _arrays(optimizer.variables))


def _arrays(variables):
    """``[(name, array)]`` or ``[array]`` -> ``[array]``."""
    return [v[1] if isinstance(v, tuple) else v for v in variables]


# ----------------------------------------------------------------------------------------------
# Legacy layout: model_weights/<layer>/<weight name>
# ----------------------------------------------------------------------------------------------

def _resolve(group, path, where):
    """Follow a ``/``-separated name from ``group`` through hard links only."""
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise ModelFileError(f"Refusing {where}: the weight name {path!r} has an empty, '.' "
                             "or '..' component.")
    obj = group
    for part in parts:
        if not isinstance(obj, h5py.Group):
            raise ModelFileError(f"{where}: {obj.name!r} is a dataset, expected a group on "
                                 f"the way to {path!r}.")
        obj = _hard_child(obj, part, where)
    return obj


def _read_named(group, names, where, max_bytes):
    """Read the datasets listed by a ``weight_names`` attribute, in that order."""
    variables = []
    for name in names:
        ds = _resolve(group, name, where)
        if not isinstance(ds, h5py.Dataset):
            raise ModelFileError(f"{where}: {ds.name!r} is a group, expected the weight "
                                 f"{name!r}.")
        variables.append((name, read_dataset(ds, where, max_bytes)))
    return variables


def read_legacy_h5(h5file, where=None, max_array_bytes=DEFAULT_MAX_ARRAY_BYTES,
                   max_total_bytes=DEFAULT_MAX_TOTAL_BYTES):
    """Read a legacy Keras ``.h5`` model (or Keras 2 weights-only ``.h5``) with all checks.

    Args:
        h5file: an open ``h5py.File`` (e.g. from :func:`open_h5`).
        where: the file's description for messages; default derived from ``h5file``.
        max_array_bytes: largest single array; default ``DEFAULT_MAX_ARRAY_BYTES``.
        max_total_bytes: largest total; default ``DEFAULT_MAX_TOTAL_BYTES``.
    Returns:
        :class:`LegacyH5`.
    Raises:
        ModelFileError: anything :func:`check_h5_tree` refuses, invalid JSON in the
            configuration attributes, a ``layer_names`` / ``weight_names`` entry that does
            not exist in the file, or a file that is not in the legacy layout.
    """
    where = where or _where(h5file)
    check_h5_tree(h5file, where, max_array_bytes, max_total_bytes)
    model_config = _json_attr(h5file, "model_config", where)
    training_config = _json_attr(h5file, "training_config", where)
    versions = {}
    for key in ("keras_version", "backend"):
        value = read_attr(h5file, key, where=where)
        versions[key] = value if isinstance(value, str) else None
    if "model_weights" in h5file:
        weights_group = _hard_child(h5file, "model_weights", where)
    elif "layer_names" in h5file.attrs:
        weights_group = h5file
    else:
        raise ModelFileError(f"Cannot load {where}: it has no 'model_weights' group and no "
                             "'layer_names' attribute, so it is not a legacy Keras .h5 file.")
    if not isinstance(weights_group, h5py.Group):
        raise ModelFileError(f"{where}: 'model_weights' should be a group.")
    layers = []
    for layer_name in read_string_list_attr(weights_group, "layer_names", where):
        layer_group = _resolve(weights_group, layer_name, where)
        if not isinstance(layer_group, h5py.Group):
            raise ModelFileError(f"{where}: the layer entry {layer_name!r} is not a group.")
        names = read_string_list_attr(layer_group, "weight_names", where)
        layers.append(LayerWeights(None, layer_name,
                                   _read_named(layer_group, names, where, max_array_bytes)))
    top_level = []
    if "top_level_model_weights" in weights_group:
        group = _hard_child(weights_group, "top_level_model_weights", where)
        if isinstance(group, h5py.Group):
            names = read_string_list_attr(group, "weight_names", where)
            top_level = _read_named(group, names, where, max_array_bytes)
    optimizer = None
    if "optimizer_weights" in h5file:
        group = _hard_child(h5file, "optimizer_weights", where)
        if isinstance(group, h5py.Group):
            names = read_string_list_attr(group, "weight_names", where)
            label = names[0].split("/", 1)[0] if names and "/" in names[0] else None
            optimizer = OptimizerWeights(label, _read_named(group, names, where,
                                                            max_array_bytes))
    return LegacyH5(model_config, training_config, versions["keras_version"],
                    versions["backend"], layers, optimizer, top_level)


def legacy_weight_name(model_name, layer_name, variable_name):
    """The weight name Keras 3 writes in legacy ``.h5`` files: ``'<model>/<layer>/<var>'``.

    Args:
        model_name: e.g. ``'sequential'``.
        layer_name: e.g. ``'dense'``.
        variable_name: e.g. ``'kernel'``.
    Returns:
        e.g. ``'sequential/dense/kernel'``.
    """
    return f"{model_name}/{layer_name}/{variable_name}"


def _write_name_list(group, name, names):
    """Write a list-of-names attribute as Keras does, split into pieces when too long."""
    data = [n.encode("utf-8") for n in names]
    if not data:
        group.attrs[name] = np.array([])
        return
    as_array = np.asarray(data)
    pieces = 1
    while any(p.nbytes > LEGACY_ATTR_LIMIT for p in np.array_split(as_array, pieces)):
        pieces += 1
    if pieces == 1:
        group.attrs[name] = data
    else:
        for i, piece in enumerate(np.array_split(as_array, pieces)):
            group.attrs[f"{name}{i}"] = piece


def _write_named(group, variables):
    """Write ``weight_names`` and one dataset per ``(name, array)`` under ``group``."""
    variables = [(str(n), np.asarray(a)) for n, a in variables]
    _write_name_list(group, "weight_names", [n for n, _ in variables])
    for name, array in variables:
        group.create_dataset(name, data=array)


def write_legacy_h5(h5file, model_config, layers, training_config=None, optimizer=None,
                    keras_version=KERAS_FORMAT_VERSION, backend="numpy"):
    """Write the legacy single-file ``.h5`` layout that ``model.save('m.h5')`` writes.

    Args:
        h5file: an ``h5py.File`` open for writing.
        model_config: ``{"class_name": "Sequential", "config": {...}}`` (legacy style: layer
            entries carry ``class_name`` and ``config``).
        layers: list of :class:`LayerWeights` (or ``(class_name, name, variables)``) in
            model order, layers without weights included; each variable's name is its full
            weight name, e.g. from :func:`legacy_weight_name`.
        training_config: the compile settings dict (``loss``, ``metrics``,
            ``optimizer_config``...) or ``None`` for an uncompiled model; default ``None``.
        optimizer: :class:`OptimizerWeights` whose variable names are like
            ``'adam/iteration'``, or ``None``; default ``None``.
        keras_version: the ``keras_version`` attribute; default ``KERAS_FORMAT_VERSION``.
        backend: the ``backend`` attribute; default ``'numpy'`` (a Keras backend name).
    """
    layers = [LayerWeights(*layer) for layer in layers]
    h5file.attrs["keras_version"] = keras_version
    h5file.attrs["backend"] = backend
    h5file.attrs["model_config"] = to_json_bytes(model_config)
    if training_config is not None:
        h5file.attrs["training_config"] = to_json_bytes(training_config)
    weights_group = h5file.create_group("model_weights")
    _write_name_list(weights_group, "layer_names", [layer.name for layer in layers])
    weights_group.attrs["backend"] = backend.encode("utf-8")
    weights_group.attrs["keras_version"] = keras_version.encode("utf-8")
    for layer in sorted(layers, key=lambda l: l.name):
        _write_named(weights_group.create_group(layer.name), layer.variables)
    _write_named(weights_group.create_group("top_level_model_weights"), [])
    if optimizer is not None:
        optimizer = OptimizerWeights(*optimizer)
        if optimizer.variables:
            _write_named(h5file.create_group("optimizer_weights"), optimizer.variables)


def write_legacy_weights_h5(h5file, layers, keras_version=KERAS_FORMAT_VERSION,
                            backend="numpy"):
    """Write the Keras 2 weights-only layout (``model.save_weights('w.h5')`` in Keras 2).

    The root carries ``layer_names``, ``backend`` and ``keras_version``; each layer has a
    group with a ``weight_names`` attribute and one dataset per weight. Keras 3 reads it with
    ``model.load_weights('w.h5')`` (its legacy path), as does Keras 2; :func:`read_legacy_h5`
    reads it back (``model_config`` is then ``None``).

    Args:
        h5file: an ``h5py.File`` open for writing.
        layers: list of :class:`LayerWeights` in model order (layers without weights
            included), each variable named by its full weight name.
        keras_version: the ``keras_version`` attribute; default ``KERAS_FORMAT_VERSION``.
        backend: the ``backend`` attribute; default ``'numpy'``.
    """
    layers = [LayerWeights(*layer) for layer in layers]
    _write_name_list(h5file, "layer_names", [layer.name for layer in layers])
    h5file.attrs["backend"] = backend.encode("utf-8")
    h5file.attrs["keras_version"] = keras_version.encode("utf-8")
    for layer in layers:
        _write_named(h5file.create_group(layer.name), layer.variables)
