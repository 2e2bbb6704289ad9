"""plot_model: boxes and arrows for Sequential and functional models, drawn with matplotlib."""
import os
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import FancyArrowPatch  # noqa: E402

import numnet as keras  # noqa: E402
from numnet.utils import model_plot  # noqa: E402
from numnet.utils.model_plot import UNBUILT_MESSAGE, layout  # noqa: E402


def plot_model(*args, **kwargs):
    """Most tests look for layer names, which Keras 3 (and numnet) hide by default."""
    kwargs.setdefault("show_layer_names", True)
    return model_plot.plot_model(*args, **kwargs)

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _texts(fig):
    return [t.get_text() for t in fig.axes[0].texts]


def _position(fig, text):
    """The (x, y) of the first text piece equal to ``text`` (y grows downwards)."""
    for t in fig.axes[0].texts:
        if t.get_text() == text:
            return t.get_position()
    raise AssertionError(f"{text!r} not drawn; drawn: {_texts(fig)}")


def _arrows(fig):
    return [p for p in fig.axes[0].patches if isinstance(p, FancyArrowPatch)]


def _course_mlp():
    return keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                             keras.layers.Dense(100, activation="relu"),
                             keras.layers.Dense(10, activation="softmax")])


def _two_inputs():
    a, b = keras.Input((3,), name="a"), keras.Input((2,), name="b")
    ha = keras.layers.Dense(4, activation="tanh", name="ha")(a)
    hb = keras.layers.Dense(4, activation="tanh", name="hb")(b)
    merged = keras.layers.Concatenate(name="merged")([ha, hb])
    out = keras.layers.Dense(1, activation="sigmoid", name="out")(merged)
    return keras.Model([a, b], out, name="two_inputs")


def test_sequential_is_a_chain_that_starts_with_the_input(tmp_path):
    out = tmp_path / "model.png"
    fig = plot_model(_course_mlp(), to_file=str(out))
    assert out.read_bytes()[:8] == PNG
    assert os.listdir(tmp_path) == ["model.png"]  # no temporary file left behind
    names = ["input_layer", "flatten", "dense", "dense_1"]
    assert [t for t in _texts(fig) if t in names] == names
    assert " (InputLayer)" in _texts(fig) and " (Dense)" in _texts(fig)
    assert len(_arrows(fig)) == 3
    xs, ys = zip(*(_position(fig, n) for n in names))
    assert list(ys) == sorted(ys) and len(set(ys)) == 4  # top to bottom
    widths = [_box_width(fig, n) for n in names]
    centers = [x + w / 2 for x, w in zip(xs, widths)]
    assert max(centers) - min(centers) < 3  # one straight column (text centred in its box)


def _box_width(fig, name):
    """Width of the title text pieces starting with ``name``."""
    renderer = fig.canvas.get_renderer()
    texts = fig.axes[0].texts
    for i, t in enumerate(texts):
        if t.get_text() == name:
            inv = fig.axes[0].transData.inverted()
            left = inv.transform(t.get_window_extent(renderer).p0)[0]
            right = inv.transform(texts[i + 1].get_window_extent(renderer).p1)[0]
            return right - left
    raise AssertionError(name)


def test_functional_two_inputs_and_concatenate(tmp_path):
    model = _two_inputs()
    fig = plot_model(model, to_file=str(tmp_path / "two.png"))
    assert len(_arrows(fig)) == 5  # a->ha, b->hb, ha->merged, hb->merged, merged->out
    (ax_, ay), (bx, by) = _position(fig, "a"), _position(fig, "b")
    assert ay == by and ax_ != bx  # both inputs on the first row
    assert _position(fig, "ha")[1] == _position(fig, "hb")[1] > ay
    assert _position(fig, "merged")[1] > _position(fig, "ha")[1]
    assert _position(fig, "out")[1] > _position(fig, "merged")[1]


def test_rankdir_lr_and_bt():
    fig = plot_model(_two_inputs(), to_file=None, rankdir="LR")
    (ax_, ay), (bx, by) = _position(fig, "a"), _position(fig, "b")
    assert abs(ax_ - bx) < 5 and ay != by  # inputs in the first column (boxes centred)
    assert _position(fig, "out")[0] > _position(fig, "merged")[0] > _position(fig, "ha")[0] > ax_
    width, height = fig.get_size_inches()
    assert width > height
    fig = plot_model(_course_mlp(), to_file=None, rankdir="bt")
    assert _position(fig, "input_layer")[1] > _position(fig, "dense_1")[1]  # bottom to top


def test_show_shapes_activations_dtype_trainable():
    model = _course_mlp()
    model.layers[1].trainable = False
    fig = plot_model(model, to_file=None, show_shapes=True, show_layer_activations=True,
                     show_dtype=True, show_trainable=True)
    texts = _texts(fig)
    assert texts.count("Input shape: ") == 3  # not for the input layer, like Keras
    assert texts.count("Output shape: ") == 4
    for shape in ("(None, 28, 28)", "(None, 784)", "(None, 100)", "(None, 10)"):
        assert shape in texts
    assert texts.count("Activation: ") == 2 and "relu" in texts and "softmax" in texts
    assert texts.count("float32") == 4
    assert texts.count("Trainable") == 1 and texts.count("Non-trainable") == 1
    merged = plot_model(_two_inputs(), to_file=None, show_shapes=True)
    assert "[(None, 4), (None, 4)]" in _texts(merged)


def test_class_names_only():
    fig = plot_model(_course_mlp(), to_file=None, show_layer_names=False)
    assert _texts(fig) == ["InputLayer", "Flatten", "Dense", "Dense"]


def test_svg_pdf_and_no_extension(tmp_path):
    model = _two_inputs()
    plot_model(model, to_file=str(tmp_path / "m.svg"), show_shapes=True)
    svg = (tmp_path / "m.svg").read_text()
    assert svg.startswith("<?xml") and "<svg" in svg
    plot_model(model, to_file=tmp_path / "m.pdf")  # a pathlib.Path works too
    assert (tmp_path / "m.pdf").read_bytes()[:4] == b"%PDF"
    plot_model(model, to_file=str(tmp_path / "diagram"))  # like Keras: PNG under that name
    assert (tmp_path / "diagram").read_bytes()[:8] == PNG
    assert sorted(os.listdir(tmp_path)) == ["diagram", "m.pdf", "m.svg"]


def test_failed_save_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "model.png"
    target.write_bytes(b"old")

    def broken(self, *args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        plot_model(_course_mlp(), to_file=str(target))
    assert target.read_bytes() == b"old" and os.listdir(tmp_path) == ["model.png"]


def test_unbuilt_model_error():
    model = keras.Sequential([keras.layers.Dense(3)])
    with pytest.raises(ValueError) as info:
        plot_model(model)
    assert str(info.value) == UNBUILT_MESSAGE
    assert str(info.value).startswith("This model has not yet been built. Build the model first "
                                      "by calling `build()` or by calling the model on a batch "
                                      "of data")


def test_sequential_built_by_build_has_its_input_box():
    model = keras.Sequential([keras.layers.Dense(3), keras.layers.Dense(1)])
    model.build((None, 5))
    fig = plot_model(model, to_file=None, show_shapes=True)
    assert "input_layer" in _texts(fig) and "(None, 5)" in _texts(fig)
    assert len(_arrows(fig)) == 2


def test_argument_errors(tmp_path):
    model = _course_mlp()
    with pytest.raises(ValueError, match=r"rankdir must be one of TB, LR.*received 'UD'"):
        plot_model(model, to_file=None, rankdir="UD")
    with pytest.raises(ValueError, match="dpi must be a positive number.*received 0"):
        plot_model(model, to_file=None, dpi=0)
    with pytest.raises(ValueError, match=r"'\.xyz'.*png.*svg"):
        plot_model(model, to_file=str(tmp_path / "m.xyz"))
    with pytest.raises(TypeError, match="show_shapes must be True or False; received 'yes'"):
        plot_model(model, to_file=None, show_shapes="yes")
    with pytest.raises(TypeError, match="to_file must be a file path"):
        plot_model(model, to_file=3)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        plot_model(model, to_file=str(tmp_path / "missing" / "m.png"))
    with pytest.raises(TypeError, match="must be a numnet model.*str"):
        plot_model("model.png")
    assert os.listdir(tmp_path) == []


def test_korean_names_without_warnings(tmp_path):
    model = keras.Sequential([keras.Input((4,)),
                              keras.layers.Dense(3, activation="relu", name="은닉층"),
                              keras.layers.Dense(1, activation="sigmoid", name="출력층")],
                             name="패션 MNIST 모델")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = plot_model(model, to_file=str(tmp_path / "한글.png"), show_shapes=True)
        fig.savefig(str(tmp_path / "again.png"))  # the user's own redraw
    assert [str(w.message) for w in caught] == []
    assert "은닉층" in _texts(fig) and "출력층" in _texts(fig)
    assert (tmp_path / "한글.png").read_bytes()[:8] == PNG


def test_long_connection_goes_around_the_boxes_between():
    x = keras.Input((8,), name="x")
    h = keras.layers.Dense(8, name="h1")(x)
    h = keras.layers.Dense(8, name="h2")(h)
    y = keras.layers.Add(name="skip")([x, h])
    fig = plot_model(keras.Model(x, y), to_file=None)
    assert len(_arrows(fig)) == 4


def test_layout_routes_skipped_rows_through_waypoints():
    sizes = [(60, 20), (100, 20), (100, 20), (60, 20)]
    edges = [(0, 1), (1, 2), (2, 3), (0, 3)]
    placed = layout(sizes, edges, "TB")
    boxes = [(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
             for (cx, cy), (w, h) in zip(placed.centers, sizes)]
    long_path = placed.paths[3]
    assert len(long_path) == 6  # start, 2 waypoints per skipped row (2 rows), end
    for px, py in long_path:
        for left, top, right, bottom in boxes[1:3]:
            assert not (left < px < right and top < py < bottom)
    for (cx, cy), (w, h) in zip(placed.centers, sizes):  # everything inside the figure
        assert cx - w / 2 >= 0 and cx + w / 2 <= placed.width
        assert cy - h / 2 >= 0 and cy + h / 2 <= placed.height
    assert placed.paths[0][0][1] == pytest.approx(placed.centers[0][1] + 10)  # leaves the bottom
    assert placed.paths[0][-1][1] == pytest.approx(placed.centers[1][1] - 10)  # enters the top


def test_layer_names_hidden_by_default_like_keras_3():
    fig = model_plot.plot_model(_course_mlp(), to_file=None)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "Dense" in texts and not any("dense_1" in t for t in texts)
