"""``compile`` / ``fit`` / ``evaluate`` / ``predict`` and the ``*_on_batch`` methods.

One training step, written out (``_train_step``)::

    y_pred = forward(x)                   # each layer keeps what its backward needs
    loss   = loss_fn(y, y_pred) + penalties
    dL/dz  = (y_pred - y) / N             # fused softmax/sigmoid + cross-entropy, or
    dL/dy  = loss_fn.gradient(y, y_pred)  # any other loss
    backward(dL/dy)                       # every layer writes dL/dW next to W
    optimizer.apply(all gradients, all weights)   # one flat buffer each
"""
import numbers

import numpy as np

from .. import activations, losses, metrics as metrics_module, optimizers
from ..callbacks.callback import CallbackList
from ..callbacks.history import History
from ..callbacks.progbar_logger import ProgbarLogger
from ..config import rng
from . import data as data_utils
from .multi_output import MultiOutputLoss, output_metrics
from .threads import blas_threads, thread_limit


class Trainer:
    """The Keras training API, mixed into ``Model``."""

    def __init__(self):
        self.optimizer = None
        self.loss = None
        self.compiled = False
        self._loss_fn = None
        self._metric_ids = []
        self._metrics = None
        self._fused = False

    # ------------------------------------------------------------- compile
    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None,
                weighted_metrics=None, run_eagerly=False, steps_per_execution=1,
                jit_compile="auto", auto_scale_loss=True):
        """Choose the optimizer, the loss and the metrics.

        Args:
            optimizer: name ('sgd', 'adam', 'rmsprop', 'adagrad', ...) or optimizer object
                (default 'rmsprop', as in Keras).
            loss: name ('mse', 'categorical_crossentropy', ...), ``numnet.losses`` object or
                function (default None: required before fit/evaluate).
            metrics: list of names ('accuracy', 'mae', ...) or metric objects (default None).
            The remaining arguments are accepted for Keras compatibility and have no effect.
        """
        self.optimizer = optimizers.get(optimizer)
        output_names = self._output_names()
        if len(output_names) > 1 and loss is not None:
            self._loss_fn = MultiOutputLoss(loss, output_names, loss_weights)
        else:
            self._loss_fn = None if loss is None else losses.get(loss)
        self.loss = loss
        self._loss_weights = loss_weights
        self._metric_spec = metrics
        if metrics is None:
            metrics = []
        elif isinstance(metrics, (str, metrics_module.Metric)) or callable(metrics):
            metrics = [metrics]
        elif isinstance(metrics, dict):
            metrics = [m for value in metrics.values()
                       for m in (value if isinstance(value, (list, tuple)) else [value])]
        for identifier in _flatten(metrics):
            if isinstance(identifier, str):
                # Validate names now; accuracy is resolved once the data shapes are known.
                metrics_module.get(identifier, loss=self._loss_fn, output_shape=(None, 2),
                                   y_true_shape=(None, 2))
        self._metric_ids = list(_flatten(metrics))
        self._metrics = None
        self.compiled = True
        self.stop_training = False

    @property
    def metrics_names(self):
        """``['loss', 'accuracy', ...]`` in the order ``evaluate`` returns them."""
        return ["loss"] + [m.name for m in (self._metrics or [])]

    def _output_names(self):
        """The names of the output layers (one entry for a single-output model)."""
        outputs = getattr(self, "_outputs", None)
        if not outputs or len(outputs) == 1 or not hasattr(self, "_tensors"):
            return ["output"]
        return [t.source[0].name for t in outputs]

    def _resolve_metrics(self, y, y_pred_shape):
        if self._metrics is not None:
            return
        if isinstance(self._loss_fn, MultiOutputLoss):
            self._metrics = output_metrics(self._loss_fn, self._metric_spec or [], y,
                                           y_pred_shape)
            return
        self._metrics = [
            metrics_module.get(identifier, loss=self._loss_fn, output_shape=y_pred_shape,
                               y_true_shape=y.shape)
            for identifier in self._metric_ids
        ]

    def _check_compiled(self, method):
        if not self.compiled:
            raise RuntimeError(f"You must call compile() before {method}(), e.g. "
                               f"model.compile(optimizer='adam', "
                               f"loss='sparse_categorical_crossentropy', metrics=['accuracy']).")
        if self._loss_fn is None:
            raise ValueError(f"{method}() needs a loss: call compile(loss=...) with e.g. "
                             f"'mse' or 'sparse_categorical_crossentropy'.")

    # ------------------------------------------------------------- data
    def _prepare_x(self, x, argument="x"):
        """Check ``x`` against the model's input(s); returns an array, or a list of arrays for
        a model with several inputs."""
        names = self._input_names()
        if len(names) > 1:
            if isinstance(x, dict):
                missing = [n for n in names if n not in x]
                if missing:
                    raise ValueError(f"Argument '{argument}' is missing inputs {missing}; the "
                                     f"model's inputs are {names}.")
                x = [x[n] for n in names]
            if not isinstance(x, (list, tuple)) or len(x) != len(names):
                raise ValueError(f"Model '{self.name}' has {len(names)} inputs {names}; "
                                 f"argument '{argument}' must be a list of {len(names)} arrays "
                                 f"(or a dict by input name).")
            arrays = [self._prepare_one_x(a, f"{argument}[{i}]", i) for i, a in enumerate(x)]
            data_utils.check_same_length({f"{argument}[{i}]": a for i, a in enumerate(arrays)})
            return arrays
        if isinstance(x, dict) and len(x) == 1:
            x = next(iter(x.values()))
        return self._prepare_one_x(x, argument, 0)

    def _prepare_one_x(self, x, argument, position):
        x = data_utils.as_array(x, argument)
        data_utils.check_finite(x, argument)
        if not self.built:
            self.build((None,) + x.shape[1:])
        expected = self._input_shapes()[position]
        data_utils.check_input_shape(self._first_layer_name(position), expected, x, argument)
        return x

    def _input_names(self):
        return ["input"]

    def _input_shapes(self):
        return [self.input_shape]

    def _first_layer_name(self, position):
        return self.layers[0].name if self.layers else self.name

    def _prepare_xy(self, x, y, x_name="x", y_name="y"):
        x = self._prepare_x(x, x_name)
        if isinstance(self._loss_fn, MultiOutputLoss):
            y = self._prepare_multi_y(y, y_name)
        else:
            if isinstance(self.output_shape, list):
                raise ValueError(f"Model '{self.name}' has {len(self.output_shape)} outputs; "
                                 f"compile it again now that its outputs are known.")
            y = data_utils.as_array(y, y_name)
            data_utils.check_finite(y, y_name)
        data_utils.check_same_length({x_name: _first(x), y_name: _first(y)})
        self._loss_fn.check_targets(y, self.output_shape)
        self._resolve_metrics(y, self.output_shape)
        return x, y

    def _prepare_multi_y(self, y, y_name):
        names = self._loss_fn.names
        if isinstance(y, dict):
            missing = [n for n in names if n not in y]
            if missing:
                raise ValueError(f"Argument '{y_name}' is missing targets for outputs "
                                 f"{missing}; the model's outputs are {names}.")
            y = [y[n] for n in names]
        if not isinstance(y, (list, tuple)) or len(y) != len(names):
            raise ValueError(f"Model '{self.name}' has {len(names)} outputs {names}; argument "
                             f"'{y_name}' must be a list of {len(names)} target arrays (or a "
                             f"dict by output name).")
        arrays = []
        for i, target in enumerate(y):
            target = data_utils.as_array(target, f"{y_name}[{i}]")
            data_utils.check_finite(target, f"{y_name}[{i}]")
            arrays.append(target)
        data_utils.check_same_length({f"{y_name}[{i}]": a for i, a in enumerate(arrays)})
        return arrays

    def _cast(self, x):
        dtype = self._flat_params.dtype if self._flat_params is not None else np.float32
        if isinstance(x, list):
            return [a if a.dtype == dtype else a.astype(dtype) for a in x]
        return x if x.dtype == dtype else x.astype(dtype)

    def _prepare_training(self):
        changed = self._pack_weights()
        if changed and getattr(self.optimizer, "built", False):
            self.optimizer.built = False  # a new layout of weights needs fresh optimizer state
        self._fused = self._uses_fused_gradient()

    def _uses_fused_gradient(self):
        """True when the output activation and the loss combine into dL/dz = (p - y) / N."""
        last = self._output_layer()
        activation = getattr(last, "activation", None)
        loss = self._loss_fn
        if not hasattr(last, "backward_pre_activation") or getattr(loss, "from_logits", True):
            return False
        if activation is activations.softmax:
            return isinstance(loss, (losses.CategoricalCrossentropy,
                                     losses.SparseCategoricalCrossentropy))
        return activation is activations.sigmoid and isinstance(loss, losses.BinaryCrossentropy)

    # ------------------------------------------------------------- steps
    def _regularization(self):
        """Add each regularizer's gradient to its weight's gradient; return the penalty."""
        penalty = 0.0
        for v in self._regularized:
            penalty += float(v.regularizer(v.value))
            # d(penalty)/dW is added to dL/dW
            v.grad += v.regularizer.gradient(v.value)
        return penalty

    def _compute_gradients(self, x, y):
        """Forward and backward pass; returns (loss with penalties, y_pred)."""
        y_pred = self._forward(x, training=True)
        if self._fused:
            loss_value, grad = self._loss_fn.value_and_logits_gradient(y, y_pred, checked=True)
            self._backward(grad, pre_activation=True)
        else:
            loss_value, grad = self._loss_fn.value_and_gradient(y, y_pred)
            self._backward(grad)
        return float(loss_value) + self._regularization(), y_pred

    def _train_step(self, x, y):
        loss_value, y_pred = self._compute_gradients(x, y)
        self.optimizer.apply([self._flat_grads], [self._flat_params], segments=self._segments)
        return loss_value, y_pred

    def _test_step(self, x, y):
        y_pred = self._forward(x, training=False)
        penalty = sum(layer.regularization_loss() for layer in self.layers)
        return float(self._loss_fn(y, y_pred)) + penalty, y_pred

    def _batches(self, n, batch_size, order=None):
        for start in range(0, n, batch_size):
            stop = min(start + batch_size, n)
            yield (slice(start, stop) if order is None else order[start:stop]), stop - start

    def _run_test_loop(self, x, y, batch_size, callbacks):
        """Average loss and metrics over ``x`` without training; returns the logs dict."""
        for metric in self._metrics:
            metric.reset_state()
        total, count = 0.0, 0
        batch_logs = callbacks.has_hook("on_test_batch_end")
        callbacks.on_test_begin()
        for step, (index, size) in enumerate(self._batches(len(_first(x)), batch_size)):
            callbacks.on_test_batch_begin(step)
            loss_value, y_pred = self._test_step(self._cast(_take(x, index)), _take(y, index))
            total += loss_value * size
            count += size
            for metric in self._metrics:
                metric.update_state(_take(y, index), y_pred)
            if batch_logs:
                callbacks.on_test_batch_end(step, self._logs(total / count))
        logs = self._logs(total / count)
        callbacks.on_test_end(logs)
        return logs

    def _logs(self, loss_value):
        logs = {"loss": float(loss_value)}
        for metric in self._metrics:
            logs[metric.name] = float(metric.result())
        return dict(sorted(logs.items()))

    # ------------------------------------------------------------- fit
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1):
        """Train the model on ``x``, ``y`` for ``epochs`` passes.

        Args:
            x: inputs, shape ``(N, *input_shape)``, any real dtype (uint8 images are fine).
            y: targets: class labels ``(N,)`` for sparse CE, one-hot ``(N, C)`` for CE, values
                for regression.
            batch_size: samples per gradient step (default 32).
            epochs: index of the last epoch (default 1): trains ``epochs - initial_epoch`` epochs.
            verbose: 'auto' or 1 = progress bar, 2 = one line per epoch, 0 = silent.
            callbacks: list of ``numnet.callbacks.Callback``.
            validation_split: fraction in [0, 1) of the data, taken from the end before
                shuffling, held out for validation (default 0.0).
            validation_data: ``(x_val, y_val)`` to evaluate at each epoch end (overrides
                ``validation_split``).
            shuffle: reshuffle the training samples every epoch (default True).
            initial_epoch: epoch to start at, for resuming (default 0).
            validation_batch_size: default ``batch_size``.
            validation_freq: validate every ``validation_freq`` epochs (default 1).
        Returns:
            A ``History`` whose ``history`` maps ``loss``, each metric and ``val_``
            versions to per-epoch lists.
        """
        _refuse_weights(sample_weight=sample_weight, class_weight=class_weight)
        batch_size = data_utils.check_batch_size(batch_size)
        verbose = data_utils.check_verbose(verbose)
        epochs = _check_int(epochs, "epochs", minimum=0)
        initial_epoch = _check_int(initial_epoch, "initial_epoch", minimum=0)
        validation_freq = _check_int(validation_freq, "validation_freq", minimum=1)
        validation_batch_size = data_utils.check_batch_size(
            validation_batch_size or batch_size, "validation_batch_size")
        if isinstance(validation_split, bool) or not isinstance(
                validation_split, numbers.Real) or not 0 <= validation_split < 1:
            raise ValueError(f"Argument 'validation_split' must be a number in [0, 1); received "
                             f"{validation_split!r}.")
        if shuffle not in (True, False, "batch"):
            raise ValueError(f"Argument 'shuffle' must be True or False; received {shuffle!r}.")
        self._check_compiled("fit")
        x, y = self._prepare_xy(x, y)
        val = None
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
                raise ValueError("Argument 'validation_data' must be a tuple (x_val, y_val); "
                                 f"received {type(validation_data).__name__} of length "
                                 f"{len(validation_data) if hasattr(validation_data, '__len__') else '?'}.")
            val = self._prepare_xy(validation_data[0], validation_data[1], "validation_data[0]",
                                   "validation_data[1]")
        elif validation_split:
            total = len(_first(x))
            split = int(np.floor(total * (1.0 - validation_split)))
            if split == 0 or split == total:
                raise ValueError(f"validation_split={validation_split} leaves "
                                 f"{split} training and {total - split} validation samples out "
                                 f"of {total}; both must be at least 1.")
            train, held_out = slice(0, split), slice(split, None)
            x, val = _take(x, train), (_take(x, held_out), _take(y, held_out))
            y = _take(y, train)

        self._prepare_training()
        n = len(_first(x))
        steps = -(-n // batch_size)
        user_callbacks = list(callbacks or [])
        history = History()
        progbar = [ProgbarLogger()] if verbose else []
        callback_list = CallbackList(user_callbacks + progbar + [history], model=self,
                                     params={"verbose": verbose, "epochs": epochs, "steps": steps})
        self.stop_training = False
        self._initial_epoch = None
        with blas_threads(thread_limit(self, batch_size)):
            self._fit_epochs(x, y, batch_size, epochs, initial_epoch, shuffle, val,
                             validation_batch_size, validation_freq, callback_list)
        return history

    def _fit_epochs(self, x, y, batch_size, epochs, initial_epoch, shuffle, val,
                    validation_batch_size, validation_freq, callbacks):
        """The epoch and batch loops of ``fit`` (arguments already checked)."""
        callbacks.on_train_begin()
        if self._initial_epoch is not None:  # set by BackupAndRestore to resume
            initial_epoch = self._initial_epoch
        n = len(_first(x))
        # The running logs of every batch are built only when a callback reads them.
        batch_logs = callbacks.has_hook("on_train_batch_end")
        logs = {}
        for epoch in range(initial_epoch, epochs):
            for metric in self._metrics:
                metric.reset_state()
            callbacks.on_epoch_begin(epoch)
            order = rng().permutation(n) if shuffle else None
            total, count = 0.0, 0
            for step, (index, size) in enumerate(self._batches(n, batch_size, order)):
                callbacks.on_train_batch_begin(step)
                yb = _take(y, index)
                loss_value, y_pred = self._train_step(self._cast(_take(x, index)), yb)
                total += loss_value * size
                count += size
                for metric in self._metrics:
                    metric.update_state(yb, y_pred)
                if batch_logs:
                    callbacks.on_train_batch_end(step, self._logs(total / count))
                if self.stop_training:
                    break
            logs = self._logs(total / max(count, 1))
            if val is not None and (epoch + 1) % validation_freq == 0:
                val_logs = self._run_test_loop(val[0], val[1], validation_batch_size, callbacks)
                logs.update({"val_" + k: v for k, v in val_logs.items()})
            _warn_non_finite(self, logs)
            callbacks.on_epoch_end(epoch, logs)
            if self.stop_training:
                break
        if getattr(self.optimizer, "use_ema", False):
            self.optimizer.finalize_variable_values([self._flat_params])
        callbacks.on_train_end(logs)

    # ------------------------------------------------------------- evaluate / predict
    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False):
        """Return the loss (and metrics) on ``x``, ``y``.

        Args:
            x, y: data as in ``fit``.
            batch_size: default 32.
            verbose: 'auto'/1 progress bar, 2 one line, 0 silent.
            callbacks: list of callbacks (their ``on_test_*`` hooks are called).
            return_dict: return ``{'loss': ..., 'accuracy': ...}`` instead of a list.
        Returns:
            The loss alone when there are no metrics, else ``[loss, *metrics]`` (Keras order).
        """
        _refuse_weights(sample_weight=sample_weight)
        batch_size = data_utils.check_batch_size(batch_size)
        verbose = data_utils.check_verbose(verbose)
        self._check_compiled("evaluate")
        x, y = self._prepare_xy(x, y)
        if self._flat_params is None:
            self._pack_weights()
        progbar = ProgbarLogger()
        progbar.mode = "evaluate"
        callback_list = CallbackList(list(callbacks or []) + ([progbar] if verbose else []),
                                     model=self, params={"verbose": verbose, "epochs": 1,
                                                         "steps": -(-len(_first(x)) // batch_size)})
        with blas_threads(thread_limit(self, min(batch_size, len(_first(x))))):
            logs = self._run_test_loop(x, y, batch_size, callback_list)
        if return_dict:
            return logs
        values = [logs["loss"]] + [logs[m.name] for m in self._metrics]
        return values[0] if len(values) == 1 else values

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """Return the model's outputs for ``x`` as a NumPy array, computed batch by batch.

        Args:
            x: inputs of shape ``(N, *input_shape)``.
            batch_size: default 32.
            verbose: 'auto'/1 progress bar, 2 one line, 0 silent.
            callbacks: list of callbacks (their ``on_predict_*`` hooks are called).
        Returns:
            Array of shape ``(N, *output_shape)``.
        """
        batch_size = data_utils.check_batch_size(batch_size)
        verbose = data_utils.check_verbose(verbose)
        x = self._prepare_x(x)
        if self._flat_params is None:
            self._pack_weights()
        progbar = ProgbarLogger()
        progbar.mode = "predict"
        callback_list = CallbackList(list(callbacks or []) + ([progbar] if verbose else []),
                                     model=self, params={"verbose": verbose, "epochs": 1,
                                                         "steps": -(-len(_first(x)) // batch_size)})
        n = len(_first(x))
        # Inference does not depend on how samples are grouped, so when no user callback
        # watches single batches, several batches are computed as one larger product.
        user_hooks = CallbackList(list(callbacks or []))
        watched = user_hooks.has_hook("on_predict_batch_begin") or \
            user_hooks.has_hook("on_predict_batch_end")
        chunk = batch_size if watched else _predict_chunk(self, batch_size, n)
        with blas_threads(thread_limit(self, min(chunk, n))):
            return self._predict_batches(x, n, batch_size, chunk, callback_list)

    def _predict_batches(self, x, n, batch_size, chunk, callbacks):
        """The batch loop of ``predict``: outputs written into arrays allocated once.
        ``chunk`` (a multiple of ``batch_size``) rows are computed per forward pass."""
        callbacks.on_predict_begin()
        batch_hook = callbacks.has_hook("on_predict_batch_end")
        outputs = None
        per_chunk = chunk // batch_size
        for first, (index, size) in enumerate(self._batches(n, chunk)):
            step = first * per_chunk
            callbacks.on_predict_batch_begin(step)
            y_pred = self._forward(self._cast(_take(x, index)), training=False)
            parts = y_pred if isinstance(y_pred, list) else [y_pred]
            if outputs is None:
                outputs = [np.empty((n,) + p.shape[1:], dtype=p.dtype) for p in parts]
            for out, part in zip(outputs, parts):
                out[index] = part
            if batch_hook:
                last = step + -(-size // batch_size) - 1
                callbacks.on_predict_batch_end(last, {"outputs": y_pred})
        callbacks.on_predict_end()
        return outputs if isinstance(y_pred, list) else outputs[0]

    def __call__(self, x, training=False):
        """Run the model on a batch (NumPy in, NumPy out)."""
        x = self._prepare_x(x)
        if self._flat_params is None:
            self._pack_weights()
        with blas_threads(thread_limit(self, len(_first(x)))):
            return self._forward(self._cast(x), training=bool(training))

    # ------------------------------------------------------------- on_batch
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None,
                       return_dict=False):
        """One gradient step on one batch; returns the loss (and metrics) of that batch."""
        self._check_compiled("train_on_batch")
        x, y = self._prepare_xy(x, y)
        self._prepare_training()
        for metric in self._metrics:
            metric.reset_state()
        with blas_threads(thread_limit(self, len(_first(y)))):
            loss_value, y_pred = self._train_step(self._cast(x), y)
        for metric in self._metrics:
            metric.update_state(y, y_pred)
        return self._batch_result(loss_value, return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        """Loss (and metrics) of one batch, without training."""
        self._check_compiled("test_on_batch")
        x, y = self._prepare_xy(x, y)
        if self._flat_params is None:
            self._pack_weights()
        for metric in self._metrics:
            metric.reset_state()
        with blas_threads(thread_limit(self, len(_first(y)))):
            loss_value, y_pred = self._test_step(self._cast(x), y)
        for metric in self._metrics:
            metric.update_state(y, y_pred)
        return self._batch_result(loss_value, return_dict)

    def predict_on_batch(self, x):
        """Outputs for one batch ``x`` (no batching, no progress bar)."""
        x = self._prepare_x(x)
        return self.predict(x, batch_size=len(_first(x)), verbose=0)

    def _batch_result(self, loss_value, return_dict):
        logs = self._logs(loss_value)
        if return_dict:
            return logs
        values = [logs["loss"]] + [logs[m.name] for m in self._metrics]
        return values[0] if len(values) == 1 else values


def _predict_chunk(model, batch_size, n, budget=4_000_000, most=4096):
    """Rows per forward pass of ``predict``: a multiple of ``batch_size`` whose activations
    stay within ``budget`` floats (at most ``most`` rows)."""
    per_sample = 0
    for layer in model.layers:
        shape = getattr(layer, "output_shape", None)
        if isinstance(shape, tuple) and None not in shape[1:]:
            size = 1
            for d in shape[1:]:
                size *= d
            per_sample += size
    rows = min(most, budget // max(per_sample, 1), n)
    return max(batch_size, rows // batch_size * batch_size)


def _flatten(items):
    if isinstance(items, dict):
        items = list(items.values())
    for item in items:
        if isinstance(item, (list, tuple)):
            yield from item
        elif item is not None:
            yield item


def _first(x):
    return x[0] if isinstance(x, list) else x


def _take(x, index):
    """Rows ``index`` (a slice or an array of row numbers) of an array, or of each array of a
    multi-input list."""
    if isinstance(x, list):
        return [_take(a, index) for a in x]
    if x.ndim > 1 and type(index) is np.ndarray:
        return np.take(x, index, axis=0)  # the same rows as x[index], a little sooner
    return x[index]


def _check_int(value, argument, minimum):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"Argument '{argument}' must be an integer >= {minimum}; received "
                         f"{value!r}.")
    return int(value)


def _refuse_weights(**weights):
    for name, value in weights.items():
        if value is not None:
            raise NotImplementedError(
                f"Argument '{name}' is not supported by numnet yet; received a value of type "
                f"{type(value).__name__}. Train without it, or balance the data by resampling.")


def _warn_non_finite(model, logs):
    loss_value = logs.get("loss")
    if loss_value is not None and not np.isfinite(loss_value) and not getattr(
            model, "_warned_non_finite", False):
        import warnings
        model._warned_non_finite = True
        warnings.warn(f"The training loss became {loss_value}: the weights are no longer finite. "
                      f"Try a smaller learning rate, scale the inputs (e.g. x / 255.0), or use "
                      f"numnet.callbacks.TerminateOnNaN.", RuntimeWarning, stacklevel=3)
