"""Utilities with Keras names: ``set_random_seed``, ``to_categorical``, ``normalize``,
``Progbar``, ``plot_model``."""
from ..config import set_random_seed
from .numerical_utils import normalize, to_categorical
from .model_plot import plot_model
from .progbar import Progbar

__all__ = ["Progbar", "normalize", "plot_model", "set_random_seed", "to_categorical"]
