"""Adamax: the infinity-norm variant of Adam, against Keras 3."""
import numpy as np
import pytest

from numnet.optimizers import Adamax

# Numbers from real Keras 3.15.1 (torch backend) on the conftest problem.
KWARGS = {
    "adamax_default": {},
    "adamax_custom": {"learning_rate": 0.01, "beta_1": 0.8, "beta_2": 0.9, "epsilon": 1e-3},
}
KERAS = {
    "adamax_default": (
        ([[0.499, -0.999, 1.499], [-0.251, 0.751, 1.999]],
         [0.099, -0.199, 0.29900002]),
        ([[0.4993549, -0.9990254, 1.4977765], [-0.2521584, 0.75095105, 1.9989852]],
         [0.09854523, -0.19879712, 0.2977772])),
    "adamax_custom": (
        ([[0.490099, -0.9900498, 1.4900333], [-0.25997508, 0.75998, 1.9900166]],
         [0.09000999, -0.190005, 0.29001996]),
        ([[0.4937966, -0.99130744, 1.4767804], [-0.2731849, 0.7585985, 1.9903053]],
         [0.085431315, -0.18848296, 0.2768517])),
}


@pytest.mark.parametrize("case", sorted(KERAS))
def test_matches_keras(case, check_golden):
    check_golden(Adamax(**KWARGS[case]), *KERAS[case])


def test_norm_is_the_running_max_of_abs_gradient():
    opt = Adamax(beta_2=0.5)
    w = np.zeros(2, np.float32)
    opt.apply([np.array([4.0, -1.0], np.float32)], [w])
    opt.apply([np.array([1.0, -3.0], np.float32)], [w])
    np.testing.assert_allclose(opt.get_state()["norm/0"], [2.0, 3.0])  # max(0.5 u, |g|)
    assert [k for k in opt.get_state() if "/" in k] == ["momentum/0", "norm/0"]


def test_keras_defaults():
    config = Adamax().get_config()
    assert (config["learning_rate"], config["beta_1"], config["beta_2"], config["epsilon"]) \
        == (0.001, 0.9, 0.999, 1e-7)


def test_bad_beta():
    with pytest.raises(ValueError, match="Adamax: argument `beta_1`"):
        Adamax(beta_1=1.0)
