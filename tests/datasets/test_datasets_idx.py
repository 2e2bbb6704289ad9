"""IDX reading and writing: round trips, magic numbers, truncation, size checks."""
import gzip
import os
import struct

import numpy as np
import pytest

from numnet.datasets import idx
from numnet.datasets.idx import DatasetError


@pytest.mark.parametrize("name", ["images-idx3-ubyte", "images-idx3-ubyte.gz"])
def test_round_trip_images_plain_and_gzip(tmp_path, name):
    images = np.arange(5 * 28 * 28, dtype=np.uint8).reshape(5, 28, 28)
    path = str(tmp_path / name)
    idx.write_idx(path, images)
    with open(path, "rb") as f:
        assert (f.read(2) == b"\x1f\x8b") == name.endswith(".gz")
    out = idx.read_images(path)
    assert out.dtype == np.uint8 and out.shape == (5, 28, 28)
    np.testing.assert_array_equal(out, images)
    assert out.flags.writeable
    assert idx.read_idx_header(path) == (np.dtype(">u1"), (5, 28, 28))
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".part")]


def test_header_layout_matches_the_idx_specification(tmp_path):
    path = str(tmp_path / "labels-idx1-ubyte")
    idx.write_idx(path, np.array([3, 1, 4], dtype=np.uint8))
    with open(path, "rb") as f:
        data = f.read()
    assert data[:4] == struct.pack(">I", 0x00000801)
    assert data[4:8] == struct.pack(">I", 3)
    assert data[8:] == bytes([3, 1, 4])


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32", "float32", "float64"])
def test_round_trip_other_types_big_endian(tmp_path, dtype):
    array = (np.arange(12).reshape(3, 4) - 5).astype(dtype)
    path = str(tmp_path / "x.idx")
    idx.write_idx(path, array)
    out = idx.read_idx(path)
    assert out.dtype == np.dtype(dtype) and out.dtype.isnative
    np.testing.assert_array_equal(out, array)


def test_write_refuses_unsupported_dtype(tmp_path):
    with pytest.raises(TypeError, match="uint8"):
        idx.write_idx(str(tmp_path / "x"), np.zeros(3, dtype=np.uint64))


def test_labels_read_and_range_checked(tmp_path):
    path = str(tmp_path / "labels-idx1-ubyte.gz")
    idx.write_idx(path, np.array([0, 9, 3], dtype=np.uint8))
    np.testing.assert_array_equal(idx.read_labels(path), [0, 9, 3])
    idx.write_idx(path, np.array([0, 10], dtype=np.uint8))
    with pytest.raises(DatasetError, match=r"label 10.*0\.\.9"):
        idx.read_labels(path)


def test_swapped_files_give_magic_error(tmp_path):
    labels = str(tmp_path / "labels.gz")
    images = str(tmp_path / "images.gz")
    idx.write_idx(labels, np.zeros(4, dtype=np.uint8))
    idx.write_idx(images, np.zeros((4, 28, 28), dtype=np.uint8))
    with pytest.raises(DatasetError, match=r"0x00000801.*0x00000803"):
        idx.read_images(labels)
    with pytest.raises(DatasetError, match="magic number 0x00000803"):
        idx.read_labels(images)


def test_not_an_idx_file(tmp_path):
    path = tmp_path / "page.html"
    path.write_bytes(b"<html>Not found</html>")
    with pytest.raises(DatasetError, match="is not an IDX file"):
        idx.read_idx(str(path))
    assert issubclass(DatasetError, ValueError)


def test_wrong_image_size(tmp_path):
    path = str(tmp_path / "images")
    idx.write_idx(path, np.zeros((2, 8, 8), dtype=np.uint8))
    with pytest.raises(DatasetError, match="8x8 pixels; expected 28x28"):
        idx.read_images(path)
    assert idx.read_images(path, image_shape=None).shape == (2, 8, 8)


def test_truncated_plain_file_detected_from_size(tmp_path):
    path = tmp_path / "images"
    idx.write_idx(str(path), np.zeros((3, 28, 28), dtype=np.uint8))
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(DatasetError, match="truncated"):
        idx.read_images(str(path))


def test_plain_file_with_trailing_bytes(tmp_path):
    path = tmp_path / "labels"
    idx.write_idx(str(path), np.zeros(3, dtype=np.uint8))
    path.write_bytes(path.read_bytes() + b"\x00")
    with pytest.raises(DatasetError, match="too long"):
        idx.read_labels(str(path))


def test_truncated_gzip_payload(tmp_path):
    path = tmp_path / "images.gz"
    raw = struct.pack(">IIII", 0x803, 3, 28, 28) + bytes(100)  # header promises 2352 bytes
    path.write_bytes(gzip.compress(raw))
    with pytest.raises(DatasetError, match="truncated.*2352 bytes but only 100"):
        idx.read_images(str(path))


def test_gzip_with_extra_data(tmp_path):
    path = tmp_path / "labels.gz"
    path.write_bytes(gzip.compress(struct.pack(">II", 0x801, 2) + bytes(5)))
    with pytest.raises(DatasetError, match="too long"):
        idx.read_labels(str(path))


def test_cut_gzip_stream_is_reported_as_damaged_or_truncated(tmp_path):
    path = tmp_path / "images.gz"
    idx.write_idx(str(path), np.random.default_rng(0).integers(0, 255, (20, 28, 28), np.uint8))
    path.write_bytes(path.read_bytes()[:-200])
    with pytest.raises(DatasetError, match="damaged|truncated"):
        idx.read_images(str(path))


def test_huge_header_refused_before_reading(tmp_path):
    path = tmp_path / "images"
    path.write_bytes(struct.pack(">IIII", 0x803, 4_000_000_000, 28, 28))
    with pytest.raises(DatasetError, match="more than"):
        idx.read_images(str(path))


def test_truncated_header(tmp_path):
    path = tmp_path / "images"
    path.write_bytes(struct.pack(">I", 0x803) + b"\x00\x00")
    with pytest.raises(DatasetError, match="truncated.*dimensions"):
        idx.read_idx(str(path))
