"""BackupAndRestore: an interrupted fit resumes at the unfinished epoch.

The first tests swap ``model.save`` / ``model.load_weights`` for a small NumPy stand-in to
check the callback's own bookkeeping; the last ones use numnet's real ``.keras`` saving and
check that the resumed run ends with exactly the weights of an uninterrupted one (which needs
the optimizer state to be saved and restored too).
"""
import json
import os

import numpy as np
import pytest

import numnet as keras
from numnet.callbacks import BackupAndRestore
from numnet.saving.errors import ModelFileError

X = np.random.default_rng(0).random((16, 3)).astype("float32")
Y = np.random.default_rng(1).random((16, 1)).astype("float32")


class Interrupt(keras.callbacks.Callback):
    """Raises at the start of epoch ``epoch`` (or after batch ``batch`` of it)."""

    def __init__(self, epoch, batch=None):
        super().__init__()
        self.at_epoch, self.at_batch, self.epoch = epoch, batch, None

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch
        if epoch == self.at_epoch and self.at_batch is None:
            raise RuntimeError("Interrupting!")

    def on_train_batch_end(self, batch, logs=None):
        if self.epoch == self.at_epoch and batch == self.at_batch:
            raise RuntimeError("Interrupting!")


def make_model(fake_saving=False):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh"),
                              keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    if fake_saving:
        def save(filepath, *args, **kwargs):
            with open(filepath, "wb") as f:
                np.savez(f, *model.get_weights())

        def load_weights(filepath, *args, **kwargs):
            try:
                data = np.load(filepath, allow_pickle=False)
            except Exception as error:  # the real loader raises ModelFileError for bad files
                raise ModelFileError(f"damaged: {error}") from None
            with data:
                model.set_weights([data[f"arr_{i}"] for i in range(len(data.files))])

        model.save, model.load_weights = save, load_weights
    return model


def metadata(folder):
    with open(os.path.join(folder, "training_metadata.json")) as f:
        return json.load(f)


# ------------------------------------------------------------- bookkeeping (stand-in saving)
def test_interrupted_fit_resumes_at_the_unfinished_epoch(tmp_path):
    folder = str(tmp_path / "backup")
    backup = BackupAndRestore(folder)
    model = make_model(fake_saving=True)
    with pytest.raises(RuntimeError, match="Interrupting"):
        model.fit(X, Y, epochs=6, batch_size=4, verbose=0, callbacks=[backup, Interrupt(3)])
    assert sorted(os.listdir(folder)) == ["latest.keras", "training_metadata.json"]
    assert metadata(folder)["epoch"] == 3
    history = model.fit(X, Y, epochs=6, batch_size=4, verbose=0, callbacks=[backup])
    assert history.epoch == [3, 4, 5] and len(history.history["loss"]) == 3
    assert not os.path.exists(folder)  # deleted after a successful fit


def test_keras_docstring_example(tmp_path):
    backup = BackupAndRestore(backup_dir=str(tmp_path / "b"))
    model = make_model(fake_saving=True)
    with pytest.raises(RuntimeError):
        model.fit(X, Y, epochs=10, batch_size=1, verbose=0, callbacks=[backup, Interrupt(4)])
    history = model.fit(X, Y, epochs=10, batch_size=1, verbose=0, callbacks=[backup])
    assert len(history.history["loss"]) == 6


def test_restores_the_weights_of_the_last_finished_epoch(tmp_path):
    snapshots = []
    record = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: snapshots.append(record.model.get_weights()))
    backup = BackupAndRestore(str(tmp_path / "b"))
    model = make_model(fake_saving=True)
    with pytest.raises(RuntimeError):
        model.fit(X, Y, epochs=5, verbose=0, callbacks=[backup, record, Interrupt(2)])
    fresh = make_model(fake_saving=True)
    seen = []
    peek = keras.callbacks.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: seen.append((epoch, fresh.get_weights())))
    fresh.fit(X, Y, epochs=3, verbose=0, callbacks=[backup, peek])
    assert seen[0][0] == 2
    for got, expected in zip(seen[0][1], snapshots[1]):
        np.testing.assert_array_equal(got, expected)


def test_keep_checkpoint_and_a_finished_run(tmp_path):
    folder = str(tmp_path / "b")
    backup = BackupAndRestore(folder, delete_checkpoint=False)
    model = make_model(fake_saving=True)
    model.fit(X, Y, epochs=2, verbose=0, callbacks=[backup])
    assert metadata(folder)["epoch"] == 2
    history = model.fit(X, Y, epochs=2, verbose=0, callbacks=[backup])
    assert history.epoch == []  # nothing left to do
    history = model.fit(X, Y, epochs=3, verbose=0, callbacks=[backup])
    assert history.epoch == [2]


def test_other_files_in_the_folder_are_left_alone(tmp_path):
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    make_model(fake_saving=True).fit(X, Y, epochs=1, verbose=0,
                                     callbacks=[BackupAndRestore(folder)])
    assert sorted(os.listdir(folder)) == ["notes.txt"]


def test_save_freq_in_batches_restarts_the_unfinished_epoch(tmp_path):
    folder = str(tmp_path / "b")
    backup = BackupAndRestore(folder, save_freq=3)
    model = make_model(fake_saving=True)
    with pytest.raises(RuntimeError):  # 4 batches per epoch; stop in epoch 2 after batch 2
        model.fit(X, Y, epochs=4, batch_size=4, verbose=0, callbacks=[backup, Interrupt(2, 2)])
    # batch saves: epoch 0 batch 2, epoch 1 batch 1, epoch 2 batch 0 (every 3 batches).
    assert metadata(folder) == {"epoch": 2, "batch": 0}
    history = model.fit(X, Y, epochs=4, batch_size=4, verbose=0, callbacks=[backup])
    assert history.epoch == [2, 3]


def test_double_checkpoint_falls_back_to_the_previous_backup(tmp_path):
    folder = tmp_path / "b"
    backup = BackupAndRestore(str(folder), double_checkpoint=True)
    model = make_model(fake_saving=True)
    with pytest.raises(RuntimeError):
        model.fit(X, Y, epochs=5, verbose=0, callbacks=[backup, Interrupt(3)])
    assert sorted(os.listdir(folder)) == ["latest.keras", "latest.keras.bkp",
                                          "training_metadata.json",
                                          "training_metadata.json.bkp"]
    (folder / "latest.keras").write_bytes(b"")  # damaged
    history = model.fit(X, Y, epochs=5, verbose=0, callbacks=[backup])
    assert history.epoch == [2, 3, 4]
    assert not folder.exists()


def test_damaged_backup_without_a_previous_one_raises(tmp_path):
    folder = tmp_path / "b"
    backup = BackupAndRestore(str(folder))
    model = make_model(fake_saving=True)
    with pytest.raises(RuntimeError):
        model.fit(X, Y, epochs=3, verbose=0, callbacks=[backup, Interrupt(1)])
    (folder / "training_metadata.json").write_text('{"epoch": "two"}')
    with pytest.raises(ValueError, match="number of finished epochs"):
        model.fit(X, Y, epochs=3, verbose=0, callbacks=[backup])


@pytest.mark.parametrize("kwargs, error, words", [
    ({"backup_dir": ""}, ValueError, "`backup_dir`"),
    ({"backup_dir": None}, TypeError, "`backup_dir`"),
    ({"backup_dir": "b", "save_freq": "batch"}, ValueError, "`save_freq`"),
    ({"backup_dir": "b", "save_freq": -2}, ValueError, "`save_freq`"),
])
def test_bad_arguments(kwargs, error, words):
    with pytest.raises(error, match=words):
        BackupAndRestore(**kwargs)


# ------------------------------------------------------------- with the real saving code
def uninterrupted_weights(epochs, shuffle):
    keras.utils.set_random_seed(7)
    model = make_model()
    model.fit(X, Y, epochs=epochs, batch_size=4, shuffle=shuffle, verbose=0)
    return model.get_weights()


def test_resume_same_model_equals_uninterrupted_run(tmp_path):
    expected = uninterrupted_weights(6, shuffle=True)
    keras.utils.set_random_seed(7)
    model = make_model()
    assert hasattr(model, "save"), "needs numnet saving (model.save / load_weights)"
    backup = BackupAndRestore(str(tmp_path / "backup"))
    with pytest.raises(RuntimeError, match="Interrupting"):
        model.fit(X, Y, epochs=6, batch_size=4, verbose=0, callbacks=[backup, Interrupt(3)])
    history = model.fit(X, Y, epochs=6, batch_size=4, verbose=0, callbacks=[backup])
    assert history.epoch == [3, 4, 5]
    for got, want in zip(model.get_weights(), expected):
        np.testing.assert_array_equal(got, want)
    assert not (tmp_path / "backup").exists()


def test_resume_in_a_new_process_restores_optimizer_state(tmp_path):
    """A fresh model and optimizer (as after a crash) continue exactly where the run stopped:
    Adam's moments and step count come back from the backup, not only the weights."""
    expected = uninterrupted_weights(6, shuffle=False)
    keras.utils.set_random_seed(7)
    model = make_model()
    assert hasattr(model, "save"), "needs numnet saving (model.save / load_weights)"
    folder = str(tmp_path / "backup")
    with pytest.raises(RuntimeError):
        model.fit(X, Y, epochs=6, batch_size=4, shuffle=False, verbose=0,
                  callbacks=[BackupAndRestore(folder), Interrupt(3)])
    keras.utils.set_random_seed(99)  # a new process: different initial weights
    restarted = make_model()
    history = restarted.fit(X, Y, epochs=6, batch_size=4, shuffle=False, verbose=0,
                            callbacks=[BackupAndRestore(folder)])
    assert history.epoch == [3, 4, 5]
    assert restarted.optimizer.iterations == 6 * 4
    for got, want in zip(restarted.get_weights(), expected):
        np.testing.assert_array_equal(got, want)
