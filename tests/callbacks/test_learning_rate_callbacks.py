"""ReduceLROnPlateau and LearningRateScheduler: the rates, the logs and the messages of Keras 3."""
import math
import warnings

import numpy as np
import pytest

import numnet as keras
from numnet.callbacks import LearningRateScheduler, ReduceLROnPlateau


class Feed(keras.callbacks.Callback):
    def __init__(self, values, key="val_loss"):
        super().__init__()
        self.values, self.key = values, key

    def on_epoch_end(self, epoch, logs=None):
        logs[self.key] = self.values[epoch]


X = np.random.default_rng(0).random((8, 3)).astype("float32")
Y = np.random.default_rng(1).random((8, 1)).astype("float32")


def tiny_model(learning_rate=0.1):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate), loss="mse")
    return model


# ------------------------------------------------------------- ReduceLROnPlateau
def test_reduce_lr_matches_keras(capsys):
    values = [1, 0.9, 0.95, 0.96, 0.97, 0.98, 0.99, 1.0, 1.01]
    model = tiny_model(0.1)
    reduce_lr = ReduceLROnPlateau(factor=0.5, patience=2, verbose=1, cooldown=1, min_lr=0.02)
    history = model.fit(X, Y, epochs=len(values), verbose=0,
                        callbacks=[Feed(values), reduce_lr])
    # Keras 3.15 (float32 rates): 0.1 x4, 0.05 x2, 0.025 x2, 0.02.
    np.testing.assert_allclose(history.history["learning_rate"],
                               [0.1] * 4 + [0.05] * 2 + [0.025] * 2 + [0.02], rtol=1e-6)
    assert capsys.readouterr().out == (
        "\nEpoch 4: ReduceLROnPlateau reducing learning rate to 0.05.\n"
        "\nEpoch 6: ReduceLROnPlateau reducing learning rate to 0.025.\n"
        "\nEpoch 8: ReduceLROnPlateau reducing learning rate to 0.02.\n")
    assert model.optimizer.learning_rate == pytest.approx(0.02)


def test_reduce_lr_stops_at_min_lr_and_resets_between_fits(capsys):
    model = tiny_model(0.08)
    reduce_lr = ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, min_lr=0.03,
                                  verbose=1)
    model.fit(X, Y, epochs=6, verbose=0, callbacks=[Feed([1.0] * 6, "loss"), reduce_lr])
    out = capsys.readouterr().out
    assert out == ("\nEpoch 2: ReduceLROnPlateau reducing learning rate to 0.04.\n"
                   "\nEpoch 3: ReduceLROnPlateau reducing learning rate to 0.03.\n")
    assert model.optimizer.learning_rate == 0.03
    assert reduce_lr.wait == 3  # still counting: nothing more to reduce
    model.fit(X, Y, epochs=1, verbose=0, callbacks=[Feed([2.0], "loss"), reduce_lr])
    assert reduce_lr.best == 2.0 and reduce_lr.wait == 0


def test_reduce_lr_max_mode_on_accuracy():
    model = tiny_model(0.1)
    reduce_lr = ReduceLROnPlateau(monitor="val_accuracy", factor=0.5, patience=1)
    history = model.fit(X, Y, epochs=3, verbose=0,
                        callbacks=[Feed([0.5, 0.6, 0.55], "val_accuracy"), reduce_lr])
    np.testing.assert_allclose(history.history["learning_rate"], [0.1, 0.1, 0.1])
    assert model.optimizer.learning_rate == pytest.approx(0.05)


def test_reduce_lr_missing_monitor_warns():
    with pytest.warns(UserWarning) as record:
        tiny_model().fit(X, Y, epochs=1, verbose=0, callbacks=[ReduceLROnPlateau()])
    message = str(record[0].message)
    assert message.startswith("Learning rate reduction is conditioned on metric `val_loss` "
                              "which is not available. Available metrics are: loss, "
                              "learning_rate")


@pytest.mark.parametrize("kwargs, error, words", [
    ({"factor": 1.0}, ValueError, "`factor`"),
    ({"factor": 2}, ValueError, "`factor`"),
    ({"factor": -0.5}, ValueError, "`factor`"),
    ({"patience": -1}, ValueError, "`patience`"),
    ({"cooldown": 1.5}, TypeError, "`cooldown`"),
    ({"min_lr": -1e-3}, ValueError, "`min_lr`"),
    ({"mode": "up"}, ValueError, "`mode`"),
    ({"paitence": 3}, TypeError, "paitence"),
])
def test_reduce_lr_bad_arguments(kwargs, error, words):
    with pytest.raises(error, match=words):
        ReduceLROnPlateau(**kwargs)


def test_reduce_lr_defaults_and_keras2_epsilon():
    r = ReduceLROnPlateau()
    assert (r.monitor, r.factor, r.patience, r.verbose, r.mode, r.min_delta, r.cooldown,
            r.min_lr) == ("val_loss", 0.1, 10, 0, "auto", 1e-4, 0, 0.0)
    with pytest.warns(UserWarning, match="epsilon"):
        assert ReduceLROnPlateau(epsilon=0.01).min_delta == 0.01


# ------------------------------------------------------------- LearningRateScheduler
def test_scheduler_two_arguments_matches_keras(capsys):
    model = tiny_model(0.1)
    history = model.fit(X, Y, epochs=3, verbose=0, callbacks=[
        LearningRateScheduler(lambda epoch, lr: lr * 0.5, verbose=1)])
    np.testing.assert_allclose(history.history["learning_rate"], [0.05, 0.025, 0.0125])
    assert capsys.readouterr().out == (
        "\nEpoch 1: LearningRateScheduler setting learning rate to 0.05.\n"
        "\nEpoch 2: LearningRateScheduler setting learning rate to 0.025.\n"
        "\nEpoch 3: LearningRateScheduler setting learning rate to 0.0125.\n")


def test_scheduler_epoch_only_function():
    seen = []

    def schedule(epoch):
        seen.append(epoch)
        return 0.01 * (epoch + 1)

    model = tiny_model(0.1)
    history = model.fit(X, Y, epochs=2, verbose=0, callbacks=[LearningRateScheduler(schedule)])
    assert seen == [0, 1]
    np.testing.assert_allclose(history.history["learning_rate"], [0.01, 0.02])


def test_scheduler_keras_docstring_example():
    def scheduler(epoch, lr):
        return lr if epoch < 10 else lr * np.exp(-0.1)  # a NumPy float is accepted

    model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(10)])
    model.compile(keras.optimizers.SGD(), loss="mse")
    model.fit(np.arange(100).reshape(5, 20) / 100, np.zeros((5, 10)), epochs=15, verbose=0,
              callbacks=[LearningRateScheduler(scheduler)])
    assert round(model.optimizer.learning_rate, 5) == 0.00607
    assert model.optimizer.learning_rate == pytest.approx(0.01 * math.exp(-0.5))


def test_scheduler_receives_the_current_rate():
    seen = []
    model = tiny_model(0.3)
    model.fit(X, Y, epochs=2, verbose=0, callbacks=[
        LearningRateScheduler(lambda epoch, lr: seen.append(lr) or lr / 3)])
    np.testing.assert_allclose(seen, [0.3, 0.1])


def test_scheduler_must_return_a_float():
    with pytest.raises(ValueError, match="must return a float.*returned 1 of type int"):
        tiny_model().fit(X, Y, epochs=1, verbose=0,
                         callbacks=[LearningRateScheduler(lambda epoch: 1)])


def test_scheduler_errors_inside_the_function_are_not_hidden():
    def schedule(epoch, lr):
        raise TypeError("bug in my schedule")

    with pytest.raises(TypeError, match="bug in my schedule"):
        tiny_model().fit(X, Y, epochs=1, verbose=0, callbacks=[LearningRateScheduler(schedule)])


def test_scheduler_bad_arguments():
    with pytest.raises(TypeError, match="`schedule`"):
        LearningRateScheduler(0.01)
    with pytest.raises(TypeError, match="`verbose`"):
        LearningRateScheduler(lambda e: 0.1, verbose="yes")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        LearningRateScheduler(lambda e: 0.1)
