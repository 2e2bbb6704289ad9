"""Tests for numnet.regularizers: penalties (golden values from Keras 3), gradients checked by
float64 central differences, configs in the Keras 3 format, lookup and error messages."""
import numpy as np
import pytest

from numnet import regularizers

W = np.array([[0.5, -1.5, 2.0], [-0.25, 0.0, 3.0]])

# Computed with Keras 3.15.1 (torch backend) on W in float64: float(regularizer(W)).
KERAS_PENALTIES = [
    (regularizers.L1(0.01), 0.07249999837949872),  # Keras keeps l1 in float32, hence the 1e-9 gap
    (regularizers.L2(0.01), 0.155625),
    (regularizers.L1L2(0.3, 0.2), 5.2875),
    (regularizers.OrthogonalRegularizer(0.1), 0.0765468310795252),
    (regularizers.OrthogonalRegularizer(0.1, "columns"), 0.05243873773672288),
]


@pytest.mark.parametrize("reg, expected", KERAS_PENALTIES, ids=lambda r: repr(r))
def test_penalties_match_keras(reg, expected):
    value = reg(W)
    assert isinstance(value, float)
    np.testing.assert_allclose(value, expected, rtol=2e-7)


def test_penalty_formulas():
    w = np.array([1.0, -2.0, 3.0])
    assert regularizers.L1(0.5)(w) == pytest.approx(3.0)
    assert regularizers.L2(0.5)(w) == pytest.approx(7.0)  # no 1/2: 0.5 * 14
    assert regularizers.L1L2(l1=0.5, l2=0.5)(w) == pytest.approx(10.0)
    assert regularizers.L1L2()(w) == 0.0


def _numerical_gradient(f, w, h=1e-6):
    grad = np.zeros_like(w)
    for i in np.ndindex(w.shape):
        wp, wm = w.copy(), w.copy()
        wp[i] += h
        wm[i] -= h
        grad[i] = (f(wp) - f(wm)) / (2 * h)
    return grad


@pytest.mark.parametrize(
    "reg",
    [
        regularizers.L1(0.3),
        regularizers.L2(0.3),
        regularizers.L1L2(0.2, 0.7),
        regularizers.OrthogonalRegularizer(0.5),
        regularizers.OrthogonalRegularizer(0.5, "columns"),
    ],
    ids=lambda r: repr(r),
)
@pytest.mark.parametrize("shape", [(4, 3), (3, 5)])
def test_gradient_matches_central_differences(reg, shape):
    w = np.random.default_rng(0).normal(size=shape)
    w[np.abs(w) < 0.05] = 0.3  # away from the kink of |w|
    np.testing.assert_allclose(reg.gradient(w), _numerical_gradient(reg, w), rtol=1e-5, atol=1e-8)


def test_gradient_formulas_and_dtype():
    w = np.array([1.5, -2.0, 0.0], dtype=np.float32)
    np.testing.assert_allclose(regularizers.L1(0.1).gradient(w), [0.1, -0.1, 0.0])  # sign(0) = 0
    np.testing.assert_allclose(regularizers.L2(0.1).gradient(w), [0.3, -0.4, 0.0])  # 2 * l2 * w
    for reg in (regularizers.L1(), regularizers.L2(), regularizers.L1L2(0.1, 0.1)):
        assert reg.gradient(w).dtype == np.float32
    w2 = np.random.default_rng(1).normal(size=(3, 4)).astype(np.float32)
    assert regularizers.OrthogonalRegularizer().gradient(w2).dtype == np.float32


def test_orthogonal_regularizer_zero_for_orthogonal_rows():
    reg = regularizers.OrthogonalRegularizer(1.0)
    w = np.array([[2.0, 0.0, 0.0], [0.0, 0.0, -3.0]])
    assert reg(w) == 0.0
    with pytest.raises(ValueError, match="2-D"):
        reg(np.ones((2, 2, 2)))


def test_defaults_and_none():
    assert regularizers.L1().l1 == 0.01 and regularizers.L2().l2 == 0.01
    assert regularizers.L1(None).l1 == 0.01 and regularizers.L2(None).l2 == 0.01
    assert regularizers.L1L2(None, None).get_config() == {"l1": 0.0, "l2": 0.0}


def test_configs_and_serialize_match_keras():
    # keras.regularizers.serialize(keras.regularizers.L2(0.01)) in Keras 3.15.1.
    assert regularizers.serialize(regularizers.L2(0.01)) == {
        "module": "keras.regularizers",
        "class_name": "L2",
        "config": {"l2": 0.01},
        "registered_name": None,
    }
    assert regularizers.L1L2(0.3, 0.1).get_config() == {"l1": 0.3, "l2": 0.1}
    assert regularizers.L1(0.5).get_config() == {"l1": 0.5}
    assert regularizers.OrthogonalRegularizer(0.5, "columns").get_config() == {"factor": 0.5, "mode": "columns"}


@pytest.mark.parametrize(
    "reg",
    [regularizers.L1(0.2), regularizers.L2(0.003), regularizers.L1L2(0.1, 0.4), regularizers.OrthogonalRegularizer(0.2, "columns")],
    ids=lambda r: repr(r),
)
def test_config_round_trip(reg):
    clone = type(reg).from_config(reg.get_config())
    assert type(clone) is type(reg) and clone.get_config() == reg.get_config()
    restored = regularizers.get(regularizers.serialize(reg))
    assert type(restored) is type(reg) and restored.get_config() == reg.get_config()
    assert regularizers.deserialize(regularizers.serialize(reg)).get_config() == reg.get_config()


def test_get_forms():
    assert regularizers.get(None) is None
    assert type(regularizers.get("l1")) is regularizers.L1
    assert type(regularizers.get("L2")) is regularizers.L2
    assert type(regularizers.get("l1_l2")) is regularizers.L1L2
    assert type(regularizers.get("l1l2")) is regularizers.L1L2  # the spelling Keras 3 accepts
    assert type(regularizers.get("orthogonal_regularizer")) is regularizers.OrthogonalRegularizer
    reg = regularizers.L2(0.5)
    assert regularizers.get(reg) is reg
    assert type(regularizers.get(regularizers.L1)) is regularizers.L1
    assert regularizers.get({"class_name": "L2", "config": {"l2": 0.5}}).l2 == 0.5
    assert regularizers.l2 is regularizers.L2 and regularizers.l1_l2 is regularizers.L1L2


def test_custom_regularizer_needs_gradient():
    class Custom(regularizers.Regularizer):
        def __call__(self, w):
            return float(np.sum(w**4))

        def gradient(self, w):
            return 4 * w**3

    custom = Custom()
    assert regularizers.get(custom) is custom
    with pytest.raises(TypeError, match="gradient"):
        regularizers.get(lambda w: float(np.sum(w**2)))


@pytest.mark.parametrize(
    "make, error, words",
    [
        (lambda: regularizers.L2(-1), ValueError, ["l2", "-1", "non-negative"]),
        (lambda: regularizers.L1(-0.5), ValueError, ["l1", "-0.5"]),
        (lambda: regularizers.L1L2(l1=float("nan")), ValueError, ["l1", "nan"]),
        (lambda: regularizers.L2(float("inf")), ValueError, ["l2", "inf"]),
        (lambda: regularizers.L2("0.01"), TypeError, ["l2", "'0.01'"]),
        (lambda: regularizers.L1(True), TypeError, ["l1", "True"]),
        (lambda: regularizers.OrthogonalRegularizer(mode="diagonal"), ValueError, ["mode", "diagonal", "rows"]),
        (lambda: regularizers.get("l3"), ValueError, ["Unknown regularizer 'l3'", "l1_l2"]),
        (lambda: regularizers.get("weight_decay"), ValueError, ["'l2'"]),
        (lambda: regularizers.get(0.01), TypeError, ["regularizer identifier 0.01"]),
        (lambda: regularizers.get({"class_name": "L2", "config": {"alpha": 1}}), ValueError, ["L2", "alpha"]),
        (lambda: regularizers.serialize("l2"), ValueError, ["only the built-in regularizers"]),
    ],
)
def test_errors(make, error, words):
    with pytest.raises(error) as info:
        make()
    for word in words:
        assert word in str(info.value)
