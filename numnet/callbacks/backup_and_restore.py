"""``BackupAndRestore``: resume an interrupted ``fit`` where it stopped."""
import json
import os
import shutil

from ..saving.atomic import atomic_write, atomic_write_with
from ..saving.errors import ModelFileError
from ..saving.safe_json import parse_json_object
from ._checks import batches_since, check_path, check_save_freq
from .callback import Callback

_MAX_METADATA_BYTES = 64 * 1024


class BackupAndRestore(Callback):
    """Back up the training state during ``fit`` and restore it when ``fit`` is run again.

    At the end of every epoch (or every ``save_freq`` batches) the model is saved with
    ``model.save`` to ``backup_dir/latest.keras`` (weights and optimizer state) and the number
    of finished epochs to ``backup_dir/training_metadata.json``; both files are written
    atomically, so a crash while writing leaves the previous backup intact. When ``fit``
    starts and a backup exists, the weights and optimizer state are loaded back and ``fit``
    continues with the first epoch that had not finished: a run interrupted during epoch 4
    (index 3) resumes at epoch 4. When ``fit`` ends normally (including an early stop) the
    backup is deleted; after an exception it stays for the next run.

    Use a fresh folder for each training run: another run's backup in it would be restored.
    Compile and ``fit`` the model with the same arguments as the interrupted run.

    Args:
        backup_dir: the folder for the backup files (``str`` or ``os.PathLike``); created if
            missing.
        save_freq: ``'epoch'`` (default) to back up at each epoch end, or an integer N to back
            up after every N training batches as well (a resumed run then restarts the
            unfinished epoch from its first batch, with the weights of the last backup).
        double_checkpoint: when True, the previous backup is kept too (``*.bkp``) and used if
            the latest one cannot be read. Default: False.
        delete_checkpoint: when True (default), the backup files are deleted when ``fit``
            ends normally (and ``backup_dir`` too if nothing else is left in it).

    Example::

        backup = BackupAndRestore(backup_dir='/tmp/backup')
        model.fit(x, y, epochs=10, callbacks=[backup])   # interrupted at epoch 5
        model.fit(x, y, epochs=10, callbacks=[backup])   # runs epochs 5 to 10 only
    """

    def __init__(self, backup_dir, save_freq="epoch", double_checkpoint=False,
                 delete_checkpoint=True):
        super().__init__()
        self.backup_dir = check_path("BackupAndRestore", "backup_dir", backup_dir)
        self.save_freq = check_save_freq("BackupAndRestore", save_freq)
        self.double_checkpoint = bool(double_checkpoint)
        self.delete_checkpoint = bool(delete_checkpoint)
        self._model_path = os.path.join(self.backup_dir, "latest.keras")
        self._metadata_path = os.path.join(self.backup_dir, "training_metadata.json")
        self._prev_model_path = self._model_path + ".bkp"
        self._prev_metadata_path = self._metadata_path + ".bkp"
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = None
        self._current_epoch = 0

    # ------------------------------------------------------------- restore
    def on_train_begin(self, logs=None):
        if not getattr(self.model, "built", False):
            raise ValueError(
                f"BackupAndRestore: the model {getattr(self.model, 'name', '')!r} must be "
                "built before fit() restores a backup. Give the first layer an input shape "
                "or call model.build(input_shape) first.")
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = None
        try:
            self._load()
        except (OSError, ModelFileError) as error:
            # The latest backup is damaged: fall back to the previous one when kept.
            if not os.path.exists(self._prev_model_path):
                raise
            _atomic_copy(self._prev_model_path, self._model_path)
            if os.path.exists(self._prev_metadata_path):
                _atomic_copy(self._prev_metadata_path, self._metadata_path)
            elif os.path.exists(self._metadata_path):
                os.remove(self._metadata_path)
            try:
                self._load()
            except (OSError, ModelFileError):
                raise error from None

    def _load(self):
        """Load the backed-up weights and optimizer state, and set where ``fit`` resumes."""
        if os.path.exists(self._model_path):
            optimizer = getattr(self.model, "optimizer", None)
            flat = getattr(self.model, "_flat_params", None)
            if optimizer is not None and not optimizer.built and flat is not None:
                # Create the optimizer's state now (as its first step would) so it can be
                # loaded from the file.
                optimizer.build([flat])
            self.model.load_weights(self._model_path)
        if os.path.exists(self._metadata_path):
            epoch = self._read_epoch(self._metadata_path)
            self._current_epoch = epoch
            self.model._initial_epoch = epoch

    @staticmethod
    def _read_epoch(path):
        """The number of finished epochs stored in the metadata file ``path``."""
        size = os.path.getsize(path)
        if size > _MAX_METADATA_BYTES:
            raise ModelFileError(f"{path!r} is {size:,} bytes; a BackupAndRestore metadata "
                                 f"file is a few bytes.")
        with open(path, "rb") as f:
            metadata = parse_json_object(f.read(_MAX_METADATA_BYTES + 1), repr(path))
        epoch = metadata.get("epoch")
        if isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 0:
            raise ModelFileError(f"{path!r} should hold the number of finished epochs as "
                                 f"'epoch' (an integer >= 0); found {epoch!r}.")
        return epoch

    # ------------------------------------------------------------- backup
    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        self._current_epoch = epoch + 1
        self._last_batch_seen = None
        if self.save_freq == "epoch":
            self._save()

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        self._batches_seen_since_last_saving += batches_since(self._last_batch_seen, batch)
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            self._save(batch)

    def _save(self, batch=None):
        """Write the model and the epoch counter (keeping the previous ones if asked)."""
        os.makedirs(self.backup_dir, exist_ok=True)
        if self.double_checkpoint:
            if os.path.exists(self._model_path):
                _atomic_copy(self._model_path, self._prev_model_path)
            if os.path.exists(self._metadata_path):
                _atomic_copy(self._metadata_path, self._prev_metadata_path)
        self.model.save(self._model_path)
        metadata = {"epoch": self._current_epoch,
                    "batch": 0 if batch is None else batch}
        with atomic_write(self._metadata_path, mode="w") as f:
            f.write(json.dumps(metadata))

    # ------------------------------------------------------------- clean up
    def on_train_end(self, logs=None):
        if not self.delete_checkpoint:
            return
        for path in (self._model_path, self._metadata_path, self._prev_model_path,
                     self._prev_metadata_path):
            if os.path.exists(path):
                os.remove(path)
        try:
            os.rmdir(self.backup_dir)  # only when nothing else is in it
        except OSError:
            pass


def _atomic_copy(source, target):
    """Copy ``source`` over ``target`` so that ``target`` is never half-written."""
    atomic_write_with(target, lambda temp: shutil.copyfile(source, temp))
