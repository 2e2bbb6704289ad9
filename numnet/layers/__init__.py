"""Layers: each a class with ``build``, ``forward`` and ``backward`` (see ``layer.py``)."""
from .core import Activation, Dense, Dropout, Flatten, Reshape
from .input_layer import Input, InputLayer, KerasTensor
from .layer import Layer
from .merging import Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract
from .variable import Variable

__all__ = ["Add", "Average", "Concatenate", "Maximum", "Minimum", "Multiply", "Subtract",
           "Activation", "Dense", "Dropout", "Flatten", "Input", "InputLayer", "KerasTensor",
           "Layer", "Reshape", "Variable"]
