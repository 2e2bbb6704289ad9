"""``TerminateOnNaN``: stop ``fit`` as soon as a batch's loss is NaN or infinite."""
import math

from .callback import Callback


class TerminateOnNaN(Callback):
    """Stop training at the first training batch whose loss is NaN or infinite.

    Once the loss is not finite the weights are too, and every later step is wasted. By
    default the callback prints ``Batch N: Invalid loss, terminating training`` (N is the
    0-based batch index in the epoch) and sets ``model.stop_training``: ``fit`` stops after
    that batch, and the other callbacks still get ``on_epoch_end`` and ``on_train_end``.

    Args:
        raise_error: when True, raise ``RuntimeError`` at once instead (no further callback
            hook runs, so e.g. a ``BackupAndRestore`` backup of the last good epoch is kept).
            Default: False.

    Example::

        model.fit(x, y, epochs=10, callbacks=[TerminateOnNaN()])
    """

    def __init__(self, raise_error=False):
        super().__init__()
        self.raise_error = bool(raise_error)

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None or math.isfinite(float(loss)):
            return
        if self.raise_error:
            raise RuntimeError(f"NaN or Inf loss encountered at batch {batch}. Loss value: "
                               f"{loss}. Terminating training immediately. Try a smaller "
                               f"learning rate or scale the inputs (e.g. x / 255.0).")
        print(f"Batch {batch}: Invalid loss, terminating training")
        self.model.stop_training = True
