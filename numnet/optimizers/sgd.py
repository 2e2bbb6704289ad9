"""Stochastic gradient descent, with optional (Nesterov) momentum."""
import numpy as np

from numnet.optimizers._checks import check_bool, check_float
from numnet.optimizers.base import Optimizer


class SGD(Optimizer):
    """Gradient descent (with momentum), as ``keras.optimizers.SGD``.

    Update rule for weight ``w`` with gradient ``g`` and learning rate ``lr``::

        momentum == 0:   w <- w - lr * g
        momentum > 0:    velocity <- momentum * velocity - lr * g
                         w <- w + velocity
        nesterov=True:   w <- w + momentum * velocity - lr * g   (with the new velocity)

    Args:
        learning_rate: a number > 0, a ``LearningRateSchedule`` or a callable. Default: 0.01.
        momentum: a number in [0, 1]; 0 is plain gradient descent. Default: 0.0.
        nesterov: whether to use Nesterov momentum. Default: False.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
        ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name:
            see ``Optimizer``. Defaults: None, None, None, None, False, 0.99, None, None,
            None, None.
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name,
                         **kwargs)
        self.momentum = check_float("SGD", "momentum", momentum, 0.0, 1.0)
        self.nesterov = check_bool("SGD", "nesterov", nesterov)

    def build(self, variables):
        """Create one ``momentum`` (velocity) array per weight, only when momentum != 0."""
        if self.built:
            return
        super().build(variables)
        self.momentums = []
        if self.momentum != 0:
            self.momentums = self.add_slots(variables, "momentum")
        self._tmp = self.add_scratch(variables)
        if self.nesterov and self.momentum != 0:
            self._tmp2 = self.add_scratch(variables)

    def update_step(self, grad, variable, learning_rate, index):
        tmp = self._tmp[index]
        np.multiply(grad, learning_rate, out=tmp)
        if self.momentum == 0:
            variable -= tmp  # w <- w - lr * g
            return
        m = self.momentums[index]
        m *= self.momentum
        m -= tmp  # velocity <- momentum * velocity - lr * g
        if self.nesterov:
            tmp2 = self._tmp2[index]
            np.multiply(m, self.momentum, out=tmp2)
            tmp2 -= tmp
            variable += tmp2  # w <- w + momentum * velocity - lr * g
        else:
            variable += m  # w <- w + velocity

    def get_config(self):
        config = super().get_config()
        config.update({"momentum": self.momentum, "nesterov": self.nesterov})
        return config
