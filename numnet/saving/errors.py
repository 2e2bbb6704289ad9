"""The one exception type raised for every bad, damaged or hostile model file."""


class ModelFileError(ValueError):
    """A model or weights file cannot be loaded safely.

    Raised for every problem found in a file being read: not a zip or not HDF5, truncated or
    damaged data, sizes over the limits, a member or link that could point outside the file,
    a class or module that numnet does not support, code stored in the configuration. It is a
    ``ValueError`` so that code catching ``ValueError`` (as it would for Keras) still works.

    The message says which file and which part of it is wrong, and what would be accepted.
    """
