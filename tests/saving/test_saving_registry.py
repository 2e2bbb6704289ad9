"""Tests for numnet.saving.registry: the closed class registry and the config sanitiser."""
import json
import os
import time
import zipfile

import pytest

from numnet.saving import registry
from numnet.saving.errors import ModelFileError
from numnet.saving.registry import Registry, check_config, check_module

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        "fixtures", "keras")


def refused(fn, match=None):
    """Assert ``fn()`` raises ModelFileError within one second; return the message."""
    start = time.perf_counter()
    with pytest.raises(ModelFileError, match=match) as info:
        fn()
    assert time.perf_counter() - start < 1.0
    return str(info.value)


def make_class(name, module):
    """A throwaway class that looks as if it were defined in ``module``."""
    return type(name, (), {"__module__": module})


@pytest.fixture
def reg():
    r = Registry()
    r.register(make_class("Dense", "numnet.layers.core"))
    r.register(make_class("Adam", "numnet.optimizers.adam"))
    r.register(make_class("GlorotUniform", "numnet.initializers"), aliases=("glorot_uniform",))
    r.register(make_class("MeanSquaredError", "numnet.losses"))
    r.register(make_class("MeanSquaredError", "numnet.metrics"))
    r.register(make_class("Sequential", "numnet.models.sequential"))
    return r


def test_lookup_registered(reg):
    assert reg.lookup("Dense", "keras.layers").__name__ == "Dense"
    assert reg.lookup("Dense", kind="layer").__module__ == "numnet.layers.core"
    assert reg.lookup("Adam", "keras.src.backend.torch.optimizers.torch_adam",
                      registered_name="Adam").__name__ == "Adam"
    assert reg.lookup("glorot_uniform").__name__ == "GlorotUniform"
    assert reg.lookup("Sequential", "keras").__name__ == "Sequential"
    assert reg.lookup("Dense", None).__name__ == "Dense"  # legacy files have no module


def test_same_name_in_two_kinds(reg):
    assert reg.lookup("MeanSquaredError", "keras.losses").__module__ == "numnet.losses"
    assert reg.lookup("MeanSquaredError", "keras.metrics").__module__ == "numnet.metrics"
    assert reg.lookup("MeanSquaredError", kind="metric").__module__ == "numnet.metrics"
    refused(lambda: reg.lookup("MeanSquaredError"), "ambiguous")


def test_unknown_class_lists_supported(reg):
    message = refused(lambda: reg.lookup("Conv3DTranspose", "keras.layers", kind="layer"),
                      "Unknown layer 'Conv3DTranspose'")
    assert "Dense" in message
    assert "did you mean 'Dense'" in refused(lambda: reg.lookup("Dence", kind="layer"))


@pytest.mark.parametrize("module, name", [
    ("os", "system"), ("subprocess", "run"), ("builtins", "exec"), ("builtins", "eval"),
    ("importlib", "import_module"), ("posix", "system"), ("nt", "system"),
    ("kerasx", "Dense"), ("keras_evil.layers", "Dense"), ("keras..layers", "Dense"),
    ("keras.layers; import os", "Dense"), ("", "Dense"), (3, "Dense"),
])
def test_refused_modules(reg, module, name):
    refused(lambda: reg.lookup(name, module))
    refused(lambda: check_module(module, name))


@pytest.mark.parametrize("name", ["os.system", "subprocess.run", "builtins.exec",
                                  "importlib.import_module", "__import__", "eval", "exec",
                                  "Dense()", "", None, 5, "a" * 300])
def test_refused_class_names(reg, name):
    refused(lambda: reg.lookup(name, "keras.layers"))


def test_default_registry_refuses_dangerous_names():
    for module, name in [("os", "system"), ("subprocess", "run"), ("builtins", "exec"),
                         ("importlib", "import_module")]:
        refused(lambda: registry.lookup(name, module), "never imports")
        refused(lambda: registry.lookup(f"{module}.{name}"))


def test_custom_objects_refused(reg):
    refused(lambda: reg.lookup("Dense", "keras.layers", registered_name="MyPkg>Dense"),
            "custom object")


def test_register_conflicts_and_kinds():
    r = Registry()
    first = make_class("Dense", "numnet.layers.core")
    r.register(first)
    r.register(first)  # idempotent
    with pytest.raises(ValueError, match="already registered"):
        r.register(make_class("Dense", "numnet.layers.other"))
    with pytest.raises(TypeError, match="kind="):
        r.register(make_class("Thing", "somewhere.else"))
    assert r.register(kind="constraint")(make_class("NonNeg", "x")).__name__ == "NonNeg"
    assert r.names("constraint") == ["NonNeg"]


def test_lookup_never_imports_from_file_names(monkeypatch, reg):
    import importlib

    def no_import(name, *args, **kwargs):
        raise AssertionError(f"tried to import {name!r}")

    monkeypatch.setattr(importlib, "import_module", no_import)
    refused(lambda: reg.lookup("Dense2", "keras.layers.custom_module"))
    assert reg.lookup("Dense", "keras.layers.custom_module").__name__ == "Dense"


KERAS3_LAMBDA = {
    "module": "keras.layers", "class_name": "Lambda", "registered_name": None,
    "config": {"name": "lambda", "function": {
        "class_name": "__lambda__",
        "config": {"code": "4wEAAAAAAAAAAAAAAAIAAAADAAAA8wwAAACXAHwAZAF6BQAAUwAp\n",
                   "defaults": None, "closure": None}}, "arguments": {}},
}
KERAS2_LAMBDA = {"class_name": "Lambda", "config": {
    "name": "lambda", "function": ["4wEAAAAAAAAAAAAAAAEAAAACAAAAQwAAAHMI", None, None],
    "function_type": "lambda", "output_shape": None}}


def sequential(*layers):
    return {"module": "keras", "class_name": "Sequential",
            "config": {"name": "sequential", "layers": list(layers)}}


@pytest.mark.parametrize("config, match", [
    (sequential(KERAS3_LAMBDA), "Lambda layer"),
    (sequential(KERAS2_LAMBDA), "Lambda layer"),
    (sequential(dict(KERAS3_LAMBDA, class_name="Dense")), "lambda function"),
    (sequential(dict(KERAS2_LAMBDA, class_name="Dense")), "function_type"),
    (sequential({"class_name": "Dense", "config": {"activation": {
        "module": "builtins", "class_name": "function", "config": "act",
        "registered_name": "function"}}}), "builtins"),
    (sequential({"class_name": "Dense", "config": {"kernel_initializer": {
        "module": "os", "class_name": "system", "config": {}}}}), "'os'"),
    (sequential({"class_name": "Dense",
                 "config": {"units": 1, "code": "QUFBQUFBQUFBQUFBQUFBQUFB"}}), "bytecode"),
    (sequential({"class_name": "Dense", "config": {"function": ["x", None]}}), "function"),
    (sequential({"module": "keras.layers", "class_name": "MyLayer",
                 "registered_name": "Custom>MyLayer", "config": {}}), "custom object"),
    ({"class_name": 5}, "class name"),
])
def test_check_config_refuses_code(config, match):
    message = refused(lambda: check_config(config), match)
    assert "config" in message


def test_check_config_names_the_path():
    message = refused(lambda: check_config(sequential({"class_name": "Dense"}, KERAS3_LAMBDA)))
    assert "config.config.layers[1]" in message


@pytest.mark.parametrize("name", ["mlp", "reshape", "uncompiled"])
def test_check_config_accepts_real_keras_files(name):
    with zipfile.ZipFile(os.path.join(FIXTURES, f"{name}.keras")) as zf:
        config = json.loads(zf.read("config.json"))
    assert check_config(config) is config
