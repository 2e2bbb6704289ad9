"""Read and write the Keras 3 ``.keras`` zip archive without trusting its contents.

A ``.keras`` file is a zip with three members, stored uncompressed, in this order:
``metadata.json``, ``config.json``, ``model.weights.h5`` (and, for a few layer kinds, files
under ``assets/``). See ``docs/file-formats.md``.

Reading (:func:`read_keras_zip`) opens the zip with :mod:`zipfile`, checks every member name
(no ``..``, no absolute paths, no backslashes, no duplicates), reads only the members it
expects, by exact name, and bounds every size twice: the declared size (and the declared
compression ratio) before any byte is decompressed, and the bytes actually produced while
streaming them out in chunks, so a lying header cannot blow up memory. Nothing else in the
archive is read or extracted, and nothing is ever written to disk.
"""
import collections
import datetime
import io
import json
import struct
import zipfile

import numpy as np

from numnet.saving.atomic import atomic_write_with
from numnet.saving.errors import ModelFileError
from numnet.saving.safe_json import MAX_JSON_BYTES, parse_json_object

CONFIG_NAME = "config.json"
METADATA_NAME = "metadata.json"
WEIGHTS_NAME = "model.weights.h5"
ASSETS_PREFIX = "assets/"

KERAS_FORMAT_VERSION = "3.15.1"
"""The Keras release whose ``.keras`` layout numnet writes (``metadata.json``'s
``keras_version``); Keras itself does not read this field when loading."""

DEFAULT_MAX_WEIGHTS_BYTES = 2 * 1024 ** 3
"""Default largest ``model.weights.h5`` accepted (2 GiB)."""

MAX_JSON_RATIO = 200
"""Largest accepted uncompressed/compressed ratio for a JSON member (real JSON: under 20)."""

MAX_WEIGHTS_RATIO = 100
"""Largest accepted ratio for the weights member. Keras and numnet store weights
uncompressed (1:1); float weights re-zipped with deflate shrink by less than 10:1 even when
much of the optimizer state is still zero. A higher ratio (up to DEFLATE's ~1032:1) is a
decompression bomb: a 2 MiB member that would fill 2 GiB."""

MAX_MEMBERS = 10_000
"""Most members accepted in one archive (Keras writes 3 plus a few assets)."""

_RATIO_FLOOR_BYTES = 64 * 1024  # below this a ratio says nothing (tiny members compress oddly)
_CHUNK_BYTES = 1024 * 1024
_ALLOWED_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}
_PARSE_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError,
                 NotImplementedError, OverflowError, struct.error, IndexError, KeyError,
                 RuntimeError, UnicodeDecodeError)

KerasArchive = collections.namedtuple("KerasArchive", "config metadata weights asset_names")
KerasArchive.__doc__ = """The checked contents of a ``.keras`` file.

Fields:
    config: the ``config.json`` object (dict), not yet checked against the class registry
        (see ``numnet.saving.registry.check_config``).
    metadata: the ``metadata.json`` object (dict; ``{}`` when the member is absent).
    weights: the ``model.weights.h5`` member as ``bytes`` (open it with
        ``numnet.saving.safe_h5.open_h5``).
    asset_names: tuple of member names under ``assets/`` (listed, never read).
"""


def _describe(source):
    """A short name for ``source`` in error messages."""
    if isinstance(source, (str, bytes)) or hasattr(source, "__fspath__"):
        return repr(str(source))
    return "the file object"


def check_member_name(name, where):
    """Refuse a zip member name that could point outside the archive or is ambiguous.

    Args:
        name: the member name as stored in the zip.
        where: the archive's description for the error message.
    Raises:
        ModelFileError: the name is empty, absolute (``/x``, ``C:x``), contains a
            backslash, a NUL or a ``..`` / ``.`` / empty path component.
    """
    problem = None
    body = name[:-1] if name.endswith("/") else name  # folder entries end with '/'
    if not body:
        problem = "it is empty"
    elif "\\" in name:
        problem = "it contains a backslash"
    elif "\x00" in name:
        problem = "it contains a NUL character"
    elif name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        problem = "it is an absolute path"
    elif any(part in ("", ".", "..") for part in body.split("/")):
        problem = "it contains a '..', '.' or empty path component"
    if problem:
        raise ModelFileError(f"Refusing {where}: the archive member name {name!r} is unsafe "
                             f"({problem}). A .keras file written by Keras or numnet never "
                             "contains such names.")


def _check_members(infos, where):
    """Check every member name and count; return ``{name: ZipInfo}``."""
    if len(infos) > MAX_MEMBERS:
        raise ModelFileError(f"Refusing {where}: it has {len(infos):,} members, more than the "
                             f"{MAX_MEMBERS:,} a model archive can plausibly hold.")
    members = {}
    for info in infos:
        check_member_name(info.filename, where)
        if info.filename in members:
            raise ModelFileError(f"Refusing {where}: the member {info.filename!r} appears "
                                 "twice, so which one is meant is ambiguous.")
        members[info.filename] = info
    return members


def _check_declared(info, where, max_bytes, max_ratio):
    """Check a member's header (method, encryption, sizes, ratio) before reading any byte."""
    name = info.filename
    if info.flag_bits & 0x1:
        raise ModelFileError(f"Refusing {where}: the member {name!r} is encrypted.")
    if info.compress_type not in _ALLOWED_METHODS:
        raise ModelFileError(f"Refusing {where}: the member {name!r} uses compression method "
                             f"{info.compress_type}; only stored (0) and deflate (8) are "
                             "accepted.")
    if info.file_size > max_bytes:
        raise ModelFileError(f"Refusing {where}: the member {name!r} declares "
                             f"{info.file_size:,} bytes, over the limit of {max_bytes:,}.")
    if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
        raise ModelFileError(f"Refusing {where}: the stored member {name!r} declares "
                             f"{info.file_size:,} bytes but occupies {info.compress_size:,}; "
                             "the archive is damaged.")
    if info.file_size > _RATIO_FLOOR_BYTES and info.file_size > max_ratio * info.compress_size:
        raise ModelFileError(f"Refusing {where}: the member {name!r} would expand from "
                             f"{info.compress_size:,} to {info.file_size:,} bytes, more than "
                             f"{max_ratio}:1 (a decompression bomb).")


def _read_member(zf, info, where, max_bytes, max_ratio):
    """Read one member in chunks, enforcing the limits on the bytes actually produced."""
    _check_declared(info, where, max_bytes, max_ratio)
    limit = min(max_bytes, info.file_size)
    ratio_cap = max(_RATIO_FLOOR_BYTES, max_ratio * info.compress_size)
    chunks, total = [], 0
    with zf.open(info, "r") as stream:
        while True:
            chunk = stream.read(_CHUNK_BYTES)
            if not chunk:
                break
            total += len(chunk)
            if total > limit or total > ratio_cap:
                raise ModelFileError(f"Refusing {where}: the member {info.filename!r} "
                                     f"produces more bytes than it declares "
                                     f"({info.file_size:,}); the archive is damaged or "
                                     "hostile.")
            chunks.append(chunk)
    if total != info.file_size:
        raise ModelFileError(f"Refusing {where}: the member {info.filename!r} holds {total:,} "
                             f"bytes but declares {info.file_size:,}; the archive is damaged.")
    return b"".join(chunks)


def read_keras_zip(source, max_weights_bytes=DEFAULT_MAX_WEIGHTS_BYTES,
                   max_json_bytes=MAX_JSON_BYTES):
    """Read the parts of a ``.keras`` archive that numnet needs, with every check applied.

    Args:
        source: path (``str`` / ``os.PathLike``) of the ``.keras`` file, or a binary file
            object open for reading.
        max_weights_bytes: largest ``model.weights.h5`` accepted, in bytes; default
            ``DEFAULT_MAX_WEIGHTS_BYTES`` (2 GiB).
        max_json_bytes: largest ``config.json`` / ``metadata.json`` accepted; default
            ``MAX_JSON_BYTES`` (16 MiB).
    Returns:
        A :class:`KerasArchive` ``(config, metadata, weights, asset_names)``.
    Raises:
        ModelFileError: not a zip archive, an unsafe or duplicate member name, a missing
            ``config.json`` or ``model.weights.h5``, weights stored as ``.npz``, a member
            over its size or ratio limit, a damaged member (CRC or size mismatch), invalid
            JSON.
        FileNotFoundError, PermissionError: the file cannot be opened at all.
    """
    where = _describe(source)
    if isinstance(source, (str, bytes)) or hasattr(source, "__fspath__"):
        with open(source, "rb") as f:  # OS errors (missing file...) propagate unchanged
            return _read_open_zip(f, where, max_weights_bytes, max_json_bytes)
    return _read_open_zip(source, where, max_weights_bytes, max_json_bytes)


def _read_open_zip(fileobj, where, max_weights_bytes, max_json_bytes):
    """:func:`read_keras_zip` on an open binary file object."""
    try:
        zf = zipfile.ZipFile(fileobj, "r")
    except _PARSE_ERRORS as exc:
        raise ModelFileError(f"Cannot load {where}: it is not a .keras file (not a valid zip "
                             f"archive: {exc}). Legacy HDF5 models end in '.h5'.") from None
    with zf:
        try:
            members = _check_members(zf.infolist(), where)
            if CONFIG_NAME not in members:
                raise ModelFileError(f"Cannot load {where}: the archive has no "
                                     f"{CONFIG_NAME!r}, so it is not a Keras model file.")
            if WEIGHTS_NAME not in members:
                if "model.weights.npz" in members:
                    raise ModelFileError(f"Cannot load {where}: its weights are stored as "
                                         "'model.weights.npz', which numnet does not read; "
                                         "re-save it in Keras with the default h5 weights.")
                raise ModelFileError(f"Cannot load {where}: the archive has no "
                                     f"{WEIGHTS_NAME!r}.")
            config = parse_json_object(
                _read_member(zf, members[CONFIG_NAME], where, max_json_bytes, MAX_JSON_RATIO),
                f"{CONFIG_NAME!r} in {where}", max_bytes=max_json_bytes)
            metadata = {}
            if METADATA_NAME in members:
                metadata = parse_json_object(
                    _read_member(zf, members[METADATA_NAME], where, max_json_bytes,
                                 MAX_JSON_RATIO),
                    f"{METADATA_NAME!r} in {where}", max_bytes=max_json_bytes)
            weights = _read_member(zf, members[WEIGHTS_NAME], where, max_weights_bytes,
                                   MAX_WEIGHTS_RATIO)
        except ModelFileError:
            raise
        except _PARSE_ERRORS as exc:
            raise ModelFileError(f"Cannot load {where}: the archive is damaged ({exc}).") \
                from None
    assets = tuple(n for n in members if n.startswith(ASSETS_PREFIX) and not n.endswith("/"))
    return KerasArchive(config, metadata, weights, assets)


def make_metadata(keras_version=KERAS_FORMAT_VERSION, **extra):
    """Build the ``metadata.json`` object Keras writes: version and save date.

    Args:
        keras_version: the ``keras_version`` field; default ``KERAS_FORMAT_VERSION``.
        **extra: more JSON-able fields to include (e.g. ``numnet_version='0.1.0'``).
    Returns:
        ``{"keras_version": ..., "date_saved": "YYYY-MM-DD@HH:MM:SS", **extra}``.
    """
    date = datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")
    return {"keras_version": keras_version, "date_saved": date, **extra}


def _json_default(value):
    """``json.dumps`` fallback: NumPy scalars and arrays to Python values; others refused."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"Cannot write a {type(value).__name__} ({value!r}) into a model "
                    "configuration; get_config() must return JSON types only.")


def to_json_bytes(obj):
    """Serialise a configuration the way Keras does (``json.dumps``, no indentation), UTF-8.

    Args:
        obj: a dict of JSON types (NumPy scalars and arrays are converted).
    Returns:
        ``bytes``.
    """
    return json.dumps(obj, default=_json_default).encode("utf-8")


def _weights_bytes(weights):
    """Turn the ``weights`` argument of :func:`write_keras_zip` into the h5 file's bytes."""
    if isinstance(weights, (bytes, bytearray, memoryview)):
        return bytes(weights)
    if not callable(weights):
        raise TypeError("`weights_writer` must be a callable taking an open h5py.File, or the "
                        f"bytes of an HDF5 file; received {type(weights).__name__}.")
    import h5py

    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as h5file:
        weights(h5file)
    return buffer.getvalue()


def write_keras_zip(path, config, metadata, weights_writer):
    """Write a ``.keras`` archive atomically, with the member layout Keras uses.

    Members, in order, all stored uncompressed: ``metadata.json``, ``config.json``,
    ``model.weights.h5``. The weights are built in memory first, so nothing touches ``path``
    until everything has been produced; then the zip goes to a temporary file beside
    ``path`` and is renamed over it (see :mod:`numnet.saving.atomic`).

    Args:
        path: the ``.keras`` file to create or replace.
        config: the model configuration dict (``config.json``).
        metadata: the metadata dict (``metadata.json``), e.g. from :func:`make_metadata`.
        weights_writer: a callable ``weights_writer(h5file)`` that fills an ``h5py.File``
            open for writing (e.g. with ``numnet.saving.safe_h5.write_weight_tree``), or
            the bytes of a complete HDF5 file.
    Raises:
        TypeError: ``config`` or ``metadata`` is not a dict or holds non-JSON values.
        FileNotFoundError: the folder of ``path`` does not exist.
    """
    for arg, value in (("config", config), ("metadata", metadata)):
        if not isinstance(value, dict):
            raise TypeError(f"`{arg}` must be a dict, received {type(value).__name__}.")
    config_bytes = to_json_bytes(config)
    metadata_bytes = to_json_bytes(metadata)
    weights = _weights_bytes(weights_writer)

    def write(temp_path):
        with zipfile.ZipFile(temp_path, "w", compression=zipfile.ZIP_STORED) as zf:
            with zf.open(METADATA_NAME, "w") as member:
                member.write(metadata_bytes)
            with zf.open(CONFIG_NAME, "w") as member:
                member.write(config_bytes)
            zf.writestr(WEIGHTS_NAME, weights)

    atomic_write_with(path, write)
