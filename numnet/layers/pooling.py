"""Pooling layers (channels_last): MaxPooling2D, AveragePooling2D and the global poolings.

A pooling window slides like a convolution kernel but has no weights. Forward and backward
loop over the ``pool_h * pool_w`` offsets inside the window, each step a strided slice over the
whole batch (never a loop over pixels).
"""
import numpy as np

from . import conv_utils as cu
from .layer import Layer


class _Pooling2D(Layer):
    """Shared implementation of MaxPooling2D and AveragePooling2D."""

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None,
                 **kwargs):
        super().__init__(**kwargs)
        cls = type(self).__name__
        self.pool_size = cu.normalize_tuple(pool_size, 2, "pool_size", cls)
        self.strides = self.pool_size if strides is None else cu.normalize_tuple(
            strides, 2, "strides", cls)
        self.padding = cu.normalize_padding(padding, cls)
        self.data_format = cu.normalize_data_format(data_format, cls)

    def compute_output_shape(self, input_shape):
        return cu.output_shape_2d(self, input_shape, self.pool_size, self.strides, self.padding,
                                  input_shape[-1] if len(input_shape) == 4 else None)

    def _offsets(self):
        """The ``(row, column)`` offsets inside the window with their slices, row-major."""
        (ph, pw), (sh, sw), (oh, ow) = self.pool_size, self.strides, self._out_hw
        return [(a * pw + b, (slice(None), cu.window_slice(a, oh, sh),
                              cu.window_slice(b, ow, sw)))
                for a in range(ph) for b in range(pw)]

    def _prepare(self, x, pad_value):
        """Check ``x``, record the geometry and return the padded input."""
        cu.check_rank(self, x.shape, 4, "(batch, height, width, channels)")
        pads, out_hw = cu.pads_and_output(x.shape[1:3], self.pool_size, self.strides,
                                          self.padding)
        if min(out_hw) <= 0:
            self.compute_output_shape(x.shape)  # raises the clear error
        self._x_shape, self._pads, self._out_hw = x.shape, pads, out_hw
        xp = cu.pad_2d(x, pads, pad_value)
        self._padded_shape = xp.shape
        # Windows that never overlap let backward assign instead of accumulate.
        self._disjoint = all(s >= p for s, p in zip(self.strides, self.pool_size))
        self._covers_all = xp is x and all(
            o * s == n for o, s, n in zip(out_hw, self.strides, x.shape[1:3])) and \
            self.strides == self.pool_size
        return xp

    def _scatter(self, pieces, dtype):
        """Place each offset's gradient back on the input and return ``dL/dx``.

        ``pieces`` yields ``(slices, grad, mask)``: the gradient of the window elements at one
        offset is ``grad * mask`` (``mask`` None: ``grad``); ``dx[element] += it``, summed where
        windows overlap.
        """
        # Exactly tiled windows write every input element once: no zero fill needed.
        dxp = (np.empty if self._covers_all else np.zeros)(self._padded_shape, dtype=dtype)
        for where, grad, mask in pieces:
            if self._disjoint and mask is not None:
                np.multiply(grad, mask, out=dxp[where])
            elif self._disjoint:
                dxp[where] = grad
            else:
                dxp[where] += grad if mask is None else grad * mask
        return cu.crop_2d(dxp, self._pads)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"pool_size": list(self.pool_size), "padding": self.padding,
                    "strides": list(self.strides), "data_format": self.data_format})
        return cfg


class MaxPooling2D(_Pooling2D):
    """Max pooling: each output is the largest input in its ``pool_size`` window.

    Args:
        pool_size: the window ``(ph, pw)`` or one int (default (2, 2)).
        strides: the step between windows, int or pair (default None: ``pool_size``).
        padding: ``'valid'`` (default: ``out = floor((n - p) / s) + 1``) or ``'same'``
            (``out = ceil(n / s)``; padded positions never win, as in Keras/TensorFlow).
        data_format: None or 'channels_last' (default; 'channels_first' is not supported).
        **kwargs: ``name``, ``input_shape``, ``dtype``.

    Shapes: input ``(batch, height, width, channels)``, output
    ``(batch, out_height, out_width, channels)``.

    Backward: the gradient of each output goes to the input element that was the maximum of
    its window (on ties, to the first in row-major order, as TensorFlow does); an input that
    wins several overlapping windows receives the sum.
    """

    def forward(self, x, training=False):
        xp = self._prepare(x, -np.inf)  # a padded position never wins
        offsets = self._offsets()
        best = xp[offsets[0][1]].copy()
        for _, where in offsets[1:]:
            np.maximum(best, xp[where], out=best)
        # training: find the winners now, while the input is still in the CPU cache
        self._xp, self._best = xp, best
        self._winners = self._find_winners(offsets) if training else None
        return best

    def _find_winners(self, offsets):
        """One boolean mask per window offset: where that offset holds its window's maximum
        (row-major order: on ties the first maximum wins, so exactly one mask is set)."""
        xp, best = self._xp, self._best
        unclaimed = np.ones(best.shape, dtype=bool)  # windows whose winner is not yet found
        winners = []
        for _, where in offsets:
            winner = xp[where] == best
            winner &= unclaimed
            np.logical_xor(unclaimed, winner, out=unclaimed)
            winners.append(winner)
        return winners

    def backward(self, grad_y):
        offsets = self._offsets()
        winners = self._winners or self._find_winners(offsets)  # after an inference forward
        # dL/dx[winner of window] = dL/dy[window]; the window's other elements get 0
        pieces = ((where, grad_y, winner) for (_, where), winner in zip(offsets, winners))
        return self._scatter(pieces, grad_y.dtype)


class AveragePooling2D(_Pooling2D):
    """Average pooling: each output is the mean of the inputs in its ``pool_size`` window.

    Args:
        pool_size: the window ``(ph, pw)`` or one int (default (2, 2); Keras 3 has no default).
        strides: the step between windows, int or pair (default None: ``pool_size``).
        padding: ``'valid'`` (default) or ``'same'``; with 'same' a window that hangs over the
            border averages only the real input elements inside it (padding is not counted),
            as Keras/TensorFlow do.
        data_format: None or 'channels_last' (default; 'channels_first' is not supported).
        **kwargs: ``name``, ``input_shape``, ``dtype``.

    Shapes: input ``(batch, height, width, channels)``, output
    ``(batch, out_height, out_width, channels)``.
    """

    def forward(self, x, training=False):
        xp = self._prepare(x, 0)
        offsets = self._offsets()
        total = xp[offsets[0][1]].copy()
        for _, where in offsets[1:]:
            total += xp[where]
        self._inv_count = self._inverse_counts(x.shape[1:3]).astype(x.dtype)
        return total * self._inv_count

    def _inverse_counts(self, sizes):
        """``1 / (number of real inputs in each window)``, shape ``(out_h, out_w, 1)``."""
        counts = []
        for n, p, s, o, (before, _) in zip(sizes, self.pool_size, self.strides, self._out_hw,
                                           self._pads):
            start = np.arange(o) * s - before
            counts.append(np.minimum(start + p, n) - np.maximum(start, 0))
        return (1.0 / np.multiply.outer(counts[0], counts[1]))[:, :, None]

    def backward(self, grad_y):
        # dL/dx[element] = sum over the windows holding it of dL/dy[window] / count[window]
        share = grad_y * self._inv_count
        return self._scatter(((where, share, None) for _, where in self._offsets()), share.dtype)


class _GlobalPooling2D(Layer):
    """Shared arguments of the global poolings (reduce height and width)."""

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = cu.normalize_data_format(data_format, type(self).__name__)
        self.keepdims = bool(keepdims)

    def compute_output_shape(self, input_shape):
        cu.check_rank(self, input_shape, 4, "(batch, height, width, channels)")
        if self.keepdims:
            return (input_shape[0], 1, 1, input_shape[3])
        return (input_shape[0], input_shape[3])

    def _check(self, x):
        cu.check_rank(self, x.shape, 4, "(batch, height, width, channels)")
        self._x_shape = x.shape

    def _grad_4d(self, grad_y):
        n, _, _, c = self._x_shape
        return grad_y.reshape(n, 1, 1, c)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"data_format": self.data_format, "keepdims": self.keepdims})
        return cfg


class GlobalAveragePooling2D(_GlobalPooling2D):
    """The mean of each channel over the whole image: ``y[n, c] = mean_{h,w} x[n, h, w, c]``.

    Args:
        data_format: None or 'channels_last' (default; 'channels_first' is not supported).
        keepdims: keep the spatial axes with length 1 (default False).
        **kwargs: ``name``, ``input_shape``, ``dtype``.

    Shapes: input ``(batch, height, width, channels)``, output ``(batch, channels)`` or
    ``(batch, 1, 1, channels)`` with ``keepdims=True``.
    """

    def forward(self, x, training=False):
        self._check(x)
        return x.mean(axis=(1, 2), keepdims=self.keepdims)

    def backward(self, grad_y):
        _, h, w, _ = self._x_shape
        # dL/dx[n, h, w, c] = dL/dy[n, c] / (height * width)
        grad_x = np.empty(self._x_shape, dtype=grad_y.dtype)
        grad_x[...] = self._grad_4d(grad_y) / (h * w)
        return grad_x


class GlobalMaxPooling2D(_GlobalPooling2D):
    """The maximum of each channel over the whole image: ``y[n, c] = max_{h,w} x[n, h, w, c]``.

    Args:
        data_format: None or 'channels_last' (default; 'channels_first' is not supported).
        keepdims: keep the spatial axes with length 1 (default False).
        **kwargs: ``name``, ``input_shape``, ``dtype``.

    Shapes: input ``(batch, height, width, channels)``, output ``(batch, channels)`` or
    ``(batch, 1, 1, channels)`` with ``keepdims=True``.

    Backward: the gradient goes to the maximum; tied maxima share it equally, as the gradient
    of Keras's ``ops.max`` does (unlike MaxPooling2D, which gives it to the first).
    """

    def forward(self, x, training=False):
        self._check(x)
        self._x = x
        self._max = x.max(axis=(1, 2), keepdims=True)
        return self._max if self.keepdims else self._max.reshape(x.shape[0], x.shape[3])

    def backward(self, grad_y):
        winners = self._x == self._max
        # dL/dx = dL/dy * [x == max] / (number of tied maxima)
        share = self._grad_4d(grad_y) / winners.sum(axis=(1, 2), keepdims=True)
        return winners * share
