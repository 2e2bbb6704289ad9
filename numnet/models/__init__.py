"""Models: ``Sequential`` (and the shared ``Model`` base), plus ``load_model`` / ``save_model``."""
from .model import Model
from .sequential import Sequential
from ..saving.api import load_model, save_model  # noqa: E402  (needs Model defined first)

__all__ = ["Model", "Sequential", "load_model", "save_model"]
