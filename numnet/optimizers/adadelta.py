"""Adadelta: step sizes from running averages of squared gradients and squared updates."""
import numpy as np

from numnet.optimizers._checks import check_float
from numnet.optimizers.base import Optimizer


class Adadelta(Optimizer):
    """Adadelta (Zeiler, 2012), as ``keras.optimizers.Adadelta``.

    Update rule for weight ``w`` with gradient ``g``, where ``rms(x) = sqrt(x + epsilon)``::

        accumulated_grad <- rho * accumulated_grad + (1 - rho) * g**2
        delta = -rms(accumulated_delta_var) * g / rms(accumulated_grad)
        accumulated_delta_var <- rho * accumulated_delta_var + (1 - rho) * delta**2
        w <- w + lr * delta

    Args:
        learning_rate: a number > 0, a ``LearningRateSchedule`` or a callable.
            Default: 0.001 (the paper's form uses 1.0).
        rho: the decay rate, in [0, 1]. Default: 0.95.
        epsilon: added inside the square roots, >= 0. Default: 1e-7.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
        ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name:
            see ``Optimizer``. Defaults: None, None, None, None, False, 0.99, None, None,
            None, None.
    """

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, weight_decay=None,
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
        self.rho = check_float("Adadelta", "rho", rho, 0.0, 1.0)
        self.epsilon = check_float("Adadelta", "epsilon", epsilon, minimum=0.0)

    def build(self, variables):
        """Create ``accumulated_grad`` and ``accumulated_delta_var`` per weight."""
        if self.built:
            return
        super().build(variables)
        self._accumulated_grads, self._accumulated_delta_vars = self.add_slots(
            variables, ["accumulated_grad", "accumulated_delta_var"])
        self._tmp = self.add_scratch(variables)
        self._tmp2 = self.add_scratch(variables)

    def update_step(self, grad, variable, learning_rate, index):
        rho, eps = self.rho, self.epsilon
        acc_grad, acc_delta = self._accumulated_grads[index], self._accumulated_delta_vars[index]
        tmp, tmp2 = self._tmp[index], self._tmp2[index]
        np.multiply(grad, grad, out=tmp)
        tmp *= 1.0 - rho
        acc_grad *= rho
        acc_grad += tmp  # accumulated_grad <- rho * accumulated_grad + (1 - rho) * g^2
        np.add(acc_delta, eps, out=tmp)
        np.sqrt(tmp, out=tmp)
        tmp *= grad
        np.add(acc_grad, eps, out=tmp2)
        np.sqrt(tmp2, out=tmp2)
        tmp /= tmp2  # tmp = -delta = rms(accumulated_delta_var) * g / rms(accumulated_grad)
        np.multiply(tmp, tmp, out=tmp2)
        tmp2 *= 1.0 - rho
        acc_delta *= rho
        acc_delta += tmp2  # accumulated_delta_var <- rho * acc + (1 - rho) * delta^2
        tmp *= learning_rate
        variable -= tmp  # w <- w + lr * delta

    def get_config(self):
        config = super().get_config()
        config.update({"rho": self.rho, "epsilon": self.epsilon})
        return config
