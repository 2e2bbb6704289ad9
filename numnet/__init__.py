"""numnet: deep learning from scratch on NumPy, behind the Keras API.

Course code runs with one changed line: ``import numnet as keras``.
"""
from . import (activations, backend, callbacks, config, datasets, debugging, initializers, layers,
               losses, metrics, models, optimizers, regularizers, utils)
from .layers import Input
from .models import Model, Sequential

__version__ = "0.1.0"

__all__ = ["Input", "Model", "Sequential", "activations", "backend", "callbacks", "config", "datasets",
           "debugging", "initializers", "layers", "losses", "metrics", "models", "optimizers",
           "regularizers", "utils", "__version__"]
