"""model.save / load_model / save_weights / load_weights: numnet -> numnet round trips, the
Keras 3 rules for file names and arguments, mismatch errors, and resuming training exactly."""
import json
import os
import pathlib
import warnings

import h5py
import numpy as np
import pytest

import numnet as keras
from numnet import layers as L
from numnet.saving import ModelFileError
from numnet.saving.model_config import layer_order

X = np.random.default_rng(0).random((24, 6, 6, 1)).astype("float32")
Y = np.random.default_rng(1).integers(0, 3, 24)


def mlp(seed=3, units=8):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input((6, 6, 1)), L.Flatten(), L.Dense(units, activation="relu"),
                             L.Dropout(0.25), L.Dense(3, activation="softmax")])


def reshape_model():
    return keras.Sequential([keras.Input((6, 6, 1)), L.Reshape((36,)), L.Dense(5),
                             L.Activation("tanh"), L.Dense(3), L.Activation("softmax")])


def cnn():
    return keras.Sequential([keras.Input((6, 6, 1)), L.ZeroPadding2D(1), L.Conv2D(3, 3,
                             activation="relu"), L.BatchNormalization(), L.MaxPooling2D(),
                             L.AveragePooling2D(1), L.GlobalAveragePooling2D(),
                             L.Dense(3, activation="softmax")])


def functional():
    inp = keras.Input((6, 6, 1), name="image")
    flat = L.Flatten()(inp)
    a = L.Dense(4, activation="relu")(flat)
    b = L.Dense(4)(L.Dense(4)(flat))
    merged = L.Concatenate()([L.Add()([a, b]), L.Subtract()([a, b]), L.Multiply()([a, b]),
                              L.Average()([a, b]), L.Maximum()([a, b]), L.Minimum()([a, b])])
    return keras.Model(inp, L.Dense(3, activation="softmax")(merged))


BUILDERS = {"mlp": mlp, "reshape": reshape_model, "cnn": cnn, "functional": functional}


def trained(builder, optimizer="adam", epochs=1):
    keras.utils.set_random_seed(11)
    model = builder()
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(X, Y, epochs=epochs, batch_size=8, verbose=0)
    return model


def same_weights(a, b):
    wa, wb = a.get_weights(), b.get_weights()
    return len(wa) == len(wb) and all(np.array_equal(p, q) for p, q in zip(wa, wb))


def optimizer_state(model):
    return {k: (v.copy() if isinstance(v, np.ndarray) else v)
            for k, v in model.optimizer.get_state().items()}


def same_state(s1, s2):
    return s1.keys() == s2.keys() and all(np.array_equal(s1[k], s2[k]) for k in s1)


# ------------------------------------------------------------- round trips
@pytest.mark.parametrize("name", sorted(BUILDERS))
@pytest.mark.parametrize("ext", [".keras", ".h5"])
def test_save_and_load_model_round_trip(tmp_path, name, ext):
    model = trained(BUILDERS[name])
    path = tmp_path / f"model{ext}"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert type(loaded) is type(model) and loaded.name == model.name
    assert [l.name for l in loaded.layers] == [l.name for l in model.layers]
    assert same_weights(model, loaded)
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))
    assert loaded.compiled and loaded.loss == "sparse_categorical_crossentropy"
    assert type(loaded.optimizer) is type(model.optimizer)
    assert loaded.optimizer.iterations == model.optimizer.iterations == 3
    assert same_state(optimizer_state(loaded), optimizer_state(model))
    assert loaded.evaluate(X, Y, verbose=0) == model.evaluate(X, Y, verbose=0)


@pytest.mark.parametrize("name", sorted(BUILDERS))
@pytest.mark.parametrize("filename", ["w.weights.h5", "model-weights.h5", "w.keras"])
def test_save_and_load_weights_round_trip(tmp_path, name, filename):
    model = trained(BUILDERS[name])
    path = tmp_path / filename
    model.save(path) if filename.endswith(".keras") else model.save_weights(path)
    fresh = BUILDERS[name]() if name != "mlp" else mlp(seed=99)
    assert not same_weights(fresh, model)
    fresh.load_weights(path)
    assert same_weights(fresh, model)
    np.testing.assert_array_equal(fresh.predict(X, verbose=0), model.predict(X, verbose=0))


def test_uncompiled_and_unbuilt_models(tmp_path):
    model = mlp()
    model.save(tmp_path / "m.keras")
    model.save(tmp_path / "m.h5")
    for ext in (".keras", ".h5"):
        loaded = keras.models.load_model(tmp_path / f"m{ext}")
        assert not loaded.compiled and loaded.optimizer is None
        assert same_weights(model, loaded)
    compiled = trained(mlp)
    plain = keras.models.load_model(tmp_path / "m.keras", compile=False)
    compiled.save(tmp_path / "c.keras")
    assert not keras.models.load_model(tmp_path / "c.keras", compile=False).compiled
    assert plain.input_shape == (None, 6, 6, 1)
    unbuilt = keras.Sequential([L.Dense(2)])
    unbuilt.save(tmp_path / "u.keras")
    again = keras.models.load_model(tmp_path / "u.keras")
    assert not again.built and again.layers[0].units == 2


def test_legacy_weights_file_layout(tmp_path):
    """'model-weights.h5' is written in the Keras 2 weights-only layout (no optimizer)."""
    model = trained(mlp)
    model.save_weights(tmp_path / "model-weights.h5")
    with h5py.File(tmp_path / "model-weights.h5", "r") as f:
        assert [n.decode() if isinstance(n, bytes) else n for n in f.attrs["layer_names"]] == \
            [l.name for l in model.layers]
        assert "model_weights" not in f and "optimizer_weights" not in f
    with pytest.raises(ModelFileError, match="only weights"):
        keras.models.load_model(tmp_path / "model-weights.h5")


def test_weights_h5_holds_optimizer_state_and_load_weights_restores_it(tmp_path):
    model = trained(mlp, epochs=2)
    model.save_weights(tmp_path / "w.weights.h5")
    fresh = mlp(seed=5)
    fresh.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    fresh.load_weights(tmp_path / "w.weights.h5")
    assert fresh.optimizer.iterations == 6
    assert same_state(optimizer_state(fresh), optimizer_state(model))
    other = mlp(seed=5)
    other.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    with pytest.warns(UserWarning, match="Skipping variable loading for optimizer"):
        other.load_weights(tmp_path / "w.weights.h5")
    assert same_weights(other, model) and other.optimizer.iterations == 0


@pytest.mark.parametrize("optimizer", [
    keras.optimizers.SGD(0.05, momentum=0.9, nesterov=True), keras.optimizers.RMSprop(
        momentum=0.5, centered=True), keras.optimizers.Nadam(), keras.optimizers.Adagrad(),
    keras.optimizers.Adam(amsgrad=True), keras.optimizers.AdamW(weight_decay=0.01),
    keras.optimizers.Adamax(), keras.optimizers.Adadelta(),
    keras.optimizers.Adam(keras.optimizers.schedules.ExponentialDecay(0.01, 3, 0.5))],
    ids=lambda o: type(o).__name__)
def test_every_optimizer_state_round_trips(tmp_path, optimizer):
    config = keras.optimizers.serialize(optimizer)
    model = trained(reshape_model, optimizer=keras.optimizers.deserialize(config))
    for ext in (".keras", ".h5"):
        model.save(tmp_path / f"m{ext}")
        loaded = keras.models.load_model(tmp_path / f"m{ext}")
        assert loaded.optimizer.get_config() == model.optimizer.get_config()
        assert same_state(optimizer_state(loaded), optimizer_state(model))


# ------------------------------------------------------------- resuming training
def resumable_model():
    model = keras.Sequential([keras.Input((6, 6, 1)), L.Flatten(), L.Dense(12, activation="relu"),
                              L.Dropout(0.3), L.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


@pytest.mark.parametrize("ext", [".keras", ".h5"])
def test_resumed_training_is_bit_identical(tmp_path, ext):
    """What is equal: a run of 4 epochs that re-seeds numnet's global RNG (which drives
    shuffling and dropout) after epoch 2, and a run that trains 2 epochs, saves, loads the
    file into a new model (another seed was used meanwhile, as in a new process), re-seeds
    the same way and trains 2 more: weights, optimizer state and history are identical."""
    keras.utils.set_random_seed(5)
    straight = resumable_model()
    first = straight.fit(X, Y, epochs=2, batch_size=5, verbose=0).history
    keras.utils.set_random_seed(77)
    second = straight.fit(X, Y, epochs=2, batch_size=5, verbose=0).history

    keras.utils.set_random_seed(5)
    interrupted = resumable_model()
    assert interrupted.fit(X, Y, epochs=2, batch_size=5, verbose=0).history == first
    interrupted.save(tmp_path / f"ckpt{ext}")
    keras.utils.set_random_seed(1234)  # a different process: the loaded model must not care
    del interrupted
    resumed = keras.models.load_model(tmp_path / f"ckpt{ext}")
    keras.utils.set_random_seed(77)
    assert resumed.fit(X, Y, epochs=2, batch_size=5, verbose=0).history == second
    assert same_weights(resumed, straight)
    assert same_state(optimizer_state(resumed), optimizer_state(straight))
    assert resumed.optimizer.iterations == straight.optimizer.iterations == 20
    assert resumed.optimizer.learning_rate == straight.optimizer.learning_rate == 0.01


def test_loading_does_not_draw_from_the_global_rng(tmp_path):
    trained(cnn).save(tmp_path / "m.keras")
    keras.utils.set_random_seed(3)
    expected = keras.config.rng().random(4)
    keras.utils.set_random_seed(3)
    keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(keras.config.rng().random(4), expected)


# ------------------------------------------------------------- mismatches
def test_load_weights_mismatch_names_layer_and_shapes_and_changes_nothing(tmp_path):
    trained(mlp).save_weights(tmp_path / "w.weights.h5")
    other = mlp(seed=8, units=9)
    before = other.get_weights()
    with pytest.raises(ModelFileError) as info:
        other.load_weights(tmp_path / "w.weights.h5")
    message = str(info.value)
    assert other.layers[1].name in message and "(36, 9)" in message and "(36, 8)" in message
    assert other.layers[3].name in message and "(9, 3)" in message
    assert all(np.array_equal(a, b) for a, b in zip(before, other.get_weights()))
    with pytest.warns(UserWarning, match="Skipping"):
        other.load_weights(tmp_path / "w.weights.h5", skip_mismatch=True)


def test_legacy_mismatch_and_by_name(tmp_path):
    model = trained(mlp)
    model.save_weights(tmp_path / "w.h5")
    smaller = keras.Sequential([keras.Input((6, 6, 1)), L.Flatten(), L.Dense(3)])
    before = smaller.get_weights()
    with pytest.raises(ModelFileError, match="1 layers with weights.*file has 2"):
        smaller.load_weights(tmp_path / "w.h5")
    assert all(np.array_equal(a, b) for a, b in zip(before, smaller.get_weights()))
    renamed = mlp(seed=4)
    target = renamed.layers[3]
    target.name = model.layers[3].name
    renamed.load_weights(tmp_path / "w.h5", by_name=True)
    np.testing.assert_array_equal(target.get_weights()[0], model.layers[3].get_weights()[0])
    assert not np.array_equal(renamed.layers[1].get_weights()[0],
                              model.layers[1].get_weights()[0])


def test_load_weights_into_unbuilt_model_is_refused(tmp_path):
    trained(mlp).save_weights(tmp_path / "w.weights.h5")
    with pytest.raises(ValueError, match="not yet been built"):
        keras.Sequential([L.Dense(3)]).load_weights(tmp_path / "w.weights.h5")


# ------------------------------------------------------------- names and arguments (Keras 3)
@pytest.mark.parametrize("filename", ["model", "model.txt", "model.weights", "model.pkl"])
def test_save_refuses_unknown_extensions(tmp_path, filename):
    with pytest.raises(ValueError, match=r"\.keras.*\.h5"):
        mlp().save(tmp_path / filename)
    assert not os.listdir(tmp_path)


@pytest.mark.parametrize("filename", ["w.keras", "w.txt", "weights"])
def test_save_weights_refuses_other_names(tmp_path, filename):
    with pytest.raises(ValueError, match=r"\.weights\.h5"):
        mlp().save_weights(tmp_path / filename)


def test_load_refuses_unknown_extension_and_missing_file(tmp_path):
    with pytest.raises(ValueError, match="File format not supported"):
        keras.models.load_model(tmp_path / "model.pkl")
    with pytest.raises(FileNotFoundError, match="File not found"):
        keras.models.load_model(tmp_path / "missing.keras")
    with pytest.raises(ValueError, match="File format not supported"):
        mlp().load_weights(tmp_path / "model.npz")


def test_keras_arguments(tmp_path):
    model = trained(mlp)
    with pytest.raises(ValueError, match="not supported"):
        model.save(tmp_path / "m.keras", foo=1)
    with pytest.warns(UserWarning, match="save_format"):
        model.save(tmp_path / "m.keras", save_format="keras")
    with pytest.raises(ValueError, match="save_format"):
        model.save(tmp_path / "m.tf", save_format="tf")
    with pytest.raises(ValueError, match="zipped"):
        model.save(tmp_path / "m.keras", zipped=False)
    with pytest.raises(ValueError, match="custom objects"):
        keras.models.load_model(tmp_path / "m.keras", custom_objects={"x": 1})
    with pytest.raises(ValueError, match="Invalid keyword"):
        model.load_weights(tmp_path / "m.keras", foo=1)
    model.save(tmp_path / "m.h5", include_optimizer=False)
    assert not keras.models.load_model(tmp_path / "m.h5").compiled
    assert keras.saving.load_model is keras.models.load_model
    keras.saving.save_model(model, str(tmp_path / "s.keras"))
    assert same_weights(keras.saving.load_model(pathlib.Path(tmp_path / "s.keras")), model)


def test_overwrite_false_asks(tmp_path, monkeypatch):
    model = trained(mlp)
    model.save(tmp_path / "m.keras")
    first = (tmp_path / "m.keras").read_bytes()
    monkeypatch.setattr("builtins.input", lambda prompt="": "n")
    mlp(seed=42).save(tmp_path / "m.keras", overwrite=False)
    assert (tmp_path / "m.keras").read_bytes() == first
    answers = iter(["maybe", "y"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    mlp(seed=42).save_weights(tmp_path / "m.weights.h5")
    mlp(seed=43).save_weights(tmp_path / "m.weights.h5", overwrite=False)


def test_custom_layer_classes_cannot_be_saved_whole(tmp_path):
    class Scale(L.Layer):
        def forward(self, x, training=False):
            return 2 * x

        def backward(self, grad_y):
            return 2 * grad_y

    model = keras.Sequential([keras.Input((3,)), Scale(), L.Dense(2)])
    with pytest.raises(ValueError, match="save_weights"):
        model.save(tmp_path / "m.keras")
    assert not os.listdir(tmp_path)
    model.save_weights(tmp_path / "m.weights.h5")  # weights-only works for any layer


def test_loading_writes_nothing(tmp_path):
    model = trained(functional)
    for name in ("m.keras", "m.h5"):
        model.save(tmp_path / name)
    model.save_weights(tmp_path / "w.weights.h5")
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in tmp_path.iterdir()}
    os.chmod(tmp_path, 0o555)
    try:
        keras.models.load_model(tmp_path / "m.keras")
        keras.models.load_model(tmp_path / "m.h5")
        model.load_weights(tmp_path / "w.weights.h5")
    finally:
        os.chmod(tmp_path, 0o755)
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in tmp_path.iterdir()} == before


# ------------------------------------------------------------- functional layer order
def test_functional_layer_order_matches_keras():
    """Keras 3.15 lists these graphs' layers (hence names the weights file's groups) in the
    orders below (recorded from keras.Model(...).layers); numnet's own order may differ."""
    i = keras.Input((6,), name="in_a")
    a = L.Dense(4, name="a3")(L.Dense(4, name="a2")(L.Dense(4, name="a1")(i)))
    b = L.Dense(4, name="b1")(i)
    c = L.Add(name="add")([b, a])
    e = L.Concatenate(name="cat")([c, L.Dense(4, name="d")(i), b])
    model = keras.Model(i, L.Dense(2, name="out")(e))
    assert [l.name for l in layer_order(model)] == \
        ["in_a", "a1", "a2", "b1", "a3", "add", "d", "cat", "out"]
    j1, j2 = keras.Input((3,), name="u1"), keras.Input((3,), name="u2")
    unused = keras.Model([j1, j2], L.Dense(2, name="z")(j2))
    assert [l.name for l in layer_order(unused)] == ["u2", "u1", "z"]


def test_multi_input_output_functional_round_trip(tmp_path):
    i1, i2 = keras.Input((3,), name="x1"), keras.Input((3,), name="x2")
    h = L.Dense(3, name="h2")(i2)
    m = L.Multiply(name="mul")([L.Dense(3, name="h1")(i1), h])
    model = keras.Model([i1, i2], [L.Dense(1, name="o1")(m), L.Dense(2, name="o2")(h)])
    data = [np.ones((2, 3), "float32"), np.full((2, 3), 0.5, "float32")]
    for ext in (".keras", ".h5"):
        model.save(tmp_path / f"m{ext}")
        loaded = keras.models.load_model(tmp_path / f"m{ext}")
        for got, want in zip(loaded.predict(data, verbose=0), model.predict(data, verbose=0)):
            np.testing.assert_array_equal(got, want)


def test_warning_free_round_trip(tmp_path):
    model = trained(cnn)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.save(tmp_path / "m.keras")
        keras.models.load_model(tmp_path / "m.keras")
        model.save_weights(tmp_path / "m.weights.h5")
        model.load_weights(tmp_path / "m.weights.h5")


def test_loss_and_metric_objects_and_functions_round_trip(tmp_path):
    model = reshape_model()
    model.compile(optimizer=keras.optimizers.SGD(0.1),
                  loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=[keras.metrics.SparseCategoricalAccuracy(), "acc",
                           keras.metrics.sparse_categorical_accuracy])
    model.fit(X, Y, epochs=1, batch_size=8, verbose=0)
    for ext in (".keras", ".h5"):
        model.save(tmp_path / f"m{ext}")
        loaded = keras.models.load_model(tmp_path / f"m{ext}")
        assert type(loaded.loss).__name__ == "SparseCategoricalCrossentropy"
        assert loaded.evaluate(X, Y, verbose=0, return_dict=True) == \
            model.evaluate(X, Y, verbose=0, return_dict=True)
    with h5py.File(tmp_path / "m.h5", "r") as f:  # Keras's legacy form: functions by name
        training = json.loads(f.attrs["training_config"])
    assert training["metrics"][1:] == ["acc", "sparse_categorical_accuracy"]
    assert set(training["loss"]) == {"class_name", "config"}


def test_sequential_config_without_input_layer_uses_build_shape(tmp_path):
    import zipfile

    model = trained(mlp)
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    config = json.loads(members["config.json"])
    assert config["config"]["layers"][0]["class_name"] == "InputLayer"
    del config["config"]["layers"][0]
    members["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(tmp_path / "n.keras", "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    loaded = keras.models.load_model(tmp_path / "n.keras")
    assert loaded.input_shape == (None, 6, 6, 1) and same_weights(loaded, model)


def test_weights_only_files_are_not_models(tmp_path):
    model = trained(mlp)
    model.save_weights(tmp_path / "w.weights.h5")
    with pytest.raises(ModelFileError, match="load_weights"):
        keras.models.load_model(tmp_path / "w.weights.h5")
    renamed = tmp_path / "w.h5"
    renamed.write_bytes((tmp_path / "w.weights.h5").read_bytes())
    with pytest.raises(ModelFileError, match="load_weights"):
        keras.models.load_model(renamed)
    fresh = mlp(seed=2)
    fresh.load_weights(renamed)  # the layout is read from the content, not the name
    assert same_weights(fresh, model)


def test_h5_needs_plain_layer_names(tmp_path):
    model = keras.Sequential([keras.Input((3,)), L.Dense(2, name="a/b")])
    with pytest.raises(ValueError, match="'/'"):
        model.save(tmp_path / "m.h5")
    model.save(tmp_path / "m.keras")  # fine in a .keras file
    assert keras.models.load_model(tmp_path / "m.keras").layers[0].name == "a/b"
