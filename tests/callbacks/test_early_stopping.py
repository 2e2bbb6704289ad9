"""EarlyStopping: stopped_epoch / best_epoch / wait exactly as Keras 3 reports them.

The expected numbers were produced by Keras 3.15 (torch backend) with the same scripted
sequences of monitored values.
"""
import warnings

import numpy as np
import pytest

import numnet as keras
from numnet.callbacks import EarlyStopping, LambdaCallback


class Feed(keras.callbacks.Callback):
    """Writes a scripted value of ``key`` into the epoch logs (placed before the callback)."""

    def __init__(self, values, key="val_loss"):
        super().__init__()
        self.values, self.key = values, key

    def on_epoch_end(self, epoch, logs=None):
        logs[self.key] = self.values[epoch]


def tiny_model(metrics=None):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=metrics)
    return model


X = np.random.default_rng(0).random((8, 3)).astype("float32")
Y = np.random.default_rng(1).random((8, 1)).astype("float32")


def run(values, key="val_loss", epochs=None, extra=(), **kwargs):
    model = tiny_model()
    stop = EarlyStopping(monitor=key, **kwargs)
    history = model.fit(X, Y, epochs=epochs or len(values), verbose=0,
                        callbacks=[Feed(values, key), *extra, stop])
    return model, stop, history


# (values, kwargs, epochs run, stopped_epoch, best_epoch, best, wait) from Keras 3.15.
KERAS_CASES = [
    ([1, 2, 3, 4, 5], {"patience": 0}, 2, 1, 0, 1, 1),
    ([1, 2, 3, 4, 5], {"patience": 2}, 3, 2, 0, 1, 2),
    ([5, 4, 3, 2, 1], {"patience": 0}, 5, 0, 4, 1, 0),
    ([1, 1, 1, 1], {"patience": 0}, 2, 1, 0, 1, 1),
    ([1, 0.95, 0.94, 0.93], {"patience": 0, "min_delta": 0.02}, 3, 2, 1, 0.95, 1),
    ([1, 2, 3, 4, 5, 6], {"patience": 1, "restore_best_weights": True}, 2, 1, 0, 1, 1),
    ([5, 4, 3, 2, 1, 0], {"patience": 1, "restore_best_weights": True}, 6, 0, 5, 0, 0),
    ([1, 2, 3, 4, 5, 6], {"patience": 2, "baseline": 0.5}, 2, 1, 0, 1, 2),
    ([1, 0.4, 0.3, 0.35, 0.36, 0.37], {"patience": 2, "baseline": 0.5}, 5, 4, 2, 0.3, 2),
    ([1, 0.6, 0.4, 0.45, 0.46, 0.47, 0.48], {"patience": 1, "baseline": 0.5}, 4, 3, 2, 0.4, 1),
    ([1, 2, 3, 4, 5, 6], {"patience": 0, "start_from_epoch": 2}, 4, 3, 2, 3, 1),
    ([3, 2, 1, 2, 3, 4], {"patience": 1, "start_from_epoch": 2, "restore_best_weights": True},
     4, 3, 2, 1, 1),
]


@pytest.mark.parametrize("values, kwargs, ran, stopped, best_epoch, best, wait", KERAS_CASES)
def test_matches_keras(values, kwargs, ran, stopped, best_epoch, best, wait):
    _, stop, history = run(values, **kwargs)
    assert len(history.history["loss"]) == ran
    assert (stop.stopped_epoch, stop.best_epoch, stop.wait) == (stopped, best_epoch, wait)
    assert stop.best == pytest.approx(best)


def test_auto_mode_maximises_accuracy_and_min_mode_overrides():
    values = [0.1, 0.2, 0.3, 0.2, 0.1]
    _, stop, history = run(values, key="val_accuracy", patience=0)
    assert len(history.history["loss"]) == 4 and stop.stopped_epoch == 3 and stop.best == 0.3
    _, stop, history = run(values, key="val_accuracy", patience=0, mode="min")
    assert len(history.history["loss"]) == 2 and stop.stopped_epoch == 1 and stop.best == 0.1


def test_auto_mode_directions():
    from numnet.callbacks.monitor import higher_is_better
    for name in ("accuracy", "val_acc", "val_sparse_categorical_accuracy", "auc", "val_auc",
                 "precision", "recall", "top_k_categorical_accuracy", "accuracy_1"):
        assert higher_is_better(name), name
    for name in ("loss", "val_loss", "mae", "val_mse", "mean_squared_error", "val_los"):
        assert not higher_is_better(name), name


def test_verbose_messages(capsys):
    run([1, 2, 3, 4], patience=1, restore_best_weights=True, verbose=1)
    assert capsys.readouterr().out == ("Epoch 2: early stopping\n"
                                       "Restoring model weights from the end of the best "
                                       "epoch: 1.\n")
    run([3, 2, 1], patience=1, restore_best_weights=True, verbose=1)
    assert capsys.readouterr().out == ("Restoring model weights from the end of the best "
                                       "epoch: 3.\n")
    run([1, 2, 3, 4], patience=1, verbose=0)
    assert capsys.readouterr().out == ""


def test_restore_best_weights_puts_back_the_best_epoch():
    snapshots = []
    record = LambdaCallback(on_epoch_end=lambda epoch, logs: snapshots.append(
        [w.copy() for w in record.model.get_weights()]))
    model, stop, _ = run([0.5, 0.2, 0.4, 0.6, 0.7], patience=2, restore_best_weights=True,
                         extra=[record])
    assert stop.best_epoch == 1 and stop.stopped_epoch == 3 and len(snapshots) == 4
    for got, expected in zip(model.get_weights(), snapshots[1]):
        np.testing.assert_array_equal(got, expected)
    assert not np.array_equal(snapshots[1][0], snapshots[3][0])


def test_without_restore_the_last_weights_stay():
    snapshots = []
    record = LambdaCallback(on_epoch_end=lambda epoch, logs: snapshots.append(
        record.model.get_weights()))
    model, _, _ = run([0.5, 0.2, 0.4, 0.6], patience=1, extra=[record])
    np.testing.assert_array_equal(model.get_weights()[0], snapshots[-1][0])


def test_instance_is_reset_between_fits():
    model = tiny_model()
    stop = EarlyStopping(patience=0)
    model.fit(X, Y, epochs=5, verbose=0, callbacks=[Feed([1, 2, 3, 4, 5]), stop])
    assert stop.stopped_epoch == 1
    history = model.fit(X, Y, epochs=4, verbose=0, callbacks=[Feed([4, 3, 2, 1]), stop])
    assert len(history.history["loss"]) == 4 and stop.stopped_epoch == 0 and stop.best == 1


def test_real_validation_loss_and_learning():
    model = tiny_model()
    history = model.fit(X, Y, epochs=3, verbose=0, validation_data=(X, Y),
                        callbacks=[EarlyStopping(monitor="val_loss", patience=5)])
    assert len(history.history["val_loss"]) == 3


def test_missing_monitor_warns_with_available_keys():
    model = tiny_model(metrics=["mae"])
    stop = EarlyStopping(monitor="val_los")
    with pytest.warns(UserWarning) as record:
        history = model.fit(X, Y, epochs=2, verbose=0, validation_data=(X, Y), callbacks=[stop])
    assert len(history.history["loss"]) == 2  # training goes on
    message = str(record[0].message)
    assert message.startswith("Early stopping conditioned on metric `val_los` which is not "
                              "available. Available metrics are: loss, mae, val_loss, val_mae")
    assert "did you mean monitor='val_loss'?" in message


def test_missing_validation_hint():
    with pytest.warns(UserWarning, match="validation_data or validation_split"):
        tiny_model().fit(X, Y, epochs=1, verbose=0, callbacks=[EarlyStopping()])


@pytest.mark.parametrize("kwargs, error, words", [
    ({"mode": "minimum"}, ValueError, "`mode`"),
    ({"patience": -1}, ValueError, "`patience`"),
    ({"patience": "3"}, TypeError, "`patience`"),
    ({"patience": 2.5}, TypeError, "`patience`"),
    ({"monitor": None}, TypeError, "`monitor`"),
    ({"baseline": "low"}, TypeError, "`baseline`"),
    ({"min_delta": float("nan")}, ValueError, "`min_delta`"),
    ({"start_from_epoch": -2}, ValueError, "`start_from_epoch`"),
])
def test_bad_arguments(kwargs, error, words):
    with pytest.raises(error, match=words):
        EarlyStopping(**kwargs)


def test_defaults_and_negative_min_delta():
    stop = EarlyStopping(min_delta=-0.5)
    assert stop.min_delta == 0.5
    assert (stop.monitor, stop.patience, stop.verbose, stop.mode, stop.baseline,
            stop.restore_best_weights, stop.start_from_epoch) == (
        "val_loss", 0, 0, "auto", None, False, 0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        EarlyStopping(monitor="loss")
