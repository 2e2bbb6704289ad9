"""``Callback``: the base class with every Keras hook, and ``CallbackList``."""


class Callback:
    """Base class for objects that watch training.

    Override any hook. During ``fit``/``evaluate``/``predict`` ``self.model`` is the model and
    ``self.params`` holds ``{'verbose', 'epochs', 'steps'}``. ``logs`` are dicts of floats
    (``loss``, metrics, and ``val_`` versions at epoch end). Setting
    ``self.model.stop_training = True`` ends ``fit`` after the current epoch.
    """

    def __init__(self):
        self.model = None
        self.params = {}
        self.validation_data = None

    def set_params(self, params):
        """Receive the training parameters (``verbose``, ``epochs``, ``steps``)."""
        self.params = params

    def set_model(self, model):
        """Receive the model being trained."""
        self.model = model

    def on_batch_begin(self, batch, logs=None):
        """Alias of ``on_train_batch_begin`` kept for Keras 2 code."""

    def on_batch_end(self, batch, logs=None):
        """Alias of ``on_train_batch_end`` kept for Keras 2 code."""

    def on_epoch_begin(self, epoch, logs=None):
        """Called at the start of each epoch (0-based ``epoch``)."""

    def on_epoch_end(self, epoch, logs=None):
        """Called at the end of each epoch with the epoch's averaged ``logs``."""

    def on_train_batch_begin(self, batch, logs=None):
        """Called before each training batch."""
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        """Called after each training batch with the running averages."""
        self.on_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch, logs=None):
        """Called before each batch of ``evaluate`` (and validation)."""

    def on_test_batch_end(self, batch, logs=None):
        """Called after each batch of ``evaluate`` (and validation)."""

    def on_predict_batch_begin(self, batch, logs=None):
        """Called before each batch of ``predict``."""

    def on_predict_batch_end(self, batch, logs=None):
        """Called after each batch of ``predict``."""

    def on_train_begin(self, logs=None):
        """Called once at the start of ``fit``."""

    def on_train_end(self, logs=None):
        """Called once at the end of ``fit`` with the last epoch's logs."""

    def on_test_begin(self, logs=None):
        """Called at the start of ``evaluate`` (and of each validation pass)."""

    def on_test_end(self, logs=None):
        """Called at the end of ``evaluate`` (and of each validation pass)."""

    def on_predict_begin(self, logs=None):
        """Called at the start of ``predict``."""

    def on_predict_end(self, logs=None):
        """Called at the end of ``predict``."""


_HOOKS = [name for name in vars(Callback) if name.startswith("on_")]
# The batch hooks of the base class call their Keras 2 aliases.
_ALIASES = {"on_train_batch_begin": "on_batch_begin", "on_train_batch_end": "on_batch_end"}


def _overrides(callback, hook):
    """True when ``callback`` does something in ``hook`` (the base class's hooks do nothing)."""
    method = getattr(callback, hook)
    if getattr(method, "__func__", method) is not vars(Callback)[hook]:
        return True
    alias = _ALIASES.get(hook)
    return alias is not None and _overrides(callback, alias)


class CallbackList:
    """Calls a hook on each callback in order.

    Args:
        callbacks: list of ``Callback`` objects (default None: empty).
        model: the model to give them.
        params: the dict given to ``set_params``.

    ``callback_list.on_epoch_end(epoch, logs)`` calls ``on_epoch_end`` of every callback that
    overrides it (the others would do nothing); ``has_hook(name)`` tells whether any does, so
    that ``fit`` builds the per-batch logs only when someone reads them.
    """

    def __init__(self, callbacks=None, model=None, params=None):
        self.callbacks = []
        self.__dict__.update(_no_listeners())
        for callback in callbacks or []:
            self.append(callback)
        for callback in self.callbacks:
            if model is not None:
                callback.set_model(model)
            if params is not None:
                callback.set_params(params)

    def append(self, callback):
        """Add a callback at the end."""
        if not isinstance(callback, Callback):
            raise TypeError(
                f"callbacks must be numnet.callbacks.Callback objects; received "
                f"{callback!r} of type {type(callback).__name__}.")
        self.callbacks.append(callback)
        for hook in _HOOKS:
            if _overrides(callback, hook):
                listeners = getattr(self, hook).listeners + [getattr(callback, hook)]
                setattr(self, hook, _call_each(listeners, hook))

    def has_hook(self, hook):
        """True when some callback overrides ``hook`` (e.g. ``'on_train_batch_end'``)."""
        return bool(getattr(self, hook).listeners)


_NO_LISTENERS = {}


def _no_listeners():
    """``hook name -> a function that calls nobody``, built once (they hold no state)."""
    if not _NO_LISTENERS:
        _NO_LISTENERS.update({hook: _call_each([], hook) for hook in _HOOKS})
    return _NO_LISTENERS


def _call_each(listeners, hook_name):
    """One function that calls each of ``listeners`` with the same arguments, always passing
    ``logs`` (None when the caller gave none), as Keras does: a user's hook written
    ``def on_epoch_begin(self, epoch, logs):`` without a default must work."""
    positional = 0 if hook_name.endswith(("train_begin", "train_end", "test_begin", "test_end",
                                          "predict_begin", "predict_end")) else 1

    def call_all(*args, **kwargs):
        if len(args) == positional and "logs" not in kwargs:
            args = args + (None,)
        for hook in listeners:
            hook(*args, **kwargs)

    call_all.listeners = listeners
    return call_all
