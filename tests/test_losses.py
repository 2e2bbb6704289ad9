"""Tests of numnet.losses: Keras 3 golden values, gradients by central differences, numerics,
target checks, get/serialize."""
import warnings

import numpy as np
import pytest

from numnet import losses
from numnet.losses import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    MeanAbsoluteError,
    MeanSquaredError,
    SparseCategoricalCrossentropy,
)


def f32(a):
    return np.array(a, dtype="float32")


YT2 = f32([[0, 1], [0, 0]])
BP = f32([[0.6, 0.4], [0.4, 0.6]])
BL = f32([[-18.6, 0.51], [2.94, -12.8]])
CT = f32([[0, 1, 0], [0, 0, 1]])
CP = f32([[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
CL = f32([[1.0, 2.0, -1.0], [0.5, -2.0, 3.0]])
YI = np.array([1, -1, 2, 0])
PI = f32([[0.2, 0.7, 0.1], [0.3, 0.3, 0.4], [0.1, 0.1, 0.8], [0.5, 0.25, 0.25]])
SW2 = f32([0.7, 0.3])

# (loss, y_true, y_pred, sample_weight, expected). Expected values were computed once with
# Keras 3.15.1 (torch backend, float32) and hard-coded here.
GOLDEN = [
    (MeanSquaredError(), YT2, f32([[1, 1], [1, 0]]), None, 0.5),
    (MeanSquaredError(), YT2, f32([[0.3, 1], [1, 0.2]]), SW2, 0.09375),
    (MeanSquaredError(reduction="sum"), YT2, f32([[0.3, 1], [1, 0.2]]), None, 0.565),
    (MeanSquaredError(reduction=None), YT2, f32([[0.3, 1], [1, 0.2]]), None,
     [0.045000002, 0.51999998]),
    (MeanSquaredError(reduction="mean_with_sample_weight"), YT2, f32([[0.3, 1], [1, 0.2]]), SW2,
     0.1875),
    (MeanSquaredError(), f32([1.0, 0.0, 1.0]), f32([0.9, 0.1, 0.8]), None, 0.020000001),
    (MeanSquaredError(), f32([1.0, 0.0, 2.0]), f32([[0.9], [0.1], [1.5]]), None, 0.090000004),
    (MeanAbsoluteError(), YT2, f32([[0.3, 1], [1, 0.2]]), None, 0.375),
    (BinaryCrossentropy(), YT2, BP, None, 0.81492448),
    (BinaryCrossentropy(label_smoothing=0.1), YT2, BP, None, 0.80478781),
    (BinaryCrossentropy(from_logits=True), YT2, BL, None, 0.86545801),
    (BinaryCrossentropy(from_logits=True), YT2, BL, f32([0.8, 0.2]), 0.2436386),
    (BinaryCrossentropy(from_logits=True, label_smoothing=0.2), YT2, BL, None, 1.5897083),
    (BinaryCrossentropy(reduction=None), f32([[1, 0], [1, 0]]), f32([[0, 1], [1, 0]]), None,
     [16.030239, 1.0960465e-07]),
    (BinaryCrossentropy(from_logits=True, reduction=None), f32([[1, 0], [1, 0]]),
     f32([[-1e4, 1e4], [1e4, -1e4]]), None, [10000.0, 0.0]),
    (BinaryCrossentropy(reduction=None), f32([1, 0, 1]), f32([[0.9], [0.2], [0.3]]), None,
     [0.10536055, 0.22314356, 1.2039728]),
    (CategoricalCrossentropy(), CT, CP, None, 1.1769392),
    (CategoricalCrossentropy(reduction=None), CT, CP, None, [0.051293306, 2.3025851]),
    (CategoricalCrossentropy(label_smoothing=0.2), CT, CP, None, 1.7413325),
    (CategoricalCrossentropy(reduction=None), CT, f32([[1, 2, 1], [3, 1, 0.5]]), None,
     [0.69314718, 2.1972246]),
    (CategoricalCrossentropy(from_logits=True, reduction=None), CT, CL, None,
     [0.34901217, 0.085097261]),
    (CategoricalCrossentropy(from_logits=True, label_smoothing=0.1), CT, CL, None, 0.40872139),
    (CategoricalCrossentropy(from_logits=True, reduction=None), CT,
     f32([[1e4, -1e4, 0], [-1e4, 0, 1e4]]), None, [20000.0, 0.0]),
    (CategoricalCrossentropy(reduction=None), CT, f32([[1, 0, 0], [0, 0, 1]]), None,
     [16.118095, 1.192093e-07]),
    (CategoricalCrossentropy(), CT, CP, f32([0.3, 0.7]), 0.81359881),
    (SparseCategoricalCrossentropy(), np.array([1, 2]), CP, None, 1.1769392),
    (SparseCategoricalCrossentropy(), f32([[1], [2]]), CP, None, 1.1769392),
    (SparseCategoricalCrossentropy(), np.array([1, 2]), CP, f32([0.3, 0.7]), 0.81359881),
    (SparseCategoricalCrossentropy(from_logits=True, reduction=None), np.array([1, 2]), CL, None,
     [0.34901217, 0.085097261]),
    (SparseCategoricalCrossentropy(from_logits=True, reduction=None), np.array([1, 0]),
     f32([[1e4, -1e4, 0], [-1e4, 0, 1e4]]), None, [20000.0, 20000.0]),
    (SparseCategoricalCrossentropy(ignore_class=-1), YI, PI, None, 0.42432189),
    (SparseCategoricalCrossentropy(ignore_class=-1, reduction="sum"), YI, PI, None, 1.2729657),
    (SparseCategoricalCrossentropy(ignore_class=-1, reduction=None), YI, PI, None,
     [0.35667497, 0.0, 0.22314353, 0.69314718]),
    (SparseCategoricalCrossentropy(ignore_class=-1), YI, PI, f32([1, 2, 3, 4]), 1.2662314),
    (SparseCategoricalCrossentropy(ignore_class=-1, reduction="mean_with_sample_weight"), YI, PI,
     f32([1, 2, 3, 4]), 0.4748368),
]


@pytest.mark.parametrize("loss, y_true, y_pred, sample_weight, expected", GOLDEN)
def test_golden_values_match_keras(loss, y_true, y_pred, sample_weight, expected):
    value = loss(y_true, y_pred, sample_weight=sample_weight)
    if loss.reduction is None:
        assert isinstance(value, np.ndarray) and value.dtype == np.float32
    else:
        assert isinstance(value, float)
    np.testing.assert_allclose(value, expected, rtol=2e-6, atol=1e-12)


def test_function_forms_return_per_sample_values():
    # Golden values from Keras 3 (keras.losses.<fn>).
    np.testing.assert_allclose(losses.mean_absolute_error(YT2, f32([[0.3, 1], [1, 0.2]])),
                               [0.15000001, 0.60000002], rtol=1e-6)
    np.testing.assert_allclose(losses.binary_crossentropy(YT2, BP), [0.91629076, 0.7135582],
                               rtol=1e-6)
    np.testing.assert_allclose(losses.categorical_crossentropy(CT, CP),
                               [0.051293306, 2.3025851], rtol=1e-6)
    np.testing.assert_allclose(losses.sparse_categorical_crossentropy(np.array([1, 2]), CP),
                               [0.051293306, 2.3025851], rtol=1e-6)
    assert losses.mse is losses.mean_squared_error and losses.mae is losses.mean_absolute_error
    assert losses.mse(YT2, BP).shape == (2,)
    assert losses.mse(YT2, BP).dtype == np.float32


def test_dtype_follows_y_pred():
    y = np.array([[0.0, 1.0]])
    out32 = CategoricalCrossentropy(reduction=None)(y, f32([[0.3, 0.7]]))
    out64 = CategoricalCrossentropy(reduction=None)(y, np.array([[0.3, 0.7]]))
    assert out32.dtype == np.float32 and out64.dtype == np.float64
    assert CategoricalCrossentropy().gradient(y, f32([[0.3, 0.7]])).dtype == np.float32
    sparse = SparseCategoricalCrossentropy()
    assert sparse.logits_gradient([1], f32([[0.3, 0.7]])).dtype == np.float32


def test_default_names_and_configs_match_keras():
    assert MeanSquaredError().name == "mean_squared_error"
    assert MeanAbsoluteError().name == "mean_absolute_error"
    assert BinaryCrossentropy().name == "binary_crossentropy"
    assert CategoricalCrossentropy().name == "categorical_crossentropy"
    assert SparseCategoricalCrossentropy().name == "sparse_categorical_crossentropy"
    # Configs as printed by Keras 3 get_config().
    assert MeanAbsoluteError().get_config() == {"name": "mean_absolute_error",
                                                "reduction": "sum_over_batch_size"}
    assert BinaryCrossentropy(from_logits=True).get_config() == {
        "name": "binary_crossentropy", "reduction": "sum_over_batch_size", "from_logits": True,
        "label_smoothing": 0.0, "axis": -1}
    assert SparseCategoricalCrossentropy().get_config() == {
        "name": "sparse_categorical_crossentropy", "reduction": "sum_over_batch_size",
        "from_logits": False, "ignore_class": None}


# ----------------------------------------------------------------------- gradient checks
def numeric_gradient(f, x, h=1e-6):
    """Central differences of the scalar function f at x (float64)."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += h
        xm[i] -= h
        grad[i] = (f(xp) - f(xm)) / (2 * h)
    return grad


def scalar_loss(loss, y_true, sample_weight=None):
    def f(y_pred):
        return float(np.sum(loss(y_true, y_pred, sample_weight=sample_weight)))
    return f


RNG = np.random.default_rng(0)
N, C = 5, 4
Z = RNG.normal(size=(N, C)) * 2
PROBS = np.exp(Z) / np.exp(Z).sum(-1, keepdims=True)
UNNORM = RNG.uniform(0.2, 2.0, size=(N, C))
ONEHOT = np.eye(C)[RNG.integers(0, C, size=N)]
LABELS = np.argmax(ONEHOT, -1)
BIN_T = RNG.integers(0, 2, size=(N, 3)).astype(float)
BIN_P = RNG.uniform(0.05, 0.95, size=(N, 3))
REG_T = RNG.normal(size=(N, 3))
REG_P = REG_T + RNG.uniform(0.1, 1.0, size=(N, 3)) * RNG.choice([-1, 1], size=(N, 3))
SW = RNG.uniform(0.1, 2.0, size=N)

GRADIENT_CASES = [
    (MeanSquaredError(), REG_T, REG_P, None),
    (MeanSquaredError(reduction="sum"), REG_T, REG_P, SW),
    (MeanSquaredError(), REG_T[:, 0], REG_P[:, :1], None),      # y (N,) vs y_pred (N, 1)
    (MeanSquaredError(reduction=None), REG_T, REG_P, SW),
    (MeanAbsoluteError(), REG_T, REG_P, None),
    (MeanAbsoluteError(reduction="mean_with_sample_weight"), REG_T, REG_P, SW),
    (BinaryCrossentropy(), BIN_T, BIN_P, None),
    (BinaryCrossentropy(label_smoothing=0.2), BIN_T, BIN_P, SW),
    (BinaryCrossentropy(), BIN_T[:, 0], BIN_P[:, :1], None),
    (BinaryCrossentropy(from_logits=True), BIN_T, Z[:, :3], None),
    (BinaryCrossentropy(from_logits=True, label_smoothing=0.1, reduction="sum"), BIN_T, Z[:, :3],
     SW),
    (BinaryCrossentropy(axis=0), BIN_T, BIN_P, None),
    (CategoricalCrossentropy(), ONEHOT, PROBS, None),
    (CategoricalCrossentropy(), ONEHOT, UNNORM, SW),             # Keras divides by the sum
    (CategoricalCrossentropy(label_smoothing=0.3), ONEHOT, UNNORM, None),
    (CategoricalCrossentropy(from_logits=True), ONEHOT, Z, None),
    (CategoricalCrossentropy(from_logits=True, label_smoothing=0.1), ONEHOT, Z, SW),
    (CategoricalCrossentropy(axis=0), ONEHOT.T.copy(), UNNORM.T.copy(), None),
    (SparseCategoricalCrossentropy(), LABELS, PROBS, None),
    (SparseCategoricalCrossentropy(), LABELS[:, None].astype(float), UNNORM, SW),
    (SparseCategoricalCrossentropy(from_logits=True), LABELS, Z, None),
    (SparseCategoricalCrossentropy(from_logits=True, reduction="sum"), LABELS, Z, SW),
    (SparseCategoricalCrossentropy(ignore_class=0), LABELS, UNNORM, None),
    (SparseCategoricalCrossentropy(ignore_class=0, from_logits=True,
                                   reduction="mean_with_sample_weight"), LABELS, Z, SW),
    (SparseCategoricalCrossentropy(axis=0), LABELS, UNNORM.T.copy(), None),
]


@pytest.mark.parametrize("loss, y_true, y_pred, sample_weight", GRADIENT_CASES)
def test_gradient_matches_central_differences(loss, y_true, y_pred, sample_weight):
    analytic = loss.gradient(y_true, y_pred, sample_weight=sample_weight)
    assert analytic.shape == y_pred.shape
    numeric = numeric_gradient(scalar_loss(loss, y_true, sample_weight), y_pred)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-8)


def test_gradient_on_sequences_3d():
    labels = RNG.integers(0, 3, size=(2, 4))
    logits = RNG.normal(size=(2, 4, 3))
    cases = [(SparseCategoricalCrossentropy(from_logits=True), labels, logits),
             (CategoricalCrossentropy(), np.eye(3)[labels], np.abs(logits) + 0.1),
             (MeanSquaredError(), RNG.normal(size=(2, 4, 3)), logits)]
    for loss, target, point in cases:
        assert np.shape(loss.call(target, point)) == (2, 4)
        numeric = numeric_gradient(scalar_loss(loss, target), point)
        np.testing.assert_allclose(loss.gradient(target, point), numeric, rtol=1e-5, atol=1e-8)


def softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


LOGITS_CASES = [
    (CategoricalCrossentropy(), ONEHOT, Z, softmax, None),
    (CategoricalCrossentropy(label_smoothing=0.2), ONEHOT, Z, softmax, SW),
    (CategoricalCrossentropy(reduction="sum"), ONEHOT, Z, softmax, None),
    (SparseCategoricalCrossentropy(), LABELS, Z, softmax, None),
    (SparseCategoricalCrossentropy(), LABELS[:, None], Z, softmax, SW),
    (SparseCategoricalCrossentropy(ignore_class=1), LABELS, Z, softmax, None),
    (BinaryCrossentropy(), BIN_T[:, :1], Z[:, :1], sigmoid, None),
    (BinaryCrossentropy(), BIN_T, Z[:, :3], sigmoid, SW),
    (BinaryCrossentropy(label_smoothing=0.1), BIN_T[:, 0], Z[:, :1], sigmoid, None),
]


@pytest.mark.parametrize("loss, y_true, z, activation, sample_weight", LOGITS_CASES)
def test_logits_gradient_is_the_composed_gradient(loss, y_true, z, activation, sample_weight):
    numeric = numeric_gradient(
        lambda zz: float(np.sum(loss(y_true, activation(zz), sample_weight=sample_weight))), z)
    analytic = loss.logits_gradient(y_true, activation(z), sample_weight=sample_weight)
    assert analytic.shape == z.shape
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-8)


def test_logits_gradient_is_p_minus_y_over_n():
    p = softmax(Z)
    np.testing.assert_allclose(CategoricalCrossentropy().logits_gradient(ONEHOT, p),
                               (p - ONEHOT) / N)
    np.testing.assert_allclose(SparseCategoricalCrossentropy().logits_gradient(LABELS, p),
                               (p - ONEHOT) / N)
    q = sigmoid(Z[:, :3])
    np.testing.assert_allclose(BinaryCrossentropy().logits_gradient(BIN_T, q),
                               (q - BIN_T) / (N * 3))


def test_from_logits_gradient_equals_logits_gradient_of_probabilities():
    for loss_cls, y in [(CategoricalCrossentropy, ONEHOT), (SparseCategoricalCrossentropy, LABELS)]:
        np.testing.assert_allclose(loss_cls(from_logits=True).gradient(y, Z),
                                   loss_cls().logits_gradient(y, softmax(Z)), atol=1e-12)


# -------------------------------------------------------------------------------- numerics
@pytest.fixture
def strict_numpy():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise"):
            yield


EXTREME = [
    (BinaryCrossentropy(from_logits=True), f32([[1, 0], [0, 1]]), f32([[-1e4, 1e4], [1e4, -1e4]])),
    (BinaryCrossentropy(), f32([[1, 0], [0, 1]]), f32([[0, 1], [1, 0]])),
    (BinaryCrossentropy(), f32([[1, 0], [0, 1]]), f32([[1, 0], [0, 1]])),
    (CategoricalCrossentropy(from_logits=True), f32([[1, 0, 0], [0, 1, 0]]),
     f32([[-1e4, 1e4, 0], [1e4, -1e4, 1e4]])),
    (CategoricalCrossentropy(), f32([[1, 0, 0], [0, 1, 0]]), f32([[0, 1, 0], [1, 0, 0]])),
    (CategoricalCrossentropy(), f32([[1, 0, 0], [0, 1, 0]]), f32([[1, 0, 0], [0, 0, 0]])),
    (SparseCategoricalCrossentropy(from_logits=True), np.array([0, 1]),
     f32([[-1e4, 1e4, 0], [1e4, -1e4, 1e4]])),
    (SparseCategoricalCrossentropy(), np.array([0, 1]), f32([[0, 1, 0], [1, 0, 0]])),
    (SparseCategoricalCrossentropy(), np.array([0, 1]), f32([[1, 0, 0], [0, 1, 0]])),
]


@pytest.mark.parametrize("loss, y_true, y_pred", EXTREME)
def test_extreme_inputs_are_finite_and_warning_free(strict_numpy, loss, y_true, y_pred):
    value = loss(y_true, y_pred)
    assert np.isfinite(value)
    assert np.all(np.isfinite(loss.gradient(y_true, y_pred)))
    if not loss.from_logits:
        p = y_pred
        assert np.all(np.isfinite(loss.logits_gradient(y_true, p)))


def test_clipped_probabilities_have_the_keras_value_and_zero_gradient():
    # -log(eps) with eps = 1e-7 in float32 (Keras 3 gives 16.118095).
    loss = SparseCategoricalCrossentropy(reduction=None)
    np.testing.assert_allclose(loss([0], f32([[0, 1]])), [16.118095], rtol=1e-6)
    np.testing.assert_array_equal(SparseCategoricalCrossentropy().gradient([0], f32([[0, 1]])),
                                  [[0, 0]])


def test_logits_gradient_stays_exact_where_probabilities_saturate(strict_numpy):
    p = f32([[1.0, 0.0, 0.0]])
    np.testing.assert_allclose(CategoricalCrossentropy().logits_gradient(f32([[0, 1, 0]]), p),
                               [[1, -1, 0]])
    np.testing.assert_allclose(BinaryCrossentropy().logits_gradient(f32([[0]]), f32([[1.0]])),
                               [[1.0]])


# ------------------------------------------------------------------------ target checks
def test_sparse_label_out_of_range_message():
    loss = SparseCategoricalCrossentropy()
    with pytest.raises(ValueError) as err:
        loss.check_targets(np.array([0, 3, 10]), (None, 10))
    message = str(err.value)
    assert "label value of 10" in message and "[0, 10)" in message
    assert "outputs 10 classes" in message and " y" in message
    with pytest.raises(ValueError, match="label value of -1"):
        loss.check_targets(np.array([[0], [-1]]), (None, 10))
    with pytest.raises(ValueError, match="label value of 10"):
        loss(np.array([10]), np.full((1, 10), 0.1, "float32"))


def test_sparse_labels_must_be_whole_numbers_and_shaped_per_sample():
    loss = SparseCategoricalCrossentropy()
    loss.check_targets(np.array([0.0, 2.0, 9.0]), (None, 10))
    loss.check_targets(np.array([[0], [9]]), (None, 10))
    with pytest.raises(ValueError, match="whole numbers.*0.5"):
        loss.check_targets(np.array([0.5, 1.0]), (None, 10))
    with pytest.raises(ValueError, match="categorical_crossentropy"):
        loss.check_targets(np.eye(10)[[1, 2]], (None, 10))
    SparseCategoricalCrossentropy(ignore_class=255).check_targets(np.array([0, 255, 3]), (None, 4))


def test_categorical_width_mismatch_and_sparse_suggestion():
    loss = CategoricalCrossentropy()
    loss.check_targets(np.eye(10)[[1, 2]], (None, 10))
    with pytest.raises(ValueError) as err:
        loss.check_targets(np.array([3, 1, 4]), (None, 10))
    assert "sparse_categorical_crossentropy" in str(err.value)
    assert "numnet.utils.to_categorical" in str(err.value)
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy"):
        loss.check_targets(np.array([[3], [1]]), (None, 10))
    with pytest.raises(ValueError, match=r"shape \(2, 5\).*\(None, 10\).*10 columns"):
        loss.check_targets(np.eye(5)[[1, 2]], (None, 10))
    with pytest.warns(UserWarning, match="binary_crossentropy"):
        loss.check_targets(np.array([[1.0], [1.0]]), (None, 1))
    with pytest.raises(ValueError, match="same shape.*sparse_categorical_crossentropy"):
        loss(np.array([1, 2]), CP)


def test_binary_targets_must_be_in_unit_interval():
    loss = BinaryCrossentropy()
    loss.check_targets(np.array([0, 1, 1]), (None, 1))
    loss.check_targets(np.array([[0.2], [1.0]]), (None, 1))
    with pytest.raises(ValueError, match=r"\[0, 1\].*0 to 9.*sparse_categorical_crossentropy"):
        loss.check_targets(np.arange(10), (None, 1))
    with pytest.raises(ValueError, match="-1/\\+1"):
        loss.check_targets(np.array([-1, 1]), (None, 1))
    with pytest.raises(ValueError, match="shape"):
        loss.check_targets(np.zeros((4, 3)), (None, 1))


def test_regression_target_shape_and_finiteness():
    loss = MeanSquaredError()
    loss.check_targets(np.zeros(4), (None, 1))
    loss.check_targets(np.zeros((4, 3)), (None, 3))
    with pytest.raises(ValueError, match=r"y has shape \(4,\).*\(None, 10\)"):
        loss.check_targets(np.zeros(4), (None, 10))
    with pytest.raises(ValueError, match="NaN or Inf"):
        MeanAbsoluteError().check_targets(np.array([0.0, np.nan]), (None, 1))
    with pytest.raises(TypeError, match="y must be numbers"):
        loss.check_targets(np.array(["cat", "dog"]), (None, 1))


def test_invalid_arguments():
    with pytest.raises(ValueError, match="reduction"):
        MeanSquaredError(reduction="average")
    with pytest.raises(ValueError, match="label_smoothing"):
        CategoricalCrossentropy(label_smoothing=1.5)
    with pytest.raises(ValueError, match="sample_weight"):
        MeanSquaredError()(YT2, YT2, sample_weight=np.ones(3))
    with pytest.raises(ValueError, match="y_pred"):
        MeanSquaredError()(1.0, 2.0)


# ---------------------------------------------------------------------- get / serialize
@pytest.mark.parametrize("name, cls", [
    ("mse", MeanSquaredError), ("MSE", MeanSquaredError), ("mean_squared_error", MeanSquaredError),
    ("mae", MeanAbsoluteError), ("MAE", MeanAbsoluteError), ("bce", BinaryCrossentropy),
    ("binary_crossentropy", BinaryCrossentropy),
    ("categorical_crossentropy", CategoricalCrossentropy),
    ("sparse_categorical_crossentropy", SparseCategoricalCrossentropy),
    ("CategoricalCrossentropy", CategoricalCrossentropy), ("MeanAbsoluteError", MeanAbsoluteError),
])
def test_get_by_name(name, cls):
    loss = losses.get(name)
    assert type(loss) is cls


def test_get_instances_classes_functions_and_none():
    loss = BinaryCrossentropy(from_logits=True)
    assert losses.get(loss) is loss
    assert losses.get(None) is None
    assert type(losses.get(CategoricalCrossentropy)) is CategoricalCrossentropy
    assert type(losses.get(losses.categorical_crossentropy)) is CategoricalCrossentropy


def test_get_wraps_plain_callables():
    def my_loss(y_true, y_pred):
        return np.mean(np.abs(y_true - y_pred) ** 3, axis=-1)

    loss = losses.get(my_loss)
    assert isinstance(loss, losses.Loss) and loss.name == "my_loss"
    np.testing.assert_allclose(loss(YT2, BP), np.mean(np.abs(YT2 - BP) ** 3))
    with pytest.raises(TypeError, match="gradient"):
        loss.gradient(YT2, BP)

    my_loss.gradient = lambda y_true, y_pred: 3 * np.abs(y_pred - y_true) ** 2 * np.sign(
        y_pred - y_true) / y_pred.size
    y, p = REG_T, REG_P
    np.testing.assert_allclose(losses.get(my_loss).gradient(y, p),
                               numeric_gradient(scalar_loss(losses.get(my_loss), y), p),
                               rtol=1e-5, atol=1e-8)


def test_unknown_names_are_clear():
    with pytest.raises(ValueError) as err:
        losses.get("mean_square_error")
    message = str(err.value)
    assert message.startswith("Unknown loss 'mean_square_error'. Choose one of:")
    assert "categorical_crossentropy" in message and "mse" in message
    assert "did you mean 'mean_squared_error'" in message
    with pytest.raises(ValueError, match="Unknown loss 'crossentropy'.*binary_crossentropy"):
        losses.get("crossentropy")
    with pytest.raises(TypeError, match="loss identifier"):
        losses.get(3)
    with pytest.raises(ValueError, match="Unknown loss 'Evil'"):
        losses.get({"class_name": "Evil", "config": {}})


@pytest.mark.parametrize("loss", [
    MeanSquaredError(), MeanAbsoluteError(reduction="sum"),
    BinaryCrossentropy(from_logits=True, label_smoothing=0.1),
    CategoricalCrossentropy(label_smoothing=0.2, name="cce"),
    SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1),
])
def test_serialize_round_trip(loss):
    data = losses.serialize(loss)
    assert data["module"] == "keras.losses" and data["registered_name"] is None
    assert data["class_name"] == type(loss).__name__
    again = losses.get(data)
    assert type(again) is type(loss) and again.get_config() == loss.get_config()
    assert type(loss).from_config(loss.get_config()).get_config() == loss.get_config()


def test_serialize_matches_keras_layout():
    # Printed by keras.losses.serialize in Keras 3.
    assert losses.serialize(CategoricalCrossentropy()) == {
        "module": "keras.losses", "class_name": "CategoricalCrossentropy",
        "config": {"name": "categorical_crossentropy", "reduction": "sum_over_batch_size",
                   "from_logits": False, "label_smoothing": 0.0, "axis": -1},
        "registered_name": None}
    assert losses.serialize(losses.mean_squared_error) == {
        "module": "builtins", "class_name": "function", "config": "mean_squared_error",
        "registered_name": "function"}
    assert type(losses.get(losses.serialize(losses.mean_squared_error))) is MeanSquaredError
