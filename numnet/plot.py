"""The course's figures: training curves, activation functions, decision boundaries, gradients.

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
    else:
        # Keep later redraws (plt.show(), notebooks) quiet too: boxes instead of Hangul are the
        # expected, documented degradation where no CJK font is installed.
        warnings.filterwarnings("ignore", message=_GLYPH_WARNING, category=UserWarning)
    with matplotlib.rc_context(rc), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_GLYPH_WARNING, category=UserWarning)
        yield


def _finish(fig, to_file):
    """Lay out ``fig``, save it when ``to_file`` is given, return it (inside ``_text_context``)."""
    fig.tight_layout()
    if to_file is not None:
        if not isinstance(to_file, (str, os.PathLike)):
            raise TypeError(f"to_file must be a file path or None; received {to_file!r}.")
        fig.savefig(to_file, dpi=100)
    return fig


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
