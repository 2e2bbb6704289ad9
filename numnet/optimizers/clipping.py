"""Gradient clipping as Keras 3 does it: per weight by norm, globally by norm, or by value.

The functions never modify a gradient someone else holds: they write into ``out`` (a
preallocated work array of the same shape) and return it, or return the gradient itself when
nothing needs to change. Norms are summed in float64 so that a weight's norm does not depend
on where the weight sits in memory.
"""
import math

import numpy as np


def squared_norm(g):
    """``sum(g ** 2)`` as a Python float, accumulated in float64."""
    return float(np.square(g, dtype=np.float64).sum())


def clip_by_norm(g, clipnorm, out):
    """Rescale ``g`` so that its L2 norm is at most ``clipnorm``.

    ``g <- g * clipnorm / max(||g||, clipnorm)``: unchanged when ``||g|| <= clipnorm``.
    Returns ``g`` itself when unchanged, else ``out``. A NaN norm gives NaN gradients.
    """
    norm = math.sqrt(squared_norm(g))
    if norm <= clipnorm:
        return g
    np.multiply(g, clipnorm / norm, out=out)
    return out


def clip_segments_by_norm(g, segments, clipnorm, out):
    """``clip_by_norm`` applied to each ``(start, stop)`` slice of the 1-D buffer ``g``.

    Each slice is one model weight, so a flat gradient buffer is clipped exactly as the
    separate per-weight gradients would be. Elements outside every slice are copied unchanged.
    Returns ``out`` (always written in full).
    """
    np.copyto(out, g)
    for start, stop in segments:
        part = g[start:stop]
        norm = math.sqrt(squared_norm(part))
        if not norm <= clipnorm:
            np.multiply(part, clipnorm / norm, out=out[start:stop])
    return out


def global_scale(squared_norms, clipnorm):
    """The factor ``clipnorm / max(global_norm, clipnorm)`` from the per-weight squared norms.

    ``global_norm = sqrt(sum of squared norms)``. Returns 1.0 when no clipping is needed and
    NaN when the norm is not finite (as Keras, so a diverged step is not hidden).
    """
    norm = math.sqrt(math.fsum(squared_norms))
    if not math.isfinite(norm):
        return math.nan
    return 1.0 if norm <= clipnorm else clipnorm / norm


def clip_by_value(g, clipvalue, out):
    """Clamp every element of ``g`` into ``[-clipvalue, clipvalue]``; returns ``out``."""
    return np.clip(g, -clipvalue, clipvalue, out=out)
