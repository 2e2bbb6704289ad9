"""numnet: deep learning from scratch on NumPy, behind the Keras API.

Course code runs with one changed line: ``import numnet as keras``.
"""
from . import (activations, backend, callbacks, config, datasets, debugging, initializers, layers,
               losses, metrics, models, optimizers, regularizers, utils)
from .layers import Input
from .models import Model, Sequential
from .perceptron import Perceptron

__version__ = "0.1.0"


def __getattr__(name):
    # numnet.plot imports matplotlib, so it is loaded on first use only.
    if name == "plot":
        import importlib
        return importlib.import_module(".plot", __name__)
    raise AttributeError(f"module 'numnet' has no attribute {name!r}")

__all__ = ["Input", "Model", "Perceptron", "Sequential", "activations", "backend", "callbacks", "config", "datasets",
           "debugging", "initializers", "layers", "losses", "metrics", "models", "optimizers",
           "regularizers", "utils", "__version__"]
