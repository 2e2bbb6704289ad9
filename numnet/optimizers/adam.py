"""Adam: adaptive moment estimation (Kingma & Ba, 2014), with the optional AMSGrad variant."""
import math

import numpy as np

from numnet.optimizers import fused
from numnet.optimizers._checks import check_bool, check_float
from numnet.optimizers.base import Optimizer


class Adam(Optimizer):
    """Adam, as ``keras.optimizers.Adam``.

    Update rule for weight ``w`` with gradient ``g`` at step ``t`` (1 for the first update)::

        m <- m + (g - m) * (1 - beta_1)            # = beta_1 * m + (1 - beta_1) * g
        v <- v + (g**2 - v) * (1 - beta_2)         # = beta_2 * v + (1 - beta_2) * g**2
        v_hat <- max(v_hat, v)                      # amsgrad only; then v_hat replaces v
        alpha = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)   # bias correction
        w <- w - alpha * m / (sqrt(v) + epsilon)

    Args:
        learning_rate: a number > 0, a ``LearningRateSchedule`` or a callable.
            Default: 0.001.
        beta_1: decay rate of the first moment, in [0, 1). Default: 0.9.
        beta_2: decay rate of the second moment, in [0, 1). Default: 0.999.
        epsilon: added to ``sqrt(v)`` ("epsilon hat" of the paper), >= 0. Default: 1e-7.
        amsgrad: use the AMSGrad variant (Reddi et al., 2018). Default: False.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
        ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name:
            see ``Optimizer``. Defaults: None, None, None, None, False, 0.99, None, None,
            None, None.
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, weight_decay=None, clipnorm=None, clipvalue=None,
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
        owner = type(self).__name__
        self.beta_1 = check_float(owner, "beta_1", beta_1, 0.0, 1.0, include_max=False)
        self.beta_2 = check_float(owner, "beta_2", beta_2, 0.0, 1.0, include_max=False)
        self.epsilon = check_float(owner, "epsilon", epsilon, minimum=0.0)
        self.amsgrad = check_bool(owner, "amsgrad", amsgrad)

    def build(self, variables):
        """Create ``momentum`` and ``velocity`` per weight (and ``velocity_hat`` for amsgrad)."""
        if self.built:
            return
        super().build(variables)
        self._momentums, self._velocities = self.add_slots(variables, ["momentum", "velocity"])
        if self.amsgrad:
            self._velocity_hats = self.add_slots(variables, "velocity_hat")
        self._tmp = self.add_scratch(variables)

    def update_step(self, grad, variable, learning_rate, index):
        t = self.iterations + 1
        # bias correction, with the betas rounded to the weight's dtype as Keras does
        beta_1, beta_2 = self._betas(variable.dtype)
        alpha = learning_rate * math.sqrt(1.0 - beta_2 ** t) / (1.0 - beta_1 ** t)
        m, v, tmp = self._momentums[index], self._velocities[index], self._tmp[index]
        kernel = None if self.amsgrad else fused.adam_kernel()
        if kernel is not None and fused.usable(grad, variable, m, v):
            # the same operations as below in one pass (numba; see optimizers/fused.py)
            as_dtype = variable.dtype.type
            kernel(fused.flat(grad), fused.flat(variable), fused.flat(m), fused.flat(v),
                   as_dtype(1.0 - self.beta_1), as_dtype(1.0 - self.beta_2), as_dtype(alpha),
                   as_dtype(self.epsilon))
            return
        np.subtract(grad, m, out=tmp)
        tmp *= 1.0 - self.beta_1
        m += tmp  # m <- m + (g - m) * (1 - beta_1)
        np.multiply(grad, grad, out=tmp)
        tmp -= v
        tmp *= 1.0 - self.beta_2
        v += tmp  # v <- v + (g^2 - v) * (1 - beta_2)
        if self.amsgrad:
            v_hat = self._velocity_hats[index]
            np.maximum(v_hat, v, out=v_hat)  # v_hat <- max(v_hat, v)
            v = v_hat
        np.sqrt(v, out=tmp)
        tmp += self.epsilon
        np.divide(m, tmp, out=tmp)
        tmp *= alpha
        variable -= tmp  # w <- w - alpha * m / (sqrt(v) + epsilon)

    def _betas(self, dtype):
        """``(beta_1, beta_2)`` rounded to ``dtype``, as Python floats (cached per step shape)."""
        key = (self.beta_1, self.beta_2, dtype)
        cached = getattr(self, "_betas_cache", None)
        if cached is None or cached[0] != key:
            cached = self._betas_cache = (key, (self._cast(self.beta_1, dtype),
                                                self._cast(self.beta_2, dtype)))
        return cached[1]

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                       "amsgrad": self.amsgrad})
        return config
