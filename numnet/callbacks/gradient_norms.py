"""``GradientNormRecorder``: watch each layer's gradient size during ``fit`` (vanishing gradients)."""
import numpy as np

from numnet.callbacks.callback import Callback

_WHICH = ("kernel", "all")


class GradientNormRecorder(Callback):
    """Record the mean absolute gradient of each layer after every training batch.

    After each batch it reads the gradients that ``backward`` wrote next to the weights
    (``variable.grad``) and stores, per layer, ``mean(|dL/dW|)``; at the end of each epoch the
    mean over that epoch's batches is appended to ``norms``. Deep sigmoid networks show the
    first layers' values orders of magnitude below the last ones': the vanishing gradient.
    Draw them with ``numnet.plot.plot_gradient_norms(recorder)``.

    Args:
        weights: ``'kernel'`` (default) to watch each layer's weight matrix (the variable named
            ``kernel``; layers without one, such as Flatten or Dropout, are skipped), or
            ``'all'`` for all trainable weights of the layer together (kernel and bias...).

    Attributes:
        norms: dict layer name -> list with one value per epoch.
        batch_norms: dict layer name -> list with one value per training batch.

    Example::

        recorder = GradientNormRecorder()
        model.fit(x, y, epochs=10, callbacks=[recorder])
        recorder.norms   # {'dense': [0.012, 0.009, ...], 'dense_1': [...]}
    """

    def __init__(self, weights="kernel"):
        super().__init__()
        if weights not in _WHICH:
            raise ValueError(f"GradientNormRecorder: weights must be one of {', '.join(_WHICH)}; "
                             f"received {weights!r}.")
        self.weights = weights
        self.norms = {}
        self.batch_norms = {}
        self._sums = {}
        self._counts = {}

    def on_epoch_begin(self, epoch, logs=None):
        self._sums, self._counts = {}, {}

    def on_train_batch_end(self, batch, logs=None):
        for layer in getattr(self.model, "layers", ()):
            value = self._layer_value(layer)
            if value is None:
                continue
            name = layer.name
            self.batch_norms.setdefault(name, []).append(value)
            self._sums[name] = self._sums.get(name, 0.0) + value
            self._counts[name] = self._counts.get(name, 0) + 1

    def on_epoch_end(self, epoch, logs=None):
        for name, total in self._sums.items():
            self.norms.setdefault(name, []).append(total / self._counts[name])
        self._sums, self._counts = {}, {}

    def _layer_value(self, layer):
        """mean |grad| over the watched weights of ``layer``, or None when it has none."""
        variables = [v for v in getattr(layer, "trainable_weights", ())
                     if getattr(v, "grad", None) is not None]
        if self.weights == "kernel":
            variables = [v for v in variables if v.name == "kernel"]
        if not variables:
            return None
        total = sum(float(np.abs(v.grad).sum()) for v in variables)
        count = sum(v.grad.size for v in variables)
        return total / count if count else None
