"""``ReduceLROnPlateau``: lower the learning rate when the watched quantity stops improving."""
import warnings

import numpy as np

from ._checks import check_int, check_number
from .monitor import MonitorCallback

_ARGUMENTS = ("monitor", "factor", "patience", "verbose", "mode", "min_delta", "cooldown",
              "min_lr")


class ReduceLROnPlateau(MonitorCallback):
    """Multiply the learning rate by ``factor`` after ``patience`` epochs without improvement.

    At each epoch end the current learning rate is added to the logs as ``learning_rate`` (so
    it appears in ``history.history``), then ``monitor`` is compared with its best value.
    After ``patience`` epochs in a row without an improvement larger than ``min_delta``::

        new_lr = max(lr * factor, min_lr)

    and, for the next ``cooldown`` epochs, the count of epochs without improvement stays at 0.
    Nothing happens once the rate has reached ``min_lr``.

    Args:
        monitor: the logs key to watch. Default: ``'val_loss'``.
        factor: the multiplier, a number in [0, 1). Default: 0.1.
        patience: epochs without improvement before the rate is lowered. Default: 10.
        verbose: 1 prints ``Epoch N: ReduceLROnPlateau reducing learning rate to X.`` at each
            change; 0 (default) is silent.
        mode: ``'auto'`` (default), ``'min'`` or ``'max'``: whether smaller or larger values of
            ``monitor`` are better ('auto' decides from the name).
        min_delta: an improvement must exceed this (absolute value used). Default: 1e-4.
        cooldown: epochs to wait after a reduction before counting again. Default: 0.
        min_lr: the learning rate is never lowered below this (a number >= 0). Default: 0.0.
        **kwargs: only the Keras 2 name ``epsilon`` (an alias of ``min_delta``) is accepted.

    Example::

        reduce_lr = ReduceLROnPlateau(monitor='val_loss', factor=0.2, patience=5,
                                      min_lr=0.001)
        model.fit(x, y, validation_split=0.2, epochs=50, callbacks=[reduce_lr])
    """

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto",
                 min_delta=1e-4, cooldown=0, min_lr=0.0, **kwargs):
        owner = type(self).__name__
        if "epsilon" in kwargs:
            min_delta = kwargs.pop("epsilon")
            warnings.warn(f"{owner}: argument `epsilon` is the Keras 2 name of `min_delta`; "
                          "use `min_delta` instead.", stacklevel=2)
        if kwargs:
            raise TypeError(f"{owner} got unexpected argument(s) {sorted(kwargs)}. Allowed "
                            f"arguments: {', '.join(_ARGUMENTS)}.")
        super().__init__(monitor, mode, min_delta=min_delta)
        factor = check_number(owner, "factor", factor, minimum=0.0)
        if factor >= 1.0:
            raise ValueError(f"{owner}: argument `factor` must be a number in [0, 1) (the new "
                             f"rate is lr * factor, so it must shrink); received "
                             f"factor={factor!r}. For example factor=0.5 halves the rate.")
        self.factor = factor
        self.min_lr = check_number(owner, "min_lr", min_lr, minimum=0.0)
        self.patience = check_int(owner, "patience", patience)
        self.verbose = check_int(owner, "verbose", verbose)
        self.cooldown = check_int(owner, "cooldown", cooldown)
        self.cooldown_counter = 0
        self.wait = 0

    def _reset(self):
        """Forget the best value, the wait count and the cooldown."""
        self.best = None
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs=None):
        self._reset()

    def in_cooldown(self):
        """Whether the callback is still waiting after its last reduction."""
        return self.cooldown_counter > 0

    def _reduce_lr(self, epoch):
        """Lower the optimizer's rate unless it is already at ``min_lr``; True if lowered."""
        optimizer = self.model.optimizer
        old_lr = float(optimizer.learning_rate)
        # Compared in float32, the precision Keras stores the rate in.
        if not np.float32(old_lr) > np.float32(self.min_lr):
            return False
        new_lr = max(old_lr * self.factor, self.min_lr)
        optimizer.learning_rate = new_lr
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new_lr}.")
        return True

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        logs = logs if logs is not None else {}
        logs["learning_rate"] = float(self.model.optimizer.learning_rate)
        current = logs.get(self.monitor)
        if current is None:
            self._warn_missing("Learning rate reduction is conditioned on metric", logs)
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience and self._reduce_lr(epoch):
                self.cooldown_counter = self.cooldown
                self.wait = 0
