"""The ``numnet`` command: train / evaluate / predict / summary / datasets, and its errors.

Most tests call ``numnet.cli.main(argv)`` in-process (fast); two run ``python -m numnet`` in a
subprocess to check the real entry point. No network: NUMNET_HOME is a temp folder and the
dataset downloader's URL opener fails like an offline machine.
"""
import csv
import os
import re
import subprocess
import sys
import urllib.error

import numpy as np
import pytest

from numnet import cli
from numnet.datasets import digits, download

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ACCURACY_LINE = re.compile(r"^test accuracy: (\d\.\d{4})$", re.MULTILINE)


def _offline(url, timeout=None):
    raise urllib.error.URLError("network disabled in tests")


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("NUMNET_HOME", str(tmp_path / "numnet-home"))
    monkeypatch.delenv("NUMNET_DEBUG", raising=False)
    monkeypatch.setattr(download, "_urlopen", _offline)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """One short training run on digits, shared by the tests that need a model file."""
    out = tmp_path_factory.mktemp("run")
    capture = tmp_path_factory.mktemp("capture")
    home = tmp_path_factory.mktemp("home")
    old_home = os.environ.get("NUMNET_HOME")
    os.environ["NUMNET_HOME"] = str(home)
    try:
        with open(capture / "stdout.txt", "w") as stdout, open(capture / "stderr.txt",
                                                                  "w") as stderr:
            old = sys.stdout, sys.stderr
            sys.stdout, sys.stderr = stdout, stderr
            try:
                status = cli.main(["train", "--epochs", "3", "--out", str(out), "--verbose", "1"])
            finally:
                sys.stdout, sys.stderr = old
    finally:
        if old_home is None:
            os.environ.pop("NUMNET_HOME", None)
        else:
            os.environ["NUMNET_HOME"] = old_home
    return {"status": status, "out": out, "stdout": (capture / "stdout.txt").read_text(),
            "stderr": (capture / "stderr.txt").read_text()}


def _model_path(trained):
    assert trained["status"] == 0, trained["stderr"]
    return str(trained["out"] / "model.keras")


def _run(argv, capsys):
    status = cli.main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _assert_one_line_error(err):
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("numnet: error: ")


# ------------------------------------------------------------------------------------ help
@pytest.mark.parametrize("argv", [["--help"], ["train", "--help"], ["evaluate", "--help"],
                                  ["predict", "--help"], ["summary", "--help"],
                                  ["datasets", "--help"], ["--version"]])
def test_help_and_version_exit_zero(argv, capsys):
    status, out, err = _run(argv, capsys)
    assert status == 0
    assert "numnet" in out and "Traceback" not in out + err


def test_help_lists_the_options(capsys):
    _, out, _ = _run(["train", "--help"], capsys)
    for option in ("--data", "--model", "--hidden", "--activation", "--dropout", "--optimizer",
                   "--learning-rate", "--epochs", "--batch-size", "--validation-split",
                   "--early-stopping", "--seed", "--out", "--verbose"):
        assert option in out


# ----------------------------------------------------------------------------- bad options
@pytest.mark.parametrize("argv, fragment", [
    (["train", "--epochs", "0"], "--epochs must be at least 1"),
    (["train", "--epochs", "abc"], "invalid int value"),
    (["train", "--dropout", "1.5"], "--dropout must be a rate with 0 <= rate < 1"),
    (["train", "--data", "cifar"], "invalid choice: 'cifar'"),
    (["train", "--model", "rnn"], "invalid choice: 'rnn'"),
    (["train", "--hidden", "10,x"], "--hidden must be positive integers"),
    (["train", "--activation", "binary"], "Unknown activation 'binary'"),
    (["train", "--optimizer", "adamm"], "Unknown optimizer 'adamm'"),
    (["train", "--learning-rate", "-1"], "--learning-rate must be a number > 0"),
    (["train", "--validation-split", "1"], "--validation-split must be a fraction"),
    (["train", "--batch-size", "0"], "--batch-size must be at least 1"),
    (["train", "--early-stopping", "2", "--validation-split", "0"],
     "needs --validation-split greater than 0"),
    (["train", "--model", "cnn", "--data", "xor"], "--model cnn needs image data"),
    (["train", "--verbose", "3"], "invalid choice: 3"),
    (["train", "--seed", "-1"], "--seed must be an integer"),
    (["train", "--frobnicate"], "unrecognized arguments"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
    ([], "missing command"),
    (["predict", "m.keras"], "the following arguments are required"),
])
def test_bad_options_exit_2_with_one_line(argv, fragment, capsys, tmp_path):
    out_dir = tmp_path / "never-created"
    if argv[:1] == ["train"]:
        argv = argv + ["--out", str(out_dir)]
    status, out, err = _run(argv, capsys)
    assert status == 2
    _assert_one_line_error(err)
    assert fragment in err
    assert not out_dir.exists()  # refused before any work


def test_python_m_numnet_subprocess(tmp_path):
    env = dict(os.environ, PYTHONPATH=REPO, NUMNET_HOME=str(tmp_path / "home"))
    ok = subprocess.run([sys.executable, "-m", "numnet", "--help"], capture_output=True,
                        text=True, env=env, cwd=tmp_path, timeout=120)
    assert ok.returncode == 0 and "train" in ok.stdout
    bad = subprocess.run([sys.executable, "-m", "numnet", "train", "--dropout", "1.5"],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert bad.returncode == 2
    _assert_one_line_error(bad.stderr)


# ------------------------------------------------------------------------------------ train
def test_train_writes_the_run(trained):
    out = trained["out"]
    assert trained["status"] == 0, trained["stderr"]
    match = ACCURACY_LINE.search(trained["stdout"])
    assert match and 0.5 < float(match.group(1)) <= 1.0
    assert "Epoch 3/3" in trained["stdout"]  # the progress output
    assert "Traceback" not in trained["stderr"]
    for name in ("model.keras", "history.csv", "loss.png"):
        assert (out / name).is_file() and (out / name).stat().st_size > 0
    with open(out / "history.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["epoch", "accuracy", "loss", "val_accuracy", "val_loss"]
    assert [r[0] for r in rows[1:]] == ["0", "1", "2"]


def test_train_xor_and_hidden_list(tmp_path, capsys):
    out = tmp_path / "xor"
    status, stdout, err = _run(["train", "--data", "xor", "--hidden", "16,8", "--epochs", "30",
                                "--verbose", "0", "--out", str(out)], capsys)
    assert status == 0, err
    assert float(ACCURACY_LINE.search(stdout).group(1)) >= 0.9
    assert (out / "decision_boundary.png").is_file()
    assert "Epoch" not in stdout  # --verbose 0
    status, stdout, err = _run(["evaluate", str(out / "model.keras"), "--data", "xor"], capsys)
    assert status == 0 and "xor test set: 100 samples" in stdout
    status, _, err = _run(["evaluate", str(out / "model.keras"), "--data", "digits"], capsys)
    assert status == 1 and "expects samples of shape (2,)" in err
    _assert_one_line_error(err)


def test_train_cnn_on_digits(tmp_path, capsys):
    status, stdout, err = _run(["train", "--model", "cnn", "--epochs", "1", "--hidden", "16",
                                "--verbose", "2", "--out", str(tmp_path)], capsys)
    assert status == 0, err
    assert "conv2d" in stdout and ACCURACY_LINE.search(stdout)


def test_train_options(tmp_path, capsys):
    status, stdout, err = _run(["train", "--epochs", "2", "--optimizer", "sgd",
                                "--learning-rate", "0.05", "--activation", "tanh",
                                "--dropout", "0", "--hidden", "none", "--batch-size", "64",
                                "--validation-split", "0", "--seed", "7", "--verbose", "2",
                                "--out", str(tmp_path)], capsys)
    assert status == 0, err
    assert "dropout" not in stdout and "Trainable params: 650" in stdout  # softmax regression
    with open(tmp_path / "history.csv", newline="") as f:
        assert len(f.read().strip().splitlines()) == 3


def test_train_early_stopping(tmp_path, capsys):
    status, stdout, err = _run(["train", "--epochs", "60", "--early-stopping", "0",
                                "--learning-rate", "0.05", "--verbose", "0",
                                "--out", str(tmp_path)], capsys)
    assert status == 0, err
    with open(tmp_path / "history.csv", newline="") as f:
        epochs_run = len(f.read().strip().splitlines()) - 1
    assert 1 <= epochs_run < 60


def test_train_missing_fashion_mnist_explains_where_files_go(tmp_path, capsys):
    status, out, err = _run(["train", "--data", "fashion_mnist", "--out", str(tmp_path / "r")],
                            capsys)
    assert status == 1
    assert err.startswith("numnet: error: Fashion-MNIST")
    assert "Traceback" not in err
    assert os.path.join(os.environ["NUMNET_HOME"], "datasets", "fashion_mnist") in err
    assert "train-images-idx3-ubyte.gz" in err


# ---------------------------------------------------------------- evaluate, predict, summary
def test_evaluate_prints_loss_and_accuracy(trained, capsys):
    status, out, err = _run(["evaluate", _model_path(trained), "--data", "digits"], capsys)
    assert status == 0, err
    assert re.search(r"^loss: \d+\.\d{4}$", out, re.MULTILINE)
    accuracy = re.search(r"^accuracy: (\d\.\d{4})$", out, re.MULTILINE).group(1)
    assert accuracy == ACCURACY_LINE.search(trained["stdout"]).group(1)  # same test split


def _test_images(n=5):
    _, (x_test, y_test) = digits.load_data(test_split=0.2, seed=113)
    return x_test[:n], y_test[:n]


def test_predict_prints_classes_and_saves_probabilities(trained, tmp_path, capsys):
    model = _model_path(trained)
    images, _ = _test_images()
    scaled = tmp_path / "scaled.npy"
    np.save(scaled, images.astype(np.float32) / 255.0)
    status, out, err = _run(["predict", model, str(scaled)], capsys)
    assert status == 0, err
    classes = [int(line) for line in out.split()]
    assert len(classes) == 5 and all(0 <= c <= 9 for c in classes)

    raw = tmp_path / "raw.npy"
    np.save(raw, images)
    status, out_raw, _ = _run(["predict", model, str(raw), "--divide-by", "255"], capsys)
    assert status == 0 and out_raw == out

    probabilities = tmp_path / "p.npy"
    status, _, err = _run(["predict", model, str(scaled), "--output", str(probabilities)],
                          capsys)
    assert status == 0, err
    p = np.load(probabilities, allow_pickle=False)
    assert p.shape == (5, 10)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-5)
    assert list(p.argmax(axis=1)) == classes


def test_predict_refuses_pickled_input(trained, tmp_path, capsys):
    bad = tmp_path / "objects.npy"
    np.save(bad, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    status, _, err = _run(["predict", _model_path(trained), str(bad)], capsys)
    assert status == 1
    _assert_one_line_error(err)


def test_summary_prints_the_layer_table(trained, capsys):
    status, out, err = _run(["summary", _model_path(trained)], capsys)
    assert status == 0, err
    assert "Trainable params: 7,510" in out and "flatten" in out


@pytest.mark.parametrize("command", [["summary"], ["evaluate"], ["predict", "x.npy"]])
def test_missing_model_file_is_a_runtime_error(command, tmp_path, capsys):
    argv = [command[0], str(tmp_path / "nope.keras")] + command[1:]
    status, _, err = _run(argv, capsys)
    assert status == 1
    _assert_one_line_error(err)
    assert "does not exist" in err


def test_evaluate_with_missing_dataset(trained, capsys):
    status, _, err = _run(["evaluate", _model_path(trained), "--data", "mnist"], capsys)
    assert status == 1 and err.startswith("numnet: error: MNIST")
    assert "Traceback" not in err


# ----------------------------------------------------------------------------------- datasets
def test_datasets_command(capsys):
    status, out, err = _run(["datasets"], capsys)
    assert status == 0, err
    assert "fashion_mnist" in out and "digits" in out and os.environ["NUMNET_HOME"] in out


def test_debug_env_shows_traceback(monkeypatch, tmp_path):
    monkeypatch.setenv("NUMNET_DEBUG", "1")
    with pytest.raises(FileNotFoundError):
        cli.main(["summary", str(tmp_path / "nope.keras")])
