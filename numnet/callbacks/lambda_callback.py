"""``LambdaCallback``: a callback made from plain functions, without writing a class."""
from .callback import _HOOKS, Callback


class LambdaCallback(Callback):
    """Build a callback from functions, one per hook.

    Each function is called with the hook's arguments, positionally:

    - ``on_epoch_begin(epoch, logs)`` and ``on_epoch_end(epoch, logs)``;
    - ``on_train_begin(logs)`` and ``on_train_end(logs)``;
    - ``on_train_batch_begin(batch, logs)`` and ``on_train_batch_end(batch, logs)``;
    - any other hook of ``Callback`` (``on_test_begin``, ``on_predict_batch_end``, ...) by
      keyword, with that hook's arguments.

    Args:
        on_epoch_begin: function or None (default: do nothing).
        on_epoch_end: function or None (default: do nothing).
        on_train_begin: function or None (default: do nothing).
        on_train_end: function or None (default: do nothing).
        on_train_batch_begin: function or None (default: do nothing).
        on_train_batch_end: function or None (default: do nothing).
        **kwargs: other hooks by name, e.g. ``on_test_end=fn``.

    Example::

        print_loss = LambdaCallback(
            on_epoch_end=lambda epoch, logs: print(epoch, logs['loss']))
        model.fit(x, y, epochs=5, callbacks=[print_loss])
    """

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None,
                 on_train_end=None, on_train_batch_begin=None, on_train_batch_end=None,
                 **kwargs):
        super().__init__()
        hooks = dict(kwargs, on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end,
                     on_train_begin=on_train_begin, on_train_end=on_train_end,
                     on_train_batch_begin=on_train_batch_begin,
                     on_train_batch_end=on_train_batch_end)
        for name, function in hooks.items():
            if name not in _HOOKS:
                raise TypeError(f"LambdaCallback got an unexpected argument {name!r}. The "
                                f"allowed names are the Callback hooks: "
                                f"{', '.join(sorted(_HOOKS))}.")
            if function is None:
                continue
            if not callable(function):
                raise TypeError(f"LambdaCallback: argument `{name}` must be a function or "
                                f"None; received {function!r} of type "
                                f"{type(function).__name__}.")
            # An instance attribute replaces the method of the same name.
            setattr(self, name, _as_hook(name, function))


def _as_hook(name, function):
    """Wrap ``function`` so it is called as Keras 3 calls that hook.

    Keras passes ``logs`` positionally to the epoch, train, test and predict hooks and as the
    keyword ``logs=`` to the batch hooks, and always passes it (None when there are none).
    """
    if name.endswith(("batch_begin", "batch_end")):
        def hook(batch, logs=None):
            return function(batch, logs=logs)
    elif name.startswith("on_epoch_"):
        def hook(epoch, logs=None):
            return function(epoch, logs)
    else:
        def hook(logs=None):
            return function(logs)
    return hook
