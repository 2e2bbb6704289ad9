"""Every file real Keras 3 wrote (tests/fixtures/keras/) loads through numnet's public API and
gives Keras's predictions, weights and optimizer state (expected.npz). No Keras needed."""
import os

import numpy as np
import pytest

import numnet as keras
from numnet.saving.weights import optimizer_layout

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        "fixtures", "keras")
MODELS = {"mlp": ["Flatten", "Dense", "Dropout", "Dense"],
          "reshape": ["Reshape", "Dense", "Activation", "Dense", "Activation"],
          "uncompiled": ["Flatten", "Dense", "Dropout", "Dense"]}
OPTIMIZERS = {"mlp": "Adam", "reshape": "SGD"}
X_Y = np.random.default_rng(2).random((16, 4, 4)).astype("float32"), \
    np.random.default_rng(3).integers(0, 3, 16)


@pytest.fixture(scope="module")
def expected():
    with np.load(os.path.join(FIXTURES, "expected.npz"), allow_pickle=False) as data:
        return dict(data)


def keras_optimizer_variables(model):
    """The optimizer state as Keras lists ``optimizer.variables``."""
    optimizer, layout = optimizer_layout(model)
    return optimizer.split_variables(layout)


@pytest.mark.parametrize("ext", [".keras", ".h5"])
@pytest.mark.parametrize("name", sorted(MODELS))
def test_load_model_written_by_keras(name, ext, expected):
    model = keras.models.load_model(os.path.join(FIXTURES, name + ext))
    assert [type(l).__name__ for l in model.layers] == MODELS[name]
    np.testing.assert_allclose(model.predict(expected["x"], verbose=0), expected[f"{name}__pred"],
                               rtol=1e-5, atol=1e-6)
    if name == "uncompiled":
        assert not model.compiled
        return
    for i, weight in enumerate(model.get_weights()):
        np.testing.assert_array_equal(weight, expected[f"{name}__w{i}"])
    assert model.compiled and type(model.optimizer).__name__ == OPTIMIZERS[name]
    assert model.loss == "sparse_categorical_crossentropy"
    state = keras_optimizer_variables(model)
    count = sum(k.startswith(f"{name}__opt") for k in expected)
    assert len(state) == count
    for i, array in enumerate(state):
        np.testing.assert_array_equal(array, expected[f"{name}__opt{i}"])
    assert model.optimizer.iterations == 4
    history = model.fit(*X_Y, epochs=1, batch_size=8, verbose=0)  # training continues
    assert model.optimizer.iterations == 6 and np.isfinite(history.history["loss"][0])


@pytest.mark.parametrize("name", ["mlp", "reshape"])
def test_load_weights_written_by_keras(name, expected):
    model = keras.models.load_model(os.path.join(FIXTURES, "uncompiled.keras")) \
        if name == "mlp" else keras.models.load_model(os.path.join(FIXTURES, "reshape.keras"),
                                                      compile=False)
    model.compile(optimizer="adam" if name == "mlp" else keras.optimizers.SGD(momentum=0.9),
                  loss="sparse_categorical_crossentropy")
    model.load_weights(os.path.join(FIXTURES, f"{name}.weights.h5"))
    for i, weight in enumerate(model.get_weights()):
        np.testing.assert_array_equal(weight, expected[f"{name}__w{i}"])
    np.testing.assert_allclose(model.predict(expected["x"], verbose=0), expected[f"{name}__pred"],
                               rtol=1e-5, atol=1e-6)
    assert model.optimizer.iterations == 4
    for i, array in enumerate(keras_optimizer_variables(model)):
        np.testing.assert_array_equal(array, expected[f"{name}__opt{i}"])


@pytest.mark.parametrize("source", ["mlp.keras", "mlp.h5", "mlp.weights.h5"])
def test_load_weights_from_each_keras_file_kind(source, expected):
    model = keras.Sequential([keras.Input((4, 4)), keras.layers.Flatten(),
                              keras.layers.Dense(8, activation="relu"), keras.layers.Dropout(0.3),
                              keras.layers.Dense(3, activation="softmax")])
    model.load_weights(os.path.join(FIXTURES, source))
    for i, weight in enumerate(model.get_weights()):
        np.testing.assert_array_equal(weight, expected[f"mlp__w{i}"])


def test_keras_file_resaved_by_numnet_keeps_everything(tmp_path, expected):
    model = keras.models.load_model(os.path.join(FIXTURES, "mlp.keras"))
    model.save(tmp_path / "again.keras")
    again = keras.models.load_model(tmp_path / "again.keras")
    for a, b in zip(keras_optimizer_variables(model), keras_optimizer_variables(again)):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(again.predict(expected["x"], verbose=0),
                                  model.predict(expected["x"], verbose=0))
