"""The Keras progress line: verbose 1 / 2 / 0, plain text when not a terminal."""
import io
import re

import numpy as np

import numnet as keras
from numnet.utils.progbar import Progbar, format_time_per_unit, format_value


def small_model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


X, Y = np.random.default_rng(0).random((40, 3)), np.arange(40) % 2
BAR = "\u2501" * 20


def test_verbose_1_not_a_terminal_prints_final_plain_line(capsys):
    small_model().fit(X, Y, epochs=2, batch_size=16, verbose=1, validation_split=0.2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2" and len(lines) == 4
    pattern = (rf"^2/2 {BAR} \d+s \d+(us|ms|s)/step - accuracy: \d\.\d{{4}} - loss: \d\.\d{{4}}"
               rf" - val_accuracy: \d\.\d{{4}} - val_loss: \d\.\d{{4}}$")
    assert re.match(pattern, lines[1]), lines[1]
    assert "\x1b" not in lines[1]


def test_verbose_2_one_line_per_epoch(capsys):
    small_model().fit(X, Y, epochs=1, batch_size=16, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/1"
    assert re.match(r"^3/3 - \d+s - \d+(us|ms|s)/step - accuracy: [\d.]+ - loss: [\d.]+$",
                    lines[1]), lines[1]


def test_verbose_0_is_silent_and_evaluate_predict_print(capsys):
    model = small_model()
    model.fit(X, Y, verbose=0)
    assert capsys.readouterr().out == ""
    model.evaluate(X, Y, batch_size=20)
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and out[0].startswith("2/2 " + BAR) and "loss:" in out[0]
    model.predict(X, batch_size=40)
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and out[0].startswith("1/1 " + BAR)


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_terminal_redraws_in_place_with_colour():
    stream = FakeTerminal()
    bar = Progbar(target=4, stream=stream, interval=0)
    for step in range(1, 5):
        bar.update(step, {"loss": 0.5})
    text = stream.getvalue()
    assert text.count("\r") == 4 and text.endswith("\n") and "\x1b[32m" in text


def test_number_and_time_formats_like_keras():
    assert format_value(0.53234) == "0.5323"
    assert format_value(0.0001234) == "1.2340e-04"
    assert format_time_per_unit(0.0012) == " 1ms/step"
    assert format_time_per_unit(0.0002) == " 200us/step"
    assert format_time_per_unit(2.4) == " 2s/step"
