"""Reading and writing model files: the Keras 3 ``.keras`` zip, legacy ``.h5`` and
``.weights.h5``.

``save_model`` / ``load_model`` / ``save_weights`` / ``load_weights`` (also
``numnet.models.load_model`` and the model methods ``save``, ``save_weights``,
``load_weights``) are in ``api.py``; the file-format layer (``safe_zip``, ``safe_h5``,
``safe_json``, ``atomic``, ``registry``) treats every file as untrusted. See
``docs/saving.md`` and ``docs/file-formats.md``.
"""
from numnet.saving.errors import ModelFileError

__all__ = ["ModelFileError", "load_model", "load_weights", "save_model", "save_weights"]


def __getattr__(name):
    # api.py imports numnet.models, which imports numnet.callbacks, which imports this
    # package: the public functions are therefore loaded on first use.
    if name in ("load_model", "load_weights", "save_model", "save_weights"):
        from numnet.saving import api
        return getattr(api, name)
    raise AttributeError(f"module 'numnet.saving' has no attribute {name!r}")
