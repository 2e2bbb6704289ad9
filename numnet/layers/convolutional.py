"""Convolution layers: Conv2D (images) and Conv1D (sequences), channels_last.

Forward: gather every window of the (padded) input into one row (im2col), then a single
matrix product with the kernel; backward: one matrix product for the kernel gradient and one
for the input gradient::

    cols = im2col(x)                 # (N*out_h*out_w, kh*kw*C)
    z    = cols · W + b              # W reshaped to (kh*kw*C, filters)
    dW   = cols^T · dz               # one product
    dx   = col2im(dz · W^T)          # one product, then kh*kw strided adds (scatter-add)
         = im2col(pad(dz)) · rot180(W)^T   # stride 1: the same as a transposed convolution
"""
import numpy as np

from .. import activations, initializers, regularizers
from . import conv_utils as cu
from .core import _ActivationMixin, _check_positive_int, kernel_layer_config
from .layer import Layer

# At inference, batches whose im2col matrix would exceed this many bytes run in chunks.
_INFERENCE_COLS_BYTES = 64 * 2**20


class _Conv(_ActivationMixin, Layer):
    """Shared implementation of Conv1D and Conv2D (``rank`` spatial dimensions).

    A 1-D convolution runs as a 2-D one on inputs viewed as ``(batch, 1, steps, channels)``
    with a ``(1, k)`` window.
    """

    rank = 2

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(**kwargs)
        cls = type(self).__name__
        rank = self.rank
        self.filters = _check_positive_int(filters, "filters", cls)
        self.kernel_size = cu.normalize_tuple(kernel_size, rank, "kernel_size", cls)
        self.strides = cu.normalize_tuple(strides, rank, "strides", cls)
        allowed = ("valid", "same", "causal") if rank == 1 else cu.PADDINGS
        self.padding = cu.normalize_padding(padding, cls, allowed)
        self.data_format = cu.normalize_data_format(data_format, cls)
        self.dilation_rate = cu.normalize_tuple(dilation_rate, rank, "dilation_rate", cls)
        if any(d != 1 for d in self.dilation_rate):
            raise NotImplementedError(f"{cls} argument 'dilation_rate' other than 1 is not "
                                      f"supported by numnet; received {dilation_rate!r}.")
        self.groups = _check_positive_int(groups, "groups", cls)
        if self.groups != 1:
            raise NotImplementedError(f"{cls} argument 'groups' other than 1 is not supported "
                                      f"by numnet; received {groups!r}.")
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        for value, argument in ((activity_regularizer, "activity_regularizer"),
                                (kernel_constraint, "kernel_constraint"),
                                (bias_constraint, "bias_constraint")):
            cu.check_none_or_unsupported(value, argument, cls)
        self.kernel = None
        self.bias = None

    # ------------------------------------------------------------- shapes
    def _window(self):
        """The kernel and strides as 2-D pairs (a 1-D layer has height 1)."""
        if self.rank == 1:
            return (1,) + self.kernel_size, (1,) + self.strides
        return self.kernel_size, self.strides

    def _as_4d_shape(self, shape):
        cu.check_rank(self, shape, self.rank + 2, "(batch, steps, channels)" if self.rank == 1
                      else "(batch, height, width, channels)")
        return (shape[0], 1) + tuple(shape[1:]) if self.rank == 1 else tuple(shape)

    def build(self, input_shape):
        shape = self._as_4d_shape(input_shape)
        channels = shape[-1]
        if channels is None:
            raise ValueError(f"{type(self).__name__} layer '{self.name}' needs a known channel "
                             f"(last) dimension; received input shape {tuple(input_shape)}.")
        self.compute_output_shape(input_shape)  # reports a window that does not fit
        self.kernel = self.add_weight("kernel", self.kernel_size + (channels, self.filters),
                                      self.kernel_initializer, self.kernel_regularizer)
        if self.use_bias:
            self.bias = self.add_weight("bias", (self.filters,), self.bias_initializer,
                                        self.bias_regularizer)
        self.built = True

    def compute_output_shape(self, input_shape):
        window, strides = self._window()
        shape = cu.output_shape_2d(self, self._as_4d_shape(input_shape), window, strides,
                                   self.padding, self.filters)
        return (shape[0], shape[2], shape[3]) if self.rank == 1 else shape

    # ------------------------------------------------------------- passes
    def forward(self, x, training=False):
        x4 = x.reshape(self._as_4d_shape(x.shape))
        channels = self.kernel.shape[-2]
        if x4.shape[-1] != channels:
            raise ValueError(f"Input of layer '{self.name}' ({type(self).__name__}) must have "
                             f"{channels} channels (last axis), as when it was built with "
                             f"input shape {self.input_shape}; received shape {x.shape}.")
        window, strides = self._window()
        pads, out_hw = cu.pads_and_output(x4.shape[1:3], window, strides, self.padding)
        if min(out_hw) <= 0:
            self.compute_output_shape(x.shape)  # raises the clear error
        xp = cu.pad_2d(x4, pads)
        self._x_shape, self._padded_shape, self._pads = x.shape, xp.shape, pads
        self._xp, self._out_hw, self._cols = xp, out_hw, None
        kernel = self.kernel.value.reshape(-1, self.filters)  # (kh*kw*C, filters)
        sample_bytes = int(np.prod(out_hw)) * kernel.shape[0] * xp.itemsize  # im2col, 1 sample
        if training or x.shape[0] * sample_bytes <= _INFERENCE_COLS_BYTES:
            self._cols = self._im2col(xp)  # kept for dL/dW
            z = self._cols @ kernel
        else:  # a large inference batch: convolve in chunks to bound the memory
            step = max(1, _INFERENCE_COLS_BYTES // sample_bytes)
            z = np.concatenate([self._im2col(xp[i:i + step]) @ kernel
                                for i in range(0, x.shape[0], step)])
        if self.use_bias:
            z += self.bias.value
        z = z.reshape((x.shape[0],) + out_hw[2 - self.rank:] + (self.filters,))
        return self._activate(z)

    def _im2col(self, xp):
        """The windows of the padded batch ``xp`` as rows ``(N*out_h*out_w, kh*kw*C)``."""
        window, strides = self._window()
        cols = cu.im2col(xp, window, strides, self._out_hw)  # (N, out_h, out_w, kh, kw, C)
        return cols.reshape(-1, window[0] * window[1] * xp.shape[-1])

    def backward(self, grad_y):
        return self.backward_pre_activation(self._activation_gradient(grad_y))

    def backward_pre_activation(self, grad_z):
        """Backward pass from ``dL/dz``, the gradient before the activation."""
        dz = grad_z.reshape(-1, self.filters)  # (N*out_h*out_w, filters)
        if self.kernel.trainable:
            cols = self._cols if self._cols is not None else self._im2col(self._xp)
            # dL/dW = cols^T · dL/dz  (each kernel entry meets every window it slid over)
            cu.matmul_into(cols.T, dz, self.kernel.grad)
            if self.use_bias:
                # dL/db = sum over batch and positions of dL/dz (a ones-vector product: fast)
                np.matmul(self._ones(dz.shape[0], dz.dtype), dz, out=self.bias.grad)
        if not self.needs_input_gradient:
            return None
        window, strides = self._window()
        n, _, _, c = self._padded_shape
        kernel = self.kernel.value.reshape(window + (c, self.filters))
        if strides == (1, 1) and self.filters <= 2 * c:
            # (faster than the scatter-add below unless the filters far outnumber the channels)
            # dL/dx = dL/dz correlated with the kernel rotated 180 degrees (transposed conv)
            dx = cu.conv_input_gradient_stride1(dz.reshape((n,) + self._out_hw + (-1,)),
                                                kernel, self._pads)
            return dx.reshape(self._x_shape)
        # dL/dcols = dL/dz · W^T, then dL/dx = col2im(dL/dcols) (sum over overlapping windows)
        dcols = (dz @ kernel.reshape(-1, self.filters).T).reshape(
            (n,) + self._out_hw + window + (c,))
        dxp = cu.col2im(dcols, self._padded_shape, strides)
        return cu.crop_2d(dxp, self._pads).reshape(self._x_shape)

    def _ones(self, length, dtype):
        """A cached vector of ``length`` ones (for the bias gradient)."""
        ones = getattr(self, "_ones_cache", None)
        if ones is None or ones.shape[0] != length or ones.dtype != dtype:
            ones = self._ones_cache = np.ones(length, dtype=dtype)
        return ones

    # ------------------------------------------------------------- config
    def get_config(self):
        cfg = super().get_config()
        cfg.update({
            "filters": self.filters,
            "kernel_size": list(self.kernel_size),
            "strides": list(self.strides),
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": list(self.dilation_rate),
            "groups": self.groups,
            **kernel_layer_config(self),
            "activity_regularizer": None,
            "kernel_constraint": None,
            "bias_constraint": None,
        })
        return cfg


class Conv2D(_Conv):
    """2-D convolution (images): ``y = activation(conv2d(x, W) + b)``, channels_last.

    Each of the ``filters`` kernels slides over the image and takes the dot product with every
    ``kh x kw x in_channels`` window; implemented as im2col plus one matrix product.

    Args:
        filters: the number of output channels (a positive integer).
        kernel_size: the window ``(kh, kw)``, or one int for a square window, e.g. 3.
        strides: the step between windows, int or ``(sh, sw)`` (default (1, 1)).
        padding: ``'valid'`` (default: no padding, ``out = floor((n - k) / s) + 1``) or
            ``'same'`` (zero padding so that ``out = ceil(n / s)``; as in TensorFlow the
            smaller half of the padding goes on top/left, the larger on bottom/right).
        data_format: None or 'channels_last' (default; 'channels_first' is not supported).
        dilation_rate: only 1 / (1, 1) is supported (default (1, 1)).
        groups: only 1 is supported (default 1).
        activation: name or function of ``numnet.activations`` (default None: linear).
        use_bias: whether to add the bias ``b`` (default True).
        kernel_initializer: initializer of ``W`` (default 'glorot_uniform').
        bias_initializer: initializer of ``b`` (default 'zeros').
        kernel_regularizer: penalty on ``W`` added to the loss, e.g. 'l2' (default None).
        bias_regularizer: penalty on ``b`` (default None).
        activity_regularizer, kernel_constraint, bias_constraint: only None is supported.
        **kwargs: ``name``, ``input_shape``, ``trainable``, ``dtype``.

    Shapes: input ``(batch, height, width, in_channels)``, kernel
    ``(kh, kw, in_channels, filters)``, bias ``(filters,)``, output
    ``(batch, out_height, out_width, filters)``. Parameters: ``kh*kw*in_channels*filters +
    filters``, e.g. ``Conv2D(32, 3)`` on 1 channel has 320.
    """

    rank = 2

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate, groups=groups,
                         activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer,
                         bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                         **kwargs)


class Conv1D(_Conv):
    """1-D convolution (sequences): ``y = activation(conv1d(x, W) + b)``, channels_last.

    Args:
        filters: the number of output channels (a positive integer).
        kernel_size: the window length (int or a 1-tuple).
        strides: the step between windows (default 1).
        padding: ``'valid'`` (default), ``'same'`` (``out = ceil(steps / strides)``) or
            ``'causal'`` (``kernel_size - 1`` zeros before the sequence, so output ``t`` sees
            only inputs up to ``t``).
        data_format: None or 'channels_last' (default; 'channels_first' is not supported).
        dilation_rate: only 1 is supported (default 1).
        groups: only 1 is supported (default 1).
        activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
        bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint: as in
            ``Conv2D`` (same defaults).
        **kwargs: ``name``, ``input_shape``, ``trainable``, ``dtype``.

    Shapes: input ``(batch, steps, in_channels)``, kernel ``(k, in_channels, filters)``, bias
    ``(filters,)``, output ``(batch, out_steps, filters)``.
    """

    rank = 1

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate, groups=groups,
                         activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer,
                         bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                         **kwargs)
