"""ModelCheckpoint: when it saves, what it prints, how it names files (Keras 3.15 wording).

Most tests replace ``model.save`` / ``model.save_weights`` by a recorder so they check the
callback's own logic; the last ones use the real saving code.
"""
import os
import zipfile

import numpy as np
import pytest

import numnet as keras
from numnet.callbacks import ModelCheckpoint


class Feed(keras.callbacks.Callback):
    def __init__(self, values, key="val_loss"):
        super().__init__()
        self.values, self.key = values, key

    def on_epoch_end(self, epoch, logs=None):
        logs[self.key] = self.values[epoch]


X = np.random.default_rng(0).random((8, 3)).astype("float32")
Y = np.random.default_rng(1).random((8, 1)).astype("float32")


def tiny_model(record=None):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    if record is not None:
        def fake(kind):
            def save(filepath, *args, **kwargs):
                with open(filepath, "w") as f:
                    f.write(kind)
                record.append((kind, filepath))
            return save
        model.save = fake("model")
        model.save_weights = fake("weights")
    return model


def test_save_best_only_messages_match_keras(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    saved = []
    checkpoint = ModelCheckpoint("ck/best-model.keras", save_best_only=True, verbose=1)
    tiny_model(saved).fit(X, Y, epochs=4, verbose=0,
                          callbacks=[Feed([0.5, 0.41234, 0.6, 0.3]), checkpoint])
    assert capsys.readouterr().out == (
        "\nEpoch 1: val_loss improved from None to 0.50000, saving model to ck/best-model.keras\n"
        "\nEpoch 1: finished saving model to ck/best-model.keras\n"
        "\nEpoch 2: val_loss improved from 0.50000 to 0.41234, saving model to "
        "ck/best-model.keras\n"
        "\nEpoch 2: finished saving model to ck/best-model.keras\n"
        "\nEpoch 3: val_loss did not improve from 0.41234\n"
        "\nEpoch 4: val_loss improved from 0.41234 to 0.30000, saving model to "
        "ck/best-model.keras\n"
        "\nEpoch 4: finished saving model to ck/best-model.keras\n")
    assert saved == [("model", "ck/best-model.keras")] * 3
    assert checkpoint.best == 0.3


def test_every_epoch_with_formatted_names(tmp_path, capsys):
    saved = []
    pattern = str(tmp_path / "w-{epoch:02d}-{val_loss:.2f}.weights.h5")
    checkpoint = ModelCheckpoint(pattern, save_weights_only=True, verbose=1)
    tiny_model(saved).fit(X, Y, epochs=2, verbose=0,
                          callbacks=[Feed([0.4312, 0.4099]), checkpoint])
    first, second = str(tmp_path / "w-01-0.43.weights.h5"), str(tmp_path / "w-02-0.41.weights.h5")
    assert saved == [("weights", first), ("weights", second)]
    assert capsys.readouterr().out == (f"\nEpoch 1: saving model to {first}\n"
                                       f"\nEpoch 1: finished saving model to {first}\n"
                                       f"\nEpoch 2: saving model to {second}\n"
                                       f"\nEpoch 2: finished saving model to {second}\n")


def test_max_mode_and_threshold(tmp_path, capsys):
    saved = []
    path = str(tmp_path / "t.keras")
    checkpoint = ModelCheckpoint(path, save_best_only=True, verbose=1,
                                 initial_value_threshold=0.4)
    tiny_model(saved).fit(X, Y, epochs=3, verbose=0,
                          callbacks=[Feed([0.5, 0.3, 0.2]), checkpoint])
    out = capsys.readouterr().out
    assert out.startswith("\nEpoch 1: val_loss did not improve from 0.40000\n"
                          f"\nEpoch 2: val_loss improved from 0.40000 to 0.30000, saving model "
                          f"to {path}\n")
    assert len(saved) == 2
    saved.clear()
    checkpoint = ModelCheckpoint(path, monitor="val_accuracy", save_best_only=True)
    tiny_model(saved).fit(X, Y, epochs=4, verbose=0,
                          callbacks=[Feed([0.5, 0.7, 0.6, 0.8], "val_accuracy"), checkpoint])
    assert len(saved) == 3 and checkpoint.best == 0.8


def test_save_freq_in_batches_counts_across_epochs(tmp_path, capsys):
    saved = []
    pattern = str(tmp_path / "b-{epoch}-{batch}.keras")
    checkpoint = ModelCheckpoint(pattern, save_freq=3, monitor="loss", verbose=1)
    tiny_model(saved).fit(X, Y, epochs=2, batch_size=2, verbose=0, callbacks=[checkpoint])
    # 4 batches per epoch: saved after batch 3 of epoch 1 and batch 2 of epoch 2 (as Keras).
    names = [os.path.basename(path) for _, path in saved]
    assert names == ["b-1-3.keras", "b-2-2.keras"]
    assert "Epoch 1: saving model to" in capsys.readouterr().out


def test_missing_monitor_warns_and_saves(tmp_path):
    saved = []
    checkpoint = ModelCheckpoint(str(tmp_path / "z.keras"), save_best_only=True)
    with pytest.warns(UserWarning, match="Can save best model only with metric `val_loss`"):
        tiny_model(saved).fit(X, Y, epochs=1, verbose=0, callbacks=[checkpoint])
    assert len(saved) == 1


def test_creates_parent_folders_and_refuses_a_folder(tmp_path):
    saved = []
    path = tmp_path / "runs" / "deep" / "m.keras"
    tiny_model(saved).fit(X, Y, epochs=1, verbose=0,
                          callbacks=[ModelCheckpoint(path, monitor="loss")])
    assert path.exists() and saved == [("model", str(path))]
    folder = tmp_path / "folder.keras"
    folder.mkdir()
    with pytest.raises(IsADirectoryError, match="existing folder"):
        tiny_model([]).fit(X, Y, epochs=1, verbose=0,
                           callbacks=[ModelCheckpoint(folder, monitor="loss")])


def test_unknown_placeholder_is_a_clear_key_error(tmp_path):
    checkpoint = ModelCheckpoint(str(tmp_path / "m-{val_loss:.2f}.keras"))
    with pytest.raises(KeyError) as info:
        tiny_model([]).fit(X, Y, epochs=1, verbose=0, callbacks=[checkpoint])
    message = str(info.value)
    assert "{val_loss}" in message and "validation_data" in message
    assert "Available names are: epoch, loss." in message


@pytest.mark.parametrize("kwargs, error, words", [
    ({"filepath": "model.txt"}, ValueError, "must end in '.keras'"),
    ({"filepath": "model.h5", "save_weights_only": True}, ValueError, "'.weights.h5'"),
    ({"filepath": "m.keras", "save_freq": "batch"}, ValueError, "save_freq"),
    ({"filepath": "m.keras", "save_freq": 0}, ValueError, "save_freq"),
    ({"filepath": "m.keras", "mode": "maximum"}, ValueError, "`mode`"),
    ({"filepath": 42}, TypeError, "filepath"),
    ({"filepath": "m.keras", "initial_value_threshold": "x"}, TypeError,
     "initial_value_threshold"),
])
def test_bad_arguments(kwargs, error, words):
    with pytest.raises(error, match=words):
        ModelCheckpoint(**kwargs)


def test_accepted_suffixes():
    ModelCheckpoint("best-model.keras")
    ModelCheckpoint("best-model.h5")  # legacy whole-model format (older course editions)
    ModelCheckpoint("best.weights.h5", save_weights_only=True)
    ModelCheckpoint("{epoch:02d}-{val_loss:.2f}.keras", save_freq=100)


# ------------------------------------------------------------- with the real saving code
def test_real_save_best_model_keras(tmp_path):
    path = tmp_path / "best-model.keras"
    model = tiny_model()
    assert hasattr(model, "save"), "needs numnet saving (model.save)"
    model.fit(X, Y, epochs=2, verbose=0, validation_data=(X, Y),
              callbacks=[ModelCheckpoint(path, save_best_only=True)])
    assert zipfile.is_zipfile(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(loaded.predict(X, verbose=0), model.predict(X, verbose=0),
                               rtol=1e-6)


def test_real_save_weights_and_legacy_h5(tmp_path):
    model = tiny_model()
    assert hasattr(model, "save_weights"), "needs numnet saving (model.save_weights)"
    weights = tmp_path / "best.weights.h5"
    legacy = tmp_path / "best-model.h5"
    model.fit(X, Y, epochs=1, verbose=0,
              callbacks=[ModelCheckpoint(weights, monitor="loss", save_weights_only=True),
                         ModelCheckpoint(legacy, monitor="loss")])
    assert weights.exists() and legacy.exists()
    other = tiny_model()
    other.load_weights(weights)
    for a, b in zip(other.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
