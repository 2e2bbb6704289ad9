"""The course's figures: training curves, activation functions, decision boundaries, gradients,
and for CNNs: convolution kernels, feature maps and weight histograms.

Every function builds one matplotlib ``Figure``, returns it, and also saves it when ``to_file``
is given (the format follows the extension: ``.png``, ``.pdf``, ``.svg``...). Figures are made
with ``pyplot``, so ``plt.show()`` and notebooks display them as usual; on a machine without a
display the non-interactive ``Agg`` backend is used.

Korean (and other CJK) text such as ``title='패션 MNIST 모델'`` is drawn with an installed CJK
font (Noto Sans CJK, NanumGothic, Malgun Gothic, AppleGothic, ... see ``CJK_FONT_FAMILIES``),
used as the fallback for the glyphs the usual sans-serif font lacks. Where none is installed
the text degrades to empty boxes quietly, without matplotlib's missing-glyph warnings.
"""
import contextlib
import inspect
import logging
import numbers
import os
import sys
import warnings

import numpy as np

from numnet.utils.naming import unknown_name_error

# Font families that contain Hangul, best first (Korean fonts, then pan-CJK ones).
CJK_FONT_FAMILIES = (
    "Noto Sans CJK KR", "Noto Sans KR", "NanumGothic", "NanumBarunGothic", "NanumSquare",
    "Malgun Gothic", "Apple SD Gothic Neo", "AppleGothic", "Source Han Sans KR",
    "Source Han Sans K", "UnDotum", "Baekmuk Gulim", "Gulim", "Dotum", "Noto Sans CJK JP",
    "Noto Sans CJK SC", "Noto Sans CJK TC", "Source Han Sans", "Source Han Sans JP",
    "Noto Serif CJK KR", "NanumMyeongjo", "UnBatang", "Batang",
)
_GLYPH_WARNING = r"Glyph \d+ .*missing from"
_NO_FONT = object()
_cjk_font_cache = None


# --------------------------------------------------------------------------- matplotlib setup
def _pyplot():
    """Import pyplot, switching to ``Agg`` when a GUI backend is set but no display exists."""
    import matplotlib

    try:  # the configured backend, without triggering matplotlib's automatic choice
        backend = matplotlib.rcParams._get_backend_or_none()
    except AttributeError:
        backend = None
    gui = isinstance(backend, str) and backend.lower().startswith(("tk", "qt", "gtk", "wx"))
    if gui and sys.platform.startswith("linux") and not (
            os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _integer_ticks(axis):
    """Only whole numbers on ``axis`` (epochs)."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def cjk_font():
    """The name of an installed font family that can draw Hangul, or None when there is none."""
    global _cjk_font_cache
    if _cjk_font_cache is None:
        from matplotlib import font_manager

        installed = {entry.name for entry in font_manager.fontManager.ttflist}
        found = next((name for name in CJK_FONT_FAMILIES if name in installed), None)
        _cjk_font_cache = _NO_FONT if found is None else found
    return None if _cjk_font_cache is _NO_FONT else _cjk_font_cache


@contextlib.contextmanager
def _text_context():
    """rcParams with a CJK fallback font (when one exists); missing-glyph warnings silenced."""
    import matplotlib

    font = cjk_font()
    rc = {}
    if font:
        # Latin, digits and the minus sign from the usual font; Hangul falls back to ``font``.
        rc = {"font.family": ["sans-serif", font]}
        # Korean fonts often come in weights 400 and 600 only (NanumGothic): bold text then
        # makes matplotlib log "findfont: Failed to find font weight bold ... now using 600"
        # on every first draw (later redraws too), though that fallback is exactly right.
        # Drop that one message; addFilter ignores a filter already added.
        logging.getLogger("matplotlib.font_manager").addFilter(_drop_weight_fallback_message)
    else:
        # Keep later redraws (plt.show(), notebooks) quiet too: boxes instead of Hangul are the
        # expected, documented degradation where no CJK font is installed.
        warnings.filterwarnings("ignore", message=_GLYPH_WARNING, category=UserWarning)
    with matplotlib.rc_context(rc), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_GLYPH_WARNING, category=UserWarning)
        yield


def _drop_weight_fallback_message(record):
    """A ``logging`` filter: False (drop) for matplotlib's font-weight fallback notice."""
    return "Failed to find font weight" not in str(record.msg)


def _finish(fig, to_file):
    """Lay out ``fig``, save it when ``to_file`` is given, return it (inside ``_text_context``)."""
    fig.tight_layout()
    if to_file is not None:
        save_figure(fig, to_file, dpi=100)
    return fig


def check_to_file(to_file, fig=None, argument="to_file"):
    """Validate a figure path; return ``(path, format)`` (format from the extension, else png).

    Args:
        to_file: a ``str`` or ``os.PathLike`` path such as ``'model.png'``.
        fig: a ``Figure`` whose canvas lists the formats it can write, or None (default) for
            the formats of matplotlib's default canvas.
        argument: the argument name used in error messages (default ``'to_file'``).
    """
    if not isinstance(to_file, (str, os.PathLike)):
        raise TypeError(f"{argument} must be a file path or None; received {to_file!r}.")
    path = os.fspath(to_file)
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if not path or os.path.basename(path) in ("", ".", ".."):
        raise ValueError(f"{argument} must name a file, such as 'model.png'; received {path!r}.")
    extension = os.path.splitext(path)[1][1:].lower()
    if fig is not None:
        formats = fig.canvas.get_supported_filetypes()
    else:
        from matplotlib.backend_bases import FigureCanvasBase

        formats = FigureCanvasBase.get_supported_filetypes()
    fmt = extension or "png"
    if fmt not in formats:
        raise ValueError(f"{argument} {path!r} has the extension '.{extension}', which matplotlib "
                         f"cannot write. Use one of: {', '.join(sorted(formats))} (e.g. "
                         f"'model.png', 'model.pdf' or 'model.svg').")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"{argument} {path!r}: the folder {folder!r} does not exist; "
                                f"create it first (os.makedirs) or choose another path.")
    return path, fmt


def save_figure(fig, to_file, dpi=100, argument="to_file"):
    """Save ``fig`` to ``to_file`` atomically (``numnet.saving.atomic.atomic_write``: a
    temporary file in the same folder, flushed and synced, then renamed over the target), so
    an interrupted save never leaves half a file and a failed one keeps the old file.

    Args:
        fig: the matplotlib ``Figure``.
        to_file: the path; its extension picks the format (``.png``, ``.pdf``, ``.svg``...;
            none: PNG written under exactly that name).
        dpi: dots per inch for raster formats (default 100). Lowered when needed so that
            neither side exceeds the 65,000 pixels matplotlib can rasterise.
        argument: the argument name used in error messages (default ``'to_file'``).
    Returns:
        The path written, as a string.
    """
    from numnet.saving.atomic import atomic_write

    path, fmt = check_to_file(to_file, fig, argument)
    width, height = fig.get_size_inches()
    dpi = min(float(dpi), 65000.0 / max(width, height, 1e-9))
    with atomic_write(path, "wb") as handle:
        fig.savefig(handle, format=fmt, dpi=dpi)
    return path


# ------------------------------------------------------------------------------ plot_history
def plot_history(history, metrics=None, to_file=None, title=None):
    """Plot training curves (and validation curves when present), one panel per metric.

    Args:
        history: the ``History`` object returned by ``model.fit`` (its ``.history`` dict is
            used) or such a dict: metric name -> list of per-epoch values, e.g.
            ``{'loss': [...], 'accuracy': [...], 'val_loss': [...], 'val_accuracy': [...]}``.
        metrics: a metric name or a list of them (``'loss'``, ``'accuracy'``...), or None
            (default) for every metric in the history except the learning rate. The
            ``val_`` curve of each metric is drawn in the same panel when present.
        to_file: path to save the figure to, or None (default).
        title: figure title (Korean text works), or None (default).
    Returns:
        The matplotlib ``Figure`` (one row of panels).
    """
    values = _history_dict(history)
    names = _history_metrics(values, metrics)
    plt = _pyplot()
    with _text_context():
        fig, axes = plt.subplots(1, len(names), figsize=(5 * len(names), 4), squeeze=False)
        for ax, name in zip(axes[0], names):
            for key, label in ((name, "training"), ("val_" + name, "validation")):
                if key in values:
                    curve = values[key]
                    marker = "o" if len(curve) <= 30 else None
                    ax.plot(np.arange(1, len(curve) + 1), curve, marker=marker, markersize=4,
                            label=label)
            ax.set_title(name)
            ax.set_xlabel("epoch")
            _integer_ticks(ax.xaxis)
            ax.set_ylabel(name)
            ax.grid(alpha=0.3)
            ax.legend()
        if title is not None:
            fig.suptitle(str(title))
        return _finish(fig, to_file)


def _history_dict(history):
    values = getattr(history, "history", history)
    if not isinstance(values, dict):
        raise TypeError("plot_history: history must be a History object (from model.fit) or a "
                        f"dict of metric name -> list of values; received {type(history).__name__}.")
    if not values:
        raise ValueError("plot_history: the history is empty; train with model.fit first.")
    result = {}
    for key, curve in values.items():
        try:
            result[key] = np.asarray(curve, dtype=np.float64).reshape(-1)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"plot_history: history[{key!r}] must be a list of numbers; "
                            f"received {curve!r}.") from exc
    return result


def _history_metrics(values, metrics):
    available = []
    for key in values:
        base = key[4:] if key.startswith("val_") else key
        if base not in available:
            available.append(base)
    if metrics is None:
        names = [n for n in available if n not in ("learning_rate", "lr")] or available
        return sorted(names, key=lambda n: n != "loss")  # loss first, others in fit order
    names = [metrics] if isinstance(metrics, str) else list(metrics)
    if not names:
        raise ValueError("plot_history: metrics is empty; give at least one name or None.")
    chosen = []
    for name in names:
        base = name[4:] if isinstance(name, str) and name.startswith("val_") \
            and name[4:] in available else name
        if base not in available:
            raise unknown_name_error("metric in the history", name, available)
        chosen.append(base)
    return chosen


# --------------------------------------------------------------------------- plot_activations
def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


ACTIVATION_FORMULAS = {
    "step": lambda x: (x > 0).astype(x.dtype),            # 1 if x > 0 else 0
    "sign": np.sign,                                       # -1, 0 or 1
    "linear": lambda x: x,
    "sigmoid": _sigmoid,                                   # 1 / (1 + e^-x)
    "hard_sigmoid": lambda x: np.clip((x + 3.0) / 6.0, 0.0, 1.0),
    "tanh": np.tanh,
    "relu": lambda x: np.maximum(x, 0.0),
    "leaky_relu": lambda x: np.where(x > 0, x, 0.2 * x),  # Keras default slope 0.2
    "elu": lambda x: np.where(x > 0, x, np.expm1(np.minimum(x, 0.0))),
    "selu": lambda x: 1.0507009873554805 * np.where(
        x > 0, x, 1.6732632423543772 * np.expm1(np.minimum(x, 0.0))),
    "softplus": lambda x: np.logaddexp(0.0, x),           # log(1 + e^x)
    "softsign": lambda x: x / (1.0 + np.abs(x)),
    "silu": lambda x: x * _sigmoid(x),
    "swish": lambda x: x * _sigmoid(x),
    "gelu": lambda x: 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x**3))),
    "softmax": None,  # drawn as bars: softmax of a score vector
}
_SOFTMAX_SCORES = np.array([2.0, 1.0, 0.1])


def plot_activations(names=("step", "sign", "sigmoid", "tanh", "relu", "softmax"),
                     to_file=None):
    """Draw activation functions side by side on ``x`` in ``[-5, 5]``.

    ``softmax`` acts on a vector, not on one number, so its panel shows the probabilities
    softmax gives to the scores ``[2.0, 1.0, 0.1]``.

    Args:
        names: a name or a sequence of names among ``step``, ``sign``, ``linear``,
            ``sigmoid``, ``hard_sigmoid``, ``tanh``, ``relu``, ``leaky_relu``, ``elu``,
            ``selu``, ``softplus``, ``softsign``, ``silu``/``swish``, ``gelu``, ``softmax``
            (default ``('step', 'sign', 'sigmoid', 'tanh', 'relu', 'softmax')``).
        to_file: path to save the figure to, or None (default).
    Returns:
        The matplotlib ``Figure`` (one row of panels).
    """
    names = [names] if isinstance(names, str) else list(names)
    if not names:
        raise ValueError("plot_activations: names is empty; give at least one activation name.")
    for name in names:
        if name not in ACTIVATION_FORMULAS:
            raise unknown_name_error("activation to plot", name, ACTIVATION_FORMULAS)
    x = np.linspace(-5.0, 5.0, 501)
    plt = _pyplot()
    with _text_context():
        fig, axes = plt.subplots(1, len(names), figsize=(3 * len(names), 3), squeeze=False)
        for ax, name in zip(axes[0], names):
            if name == "softmax":
                z = _SOFTMAX_SCORES
                p = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
                ax.bar([f"z={v:g}" for v in z], p, color="tab:blue")
                for i, v in enumerate(p):
                    ax.text(i, v, f"{v:.2f}", ha="center", va="bottom")
                ax.set_ylim(0, 1.05)
            else:
                ax.plot(x, ACTIVATION_FORMULAS[name](x), color="tab:blue")
                ax.axhline(0, color="gray", linewidth=0.5)
                ax.axvline(0, color="gray", linewidth=0.5)
            ax.set_title(name)
            ax.grid(alpha=0.3)
        return _finish(fig, to_file)


# --------------------------------------------------------------------- plot_decision_boundary
def plot_decision_boundary(model, x, y, to_file=None, resolution=200, title=None):
    """Colour the plane by the class ``model`` predicts and scatter the data on top (2-D input).

    Args:
        model: an object with ``predict(x)`` (a numnet or Keras model; ``verbose=0`` is passed
            when accepted), or a plain function ``f(x)``. Given ``(M, 2)`` points it must
            return probabilities of shape ``(M,)`` or ``(M, 1)`` (binary, threshold 0.5) or
            ``(M, C)`` (one column per class).
        x: the inputs, shape ``(N, 2)``.
        y: the labels, shape ``(N,)`` / ``(N, 1)`` integers, or one-hot ``(N, C)``.
        to_file: path to save the figure to, or None (default).
        resolution: grid points per axis, an integer >= 2 (default 200).
        title: figure title, or None (default).
    Returns:
        The matplotlib ``Figure``.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != 2 or len(x) == 0:
        raise ValueError("plot_decision_boundary: x must have shape (N, 2) with N >= 1 (two "
                         f"input features); received shape {x.shape}.")
    labels = _labels_1d(y, len(x))
    if isinstance(resolution, bool) or not isinstance(resolution, numbers.Integral) \
            or resolution < 2:
        raise ValueError("plot_decision_boundary: resolution must be an integer >= 2; "
                         f"received {resolution!r}.")
    lo, hi = x.min(axis=0), x.max(axis=0)
    pad = np.maximum((hi - lo) * 0.1, 0.5)
    gx, gy = np.meshgrid(np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution),
                         np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution))
    grid = np.column_stack([gx.ravel(), gy.ravel()]).astype(np.float32)
    probs = _predict(model, grid)
    plt = _pyplot()
    with _text_context():
        fig, ax = plt.subplots(figsize=(6, 5))
        if probs.shape[1] == 1:
            surface = probs[:, 0].reshape(gx.shape)
            filled = ax.contourf(gx, gy, surface, levels=np.linspace(0, 1, 11), cmap="RdBu_r",
                                 alpha=0.5, extend="both")
            ax.contour(gx, gy, surface, levels=[0.5], colors="k", linewidths=1)
            fig.colorbar(filled, ax=ax, label="P(class 1)")
            cmap, n_classes = "RdBu_r", 2
        else:
            n_classes = probs.shape[1]
            surface = probs.argmax(axis=1).reshape(gx.shape)
            cmap = "tab10" if n_classes <= 10 else "tab20"
            ax.contourf(gx, gy, surface, levels=np.arange(n_classes + 1) - 0.5, cmap=cmap,
                        alpha=0.35, vmin=-0.5, vmax=max(n_classes, 10) - 0.5)
        ax.scatter(x[:, 0], x[:, 1], c=labels, cmap=cmap, edgecolors="k", s=25,
                   vmin=0 if probs.shape[1] == 1 else -0.5,
                   vmax=1 if probs.shape[1] == 1 else max(n_classes, 10) - 0.5)
        ax.set_xlabel("x[:, 0]")
        ax.set_ylabel("x[:, 1]")
        if title is not None:
            ax.set_title(str(title))
        return _finish(fig, to_file)


def _labels_1d(y, n):
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        y = y.argmax(axis=1)
    y = y.reshape(-1) if y.ndim == 2 and y.shape[1] == 1 else y
    if y.ndim != 1 or len(y) != n:
        raise ValueError(f"plot_decision_boundary: y must hold one label per sample of x ({n}); "
                         f"received shape {np.shape(y)}.")
    return y


def _predict(model, grid):
    predict = getattr(model, "predict", None)
    if predict is None and callable(model):
        predict = model
    if not callable(predict):
        raise TypeError("plot_decision_boundary: model must have a predict(x) method or be a "
                        f"function; received {type(model).__name__}.")
    try:
        params = inspect.signature(predict).parameters
        quiet = "verbose" in params or any(
            p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    except (TypeError, ValueError):
        quiet = False
    out = np.asarray(predict(grid, verbose=0) if quiet else predict(grid), dtype=np.float64)
    if out.ndim == 1:
        out = out[:, None]
    if out.ndim != 2 or len(out) != len(grid):
        raise ValueError(f"plot_decision_boundary: model.predict returned shape {out.shape} for "
                         f"{len(grid)} points; expected ({len(grid)},), ({len(grid)}, 1) or "
                         f"({len(grid)}, C).")
    return out


# ------------------------------------------------------------------------ plot_gradient_norms
def plot_gradient_norms(norms, to_file=None, title=None, log_scale=True):
    """Plot the gradient magnitude of each layer over training (to see vanishing gradients).

    Args:
        norms: dict layer name -> list of per-epoch (or per-step) gradient magnitudes, or a
            ``GradientNormRecorder`` callback (its ``.norms`` are used).
        to_file: path to save the figure to, or None (default).
        title: figure title, or None (default).
        log_scale: logarithmic y axis when every value is positive (default True): vanishing
            gradients differ by orders of magnitude between layers.
    Returns:
        The matplotlib ``Figure``.
    """
    norms = getattr(norms, "norms", norms)
    if not isinstance(norms, dict):
        raise TypeError("plot_gradient_norms: norms must be a dict layer name -> list of values "
                        f"or a GradientNormRecorder; received {type(norms).__name__}.")
    curves = {}
    for name, curve in norms.items():
        try:
            curves[name] = np.asarray(curve, dtype=np.float64).reshape(-1)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"plot_gradient_norms: norms[{name!r}] must be a list of numbers; "
                            f"received {curve!r}.") from exc
    if not curves or not any(c.size for c in curves.values()):
        raise ValueError("plot_gradient_norms: norms is empty; record gradients during fit "
                         "with GradientNormRecorder first.")
    plt = _pyplot()
    with _text_context():
        fig, ax = plt.subplots(figsize=(7, 4))
        for name, curve in curves.items():
            marker = "o" if len(curve) <= 30 else None
            ax.plot(np.arange(1, len(curve) + 1), curve, marker=marker, markersize=4,
                    label=str(name))
        finite = np.concatenate([c[np.isfinite(c)] for c in curves.values()])
        if log_scale and finite.size and np.all(finite > 0):
            ax.set_yscale("log")
        ax.set_xlabel("epoch")
        _integer_ticks(ax.xaxis)
        ax.set_ylabel("mean |gradient|")
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small")
        if title is not None:
            ax.set_title(str(title))
        return _finish(fig, to_file)


# ------------------------------------------------------------------ CNN: kernels, feature maps
def _weight_array(obj, argument, caller):
    """An array from a Variable (``.numpy()``), a layer (its kernel) or anything array-like."""
    if hasattr(obj, "layers") and not isinstance(obj, np.ndarray):
        raise TypeError(f"{caller}: {argument} must be a layer, a weight Variable or an array, "
                        f"not a whole model; pass one layer, e.g. model.layers[0].")
    if hasattr(obj, "weights") and not hasattr(obj, "numpy") and not isinstance(obj, np.ndarray):
        kernel = getattr(obj, "kernel", None)
        if kernel is None:
            weights = list(obj.weights)
            if not weights:
                name = getattr(obj, "name", type(obj).__name__)
                raise ValueError(f"{caller}: layer '{name}' has no weights yet; build the model "
                                 f"(give it an Input or call fit) before plotting its weights.")
            kernel = weights[0]
        obj = kernel
    if hasattr(obj, "numpy") and callable(obj.numpy):
        obj = obj.numpy()
    try:
        array = np.asarray(obj, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{caller}: {argument} must be a layer, a weight Variable or an array of "
                        f"numbers; received {type(obj).__name__}.") from exc
    return array


def _conv_kernel(layer_or_weights, caller):
    """The 4-D kernel ``(kh, kw, in, out)`` of a Conv2D layer / model / Variable / array, and a
    name for titles (or None)."""
    source = layer_or_weights
    if hasattr(source, "layers") and not isinstance(source, np.ndarray):  # a model
        found = None
        for layer in source.layers:
            kernel = getattr(layer, "kernel", None)
            if kernel is not None and len(getattr(kernel, "shape", ())) == 4:
                found = layer
                break
        if found is None:
            raise ValueError(f"{caller}: model '{getattr(source, 'name', '?')}' has no built "
                             f"layer with a 4-D convolution kernel (kh, kw, in, out); pass a "
                             f"Conv2D layer or its kernel array.")
        source = found
    name = getattr(source, "name", None) if not isinstance(source, np.ndarray) else None
    kernel = _weight_array(source, "layer_or_weights", caller)
    if kernel.ndim != 4:
        hint = " (that looks like a Dense kernel (in, out))" if kernel.ndim == 2 else ""
        raise ValueError(f"{caller}: layer_or_weights must be a Conv2D layer or a kernel of "
                         f"shape (kh, kw, in_channels, filters); received shape "
                         f"{kernel.shape}{hint}.")
    if kernel.size == 0:
        raise ValueError(f"{caller}: the kernel of shape {kernel.shape} is empty.")
    return kernel, (name if isinstance(name, str) else None)


def _positive_int(value, argument, caller, allow_none=False):
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        allowed = "a positive integer or None" if allow_none else "a positive integer"
        raise ValueError(f"{caller}: {argument} must be {allowed}; received {value!r}.")
    return int(value)


def _colormap(cmap, caller):
    import matplotlib

    if isinstance(cmap, matplotlib.colors.Colormap):
        return cmap
    if not isinstance(cmap, str) or cmap not in matplotlib.colormaps:
        raise ValueError(f"{caller}: cmap must be a matplotlib colormap name such as 'gray', "
                         f"'bwr', 'RdBu_r', 'viridis', or a Colormap; received {cmap!r}.")
    return matplotlib.colormaps[cmap]


def _image_grid(plt, count, ncols, cell=1.0, extra_width=0.0, layout=None):
    """A figure with room for ``count`` image panels in rows of ``ncols``, ticks removed."""
    ncols = min(ncols, count)
    nrows = -(-count // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(cell * ncols + extra_width,
                                                    cell * nrows + 0.6), squeeze=False,
                             layout=layout)
    for ax in axes.ravel():
        ax.set_xticks([])
        ax.set_yticks([])
    return fig, axes


def plot_conv_kernels(layer_or_weights, to_file=None, max_filters=32, cmap="bwr", channel=0,
                      vmax=None, ncols=16, title=None):
    """Draw the kernels of a convolution layer as small images, one per filter.

    Colours are symmetric around zero (``vmin=-vmax``), one scale for every panel, so that
    positive weights (red with ``'bwr'``) and negative ones (blue) compare across filters, as in
    the course's ``imshow(conv_weights[:, :, 0, i], vmin=-0.5, vmax=0.5)``.

    Args:
        layer_or_weights: a ``Conv2D`` layer (its ``kernel``), a model (its first layer with a
            4-D kernel), a weight ``Variable``, or an array of shape
            ``(kernel_height, kernel_width, in_channels, filters)`` (the Keras layout).
        to_file: path to save the figure to, or None (default).
        max_filters: draw at most this many filters, the first ones (default 32).
        cmap: a matplotlib colormap name or object (default ``'bwr'``: blue negative, white
            zero, red positive).
        channel: which input channel of each filter to draw (default 0: the only one for
            grayscale images), or None for every input channel: then each channel gets its own
            row of panels, labelled ``ch 0``, ``ch 1``...
        vmax: the weight drawn with the strongest colour, or None (default) for the largest
            absolute weight drawn; the colour range is ``[-vmax, vmax]``.
        ncols: panels per row (default 16, as in the course's 2 x 16 grid); ignored when
            ``channel`` is None (one row per channel).
        title: figure title, or None (default) for ``'<layer name> kernels (kh x kw, ...)'``.
    Returns:
        The matplotlib ``Figure`` (a grid of image panels and one colour bar).
    """
    caller = "plot_conv_kernels"
    kernel, name = _conv_kernel(layer_or_weights, caller)
    kh, kw, channels, filters = kernel.shape
    max_filters = _positive_int(max_filters, "max_filters", caller)
    ncols = _positive_int(ncols, "ncols", caller)
    if channel is not None:
        if isinstance(channel, bool) or not isinstance(channel, numbers.Integral) \
                or not -channels <= channel < channels:
            raise ValueError(f"{caller}: channel must be an input channel index in "
                             f"[0, {channels - 1}] or None for all {channels}; "
                             f"received {channel!r}.")
        channel = int(channel) % channels
    colormap = _colormap(cmap, caller)
    shown = min(filters, max_filters)
    picked = kernel[:, :, :, :shown] if channel is None else kernel[:, :, channel:channel + 1,
                                                                  :shown]
    finite = picked[np.isfinite(picked)]
    if vmax is None:
        vmax = float(np.max(np.abs(finite))) if finite.size else 1.0
    elif isinstance(vmax, bool) or not isinstance(vmax, numbers.Real) or not vmax > 0:
        raise ValueError(f"{caller}: vmax must be a positive number or None; received {vmax!r}.")
    vmax = float(vmax) if vmax > 0 else 1.0
    plt = _pyplot()
    with _text_context():
        if channel is None:
            fig, axes = plt.subplots(channels, shown, squeeze=False, layout="constrained",
                                     figsize=(0.8 * shown + 1.2, 0.8 * channels + 0.8))
            for ax in axes.ravel():
                ax.set_xticks([])
                ax.set_yticks([])
            for c in range(channels):
                for f in range(shown):
                    image = axes[c, f].imshow(picked[:, :, c, f], cmap=colormap, vmin=-vmax,
                                              vmax=vmax, interpolation="nearest")
                    if c == 0:
                        axes[c, f].set_title(str(f), fontsize=7)
                axes[c, 0].set_ylabel(f"ch {c}", fontsize=7)
        else:
            fig, axes = _image_grid(plt, shown, ncols, cell=0.8, extra_width=0.8,
                                    layout="constrained")
            flat = axes.ravel()
            for f in range(shown):
                image = flat[f].imshow(picked[:, :, 0, f], cmap=colormap, vmin=-vmax, vmax=vmax,
                                       interpolation="nearest")
                flat[f].set_title(str(f), fontsize=7)
            for ax in flat[shown:]:
                ax.set_axis_off()
        fig.colorbar(image, ax=axes.ravel().tolist(), shrink=0.8, label="weight")
        if title is None:
            where = "all input channels" if channel is None else f"input channel {channel}"
            more = f", first {shown} of {filters} filters" if shown < filters else ""
            title = f"{name + ' ' if name else ''}kernels ({kh}x{kw}, {where}{more})"
        fig.suptitle(str(title))
        if to_file is not None:
            save_figure(fig, to_file, dpi=100)
        return fig


def plot_feature_maps(feature_maps, to_file=None, max_maps=32, cmap="gray", ncols=8, sample=0,
                      title=None):
    """Draw the feature maps (activations) of a convolution layer, one small image per channel.

    Typical use, as in the course: a model that outputs the first Conv2D layer's activations,
    ``conv_acti = keras.Model(model.inputs, model.layers[0].output)``, then
    ``plot_feature_maps(conv_acti.predict(image[None]))``. Each map gets its own colour scale
    (bright = strong activation), like ``plt.imshow`` does by default.

    Args:
        feature_maps: an array of shape ``(batch, height, width, channels)`` (channels_last;
            ``sample`` picks the image), ``(height, width, channels)`` or ``(height, width)``.
        to_file: path to save the figure to, or None (default).
        max_maps: draw at most this many channels, the first ones (default 32).
        cmap: a matplotlib colormap name or object (default ``'gray'``).
        ncols: panels per row (default 8, as in the course's 4 x 8 grid).
        sample: which image of a batch to draw (default 0).
        title: figure title, or None (default) for ``'feature maps (H x W, C channels)'``.
    Returns:
        The matplotlib ``Figure`` (a grid of image panels).
    """
    caller = "plot_feature_maps"
    maps = _weight_array(feature_maps, "feature_maps", caller)
    max_maps = _positive_int(max_maps, "max_maps", caller)
    ncols = _positive_int(ncols, "ncols", caller)
    if maps.ndim == 4:
        if isinstance(sample, bool) or not isinstance(sample, numbers.Integral) \
                or not -len(maps) <= sample < len(maps):
            raise ValueError(f"{caller}: sample must be an index into the batch of "
                             f"{len(maps)} image(s); received {sample!r}.")
        maps = maps[int(sample)]
    elif maps.ndim == 2:
        maps = maps[:, :, None]
    if maps.ndim != 3 or 0 in maps.shape:
        raise ValueError(f"{caller}: feature_maps must have shape (batch, height, width, "
                         f"channels), (height, width, channels) or (height, width); received "
                         f"shape {np.shape(feature_maps)}.")
    colormap = _colormap(cmap, caller)
    height, width, channels = maps.shape
    shown = min(channels, max_maps)
    plt = _pyplot()
    with _text_context():
        fig, axes = _image_grid(plt, shown, ncols, cell=1.4)
        flat = axes.ravel()
        for c in range(shown):
            flat[c].imshow(maps[:, :, c], cmap=colormap, interpolation="nearest")
            flat[c].set_title(str(c), fontsize=7)
        for ax in flat[shown:]:
            ax.set_axis_off()
        if title is None:
            more = f", first {shown} shown" if shown < channels else ""
            title = f"feature maps ({height}x{width}, {channels} channels{more})"
        fig.suptitle(str(title))
        return _finish(fig, to_file)


def plot_weight_histogram(weights, to_file=None, bins="auto", title=None):
    """Histogram of weight values, with their mean and standard deviation.

    The course compares a Conv2D kernel before and after training this way: training spreads
    the weights out from the narrow initial distribution. Pass a dict to overlay several.

    Args:
        weights: a layer (its kernel), a weight ``Variable``, an array of any shape, or a dict
            label -> one of those to overlay, e.g. ``{'before': w0, 'after': w1}`` (same bins).
            Non-finite values (NaN, inf) are left out of the bars and counted in the title.
        to_file: path to save the figure to, or None (default).
        bins: a number of bins, a NumPy rule name such as ``'auto'`` (default) or ``'fd'``, or
            the bin edges.
        title: figure title, or None (default): the mean and standard deviation (of a single
            array; in the legend for several).
    Returns:
        The matplotlib ``Figure``.
    """
    caller = "plot_weight_histogram"
    if isinstance(weights, dict):
        if not weights:
            raise ValueError(f"{caller}: weights is an empty dict; give label -> weights.")
        groups = {str(k): _weight_array(v, f"weights[{k!r}]", caller).ravel()
                  for k, v in weights.items()}
    else:
        array = _weight_array(weights, "weights", caller).ravel()
        name = getattr(weights, "path", None) or getattr(weights, "name", None)
        groups = {name if isinstance(name, str) else "weights": array}
    finite = {k: v[np.isfinite(v)] for k, v in groups.items()}
    for label, values in finite.items():
        if values.size == 0:
            raise ValueError(f"{caller}: {label!r} has no finite values to plot (received "
                             f"{groups[label].size} values).")
    if isinstance(bins, bool) or not (isinstance(bins, (numbers.Integral, str))
                                      or np.ndim(bins) == 1):
        raise ValueError(f"{caller}: bins must be a positive integer, a NumPy rule name such as "
                         f"'auto', or a sequence of bin edges; received {bins!r}.")
    try:
        edges = np.histogram_bin_edges(np.concatenate(list(finite.values())), bins=bins)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{caller}: bins must be a positive integer, a NumPy rule name such as "
                         f"'auto', or a sequence of increasing bin edges; received {bins!r} "
                         f"({exc}).") from None

    def stats(label):
        values, dropped = finite[label], groups[label].size - finite[label].size
        text = f"mean={values.mean():.4g}, std={values.std():.4g}"
        return text + (f", {dropped} non-finite left out" if dropped else "")

    plt = _pyplot()
    with _text_context():
        fig, ax = plt.subplots(figsize=(6, 4))
        several = len(finite) > 1
        for label, values in finite.items():
            ax.hist(values, bins=edges, alpha=0.55 if several else 0.9,
                    label=f"{label} ({stats(label)})" if several else label,
                    edgecolor="white", linewidth=0.4)
        ax.set_xlabel("weight")
        ax.set_ylabel("count")
        ax.grid(alpha=0.3)
        if several:
            ax.legend(fontsize="small")
        if title is None:
            label = next(iter(finite))
            title = "weight distribution" if several else f"{label}: {stats(label)}"
        ax.set_title(str(title))
        return _finish(fig, to_file)
