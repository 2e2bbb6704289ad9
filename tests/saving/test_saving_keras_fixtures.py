"""Read the files real Keras 3 wrote (tests/fixtures/keras/) and write the same layouts.

The fixtures come from tests/fixtures/make_keras_fixtures.py; Keras is not needed here.
"""
import io
import os

import h5py
import numpy as np
import pytest

from numnet.saving.registry import check_config
from numnet.saving.safe_h5 import (LayerWeights, OptimizerWeights, keras3_layer_keys, open_h5,
                                   read_legacy_h5, read_weight_tree, write_legacy_h5,
                                   write_weight_tree)
from numnet.saving.safe_zip import read_keras_zip

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        "fixtures", "keras")
CLASSES = {"mlp": ["Flatten", "Dense", "Dropout", "Dense"],
           "reshape": ["Reshape", "Dense", "Activation", "Dense", "Activation"],
           "uncompiled": ["Flatten", "Dense", "Dropout", "Dense"]}


@pytest.fixture(scope="module")
def expected():
    with np.load(os.path.join(FIXTURES, "expected.npz"), allow_pickle=False) as data:
        return dict(data)


def fixture(name):
    return os.path.join(FIXTURES, name)


def keras_zip_tree(name):
    archive = read_keras_zip(fixture(f"{name}.keras"))
    with open_h5(archive.weights) as f:
        return archive, read_weight_tree(f)


def layer_arrays(tree, name):
    """All layer weights in model order, as ``model.get_weights()`` lists them."""
    keys = keras3_layer_keys(CLASSES[name])
    return [a for key in keys for a in tree["layers"][key]["vars"]]


def structure(h5obj):
    """Every path with its kind, shape, dtype and attribute names (not values)."""
    items = []
    h5obj.visititems(lambda path, obj: items.append(
        (path, type(obj).__name__, getattr(obj, "shape", None), str(getattr(obj, "dtype", "")),
         sorted(obj.attrs))))
    return sorted(items, key=str), sorted(h5obj.attrs)


def test_fixture_files_are_small():
    total = sum(os.path.getsize(fixture(n)) for n in os.listdir(FIXTURES))
    assert total < 200 * 1024


@pytest.mark.parametrize("name", ["mlp", "reshape", "uncompiled"])
def test_keras_zip_configs(name):
    archive, tree = keras_zip_tree(name)
    check_config(archive.config)
    layers = archive.config["config"]["layers"]
    assert [l["class_name"] for l in layers] == ["InputLayer"] + CLASSES[name]
    assert sorted(tree["layers"]) == sorted(keras3_layer_keys(CLASSES[name]))
    assert bool(archive.config.get("compile_config")) == (name != "uncompiled")
    assert ("optimizer" in tree) == (name != "uncompiled")


@pytest.mark.parametrize("name", ["mlp", "reshape"])
def test_weights_and_optimizer_match_keras(name, expected):
    _, tree = keras_zip_tree(name)
    with open_h5(fixture(f"{name}.weights.h5")) as f:
        tree2 = read_weight_tree(f)
    for t in (tree, tree2):
        arrays = layer_arrays(t, name)
        assert len(arrays) == 4
        for i, array in enumerate(arrays):
            np.testing.assert_array_equal(array, expected[f"{name}__w{i}"])
        opt = t["optimizer"]["vars"]
        assert len(opt) == sum(k.startswith(f"{name}__opt") for k in expected)
        for i, array in enumerate(opt):
            np.testing.assert_array_equal(array, expected[f"{name}__opt{i}"])
    assert int(tree["optimizer"]["vars"][0]) == 4  # 32 samples / batch 8 = 4 steps


def test_mlp_predictions_from_read_weights(expected):
    """The arrays read in order reproduce Keras's predictions with plain NumPy."""
    _, tree = keras_zip_tree("mlp")
    w0, b0, w1, b1 = layer_arrays(tree, "mlp")
    x = expected["x"].reshape(len(expected["x"]), -1)
    z = np.maximum(x @ w0 + b0, 0) @ w1 + b1
    p = np.exp(z - z.max(axis=1, keepdims=True))
    np.testing.assert_allclose(p / p.sum(axis=1, keepdims=True), expected["mlp__pred"],
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", ["mlp", "reshape", "uncompiled"])
def test_legacy_h5(name, expected):
    with open_h5(fixture(f"{name}.h5")) as f:
        legacy = read_legacy_h5(f)
    assert legacy.model_config["class_name"] == "Sequential"
    check_config(legacy.model_config)
    assert legacy.keras_version.startswith("3.") and legacy.backend
    assert len(legacy.layers) == len(CLASSES[name])  # no InputLayer
    _, tree = keras_zip_tree(name)
    arrays = [a for layer in legacy.layers for _, a in layer.variables]
    for ours, theirs in zip(arrays, layer_arrays(tree, name), strict=True):
        np.testing.assert_array_equal(ours, theirs)
    if name == "uncompiled":
        assert legacy.training_config is None and legacy.optimizer is None
    else:
        check_config(legacy.training_config)
        assert legacy.optimizer.name in ("adam", "sgd")
        for i, (_, array) in enumerate(legacy.optimizer.variables):
            np.testing.assert_array_equal(array, expected[f"{name}__opt{i}"])


@pytest.mark.parametrize("name", ["mlp", "reshape", "uncompiled"])
def test_write_weight_tree_reproduces_keras_layout(name):
    archive, tree = keras_zip_tree(name)
    keys = keras3_layer_keys(CLASSES[name])
    layers = [LayerWeights(c, tree["layers"][k]["vars"].name, list(tree["layers"][k]["vars"]))
              for c, k in zip(CLASSES[name], keys)]
    optimizer = None
    if "optimizer" in tree:
        optimizer = OptimizerWeights(tree["optimizer"]["vars"].name, tree["optimizer"]["vars"])
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        write_weight_tree(f, layers, optimizer, model_name=tree["vars"].name)
    with h5py.File(buffer, "r") as ours, h5py.File(io.BytesIO(archive.weights), "r") as theirs:
        assert structure(ours) == structure(theirs)
        assert ours["layers/dense_1/vars"].attrs["name"] == \
            theirs["layers/dense_1/vars"].attrs["name"]


@pytest.mark.parametrize("name", ["mlp", "reshape", "uncompiled"])
def test_write_legacy_reproduces_keras_layout(name):
    with open_h5(fixture(f"{name}.h5")) as f:
        legacy = read_legacy_h5(f)
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        write_legacy_h5(f, legacy.model_config, legacy.layers, legacy.training_config,
                        legacy.optimizer)
    with h5py.File(buffer, "r") as ours, h5py.File(fixture(f"{name}.h5"), "r") as theirs:
        assert structure(ours) == structure(theirs)
        assert list(ours["model_weights"].attrs["layer_names"]) == \
            list(theirs["model_weights"].attrs["layer_names"])
    with open_h5(buffer.getvalue()) as f:
        again = read_legacy_h5(f)
    assert again.model_config == legacy.model_config
    assert again.training_config == legacy.training_config
