"""Every script in examples/ runs in quick mode, offline, and writes its figures.

Each example is imported by path and its ``main(['--quick', '--out', tmp])`` called, with
NUMNET_HOME in a temp folder (so the chapter-7 scripts fall back to the bundled digits) and
the dataset downloader unable to reach the network.
"""
import glob
import importlib.util
import os
import urllib.error

import pytest

from numnet.datasets import download

EXAMPLES_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "examples")
SCRIPTS = sorted(p for p in glob.glob(os.path.join(EXAMPLES_DIR, "*.py"))
                 if not os.path.basename(p).startswith("_"))

# figures (and files) each example must write in quick mode
EXPECTED = {
    "perceptron_logic_gates": ["perceptron_gates.png", "perceptron_errors.png"],
    "xor_backprop": ["xor_history.png", "xor_boundary.png"],
    "chapter7_1_softmax_regression": ["chapter7_1_samples.png", "chapter7_1_weights.png"],
    "chapter7_2_deep_network": ["chapter7_2_optimizers.png"],
    "chapter7_3_training_tricks": ["chapter7_3_rmsprop.png", "chapter7_3_dropout.png",
                                   "model.weights.h5", "model-whole.keras", "best-model.keras",
                                   "chapter7_3_early_stopping.png"],
    "sigmoid_vs_relu": ["gradient_norms_sigmoid.png", "gradient_norms_relu.png"],
    "weight_init": ["weight_init_tanh.png", "weight_init_relu.png"],
    "overfitting": ["overfitting.png"],
    "chapter8_cnn": ["cnn_history.png", "cnn_filters.png", "cnn_feature_maps_conv1.png",
                     "cnn_feature_maps_conv2.png", "best-cnn-model.keras"],
}


def _offline(url, timeout=None):
    raise urllib.error.URLError("network disabled in tests")


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("NUMNET_HOME", str(tmp_path / "numnet-home"))
    monkeypatch.setattr(download, "_urlopen", _offline)


def _load(path):
    name = "numnet_example_" + os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_example_is_listed():
    names = {os.path.splitext(os.path.basename(p))[0] for p in SCRIPTS}
    assert names == set(EXPECTED)


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: os.path.basename(p))
def test_example_runs_quick(path, tmp_path, capsys):
    module = _load(path)
    assert module.__doc__ and callable(module.main)
    out = tmp_path / "out"
    result = module.main(["--quick", "--out", str(out)])
    printed = capsys.readouterr().out
    name = os.path.splitext(os.path.basename(path))[0]
    for filename in EXPECTED[name]:
        assert (out / filename).is_file(), f"{name} did not write {filename}"
    if name.startswith("chapter7"):
        assert "Using the bundled 8x8 digits instead" in printed
        assert str(tmp_path / "numnet-home") in printed
    if name == "perceptron_logic_gates":
        assert result["and"] == result["or"] == result["nand"] == 1.0
        assert result["xor"] < 1.0
    if name == "xor_backprop":
        assert result["accuracy"] == 1.0
        assert max(result["gradient_errors"].values()) < 1e-4
    if name == "sigmoid_vs_relu":
        sigmoid, relu = result["sigmoid"], result["relu"]
        # the vanishing gradient: sigmoid's first layer gets far less than ReLU's, relatively
        assert sigmoid["hidden_1"] / sigmoid["output"] < relu["hidden_1"] / relu["output"] / 10


def test_quick_mode_from_the_environment(tmp_path, monkeypatch):
    common = _load(os.path.join(EXAMPLES_DIR, "_course_common.py"))
    out = tmp_path / "figures"
    monkeypatch.setenv("NUMNET_EXAMPLES_QUICK", "1")
    assert common.parse_args("test", ["--out", str(out)]).quick
    assert out.is_dir()
    monkeypatch.setenv("NUMNET_EXAMPLES_QUICK", "0")
    assert not common.parse_args("test", ["--out", str(out)]).quick
