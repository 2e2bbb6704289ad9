"""Layers: each a class with ``build``, ``forward`` and ``backward`` (see ``layer.py``)."""
from .convolutional import Conv1D, Conv2D
from .core import Activation, Dense, Dropout, Flatten, Reshape
from .input_layer import Input, InputLayer, KerasTensor
from .layer import Layer
from .merging import Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract
from .normalization import BatchNormalization
from .pooling import (AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D,
                      MaxPooling2D)
from .reshaping import ZeroPadding2D
from .variable import Variable

__all__ = ["Add", "Average", "Concatenate", "Maximum", "Minimum", "Multiply", "Subtract",
           "Activation", "Dense", "Dropout", "Flatten", "Input", "InputLayer", "KerasTensor",
           "Layer", "Reshape", "Variable",
           "AveragePooling2D", "BatchNormalization", "Conv1D", "Conv2D",
           "GlobalAveragePooling2D", "GlobalMaxPooling2D", "MaxPooling2D", "ZeroPadding2D"]
