"""Read and write IDX files, the format of MNIST and Fashion-MNIST (plain or gzip-compressed).

An IDX file is a 4-byte magic number, one big-endian ``uint32`` per dimension, then the data in
C order, big-endian::

    magic = 0x00 0x00 <type code> <number of dimensions>
    0x00000803  ->  unsigned bytes, 3 dimensions (images: count, rows, cols)
    0x00000801  ->  unsigned bytes, 1 dimension  (labels: count)

Files are untrusted: the header is checked before anything else is read, the announced size is
compared with the real size (exactly for plain files, by a bounded read for gzip files whose
size is only known after decompression), and every problem raises ``DatasetError`` naming the
file, what was found and what was expected.
"""
import gzip
import os
import struct
import tempfile
import zlib

import numpy as np

# IDX type code -> big-endian NumPy dtype.
IDX_DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
IDX_TYPE_NAMES = {0x08: "ubyte", 0x09: "byte", 0x0B: "short", 0x0C: "int", 0x0D: "float",
                  0x0E: "double"}
IMAGES_MAGIC = 0x00000803
LABELS_MAGIC = 0x00000801
MAX_DATA_BYTES = 1 << 30  # refuse to read more than 1 GiB of payload from one file
_GZIP_SIGNATURE = b"\x1f\x8b"
_CHUNK = 1 << 20


class DatasetError(ValueError):
    """A dataset file is missing, damaged, or not what it claims to be."""


def _open(path):
    """Open ``path`` for binary reading, decompressing when it starts with the gzip signature."""
    raw = open(path, "rb")
    try:
        signature = raw.read(2)
        raw.seek(0)
    except OSError:
        raw.close()
        raise
    if signature == _GZIP_SIGNATURE:
        return gzip.GzipFile(fileobj=raw, mode="rb"), raw, True
    return raw, raw, False


def _read_exact(stream, n, path, what):
    """Read exactly ``n`` bytes in bounded chunks or raise ``DatasetError`` (truncated file)."""
    parts = []
    remaining = n
    try:
        while remaining > 0:
            chunk = stream.read(min(remaining, _CHUNK))
            if not chunk:
                break
            parts.append(chunk)
            remaining -= len(chunk)
    except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        raise DatasetError(f"IDX file {path!r} is damaged: reading its {what} failed ({exc}).") from exc
    if remaining:
        raise DatasetError(
            f"IDX file {path!r} is truncated: its {what} needs {n} bytes but only {n - remaining} "
            "are there. Delete the file and download it again."
        )
    return b"".join(parts)


def _parse_header(stream, path, expected_magic=None):
    """Read the magic number and the dimensions; return ``(dtype, shape, header_size)``."""
    magic_bytes = _read_exact(stream, 4, path, "magic number")
    magic = struct.unpack(">I", magic_bytes)[0]
    zero, code, ndim = magic >> 16, (magic >> 8) & 0xFF, magic & 0xFF
    if zero != 0 or code not in IDX_DTYPES or ndim == 0:
        raise DatasetError(
            f"{path!r} is not an IDX file: magic number 0x{magic:08X} (expected 0x0000TTDD with a "
            f"type code TT in {', '.join(f'0x{c:02X}' for c in IDX_DTYPES)} and DD >= 1 "
            "dimensions, e.g. 0x00000803 for images or 0x00000801 for labels)."
        )
    if expected_magic is not None and magic != expected_magic:
        raise DatasetError(
            f"IDX file {path!r} has magic number 0x{magic:08X} ({IDX_TYPE_NAMES[code]}, {ndim} "
            f"dimension(s)) but 0x{expected_magic:08X} was expected "
            f"({_describe_magic(expected_magic)}). Are the image and label files swapped?"
        )
    shape = struct.unpack(f">{ndim}I", _read_exact(stream, 4 * ndim, path, "dimensions"))
    return IDX_DTYPES[code], tuple(int(d) for d in shape), 4 + 4 * ndim


def _describe_magic(magic):
    code, ndim = (magic >> 8) & 0xFF, magic & 0xFF
    kind = {IMAGES_MAGIC: "images", LABELS_MAGIC: "labels"}.get(magic, "data")
    return f"{kind}: {IDX_TYPE_NAMES.get(code, '?')}, {ndim} dimension(s)"


def read_idx_header(path, expected_magic=None):
    """Read only the header of an IDX file.

    Args:
        path: path of a plain or gzip-compressed IDX file.
        expected_magic: the magic number the file must have (e.g. ``IMAGES_MAGIC``), or None
            (default) to accept any valid one.
    Returns:
        ``(dtype, shape)``: the big-endian NumPy dtype and the shape tuple the header announces.
    Raises:
        DatasetError: not an IDX file, unexpected magic number, or truncated header.
    """
    stream, raw, _ = _open(path)
    try:
        dtype, shape, _ = _parse_header(stream, path, expected_magic)
    finally:
        stream.close()
        raw.close()
    return dtype, shape


def read_idx(path, expected_magic=None, max_bytes=MAX_DATA_BYTES):
    """Read a whole IDX file into a NumPy array (native byte order).

    Args:
        path: path of a plain or gzip-compressed IDX file (detected by content, not by name).
        expected_magic: the magic number the file must have, e.g. ``IMAGES_MAGIC``
            (``0x00000803``) or ``LABELS_MAGIC`` (``0x00000801``); None (default) accepts any.
        max_bytes: the largest payload accepted (default 1 GiB); a header announcing more is
            refused before anything is read.
    Returns:
        An array of the shape in the header, e.g. ``(60000, 28, 28)`` ``uint8`` for images.
    Raises:
        DatasetError: wrong magic number, payload too large, truncated data or trailing bytes.
    """
    stream, raw, compressed = _open(path)
    try:
        dtype, shape, header_size = _parse_header(stream, path, expected_magic)
        n_bytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
        if n_bytes > max_bytes:
            raise DatasetError(
                f"IDX file {path!r} announces shape {shape} ({n_bytes} bytes of data), more than "
                f"the {max_bytes} bytes allowed."
            )
        if not compressed:
            actual = os.fstat(raw.fileno()).st_size - header_size
            if actual != n_bytes:
                problem = "truncated" if actual < n_bytes else "too long"
                raise DatasetError(
                    f"IDX file {path!r} is {problem}: its header announces shape {shape}, i.e. "
                    f"{n_bytes} bytes of data, but {actual} bytes follow the header."
                )
        data = _read_exact(stream, n_bytes, path, f"data of shape {shape}")
        if compressed and _has_more(stream, path):
            raise DatasetError(
                f"IDX file {path!r} is too long: data continues after the {n_bytes} bytes that "
                f"its header (shape {shape}) announces."
            )
    finally:
        stream.close()
        raw.close()
    return np.frombuffer(data, dtype=dtype).reshape(shape).astype(dtype.newbyteorder("="))


def _has_more(stream, path):
    """Return True when at least one more byte can be read from ``stream``."""
    try:
        return bool(stream.read(1))
    except (OSError, EOFError, zlib.error) as exc:
        raise DatasetError(f"IDX file {path!r} is damaged after its data ({exc}).") from exc


def read_images(path, image_shape=(28, 28)):
    """Read an IDX image file (magic ``0x00000803``, unsigned bytes).

    Args:
        path: the ``*-images-idx3-ubyte[.gz]`` file.
        image_shape: the required ``(rows, cols)`` of each image (default ``(28, 28)``), or None
            to accept any.
    Returns:
        ``uint8`` array of shape ``(count, rows, cols)``.
    """
    images = read_idx(path, expected_magic=IMAGES_MAGIC)
    if image_shape is not None and images.shape[1:] != tuple(image_shape):
        raise DatasetError(
            f"IDX image file {path!r} holds images of {images.shape[1]}x{images.shape[2]} pixels; "
            f"expected {image_shape[0]}x{image_shape[1]}."
        )
    return images


def read_labels(path, num_classes=10):
    """Read an IDX label file (magic ``0x00000801``, unsigned bytes).

    Args:
        path: the ``*-labels-idx1-ubyte[.gz]`` file.
        num_classes: labels must lie in ``0 .. num_classes - 1`` (default 10), or None to accept
            any byte value.
    Returns:
        ``uint8`` array of shape ``(count,)``.
    """
    labels = read_idx(path, expected_magic=LABELS_MAGIC)
    if num_classes is not None and labels.size and int(labels.max()) >= num_classes:
        raise DatasetError(
            f"IDX label file {path!r} contains label {int(labels.max())}; labels must lie in "
            f"0..{num_classes - 1}."
        )
    return labels


def write_idx(path, array, compress=None):
    """Write ``array`` as an IDX file, atomically (temp file in the same folder, fsync, rename).

    Args:
        path: destination; gzip-compressed when ``compress`` is True, or when it is None
            (default) and ``path`` ends with ``.gz``.
        array: array-like with at least one dimension and a dtype among uint8, int8, int16,
            int32, float32, float64; each dimension must be below 2**32.
        compress: True, False or None (decide from the file name).
    Returns:
        ``path``.
    """
    array = np.asarray(array)
    codes = {np.dtype(v).newbyteorder("="): k for k, v in IDX_DTYPES.items()}
    native = array.dtype.newbyteorder("=")
    if native not in codes:
        raise TypeError(
            f"write_idx: array dtype {array.dtype} cannot be stored in IDX; use one of uint8, "
            "int8, int16, int32, float32, float64."
        )
    if array.ndim == 0 or array.ndim > 255 or any(d >= 2**32 for d in array.shape):
        raise ValueError(f"write_idx: array shape {array.shape} cannot be stored in IDX "
                         "(1 to 255 dimensions, each below 2**32).")
    code = codes[native]
    header = struct.pack(">I", (code << 8) | array.ndim)
    header += struct.pack(f">{array.ndim}I", *array.shape)
    payload = np.ascontiguousarray(array, dtype=IDX_DTYPES[code]).tobytes()
    if compress is None:
        compress = os.fspath(path).endswith(".gz")
    data = gzip.compress(header + payload, mtime=0) if compress else header + payload
    atomic_write_bytes(path, data)
    return path


def atomic_write_bytes(path, data):
    """Write ``data`` to ``path`` via a temp file in the same folder, fsync and ``os.replace``."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix="." + os.path.basename(path) + ".", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
