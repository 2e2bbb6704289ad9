"""Tests for numnet.initializers: shapes, dtypes, the variance each one promises, seeding,
configs in the Keras 3 format, lookup and error messages."""
import math

import numpy as np
import pytest

from numnet import config, initializers

TRUNC = 0.87962566103423978  # stddev of a unit normal truncated to [-2, 2]
ALL_NAMES = [
    "zeros", "ones", "constant", "identity", "random_normal", "random_uniform",
    "truncated_normal", "variance_scaling", "glorot_uniform", "glorot_normal", "he_normal",
    "he_uniform", "lecun_normal", "lecun_uniform", "orthogonal",
]


@pytest.fixture(autouse=True)
def _restore_floatx():
    yield
    config.set_floatx("float32")


@pytest.mark.parametrize("name", ALL_NAMES)
@pytest.mark.parametrize("shape", [(3, 4), (5, 2)])
def test_shape_and_default_dtype(name, shape):
    w = initializers.get(name)(shape)
    assert isinstance(w, np.ndarray) and w.shape == shape and w.dtype == np.float32
    assert initializers.get(name)(shape, dtype="float64").dtype == np.float64


@pytest.mark.parametrize("name", [n for n in ALL_NAMES if n != "identity"])
def test_conv_kernel_and_list_shapes(name):
    assert initializers.get(name)([3, 3, 2, 4]).shape == (3, 3, 2, 4)


def test_dtype_follows_floatx():
    config.set_floatx("float64")
    assert initializers.GlorotUniform()((2, 2)).dtype == np.float64


def test_compute_fans_like_keras():
    assert initializers.compute_fans((3, 4)) == (3, 4)
    assert initializers.compute_fans((3, 3, 16, 32)) == (144, 288)
    assert initializers.compute_fans((5,)) == (5, 5)
    assert initializers.compute_fans(()) == (1, 1)
    assert initializers.compute_fans((2, 3, 4), input_axes=[0, 1], output_axes=[2]) == (6, 4)


def test_constant_zeros_ones_identity():
    np.testing.assert_array_equal(initializers.Zeros()((2, 3)), np.zeros((2, 3)))
    np.testing.assert_array_equal(initializers.Ones()((2,)), np.ones(2))
    np.testing.assert_array_equal(initializers.Constant(0.7)((2, 2)), np.full((2, 2), 0.7, np.float32))
    np.testing.assert_array_equal(initializers.Identity(gain=2.0)((2, 3)), 2 * np.eye(2, 3))


def _limit_and_var(w):
    return float(np.max(np.abs(w))), float(np.var(w)), float(np.mean(w))


def test_glorot_uniform_limit_and_variance():
    fan_in, fan_out = 400, 600
    w = initializers.GlorotUniform(seed=1)((fan_in, fan_out))
    limit = math.sqrt(6 / (fan_in + fan_out))
    peak, var, mean = _limit_and_var(w)
    assert peak <= limit and peak > 0.99 * limit
    np.testing.assert_allclose(var, limit**2 / 3, rtol=0.02)  # variance of U(-a, a) is a^2/3
    assert abs(mean) < 0.01 * limit


def test_glorot_uniform_conv_kernel_uses_receptive_field():
    w = initializers.GlorotUniform(seed=2)((3, 3, 16, 32))
    limit = math.sqrt(6 / (3 * 3 * 16 + 3 * 3 * 32))
    assert np.max(np.abs(w)) <= limit
    np.testing.assert_allclose(np.var(w), limit**2 / 3, rtol=0.05)


@pytest.mark.parametrize(
    "cls, variance, uniform",
    [
        (initializers.HeNormal, lambda i, o: 2 / i, False),
        (initializers.HeUniform, lambda i, o: 2 / i, True),
        (initializers.GlorotNormal, lambda i, o: 2 / (i + o), False),
        (initializers.LecunNormal, lambda i, o: 1 / i, False),
        (initializers.LecunUniform, lambda i, o: 1 / i, True),
    ],
)
def test_variance_scaling_presets(cls, variance, uniform):
    fan_in, fan_out = 300, 500
    w = cls(seed=3)((fan_in, fan_out))
    target = variance(fan_in, fan_out)
    np.testing.assert_allclose(np.var(w), target, rtol=0.03)
    if uniform:
        assert np.max(np.abs(w)) <= math.sqrt(3 * target)
    else:  # truncated at 2 stddev of the pre-truncation distribution
        assert np.max(np.abs(w)) <= 2 * math.sqrt(target) / TRUNC


def test_he_normal_std():
    w = initializers.HeNormal(seed=4)((784, 256))
    np.testing.assert_allclose(np.std(w), math.sqrt(2 / 784), rtol=0.02)


@pytest.mark.parametrize(
    "mode, n", [("fan_in", 200), ("fan_out", 100), ("fan_avg", 150)]
)
@pytest.mark.parametrize("distribution", ["truncated_normal", "untruncated_normal", "uniform"])
def test_variance_scaling_modes(mode, n, distribution):
    w = initializers.VarianceScaling(scale=3.0, mode=mode, distribution=distribution, seed=5)((200, 100))
    np.testing.assert_allclose(np.var(w), 3.0 / n, rtol=0.05)


def test_variance_scaling_normal_means_truncated():
    assert initializers.VarianceScaling(distribution="Normal").distribution == "truncated_normal"


def test_random_normal_uniform_truncated():
    w = initializers.RandomNormal(mean=1.0, stddev=0.5, seed=6)((400, 250))
    np.testing.assert_allclose([np.mean(w), np.std(w)], [1.0, 0.5], rtol=0.01)
    w = initializers.RandomUniform(minval=-2.0, maxval=3.0, seed=7)((400, 250))
    assert w.min() >= -2.0 and w.max() <= 3.0
    np.testing.assert_allclose([np.mean(w), np.var(w)], [0.5, 25 / 12], rtol=0.02)
    w = initializers.TruncatedNormal(mean=1.0, stddev=0.5, seed=8)((400, 250))
    assert w.min() >= 0.0 and w.max() <= 2.0  # within mean +- 2 stddev
    np.testing.assert_allclose([np.mean(w), np.std(w)], [1.0, 0.5 * TRUNC], rtol=0.01)


@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (3, 3, 2, 8)])
def test_orthogonal(shape):
    w = initializers.Orthogonal(gain=2.0, seed=9)(shape).astype(np.float64)
    m = w.reshape(-1, shape[-1])
    gram = m.T @ m if m.shape[0] >= m.shape[1] else m @ m.T
    np.testing.assert_allclose(gram, 4.0 * np.eye(gram.shape[0]), atol=1e-5)


def test_seeded_initializer_repeats_its_values():
    for name in ALL_NAMES:
        cls = type(initializers.get(name))
        if "seed" not in initializers.get(name).get_config():
            continue
        a, b = cls(seed=42), cls(seed=42)
        np.testing.assert_array_equal(a((5, 6)), a((5, 6)), err_msg=name)
        np.testing.assert_array_equal(a((5, 6)), b((5, 6)), err_msg=name)
        assert not np.array_equal(a((5, 6)), cls(seed=43)((5, 6))), name


def test_unseeded_initializer_draws_new_values():
    init = initializers.GlorotUniform()
    assert not np.array_equal(init((5, 6)), init((5, 6)))


def test_set_random_seed_reproduces_unseeded_draws():
    def draw():
        return [initializers.get(n)((4, 3)) for n in ("glorot_uniform", "he_normal", "orthogonal", "random_normal")]

    config.set_random_seed(123)
    first = draw()
    config.set_random_seed(123)
    second = draw()
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)


# get_config() of Keras 3.15.1 for the default objects (keras.initializers.X().get_config()).
KERAS_CONFIGS = {
    "GlorotUniform": {"seed": None, "input_axes": None, "output_axes": None},
    "HeNormal": {"seed": None, "input_axes": None, "output_axes": None},
    "VarianceScaling": {"seed": None, "scale": 1.0, "mode": "fan_in", "distribution": "truncated_normal", "input_axes": None, "output_axes": None},
    "RandomNormal": {"seed": None, "mean": 0.0, "stddev": 0.05},
    "TruncatedNormal": {"seed": None, "mean": 0.0, "stddev": 0.05},
    "RandomUniform": {"seed": None, "minval": -0.05, "maxval": 0.05},
    "Orthogonal": {"seed": None, "gain": 1.0},
    "Zeros": {},
    "Ones": {},
    "Constant": {"value": 0.0},
}


@pytest.mark.parametrize("class_name", sorted(KERAS_CONFIGS))
def test_default_configs_match_keras(class_name):
    assert getattr(initializers, class_name)().get_config() == KERAS_CONFIGS[class_name]


def test_serialize_format_matches_keras():
    # keras.initializers.serialize(keras.initializers.GlorotUniform(seed=3)) in Keras 3.15.1.
    assert initializers.serialize(initializers.GlorotUniform(seed=3)) == {
        "module": "keras.initializers",
        "class_name": "GlorotUniform",
        "config": {"seed": 3, "input_axes": None, "output_axes": None},
        "registered_name": None,
    }


@pytest.mark.parametrize(
    "init",
    [
        initializers.Constant(2.5),
        initializers.Identity(0.5),
        initializers.RandomNormal(mean=1.0, stddev=2.0, seed=3),
        initializers.RandomUniform(minval=-1.0, maxval=2.0, seed=4),
        initializers.TruncatedNormal(mean=0.5, stddev=0.1, seed=5),
        initializers.VarianceScaling(scale=2.0, mode="fan_avg", distribution="uniform", seed=6),
        initializers.GlorotNormal(seed=7),
        initializers.LecunUniform(),
        initializers.Orthogonal(gain=3.0, seed=8),
        initializers.Zeros(),
    ],
    ids=lambda i: type(i).__name__,
)
def test_config_round_trip(init):
    clone = type(init).from_config(init.get_config())
    assert type(clone) is type(init) and clone.get_config() == init.get_config()
    restored = initializers.deserialize(initializers.serialize(init))
    assert type(restored) is type(init) and restored.get_config() == init.get_config()
    restored = initializers.get(initializers.serialize(init))
    assert restored.get_config() == init.get_config()
    if init.get_config().get("seed") is not None:
        np.testing.assert_array_equal(restored((3, 4)), init((3, 4)))


def test_old_keras_config_without_axes_loads():
    restored = initializers.get({"class_name": "GlorotUniform", "config": {"seed": None}})
    assert isinstance(restored, initializers.GlorotUniform)


def test_get_forms():
    assert initializers.get(None) is None
    for name, cls in [
        ("glorot_uniform", initializers.GlorotUniform), ("GlorotUniform", initializers.GlorotUniform),
        ("Glorot_Uniform", initializers.GlorotUniform), ("normal", initializers.RandomNormal),
        ("uniform", initializers.RandomUniform), ("zero", initializers.Zeros),
        ("one", initializers.Ones), ("he_normal", initializers.HeNormal),
    ]:
        assert type(initializers.get(name)) is cls, name
    init = initializers.HeUniform(seed=1)
    assert initializers.get(init) is init
    assert type(initializers.get(initializers.Ones)) is initializers.Ones

    def custom(shape, dtype=None):
        return np.full(shape, 3.0, dtype)

    assert initializers.get(custom) is custom
    assert initializers.he_normal is initializers.HeNormal  # Keras's snake_case exports


def test_unknown_names_and_hints():
    with pytest.raises(ValueError, match="Unknown initializer 'xavier'.*glorot_uniform"):
        initializers.get("xavier")
    with pytest.raises(ValueError, match="did you mean 'he_normal'"):
        initializers.get("he_normall")
    with pytest.raises(TypeError, match="initializer identifier 3"):
        initializers.get(3)
    with pytest.raises(ValueError, match="class_name"):
        initializers.get({"config": {}})
    with pytest.raises(ValueError, match="Invalid config for initializer RandomNormal"):
        initializers.get({"class_name": "RandomNormal", "config": {"sigma": 1.0}})
    with pytest.raises(ValueError, match="only the built-in initializers"):
        initializers.serialize(lambda shape, dtype=None: None)


@pytest.mark.parametrize(
    "make, error, words",
    [
        (lambda: initializers.RandomNormal(stddev=0.0), ValueError, ["stddev", "0.0"]),
        (lambda: initializers.TruncatedNormal(stddev=-1), ValueError, ["stddev", "-1"]),
        (lambda: initializers.RandomNormal(mean="0"), TypeError, ["mean", "'0'"]),
        (lambda: initializers.RandomUniform(minval=1.0, maxval=0.0), ValueError, ["maxval", "minval"]),
        (lambda: initializers.VarianceScaling(scale=0), ValueError, ["scale"]),
        (lambda: initializers.VarianceScaling(mode="fan_sum"), ValueError, ["mode", "fan_sum", "fan_avg"]),
        (lambda: initializers.VarianceScaling(distribution="gauss"), ValueError, ["distribution", "gauss", "uniform"]),
        (lambda: initializers.GlorotUniform(seed="a"), ValueError, ["seed", "'a'"]),
        (lambda: initializers.HeNormal(seed=-1), ValueError, ["seed"]),
        (lambda: initializers.Constant(float("nan")), ValueError, ["value"]),
        (lambda: initializers.Orthogonal()((5,)), ValueError, ["2-D", "(5,)"]),
        (lambda: initializers.Identity()((2, 2, 2)), ValueError, ["2-D"]),
        (lambda: initializers.Zeros()((2, -1)), ValueError, ["shape", "-1"]),
        (lambda: initializers.Ones()("abc"), TypeError, ["shape"]),
        (lambda: initializers.Ones()((2,), dtype="floaty"), TypeError, ["dtype", "floaty"]),
    ],
)
def test_argument_errors(make, error, words):
    with pytest.raises(error) as info:
        make()
    for word in words:
        assert word in str(info.value)
