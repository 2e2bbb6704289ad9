"""Adagrad: per-weight learning rates that shrink with the sum of squared gradients."""
import numpy as np

from numnet.optimizers._checks import check_float
from numnet.optimizers.base import Optimizer


class Adagrad(Optimizer):
    """Adagrad (Duchi et al., 2011), as ``keras.optimizers.Adagrad``.

    Update rule for weight ``w`` with gradient ``g``::

        accumulator <- accumulator + g**2          (starts at initial_accumulator_value)
        w <- w - lr * g / sqrt(accumulator + epsilon)

    Args:
        learning_rate: a number > 0, a ``LearningRateSchedule`` or a callable.
            Default: 0.001 (the paper's form uses 1.0).
        initial_accumulator_value: starting value of the accumulators, >= 0. Default: 0.1.
        epsilon: added inside the square root, >= 0. Default: 1e-7.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
        ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name:
            see ``Optimizer``. Defaults: None, None, None, None, False, 0.99, None, None,
            None, None.
    """

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name,
                         **kwargs)
        self.initial_accumulator_value = check_float(
            "Adagrad", "initial_accumulator_value", initial_accumulator_value, minimum=0.0)
        self.epsilon = check_float("Adagrad", "epsilon", epsilon, minimum=0.0)

    def build(self, variables):
        """Create one ``accumulator`` per weight, filled with ``initial_accumulator_value``."""
        if self.built:
            return
        super().build(variables)
        self._accumulators_sq = self.add_slots(variables, "accumulator",
                                               initial_value=self.initial_accumulator_value)
        self._tmp = self.add_scratch(variables)
        self._tmp2 = self.add_scratch(variables)

    def update_step(self, grad, variable, learning_rate, index):
        accumulator, tmp, tmp2 = self._accumulators_sq[index], self._tmp[index], self._tmp2[index]
        np.multiply(grad, grad, out=tmp)
        accumulator += tmp  # accumulator <- accumulator + g^2
        np.add(accumulator, self.epsilon, out=tmp)
        np.sqrt(tmp, out=tmp)
        np.multiply(grad, learning_rate, out=tmp2)
        tmp2 /= tmp
        variable -= tmp2  # w <- w - lr * g / sqrt(accumulator + epsilon)

    def get_config(self):
        config = super().get_config()
        config.update({"initial_accumulator_value": self.initial_accumulator_value,
                       "epsilon": self.epsilon})
        return config
