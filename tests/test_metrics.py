"""Tests of numnet.metrics: Keras 3 golden values, running accumulation, 'accuracy' resolution,
names, get/serialize."""
import numpy as np
import pytest

from numnet import losses, metrics
from numnet.metrics import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    Mean,
    MeanAbsoluteError,
    MeanMetricWrapper,
    MeanSquaredError,
    SparseCategoricalAccuracy,
    TopKCategoricalAccuracy,
)


def f32(a):
    return np.array(a, dtype="float32")


# Every expected value below was computed once with Keras 3.15.1 (torch backend) and hard-coded.
def test_binary_accuracy_accumulates_across_batches():
    m = BinaryAccuracy()
    m.update_state(f32([[1], [1], [0], [0]]), f32([[0.98], [1], [0], [0.6]]))
    assert m.result() == pytest.approx(0.75)
    m.update_state(f32([[1], [0]]), f32([[0.2], [0.5]]), sample_weight=f32([2, 1]))
    assert m.result() == pytest.approx(0.5714286, rel=1e-6)
    m.reset_state()
    assert m.result() == 0.0
    m.update_state(f32([[1]]), f32([[0.9]]))
    assert m.result() == 1.0


def test_binary_accuracy_threshold_int_labels_and_multilabel():
    m = BinaryAccuracy(threshold=0.7)
    m.update_state(np.array([1, 1, 0, 0]), f32([[0.98], [0.65], [0], [0.6]]))
    assert m.result() == pytest.approx(0.75)
    y, p = f32([[1, 0, 1], [0, 0, 1]]), f32([[0.9, 0.2, 0.4], [0.1, 0.7, 0.8]])
    assert BinaryAccuracy()(y, p) == pytest.approx(0.66666669, rel=1e-6)
    assert BinaryAccuracy()(y, p, sample_weight=f32([1, 3])) == pytest.approx(0.66666669, rel=1e-6)
    assert metrics.binary_accuracy(np.array([1, 0]), f32([[0.5], [0.2]])).tolist() == [[0.0], [1.0]]


def test_categorical_and_sparse_accuracy():
    y, p = f32([[0, 0, 1], [0, 1, 0]]), f32([[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    m = CategoricalAccuracy()
    m.update_state(y, p)
    assert m.result() == pytest.approx(0.5)
    m.update_state(y, p, sample_weight=f32([0.7, 0.3]))
    assert m.result() == pytest.approx(0.43333331, rel=1e-6)

    s = SparseCategoricalAccuracy()
    s.update_state(f32([[2], [1]]), f32([[0.1, 0.6, 0.3], [0.05, 0.95, 0]]))
    assert s.result() == pytest.approx(0.5)
    s.update_state(np.array([2, 1, 0]), f32([[0.1, 0.6, 0.3], [0.05, 0.95, 0], [0.5, 0.2, 0.3]]),
                   sample_weight=f32([0.7, 0.3, 1.0]))
    assert s.result() == pytest.approx(0.57499999, rel=1e-6)
    assert metrics.sparse_categorical_accuracy(np.array([[1], [0]]), p).shape == (2,)


def test_top_k_and_exact_accuracy():
    y, p = f32([[0, 0, 1], [0, 1, 0]]), f32([[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    assert TopKCategoricalAccuracy(k=1)(y, p) == pytest.approx(0.5)
    y3 = f32([[0, 0, 1], [0, 1, 0], [1, 0, 0]])
    p3 = f32([[0.1, 0.9, 0.8], [0.05, 0.95, 0], [0.1, 0.5, 0.4]])
    assert TopKCategoricalAccuracy(k=2)(y3, p3) == pytest.approx(0.66666669, rel=1e-6)
    # A tie at the k-th score counts as inside the top k.
    assert TopKCategoricalAccuracy(k=2)(f32([[1, 0, 0, 0]]), f32([[0.2, 0.2, 0.2, 0.4]])) == 1.0
    assert TopKCategoricalAccuracy()(y, p) == 1.0  # k=5 > 3 classes
    assert Accuracy()([[1], [2], [3], [4]], [[0], [2], [3], [4]]) == pytest.approx(0.75)


def test_regression_metrics():
    y = f32([[0, 1], [0, 0]])
    m = MeanSquaredError()
    m.update_state(y, f32([[1, 1], [0, 0]]))
    assert m.result() == pytest.approx(0.25)
    m.update_state(y, f32([[0.5, 1], [0, 0.25]]), sample_weight=f32([1, 0]))
    assert m.result() == pytest.approx(0.20833333, rel=1e-6)
    a = MeanAbsoluteError()
    a.update_state(y, f32([[1, 1], [0, 0]]))
    a.update_state(y, f32([[0.5, 1], [0, 0.25]]))
    assert a.result() == pytest.approx(0.21875)


def test_mean_weighting_rules():
    m = Mean()
    m.update_state([1, 3, 5, 7])
    assert m.result() == 4.0
    m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    assert m.result() == pytest.approx(3.3333333)
    # The loss tracker: one scalar per batch weighted by the batch size.
    t = Mean(name="loss")
    t.update_state(2.5, sample_weight=32)
    t.update_state(1.0, sample_weight=8)
    assert t.result() == pytest.approx(2.2)
    v = Mean()
    v.update_state(f32([1, 3, 5, 7]), sample_weight=2.0)
    assert (v.result(), float(v.count)) == (4.0, 2.0)
    w = Mean()
    w.update_state(f32([[1, 2], [3, 5]]), sample_weight=f32([[1, 0], [1, 1]]))
    assert (w.result(), float(w.count)) == (3.0, 1.5)
    assert isinstance(w.result(), float) and w.total.dtype == np.float32


def test_function_values_and_dtype():
    out = metrics.categorical_accuracy(f32([[0, 1], [1, 0]]), f32([[0.2, 0.8], [0.3, 0.7]]))
    assert out.dtype == np.float32 and out.tolist() == [1.0, 0.0]


# --------------------------------------------------------------------------- resolution
@pytest.mark.parametrize("identifier, y_shape, out_shape, cls", [
    # The classes Keras 3's compile_utils.get_metric picks for these shapes.
    ("acc", (4,), (None, 10), SparseCategoricalAccuracy),
    ("accuracy", (4, 1), (None, 1), BinaryAccuracy),
    ("accuracy", (4,), (None, 1), BinaryAccuracy),
    ("Accuracy", (4, 10), (None, 10), CategoricalAccuracy),
    ("accuracy", (4, 1), (None, 10), SparseCategoricalAccuracy),
    ("accuracy", (4, 3), (None, 3), CategoricalAccuracy),
    ("accuracy", (4, 3, 1), (None, 3, 5), SparseCategoricalAccuracy),
])
def test_accuracy_resolution_keeps_the_users_name(identifier, y_shape, out_shape, cls):
    m = metrics.get(identifier, output_shape=out_shape, y_true_shape=y_shape)
    assert type(m) is cls and m.name == identifier


def test_accuracy_resolution_ignores_the_loss_like_keras3():
    # Multi-label sigmoid outputs with binary cross-entropy: Keras 3 still picks categorical.
    m = metrics.get("accuracy", loss="binary_crossentropy", output_shape=(None, 5),
                    y_true_shape=(8, 5))
    assert type(m) is CategoricalAccuracy


def test_accuracy_resolution_from_partial_information():
    assert type(metrics.get("acc", output_shape=(None, 1))) is BinaryAccuracy
    assert type(metrics.get("acc", output_shape=(None, 4), target_ndim=1)) is \
        SparseCategoricalAccuracy
    lazy = metrics.get("acc")
    assert lazy.name == "acc" and lazy.result() == 0.0
    lazy.update_state(np.array([2, 1]), f32([[0.1, 0.6, 0.3], [0.05, 0.95, 0]]))
    assert type(lazy.resolved) is SparseCategoricalAccuracy and lazy.result() == 0.5
    assert metrics.serialize(lazy)["class_name"] == "SparseCategoricalAccuracy"
    lazy.reset_state()
    assert lazy.result() == 0.0


@pytest.mark.parametrize("identifier, cls", [
    # Keras 3 compile names a metric after the string given: 'mae' logs 'mae'.
    ("mae", MeanAbsoluteError), ("MAE", MeanAbsoluteError), ("mse", MeanSquaredError),
    ("mean_squared_error", MeanSquaredError), ("mean_absolute_error", MeanAbsoluteError),
    ("MeanSquaredError", MeanSquaredError), ("binary_accuracy", BinaryAccuracy),
    ("categorical_accuracy", CategoricalAccuracy),
    ("sparse_categorical_accuracy", SparseCategoricalAccuracy),
    ("top_k_categorical_accuracy", TopKCategoricalAccuracy),
])
def test_named_metrics_are_named_as_written(identifier, cls):
    m = metrics.get(identifier, output_shape=(None, 3), y_true_shape=(4,))
    assert type(m) is cls and m.name == identifier


def test_instances_classes_and_callables():
    m = MeanAbsoluteError()
    assert metrics.get(m) is m and m.name == "mean_absolute_error"
    assert type(metrics.get(BinaryAccuracy)) is BinaryAccuracy
    w = metrics.get(metrics.binary_accuracy)
    assert type(w) is MeanMetricWrapper and w.name == "binary_accuracy"

    def myMetric(y_true, y_pred):
        return np.abs(y_true - y_pred)

    custom = metrics.get(myMetric)
    assert custom.name == "my_metric"  # snake case, as Keras's get_object_name
    custom.update_state(f32([[1.0], [2.0]]), f32([[1.5], [2.0]]))
    assert custom.result() == pytest.approx(0.25)
    assert metrics.get(lambda y_true, y_pred: y_pred).name == "lambda"


def test_unknown_metric_names():
    with pytest.raises(ValueError) as err:
        metrics.get("accuracyy")
    message = str(err.value)
    assert message.startswith("Unknown metric 'accuracyy'. Choose one of:")
    assert "'accuracy'" in message and "mae" in message
    with pytest.raises(ValueError, match="reported as 'loss'"):
        metrics.get("categorical_crossentropy")
    with pytest.raises(ValueError, match="None"):
        metrics.get(None)
    with pytest.raises(TypeError, match="metric identifier"):
        metrics.get(3.5)
    with pytest.raises(ValueError, match="positive integer"):
        TopKCategoricalAccuracy(k=0)


# ----------------------------------------------------------------------- configs, saving
def test_configs_match_keras():
    # As printed by Keras 3 get_config().
    assert BinaryAccuracy().get_config() == {"name": "binary_accuracy", "dtype": "float32",
                                             "threshold": 0.5}
    assert TopKCategoricalAccuracy().get_config() == {"name": "top_k_categorical_accuracy",
                                                      "dtype": "float32", "k": 5}
    assert Mean().get_config() == {"name": "mean", "dtype": "float32"}
    assert metrics.serialize(BinaryAccuracy()) == {
        "module": "keras.metrics", "class_name": "BinaryAccuracy",
        "config": {"name": "binary_accuracy", "dtype": "float32", "threshold": 0.5},
        "registered_name": None}


@pytest.mark.parametrize("metric", [
    Mean(name="loss"), Accuracy(), BinaryAccuracy(threshold=0.3, name="acc"),
    CategoricalAccuracy(), SparseCategoricalAccuracy(dtype="float64"),
    TopKCategoricalAccuracy(k=3), MeanSquaredError(name="mse"), MeanAbsoluteError(),
    MeanMetricWrapper(losses.mean_squared_error, name="m"),
])
def test_serialize_round_trip(metric):
    again = metrics.get(metrics.serialize(metric))
    assert type(again) is type(metric) and again.get_config() == metric.get_config()


def test_custom_function_wrapper_cannot_be_loaded_from_a_name():
    def secret(y_true, y_pred):
        return y_pred

    data = metrics.serialize(MeanMetricWrapper(secret))
    with pytest.raises(ValueError, match="only numnet's own metric functions"):
        metrics.get(data)
    with pytest.raises(ValueError, match="Unknown metric 'Evil'"):
        metrics.get({"class_name": "Evil", "config": {}})
