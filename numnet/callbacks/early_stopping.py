"""``EarlyStopping``: stop ``fit`` when the watched quantity stops improving."""
from ._checks import check_int, check_number
from .monitor import MonitorCallback


class EarlyStopping(MonitorCallback):
    """Stop training when ``monitor`` has not improved for ``patience`` epochs.

    At each epoch end the value of ``monitor`` is compared with the best so far (see
    ``numnet.callbacks.monitor`` for what counts as better). Every epoch without an
    improvement adds one to ``wait``; an improvement resets it to 0. When ``wait`` reaches
    ``patience`` (and it is not the first epoch) ``model.stop_training`` is set and ``fit``
    ends after this epoch. A classic cure for overfitting: stop when ``val_loss`` rises.

    Args:
        monitor: the logs key to watch, e.g. ``'val_loss'`` (default) or ``'val_accuracy'``.
        min_delta: an improvement must exceed this (absolute value used). Default: 0.
        patience: epochs without improvement to tolerate before stopping. Default: 0 (stop at
            the first epoch that does not improve).
        verbose: 1 prints ``Epoch N: early stopping`` (and the restore message) when training
            ends; 0 (default) is silent.
        mode: ``'auto'`` (default), ``'min'`` or ``'max'``: whether smaller or larger is better
            ('auto' decides from the name: losses are minimised, accuracies maximised).
        baseline: a value the quantity must beat: ``wait`` is reset only by values that beat
            both the best so far and ``baseline``, so training stops after ``patience``
            epochs if the baseline is never beaten. Default: None (no baseline).
        restore_best_weights: when True, the weights of the best epoch are put back into the
            model when training ends (even if training did not stop early). When False
            (default), the model keeps the weights of the last epoch.
        start_from_epoch: epochs to ignore at the start (a warm-up with no monitoring).
            Default: 0.

    Attributes:
        stopped_epoch: 0-based index of the epoch at which training was stopped; 0 when it was
            not stopped (as in Keras).
        best_epoch: 0-based index of the epoch with the best value.
        best: the best value seen. wait: epochs since the last improvement.

    Example::

        stop = EarlyStopping(monitor='val_loss', patience=3, restore_best_weights=True)
        model.fit(x, y, validation_split=0.2, epochs=100, callbacks=[stop])
    """

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto",
                 baseline=None, restore_best_weights=False, start_from_epoch=0):
        super().__init__(monitor, mode, min_delta=min_delta)
        owner = type(self).__name__
        self.patience = check_int(owner, "patience", patience)
        self.verbose = check_int(owner, "verbose", verbose)
        self.baseline = check_number(owner, "baseline", baseline, allow_none=True)
        self.restore_best_weights = bool(restore_best_weights)
        self.start_from_epoch = check_int(owner, "start_from_epoch", start_from_epoch)
        self.wait = 0
        self.stopped_epoch = 0
        self.best_weights = None
        self.best_epoch = 0

    def on_train_begin(self, logs=None):
        # Start afresh at every fit() so one instance can be reused.
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            # Nothing kept yet: the weights right now are the best known.
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch

        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            # The patience counter restarts only when the baseline is beaten too.
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return

        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print(f"Restoring model weights from the end of the best epoch: "
                      f"{self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)

    def get_monitor_value(self, logs):
        """Return ``logs[monitor]``, or None after warning that it is missing.

        Args:
            logs: the epoch's logs dict (None counts as empty).
        """
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            self._warn_missing("Early stopping conditioned on metric", logs)
        return value
