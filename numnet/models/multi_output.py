"""Training a functional model with several outputs: one loss per output, summed.

``L = Σ_i w_i · L_i(y_i, ŷ_i)``, so ``dL/dŷ_i = w_i · dL_i/dŷ_i``. As in Keras 3 the logs hold
the total ``loss``, each output's unweighted ``<output>_loss`` and ``<output>_<metric>``.
"""
import numpy as np

from .. import losses, metrics as metrics_module


def _per_output(value, names, argument):
    """A single value for every output, a list in output order, or a dict by output name."""
    if isinstance(value, dict):
        unknown = sorted(set(value) - set(names))
        if unknown:
            raise ValueError(f"compile argument '{argument}' names unknown outputs {unknown}; "
                             f"the model's outputs are {names}.")
        return [value.get(name) for name in names]
    if isinstance(value, (list, tuple)):
        if len(value) != len(names):
            raise ValueError(f"compile argument '{argument}' must have one entry per output "
                             f"({len(names)}: {names}); received {len(value)}.")
        return list(value)
    return [value] * len(names)


class MultiOutputLoss:
    """The weighted sum of one loss per output, with the interface the trainer uses.

    Args:
        loss: one loss for all outputs, a list in output order, or a dict by output name.
        names: the output layers' names.
        loss_weights: None (all 1), a list or a dict by output name.
    """

    from_logits = True  # never the fused single-output path

    def __init__(self, loss, names, loss_weights=None):
        self.names = list(names)
        self.losses = [None if ident is None else losses.get(ident)
                       for ident in _per_output(loss, self.names, "loss")]
        if all(fn is None for fn in self.losses):
            raise ValueError("compile argument 'loss' gives no loss for any output.")
        weights = _per_output(1.0 if loss_weights is None else loss_weights, self.names,
                              "loss_weights")
        self.weights = [1.0 if w is None else float(w) for w in weights]
        self.last_values = [0.0] * len(self.names)  # each output's loss on the last batch

    def check_targets(self, ys, output_shapes):
        for fn, y, shape in zip(self.losses, ys, output_shapes):
            if fn is not None:
                fn.check_targets(y, shape)

    def __call__(self, ys, preds):
        self.last_values = [0.0 if fn is None else float(fn(y, p))
                            for fn, y, p in zip(self.losses, ys, preds)]
        return sum(w * v for w, v in zip(self.weights, self.last_values))

    def value_and_gradient(self, ys, preds):
        total, grads = 0.0, []
        for i, (fn, w, y, p) in enumerate(zip(self.losses, self.weights, ys, preds)):
            if fn is None:
                grads.append(np.zeros_like(p))
                continue
            value, grad = fn.value_and_gradient(y, p)
            self.last_values[i] = float(value)
            total += w * float(value)
            # dL/dŷ_i = w_i · dL_i/dŷ_i
            grads.append(grad * np.asarray(w, dtype=grad.dtype) if w != 1.0 else grad)
        return total, grads


class OutputMetric:
    """A metric (or an output's loss) computed on one output of a multi-output model."""

    def __init__(self, inner, index, name):
        self.inner, self.index, self.name = inner, index, name

    def update_state(self, ys, preds):
        self.inner.update_state(ys[self.index], preds[self.index])

    def result(self):
        return self.inner.result()

    def reset_state(self):
        self.inner.reset_state()


class _LossTracker:
    """Running mean of one output's loss, weighted by batch size (Keras's loss trackers).
    It reads the value the step just computed instead of computing the loss again."""

    def __init__(self, loss, index):
        self.loss, self.index = loss, index
        self.reset_state()

    def update_state(self, y, pred):
        size = len(y)
        self.total += self.loss.last_values[self.index] * size
        self.count += size

    def result(self):
        return self.total / max(self.count, 1)

    def reset_state(self):
        self.total, self.count = 0.0, 0


def output_metrics(loss, metric_ids, ys, output_shapes):
    """Per-output loss trackers, then each output's metrics, named like Keras 3."""
    names = loss.names
    tracked = [OutputMetric(_LossTracker(loss, i), i, f"{name}_loss")
               for i, (fn, name) in enumerate(zip(loss.losses, names)) if fn is not None]
    per_output = _per_output(metric_ids, names, "metrics") if isinstance(
        metric_ids, dict) or (isinstance(metric_ids, list) and metric_ids and all(
            isinstance(m, (list, tuple)) or m is None for m in metric_ids)) \
        else [metric_ids] * len(names)
    for i, (ids, name) in enumerate(zip(per_output, names)):
        for identifier in ([] if ids is None else ids if isinstance(ids, (list, tuple))
                           else [ids]):
            metric = metrics_module.get(identifier, loss=loss.losses[i],
                                        output_shape=output_shapes[i],
                                        y_true_shape=ys[i].shape)
            tracked.append(OutputMetric(metric, i, f"{name}_{metric.name}"))
    return tracked
