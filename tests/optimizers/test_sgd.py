"""SGD: golden values from Keras 3, defaults, configuration and argument errors."""
import numpy as np
import pytest

from numnet.optimizers import SGD

# (constructor arguments, (w, b) after step 1, (w, b) after step 3); the numbers come from
# real Keras 3.15.1 (torch backend) on the conftest problem.
KWARGS = {
    "sgd_default": {},
    "sgd_plain": {"learning_rate": 0.1},
    "sgd_momentum": {"learning_rate": 0.1, "momentum": 0.9},
    "sgd_nesterov": {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True},
}
KERAS = {
    "sgd_default": (
        ([[0.499, -0.998, 1.497], [-0.254, 0.755, 1.994]],
         [0.09, -0.18, 0.29500002]),
        ([[0.50000006, -1.001, 1.496], [-0.2575, 0.7505, 1.997]],
         [0.09200001, -0.19100001, 0.2725])),
    "sgd_plain": (
        ([[0.49, -0.98, 1.47], [-0.29, 0.8, 1.9399999]],
         [0.0, 0.0, 0.25]),
        ([[0.50000006, -1.01, 1.46], [-0.325, 0.755, 1.97]],
         [0.02, -0.11000001, 0.024999991])),
    "sgd_momentum": (
        ([[0.49, -0.98, 1.47], [-0.29, 0.8, 1.94]],
         [0.0, 0.0, 0.25]),
        ([[0.50990003, -0.9848, 1.3907], [-0.3979, 0.79550004, 1.9304001]],
         [-0.10599999, 0.09699999, -0.083000004])),
    "sgd_nesterov": (
        ([[0.481, -0.962, 1.4430001], [-0.326, 0.845, 1.8859999]],
         [-0.089999996, 0.17999999, 0.205]),
        ([[0.50891006, -0.99632, 1.3616301], [-0.45811, 0.79595, 1.90736]],
         [-0.16539998, 0.15729998, -0.3197])),
}


@pytest.mark.parametrize("case", sorted(KERAS))
def test_matches_keras(case, check_golden):
    check_golden(SGD(**KWARGS[case]), *KERAS[case])


def test_keras_defaults_and_config():
    config = SGD().get_config()
    assert config["learning_rate"] == 0.01
    assert config["momentum"] == 0.0 and config["nesterov"] is False
    assert set(config) == {"name", "learning_rate", "weight_decay", "clipnorm",
                           "global_clipnorm", "clipvalue", "use_ema", "ema_momentum",
                           "ema_overwrite_frequency", "loss_scale_factor",
                           "gradient_accumulation_steps", "momentum", "nesterov"}
    clone = SGD.from_config(SGD(learning_rate=0.5, momentum=0.9, nesterov=True).get_config())
    assert (clone.learning_rate, clone.momentum, clone.nesterov) == (0.5, 0.9, True)


def test_plain_sgd_rule_and_no_state():
    opt = SGD(learning_rate=0.5)
    w = np.array([1.0, 2.0], np.float32)
    opt.apply([np.array([0.2, -0.4], np.float32)], [w])
    np.testing.assert_array_equal(w, np.array([0.9, 2.2], np.float32))  # w - lr * g
    assert len(opt.variables) == 2  # iterations and learning_rate only, as Keras


def test_momentum_state_is_the_velocity():
    opt = SGD(learning_rate=0.1, momentum=0.9)
    w = np.zeros(2, np.float32)
    opt.apply([np.ones(2, np.float32)], [w])
    opt.apply([np.ones(2, np.float32)], [w])
    velocity = opt.get_state()["momentum/0"]
    np.testing.assert_allclose(velocity, [-0.19, -0.19], rtol=1e-6)  # 0.9 * -0.1 - 0.1
    np.testing.assert_allclose(w, [-0.29, -0.29], rtol=1e-6)


@pytest.mark.parametrize("momentum", [-0.1, 1.5, float("nan")])
def test_momentum_out_of_range(momentum):
    with pytest.raises(ValueError, match=r"SGD: argument `momentum` must be .*\[0, 1\]"):
        SGD(momentum=momentum)


def test_bad_types():
    with pytest.raises(TypeError, match="momentum"):
        SGD(momentum="0.9")
    with pytest.raises(TypeError, match="nesterov"):
        SGD(momentum=0.9, nesterov="yes")
