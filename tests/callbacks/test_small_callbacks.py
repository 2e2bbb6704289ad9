"""TerminateOnNaN and LambdaCallback."""
import numpy as np
import pytest

import numnet as keras
from numnet.callbacks import LambdaCallback, TerminateOnNaN

X = np.random.default_rng(0).random((8, 3)).astype("float32")
Y = np.random.default_rng(1).random((8, 1)).astype("float32")


def tiny_model(learning_rate=0.01):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate), loss="mse")
    return model


class PoisonBatch(keras.callbacks.Callback):
    """Makes the logged loss NaN at one batch (placed before TerminateOnNaN)."""

    def __init__(self, epoch, batch, value=float("nan")):
        super().__init__()
        self.at, self.value, self.epoch = (epoch, batch), value, None

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if (self.epoch, batch) == self.at:
            logs["loss"] = self.value


# ------------------------------------------------------------- TerminateOnNaN
def test_stops_after_the_bad_batch(capsys):
    batches = []
    count = LambdaCallback(on_train_batch_end=lambda batch, logs: batches.append(batch))
    history = tiny_model().fit(X, Y, epochs=3, batch_size=2, verbose=0,
                               callbacks=[PoisonBatch(1, 2), TerminateOnNaN(), count])
    assert capsys.readouterr().out == "Batch 2: Invalid loss, terminating training\n"
    assert batches == [0, 1, 2, 3, 0, 1, 2]
    assert len(history.history["loss"]) == 2


def test_infinite_loss_also_stops(capsys):
    history = tiny_model().fit(X, Y, epochs=2, batch_size=4, verbose=0,
                               callbacks=[PoisonBatch(0, 0, float("inf")), TerminateOnNaN()])
    assert "Batch 0: Invalid loss" in capsys.readouterr().out
    assert len(history.history["loss"]) == 1


def test_real_divergence_is_stopped(capsys):
    model = tiny_model(learning_rate=1e30)
    with pytest.warns(RuntimeWarning):
        history = model.fit(X * 1e10, Y, epochs=5, batch_size=2, verbose=0,
                            callbacks=[TerminateOnNaN()])
    assert "Invalid loss, terminating training" in capsys.readouterr().out
    assert len(history.history["loss"]) == 1
    assert not np.isfinite(history.history["loss"][0])


def test_raise_error_skips_train_end():
    ended = []
    with pytest.raises(RuntimeError, match="NaN or Inf loss encountered at batch 1"):
        tiny_model().fit(X, Y, epochs=1, batch_size=2, verbose=0, callbacks=[
            PoisonBatch(0, 1), TerminateOnNaN(raise_error=True),
            LambdaCallback(on_train_end=lambda logs: ended.append(1))])
    assert ended == []


def test_finite_loss_trains_normally(capsys):
    history = tiny_model().fit(X, Y, epochs=2, verbose=0, callbacks=[TerminateOnNaN()])
    assert len(history.history["loss"]) == 2 and capsys.readouterr().out == ""


# ------------------------------------------------------------- LambdaCallback
def test_lambda_hooks_receive_keras_arguments():
    calls = []
    callback = LambdaCallback(
        on_train_begin=lambda logs: calls.append(("train_begin", logs)),
        on_epoch_begin=lambda epoch, logs: calls.append(("epoch_begin", epoch)),
        on_train_batch_begin=lambda batch, logs: calls.append(("batch_begin", batch)),
        on_train_batch_end=lambda batch, logs: calls.append(("batch_end", batch,
                                                             sorted(logs))),
        on_epoch_end=lambda epoch, logs: calls.append(("epoch_end", epoch, sorted(logs))),
        on_train_end=lambda logs: calls.append(("train_end", sorted(logs))),
        on_test_begin=lambda logs: calls.append(("test_begin",)),
    )
    tiny_model().fit(X, Y, epochs=2, batch_size=8, verbose=0, validation_data=(X, Y),
                     callbacks=[callback])
    assert calls == [
        ("train_begin", None),
        ("epoch_begin", 0), ("batch_begin", 0), ("batch_end", 0, ["loss"]), ("test_begin",),
        ("epoch_end", 0, ["loss", "val_loss"]),
        ("epoch_begin", 1), ("batch_begin", 0), ("batch_end", 0, ["loss"]), ("test_begin",),
        ("epoch_end", 1, ["loss", "val_loss"]),
        ("train_end", ["loss", "val_loss"]),
    ]


def test_lambda_batch_hooks_get_logs_as_keyword_and_keras2_names():
    seen = []
    callback = LambdaCallback(on_batch_end=lambda batch, logs=None: seen.append(logs["loss"]))
    tiny_model().fit(X, Y, epochs=1, batch_size=4, verbose=0, callbacks=[callback])
    assert len(seen) == 2
    with pytest.raises(TypeError):  # logs comes as a keyword, as in Keras
        tiny_model().fit(X, Y, epochs=1, verbose=0, callbacks=[
            LambdaCallback(on_train_batch_end=lambda batch, lg: None)])


def test_lambda_predict_and_evaluate_hooks():
    seen = []
    callback = LambdaCallback(on_predict_end=lambda logs: seen.append("predict_end"),
                              on_test_batch_end=lambda batch, logs: seen.append("test_batch"))
    model = tiny_model()
    model.predict(X, verbose=0, callbacks=[callback])
    model.evaluate(X, Y, batch_size=8, verbose=0, callbacks=[callback])
    assert seen == ["predict_end", "test_batch"]


def test_lambda_bad_arguments():
    with pytest.raises(TypeError, match="on_epoch_ends"):
        LambdaCallback(on_epoch_ends=lambda epoch, logs: None)
    with pytest.raises(TypeError, match="`on_epoch_end` must be a function"):
        LambdaCallback(on_epoch_end="print")
    assert isinstance(LambdaCallback(), keras.callbacks.Callback)
