"""Course figures render with Agg, write PNGs, and keep Korean text free of glyph warnings."""
import types
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from numnet import plot  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n"
HISTORY = {"loss": [0.9, 0.5, 0.3], "accuracy": [0.6, 0.8, 0.9],
           "val_loss": [1.0, 0.6, 0.5], "val_accuracy": [0.55, 0.75, 0.8]}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _lines(ax):
    return [line.get_label() for line in ax.get_lines()]


def test_history_with_validation_writes_png(tmp_path):
    out = tmp_path / "history.png"
    fig = plot.plot_history(HISTORY, to_file=str(out))
    assert out.read_bytes()[:8] == PNG
    axes = fig.get_axes()
    assert [ax.get_title() for ax in axes] == ["loss", "accuracy"]
    assert all(_lines(ax) == ["training", "validation"] for ax in axes)
    np.testing.assert_array_equal(axes[0].get_lines()[1].get_ydata(), HISTORY["val_loss"])
    np.testing.assert_array_equal(axes[0].get_lines()[0].get_xdata(), [1, 2, 3])


def test_history_object_without_validation():
    history = types.SimpleNamespace(history={"accuracy": [0.5, 0.7], "loss": [1.0, 0.8],
                                             "learning_rate": [0.01, 0.01]})
    fig = plot.plot_history(history)
    assert [ax.get_title() for ax in fig.get_axes()] == ["loss", "accuracy"]
    assert all(_lines(ax) == ["training"] for ax in fig.get_axes())


def test_history_metric_selection():
    assert [a.get_title() for a in plot.plot_history(HISTORY, "accuracy").get_axes()] == \
        ["accuracy"]
    fig = plot.plot_history(HISTORY, metrics=["val_loss"])
    assert [a.get_title() for a in fig.get_axes()] == ["loss"]
    with pytest.raises(ValueError, match=r"Unknown metric in the history 'acc'.*accuracy"):
        plot.plot_history(HISTORY, metrics=["acc"])


def test_history_errors():
    with pytest.raises(ValueError, match="empty"):
        plot.plot_history({})
    with pytest.raises(TypeError, match="History object"):
        plot.plot_history([0.1, 0.2])
    with pytest.raises(TypeError, match="list of numbers"):
        plot.plot_history({"loss": ["a", "b"]})


def test_korean_title_emits_no_glyph_warning(tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = plot.plot_history(HISTORY, title="패션 MNIST 모델", to_file=str(tmp_path / "k.png"))
        fig.savefig(str(tmp_path / "again.png"))  # the user's own redraw, outside numnet
        plot.plot_activations(("relu",), to_file=str(tmp_path / "a.png"))
    assert [str(w.message) for w in caught if "Glyph" in str(w.message)] == []
    assert fig._suptitle.get_text() == "패션 MNIST 모델"


def test_cjk_font_is_chosen_from_known_families(monkeypatch):
    from matplotlib import font_manager

    fake = [types.SimpleNamespace(name=n) for n in ("DejaVu Sans", "NanumGothic",
                                                    "Noto Sans CJK JP")]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", fake)
    monkeypatch.setattr(plot, "_cjk_font_cache", None)
    assert plot.cjk_font() == "NanumGothic"
    monkeypatch.setattr(font_manager.fontManager, "ttflist", fake[:1])
    monkeypatch.setattr(plot, "_cjk_font_cache", None)
    assert plot.cjk_font() is None


def test_cjk_font_used_in_titles_when_installed():
    font = plot.cjk_font()
    if font is None:
        pytest.skip("no CJK font installed on this machine")
    fig = plot.plot_history(HISTORY, title="모델")
    assert font in fig._suptitle.get_fontfamily()


def test_activations_default_figure(tmp_path):
    out = tmp_path / "act.png"
    fig = plot.plot_activations(to_file=str(out))
    assert out.read_bytes()[:8] == PNG
    assert [ax.get_title() for ax in fig.get_axes()] == \
        ["step", "sign", "sigmoid", "tanh", "relu", "softmax"]
    step = fig.get_axes()[0].get_lines()[0]
    x, y = step.get_xdata(), step.get_ydata()
    np.testing.assert_array_equal(y, (x > 0).astype(float))
    sign = fig.get_axes()[1].get_lines()[0].get_ydata()
    assert set(np.unique(sign)) == {-1.0, 0.0, 1.0}
    bars = [p.get_height() for p in fig.get_axes()[5].patches]
    assert len(bars) == 3 and abs(sum(bars) - 1) < 1e-9 and bars[0] > bars[1] > bars[2]


def test_activation_formulas():
    x = np.array([-2.0, 0.0, 2.0])
    f = plot.ACTIVATION_FORMULAS
    np.testing.assert_allclose(f["sigmoid"](x), 1 / (1 + np.exp(-x)))
    np.testing.assert_allclose(f["relu"](x), [0, 0, 2])
    np.testing.assert_allclose(f["leaky_relu"](x), [-0.4, 0, 2])
    np.testing.assert_allclose(f["elu"](x), [np.exp(-2) - 1, 0, 2])
    np.testing.assert_allclose(f["softplus"](x), np.log1p(np.exp(x)))


def test_activation_names():
    fig = plot.plot_activations("gelu")
    assert len(fig.get_axes()) == 1
    with pytest.raises(ValueError, match="Unknown activation to plot 'relu6'"):
        plot.plot_activations(["relu6"])
    with pytest.raises(ValueError, match="empty"):
        plot.plot_activations([])


class _BinaryModel:
    def __init__(self):
        self.calls = []

    def predict(self, x, verbose="auto"):
        self.calls.append((x.shape, x.dtype, verbose))
        return 1 / (1 + np.exp(-10 * (x[:, :1] - 0.5)))


def test_decision_boundary_binary(tmp_path):
    x = np.array([[0, 0], [1, 1], [0, 1], [1, 0]], dtype=np.float32)
    y = np.array([0, 1, 0, 1])
    model = _BinaryModel()
    out = tmp_path / "boundary.png"
    fig = plot.plot_decision_boundary(model, x, y, to_file=str(out), resolution=30)
    assert out.read_bytes()[:8] == PNG
    assert model.calls == [((900, 2), np.float32, 0)]
    assert len(fig.get_axes()) == 2  # the plot and its colour bar


def test_decision_boundary_multiclass_and_plain_function():
    x = np.random.default_rng(0).normal(size=(30, 2))
    y = np.eye(3)[np.arange(30) % 3]  # one-hot labels

    def predict(points):  # no verbose argument
        scores = np.stack([points[:, 0], points[:, 1], -points[:, 0]], axis=1)
        return np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)

    fig = plot.plot_decision_boundary(types.SimpleNamespace(predict=predict), x, y,
                                      resolution=20, title="결정 경계")
    assert len(fig.get_axes()) == 1
    plot.plot_decision_boundary(lambda p: p[:, 0] > 0, x, y.argmax(1)[:, None], resolution=10)


def test_decision_boundary_errors():
    x = np.zeros((4, 2))
    with pytest.raises(ValueError, match=r"x must have shape \(N, 2\)"):
        plot.plot_decision_boundary(_BinaryModel(), np.zeros((4, 3)), np.zeros(4))
    with pytest.raises(ValueError, match="one label per sample"):
        plot.plot_decision_boundary(_BinaryModel(), x, np.zeros(3))
    with pytest.raises(ValueError, match="resolution"):
        plot.plot_decision_boundary(_BinaryModel(), x, np.zeros(4), resolution=1)
    with pytest.raises(TypeError, match="predict"):
        plot.plot_decision_boundary(object(), x, np.zeros(4))
    bad = types.SimpleNamespace(predict=lambda p: np.zeros((3, 1)))
    with pytest.raises(ValueError, match=r"returned shape \(3, 1\)"):
        plot.plot_decision_boundary(bad, x, np.zeros(4), resolution=5)


def test_gradient_norms(tmp_path):
    norms = {"dense": [1e-5, 2e-5, 3e-5], "dense_1": [1e-2, 2e-2, 1e-2]}
    out = tmp_path / "grads.png"
    fig = plot.plot_gradient_norms(norms, to_file=str(out), title="기울기 소실")
    assert out.read_bytes()[:8] == PNG
    ax = fig.get_axes()[0]
    assert ax.get_yscale() == "log" and _lines(ax) == ["dense", "dense_1"]
    recorder = types.SimpleNamespace(norms={"d": [0.0, 1.0]})
    assert plot.plot_gradient_norms(recorder).get_axes()[0].get_yscale() == "linear"


def test_gradient_norms_errors():
    with pytest.raises(ValueError, match="empty"):
        plot.plot_gradient_norms({})
    with pytest.raises(TypeError, match="dict"):
        plot.plot_gradient_norms([1, 2])


def test_bad_to_file():
    with pytest.raises(TypeError, match="to_file"):
        plot.plot_activations(("relu",), to_file=3)
