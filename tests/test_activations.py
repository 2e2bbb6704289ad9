"""Tests for numnet.activations: values (golden values from Keras 3), derivatives checked by
float64 central differences, dtype, numerical stability, lookup and serialization."""
import functools
import warnings

import numpy as np
import pytest

from numnet import activations

X_GOLDEN = np.array([-4.2, -2.5, -1.2, -0.3, 0.4, 0.9, 2.2, 3.7, 7.1])

# Computed with Keras 3.15.1 (torch backend) in float64: keras.activations.<name>(X_GOLDEN).
GOLDEN = {
    "sigmoid": [0.014774031693273055, 0.07585818002124355, 0.23147521650098238, 0.425557483188341, 0.598687660112452, 0.7109495026250039, 0.9002495108803148, 0.9758729785823308, 0.9991755753136017],
    "tanh": [-0.9995503664595334, -0.9866142981514303, -0.8336546070121552, -0.2913126124515909, 0.3799489622552249, 0.7162978701990245, 0.9757431300314515, 0.9987782412811312, 0.9999986384046582],
    "relu": [0.0, 0.0, 0.0, 0.0, 0.4, 0.9, 2.2, 3.7, 7.1],
    "relu6": [0.0, 0.0, 0.0, 0.0, 0.4, 0.9, 2.2, 3.7, 6.0],
    "leaky_relu": [-0.8400000000000001, -0.5, -0.24, -0.06, 0.4, 0.9, 2.2, 3.7, 7.1],
    "elu": [-0.9850044231795223, -0.9179150013761013, -0.6988057880877979, -0.2591817793182821, 0.4, 0.9, 2.2, 3.7, 7.1],
    "selu": [-1.7317356271236686, -1.6137857588732425, -1.2285699954174891, -0.45566731537912203, 0.4202803949421922, 0.9456308886199324, 2.3115421721820573, 3.8875936532152777, 7.459977010223911],
    "softplus": [0.014884254671918125, 0.07888973429254963, 0.26328246733803123, 0.5543552444685271, 0.9130152523999526, 1.2411538747320878, 2.305083319768696, 3.7244228459337796, 7.100824764711326],
    "softsign": [-0.8076923076923077, -0.7142857142857143, -0.5454545454545454, -0.23076923076923075, 0.28571428571428575, 0.4736842105263158, 0.6875, 0.7872340425531915, 0.8765432098765432],
    "silu": [-0.06205093311174684, -0.18964545005310887, -0.2777702598011788, -0.1276672449565023, 0.2394750640449808, 0.6398545523625035, 1.980548923936693, 3.610730020754624, 7.0941465847265714],
    "gelu": [-5.605214586679175e-05, -0.015524163314440398, -0.13808360426604993, -0.1146265733433142, 0.2621686966441297, 0.7343458871879165, 2.1694124154703034, 3.699601140986134, 7.099999999995571],
    "exponential": [0.014995576820477703, 0.0820849986238988, 0.30119421191220214, 0.7408182206817179, 1.4918246976412703, 2.45960311115695, 9.025013499434122, 40.4473043600674, 1211.9670744925763],
    "hard_sigmoid": [0.0, 0.08333333333333333, 0.3, 0.45, 0.5666666666666667, 0.65, 0.8666666666666667, 1.0, 1.0],
    "mish": [-0.06250925356860992, -0.19681620390653332, -0.3088357963148626, -0.15113317713833455, 0.2890305340723632, 0.7612059289525154, 2.1566506288321587, 3.695694868671197, 7.0999903486064575],
    "celu": [-0.9850044231795223, -0.9179150013761013, -0.6988057880877979, -0.2591817793182821, 0.4, 0.9, 2.2, 3.7, 7.1],
    "hard_silu": [-0.0, -0.20833333333333334, -0.36000000000000004, -0.135, 0.22666666666666668, 0.585, 1.906666666666667, 3.7000000000000006, 7.099999999999999],
    "hard_tanh": [-1.0, -1.0, -1.0, -0.3, 0.4, 0.9, 1.0, 1.0, 1.0],
    "log_sigmoid": [-4.214884254671919, -2.5788897342925496, -1.4632824673380311, -0.8543552444685272, -0.5130152523999526, -0.3411538747320878, -0.1050833197686959, -0.024422845933779157, -0.0008247647113262082],
    "tanh_shrink": [-3.2004496335404666, -1.5133857018485697, -0.36634539298784474, -0.008687387548409087, 0.020051037744775124, 0.18370212980097556, 1.2242568699685488, 2.701221758718869, 6.100001361595341],
    "squareplus": [0.22594066992260142, 0.35078105935821213, 0.56619037896906, 0.8611874208078342, 1.219803902718557, 1.5465856099730655, 2.5866068747318507, 3.9529740844813093, 7.238156721182005],
    "soft_shrink": [-3.7, -2.0, -0.7, 0.0, 0.0, 0.4, 1.7000000000000002, 3.2, 6.6],
    "hard_shrink": [-4.2, -2.5, -1.2, 0.0, 0.0, 0.9, 2.2, 3.7, 7.1],
    "sparse_plus": [0.0, 0.0, 0.0, 0.12249999999999998, 0.48999999999999994, 0.9025, 2.2, 3.7, 7.1],
    "sparse_sigmoid": [0.0, 0.0, 0.0, 0.35, 0.7, 0.95, 1.0, 1.0, 1.0],
    "softmax": [1.1839891552942551e-05, 6.481094348456285e-05, 0.0002378105789531658, 0.0005849196398592417, 0.0011778835084192043, 0.0019420015947376355, 0.007125779980082062, 0.03193553025436758, 0.9569194236085437],
    "log_softmax": [-11.344036087930213, -9.644036087930212, -8.344036087930212, -7.444036087930213, -6.744036087930213, -6.244036087930213, -4.944036087930213, -3.4440360879302125, -0.04403608793021329],
}

# Keras 3.15.1 (torch backend), float64, with keyword arguments.
GOLDEN_WITH_ARGS = [
    ("gelu", {"approximate": True}, [-2.6097066957342375e-05, -0.015084266089998577, -0.13829723086213508, -0.11462907645724074, 0.2621611694273562, 0.7342284887097207, 2.1696785270380117, 3.699728193978608, 7.099999999999999]),
    ("relu", {"negative_slope": 0.1}, [-0.42000000000000004, -0.25, -0.12, -0.03, 0.4, 0.9, 2.2, 3.7, 7.1]),
    ("relu", {"max_value": 3.0}, [0.0, 0.0, 0.0, 0.0, 0.4, 0.9, 2.2, 3.0, 3.0]),
    ("relu", {"threshold": 1.0}, [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.2, 3.7, 7.1]),
    ("relu", {"negative_slope": 0.1, "max_value": 3.0, "threshold": -1.0}, [-0.32000000000000006, -0.15000000000000002, -0.019999999999999997, 0.0, 0.4, 0.9, 2.2, 3.0, 3.0]),
    ("relu", {"threshold": -1.0}, [0.0, 0.0, 0.0, -0.3, 0.4, 0.9, 2.2, 3.7, 7.1]),
    ("relu", {"negative_slope": 0.1, "threshold": 1.0}, [-0.52, -0.35000000000000003, -0.22000000000000003, -0.13, -0.06, -0.009999999999999998, 2.2, 3.7, 7.1]),
    ("elu", {"alpha": 0.5}, [-0.49250221158976115, -0.45895750068805063, -0.34940289404389896, -0.12959088965914106, 0.4, 0.9, 2.2, 3.7, 7.1]),
]
# Keras 3.15.1: keras.activations.softmax(X_GOLDEN.reshape(3, 3), axis=0).
SOFTMAX_AXIS0 = [[0.0015331603723516129, 0.001953418064358106, 0.00024795200546605503], [0.07574187726571627, 0.03550170386894029, 0.0020248182067977077], [0.9227249623619321, 0.9625448780667015, 0.9977272297877363]]

KINKS = np.array([0.0, 0.5, -0.5, 1.0, -1.0, 1.5, -1.5, 2.0, 3.0, -3.0, 4.0, 6.0])
UNIQUE_FUNCTIONS = sorted({activations.get(n) for n in activations.names()}, key=lambda f: f.__name__)


def _smooth_points(shape, seed=0, low=-5.0, high=8.0):
    """Random float64 points at least 0.05 away from every kink of the piecewise activations."""
    x = np.random.default_rng(seed).uniform(low, high, size=shape)
    near = np.min(np.abs(x[..., None] - KINKS), axis=-1) < 0.05
    x[near] += 0.1
    return x


def _numerical_gradient(f, x, grad_y, h=1e-6):
    """d sum(grad_y * f(x)) / dx by central differences, one element at a time."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += h
        xm[i] -= h
        grad[i] = np.sum(grad_y * (f(xp) - f(xm))) / (2 * h)
    return grad


def _check_gradient(fn, x, **kwargs):
    f = functools.partial(fn, **kwargs) if kwargs else fn
    y = f(x)
    grad_y = np.random.default_rng(1).normal(size=y.shape)
    analytic = activations.gradient(fn, x, y, grad_y, **kwargs)
    numeric = _numerical_gradient(f, x, grad_y)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7, err_msg=fn.__name__)


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_values_match_keras(name):
    y = activations.get(name)(X_GOLDEN)
    np.testing.assert_allclose(y, GOLDEN[name], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name, kwargs, expected", GOLDEN_WITH_ARGS)
def test_values_with_arguments_match_keras(name, kwargs, expected):
    np.testing.assert_allclose(activations.get(name)(X_GOLDEN, **kwargs), expected, rtol=1e-12, atol=1e-15)


def test_known_values():
    assert activations.sigmoid(np.array(0.0)) == 0.5
    assert activations.tanh(np.array(0.0)) == 0.0
    np.testing.assert_allclose(activations.softplus(np.array(0.0)), np.log(2.0))
    np.testing.assert_allclose(activations.hard_sigmoid(np.array([-3.0, 0.0, 3.0])), [0.0, 0.5, 1.0])
    np.testing.assert_allclose(activations.softmax(X_GOLDEN.reshape(3, 3), axis=0), SOFTMAX_AXIS0, rtol=1e-12)
    np.testing.assert_allclose(activations.relu6(np.array([-1.0, 3.0, 9.0])), [0.0, 3.0, 6.0])
    np.testing.assert_allclose(activations.relu(np.array([-1.0, 3.0, 9.0]), max_value=6), [0.0, 3.0, 6.0])


@pytest.mark.parametrize("fn", UNIQUE_FUNCTIONS, ids=lambda f: f.__name__)
def test_gradient_matches_central_differences(fn):
    _check_gradient(fn, _smooth_points((4, 5)))


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("relu", {"negative_slope": 0.1}),
        ("relu", {"max_value": 4.0}),
        ("relu", {"threshold": 1.5}),
        ("relu", {"threshold": -1.5}),
        ("relu", {"negative_slope": 0.1, "max_value": 4.0, "threshold": -1.5}),
        ("relu", {"negative_slope": 0.2, "threshold": 1.5}),
        ("leaky_relu", {"negative_slope": 0.01}),
        ("elu", {"alpha": 0.5}),
        ("celu", {"alpha": 2.0}),
        ("gelu", {"approximate": True}),
        ("squareplus", {"b": 1.0}),
        ("soft_shrink", {"threshold": 1.5}),
        ("hard_shrink", {"threshold": 1.5}),
        ("softmax", {"axis": 0}),
        ("log_softmax", {"axis": 0}),
    ],
)
def test_gradient_with_arguments(name, kwargs):
    _check_gradient(activations.get(name), _smooth_points((4, 5), seed=2) + 0.02, **kwargs)


def test_gradient_of_partial_uses_its_keywords():
    fn = functools.partial(activations.relu, max_value=4.0, negative_slope=0.1)
    x = _smooth_points((3, 4), seed=3)
    grad_y = np.ones_like(x)
    expected = activations.gradient(activations.relu, x, fn(x), grad_y, max_value=4.0, negative_slope=0.1)
    np.testing.assert_allclose(activations.gradient(fn, x, fn(x), grad_y), expected)
    np.testing.assert_allclose(expected, _numerical_gradient(fn, x, grad_y), rtol=1e-6)


def test_softmax_gradient_formula():
    x = np.random.default_rng(4).normal(size=(3, 5))
    y = activations.softmax(x)
    g = np.random.default_rng(5).normal(size=(3, 5))
    expected = y * (g - np.sum(g * y, axis=-1, keepdims=True))
    np.testing.assert_allclose(activations.gradient(activations.softmax, x, y, g), expected)


def test_gradient_does_not_modify_grad_y():
    x = _smooth_points((3, 3))
    for fn in UNIQUE_FUNCTIONS:
        g = np.ones_like(x)
        activations.gradient(fn, x, fn(x), g)
        np.testing.assert_array_equal(g, np.ones_like(x), err_msg=fn.__name__)


def test_custom_activation_with_gradient_attribute():
    def cube(x):
        return x**3

    cube.gradient = lambda x, y, grad_y: grad_y * 3 * x**2
    x = np.array([1.0, -2.0])
    np.testing.assert_allclose(activations.gradient(cube, x, cube(x), np.ones(2)), [3.0, 12.0])
    assert activations.get(cube) is cube


def test_custom_activation_without_gradient_raises():
    def cube(x):
        return x**3

    with pytest.raises(TypeError, match="gradient"):
        activations.gradient(cube, np.ones(2), np.ones(2), np.ones(2))


@pytest.mark.parametrize("fn", UNIQUE_FUNCTIONS, ids=lambda f: f.__name__)
def test_float32_in_float32_out(fn):
    x = _smooth_points((2, 3)).astype(np.float32)
    y = fn(x)
    assert y.dtype == np.float32
    assert activations.gradient(fn, x, y, np.ones_like(y)).dtype == np.float32


def test_float64_kept_and_integers_become_floatx():
    assert activations.sigmoid(np.zeros(2, dtype=np.float64)).dtype == np.float64
    assert activations.relu(np.array([1, -2])).dtype == np.float32
    assert activations.softmax([[1, 2]]).dtype == np.float32


@pytest.mark.parametrize("fn", [f for f in UNIQUE_FUNCTIONS if f.__name__ != "exponential"], ids=lambda f: f.__name__)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_stable_for_huge_inputs(fn, dtype):
    x = np.array([-1e4, -50.0, 0.0, 50.0, 1e4], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any overflow / invalid-value warning fails the test
        y = fn(x)
        g = activations.gradient(fn, x, y, np.ones_like(y))
    assert np.all(np.isfinite(y)) and np.all(np.isfinite(g))


def test_saturated_values():
    x = np.array([-1e4, 1e4], dtype=np.float32)
    np.testing.assert_array_equal(activations.sigmoid(x), [0.0, 1.0])
    np.testing.assert_array_equal(activations.softplus(x), [0.0, 1e4])
    np.testing.assert_array_equal(activations.softmax(x), [0.0, 1.0])
    np.testing.assert_allclose(activations.log_softmax(np.array([0.0, 1e4])), [-1e4, 0.0])


def test_get_basic_forms():
    assert activations.get(None) is activations.linear
    assert activations.get("relu") is activations.relu
    assert activations.get("ReLU") is activations.relu  # case-insensitive
    assert activations.get("swish") is activations.silu
    assert activations.swish is activations.silu
    assert activations.get("hard_swish") is activations.hard_silu
    assert activations.get(np.tanh) is np.tanh
    # The dict Keras 3 writes for a function, and the short form.
    saved = {"module": "builtins", "class_name": "function", "config": "relu", "registered_name": "function"}
    assert activations.get(saved) is activations.relu
    assert activations.get({"class_name": "softmax", "config": {}}) is activations.softmax


@pytest.mark.parametrize("name", activations.names())
def test_serialize_round_trip(name):
    fn = activations.get(name)
    assert activations.get(activations.serialize(fn)) is fn
    assert activations.deserialize(activations.serialize(fn)) is fn


def test_serialize_names_like_keras():
    assert activations.serialize(activations.relu) == "relu"
    assert activations.serialize(activations.swish) == "silu"  # Keras 3 also gives 'silu'
    assert activations.serialize(activations.get(None)) == "linear"


def test_serialize_unknown_function_raises():
    with pytest.raises(ValueError, match="only built-in activations"):
        activations.serialize(lambda x: x)


@pytest.mark.parametrize("name", ["binary", "step", "Binary"])
def test_binary_step_suggests_sigmoid(name):
    with pytest.raises(ValueError) as info:
        activations.get(name)
    message = str(info.value)
    assert repr(name) in message and "sigmoid" in message and "relu" in message


def test_unknown_name_suggests_close_match():
    with pytest.raises(ValueError, match="did you mean 'relu'"):
        activations.get("rellu")


def test_bad_identifier_type():
    with pytest.raises(TypeError, match="activation identifier 3"):
        activations.get(3)
    with pytest.raises(ValueError, match="activation config"):
        activations.get({"class_name": "ReLU", "config": {"max_value": 6.0}})
