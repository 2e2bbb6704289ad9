"""Shared helpers of the convolution and pooling layers: argument checks, padding arithmetic,
and the window gather/scatter (im2col / col2im) used by their forward and backward passes.

Everything here works on channels_last batches ``(batch, height, width, channels)``; a 1-D
layer views its ``(batch, steps, channels)`` input as ``(batch, 1, steps, channels)``.
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided

PADDINGS = ("valid", "same")


def normalize_tuple(value, n, argument, layer, allow_zero=False):
    """Return ``value`` (an int, or a list/tuple of ``n`` ints) as a tuple of ``n`` ints.

    Args:
        value: what the user passed, e.g. ``3`` or ``(3, 5)``.
        n: the length wanted (the number of spatial dimensions).
        argument: the argument's name for the error message, e.g. ``'kernel_size'``.
        layer: the class name for the error message, e.g. ``'Conv2D'``.
        allow_zero: accept 0 entries (default False: all entries must be >= 1).
    Raises:
        ValueError: naming the argument, the value received and what is allowed.
    """
    smallest = 0 if allow_zero else 1
    allowed = (f"an integer >= {smallest} or a tuple of {n} such integers"
               if n > 1 else f"an integer >= {smallest}")
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        values = (int(value),) * n
    elif isinstance(value, (list, tuple)) and len(value) == n and all(
            isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value):
        values = tuple(int(v) for v in value)
    else:
        raise ValueError(f"{layer} argument '{argument}' must be {allowed}; "
                         f"received {value!r}.")
    if any(v < smallest for v in values):
        raise ValueError(f"{layer} argument '{argument}' must be {allowed}; "
                         f"received {value!r}.")
    return values


def normalize_padding(value, layer, allowed=PADDINGS):
    """Return ``'valid'`` or ``'same'`` (or another entry of ``allowed``), case-insensitively.

    Args:
        value: what the user passed, e.g. ``'same'``.
        layer: the class name for the error message.
        allowed: the accepted names (default ``('valid', 'same')``).
    """
    if isinstance(value, str) and value.lower() in allowed:
        return value.lower()
    raise ValueError(f"{layer} argument 'padding' must be one of {', '.join(map(repr, allowed))}; "
                     f"received {value!r}.")


def normalize_data_format(value, layer):
    """Return ``'channels_last'`` for None or 'channels_last' (numnet's only layout).

    Args:
        value: what the user passed (default None means 'channels_last', as in Keras).
        layer: the class name for the error message.
    Raises:
        NotImplementedError: for 'channels_first' (valid in Keras, not supported here).
        ValueError: for anything else.
    """
    if value is None:
        return "channels_last"
    name = str(value).lower()
    if name == "channels_last":
        return name
    if name == "channels_first":
        raise NotImplementedError(
            f"{layer} argument data_format='channels_first' is not supported by numnet: only "
            f"'channels_last' (batch, height, width, channels). Keep the default (None) and "
            f"transpose your data with np.transpose(x, (0, 2, 3, 1)) if it is channels-first.")
    raise ValueError(f"{layer} argument 'data_format' must be 'channels_last' or "
                     f"'channels_first'; received {value!r}.")


def check_none_or_unsupported(value, argument, layer):
    """Raise NotImplementedError unless ``value`` is None (constraints, activity regularizers)."""
    if value is not None:
        raise NotImplementedError(f"{layer} argument '{argument}' is not supported by numnet; "
                                  f"received {value!r}. Leave it as None.")


def geometry(size, window, stride, padding):
    """Output length and padding of one spatial dimension, as Keras / TensorFlow compute them.

    * ``'valid'``: ``out = floor((size - window) / stride) + 1``, no padding.
    * ``'same'``: ``out = ceil(size / stride)``; the padding total
      ``max((out - 1) * stride + window - size, 0)`` is split with the smaller half before
      (top/left) and the larger half after (bottom/right).
    * ``'causal'`` (Conv1D): ``window - 1`` zeros before, none after, then 'valid'.

    Args:
        size: the input length (int), or None when unknown.
        window: the kernel or pool length.
        stride: the step between windows.
        padding: 'valid', 'same' or 'causal'.
    Returns:
        ``(out, pad_before, pad_after)``; ``out`` is None when ``size`` is None and may be
        <= 0 for a 'valid' window larger than the input (the caller reports it).
    """
    if padding == "causal":
        before, after = window - 1, 0
    elif padding == "same":
        if size is None:
            return None, None, None
        out = -(-size // stride)
        total = max((out - 1) * stride + window - size, 0)
        before, after = total // 2, total - total // 2
    else:
        before, after = 0, 0
    if size is None:
        return None, before, after
    return (size + before + after - window) // stride + 1, before, after


def output_shape_2d(layer, input_shape, window, strides, padding, channels):
    """Output shape ``(batch, out_h, out_w, channels)`` of a 2-D window layer.

    Args:
        layer: the layer (its class and name go into the error message).
        input_shape: ``(batch, height, width, in_channels)``, entries may be None.
        window: ``(kh, kw)``; strides: ``(sh, sw)``; padding: 'valid'/'same'/'causal'.
        channels: the output channel count.
    Raises:
        ValueError: when the input is not 4-D or a 'valid' window does not fit.
    """
    check_rank(layer, input_shape, 4, "(batch, height, width, channels)")
    out = tuple(geometry(n, k, s, padding)[0] for n, k, s in zip(input_shape[1:3], window, strides))
    if any(o is not None and o <= 0 for o in out):
        raise ValueError(
            f"{type(layer).__name__} layer '{layer.name}': the input's spatial size "
            f"{tuple(input_shape[1:3])} is smaller than the window {tuple(window)} with "
            f"padding='{padding}', so the output would be empty (computed {out}). Use "
            f"padding='same', a smaller kernel/pool size, or a larger input.")
    return (input_shape[0],) + out + (channels,)


def check_rank(layer, shape, ndim, layout):
    """Raise a ValueError naming the layer and both shapes unless ``len(shape) == ndim``."""
    if len(shape) != ndim:
        hint = ""
        if len(shape) == ndim - 1:  # e.g. (batch, 28, 28) grayscale images
            example = tuple(d for d in shape[1:]) + (1,)
            hint = (f" If each sample has one channel, add the channel axis: "
                    f"x.reshape(-1, {', '.join(map(str, example))}), or start the model with "
                    f"layers.Reshape({example}).")
        raise ValueError(f"Input of layer '{layer.name}' ({type(layer).__name__}) must be "
                         f"{ndim}-D {layout}; received shape {tuple(shape)}.{hint}")


def pad_2d(x, pads, value=0.0):
    """Return ``x`` (N, H, W, C) padded by ``pads = ((top, bottom), (left, right))``.

    Returns ``x`` itself when there is no padding; otherwise a new array filled with
    ``value`` (0 for convolutions and average pooling, -inf for max pooling).
    """
    (top, bottom), (left, right) = pads
    if not (top or bottom or left or right):
        return x
    n, h, w, c = x.shape
    out = np.full((n, h + top + bottom, w + left + right, c), value, dtype=x.dtype)
    out[:, top:top + h, left:left + w, :] = x
    return out


def crop_2d(xp, pads):
    """Inverse of ``pad_2d``: the view of ``xp`` without the padded border."""
    (top, bottom), (left, right) = pads
    if not (top or bottom or left or right):
        return xp
    return xp[:, top:xp.shape[1] - bottom, left:xp.shape[2] - right, :]


def window_slice(offset, count, stride):
    """The slice picking, along one axis, the element at ``offset`` of each of ``count``
    windows spaced ``stride`` apart: ``offset, offset + stride, ...``."""
    return slice(offset, offset + (count - 1) * stride + 1, stride)


def im2col(xp, window, strides, out_hw):
    """Gather every window of the padded batch into rows: the 'image to columns' step.

    Args:
        xp: padded input ``(N, Hp, Wp, C)``.
        window: ``(kh, kw)``; strides: ``(sh, sw)``; out_hw: ``(out_h, out_w)``.
    Returns:
        A new C-contiguous array ``(N, out_h, out_w, kh, kw, C)``: entry ``[n, i, j, a, b, c]``
        is ``xp[n, i*sh + a, j*sw + b, c]``, so ``reshape(N*out_h*out_w, kh*kw*C)`` matches a
        Keras kernel ``(kh, kw, C, filters)`` reshaped to ``(kh*kw*C, filters)``.
    """
    n, _, _, c = xp.shape
    (kh, kw), (sh, sw), (oh, ow) = window, strides, out_hw
    if c >= 8:  # wide rows: one strided copy of a windowed view is fastest
        s0, s1, s2, s3 = xp.strides
        view = as_strided(xp, (n, oh, ow, kh, kw, c), (s0, s1 * sh, s2 * sw, s1, s2, s3),
                          writeable=False)
        return np.ascontiguousarray(view)
    cols = np.empty((n, oh, ow, kh, kw, c), dtype=xp.dtype)  # few channels: copy per offset
    for a in range(kh):
        for b in range(kw):
            cols[:, :, :, a, b, :] = xp[:, window_slice(a, oh, sh), window_slice(b, ow, sw), :]
    return cols


def col2im(dcols, padded_shape, strides):
    """Scatter-add window rows back onto the padded input: the adjoint of ``im2col``.

    Args:
        dcols: ``(N, out_h, out_w, kh, kw, C)`` gradients of the gathered windows.
        padded_shape: ``(N, Hp, Wp, C)``.
        strides: ``(sh, sw)``.
    Returns:
        ``(N, Hp, Wp, C)``: each input element receives the sum over every window holding it,
        ``dxp[n, i*sh + a, j*sw + b, c] += dcols[n, i, j, a, b, c]`` (one strided add per
        kernel offset ``(a, b)``, vectorised over all pixels).
    """
    _, oh, ow, kh, kw, _ = dcols.shape
    sh, sw = strides
    dxp = np.zeros(padded_shape, dtype=dcols.dtype)
    for a in range(kh):
        for b in range(kw):
            dxp[:, window_slice(a, oh, sh), window_slice(b, ow, sw), :] += dcols[:, :, :, a, b, :]
    return dxp


def conv_input_gradient_stride1(grad_z, kernel, pads):
    """``dL/dx`` of a stride-1 convolution as a transposed convolution (no scatter-add).

    With stride 1, ``dx[n, p, q, c] = sum_{a, b, f} dz[n, p + top - a, q + left - b, f]
    * W[a, b, c, f]``: the 'full' correlation of ``dz`` with the kernel rotated by 180 degrees
    and with its channel axes swapped, computed as im2col plus one matrix product.

    Args:
        grad_z: ``(N, out_h, out_w, F)``, the gradient before the activation.
        kernel: ``(kh, kw, C, F)``.
        pads: the forward padding ``((top, bottom), (left, right))``, each < the kernel size.
    Returns:
        ``(N, H, W, C)`` with ``H = out_h + kh - 1 - top - bottom`` (the input's size).
    """
    kh, kw, c, f = kernel.shape
    (top, bottom), (left, right) = pads
    dzp = pad_2d(grad_z, ((kh - 1 - top, kh - 1 - bottom), (kw - 1 - left, kw - 1 - right)))
    n, hp, wp, _ = dzp.shape
    out_hw = (hp - kh + 1, wp - kw + 1)
    rotated = np.ascontiguousarray(kernel[::-1, ::-1].transpose(0, 1, 3, 2)).reshape(-1, c)
    cols = im2col(dzp, (kh, kw), (1, 1), out_hw).reshape(-1, kh * kw * f)
    return (cols @ rotated).reshape((n,) + out_hw + (c,))


def matmul_into(a, b, out):
    """``out[...] = a @ b`` written into ``out`` in place (``out`` may have any shape of the
    same size, e.g. a conv kernel gradient ``(kh, kw, C, F)`` for an ``(kh*kw*C, F)`` product)."""
    shape = (a.shape[0], b.shape[1])
    if out.flags.c_contiguous:
        np.matmul(a, b, out=out.reshape(shape))
    else:
        out[...] = (a @ b).reshape(out.shape)


def pads_and_output(sizes, window, strides, padding):
    """``((top, bottom), (left, right))`` and ``(out_h, out_w)`` for the spatial ``sizes``
    (see ``geometry``)."""
    pads, out = [], []
    for size, k, s in zip(sizes, window, strides):
        o, before, after = geometry(size, k, s, padding)
        pads.append((before, after))
        out.append(o)
    return tuple(pads), tuple(out)

