"""CSVLogger: Keras 3's column layout, NA cells, append mode, flushing every epoch."""
import csv

import numpy as np
import pytest

import numnet as keras
from numnet.callbacks import CSVLogger, LambdaCallback, ReduceLROnPlateau

X = np.random.default_rng(0).random((8, 3)).astype("float32")
Y = (np.random.default_rng(1).random(8) > 0.5).astype("int64")


def tiny_model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def read_rows(path, separator=","):
    with open(path, newline="") as f:
        return list(csv.reader(f, delimiter=separator))


def test_layout_without_validation_has_na_val_columns(tmp_path):
    path = tmp_path / "log.csv"
    history = tiny_model().fit(X, Y, epochs=2, verbose=0, callbacks=[CSVLogger(path, ";")])
    raw = path.read_bytes()
    # Keras 3.15 wrote: 'epoch;accuracy;loss;val_accuracy;val_loss\r\n0;0.0;0.2031...;NA;NA\r\n'
    assert raw.startswith(b"epoch;accuracy;loss;val_accuracy;val_loss\r\n0;")
    assert raw.count(b"\r\n") == 3
    rows = read_rows(path, ";")
    for epoch, row in enumerate(rows[1:]):
        assert row == [str(epoch), repr(history.history["accuracy"][epoch]),
                       repr(history.history["loss"][epoch]), "NA", "NA"]


def test_validation_columns_and_validation_freq(tmp_path):
    path = tmp_path / "log.csv"
    history = tiny_model().fit(X, Y, epochs=2, verbose=0, validation_data=(X, Y),
                               validation_freq=2, callbacks=[CSVLogger(str(path))])
    rows = read_rows(path)
    assert rows[0] == ["epoch", "accuracy", "loss", "val_accuracy", "val_loss"]
    assert rows[1][3:] == ["NA", "NA"]
    assert rows[2][3:] == [repr(history.history["val_accuracy"][0]),
                           repr(history.history["val_loss"][0])]


def test_append_writes_the_header_once(tmp_path):
    path = tmp_path / "log.csv"
    model = tiny_model()
    model.fit(X, Y, epochs=2, verbose=0, callbacks=[CSVLogger(path)])
    model.fit(X, Y, epochs=2, verbose=0, callbacks=[CSVLogger(path, append=True)])
    rows = read_rows(path)
    assert len(rows) == 5 and rows[0][0] == "epoch"
    assert [row[0] for row in rows[1:]] == ["0", "1", "0", "1"]
    model.fit(X, Y, epochs=1, verbose=0, callbacks=[CSVLogger(path)])  # overwrite
    assert len(read_rows(path)) == 2
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    model.fit(X, Y, epochs=1, verbose=0, callbacks=[CSVLogger(empty, append=True)])
    assert read_rows(empty)[0][0] == "epoch"


def test_rows_are_on_disk_after_each_epoch(tmp_path):
    path = tmp_path / "sub" / "log.csv"  # the folder is created
    seen = []
    peek = LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(len(read_rows(path))))
    tiny_model().fit(X, Y, epochs=3, verbose=0, callbacks=[CSVLogger(path), peek])
    assert seen == [2, 3, 4]


def test_learning_rate_column_depends_on_callback_order(tmp_path):
    before, after = tmp_path / "before.csv", tmp_path / "after.csv"
    tiny_model().fit(X, Y, epochs=1, verbose=0, validation_data=(X, Y), callbacks=[
        CSVLogger(before), ReduceLROnPlateau(), CSVLogger(after)])
    assert read_rows(before)[0] == ["epoch", "accuracy", "loss", "val_accuracy", "val_loss"]
    assert read_rows(after)[0] == ["epoch", "accuracy", "learning_rate", "loss",
                                   "val_accuracy", "val_loss"]


def test_reused_instance_and_closed_file(tmp_path):
    path = tmp_path / "log.csv"
    logger = CSVLogger(path)
    model = tiny_model()
    model.fit(X, Y, epochs=1, verbose=0, callbacks=[logger])
    assert logger.csv_file.closed
    model.fit(X, Y, epochs=2, verbose=0, callbacks=[logger])
    assert len(read_rows(path)) == 3


@pytest.mark.parametrize("kwargs, error, words", [
    ({"filename": None}, TypeError, "`filename`"),
    ({"filename": ""}, ValueError, "`filename`"),
    ({"filename": "a.csv", "separator": ", "}, ValueError, "`separator`"),
    ({"filename": "a.csv", "separator": 1}, ValueError, "`separator`"),
])
def test_bad_arguments(kwargs, error, words):
    with pytest.raises(error, match=words):
        CSVLogger(**kwargs)
