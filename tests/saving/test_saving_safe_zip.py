"""Tests for numnet.saving.safe_zip and safe_json: reading hostile .keras archives."""
import io
import json
import os
import pickle
import struct
import time
import tracemalloc
import warnings
import zipfile

import numpy as np
import pytest

from numnet.saving.errors import ModelFileError
from numnet.saving.safe_json import parse_json_object
from numnet.saving.safe_zip import (CONFIG_NAME, METADATA_NAME, WEIGHTS_NAME, make_metadata,
                                    read_keras_zip, write_keras_zip)

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        "fixtures", "keras")
CONFIG = {"module": "keras", "class_name": "Sequential", "config": {"layers": []}}


def refused(fn, match=None):
    """Assert ``fn()`` raises ModelFileError within one second; return the message."""
    start = time.perf_counter()
    with pytest.raises(ModelFileError, match=match) as info:
        fn()
    assert time.perf_counter() - start < 1.0
    return str(info.value)


def make_zip(members, compression=zipfile.ZIP_STORED):
    """Bytes of a zip with ``members`` = [(name, bytes)] written in order."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names
        with zipfile.ZipFile(buffer, "w", compression=compression) as zf:
            for name, data in members:
                zf.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return buffer.getvalue()


def valid_members(weights=b"\x89HDF\r\n\x1a\n fake"):
    return [(METADATA_NAME, b'{"keras_version": "3.15.1"}'),
            (CONFIG_NAME, json.dumps(CONFIG).encode()), (WEIGHTS_NAME, weights)]


def patch_uncompressed_size(data, name, size):
    """Rewrite ``name``'s declared uncompressed size in both zip headers (a lying header)."""
    data = bytearray(data)
    encoded = name.encode()
    for signature, size_at, name_len_at, name_at in ((b"PK\x03\x04", 22, 26, 30),
                                                     (b"PK\x01\x02", 24, 28, 46)):
        start = 0
        while True:
            pos = data.find(signature, start)
            if pos < 0:
                break
            name_len = struct.unpack_from("<H", data, pos + name_len_at)[0]
            if bytes(data[pos + name_at:pos + name_at + name_len]) == encoded:
                struct.pack_into("<I", data, pos + size_at, size)
            start = pos + 4
    return bytes(data)


def test_reads_valid_archive():
    archive = read_keras_zip(io.BytesIO(make_zip(valid_members())))
    assert archive.config == CONFIG
    assert archive.metadata == {"keras_version": "3.15.1"}
    assert archive.weights.startswith(b"\x89HDF")
    assert archive.asset_names == ()


def test_reads_real_keras_file():
    archive = read_keras_zip(os.path.join(FIXTURES, "mlp.keras"))
    assert archive.config["class_name"] == "Sequential"
    assert archive.metadata["keras_version"].startswith("3.")
    assert archive.weights[:8] == b"\x89HDF\r\n\x1a\n"


@pytest.mark.parametrize("data", [b"", b"not a zip at all", np.random.default_rng(0).bytes(4096),
                                  b"PK\x03\x04" + np.random.default_rng(1).bytes(200)],
                         ids=["empty", "text", "random", "zip-signature-then-random"])
def test_not_a_zip(data):
    message = refused(lambda: read_keras_zip(io.BytesIO(data)), "not a .keras file")
    assert "zip" in message


def test_truncated_archive(tmp_path):
    with open(os.path.join(FIXTURES, "mlp.keras"), "rb") as f:
        data = f.read()
    for cut in (10, len(data) // 3, len(data) // 2, len(data) - 30):
        path = tmp_path / "cut.keras"
        path.write_bytes(data[:cut])
        refused(lambda: read_keras_zip(path))


def test_missing_file_is_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_keras_zip(tmp_path / "missing.keras")


@pytest.mark.parametrize("name", ["../evil.json", "a/../../b", "/etc/passwd", "assets\\x.txt",
                                  "C:evil", "assets//x", "./config.json", "assets/../x"])
def test_unsafe_member_names(name):
    data = make_zip(valid_members() + [(name, b"x")])
    refused(lambda: read_keras_zip(io.BytesIO(data)), "unsafe")


def test_duplicate_member_names():
    data = make_zip(valid_members() + [(CONFIG_NAME, b'{"evil": 1}')])
    refused(lambda: read_keras_zip(io.BytesIO(data)), "appears twice")


def test_unknown_and_pickled_members_are_ignored():
    payload = pickle.dumps({"x": np.arange(3)})
    npy = io.BytesIO()
    np.save(npy, np.array([object()], dtype=object), allow_pickle=True)
    data = make_zip(valid_members() + [("model.weights.npy", npy.getvalue()),
                                       ("payload.pkl", payload), ("assets/vocab.txt", b"a\nb")])
    archive = read_keras_zip(io.BytesIO(data))
    assert archive.config == CONFIG
    assert archive.asset_names == ("assets/vocab.txt",)


def test_npz_weights_refused():
    members = valid_members()[:2] + [("model.weights.npz", b"PK...")]
    refused(lambda: read_keras_zip(io.BytesIO(make_zip(members))), "npz")


def test_missing_config_or_weights():
    members = valid_members()
    refused(lambda: read_keras_zip(io.BytesIO(make_zip(members[::2]))), "config.json")
    refused(lambda: read_keras_zip(io.BytesIO(make_zip(members[:2]))), "model.weights.h5")


def test_metadata_is_optional():
    archive = read_keras_zip(io.BytesIO(make_zip(valid_members()[1:])))
    assert archive.metadata == {}


def test_json_bomb_refused_by_ratio_quickly_with_bounded_memory():
    bomb = b"{" + b" " * (15 * 1024 * 1024) + b"}"  # 15 MiB of JSON that deflates ~1000:1
    data = make_zip([(CONFIG_NAME, bomb)] + valid_members()[2:], zipfile.ZIP_DEFLATED)
    assert len(data) < 100_000
    tracemalloc.start()
    try:
        refused(lambda: read_keras_zip(io.BytesIO(data)), "decompression bomb")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5 * 1024 * 1024


def test_declared_huge_member_refused_before_reading():
    data = make_zip(valid_members(), zipfile.ZIP_DEFLATED)
    data = patch_uncompressed_size(data, CONFIG_NAME, 0xFFFFFFFF)  # claims 4 GiB
    refused(lambda: read_keras_zip(io.BytesIO(data)), "over the limit")


def test_lying_small_header_cannot_inflate():
    big = b"[" + b"0," * 3_000_000 + b"0]"  # ~6 MB that deflates to a few KB
    members = [(METADATA_NAME, b"{}"), (CONFIG_NAME, b"{}"), (WEIGHTS_NAME, big)]
    data = patch_uncompressed_size(make_zip(members, zipfile.ZIP_DEFLATED), WEIGHTS_NAME, 100)
    tracemalloc.start()
    try:
        refused(lambda: read_keras_zip(io.BytesIO(data)))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5 * 1024 * 1024


def test_weights_limit_is_configurable():
    members = valid_members(weights=b"\x89HDF\r\n\x1a\n" + bytes(5000))
    data = make_zip(members)
    refused(lambda: read_keras_zip(io.BytesIO(data), max_weights_bytes=1000), "over the limit")
    assert len(read_keras_zip(io.BytesIO(data)).weights) == 5008


def test_crc_mismatch_refused():
    data = bytearray(make_zip(valid_members()))
    pos = data.find(b'"Sequential"')
    data[pos + 1] ^= 0x20  # flip a bit of the stored config: CRC no longer matches
    refused(lambda: read_keras_zip(io.BytesIO(bytes(data))), "damaged")


def test_unsupported_compression_refused():
    data = make_zip(valid_members(), zipfile.ZIP_BZIP2)
    refused(lambda: read_keras_zip(io.BytesIO(data)), "compression method")


@pytest.mark.parametrize("text, match", [
    (b"[1, 2]", "top level"), (b'"x"', "top level"), (b"{", "not valid JSON"),
    (b'{"a": 1, "a": 2}', "duplicate key"), (b"\xff\xfe{}", "UTF-8"),
    (b"[" * 100_000 + b"]" * 100_000, "deep"),
    (b'{"a":' * 200 + b"1" + b"}" * 200, "deeper"),
    (b'{"n": ' + b"9" * 10_000 + b"}", "not valid JSON"),
])
def test_bad_json_config(text, match):
    data = make_zip([(CONFIG_NAME, text)] + valid_members()[2:])
    refused(lambda: read_keras_zip(io.BytesIO(data)), match)


def test_parse_json_object_size_limit():
    refused(lambda: parse_json_object(b"{}" + b" " * 100, "x", max_bytes=50), "over the limit")


def test_write_keras_zip_layout_matches_keras(tmp_path):
    import h5py

    target = tmp_path / "m.keras"
    write_keras_zip(target, CONFIG, make_metadata(),
                    lambda f: f.create_group("vars").attrs.__setitem__("name", "seq"))
    ours = zipfile.ZipFile(target).infolist()
    theirs = zipfile.ZipFile(os.path.join(FIXTURES, "mlp.keras")).infolist()
    assert [i.filename for i in ours] == [i.filename for i in theirs]
    assert [i.compress_type for i in ours] == [i.compress_type for i in theirs]
    assert [i.external_attr for i in ours] == [i.external_attr for i in theirs]
    archive = read_keras_zip(target)
    assert archive.config == CONFIG
    assert set(archive.metadata) == {"keras_version", "date_saved"}
    with h5py.File(io.BytesIO(archive.weights), "r") as f:
        assert f["vars"].attrs["name"] == "seq"
    assert os.listdir(tmp_path) == ["m.keras"]


def test_write_keras_zip_failure_keeps_old_file(tmp_path):
    target = tmp_path / "m.keras"
    target.write_bytes(b"old")

    def broken(h5file):
        raise RuntimeError("weights failed")

    with pytest.raises(RuntimeError):
        write_keras_zip(target, CONFIG, {}, broken)
    assert target.read_bytes() == b"old"
    with pytest.raises(TypeError, match="JSON"):
        write_keras_zip(target, {"x": object()}, {}, b"")
    assert os.listdir(tmp_path) == ["m.keras"]


def test_write_converts_numpy_values(tmp_path):
    target = tmp_path / "m.keras"
    write_keras_zip(target, {"units": np.int64(3), "shape": np.array([1, 2])}, {}, b"\x89HDF")
    assert read_keras_zip(target).config == {"units": 3, "shape": [1, 2]}


def test_recompressed_real_file_is_accepted():
    """A real .keras re-zipped with deflate (e.g. by a file manager) still loads."""
    with zipfile.ZipFile(os.path.join(FIXTURES, "mlp.keras")) as zf:
        members = [(info.filename, zf.read(info)) for info in zf.infolist()]
    archive = read_keras_zip(io.BytesIO(make_zip(members, zipfile.ZIP_DEFLATED)))
    assert archive.config["class_name"] == "Sequential"
    assert len(archive.weights) == len(members[2][1])
