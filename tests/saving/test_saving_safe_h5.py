"""Tests for numnet.saving.safe_h5: refusing hostile HDF5 files, reading and writing layouts."""
import io
import time

import h5py
import numpy as np
import pytest

from numnet.saving.errors import ModelFileError
from numnet.saving.safe_h5 import (LayerWeights, OptimizerWeights, check_h5_tree,
                                   detect_h5_layout, keras3_layer_keys, open_h5, read_attr,
                                   read_dataset, read_legacy_h5, read_string_list_attr,
                                   read_weight_tree, write_legacy_h5, write_weight_tree)


def refused(fn, match=None):
    """Assert ``fn()`` raises ModelFileError within one second; return the message."""
    start = time.perf_counter()
    with pytest.raises(ModelFileError, match=match) as info:
        fn()
    assert time.perf_counter() - start < 1.0
    return str(info.value)


def h5_file(tmp_path, build, name="x.h5"):
    """Create ``tmp_path/name`` with ``build(f)`` and return its path."""
    path = tmp_path / name
    with h5py.File(path, "w") as f:
        build(f)
    return path


def read_all(path):
    """Open with numnet's checks and read the whole tree."""
    with open_h5(path) as f:
        return read_weight_tree(f)


def small_weights(f):
    f.create_group("vars")
    g = f.create_group("layers/dense/vars")
    g.attrs["name"] = "dense"
    g["0"] = np.ones((2, 3), "float32")
    g["1"] = np.zeros(3, "float32")


def test_reads_plain_file(tmp_path):
    tree = read_all(h5_file(tmp_path, small_weights))
    assert tree["layers"]["dense"]["vars"].name == "dense"
    kernel, bias = tree["layers"]["dense"]["vars"]
    assert kernel.shape == (2, 3) and bias.dtype == np.float32


@pytest.mark.parametrize("data", [b"", b"hello", np.random.default_rng(0).bytes(2048),
                                  b"PK\x03\x04" + bytes(100)],
                         ids=["empty", "text", "random", "zip"])
def test_not_hdf5(tmp_path, data):
    path = tmp_path / "bad.h5"
    path.write_bytes(data)
    refused(lambda: open_h5(path))
    refused(lambda: open_h5(data))


def test_signature_then_garbage(tmp_path):
    path = tmp_path / "bad.h5"
    path.write_bytes(b"\x89HDF\r\n\x1a\n" + np.random.default_rng(1).bytes(4000))
    refused(lambda: read_all(path))


def test_truncated_files(tmp_path):
    data = h5_file(tmp_path, small_weights).read_bytes()
    for cut in (8, 100, 700, len(data) // 2, len(data) - 200, len(data) - 1):
        path = tmp_path / "cut.h5"
        path.write_bytes(data[:cut])
        refused(lambda: read_all(path))


def test_soft_link_refused(tmp_path):
    def build(f):
        small_weights(f)
        f["layers/dense/vars/2"] = h5py.SoftLink("/layers/dense/vars/0")
    refused(lambda: read_all(h5_file(tmp_path, build)), "soft link")


def test_dangling_soft_link_refused(tmp_path):
    def build(f):
        f["evil"] = h5py.SoftLink("/does/not/exist")
    refused(lambda: read_all(h5_file(tmp_path, build)), "soft link")


def test_external_link_refused_and_not_followed(tmp_path):
    secret = h5_file(tmp_path, lambda f: f.create_dataset("x", data=np.arange(4)), "secret.h5")

    def build(f):
        small_weights(f)
        f["layers/steal"] = h5py.ExternalLink(str(secret), "/x")
    refused(lambda: read_all(h5_file(tmp_path, build)), "external link")


def test_external_storage_refused(tmp_path):
    raw = tmp_path / "raw.bin"
    raw.write_bytes(np.arange(4, dtype="float32").tobytes())

    def build(f):
        f.create_dataset("w", shape=(4,), dtype="float32", external=[(str(raw), 0, 16)])
    path = h5_file(tmp_path, build)
    refused(lambda: read_all(path), "external files")
    with h5py.File(path, "r") as f:
        refused(lambda: read_dataset(f["w"]), "external files")


def test_virtual_dataset_refused(tmp_path):
    source = h5_file(tmp_path, lambda f: f.create_dataset("x", data=np.arange(4.0)), "src.h5")

    def build(f):
        layout = h5py.VirtualLayout(shape=(4,), dtype="float64")
        layout[:] = h5py.VirtualSource(str(source), "x", shape=(4,))
        f.create_virtual_dataset("v", layout)
    refused(lambda: read_all(h5_file(tmp_path, build)), "virtual")


def test_absurd_declared_size_refused(tmp_path):
    def build(f):
        f.create_dataset("huge", shape=(10 ** 12,), dtype="float32", chunks=(1024,))
    path = h5_file(tmp_path, build)
    assert path.stat().st_size < 100_000
    refused(lambda: read_all(path), "declares shape")
    with h5py.File(path, "r") as f:
        refused(lambda: read_dataset(f["huge"]), "over the limit")


def test_total_declared_size_limit(tmp_path):
    def build(f):
        for i in range(3):
            f.create_dataset(f"d{i}", shape=(1000,), dtype="float64", chunks=(100,))
    with open_h5(h5_file(tmp_path, build)) as f:
        refused(lambda: check_h5_tree(f, max_total_bytes=20_000), "in total")
        assert check_h5_tree(f) == 24_000


def test_oversized_chunks_refused(tmp_path):
    def build(f):
        f.create_dataset("d", shape=(4,), maxshape=(None,), dtype="float32",
                         chunks=(8 * 1024 * 1024,))
    refused(lambda: read_all(h5_file(tmp_path, build)), "chunks")


@pytest.mark.parametrize("make", [
    lambda f: f.create_dataset("s", data=np.array([b"abc", b"de"])),
    lambda f: f.create_dataset("o", data=["x", "y"], dtype=h5py.string_dtype()),
    lambda f: f.create_dataset("v", shape=(2,), dtype=h5py.vlen_dtype("int32")),
    lambda f: f.create_dataset("c", data=np.zeros(2, dtype=[("a", "f4"), ("b", "i4")])),
    lambda f: f.create_dataset("z", data=np.zeros(2, dtype="complex64")),
    lambda f: f.create_dataset("r", shape=(1,), dtype=h5py.ref_dtype),
    lambda f: f.create_dataset("e", data=h5py.Empty("float32")),
])
def test_non_numeric_datasets_refused(tmp_path, make):
    refused(lambda: read_all(h5_file(tmp_path, make)))


def test_hard_link_alias_and_cycle_refused(tmp_path):
    def alias(f):
        small_weights(f)
        f["layers/dense/vars/2"] = f["layers/dense/vars/0"]
    refused(lambda: read_all(h5_file(tmp_path, alias, "a.h5")), "two")

    def cycle(f):
        g = f.create_group("a")
        g["loop"] = f["/"]
    refused(lambda: read_all(h5_file(tmp_path, cycle, "c.h5")), "two")


def test_deep_nesting_refused(tmp_path):
    refused(lambda: read_all(h5_file(tmp_path, lambda f: f.create_group("/".join("g" * 80)))),
            "deeper")


def test_big_endian_and_small_types_read_natively(tmp_path):
    def build(f):
        f["be"] = np.arange(3, dtype=">f4")
        f["h"] = np.arange(3, dtype="float16")
        f["b"] = np.array([True, False])
        f["u"] = np.arange(3, dtype="uint8")
        f["s"] = np.int32(7)
    tree = read_all(h5_file(tmp_path, build))
    assert tree["be"].dtype == np.dtype("float32") and tree["be"].dtype.isnative
    assert tree["h"].dtype == np.float16 and tree["b"].dtype == bool
    assert tree["s"].shape == () and int(tree["s"]) == 7


def test_vars_must_be_numbered(tmp_path):
    def build(f):
        g = f.create_group("layers/dense/vars")
        g["0"] = np.ones(2)
        g["2"] = np.ones(2)
    refused(lambda: read_all(h5_file(tmp_path, build)), "numbered")

    def build2(f):
        f.create_group("layers/dense/vars")["kernel"] = np.ones(2)
    refused(lambda: read_all(h5_file(tmp_path, build2, "b.h5")), "named 0, 1, 2")


def test_attributes(tmp_path):
    def build(f):
        f.attrs["text"] = "héllo"
        f.attrs["bytes"] = b"abc"
        f.attrs["names"] = [b"a", b"b"]
        f.attrs["fixed"] = np.array([b"x", b"yy"])
        f.attrs["num"] = 3.5
        f.attrs["empty"] = np.array([])
        f.attrs["compound"] = np.zeros(1, dtype=[("a", "f4")])
        f.attrs["badutf"] = np.bytes_(b"\xff\xfe")
        f.attrs["null"] = h5py.Empty("float32")
        f.attrs["chunk0"] = [b"a", b"b"]
        f.attrs["chunk1"] = np.array([b"c"])
    with open_h5(h5_file(tmp_path, build)) as f:
        assert read_attr(f, "text") == "héllo"
        assert read_attr(f, "bytes") == "abc"
        assert read_attr(f, "names") == ["a", "b"]
        assert read_attr(f, "fixed") == ["x", "yy"]
        assert read_attr(f, "num") == 3.5
        assert read_attr(f, "missing", default="d") == "d"
        assert read_string_list_attr(f, "empty") == []
        assert read_string_list_attr(f, "chunk") == ["a", "b", "c"]
        refused(lambda: read_attr(f, "compound"), "only text and plain numbers")
        refused(lambda: read_attr(f, "badutf"), "UTF-8")
        refused(lambda: read_attr(f, "null"), "empty dataspace")


def test_keras3_layer_keys():
    assert keras3_layer_keys(["Flatten", "Dense", "Dropout", "Dense", "Conv2D",
                              "MaxPooling2D", "Dense"]) == [
        "flatten", "dense", "dropout", "dense_1", "conv2d", "max_pooling2d", "dense_2"]


def layer_list():
    rng = np.random.default_rng(0)
    return [LayerWeights("Flatten", "flatten", []),
            LayerWeights("Dense", "dense", [("sequential/dense/kernel", rng.random((4, 2))),
                                            ("sequential/dense/bias", np.zeros(2))]),
            LayerWeights("Dense", "dense_1", [("sequential/dense_1/kernel", rng.random((2, 1))),
                                              ("sequential/dense_1/bias", np.ones(1))])]


def test_weight_tree_round_trip(tmp_path):
    layers = layer_list()
    optimizer = OptimizerWeights("adam", [np.int64(3), np.float32(0.001)]
                                 + [np.zeros((4, 2))] * 2)
    path = h5_file(tmp_path, lambda f: write_weight_tree(f, layers, optimizer, "sequential"))
    with open_h5(path) as f:
        assert detect_h5_layout(f) == "keras3"
        tree = read_weight_tree(f)
    assert tree["vars"].name == "sequential" and tree["vars"] == []
    assert tree["layers"]["flatten"]["vars"] == []
    assert tree["layers"]["dense_1"]["vars"].name == "dense_1"
    np.testing.assert_array_equal(tree["layers"]["dense_1"]["vars"][0], layers[2].variables[0][1])
    assert tree["optimizer"]["vars"].name == "adam"
    assert int(tree["optimizer"]["vars"][0]) == 3


def test_legacy_round_trip(tmp_path):
    layers = layer_list()
    optimizer = OptimizerWeights("adam", [("adam/iteration", np.int64(2)),
                                          ("adam/learning_rate", np.float32(0.01))])
    config = {"class_name": "Sequential", "config": {"name": "sequential"}}
    path = h5_file(tmp_path, lambda f: write_legacy_h5(f, config, layers, {"loss": "mse"},
                                                       optimizer))
    with open_h5(path) as f:
        assert detect_h5_layout(f) == "legacy"
        legacy = read_legacy_h5(f)
    assert legacy.model_config == config and legacy.training_config == {"loss": "mse"}
    assert legacy.backend == "numpy" and legacy.keras_version.startswith("3.")
    assert [l.name for l in legacy.layers] == ["flatten", "dense", "dense_1"]
    names = [n for n, _ in legacy.layers[1].variables]
    assert names == ["sequential/dense/kernel", "sequential/dense/bias"]
    np.testing.assert_array_equal(legacy.layers[2].variables[1][1], np.ones(1))
    assert legacy.optimizer.name == "adam" and len(legacy.optimizer.variables) == 2
    assert legacy.top_level == []


def test_legacy_long_name_lists_are_split_like_keras(tmp_path):
    layers = [LayerWeights("Dense", f"{'a_very_long_layer_name_' * 9}{i:05d}", [])
              for i in range(320)]  # 320 x 212 bytes > Keras's 64512-byte attribute limit
    path = h5_file(tmp_path, lambda f: write_legacy_h5(f, {"class_name": "Sequential"}, layers))
    with h5py.File(path, "r") as f:
        assert "layer_names" not in f["model_weights"].attrs
        assert "layer_names0" in f["model_weights"].attrs
    with open_h5(path) as f:
        assert [l.name for l in read_legacy_h5(f).layers] == [l.name for l in layers]


def test_legacy_keras2_layout(tmp_path):
    """Keras 2 weights-only files: layer_names at the root, names like 'dense/kernel:0'."""
    def build(f):
        f.attrs["layer_names"] = np.array([b"dense"])
        f.attrs["backend"] = b"tensorflow"
        g = f.create_group("dense")
        g.attrs["weight_names"] = np.array([b"dense/kernel:0", b"dense/bias:0"])
        g["dense/kernel:0"] = np.ones((2, 2), "float32")
        g["dense/bias:0"] = np.zeros(2, "float32")
    with open_h5(h5_file(tmp_path, build)) as f:
        legacy = read_legacy_h5(f)
    assert legacy.model_config is None and legacy.backend == "tensorflow"
    assert [n for n, _ in legacy.layers[0].variables] == ["dense/kernel:0", "dense/bias:0"]


def test_legacy_hostile_names(tmp_path):
    def escape(f):
        f.attrs["layer_names"] = [b"dense"]
        g = f.create_group("dense")
        g.attrs["weight_names"] = [b"../secret"]
        f["secret"] = np.ones(2)
    with open_h5(h5_file(tmp_path, escape)) as f:
        refused(lambda: read_legacy_h5(f), "'..'")

    def missing(f):
        f.attrs["layer_names"] = [b"nope"]
    with open_h5(h5_file(tmp_path, missing, "m.h5")) as f:
        refused(lambda: read_legacy_h5(f), "no 'nope'")

    def bad_config(f):
        f.attrs["model_config"] = b"{not json"
        f.create_group("model_weights").attrs["layer_names"] = np.array([])
    with open_h5(h5_file(tmp_path, bad_config, "c.h5")) as f:
        refused(lambda: read_legacy_h5(f), "not valid JSON")


def test_detect_layout_refuses_other_hdf5(tmp_path):
    path = h5_file(tmp_path, lambda f: f.create_dataset("images", data=np.zeros(3)))
    with open_h5(path) as f:
        refused(lambda: detect_h5_layout(f), "not a Keras")


def test_open_from_bytes_and_file_object(tmp_path):
    data = h5_file(tmp_path, small_weights).read_bytes()
    for source in (data, io.BytesIO(data)):
        with open_h5(source) as f:
            assert "layers" in read_weight_tree(f)


def test_named_datatype_refused(tmp_path):
    def build(f):
        f["committed"] = np.dtype("float32")  # a named (committed) datatype object
    refused(lambda: read_all(h5_file(tmp_path, build)), "only groups and datasets")
