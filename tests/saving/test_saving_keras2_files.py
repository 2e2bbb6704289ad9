"""Legacy .h5 files in the Keras 2 (TensorFlow 2.x) layout, as older course editions wrote them
with ``model.save('model-whole.h5')`` and ``model.save_weights('model-weights.h5')``.

The files are written here with h5py in the layout TF-Keras 2.12 uses: configs with
``batch_input_shape`` and plain-string dtypes, weight names like ``dense/kernel:0``, a
``Custom>Adam`` optimizer config and ``MeanMetricWrapper`` metrics.
"""
import json

import h5py
import numpy as np
import pytest

import numnet as keras

RNG = np.random.default_rng(0)
W = {"dense": [RNG.standard_normal((16, 8)).astype("float32"),
               RNG.standard_normal(8).astype("float32")],
     "dense_1": [RNG.standard_normal((8, 3)).astype("float32"),
                 RNG.standard_normal(3).astype("float32")]}
X = RNG.random((5, 4, 4)).astype("float32")


def dense_config(name, units, activation):
    return {"name": name, "trainable": True, "dtype": "float32", "units": units,
            "activation": activation, "use_bias": True,
            "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
            "bias_initializer": {"class_name": "Zeros", "config": {}},
            "kernel_regularizer": None, "bias_regularizer": None,
            "activity_regularizer": None, "kernel_constraint": None, "bias_constraint": None}


SEQUENTIAL = {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
    {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 4, 4],
                                            "dtype": "float32", "sparse": False,
                                            "ragged": False, "name": "flatten_input"}},
    {"class_name": "Flatten", "config": {"name": "flatten", "trainable": True,
                                         "dtype": "float32", "batch_input_shape": [None, 4, 4],
                                         "data_format": "channels_last"}},
    {"class_name": "Dense", "config": dense_config("dense", 8, "relu")},
    {"class_name": "Dropout", "config": {"name": "dropout", "trainable": True,
                                         "dtype": "float32", "rate": 0.3,
                                         "noise_shape": None, "seed": None}},
    {"class_name": "Dense", "config": dense_config("dense_1", 3, "softmax")}]},
    "keras_version": "2.12.0", "backend": "tensorflow"}

FUNCTIONAL = {"class_name": "Functional", "config": {"name": "model", "layers": [
    {"class_name": "InputLayer", "name": "input_1", "inbound_nodes": [],
     "config": {"batch_input_shape": [None, 4, 4], "dtype": "float32", "sparse": False,
                "ragged": False, "name": "input_1"}},
    {"class_name": "Flatten", "name": "flatten", "inbound_nodes": [[["input_1", 0, 0, {}]]],
     "config": {"name": "flatten", "trainable": True, "dtype": "float32",
                "data_format": "channels_last"}},
    {"class_name": "Dense", "name": "dense", "inbound_nodes": [[["flatten", 0, 0, {}]]],
     "config": dense_config("dense", 8, "relu")},
    {"class_name": "Dense", "name": "dense_1", "inbound_nodes": [[["dense", 0, 0, {}]]],
     "config": dense_config("dense_1", 3, "softmax")}],
    "input_layers": [["input_1", 0, 0]], "output_layers": [["dense_1", 0, 0]]},
    "keras_version": "2.12.0", "backend": "tensorflow"}

TRAINING = {"loss": "sparse_categorical_crossentropy", "metrics": [[{
    "class_name": "MeanMetricWrapper", "config": {
        "name": "accuracy", "dtype": "float32", "fn": "sparse_categorical_accuracy"}}]],
    "weighted_metrics": None, "loss_weights": None, "optimizer_config": {
        "class_name": "Custom>Adam", "config": {
            "name": "Adam", "weight_decay": None, "clipnorm": None, "global_clipnorm": None,
            "clipvalue": None, "use_ema": False, "ema_momentum": 0.99,
            "ema_overwrite_frequency": None, "jit_compile": True, "is_legacy_optimizer": False,
            "learning_rate": 0.0010000000474974513, "beta_1": 0.9, "beta_2": 0.999,
            "epsilon": 1e-07, "amsgrad": False}}}


def write_layers(group, names):
    group.attrs["layer_names"] = [n.encode() for n in names]
    group.attrs["backend"] = b"tensorflow"
    group.attrs["keras_version"] = b"2.12.0"
    for name in names:
        sub = group.create_group(name)
        arrays = W.get(name, [])
        weight_names = [f"{name}/{v}:0" for v in ("kernel", "bias")][:len(arrays)]
        sub.attrs["weight_names"] = [n.encode() for n in weight_names]
        for weight_name, array in zip(weight_names, arrays):
            sub.create_dataset(weight_name, data=array)


def whole_model_file(path, model_config, names):
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = b"2.12.0"
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = json.dumps(model_config).encode()
        f.attrs["training_config"] = json.dumps(TRAINING).encode()
        write_layers(f.create_group("model_weights"), names)
        opt = f.create_group("optimizer_weights")
        names = ["Adam/iter:0"] + [f"Adam/m/{l}/{v}:0" for l in ("dense", "dense_1")
                                    for v in ("kernel", "bias")]
        opt.attrs["weight_names"] = [n.encode() for n in names]
        opt.create_dataset(names[0], data=np.array(12, dtype=np.int64))
        for name, array in zip(names[1:], W["dense"] + W["dense_1"]):
            opt.create_dataset(name, data=np.zeros_like(array))


def expected():
    x = X.reshape(len(X), -1)
    z = np.maximum(x @ W["dense"][0] + W["dense"][1], 0) @ W["dense_1"][0] + W["dense_1"][1]
    p = np.exp(z - z.max(axis=1, keepdims=True))
    return p / p.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("config, names", [
    (SEQUENTIAL, ["flatten", "dense", "dropout", "dense_1"]),
    (FUNCTIONAL, ["input_1", "flatten", "dense", "dense_1"])], ids=["sequential", "functional"])
def test_keras2_whole_model_h5(tmp_path, config, names):
    whole_model_file(tmp_path / "model-whole.h5", config, names)
    with pytest.warns(UserWarning, match="Skipping variable loading for optimizer"):
        model = keras.models.load_model(tmp_path / "model-whole.h5")
    np.testing.assert_allclose(model.predict(X, verbose=0), expected(), rtol=1e-5, atol=1e-6)
    assert model.compiled and type(model.optimizer).__name__ == "Adam"
    assert [m.name for m in model._metric_ids] == ["accuracy"]
    model.fit(X, np.arange(5) % 3, epochs=1, verbose=0)  # trains on with a fresh optimizer


def test_keras2_weights_only_h5(tmp_path):
    with h5py.File(tmp_path / "model-weights.h5", "w") as f:
        write_layers(f, ["flatten", "dense", "dropout", "dense_1"])
    model = keras.Sequential([keras.Input((4, 4)), keras.layers.Flatten(),
                              keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dropout(0.3),
                              keras.layers.Dense(3, activation="softmax")])
    model.load_weights(tmp_path / "model-weights.h5")
    np.testing.assert_allclose(model.predict(X, verbose=0), expected(), rtol=1e-5, atol=1e-6)
