"""Nadam: Adam with Nesterov momentum (Dozat, 2015)."""

import numpy as np

from numnet.optimizers._checks import check_float
from numnet.optimizers.base import Optimizer


class Nadam(Optimizer):
    """Nadam, as ``keras.optimizers.Nadam``.

    Update rule for weight ``w`` with gradient ``g`` at step ``t`` (1 for the first update),
    with the momentum schedule ``u_t = beta_1 * (1 - 0.5 * 0.96**t)`` and its running
    product ``u_product <- u_product * u_t`` (one per optimizer, starting at 1)::

        m <- m + (g - m) * (1 - beta_1)
        v <- v + (g**2 - v) * (1 - beta_2)
        m_hat = u_{t+1} * m / (1 - u_product * u_{t+1}) + (1 - u_t) * g / (1 - u_product)
        v_hat = v / (1 - beta_2**t)
        w <- w - lr * m_hat / (sqrt(v_hat) + epsilon)

    Args:
        learning_rate: a number > 0, a ``LearningRateSchedule`` or a callable.
            Default: 0.001.
        beta_1: decay rate of the first moment, in [0, 1). Default: 0.9.
        beta_2: decay rate of the second moment, in [0, 1). Default: 0.999.
        epsilon: added to ``sqrt(v_hat)``, >= 0. Default: 1e-7.
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
        self.beta_1 = check_float("Nadam", "beta_1", beta_1, 0.0, 1.0, include_max=False)
        self.beta_2 = check_float("Nadam", "beta_2", beta_2, 0.0, 1.0, include_max=False)
        self.epsilon = check_float("Nadam", "epsilon", epsilon, minimum=0.0)

    def build(self, variables):
        """Create ``momentum`` and ``velocity`` per weight, and the scalar ``u_product``."""
        if self.built:
            return
        super().build(variables)
        self._momentums, self._velocities = self.add_slots(variables, ["momentum", "velocity"])
        dtype = variables[0].dtype if variables else np.float32
        self._u_product = self.add_scalar("u_product", 1.0, dtype)
        self._tmp = self.add_scratch(variables)
        self._tmp2 = self.add_scratch(variables)

    def _u(self, step, dtype):
        beta_1 = self._cast(self.beta_1, dtype)
        return beta_1 * (1.0 - 0.5 * 0.96 ** step)  # the momentum schedule u_t

    def _update_all(self, indices, grads, variables, learning_rate):
        # once per update, before the weights: u_product <- u_product * u_t
        u_t = self._u(self.iterations + 1, self._u_product.dtype)
        self._u_product[...] = float(self._u_product) * u_t
        super()._update_all(indices, grads, variables, learning_rate)

    def update_step(self, grad, variable, learning_rate, index):
        t = self.iterations + 1
        u_t, u_next = self._u(t, variable.dtype), self._u(t + 1, variable.dtype)
        u_product = float(self._u_product)
        m, v = self._momentums[index], self._velocities[index]
        tmp, tmp2 = self._tmp[index], self._tmp2[index]
        np.subtract(grad, m, out=tmp)
        tmp *= 1.0 - self.beta_1
        m += tmp  # m <- m + (g - m) * (1 - beta_1)
        np.multiply(grad, grad, out=tmp)
        tmp -= v
        tmp *= 1.0 - self.beta_2
        v += tmp  # v <- v + (g^2 - v) * (1 - beta_2)
        np.multiply(m, u_next / (1.0 - u_product * u_next), out=tmp)
        np.multiply(grad, (1.0 - u_t) / (1.0 - u_product), out=tmp2)
        tmp += tmp2  # m_hat
        beta_2 = self._cast(self.beta_2, variable.dtype)
        np.divide(v, 1.0 - beta_2 ** t, out=tmp2)  # v_hat
        np.sqrt(tmp2, out=tmp2)
        tmp2 += self.epsilon
        tmp *= learning_rate
        tmp /= tmp2
        variable -= tmp  # w <- w - lr * m_hat / (sqrt(v_hat) + epsilon)

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
