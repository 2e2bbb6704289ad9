"""``MonitorCallback``: what EarlyStopping, ModelCheckpoint and ReduceLROnPlateau share.

Each of them watches one number from the epoch logs (``monitor``, e.g. ``'val_loss'``) and
asks "is this value better than the best so far?". Better means smaller in ``'min'`` mode and
larger in ``'max'`` mode, by more than ``min_delta``::

    min mode:  improved  <=>  current + min_delta < best
    max mode:  improved  <=>  current - min_delta > best

In ``'auto'`` mode the direction comes from the name, as Keras 3 decides it: ``loss`` and
``val_loss`` are minimised; a metric that declares a direction is followed; otherwise names
such as ``accuracy``, ``acc``, ``auc``, ``precision``, ``recall``, ``f1_score`` are maximised
and every other name (``mae``, ``mse``, ...) is minimised.
"""
import difflib
import warnings

from ._checks import check_number
from .callback import Callback

MODES = ("auto", "min", "max")

# Words (between underscores) of metric names where a larger value is better.
_HIGHER_IS_BETTER = frozenset({
    "acc", "accuracy", "auc", "precision", "recall", "f1", "fbeta", "iou", "r2", "similarity",
    "fmeasure",
})


def check_mode(owner, mode):
    """Return ``mode`` if it is 'auto', 'min' or 'max'; raise ``ValueError`` otherwise.

    Args:
        owner: the callback's class name (starts the message).
        mode: what the user gave.
    """
    if not isinstance(mode, str) or mode not in MODES:
        raise ValueError(f"{owner}: argument `mode` must be one of 'auto', 'min', 'max'; "
                         f"received {mode!r}. Use 'min' for losses and errors, 'max' for "
                         f"accuracy-like metrics, or 'auto' to decide from the name.")
    return mode


def higher_is_better(monitor, model=None):
    """Whether ``'auto'`` mode maximises the quantity named ``monitor``.

    Args:
        monitor: the logs key, e.g. ``'val_accuracy'`` (a ``val_`` prefix is ignored).
        model: the model being trained, or None (default). When one of its metrics has this
            name and declares ``_direction`` (``'up'`` or ``'down'``), that wins.
    Returns:
        True for maximise, False for minimise.
    """
    name = monitor[4:] if monitor.startswith("val_") else monitor
    if name == "loss":
        return False
    for metric in getattr(model, "_metrics", None) or []:
        direction = getattr(metric, "_direction", None)
        if getattr(metric, "name", None) == name and direction in ("up", "down"):
            return direction == "up"
    words = name.lower().split("_")
    return any(word in _HIGHER_IS_BETTER for word in words)


def missing_monitor_message(prefix, monitor, logs):
    """The warning text for a ``monitor`` key that is not in ``logs``, listing those that are.

    Args:
        prefix: the start of the sentence, e.g. ``'Early stopping conditioned on metric'``.
        monitor: the missing key.
        logs: the logs dict received.
    """
    keys = list(logs)
    message = (f"{prefix} `{monitor}` which is not available. "
               f"Available metrics are: {', '.join(keys)}")
    if monitor.startswith("val_") and not any(k.startswith("val_") for k in keys):
        message += (" (val_ metrics exist only when fit() is given validation_data or "
                    "validation_split)")
    else:
        close = difflib.get_close_matches(monitor, keys, n=1)
        if close:
            message += f" (did you mean monitor='{close[0]}'?)"
    return message


class MonitorCallback(Callback):
    """Base class of callbacks that watch one logged quantity for improvement.

    Not used directly: ``EarlyStopping``, ``ModelCheckpoint`` and ``ReduceLROnPlateau``
    derive from it.

    Args:
        monitor: the logs key to watch. Default: ``'val_loss'``.
        mode: ``'auto'``, ``'min'`` or ``'max'``. Default: ``'auto'`` (see the module doc).
        baseline: the starting "best" value, or None (default) to take the first value seen.
        min_delta: how much better a value must be to count as an improvement; its absolute
            value is used. Default: 0.
    """

    def __init__(self, monitor="val_loss", mode="auto", baseline=None, min_delta=0):
        super().__init__()
        owner = type(self).__name__
        if not isinstance(monitor, str) or not monitor:
            raise TypeError(f"{owner}: argument `monitor` must be the name of a logged "
                            f"quantity such as 'val_loss' or 'val_accuracy'; received "
                            f"{monitor!r}.")
        self.monitor = monitor
        self.mode = check_mode(owner, mode)
        self.best = check_number(owner, "baseline", baseline, allow_none=True)
        self.min_delta = abs(check_number(owner, "min_delta", min_delta))
        self.monitor_op = None  # 'min' or 'max', decided at the first epoch end

    def _set_monitor_op(self):
        """Decide the direction ('min' or 'max') now that the model's metrics exist."""
        if self.mode == "auto":
            self.monitor_op = "max" if higher_is_better(self.monitor, self.model) else "min"
        else:
            self.monitor_op = self.mode

    def _is_improvement(self, monitor_value, reference_value):
        """Whether ``monitor_value`` beats ``reference_value`` by more than ``min_delta``.

        Args:
            monitor_value: the value just logged.
            reference_value: the best so far, or None (then any value is an improvement).
        """
        if reference_value is None:
            return True
        if self.monitor_op is None:
            self._set_monitor_op()
        if self.monitor_op == "min":
            return monitor_value + self.min_delta < reference_value
        return monitor_value - self.min_delta > reference_value

    def _warn_missing(self, prefix, logs, stacklevel=3):
        """Warn that ``monitor`` is not in ``logs`` (``warnings.warn``, listing the keys).

        Args:
            prefix: the start of the sentence, e.g. ``'Early stopping conditioned on metric'``.
            logs: the logs dict received.
            stacklevel: passed to ``warnings.warn``. Default: 3.
        """
        warnings.warn(missing_monitor_message(prefix, self.monitor, logs or {}),
                      stacklevel=stacklevel)
