"""``ProgbarLogger``: prints ``Epoch i/n`` and the Keras progress line."""
import sys

from ..utils.progbar import Progbar
from .callback import Callback


class ProgbarLogger(Callback):
    """Prints training progress; ``fit`` adds it when ``verbose`` is 1 or 2.

    Args:
        count_mode: kept for Keras compatibility; only 'steps' is used.
    """

    def __init__(self, count_mode="steps"):
        super().__init__()
        self.verbose = 1
        self.epochs = 1
        self._bar = None
        # 'train' inside fit (validation passes print nothing), 'evaluate' or 'predict'.
        self.mode = "train"

    def set_params(self, params):
        super().set_params(params)
        self.verbose = params.get("verbose", 1)
        self.epochs = params.get("epochs", 1)

    def _new_bar(self, steps):
        self._bar = Progbar(target=steps, verbose=self.verbose)

    def on_epoch_begin(self, epoch, logs=None):
        if self.verbose:
            sys.stdout.write(f"Epoch {epoch + 1}/{self.epochs}\n")
            sys.stdout.flush()
        self._new_bar(self.params.get("steps"))

    def on_train_batch_end(self, batch, logs=None):
        self._bar.update(batch + 1, logs, finalize=False)

    def on_epoch_end(self, epoch, logs=None):
        self._bar.update(self.params.get("steps") or 0, logs, finalize=True)

    def on_test_begin(self, logs=None):
        if self.mode == "evaluate":
            self._new_bar(self.params.get("steps"))

    def on_test_batch_end(self, batch, logs=None):
        if self.mode == "evaluate":
            self._bar.update(batch + 1, logs, finalize=False)

    def on_test_end(self, logs=None):
        if self.mode == "evaluate":
            self._bar.update(self.params.get("steps") or 0, logs, finalize=True)

    def on_predict_begin(self, logs=None):
        self._new_bar(self.params.get("steps"))

    def on_predict_batch_end(self, batch, logs=None):
        self._bar.update(batch + 1, None, finalize=False)

    def on_predict_end(self, logs=None):
        self._bar.update(self.params.get("steps") or 0, None, finalize=True)
