"""Utilities with Keras names: ``set_random_seed``, ``to_categorical``, ``normalize``,
``Progbar``."""
from ..config import set_random_seed
from .numerical_utils import normalize, to_categorical
from .progbar import Progbar

__all__ = ["Progbar", "normalize", "set_random_seed", "to_categorical"]
