"""Hostile and damaged model files, through the public load_model / load_weights.

Every case must raise ``numnet.saving.ModelFileError`` whose message says what is wrong,
within a second, without allocating much memory, without running anything and without
writing anything.
"""
import io
import json
import os
import time
import tracemalloc
import zipfile

import h5py
import numpy as np
import pytest

import numnet as keras
from numnet import layers as L
from numnet.saving import ModelFileError

MAX_SECONDS = 1.0
MAX_PEAK_BYTES = 64 * 1024 * 1024


def mlp():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4, 4)), L.Flatten(), L.Dense(8, activation="relu"),
                              L.Dropout(0.3), L.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(np.zeros((8, 4, 4), "float32"), np.zeros(8, int), epochs=1, verbose=0)
    return model


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    """A valid numnet-written .keras, .h5 and .weights.h5 (paths) and the .keras members."""
    folder = tmp_path_factory.mktemp("good")
    model = mlp()
    model.save(folder / "m.keras")
    model.save(folder / "m.h5")
    model.save_weights(folder / "m.weights.h5")
    with zipfile.ZipFile(folder / "m.keras") as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    return {"folder": folder, "members": members,
            "config": json.loads(members["config.json"])}


def refused(fn, *words):
    """``fn()`` raises ModelFileError quickly, with bounded memory, naming ``words``.

    Timed on a first call; the memory peak is measured on a second call under tracemalloc
    (which slows Python down several times, so it is not timed).
    """
    start = time.perf_counter()
    with pytest.raises(ModelFileError) as info:
        fn()
    elapsed = time.perf_counter() - start
    message = str(info.value)
    assert elapsed < MAX_SECONDS, f"took {elapsed:.2f} s: {message}"
    tracemalloc.start()
    try:
        with pytest.raises(ModelFileError):
            fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MAX_PEAK_BYTES, f"allocated {peak:,} bytes: {message}"
    for word in words:
        assert word.lower() in message.lower(), message
    return message


def write_zip(path, members, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression=compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def keras_file(tmp_path, good, config=None, weights=None, extra=(), name="bad.keras"):
    members = dict(good["members"])
    if config is not None:
        members["config.json"] = json.dumps(config).encode() if not isinstance(
            config, bytes) else config
    if weights is not None:
        members["model.weights.h5"] = weights
    members.update(extra)
    return write_zip(tmp_path / name, members)


def with_layer(good, index, **changes):
    """The good config with layers[index]'s entry (or its config) changed."""
    config = json.loads(json.dumps(good["config"]))
    entry = config["config"]["layers"][index]
    for key, value in changes.items():
        if key in ("class_name", "module", "registered_name", "config"):
            entry[key] = value
        else:
            entry["config"][key] = value
    return config


def h5_bytes(fill):
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        fill(f)
    return buffer.getvalue()


def load(path):
    return lambda: keras.models.load_model(path)


def load_weights_into_mlp(path):
    return lambda: mlp().load_weights(path)


# ------------------------------------------------------------- code in configurations
KERAS_LAMBDA = {"module": "keras.layers", "class_name": "Lambda", "registered_name": None,
                "config": {"name": "lambda", "trainable": True, "function": {
                    "class_name": "__lambda__", "config": {
                        "code": "4wEAAAAAAAAAAAAAAAEAAAADAAAA8wwAAACXAHwAZAF6AAAAUwApAk7p",
                        "defaults": None, "closure": None}}, "arguments": {}}}


def test_lambda_layer_with_bytecode(tmp_path, good):
    config = json.loads(json.dumps(good["config"]))
    config["config"]["layers"].insert(2, KERAS_LAMBDA)
    refused(load(keras_file(tmp_path, good, config)), "Lambda")


@pytest.mark.parametrize("module, name", [("os", "system"), ("subprocess", "run"),
                                          ("builtins", "exec"), ("importlib", "import_module"),
                                          ("posix", "system")])
def test_foreign_modules_are_refused(tmp_path, good, module, name):
    refused(load(keras_file(tmp_path, good, with_layer(good, 2, module=module,
                                                       class_name=name))), module)
    config = dict(good["config"], module=module, class_name=name)
    refused(load(keras_file(tmp_path, good, config, name="top.keras")), module)


@pytest.mark.parametrize("name", ["system", "exec", "eval", "__import__", "os.system",
                                  "Conv3DTranspose", "Sequential", "Adam"])
def test_class_names_outside_the_registry(tmp_path, good, name):
    message = refused(load(keras_file(tmp_path, good, with_layer(good, 2, class_name=name))))
    assert "Dense" in message  # the supported layers are listed


def test_nested_objects_from_foreign_modules(tmp_path, good):
    config = with_layer(good, 2, kernel_initializer={"module": "os", "class_name": "system",
                                                     "config": {"command": "x"}})
    refused(load(keras_file(tmp_path, good, config)), "'os'")
    config = json.loads(json.dumps(good["config"]))
    config["compile_config"]["optimizer"] = {"module": "subprocess", "class_name": "Popen",
                                             "config": {}}
    refused(load(keras_file(tmp_path, good, config, name="c.keras")), "subprocess")
    config["compile_config"]["optimizer"] = {"module": "builtins", "class_name": "function",
                                             "config": "exec", "registered_name": "function"}
    refused(load(keras_file(tmp_path, good, config, name="d.keras")), "builtins")


@pytest.mark.parametrize("activation", ["__import__('os').system('touch pwned')",
                                        "eval", "lambda x: x"])
def test_code_like_strings_are_just_unknown_names(tmp_path, good, activation):
    refused(load(keras_file(tmp_path, good, with_layer(good, 2, activation=activation))),
            "activation")
    assert not os.path.exists("pwned")


def test_custom_objects_and_functions_are_refused(tmp_path, good):
    refused(load(keras_file(tmp_path, good, with_layer(good, 2, registered_name="Mine>Dense"))),
            "custom")
    config = json.loads(json.dumps(good["config"]))
    config["compile_config"]["loss"] = {"module": "builtins", "class_name": "function",
                                        "config": "my_secret_loss", "registered_name": "function"}
    refused(load(keras_file(tmp_path, good, config)), "my_secret_loss")


# ------------------------------------------------------------- unsupported or absurd configs
def test_config_nested_absurdly_deep(tmp_path, good):
    deep = b'{"a": ' * 100_000 + b"1" + b"}" * 100_000
    refused(load(keras_file(tmp_path, good, deep)), "config.json")
    config = with_layer(good, 2, units=json.loads("[" * 120 + "]" * 120))
    refused(load(keras_file(tmp_path, good, config, name="b.keras")))


@pytest.mark.parametrize("changes, words", [
    ({"units": 10 ** 9}, ["weight values"]),
    ({"units": 2 ** 40}, ["weight values"]),
    ({"units": 10 ** 400}, []),
    ({"units": -3}, ["units"]),
    ({"units": "8"}, ["units"]),
    ({"dtype": "mixed_float16"}, ["dtype"]),
    ({"dtype": {"module": "keras", "class_name": "QuantizedDTypePolicy",
                "config": {"name": "int8_from_float32"}}}, ["QuantizedDTypePolicy"]),
    ({"quantization_config": {"mode": "int8"}}, ["quantization_config"]),
    ({"mystery": 12}, ["mystery"]),
])
def test_bad_layer_arguments(tmp_path, good, changes, words):
    refused(load(keras_file(tmp_path, good, with_layer(good, 2, **changes))), *words)


def test_huge_model_from_config_is_refused_before_allocating(tmp_path, good):
    config = json.loads(json.dumps(good["config"]))
    config["config"]["layers"][0]["config"]["batch_shape"] = [None, 10 ** 6, 10 ** 6]
    refused(load(keras_file(tmp_path, good, config)), "weight values")
    config = with_layer(good, 2, units=10 ** 9)
    refused(load(keras_file(tmp_path, good, config, weights=h5_bytes(lambda f: None),
                            name="empty.keras")), "weight values")


def test_too_many_layers(tmp_path, good):
    config = json.loads(json.dumps(good["config"]))
    flatten = config["config"]["layers"][1]
    config["config"]["layers"] = [json.loads(json.dumps(flatten)) for _ in range(12_000)]
    refused(load(keras_file(tmp_path, good, config)), "layers")


def functional_config(layers, inputs, outputs):
    return {"module": "keras.src.models.functional", "class_name": "Functional",
            "registered_name": "Functional", "compile_config": {},
            "config": {"name": "f", "trainable": True, "layers": layers,
                       "input_layers": inputs, "output_layers": outputs}}


def node(*names):
    refs = [{"class_name": "__keras_tensor__", "config": {"shape": [None, 2],
             "keras_history": [n, 0, 0]}} for n in names]
    return {"args": [refs[0] if len(refs) == 1 else refs], "kwargs": {}}


INPUT = {"class_name": "InputLayer", "name": "x", "inbound_nodes": [],
         "config": {"batch_shape": [None, 2], "name": "x"}}


def dense(name, *inbound):
    return {"class_name": "Dense", "name": name, "inbound_nodes": list(inbound),
            "config": {"name": name, "units": 2}}


@pytest.mark.parametrize("layers, outputs, words", [
    ([INPUT, dense("a", node("b")), dense("b", node("a"))], ["a", 0, 0], ["cycle"]),
    ([INPUT, dense("a", node("nowhere"))], ["a", 0, 0], ["nowhere"]),
    ([INPUT, dense("a", node("x"), node("x"))], ["a", 0, 0], ["shared"]),
    ([INPUT, dense("a", node("x")), dense("a", node("x"))], ["a", 0, 0], ["two layers"]),
    ([INPUT, dense("a", {"args": [{"class_name": "__keras_tensor__", "config": {
        "keras_history": ["x", 7, 0]}}], "kwargs": {}})], ["a", 0, 0], ["shared"]),
    ([INPUT, dense("a", {"args": ["x"], "kwargs": {"mask": "os.system"}})], ["a", 0, 0],
     []),
    ([INPUT, dense("a", node("x"))], ["ghost", 0, 0], ["ghost"]),
])
def test_broken_functional_graphs(tmp_path, good, layers, outputs, words):
    config = functional_config(layers, ["x", 0, 0], outputs)
    refused(load(keras_file(tmp_path, good, config)), *words)


# ------------------------------------------------------------- zip archives
def test_zip_member_outside_the_archive(tmp_path, good):
    for name in ("../evil.txt", "/etc/passwd", "a/../../b", "C:\\x"):
        members = dict(good["members"], **{name: b"x"})
        refused(load(write_zip(tmp_path / "bad.keras", members)), "unsafe")


def test_zip_bombs(tmp_path, good):
    members = dict(good["members"], **{"config.json": b" " * (32 * 1024 * 1024)})
    refused(load(write_zip(tmp_path / "bomb.keras", members, zipfile.ZIP_DEFLATED)))
    weights = good["members"]["model.weights.h5"] + b"\0" * (64 * 1024 * 1024)
    members = dict(good["members"], **{"model.weights.h5": weights})
    refused(load(write_zip(tmp_path / "bomb2.keras", members, zipfile.ZIP_DEFLATED)),
            "model.weights.h5")


def test_pickled_members(tmp_path, good):
    pickled = io.BytesIO()
    np.save(pickled, np.array([{"x": 1}], dtype=object), allow_pickle=True)
    npz = io.BytesIO()
    np.savez(npz, a=np.array([{"x": 1}], dtype=object))
    members = {k: v for k, v in good["members"].items() if k != "model.weights.h5"}
    refused(load(write_zip(tmp_path / "npz.keras", dict(members, **{
        "model.weights.npz": npz.getvalue()}))), "npz")
    refused(load(keras_file(tmp_path, good, weights=pickled.getvalue(), name="npy.keras")),
            "HDF5")
    (tmp_path / "npy.weights.h5").write_bytes(pickled.getvalue())
    refused(load_weights_into_mlp(tmp_path / "npy.weights.h5"), "HDF5")
    (tmp_path / "npz.h5").write_bytes(npz.getvalue())
    refused(load(tmp_path / "npz.h5"))


# ------------------------------------------------------------- damaged files
@pytest.mark.parametrize("source", ["m.keras", "m.h5", "m.weights.h5"])
@pytest.mark.parametrize("damage", ["empty", "truncated", "random", "flipped"])
def test_damaged_files(tmp_path, good, source, damage):
    data = (good["folder"] / source).read_bytes()
    if damage == "empty":
        data = b""
    elif damage == "truncated":
        data = data[:len(data) // 2]
    elif damage == "random":
        data = np.random.default_rng(1).bytes(len(data))
    else:  # a valid header with garbage after it
        data = data[:64] + np.random.default_rng(2).bytes(len(data) - 64)
    path = tmp_path / source
    path.write_bytes(data)
    if source != "m.weights.h5":
        refused(load(path))
    refused(load_weights_into_mlp(path))


def test_truncated_everywhere_never_escapes_as_another_error(tmp_path, good):
    data = (good["folder"] / "m.keras").read_bytes()
    for cut in range(0, len(data), max(1, len(data) // 40)):
        path = tmp_path / f"cut{cut}.keras"
        path.write_bytes(data[:cut])
        refused(load(path))


# ------------------------------------------------------------- HDF5 tricks
def h5_with(good, change):
    """The good .weights.h5 content with ``change(f)`` applied (h5py, in memory)."""
    buffer = io.BytesIO((good["folder"] / "m.weights.h5").read_bytes())
    with h5py.File(buffer, "r+") as f:
        change(f)
    return buffer.getvalue()


def replace(path, make):
    def change(f):
        del f[path]
        make(f, path)
    return change


HDF5_TRICKS = {
    "soft link": (replace("layers/dense/vars/0", lambda f, p: f.__setitem__(
        p, h5py.SoftLink("/layers/dense_1/vars/0"))), "soft link"),
    "external link": (replace("layers/dense/vars/0", lambda f, p: f.__setitem__(
        p, h5py.ExternalLink("/etc/passwd", "/x"))), "external link"),
    "external storage": (replace("layers/dense/vars/0", lambda f, p: f.create_dataset(
        p, shape=(16, 8), dtype="f4", external=[("/etc/passwd", 0, 512)])), "external"),
    "absurd size": (replace("layers/dense/vars/0", lambda f, p: f.create_dataset(
        p, shape=(10 ** 7, 10 ** 7), dtype="f4", chunks=(1, 8))), "bytes"),
    "string weights": (replace("layers/dense/vars/0", lambda f, p: f.create_dataset(
        p, data=np.array([b"a"] * 8, dtype="S1"))), "dtype"),
    "object weights": (replace("layers/dense/vars/0", lambda f, p: f.create_dataset(
        p, data=["x", "y"], dtype=h5py.string_dtype())), "dtype"),
    "wrong shape": (replace("layers/dense/vars/0", lambda f, p: f.create_dataset(
        p, data=np.zeros((8, 16), "float32"))), "(16, 8)"),
    "compound dtype": (replace("layers/dense/vars/1", lambda f, p: f.create_dataset(
        p, data=np.zeros(8, dtype=[("a", "f4"), ("b", "i4")]))), "dtype"),
    "hard-link alias": (replace("layers/dense_1", lambda f, p: f.__setitem__(
        p, f["layers/dense"])), "two places"),
    "bad iteration": (replace("optimizer/vars/0", lambda f, p: f.create_dataset(
        p, data=np.array(-5))), "iteration"),
}


@pytest.mark.parametrize("trick", sorted(HDF5_TRICKS))
def test_hdf5_tricks(tmp_path, good, trick):
    change, word = HDF5_TRICKS[trick]
    data = h5_with(good, change)
    (tmp_path / "t.weights.h5").write_bytes(data)
    refused(load_weights_into_mlp(tmp_path / "t.weights.h5"), word)
    refused(load(keras_file(tmp_path, good, weights=data)), word)


def test_legacy_h5_tricks(tmp_path, good):
    source = (good["folder"] / "m.h5").read_bytes()

    def variant(change):
        buffer = io.BytesIO(source)
        with h5py.File(buffer, "r+") as f:
            change(f)
        path = tmp_path / "v.h5"
        path.write_bytes(buffer.getvalue())
        return path

    def lambda_config(f):
        config = json.loads(f.attrs["model_config"])
        config["config"]["layers"].insert(2, KERAS_LAMBDA)
        f.attrs["model_config"] = json.dumps(config).encode()

    refused(load(variant(lambda_config)), "Lambda")
    refused(load(variant(lambda f: f.attrs.__setitem__("model_config", b"{not json"))), "JSON")

    def escape(f):
        group = next(name for name in f["model_weights"] if name.startswith("dense"))
        f[f"model_weights/{group}"].attrs["weight_names"] = [b"../../optimizer_weights/x"]

    refused(load(variant(escape)), "..")

    def linked(f):
        group = next(name for name in f["model_weights"] if name.startswith("dense"))
        target = f[f"model_weights/{group}"]
        first = target.attrs["weight_names"][0]
        name = first.decode() if isinstance(first, bytes) else first
        del target[name]
        target[name] = h5py.ExternalLink("/etc/passwd", "/x")

    refused(load(variant(linked)), "external link")


def test_a_valid_config_with_missing_weights(tmp_path, good):
    def drop(f):
        del f["layers/dense_1"]
    refused(load(keras_file(tmp_path, good, weights=h5_with(good, drop))), "dense_1")
    model = mlp()
    before = model.get_weights()
    (tmp_path / "w.weights.h5").write_bytes(h5_with(good, drop))
    refused(lambda: model.load_weights(tmp_path / "w.weights.h5"), "layers/dense_1")
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
