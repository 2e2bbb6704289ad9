"""Nadam: Nesterov-momentum Adam with the 0.96 momentum schedule, against Keras 3."""
import numpy as np
import pytest

from numnet.optimizers import Nadam

# Numbers from real Keras 3.15.1 (torch backend) on the conftest problem.
KWARGS = {
    "nadam_default": {},
    "nadam_custom": {"learning_rate": 0.01, "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-3},
}
KERAS = {
    "nadam_default": (
        ([[0.49893722, -0.99893725, 1.4989372], [-0.25106278, 0.7510628, 1.9989372]],
         [0.09893722, -0.19893722, 0.29893723]),
        ([[0.49936047, -1.0000197, 1.4984883], [-0.25196946, 0.75046057, 1.9992543]],
         [0.09902301, -0.19931361, 0.2973576])),
    "nadam_custom": (
        ([[0.48905805, -0.9890036, 1.4889853], [-0.26102382, 0.7610293, 1.9889671]],
         [0.088959664, -0.18895414, 0.28897068]),
        ([[0.49359545, -1.0007455, 1.4835654], [-0.27166834, 0.75458515, 1.9922042]],
         [0.08949392, -0.19281429, 0.2710091])),
}


@pytest.mark.parametrize("case", sorted(KERAS))
def test_matches_keras(case, check_golden):
    check_golden(Nadam(**KWARGS[case]), *KERAS[case])


def test_u_product_is_the_last_variable(check_golden):
    opt = Nadam()
    check_golden(opt, *KERAS["nadam_default"])
    last = opt.variables[-1]
    assert last.shape == ()
    np.testing.assert_allclose(float(last), 0.11397993564605713, rtol=1e-6)  # from Keras 3
    assert len(opt.variables) == 2 + 4 + 1


def test_keras_defaults():
    config = Nadam().get_config()
    assert (config["learning_rate"], config["beta_1"], config["beta_2"], config["epsilon"]) \
        == (0.001, 0.9, 0.999, 1e-7)


def test_bad_beta():
    with pytest.raises(ValueError, match="Nadam: argument `beta_2`"):
        Nadam(beta_2=1.0)
