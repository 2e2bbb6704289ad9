"""The few ``keras.backend`` functions course code calls."""
from .config import epsilon, floatx, set_epsilon, set_floatx
from .utils.naming import reset_names


def clear_session():
    """Reset automatic layer names (``dense``, ``dense_1``...) as Keras does."""
    reset_names()


__all__ = ["clear_session", "epsilon", "floatx", "set_epsilon", "set_floatx"]
