"""Models: ``Sequential`` (and the shared ``Model`` base), plus ``load_model``."""
from .model import Model
from .sequential import Sequential

__all__ = ["Model", "Sequential"]
