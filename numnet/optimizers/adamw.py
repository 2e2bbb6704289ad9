"""AdamW: Adam with decoupled weight decay (Loshchilov & Hutter, 2019)."""
from numnet.optimizers.adam import Adam


class AdamW(Adam):
    """AdamW, as ``keras.optimizers.AdamW``: ``Adam`` with ``weight_decay`` on by default.

    Before each Adam update every weight decays, independently of the gradient::

        w <- w - w * weight_decay * lr
        (then the Adam rule, see ``Adam``)

    Args:
        learning_rate: a number > 0, a ``LearningRateSchedule`` or a callable.
            Default: 0.001.
        weight_decay: the decay rate, a number >= 0 (None is not allowed). Default: 0.004.
        beta_1: Default: 0.9. beta_2: Default: 0.999. epsilon: Default: 1e-7.
        amsgrad: Default: False. (See ``Adam``.)
        clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum, ema_overwrite_frequency,
        loss_scale_factor, gradient_accumulation_steps, name: see ``Optimizer``. Defaults:
            None, None, None, False, 0.99, None, None, None, None.
    """

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-7, amsgrad=False, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        if weight_decay is None:
            raise ValueError("AdamW: argument `weight_decay` must be a number >= 0, received "
                             "None (use Adam for no weight decay).")
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2,
                         epsilon=epsilon, amsgrad=amsgrad, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name,
                         **kwargs)
