"""RMSprop: divide the gradient by a running root mean square of recent gradients."""
import numpy as np

from numnet.optimizers._checks import check_bool, check_float
from numnet.optimizers.base import Optimizer


class RMSprop(Optimizer):
    """RMSprop (Hinton, 2012), as ``keras.optimizers.RMSprop``.

    Update rule for weight ``w`` with gradient ``g``::

        velocity <- rho * velocity + (1 - rho) * g**2
        centered=False:  denominator = velocity + epsilon
        centered=True:   average_gradient <- rho * average_gradient + (1 - rho) * g
                         denominator = velocity - average_gradient**2 + epsilon
        increment = lr * g / sqrt(denominator)
        momentum == 0:   w <- w - increment
        momentum > 0:    momentum_buffer <- momentum * momentum_buffer + increment
                         w <- w - momentum_buffer

    Args:
        learning_rate: a number > 0, a ``LearningRateSchedule`` or a callable.
            Default: 0.001.
        rho: discount factor of the old squared gradients, in [0, 1]. Default: 0.9.
        momentum: momentum factor in [0, 1]; 0 means no momentum. Default: 0.0.
        epsilon: added inside the square root, >= 0. Default: 1e-7.
        centered: normalise by the estimated variance instead of the second moment.
            Default: False.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
        ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name:
            see ``Optimizer``. Defaults: None, None, None, None, False, 0.99, None, None,
            None, None.
    """

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7,
                 centered=False, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name,
                         **kwargs)
        self.rho = check_float("RMSprop", "rho", rho, 0.0, 1.0)
        self.momentum = check_float("RMSprop", "momentum", momentum, 0.0, 1.0)
        self.epsilon = check_float("RMSprop", "epsilon", epsilon, minimum=0.0)
        self.centered = check_bool("RMSprop", "centered", centered)

    def build(self, variables):
        """Create ``velocity`` per weight, plus ``momentum`` (momentum > 0) and
        ``average_gradient`` (centered)."""
        if self.built:
            return
        super().build(variables)
        self._velocities = self.add_slots(variables, "velocity")
        self._momentums = []
        if self.momentum > 0:
            self._momentums = self.add_slots(variables, "momentum")
        self._average_gradients = []
        if self.centered:
            self._average_gradients = self.add_slots(variables, "average_gradient")
        self._tmp = self.add_scratch(variables)
        self._tmp2 = self.add_scratch(variables)

    def update_step(self, grad, variable, learning_rate, index):
        rho, tmp, tmp2 = self.rho, self._tmp[index], self._tmp2[index]
        velocity = self._velocities[index]
        np.multiply(grad, grad, out=tmp)
        tmp *= 1.0 - rho
        velocity *= rho
        velocity += tmp  # velocity <- rho * velocity + (1 - rho) * g^2
        if self.centered:
            average = self._average_gradients[index]
            np.multiply(grad, 1.0 - rho, out=tmp)
            average *= rho
            average += tmp  # average_gradient <- rho * average + (1 - rho) * g
            np.multiply(average, average, out=tmp)
            np.subtract(velocity, tmp, out=tmp)
            tmp += self.epsilon  # velocity - average^2 + epsilon
        else:
            np.add(velocity, self.epsilon, out=tmp)  # velocity + epsilon
        np.sqrt(tmp, out=tmp)
        np.multiply(grad, learning_rate, out=tmp2)
        tmp2 /= tmp  # increment = lr * g / sqrt(denominator)
        if self.momentum > 0:
            buffer = self._momentums[index]
            buffer *= self.momentum
            buffer += tmp2  # momentum_buffer <- momentum * momentum_buffer + increment
            variable -= buffer
        else:
            variable -= tmp2

    def get_config(self):
        config = super().get_config()
        config.update({"rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon,
                       "centered": self.centered})
        return config
