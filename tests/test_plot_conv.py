"""CNN figures: convolution kernels, feature maps and weight histograms (synthetic arrays)."""
import types
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from numnet import plot  # noqa: E402
from numnet.layers import Variable  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _kernel(shape=(3, 3, 1, 32), seed=0):
    return np.random.default_rng(seed).normal(0.0, 0.1, size=shape)


def _images(fig):
    return [im for ax in fig.axes for im in ax.images]


def test_kernels_one_panel_per_filter_with_symmetric_colours(tmp_path):
    kernel = _kernel()
    out = tmp_path / "kernels.png"
    fig = plot.plot_conv_kernels(kernel, to_file=str(out))
    assert out.read_bytes()[:8] == PNG
    images = _images(fig)
    assert len(images) == 32
    absmax = np.abs(kernel).max()
    for i, image in enumerate(images):
        np.testing.assert_allclose(image.get_array(), kernel[:, :, 0, i])
        assert image.get_clim() == pytest.approx((-absmax, absmax))
    assert images[0].get_cmap().name == "bwr"
    assert fig._suptitle.get_text() == "kernels (3x3, input channel 0)"
    assert any(ax.get_ylabel() == "weight" for ax in fig.axes)  # the colour bar


def test_kernels_options():
    kernel = _kernel((5, 5, 3, 40))
    fig = plot.plot_conv_kernels(kernel, max_filters=10, channel=2, vmax=0.5, cmap="RdBu_r",
                                 title="필터")
    images = _images(fig)
    assert len(images) == 10 and images[0].get_clim() == (-0.5, 0.5)
    np.testing.assert_allclose(images[9].get_array(), kernel[:, :, 2, 9])
    assert fig._suptitle.get_text() == "필터"
    fig = plot.plot_conv_kernels(kernel, max_filters=4, channel=None)
    images = _images(fig)
    assert len(images) == 12  # 3 channels x 4 filters
    np.testing.assert_allclose(images[4 + 1].get_array(), kernel[:, :, 1, 1])
    assert "all input channels, first 4 of 40 filters" in fig._suptitle.get_text()


def test_kernels_from_a_variable_a_layer_and_a_model():
    kernel = _kernel((3, 3, 1, 4))
    variable = Variable(kernel.astype("float32"), "kernel", path="conv2d/kernel")
    layer = types.SimpleNamespace(name="conv2d", kernel=variable, weights=[variable])
    model = types.SimpleNamespace(name="cnn", layers=[types.SimpleNamespace(name="input"),
                                                      layer])
    for source in (variable, layer, model):
        fig = plot.plot_conv_kernels(source)
        np.testing.assert_allclose(_images(fig)[3].get_array(), kernel[:, :, 0, 3], rtol=1e-6)
    assert fig._suptitle.get_text().startswith("conv2d kernels")


def test_kernel_errors():
    with pytest.raises(ValueError, match=r"\(kh, kw, in_channels, filters\).*\(784, 100\).*Dense"):
        plot.plot_conv_kernels(np.zeros((784, 100)))
    with pytest.raises(ValueError, match=r"channel must be an input channel index in \[0, 0\]"):
        plot.plot_conv_kernels(_kernel(), channel=1)
    with pytest.raises(ValueError, match="max_filters must be a positive integer; received 0"):
        plot.plot_conv_kernels(_kernel(), max_filters=0)
    with pytest.raises(ValueError, match="cmap must be a matplotlib colormap name"):
        plot.plot_conv_kernels(_kernel(), cmap="no_such_map")
    with pytest.raises(ValueError, match="vmax must be a positive number"):
        plot.plot_conv_kernels(_kernel(), vmax=-1)
    empty_layer = types.SimpleNamespace(name="conv2d", weights=[])
    with pytest.raises(ValueError, match="layer 'conv2d' has no weights yet"):
        plot.plot_conv_kernels(empty_layer)
    with pytest.raises(ValueError, match="no built layer with a 4-D convolution kernel"):
        plot.plot_conv_kernels(types.SimpleNamespace(name="mlp", layers=[]))
    with pytest.raises(TypeError, match="must be a layer, a weight Variable or an array"):
        plot.plot_conv_kernels(object())


def test_feature_maps_grid(tmp_path):
    maps = np.random.default_rng(1).random((1, 12, 10, 40))
    out = tmp_path / "maps.png"
    fig = plot.plot_feature_maps(maps, to_file=str(out))
    assert out.read_bytes()[:8] == PNG
    images = _images(fig)
    assert len(images) == 32  # max_maps
    np.testing.assert_allclose(images[31].get_array(), maps[0, :, :, 31])
    assert images[0].get_cmap().name == "gray"
    assert len(fig.axes) == 32  # 4 rows of 8
    assert fig._suptitle.get_text() == "feature maps (12x10, 40 channels, first 32 shown)"


def test_feature_maps_shapes_and_sample():
    batch = np.random.default_rng(2).random((3, 6, 6, 5))
    fig = plot.plot_feature_maps(batch, sample=2, ncols=3, cmap="viridis")
    images = _images(fig)
    assert len(images) == 5 and len(fig.axes) == 6  # 2 rows of 3, one panel left empty
    np.testing.assert_allclose(images[4].get_array(), batch[2, :, :, 4])
    assert len(_images(plot.plot_feature_maps(batch[0]))) == 5
    assert len(_images(plot.plot_feature_maps(batch[0, :, :, 0]))) == 1


def test_feature_map_errors():
    with pytest.raises(ValueError, match=r"received shape \(10,\)"):
        plot.plot_feature_maps(np.zeros(10))
    with pytest.raises(ValueError, match="sample must be an index into the batch of 1"):
        plot.plot_feature_maps(np.zeros((1, 4, 4, 2)), sample=1)
    with pytest.raises(ValueError, match="max_maps must be a positive integer"):
        plot.plot_feature_maps(np.zeros((4, 4, 2)), max_maps=1.5)


def test_weight_histogram_single(tmp_path):
    weights = _kernel()
    out = tmp_path / "hist.png"
    fig = plot.plot_weight_histogram(weights, to_file=str(out), bins=20)
    assert out.read_bytes()[:8] == PNG
    ax = fig.axes[0]
    assert len(ax.patches) == 20
    assert sum(p.get_height() for p in ax.patches) == weights.size
    title = ax.get_title()
    assert f"mean={weights.mean():.4g}" in title and f"std={weights.std():.4g}" in title
    assert ax.get_xlabel() == "weight" and ax.get_ylabel() == "count"


def test_weight_histogram_before_and_after_and_non_finite():
    before = _kernel(seed=1)
    after = before * 3
    after[0, 0, 0, 0] = np.nan
    fig = plot.plot_weight_histogram({"before": before, "훈련 후": after}, bins=15)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0].startswith("before (mean=") and "1 non-finite left out" in labels[1]
    assert labels[1].startswith("훈련 후")
    assert len(ax.patches) == 30  # same 15 bins for both
    variable = Variable(before.astype("float32"), "kernel", path="conv2d/kernel")
    assert plot.plot_weight_histogram(variable).axes[0].get_title().startswith("conv2d/kernel:")


def test_weight_histogram_errors():
    with pytest.raises(ValueError, match="no finite values"):
        plot.plot_weight_histogram(np.array([np.nan, np.inf]))
    with pytest.raises(ValueError, match="empty dict"):
        plot.plot_weight_histogram({})
    with pytest.raises(ValueError, match="bins must be"):
        plot.plot_weight_histogram(_kernel(), bins="many")
    with pytest.raises(ValueError, match="bins must be"):
        plot.plot_weight_histogram(_kernel(), bins=True)


def test_korean_titles_without_glyph_warnings(tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plot.plot_conv_kernels(_kernel((3, 3, 1, 4)), title="첫 번째 합성곱 층",
                               to_file=str(tmp_path / "k.png"))
        plot.plot_feature_maps(np.ones((4, 4, 2)), title="특성 맵",
                               to_file=str(tmp_path / "f.png"))
        plot.plot_weight_histogram({"훈련 전": _kernel()}, title="가중치",
                                   to_file=str(tmp_path / "h.png"))
    assert [str(w.message) for w in caught if "Glyph" in str(w.message)] == []


def test_weight_histogram_wants_a_layer_not_a_model():
    model = types.SimpleNamespace(layers=[], weights=[])
    with pytest.raises(TypeError, match=r"not a whole model; pass one layer"):
        plot.plot_weight_histogram(model)
