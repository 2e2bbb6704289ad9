"""The one place that says which classes a model file may name.

A model file names classes (``{"class_name": "Dense", "module": "keras.layers", ...}``).
numnet builds an object from such a name only if the name is listed here: this module fills
the closed registry of :mod:`numnet.saving.registry` with explicit lists of Keras class names,
each mapped to the numnet class of the same name. Nothing else can ever be created from a
file, whatever it says.

The registry imports this module (a fixed name) on its first lookup. Layers are taken from
``numnet.layers`` by name; a name that numnet does not implement yet is skipped, so a new
layer family becomes loadable by implementing it in ``numnet.layers`` and listing it below.
"""
import inspect

from numnet import initializers, layers, losses, metrics, optimizers, regularizers
from numnet.layers.layer import Layer
from numnet.models.functional import Functional
from numnet.models.sequential import Sequential
from numnet.optimizers import schedules
from numnet.saving.registry import register

LAYER_NAMES = (
    # core
    "InputLayer", "Dense", "Activation", "Flatten", "Reshape", "Dropout",
    # merging
    "Concatenate", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum",
    # convolution and pooling
    "Conv1D", "Conv2D", "MaxPooling1D", "MaxPooling2D", "AveragePooling1D",
    "AveragePooling2D", "GlobalAveragePooling1D", "GlobalAveragePooling2D",
    "GlobalMaxPooling1D", "GlobalMaxPooling2D", "ZeroPadding2D", "UpSampling2D",
    "Cropping2D",
    # normalization
    "BatchNormalization", "LayerNormalization",
    # recurrent and embedding (registered once numnet implements them)
    "Embedding", "SimpleRNN", "LSTM", "GRU",
)
"""Keras layer class names numnet loads, when ``numnet.layers`` defines them."""

MODEL_NAMES = {"Sequential": Sequential, "Functional": Functional}
MODEL_ALIASES = {"Functional": ("Model",)}  # Keras 2 files call functional models 'Model'

OPTIMIZER_NAMES = ("SGD", "Adam", "RMSprop", "Adagrad", "AdamW", "Nadam", "Adamax",
                   "Adadelta")
SCHEDULE_NAMES = ("ExponentialDecay", "PiecewiseConstantDecay", "InverseTimeDecay",
                  "PolynomialDecay", "CosineDecay", "CosineDecayRestarts")
LOSS_NAMES = ("MeanSquaredError", "MeanAbsoluteError", "BinaryCrossentropy",
              "CategoricalCrossentropy", "SparseCategoricalCrossentropy",
              "LossFunctionWrapper")  # the wrapper restores numnet's own functions by name only
METRIC_NAMES = ("Mean", "Accuracy", "BinaryAccuracy", "CategoricalAccuracy",
                "SparseCategoricalAccuracy", "TopKCategoricalAccuracy", "MeanSquaredError",
                "MeanAbsoluteError", "MeanMetricWrapper")
INITIALIZER_NAMES = ("Zeros", "Ones", "Constant", "Identity", "RandomNormal", "RandomUniform",
                     "TruncatedNormal", "VarianceScaling", "GlorotUniform", "GlorotNormal",
                     "HeNormal", "HeUniform", "LecunNormal", "LecunUniform", "Orthogonal")
REGULARIZER_NAMES = ("L1", "L2", "L1L2", "OrthogonalRegularizer")


class DTypePolicy:
    """Stand-in for Keras's ``DTypePolicy`` objects in configurations.

    Keras writes a layer's ``dtype`` as ``{"module": "keras", "class_name": "DTypePolicy",
    "config": {"name": "float32"}}``. numnet layers have a plain float dtype, so the loader
    turns a policy into its name (``float16``, ``float32`` or ``float64``; mixed and quantized
    policies are refused) and the saver writes numnet's dtype back as such a policy.
    """

    ACCEPTED = ("float16", "float32", "float64")


def _register_all():
    """Fill the default registry from the lists above (runs once, on import)."""
    for name in LAYER_NAMES:
        cls = getattr(layers, name, None)
        if inspect.isclass(cls) and issubclass(cls, Layer):
            register(cls, name=name, kind="layer")
    for name, cls in MODEL_NAMES.items():
        register(cls, name=name, kind="model", aliases=MODEL_ALIASES.get(name, ()))
    for module, names, kind in ((optimizers, OPTIMIZER_NAMES, "optimizer"),
                                (schedules, SCHEDULE_NAMES, "schedule"),
                                (losses, LOSS_NAMES, "loss"),
                                (metrics, METRIC_NAMES, "metric"),
                                (initializers, INITIALIZER_NAMES, "initializer"),
                                (regularizers, REGULARIZER_NAMES, "regularizer")):
        for name in names:
            cls = getattr(module, name, None)
            if inspect.isclass(cls):
                register(cls, name=name, kind=kind)
    register(DTypePolicy, name="DTypePolicy", kind="dtype_policy",
             aliases=("FloatDTypePolicy",))


_register_all()
