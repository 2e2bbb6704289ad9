"""``History``: records the epoch logs; ``fit`` returns it."""
from .callback import Callback


class History(Callback):
    """Collects each epoch's logs into ``history`` (a dict key -> list of floats).

    ``fit`` always adds one (last) and returns it; ``model.history`` points to it. Its
    ``epoch`` lists the epoch indices that ran.
    """

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        if self.model is not None:
            self.model.history = self
