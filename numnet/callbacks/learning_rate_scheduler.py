"""``LearningRateScheduler``: set the learning rate at the start of each epoch from a function."""
import inspect

import numpy as np

from ._checks import check_int
from .callback import Callback


def _takes_two_arguments(function):
    """True / False when the signature says whether ``function(epoch, lr)`` works; None when
    it cannot be inspected (then the call itself decides, as in Keras)."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return None
    try:
        signature.bind(0, 0.0)
    except TypeError:
        return False
    return True


def _is_float(value):
    """A Python float, a NumPy float scalar or a 0-d NumPy float array."""
    if isinstance(value, (float, np.floating)):
        return True
    return isinstance(value, np.ndarray) and value.shape == () and np.issubdtype(
        value.dtype, np.floating)


class LearningRateScheduler(Callback):
    """Set the optimizer's learning rate at the start of each epoch to ``schedule(...)``.

    ``schedule(epoch, lr)`` receives the 0-based epoch index and the current rate and returns
    the new rate as a float; a function of the epoch alone, ``schedule(epoch)``, works too.
    At each epoch end the rate is added to the logs as ``learning_rate`` (so it appears in
    ``history.history``).

    Args:
        schedule: the function (see above). It must return a float: ``0.001``, not ``1``.
        verbose: 1 prints ``Epoch N: LearningRateScheduler setting learning rate to X.``
            each epoch; 0 (default) is silent.

    Example::

        def scheduler(epoch, lr):
            return lr if epoch < 10 else lr * math.exp(-0.1)

        model.fit(x, y, epochs=15, callbacks=[LearningRateScheduler(scheduler)])
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        if not callable(schedule):
            raise TypeError(f"LearningRateScheduler: argument `schedule` must be a function "
                            f"schedule(epoch, lr) -> float (or schedule(epoch)); received "
                            f"{schedule!r} of type {type(schedule).__name__}.")
        self.schedule = schedule
        self.verbose = check_int("LearningRateScheduler", "verbose", verbose)
        self._two_arguments = _takes_two_arguments(schedule)

    def _new_rate(self, epoch, lr):
        if self._two_arguments:
            return self.schedule(epoch, lr)
        if self._two_arguments is False:
            return self.schedule(epoch)
        try:  # signature unknown: try the (epoch, lr) form first, as Keras does
            return self.schedule(epoch, lr)
        except TypeError:
            return self.schedule(epoch)

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = getattr(self.model, "optimizer", None)
        if not hasattr(optimizer, "learning_rate"):
            raise ValueError("LearningRateScheduler: the model's optimizer must have a "
                             "`learning_rate` attribute; call model.compile(optimizer=...) "
                             "first.")
        learning_rate = self._new_rate(epoch, float(optimizer.learning_rate))
        if not _is_float(learning_rate):
            raise ValueError(f"LearningRateScheduler: the `schedule` function must return a "
                             f"float; for epoch {epoch} it returned {learning_rate!r} of type "
                             f"{type(learning_rate).__name__}. Return e.g. 0.001 (write "
                             f"1.0 rather than 1).")
        optimizer.learning_rate = float(learning_rate)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to "
                  f"{learning_rate}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)
