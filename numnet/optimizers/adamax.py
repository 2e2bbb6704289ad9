"""Adamax: Adam with the infinity norm in place of the second moment."""
import numpy as np

from numnet.optimizers._checks import check_float
from numnet.optimizers.base import Optimizer


class Adamax(Optimizer):
    """Adamax (Kingma & Ba, 2014, section 7.1), as ``keras.optimizers.Adamax``.

    Update rule for weight ``w`` with gradient ``g`` at step ``t`` (1 for the first update)::

        m <- m + (g - m) * (1 - beta_1)
        u <- max(beta_2 * u, |g|)                  # exponentially weighted infinity norm
        w <- w - lr * m / ((1 - beta_1**t) * (u + epsilon))

    Args:
        learning_rate: a number > 0, a ``LearningRateSchedule`` or a callable.
            Default: 0.001.
        beta_1: decay rate of the first moment, in [0, 1). Default: 0.9.
        beta_2: decay rate of the infinity norm, in [0, 1]. Default: 0.999.
        epsilon: added to ``u``, >= 0. Default: 1e-7.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
        ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name:
            see ``Optimizer``. Defaults: None, None, None, None, False, 0.99, None, None,
            None, None.
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
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
        self.beta_1 = check_float("Adamax", "beta_1", beta_1, 0.0, 1.0, include_max=False)
        self.beta_2 = check_float("Adamax", "beta_2", beta_2, 0.0, 1.0)
        self.epsilon = check_float("Adamax", "epsilon", epsilon, minimum=0.0)

    def build(self, variables):
        """Create ``momentum`` (m) and ``norm`` (u) per weight."""
        if self.built:
            return
        super().build(variables)
        self._m, self._u = self.add_slots(variables, ["momentum", "norm"])
        self._tmp = self.add_scratch(variables)

    def update_step(self, grad, variable, learning_rate, index):
        t = self.iterations + 1
        m, u, tmp = self._m[index], self._u[index], self._tmp[index]
        np.subtract(grad, m, out=tmp)
        tmp *= 1.0 - self.beta_1
        m += tmp  # m <- m + (g - m) * (1 - beta_1)
        np.abs(grad, out=tmp)
        u *= self.beta_2
        np.maximum(u, tmp, out=u)  # u <- max(beta_2 * u, |g|)
        np.add(u, self.epsilon, out=tmp)
        tmp *= 1.0 - self._cast(self.beta_1, variable.dtype) ** t  # bias correction
        np.divide(m, tmp, out=tmp)
        tmp *= learning_rate
        variable -= tmp  # w <- w - lr * m / ((1 - beta_1^t) * (u + epsilon))

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
