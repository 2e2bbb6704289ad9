"""numnet <-> real Keras 3: files written by one load in the other and predict the same.

Marked ``interop``; run with ``KERAS_BACKEND=torch python -m pytest -m interop``. Skipped when
Keras is not installed, except when ``NUMNET_REQUIRE_KERAS=1`` (CI sets it after installing
Keras): then a missing Keras fails the tests instead of skipping them.

Both frameworks build each model from the same function, called with the module
(``numnet`` or ``keras``): the API is the same, so one description serves both.
"""
import os

import numpy as np
import pytest

import numnet
from numnet.saving.model_config import layer_order
from numnet.saving.weights import optimizer_layout

pytestmark = pytest.mark.interop

RTOL, ATOL = 1e-5, 1e-6
X = np.random.default_rng(0).random((10, 8, 8, 1)).astype("float32")
Y = np.random.default_rng(1).integers(0, 3, 10)


@pytest.fixture(scope="module")
def keras():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    if os.environ.get("NUMNET_REQUIRE_KERAS") == "1":
        import keras  # a missing Keras fails here: CI installed it and must run these tests
    else:
        keras = pytest.importorskip("keras")
    assert keras.__version__.startswith("3."), keras.__version__
    return keras


# ------------------------------------------------------------- the models (same code for both)
def mlp(K):
    L = K.layers
    return K.Sequential([K.Input((8, 8, 1)), L.Reshape((64,)), L.Dense(16, activation="relu"),
                         L.Dropout(0.25), L.Dense(8), L.Activation("tanh"),
                         L.Dense(3, activation="softmax")])


def flat_mlp(K):
    L = K.layers
    return K.Sequential([K.Input((8, 8, 1)), L.Flatten(), L.Dense(10, activation="sigmoid"),
                         L.Dense(3, activation="softmax")])


def cnn(K):
    L = K.layers
    return K.Sequential([K.Input((8, 8, 1)), L.ZeroPadding2D(1),
                         L.Conv2D(4, 3, activation="relu"), L.BatchNormalization(),
                         L.MaxPooling2D(), L.Conv2D(3, (2, 2), padding="same"),
                         L.AveragePooling2D(2), L.Flatten(), L.Dense(3, activation="softmax")])


def functional(K):
    L = K.layers
    inp = K.Input((8, 8, 1), name="image")
    flat = L.Flatten(name="flat")(inp)
    a = L.Dense(5, activation="relu", name="a")(flat)
    b = L.Dense(5, name="b2")(L.Dense(5, name="b1")(flat))
    c = L.Dense(5, name="c")(flat)
    merged = L.Concatenate(name="cat")([L.Add(name="add")([b, a]), L.Subtract(name="sub")([a, c]),
                                        L.Multiply(name="mul")([a, b]), c])
    pooled = L.GlobalMaxPooling2D(name="gmax")(L.Conv2D(2, 3, name="conv")(inp))
    avg = L.GlobalAveragePooling2D(name="gavg")(L.Conv2D(2, 3, name="conv2")(inp))
    both = L.Concatenate(name="cat2")([merged, L.Average(name="avg")([pooled, avg]),
                                       L.Maximum(name="max")([pooled, avg]),
                                       L.Minimum(name="min")([pooled, avg])])
    return K.Model(inp, L.Dense(3, activation="softmax", name="out")(both))


BUILDERS = {"mlp": mlp, "flat_mlp": flat_mlp, "cnn": cnn, "functional": functional}


def compiled(K, builder, optimizer="adam"):
    model = builder(K)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def numnet_trained(name, optimizer="adam"):
    numnet.utils.set_random_seed(7)
    model = compiled(numnet, BUILDERS[name], optimizer)
    model.fit(X, Y, epochs=2, batch_size=4, verbose=0)
    return model


def keras_trained(keras, name, optimizer="adam"):
    keras.utils.set_random_seed(7)
    model = compiled(keras, BUILDERS[name], optimizer)
    model.fit(X, Y, epochs=2, batch_size=4, verbose=0)
    return model


def keras_predict(model):
    return np.asarray(model.predict(X, verbose=0))


def keras_optimizer_state(keras, model):
    return [np.asarray(keras.ops.convert_to_numpy(v)) for v in model.optimizer.variables]


def numnet_optimizer_state(model):
    optimizer, layout = optimizer_layout(model)
    return [np.asarray(a) for a in optimizer.split_variables(layout)]


def assert_same_state(ours, theirs):
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(np.asarray(a, dtype="float64"), np.asarray(b, dtype="float64"),
                                   rtol=RTOL, atol=ATOL)


# ------------------------------------------------------------- numnet writes, Keras reads
@pytest.mark.parametrize("name", sorted(BUILDERS))
@pytest.mark.parametrize("ext", [".keras", ".h5"])
def test_keras_loads_numnet_models(keras, tmp_path, name, ext):
    model = numnet_trained(name)
    model.save(tmp_path / f"m{ext}")
    theirs = keras.saving.load_model(str(tmp_path / f"m{ext}"))
    np.testing.assert_allclose(keras_predict(theirs), model.predict(X, verbose=0),
                               rtol=RTOL, atol=ATOL)
    for a, b in zip(theirs.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(np.asarray(a), b)
    assert int(theirs.optimizer.iterations) == model.optimizer.iterations == 6
    if ext == ".keras":  # Keras 3.15's legacy loader builds the optimizer without the model's
        # weights (only iteration and learning_rate), so only .keras restores its slots there
        assert_same_state(keras_optimizer_state(keras, theirs), numnet_optimizer_state(model))


@pytest.mark.parametrize("name", sorted(BUILDERS))
@pytest.mark.parametrize("filename", ["w.weights.h5", "model-weights.h5"])
def test_keras_loads_numnet_weights(keras, tmp_path, name, filename):
    model = numnet_trained(name)
    model.save_weights(tmp_path / filename)
    theirs = compiled(keras, BUILDERS[name])
    theirs.load_weights(str(tmp_path / filename))
    np.testing.assert_allclose(keras_predict(theirs), model.predict(X, verbose=0),
                               rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("optimizer", ["adam", "sgd-momentum", "rmsprop", "nadam"])
def test_keras_continues_training_a_numnet_model(keras, tmp_path, optimizer):
    """Keras loads a compiled numnet .keras with its optimizer state and keeps training.
    (Keras 3.15 cannot continue training from a legacy .h5 at all, even its own: its loader
    builds the optimizer on variables fit() does not use; so this checks .keras.)"""
    choice = {"adam": "adam", "rmsprop": "rmsprop", "nadam": "nadam",
              "sgd-momentum": numnet.optimizers.SGD(0.05, momentum=0.9)}[optimizer]
    model = numnet_trained("cnn", choice)
    model.save(tmp_path / "m.keras")
    theirs = keras.saving.load_model(str(tmp_path / "m.keras"))
    assert int(theirs.optimizer.iterations) == 6
    assert type(theirs.optimizer).__name__ == type(model.optimizer).__name__
    assert_same_state(keras_optimizer_state(keras, theirs), numnet_optimizer_state(model))
    history = theirs.fit(X, Y, epochs=1, batch_size=5, verbose=0)
    assert int(theirs.optimizer.iterations) == 8
    assert np.isfinite(history.history["loss"][0])


def test_keras_layer_order_matches_numnet(keras):
    """Functional layer order (which names the weights file's groups) agrees."""
    for K_model, n_model in ((functional(keras), functional(numnet)),):
        assert [l.name for l in K_model.layers] == [l.name for l in layer_order(n_model)]


# ------------------------------------------------------------- Keras writes, numnet reads
@pytest.mark.parametrize("name", sorted(BUILDERS))
@pytest.mark.parametrize("ext", [".keras", ".h5"])
def test_numnet_loads_keras_models(keras, tmp_path, name, ext):
    theirs = keras_trained(keras, name)
    theirs.save(str(tmp_path / f"m{ext}"))
    model = numnet.models.load_model(tmp_path / f"m{ext}")
    np.testing.assert_allclose(model.predict(X, verbose=0), keras_predict(theirs),
                               rtol=RTOL, atol=ATOL)
    for a, b in zip(model.get_weights(), theirs.get_weights()):
        np.testing.assert_array_equal(a, np.asarray(b))
    assert model.compiled and model.optimizer.iterations == int(theirs.optimizer.iterations)
    assert_same_state(numnet_optimizer_state(model), keras_optimizer_state(keras, theirs))
    model.fit(X, Y, epochs=1, batch_size=5, verbose=0)  # and training continues in numnet
    assert model.optimizer.iterations == int(theirs.optimizer.iterations) + 2


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_numnet_loads_keras_weights(keras, tmp_path, name):
    theirs = keras_trained(keras, name)
    theirs.save_weights(str(tmp_path / "w.weights.h5"))
    model = compiled(numnet, BUILDERS[name])
    model.load_weights(tmp_path / "w.weights.h5")
    np.testing.assert_allclose(model.predict(X, verbose=0), keras_predict(theirs),
                               rtol=RTOL, atol=ATOL)
    assert model.optimizer.iterations == int(theirs.optimizer.iterations)
    assert_same_state(numnet_optimizer_state(model), keras_optimizer_state(keras, theirs))


def test_numnet_loads_uncompiled_keras_functional_with_two_inputs(keras, tmp_path):
    def two_way(K):
        L = K.layers
        i1, i2 = K.Input((3,), name="x1"), K.Input((3,), name="x2")
        h = L.Dense(3, name="h2")(i2)
        m = L.Multiply(name="mul")([L.Dense(3, name="h1")(i1), h])
        return K.Model([i1, i2], [L.Dense(1, name="o1")(m), L.Dense(2, name="o2")(h)])

    data = [np.random.default_rng(4).random((4, 3)).astype("float32"),
            np.random.default_rng(5).random((4, 3)).astype("float32")]
    theirs = two_way(keras)
    theirs.save(str(tmp_path / "two.keras"))
    model = numnet.models.load_model(tmp_path / "two.keras")
    assert not model.compiled
    for ours, want in zip(model.predict(data, verbose=0), theirs.predict(data, verbose=0)):
        np.testing.assert_allclose(ours, np.asarray(want), rtol=RTOL, atol=ATOL)
    model.save(tmp_path / "back.keras")
    again = keras.saving.load_model(str(tmp_path / "back.keras"))
    for ours, want in zip(again.predict(data, verbose=0), theirs.predict(data, verbose=0)):
        np.testing.assert_allclose(np.asarray(ours), np.asarray(want), rtol=RTOL, atol=ATOL)


def misc(K):
    L = K.layers
    return K.Sequential([
        K.Input((8, 8, 1)), L.Reshape((8, 8)),
        L.Conv1D(3, 3, activation="relu", kernel_regularizer=K.regularizers.L2(0.01),
                 kernel_initializer=K.initializers.HeNormal(seed=3)),
        L.Flatten(),
        L.Dense(4, kernel_regularizer="l1", activation="leaky_relu",
                bias_initializer=K.initializers.Constant(0.5)),
        L.BatchNormalization(momentum=0.9, epsilon=0.01), L.Dense(2)])


def misc_compiled(K):
    model = misc(K)
    model.compile(optimizer=K.optimizers.Adam(K.optimizers.schedules.ExponentialDecay(
        0.01, 10, 0.9)), loss=K.losses.MeanSquaredError(),
        metrics=[K.metrics.MeanAbsoluteError(), "mse", K.metrics.mean_squared_error])
    return model


TARGETS = np.random.default_rng(6).random((10, 2)).astype("float32")


@pytest.mark.parametrize("ext", [".keras", ".h5"])
def test_regularizers_schedules_and_loss_objects_both_ways(keras, tmp_path, ext):
    numnet.utils.set_random_seed(2)
    ours = misc_compiled(numnet)
    ours.fit(X, TARGETS, epochs=1, batch_size=5, verbose=0)
    ours.save(tmp_path / f"n{ext}")
    theirs = keras.saving.load_model(str(tmp_path / f"n{ext}"))
    np.testing.assert_allclose(keras_predict(theirs), ours.predict(X, verbose=0),
                               rtol=RTOL, atol=ATOL)
    assert int(theirs.optimizer.iterations) == 2
    keras.utils.set_random_seed(2)
    theirs = misc_compiled(keras)
    theirs.fit(X, TARGETS, epochs=1, batch_size=5, verbose=0)
    theirs.save(str(tmp_path / f"k{ext}"))
    back = numnet.models.load_model(tmp_path / f"k{ext}")
    np.testing.assert_allclose(back.predict(X, verbose=0), keras_predict(theirs),
                               rtol=RTOL, atol=ATOL)
    assert type(back.loss).__name__ == "MeanSquaredError"
    assert back.optimizer.iterations == 2
    back.fit(X, TARGETS, epochs=1, batch_size=5, verbose=0)
