"""Reading and writing model files: the Keras 3 ``.keras`` zip, legacy ``.h5`` and
``.weights.h5``.

The file-format layer (``safe_zip``, ``safe_h5``, ``safe_json``, ``atomic``, ``registry``)
treats every file as untrusted; see ``docs/file-formats.md``.
"""
from numnet.saving.errors import ModelFileError

__all__ = ["ModelFileError"]
