"""Reshaping layers for images: ZeroPadding2D (channels_last)."""
import numpy as np

from . import conv_utils as cu
from .layer import Layer


def _is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _normalize_padding(padding):
    """``1`` -> ``((1, 1), (1, 1))``; ``(1, 2)`` -> ``((1, 1), (2, 2))``;
    ``((t, b), (l, r))`` unchanged. Every entry must be an int >= 0."""
    if _is_int(padding):
        pairs = ((padding, padding), (padding, padding))
    elif isinstance(padding, (list, tuple)) and len(padding) == 2:
        pairs = []
        for entry in padding:
            if _is_int(entry):
                pairs.append((entry, entry))
            elif isinstance(entry, (list, tuple)) and len(entry) == 2 and all(
                    _is_int(v) for v in entry):
                pairs.append(tuple(entry))
            else:
                pairs = None
                break
    else:
        pairs = None
    if pairs is None or any(v < 0 for pair in pairs for v in pair):
        raise ValueError(
            f"ZeroPadding2D argument 'padding' must be an int >= 0, a pair of such ints "
            f"(rows, columns), or ((top, bottom), (left, right)); received {padding!r}.")
    return tuple((int(a), int(b)) for a, b in pairs)


class ZeroPadding2D(Layer):
    """Add rows and columns of zeros around each image.

    Args:
        padding: an int ``p`` (``p`` zeros on every side), a pair ``(rows, cols)`` (``rows``
            on top and bottom, ``cols`` left and right), or ``((top, bottom), (left, right))``
            (default (1, 1)).
        data_format: None or 'channels_last' (default; 'channels_first' is not supported).
        **kwargs: ``name``, ``input_shape``, ``dtype``.

    Shapes: input ``(batch, height, width, channels)``, output
    ``(batch, top + height + bottom, left + width + right, channels)``.
    """

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.padding = _normalize_padding(padding)
        self.data_format = cu.normalize_data_format(data_format, "ZeroPadding2D")

    def compute_output_shape(self, input_shape):
        cu.check_rank(self, input_shape, 4, "(batch, height, width, channels)")
        (top, bottom), (left, right) = self.padding
        height, width = input_shape[1], input_shape[2]
        return (input_shape[0], None if height is None else height + top + bottom,
                None if width is None else width + left + right, input_shape[3])

    def forward(self, x, training=False):
        cu.check_rank(self, x.shape, 4, "(batch, height, width, channels)")
        return cu.pad_2d(x, self.padding)

    def backward(self, grad_y):
        # dL/dx is dL/dy without the padded border (the zeros do not depend on x)
        return cu.crop_2d(grad_y, self.padding)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"padding": [list(pair) for pair in self.padding],
                    "data_format": self.data_format})
        return cfg
