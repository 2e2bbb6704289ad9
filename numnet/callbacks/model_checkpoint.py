"""``ModelCheckpoint``: save the model (or its weights) during ``fit``."""
import os
import warnings

from ._checks import batches_since, check_int, check_number, check_path, check_save_freq
from .monitor import MonitorCallback, missing_monitor_message


class FilepathFormatError(KeyError):
    """``filepath`` names a ``{placeholder}`` that is not in the logs (a ``KeyError``, as in
    Keras), with a readable message."""

    def __str__(self):
        return str(self.args[0]) if self.args else ""


class ModelCheckpoint(MonitorCallback):
    """Save the model, or only its weights, at the end of every epoch or every N batches.

    The file name may contain ``str.format`` placeholders filled from ``epoch`` (1-based),
    ``batch`` (1-based, when saving every N batches) and the logs: with
    ``'model-{epoch:02d}-{val_loss:.2f}.keras'`` epoch 3 with a val_loss of 0.4123 is saved as
    ``model-03-0.41.keras``. Missing parent folders are created.

    Args:
        filepath: where to save (``str`` or ``os.PathLike``). It must end in ``.keras`` (the
            Keras 3 format) or ``.h5`` (the legacy whole-model format) for a whole model, and
            in ``.weights.h5`` when ``save_weights_only=True``.
        monitor: the logs key that decides what is "best" with ``save_best_only``.
            Default: ``'val_loss'``.
        verbose: 1 prints a line each time the callback saves or decides not to; 0 (default)
            is silent.
        save_best_only: when True, save only when ``monitor`` improves on the best value so
            far (so a fixed ``filepath`` always holds the best model). Default: False (save
            every time).
        save_weights_only: when True call ``model.save_weights(path)``, else
            ``model.save(path)`` (architecture, weights and optimizer state). Default: False.
        mode: ``'auto'`` (default), ``'min'`` or ``'max'``: whether smaller or larger values of
            ``monitor`` are better ('auto' decides from the name).
        save_freq: ``'epoch'`` (default) to save at each epoch end, or an integer N to save
            after every N training batches (counted across epochs).
        initial_value_threshold: with ``save_best_only``, the value ``monitor`` must beat
            before the first save. Default: None (the first value is always saved).

    Example::

        checkpoint = ModelCheckpoint('best-model.keras', save_best_only=True)
        model.fit(x, y, validation_split=0.2, epochs=20, callbacks=[checkpoint])
        model = numnet.models.load_model('best-model.keras')
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=False, mode="auto", save_freq="epoch",
                 initial_value_threshold=None):
        owner = type(self).__name__
        threshold = check_number(owner, "initial_value_threshold", initial_value_threshold,
                                 allow_none=True)
        super().__init__(monitor, mode, threshold)
        self.verbose = check_int(owner, "verbose", verbose)
        self.filepath = check_path(owner, "filepath", filepath)
        self.save_best_only = bool(save_best_only)
        self.save_weights_only = bool(save_weights_only)
        self.save_freq = check_save_freq(owner, save_freq)
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = None
        self._current_epoch = 0
        if self.save_weights_only:
            if not self.filepath.endswith(".weights.h5"):
                raise ValueError(
                    f"{owner}: with save_weights_only=True the filepath must end in "
                    f"'.weights.h5' (the Keras weights format); received "
                    f"filepath={self.filepath!r}. For example: 'best.weights.h5'.")
        elif not self.filepath.endswith((".keras", ".h5")):
            raise ValueError(
                f"{owner}: the filepath must end in '.keras' (the Keras model format) or "
                f"'.h5' (the legacy format); received filepath={self.filepath!r}. For "
                f"example: 'best-model.keras' (or pass save_weights_only=True with "
                f"'best.weights.h5').")

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        self._batches_seen_since_last_saving += batches_since(self._last_batch_seen, batch)
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            self._save_model(self._current_epoch, batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        if self.save_freq == "epoch":
            self._save_model(epoch, None, logs)

    def _should_save(self, epoch, logs, filepath):
        """Decide whether to save now (and print why, with verbose)."""
        if not self.save_best_only:
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(missing_monitor_message("Can save best model only with metric",
                                                  self.monitor, logs)
                          + ". Saving the model anyway.", stacklevel=4)
            return True
        best = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(current, self.best):
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {best} to "
                      f"{current:.5f}, saving model to {filepath}")
            self.best = current
            return True
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best}")
        return False

    def _save_model(self, epoch, batch, logs):
        """Save to the formatted file path if the rules say so.

        Args:
            epoch: 0-based epoch index.
            batch: 0-based batch index when saving every N batches, None at epoch end.
            logs: the logs of that batch or epoch.
        """
        logs = dict(logs or {})
        filepath = self._get_file_path(epoch, batch, logs)
        if not self._should_save(epoch, logs, filepath):
            return
        if os.path.isdir(filepath):
            raise IsADirectoryError(
                f"{type(self).__name__}: the filepath {filepath!r} is an existing folder. Give "
                f"a file name inside it, e.g. {os.path.join(filepath, 'model.keras')!r}.")
        folder = os.path.dirname(filepath)
        if folder:
            os.makedirs(folder, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(filepath)
        else:
            self.model.save(filepath)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: finished saving model to {filepath}")

    def _get_file_path(self, epoch, batch, logs):
        """``filepath`` with its placeholders filled from epoch + 1, batch + 1 and the logs."""
        values = dict(logs)
        values["epoch"] = epoch + 1
        if batch is not None and "batch" not in logs:
            values["batch"] = batch + 1
        try:
            return self.filepath.format(**values)
        except KeyError as error:
            missing = str(error.args[0])
            hint = (" (val_ values exist only when fit() is given validation_data or "
                    "validation_split)" if missing.startswith("val_") else "")
            raise FilepathFormatError(
                f"{type(self).__name__}: failed to fill in the filepath {self.filepath!r}: "
                f"there is no value for {{{missing}}}{hint}. Available names are: "
                f"{', '.join(sorted(values))}.") from None
