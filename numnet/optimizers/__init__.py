"""Optimizers, as ``keras.optimizers``: SGD, Adam, RMSprop, Adagrad, AdamW, Nadam, Adamax,
Adadelta, the ``Optimizer`` base class, learning-rate ``schedules`` and ``get`` /
``serialize`` / ``deserialize``.

``get('adam')`` (any case) returns ``Adam()`` with Keras's defaults; ``get(Adam(0.01))``
returns the instance itself; ``get({'class_name': 'Adam', 'config': {...}})`` rebuilds one.
"""
import inspect

from numnet.optimizers import schedules
from numnet.optimizers.adadelta import Adadelta
from numnet.optimizers.adagrad import Adagrad
from numnet.optimizers.adam import Adam
from numnet.optimizers.adamax import Adamax
from numnet.optimizers.adamw import AdamW
from numnet.optimizers.base import Optimizer
from numnet.optimizers.nadam import Nadam
from numnet.optimizers.rmsprop import RMSprop
from numnet.optimizers.sgd import SGD
from numnet.optimizers.schedules import LearningRateSchedule
from numnet.utils.naming import unknown_name_error

__all__ = ["Optimizer", "SGD", "Adam", "RMSprop", "Adagrad", "AdamW", "Nadam", "Adamax",
           "Adadelta", "LearningRateSchedule", "schedules", "get", "serialize", "deserialize"]

_REGISTRY = {cls.__name__.lower(): cls for cls in (
    SGD, Adam, RMSprop, Adagrad, AdamW, Nadam, Adamax, Adadelta)}


def serialize(optimizer):
    """Return the optimizer as a Keras 3 config dict:
    ``{'module': 'keras.optimizers', 'class_name': ..., 'config': ..., 'registered_name': None}``.
    """
    if not isinstance(optimizer, Optimizer):
        raise TypeError("optimizers.serialize: expected an optimizer, received "
                        f"{optimizer!r} of type {type(optimizer).__name__}.")
    return {"module": "keras.optimizers", "class_name": type(optimizer).__name__,
            "config": optimizer.get_config(), "registered_name": None}


def deserialize(config):
    """Rebuild an optimizer from ``serialize``'s dict (class name case-insensitive; only
    numnet's optimizers can be created: the registry is closed)."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise TypeError("optimizers.deserialize: expected a dict with 'class_name' and "
                        f"'config', received {config!r}.")
    class_name = config["class_name"]
    key = class_name.lower() if isinstance(class_name, str) else class_name
    if key not in _REGISTRY:
        raise unknown_name_error("optimizer", class_name, _REGISTRY)
    inner = config.get("config") or {}
    if not isinstance(inner, dict):
        raise TypeError(f"optimizers.deserialize: 'config' must be a dict, received {inner!r}.")
    return _REGISTRY[key].from_config(inner)


def get(identifier):
    """Resolve ``identifier`` to an optimizer instance.

    Args:
        identifier: an optimizer name (``'sgd'``, ``'adam'``, ``'rmsprop'``, ``'adagrad'``,
            ``'adamw'``, ``'nadam'``, ``'adamax'``, ``'adadelta'``, any case; created with
            Keras's defaults), an ``Optimizer`` instance (returned as is), a config dict
            (``serialize``'s layout), or None (returns None).
    """
    if identifier is None or isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        key = identifier.lower()
        if key not in _REGISTRY:
            raise unknown_name_error("optimizer", identifier, _REGISTRY)
        return _REGISTRY[key]()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if inspect.isclass(identifier) and issubclass(identifier, Optimizer):
        raise TypeError(f"Could not interpret optimizer identifier {identifier.__name__} (a "
                        f"class): pass an instance such as {identifier.__name__}() or "
                        f"{identifier.__name__}(learning_rate=0.001), or the string "
                        f"'{identifier.__name__.lower()}'.")
    raise ValueError(f"Could not interpret optimizer identifier {identifier!r}: expected an "
                     f"optimizer name such as 'adam', an Optimizer instance or a config dict.")
