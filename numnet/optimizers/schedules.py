"""Learning-rate schedules: functions of the optimizer step, as ``keras.optimizers.schedules``.

Pass one as the ``learning_rate`` of any optimizer; before each update the optimizer calls
``schedule(iterations)`` with the number of updates already done (0 for the first) and uses
the float it returns::

    lr = numnet.optimizers.schedules.ExponentialDecay(0.1, decay_steps=1000, decay_rate=0.9)
    opt = numnet.optimizers.SGD(learning_rate=lr)

Every schedule has ``get_config()`` / ``from_config(config)``; ``serialize`` / ``deserialize``
use the Keras 3 layout ``{"module": "keras.optimizers.schedules", "class_name": ..., ...}``.
Values are computed in float64 (Keras computes in float32, so they agree to about 1e-7).
"""
import math
import numbers

import numpy as np

from numnet.optimizers._checks import check_bool, check_float, check_name
from numnet.utils.naming import unknown_name_error


def _check_step(schedule, step):
    """The step as a float; raise a clear error for anything that is not a number."""
    if isinstance(step, np.ndarray) and step.shape == ():
        step = step.item()
    if isinstance(step, (bool, np.bool_)) or not isinstance(step, numbers.Real):
        raise TypeError(f"{type(schedule).__name__}: the step must be a number (the optimizer's "
                        f"iteration count), received {step!r} of type {type(step).__name__}.")
    return float(step)


def _check_decay_steps(owner, name, value):
    """``decay_steps`` must be a number > 0 (Keras raises the same ``ValueError``)."""
    return _keep_int(check_float(owner, name, value, minimum=0.0, include_min=False), value)


def _keep_int(checked, original):
    """Keep an integer argument an ``int`` in the config (Keras writes ``10``, not ``10.0``)."""
    if isinstance(original, numbers.Integral) and not isinstance(original, (bool, np.bool_)):
        return int(original)
    return checked


class LearningRateSchedule:
    """Base class: ``__call__(step) -> float`` and ``get_config() -> dict``.

    Subclass it for your own schedule: override ``__call__`` (``step`` is the number of
    updates done so far) and ``get_config`` (the constructor arguments).
    """

    def __call__(self, step):
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `__call__(self, step)`.")

    def get_config(self):
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `get_config()` "
            "to be saved.")

    @classmethod
    def from_config(cls, config):
        """Rebuild the schedule from ``get_config()``'s dict."""
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class ExponentialDecay(LearningRateSchedule):
    """``lr(step) = initial_learning_rate * decay_rate ** (step / decay_steps)``.

    Args:
        initial_learning_rate: the learning rate at step 0 (a number, required).
        decay_steps: steps per factor of ``decay_rate``; a number > 0 (required).
        decay_rate: the factor applied every ``decay_steps`` steps (a number, required).
        staircase: when True, ``step / decay_steps`` is floored, so the rate drops in
            steps. Default: False.
        name: the schedule's name. Default: ``'ExponentialDecay'``.
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="ExponentialDecay"):
        owner = type(self).__name__
        self.initial_learning_rate = check_float(owner, "initial_learning_rate",
                                                 initial_learning_rate)
        self.decay_steps = _check_decay_steps(owner, "decay_steps", decay_steps)
        self.decay_rate = check_float(owner, "decay_rate", decay_rate)
        self.staircase = check_bool(owner, "staircase", staircase)
        self.name = check_name(owner, name)

    def __call__(self, step):
        p = _check_step(self, step) / self.decay_steps
        if self.staircase:
            p = math.floor(p)
        return self.initial_learning_rate * self.decay_rate ** p

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


class PiecewiseConstantDecay(LearningRateSchedule):
    """A constant rate per interval of steps.

    ``lr(step) = values[0]`` while ``step <= boundaries[0]``, ``values[1]`` while
    ``boundaries[0] < step <= boundaries[1]``, ..., ``values[-1]`` when ``step > boundaries[-1]``.

    Args:
        boundaries: a list of strictly increasing step numbers (required).
        values: a list of learning rates, one more than ``boundaries`` (required).
        name: the schedule's name. Default: ``'PiecewiseConstant'``.
    """

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        owner = type(self).__name__
        if not isinstance(boundaries, (list, tuple)) or not isinstance(values, (list, tuple)):
            raise TypeError(f"{owner}: `boundaries` and `values` must be lists of numbers, "
                            f"received boundaries={boundaries!r}, values={values!r}.")
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                f"{owner}: `values` must have exactly one more entry than `boundaries`; received "
                f"boundaries={list(boundaries)} (length {len(boundaries)}) and "
                f"values={list(values)} (length {len(values)}).")
        checked = [check_float(owner, "boundaries", b) for b in boundaries]
        if any(b >= c for b, c in zip(checked, checked[1:])):
            raise ValueError(f"{owner}: `boundaries` must be strictly increasing, "
                             f"received {list(boundaries)}.")
        self.boundaries = [_keep_int(c, b) for c, b in zip(checked, boundaries)]
        self.values = [check_float(owner, "values", v) for v in values]
        self.name = check_name(owner, name)

    def __call__(self, step):
        step = _check_step(self, step)
        for boundary, value in zip(self.boundaries, self.values):
            if step <= boundary:
                return value
        return self.values[-1]

    def get_config(self):
        return {"boundaries": list(self.boundaries), "values": list(self.values),
                "name": self.name}


class InverseTimeDecay(LearningRateSchedule):
    """``lr(step) = initial_learning_rate / (1 + decay_rate * step / decay_steps)``.

    Args:
        initial_learning_rate: the learning rate at step 0 (required).
        decay_steps: a number > 0 (required).
        decay_rate: how fast the rate falls (required).
        staircase: when True, ``step / decay_steps`` is floored. Default: False.
        name: the schedule's name. Default: ``'InverseTimeDecay'``.
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="InverseTimeDecay"):
        owner = type(self).__name__
        self.initial_learning_rate = check_float(owner, "initial_learning_rate",
                                                 initial_learning_rate)
        self.decay_steps = _check_decay_steps(owner, "decay_steps", decay_steps)
        self.decay_rate = check_float(owner, "decay_rate", decay_rate)
        self.staircase = check_bool(owner, "staircase", staircase)
        self.name = check_name(owner, name)

    def __call__(self, step):
        p = _check_step(self, step) / self.decay_steps
        if self.staircase:
            p = math.floor(p)
        return self.initial_learning_rate / (1.0 + self.decay_rate * p)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """Polynomial decay from ``initial_learning_rate`` to ``end_learning_rate``.

    ``lr(step) = (initial - end) * (1 - min(step, decay_steps) / decay_steps) ** power + end``.
    With ``cycle=True`` the horizon becomes ``decay_steps * ceil(step / decay_steps)``
    (``decay_steps`` at step 0), so the rate jumps back up after each horizon.

    Args:
        initial_learning_rate: the learning rate at step 0 (required).
        decay_steps: a number > 0 (required).
        end_learning_rate: the final learning rate. Default: 0.0001.
        power: the polynomial's power. Default: 1.0.
        cycle: whether to restart after ``decay_steps``. Default: False.
        name: the schedule's name. Default: ``'PolynomialDecay'``.
    """

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0,
                 cycle=False, name="PolynomialDecay"):
        owner = type(self).__name__
        self.initial_learning_rate = check_float(owner, "initial_learning_rate",
                                                 initial_learning_rate)
        self.decay_steps = _check_decay_steps(owner, "decay_steps", decay_steps)
        self.end_learning_rate = check_float(owner, "end_learning_rate", end_learning_rate)
        self.power = check_float(owner, "power", power)
        self.cycle = check_bool(owner, "cycle", cycle)
        self.name = check_name(owner, name)

    def __call__(self, step):
        step = _check_step(self, step)
        horizon = float(self.decay_steps)
        if self.cycle:
            horizon *= 1.0 if step == 0 else math.ceil(step / self.decay_steps)
        else:
            step = min(step, horizon)
        fraction_left = 1.0 - step / horizon
        return ((self.initial_learning_rate - self.end_learning_rate)
                * fraction_left ** self.power + self.end_learning_rate)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "end_learning_rate": self.end_learning_rate,
                "power": self.power, "cycle": self.cycle, "name": self.name}


class CosineDecay(LearningRateSchedule):
    """Cosine decay, with an optional linear warmup first.

    Without warmup (``warmup_target=None``):
    ``lr(step) = initial * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, decay_steps) /
    decay_steps)) + alpha)``.
    With warmup the rate first rises linearly from ``initial_learning_rate`` to
    ``warmup_target`` over ``warmup_steps`` steps, then decays from ``warmup_target`` as above
    (counting steps from the end of the warmup).

    Args:
        initial_learning_rate: the learning rate at step 0 (required).
        decay_steps: length of the decay, a number > 0 (required).
        alpha: the final rate as a fraction of the decay's starting rate. Default: 0.0.
        name: the schedule's name. Default: ``'CosineDecay'``.
        warmup_target: the rate reached at the end of the warmup, or None for no warmup.
            Default: None.
        warmup_steps: length of the warmup. Default: 0.
    """

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay",
                 warmup_target=None, warmup_steps=0):
        owner = type(self).__name__
        self.initial_learning_rate = check_float(owner, "initial_learning_rate",
                                                 initial_learning_rate)
        self.decay_steps = _check_decay_steps(owner, "decay_steps", decay_steps)
        self.alpha = check_float(owner, "alpha", alpha)
        self.name = check_name(owner, name)
        self.warmup_target = check_float(owner, "warmup_target", warmup_target, allow_none=True)
        self.warmup_steps = _keep_int(check_float(owner, "warmup_steps", warmup_steps,
                                                  minimum=0.0), warmup_steps)

    def _decay(self, step, start_lr):
        cosine = 0.5 * (1.0 + math.cos(math.pi * step / self.decay_steps))
        return start_lr * ((1.0 - self.alpha) * cosine + self.alpha)

    def __call__(self, step):
        step = _check_step(self, step)
        if self.warmup_target is None:
            return self._decay(min(step, self.decay_steps), self.initial_learning_rate)
        step = min(step, self.decay_steps + self.warmup_steps)
        if step < self.warmup_steps:
            delta = self.warmup_target - self.initial_learning_rate
            return delta * (step / self.warmup_steps) + self.initial_learning_rate
        return self._decay(step - self.warmup_steps, self.warmup_target)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "alpha": self.alpha, "name": self.name,
                "warmup_target": self.warmup_target, "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR).

    The multiplier decays from 1 to ``alpha`` over ``first_decay_steps`` steps; then it
    restarts, each period ``t_mul`` times longer and starting ``m_mul`` times lower.

    Args:
        initial_learning_rate: the learning rate at step 0 (required).
        first_decay_steps: length of the first period, a number > 0 (required).
        t_mul: period length growth factor. Default: 2.0.
        m_mul: restart height factor. Default: 1.0.
        alpha: the minimum rate as a fraction of ``initial_learning_rate``. Default: 0.0.
        name: the schedule's name. Default: ``'SGDRDecay'``.
    """

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0,
                 alpha=0.0, name="SGDRDecay"):
        owner = type(self).__name__
        self.initial_learning_rate = check_float(owner, "initial_learning_rate",
                                                 initial_learning_rate)
        self.first_decay_steps = _check_decay_steps(owner, "first_decay_steps",
                                                    first_decay_steps)
        self.t_mul = check_float(owner, "t_mul", t_mul, minimum=0.0, include_min=False)
        self.m_mul = check_float(owner, "m_mul", m_mul)
        self.alpha = check_float(owner, "alpha", alpha)
        self.name = check_name(owner, name)

    def __call__(self, step):
        fraction = _check_step(self, step) / self.first_decay_steps
        if self.t_mul == 1.0:
            restart = math.floor(fraction)
            fraction -= restart
        else:
            # periods grow geometrically: restart i begins at (1 - t_mul**i) / (1 - t_mul)
            restart = math.floor(math.log(1.0 - fraction * (1.0 - self.t_mul))
                                 / math.log(self.t_mul))
            begun = (1.0 - self.t_mul ** restart) / (1.0 - self.t_mul)
            fraction = (fraction - begun) / self.t_mul ** restart
        cosine = 0.5 * self.m_mul ** restart * (1.0 + math.cos(math.pi * fraction))
        return self.initial_learning_rate * ((1.0 - self.alpha) * cosine + self.alpha)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "first_decay_steps": self.first_decay_steps, "t_mul": self.t_mul,
                "m_mul": self.m_mul, "alpha": self.alpha, "name": self.name}


_SCHEDULES = {cls.__name__: cls for cls in (
    ExponentialDecay, PiecewiseConstantDecay, InverseTimeDecay, PolynomialDecay, CosineDecay,
    CosineDecayRestarts)}


def serialize(learning_rate_schedule):
    """Return the schedule as a Keras 3 config dict (JSON-able)."""
    if not isinstance(learning_rate_schedule, LearningRateSchedule):
        raise TypeError("schedules.serialize: expected a LearningRateSchedule, received "
                        f"{learning_rate_schedule!r} of type "
                        f"{type(learning_rate_schedule).__name__}.")
    return {"module": "keras.optimizers.schedules",
            "class_name": type(learning_rate_schedule).__name__,
            "config": learning_rate_schedule.get_config(), "registered_name": None}


def deserialize(config):
    """Rebuild a schedule from ``serialize``'s dict (a closed registry: no code is loaded)."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise TypeError("schedules.deserialize: expected a dict with 'class_name' and 'config', "
                        f"received {config!r}.")
    class_name = config["class_name"]
    if class_name not in _SCHEDULES:
        raise unknown_name_error("learning rate schedule", class_name, _SCHEDULES)
    inner = config.get("config", {})
    if not isinstance(inner, dict):
        raise TypeError(f"schedules.deserialize: 'config' must be a dict, received {inner!r}.")
    return _SCHEDULES[class_name].from_config(dict(inner))
