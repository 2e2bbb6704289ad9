"""The optimizer base class: the update loop, its state, and the learning rate.

``Optimizer.apply(grads, variables)`` does one update, in Keras 3's order:

1. ``grads <- grads / loss_scale_factor`` (when set);
2. with ``gradient_accumulation_steps = n``: on n - 1 calls out of n the gradients are only
   summed; on the n-th, ``grads <- (grads + sum) / n`` and the update below runs;
3. clipping: ``clipnorm`` (each weight's gradient by its own norm), ``global_clipnorm`` (all
   gradients by their joint norm) or ``clipvalue`` (each element into [-v, v]);
4. decoupled weight decay: ``w <- w * (1 - weight_decay * lr)`` (= ``w - w * wd * lr``);
5. the optimizer's own rule, ``update_step(grad, variable, lr, index)`` for each weight;
6. with ``use_ema``: ``average <- m * average + (1 - m) * w`` (``m = 0`` on the first step);
7. ``iterations += 1``.

Arrays are updated in place and gradients are never modified: work arrays are allocated once,
in ``build``. A subclass writes only ``build`` (its state, via ``add_slots``), ``update_step``
and ``get_config``. The rules are elementwise, so one flat buffer holding all the weights
gives bit-identical results to the separate weights; for ``clipnorm`` pass ``segments``.
"""
import difflib
import inspect
import math
import numbers
import warnings

import numpy as np

from numnet.optimizers import clipping
from numnet.optimizers._checks import check_bool, check_float, check_int, check_name
from numnet.optimizers.schedules import LearningRateSchedule, deserialize as _load_schedule
from numnet.optimizers.schedules import serialize as _save_schedule
from numnet.utils.naming import to_snake_case, unique_name

_BASE_CONFIG_KEYS = ("name", "learning_rate", "weight_decay", "clipnorm", "global_clipnorm",
                     "clipvalue", "use_ema", "ema_momentum", "ema_overwrite_frequency",
                     "loss_scale_factor", "gradient_accumulation_steps")


class Optimizer:
    """Base class of all optimizers.

    Args:
        learning_rate: a number > 0, a ``LearningRateSchedule`` (called with ``iterations``
            before each update) or a callable without arguments returning the rate. Legacy
            ``lr=`` is accepted as an alias. (Each optimizer gives its own default.)
        weight_decay: if set, decoupled weight decay ``w <- w - w * weight_decay * lr`` before
            each update. Default: None.
        clipnorm: if set, each weight's gradient is rescaled to an L2 norm of at most this.
            Default: None.
        clipvalue: if set, each gradient element is clamped into ``[-clipvalue, clipvalue]``.
            Default: None.
        global_clipnorm: if set, all gradients are rescaled together so that their joint L2
            norm is at most this. Default: None. (At most one of the three clips may be set.)
        use_ema: keep an exponential moving average of the weights. Default: False.
        ema_momentum: ``average <- ema_momentum * average + (1 - ema_momentum) * w``.
            Default: 0.99.
        ema_overwrite_frequency: with ``use_ema``, copy the averages into the weights every
            this many steps; None copies only in ``finalize_variable_values``. Default: None.
        loss_scale_factor: gradients are divided by this before use (``scale_loss`` multiplies
            the loss by it). Default: None.
        gradient_accumulation_steps: update only every this many calls (an integer >= 2),
            with the mean of the gradients received since the last update. Default: None.
        name: the optimizer's name. Default: None (snake case of the class name, made unique).
        decay: legacy Keras 2 argument; ignored with a warning, as Keras 3 does.
    """

    def __init__(self, learning_rate, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        owner = type(self).__name__
        if "lr" in kwargs:
            learning_rate = kwargs.pop("lr")
        if kwargs.pop("decay", None) is not None:
            warnings.warn(f"{owner}: argument `decay` is no longer supported (Keras 3) and is "
                          "ignored; use a learning-rate schedule instead.", stacklevel=3)
        if kwargs:
            raise self._unknown_arguments_error(kwargs)
        self._learning_rate = self._check_learning_rate(learning_rate, strictly_positive=True)
        self.weight_decay = check_float(owner, "weight_decay", weight_decay, minimum=0.0,
                                        allow_none=True)
        self.clipnorm = check_float(owner, "clipnorm", clipnorm, minimum=0.0, include_min=False,
                                    allow_none=True)
        self.clipvalue = check_float(owner, "clipvalue", clipvalue, minimum=0.0,
                                     include_min=False, allow_none=True)
        self.global_clipnorm = check_float(owner, "global_clipnorm", global_clipnorm,
                                           minimum=0.0, include_min=False, allow_none=True)
        clips = {"clipnorm": clipnorm, "clipvalue": clipvalue, "global_clipnorm": global_clipnorm}
        if sum(value is not None for value in clips.values()) > 1:
            given = ", ".join(f"{k}={v!r}" for k, v in clips.items() if v is not None)
            raise ValueError(f"{owner}: only one of `clipnorm`, `clipvalue` and "
                             f"`global_clipnorm` can be set, received {given}.")
        self.use_ema = check_bool(owner, "use_ema", use_ema)
        self.ema_momentum = check_float(owner, "ema_momentum", ema_momentum, 0.0, 1.0)
        self.ema_overwrite_frequency = check_int(owner, "ema_overwrite_frequency",
                                                 ema_overwrite_frequency, 1, allow_none=True)
        self.loss_scale_factor = check_float(owner, "loss_scale_factor", loss_scale_factor,
                                             minimum=0.0, include_min=False, allow_none=True)
        self.gradient_accumulation_steps = check_int(
            owner, "gradient_accumulation_steps", gradient_accumulation_steps, 2,
            allow_none=True)
        name = check_name(owner, name)
        self.name = name if name is not None else unique_name(to_snake_case(owner))
        self._iterations = 0
        self.built = False
        self._pending_state = None
        self._shapes = []
        self._slot_groups = []  # [(names, {name: [array per weight]})] in Keras's order
        self._slots = {}  # name -> [array per weight]
        self._scalars = {}  # name -> 0-d array (state that is not per weight)
        self._work = []  # per-weight work arrays for transformed gradients (never state)
        self._segments_seen = None

    # ----------------------------------------------------------------- arguments
    def _unknown_arguments_error(self, kwargs):
        allowed = [p for p in inspect.signature(type(self).__init__).parameters
                   if p not in ("self", "kwargs")] + ["lr"]
        name = next(iter(kwargs))
        message = (f"{type(self).__name__} got unexpected argument(s) {sorted(kwargs)}. "
                   f"Allowed arguments: {', '.join(allowed)}.")
        close = difflib.get_close_matches(name, allowed, n=1)
        if close:
            message = message[:-1] + f" (did you mean {close[0]!r} instead of {name!r}?)."
        return TypeError(message)

    def _check_learning_rate(self, value, strictly_positive):
        if isinstance(value, LearningRateSchedule):
            return value
        if callable(value) and not isinstance(value, numbers.Number):
            return value
        if isinstance(value, np.ndarray) and value.shape == ():
            value = value.item()
        allowed = "a finite number > 0" if strictly_positive else "a finite number >= 0"
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
            raise TypeError(
                f"{type(self).__name__}: `learning_rate` must be {allowed}, a "
                "LearningRateSchedule or a callable, received "
                f"{value!r} of type {type(value).__name__}.")
        value = float(value)
        if not math.isfinite(value) or value < 0 or (strictly_positive and value == 0):
            raise ValueError(f"{type(self).__name__}: `learning_rate` must be {allowed} "
                             f"(typical values 1e-4 to 0.1), received {value!r}.")
        return value

    # ----------------------------------------------------------------- learning rate
    @property
    def learning_rate(self):
        """The current learning rate as a float (a schedule is evaluated at ``iterations``).

        Setting it accepts a number >= 0 (as ``ReduceLROnPlateau`` does), a
        ``LearningRateSchedule`` or a callable; an optimizer built with a schedule only
        accepts another schedule (as Keras).
        """
        return self._current_learning_rate()

    @learning_rate.setter
    def learning_rate(self, value):
        value = self._check_learning_rate(value, strictly_positive=False)
        if isinstance(self._learning_rate, LearningRateSchedule) and not callable(value):
            raise TypeError(
                f"{type(self).__name__}: this optimizer was created with a LearningRateSchedule "
                f"as its `learning_rate`, so the rate cannot be set to the number {value!r}. "
                "Create the optimizer with a number as `learning_rate` to be able to set it.")
        self._learning_rate = value

    @property
    def lr(self):
        """Legacy alias of ``learning_rate``."""
        return self.learning_rate

    @lr.setter
    def lr(self, value):
        self.learning_rate = value

    def _current_learning_rate(self):
        lr = self._learning_rate
        if type(lr) is float:
            return lr
        if isinstance(lr, LearningRateSchedule):
            return float(lr(self._iterations))
        return float(lr())

    @property
    def iterations(self):
        """Number of updates done (with gradient accumulation: of accumulated updates)."""
        if self.gradient_accumulation_steps:
            return self._iterations // self.gradient_accumulation_steps
        return self._iterations

    @iterations.setter
    def iterations(self, value):
        """Set the raw count of ``apply`` calls (what ``get_state`` saves)."""
        self._iterations = check_int(type(self).__name__, "iterations", value, 0)

    def scale_loss(self, loss):
        """Return ``loss * loss_scale_factor`` (or ``loss`` when no factor is set)."""
        return loss if self.loss_scale_factor is None else loss * self.loss_scale_factor

    # ----------------------------------------------------------------- state
    def build(self, variables):
        """Create the state for ``variables`` (a list of float arrays). Called by ``apply``.

        Subclasses call ``super().build(variables)`` first, then ``add_slots``.
        """
        if self.built:
            return
        owner = type(self).__name__
        variables = list(variables)
        for i, v in enumerate(variables):
            if not isinstance(v, np.ndarray) or not np.issubdtype(v.dtype, np.floating):
                kind = v.dtype if isinstance(v, np.ndarray) else type(v).__name__
                raise TypeError(f"{owner}: variable {i} must be a float NumPy array, "
                                f"received {kind}.")
        # A rebuild (the model's weight layout changed) starts the state afresh.
        self._slot_groups, self._slots, self._scalars = [], {}, {}
        self._built_variables = variables
        self._shapes = [v.shape for v in variables]
        self._work = [None] * len(variables)
        if self.use_ema:
            self._averages = self.add_slots(variables, "average")
            self._ema_tmp = self.add_scratch(variables)
        if self.gradient_accumulation_steps:
            self._accumulators = self.add_slots(variables, "gradient_accumulator")
        self.built = True

    def add_slots(self, variables, names, initial_value=0.0):
        """Create one state array per variable for each name (same shape and dtype).

        Keras's order is kept for ``variables``: the names of one call are interleaved per
        weight (``w0_m, w0_v, w1_m, w1_v``). Returns a list of arrays for a single name, a
        tuple of lists for a list of names.
        """
        single = isinstance(names, str)
        names = [names] if single else list(names)
        group = {}
        for name in names:
            arrays = [np.full(v.shape, initial_value, dtype=v.dtype) for v in variables]
            self._slots[name] = group[name] = arrays
        self._slot_groups.append((names, group))
        return group[names[0]] if single else tuple(group[n] for n in names)

    def add_scalar(self, name, initial_value, dtype):
        """Create a 0-d state array that is not per weight (e.g. Nadam's ``u_product``)."""
        self._scalars[name] = np.array(initial_value, dtype=dtype)
        return self._scalars[name]

    def add_scratch(self, variables):
        """Work arrays, one per variable, sharing one buffer per dtype (not state)."""
        sizes = {}
        for v in variables:
            sizes[v.dtype] = max(sizes.get(v.dtype, 0), v.size)
        buffers = {dtype: np.empty(size, dtype=dtype) for dtype, size in sizes.items()}
        return [buffers[v.dtype][:v.size].reshape(v.shape) for v in variables]

    def _slot_items(self):
        """``(key, array)`` for all state arrays in Keras's order."""
        for names, group in self._slot_groups:
            for i in range(len(self._shapes)):
                for name in names:
                    yield f"{name}/{i}", group[name][i]
        yield from self._scalars.items()

    @property
    def variables(self):
        """The state in Keras 3's order, for saving: ``[iterations, learning_rate, slots...]``.

        ``iterations`` (int64) and ``learning_rate`` (float32, left out when it is a schedule
        or a callable) are 0-d copies; the slot arrays are the live state arrays.
        """
        head = [np.array(self._iterations, dtype=np.int64)]
        if type(self._learning_rate) is float:
            head.append(np.array(self._learning_rate, dtype=np.float32))
        return head + [array for _, array in self._slot_items()]

    def split_variables(self, layout):
        """``variables`` with a flat buffer's slots split per model weight (for Keras files).

        Args:
            layout: a list of ``(start, stop, shape)``, one per model weight, locating each
                weight inside the single 1-D variable the optimizer was built on.
        Returns:
            ``variables`` as Keras orders them for those separate weights; the slot entries
            are writable views of the state.
        """
        if not self.built or len(self._shapes) != 1 or len(self._shapes[0]) != 1:
            raise ValueError(f"{type(self).__name__}.split_variables: the optimizer must be "
                             "built on exactly one 1-D (flat) variable.")
        out = self.variables[:self._head_length()]
        for names, group in self._slot_groups:
            for start, stop, shape in layout:
                for name in names:
                    out.append(group[name][0][start:stop].reshape(shape))
        return out + list(self._scalars.values())

    def _head_length(self):
        """1 (iterations) or 2 (iterations, learning_rate) entries before the slots."""
        return 2 if type(self._learning_rate) is float else 1

    def set_weights(self, weights, layout=None):
        """Load arrays ordered as ``variables`` (or as ``split_variables(layout)``).

        This is how a Keras file's optimizer state is loaded; build the optimizer first.
        """
        owner = type(self).__name__
        if not self.built:
            raise ValueError(f"{owner}.set_weights: build the optimizer first "
                             "(`optimizer.build(variables)`), then set its weights.")
        current = self.variables if layout is None else self.split_variables(layout)
        if len(weights) != len(current):
            raise ValueError(f"{owner}.set_weights: expected {len(current)} arrays (as "
                             f"`variables`), received {len(weights)}.")
        for i, (dst, src) in enumerate(zip(current, weights)):
            if np.shape(src) != dst.shape:
                raise ValueError(f"{owner}.set_weights: array {i} has shape {np.shape(src)}, "
                                 f"expected {dst.shape}.")
        head = self._head_length()
        self.iterations = int(np.asarray(weights[0]))
        if head == 2:
            self.learning_rate = float(np.asarray(weights[1]))
        for dst, src in zip(current[head:], weights[head:]):
            dst[...] = src

    def get_state(self):
        """A copy of the full state: ``{'iterations': int, 'learning_rate': float, key: array}``.

        Slot keys are ``'<slot>/<variable index>'`` (e.g. ``'momentum/0'``); ``learning_rate``
        is present only when it is a number. ``set_state`` restores it exactly.
        """
        state = {"iterations": self._iterations}
        if type(self._learning_rate) is float:
            state["learning_rate"] = self._learning_rate
        for key, array in self._slot_items():
            state[key] = array.copy()
        return state

    def set_state(self, state):
        """Restore ``get_state()``'s dict. Before the first ``apply`` the slots are kept and
        loaded when the optimizer is built (their shapes are checked then)."""
        owner = type(self).__name__
        if not isinstance(state, dict) or "iterations" not in state:
            raise TypeError(f"{owner}.set_state: expected the dict returned by get_state(), "
                            f"received {type(state).__name__}.")
        if not self.built:
            self._pending_state = {k: (v.copy() if isinstance(v, np.ndarray) else v)
                                   for k, v in state.items()}
            self._restore_scalars(state)
            return
        slots = {k: v for k, v in state.items() if k not in ("iterations", "learning_rate")}
        expected = dict(self._slot_items())
        if set(slots) != set(expected):
            raise ValueError(f"{owner}.set_state: the state holds {sorted(slots)} but this "
                             f"optimizer needs {sorted(expected)}.")
        for key, array in expected.items():
            if np.shape(slots[key]) != array.shape:
                raise ValueError(f"{owner}.set_state: {key!r} has shape "
                                 f"{np.shape(slots[key])}, expected {array.shape}.")
        for key, array in expected.items():
            array[...] = slots[key]
        self._restore_scalars(state)

    def _restore_scalars(self, state):
        self.iterations = state["iterations"]
        if "learning_rate" in state:
            self.learning_rate = state["learning_rate"]

    # ----------------------------------------------------------------- the update
    def apply_gradients(self, grads_and_vars):
        """``apply`` for a list of ``(gradient, variable)`` pairs; returns ``iterations``."""
        pairs = list(grads_and_vars)
        self.apply([g for g, _ in pairs], [v for _, v in pairs])
        return self._iterations

    def apply(self, grads, variables=None, segments=None):
        """Update ``variables`` in place from ``grads`` and add 1 to ``iterations``.

        Args:
            grads: a list of gradient arrays (None entries are skipped with a warning).
            variables: a list of float arrays of the same shapes, updated in place; None uses
                the variables the optimizer was built on. Default: None.
            segments: for a single flat 1-D variable holding several model weights, a list
                of ``(start, stop)`` slices, one per weight. Only ``clipnorm`` uses it (each
                weight's gradient is clipped by its own norm; without segments the whole
                buffer counts as one weight). Default: None.
        """
        grads = list(grads)
        if variables is None:
            if not self.built:
                raise ValueError(f"{type(self).__name__}.apply: pass `variables` on the first "
                                 "call (or call `build(variables)` first).")
            variables = self._built_variables
        elif type(variables) is not list:
            variables = list(variables)
        if len(grads) != len(variables):
            raise ValueError(f"{type(self).__name__}.apply: received {len(grads)} gradients "
                             f"for {len(variables)} variables; they must match one to one.")
        if not grads:
            return
        if not self.built:
            self.build(variables)
            if self._pending_state is not None:
                pending, self._pending_state = self._pending_state, None
                self.set_state(pending)
        indices, grads, variables = self._check_pairs(grads, variables)
        if self.loss_scale_factor is not None:
            grads = [np.divide(g, self.loss_scale_factor, out=self._work_for(i))
                     for i, g in zip(indices, grads)]
        if self.gradient_accumulation_steps:
            if not self._accumulate(indices, grads):
                self._update_ema()
                self._iterations += 1
                return
            grads = [self._work_for(i) for i in indices]
        grads = self._clip(indices, grads, segments)
        lr = self._current_learning_rate()
        if self.weight_decay:
            keep = 1.0 - self.weight_decay * lr
            for v in variables:
                np.multiply(v, keep, out=v)  # w <- w - w * weight_decay * lr
        self._update_all(indices, grads, variables, lr)
        if self.use_ema:
            self._update_ema()
        self._iterations += 1

    def _update_all(self, indices, grads, variables, learning_rate):
        """Run ``update_step`` for every weight (override for once-per-step state)."""
        for i, g, v in zip(indices, grads, variables):
            self.update_step(g, v, learning_rate, i)

    def update_step(self, grad, variable, learning_rate, index):
        """Update ``variable`` in place from ``grad``; ``index`` is its position in the list."""
        raise NotImplementedError(f"{type(self).__name__} must implement update_step().")

    @staticmethod
    def _cast(value, dtype):
        """``value`` rounded to ``dtype`` (as Keras casts hyperparameters to the weight's dtype),
        returned as a Python float."""
        return float(np.dtype(dtype).type(value))

    def _work_for(self, i):
        if self._work[i] is None:
            self._work[i] = np.empty(self._shapes[i], dtype=self._built_variables[i].dtype)
        return self._work[i]

    def _check_pairs(self, grads, variables):
        """Validate shapes; drop None gradients; cast gradients to the variable's dtype."""
        owner = type(self).__name__
        if len(variables) != len(self._shapes):
            raise ValueError(
                f"{owner}.apply: this optimizer was built for {len(self._shapes)} variables, "
                f"received {len(variables)}. Create a new optimizer for a new set of weights.")
        indices = list(range(len(grads)))
        missing = []
        for i in indices:
            g, v = grads[i], variables[i]
            if g is None:
                missing.append(i)
                continue
            if not isinstance(g, np.ndarray):
                g = grads[i] = np.asarray(g)
            shape = getattr(v, "shape", None)
            if shape != self._shapes[i] or g.shape != shape:
                raise ValueError(
                    f"{owner}.apply: variable {i} has shape {shape} and its gradient "
                    f"{g.shape}; the optimizer was built for shape {self._shapes[i]}. "
                    "Shapes must match.")
            if g.dtype != v.dtype:
                work = self._work_for(i)
                work[...] = g
                grads[i] = work
        if missing:
            if len(missing) == len(grads):
                raise ValueError(f"{owner}.apply: no gradients provided for any variable.")
            warnings.warn(f"{owner}: gradients do not exist for variables {missing}; they are "
                          "not updated.", stacklevel=3)
            keep = [i for i in indices if grads[i] is not None]
            return keep, [grads[i] for i in keep], [variables[i] for i in keep]
        return indices, grads, variables

    def _accumulate(self, indices, grads):
        """Sum the gradients; on the n-th call put their mean in the work arrays and
        return True (time to update)."""
        steps = self.gradient_accumulation_steps
        if (self._iterations + 1) % steps:
            for i, g in zip(indices, grads):
                self._accumulators[i] += g
            return False
        for i, g in zip(indices, grads):
            work, acc = self._work_for(i), self._accumulators[i]
            np.add(g, acc, out=work)
            work /= steps  # mean of the n accumulated gradients
            acc.fill(0)
        return True

    def _clip(self, indices, grads, segments):
        if self.clipnorm:
            if segments is not None:
                segments = self._check_segments(segments)
                return [clipping.clip_segments_by_norm(g, segments, self.clipnorm,
                                                       self._work_for(i))
                        for i, g in zip(indices, grads)]
            return [clipping.clip_by_norm(g, self.clipnorm, self._work_for(i))
                    for i, g in zip(indices, grads)]
        if self.global_clipnorm:
            if segments is not None and len(grads) == 1:
                parts = [grads[0][start:stop] for start, stop in self._check_segments(segments)]
            else:
                parts = grads
            scale = clipping.global_scale([clipping.squared_norm(p) for p in parts],
                                          self.global_clipnorm)
            if scale == 1.0:
                return grads
            return [np.multiply(g, scale, out=self._work_for(i)) for i, g in zip(indices, grads)]
        if self.clipvalue:
            return [clipping.clip_by_value(g, self.clipvalue, self._work_for(i))
                    for i, g in zip(indices, grads)]
        return grads

    def _check_segments(self, segments):
        if segments is self._segments_seen:
            return segments
        owner = type(self).__name__
        if len(self._shapes) != 1 or len(self._shapes[0]) != 1:
            raise ValueError(f"{owner}.apply: `segments` is only for a single flat 1-D variable; "
                             f"this optimizer has variables of shapes {self._shapes}.")
        size, previous = self._shapes[0][0], 0
        for seg in segments:
            start, stop = seg
            if not (previous <= start <= stop <= size):
                raise ValueError(f"{owner}.apply: `segments` must be sorted, non-overlapping "
                                 f"(start, stop) slices of a buffer of size {size}; received "
                                 f"{seg!r} after position {previous}.")
            previous = stop
        self._segments_seen = segments
        return segments

    def _update_ema(self):
        if not self.use_ema:
            return
        step = self.iterations
        momentum = self.ema_momentum if step != 0 else 0.0
        for v, avg, tmp in zip(self._built_variables, self._averages, self._ema_tmp):
            # average <- momentum * average + (1 - momentum) * w
            np.multiply(avg, momentum, out=avg)
            np.multiply(v, 1.0 - momentum, out=tmp)
            avg += tmp
        frequency = self.ema_overwrite_frequency
        if frequency and (step + 1) % frequency == 0:
            self.finalize_variable_values(self._built_variables)

    def finalize_variable_values(self, var_list):
        """With ``use_ema``, copy the moving averages into ``var_list`` (call after training)."""
        if self.use_ema:
            for v, avg in zip(var_list, self._averages):
                v[...] = avg

    # ----------------------------------------------------------------- config
    def get_config(self):
        """The constructor arguments, with Keras 3's keys (subclasses add their own)."""
        lr = self._learning_rate
        if isinstance(lr, LearningRateSchedule):
            lr = _save_schedule(lr)
        elif type(lr) is not float:
            raise ValueError(f"{type(self).__name__}.get_config: a callable `learning_rate` "
                             "cannot be saved; use a number or a LearningRateSchedule.")
        return {"name": self.name, "learning_rate": lr, "weight_decay": self.weight_decay,
                "clipnorm": self.clipnorm, "global_clipnorm": self.global_clipnorm,
                "clipvalue": self.clipvalue, "use_ema": self.use_ema,
                "ema_momentum": self.ema_momentum,
                "ema_overwrite_frequency": self.ema_overwrite_frequency,
                "loss_scale_factor": self.loss_scale_factor,
                "gradient_accumulation_steps": self.gradient_accumulation_steps}

    @classmethod
    def from_config(cls, config):
        """Create an optimizer from ``get_config()``'s dict (a schedule dict is rebuilt)."""
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = _load_schedule(config["learning_rate"])
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r} learning_rate={self.learning_rate:g}>"
