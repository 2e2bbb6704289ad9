"""RMSprop: rho, momentum and centered variants against Keras 3."""
import numpy as np
import pytest

from numnet.optimizers import RMSprop

# Numbers from real Keras 3.15.1 (torch backend) on the conftest problem.
KWARGS = {
    "rmsprop_default": {},
    "rmsprop_rho": {"learning_rate": 0.01, "rho": 0.8},
    "rmsprop_momentum": {"learning_rate": 0.01, "momentum": 0.5},
    "rmsprop_centered": {"learning_rate": 0.01, "centered": True},
    "rmsprop_centered_momentum": {"learning_rate": 0.01, "rho": 0.7, "momentum": 0.9,
                                  "centered": True, "epsilon": 1e-4},
}
KERAS = {
    "rmsprop_default": (
        ([[0.49683788, -0.99683774, 1.4968377], [-0.25316226, 0.75316226, 1.9968377]],
         [0.09683772, -0.19683772, 0.29683775]),
        ([[0.49809277, -1.0005288, 1.4959366], [-0.2555895, 0.7511092, 1.9979523]],
         [0.09741771, -0.1982558, 0.29229864])),
    "rmsprop_rho": (
        ([[0.47763988, -0.97763944, 1.4776394], [-0.27236065, 0.7723607, 1.9776393]],
         [0.07763933, -0.17763932, 0.27763936]),
        ([[0.48607156, -1.0050347, 1.4713616], [-0.29067007, 0.75755095, 1.9852732]],
         [0.08159414, -0.18779968, 0.2449326])),
    "rmsprop_momentum": (
        ([[0.4683788, -0.9683776, 1.4683774], [-0.28162268, 0.7816227, 1.9683772]],
         [0.06837724, -0.16837722, 0.2683773]),
        ([[0.47228724, -0.9889443, 1.4265586], [-0.33167756, 0.7733386, 1.9680742]],
         [0.05783219, -0.16864681, 0.19189695])),
    "rmsprop_centered": (
        ([[0.46666852, -0.9666671, 1.4666668], [-0.2833332, 0.78333324, 1.9666667]],
         [0.066666685, -0.16666667, 0.26666677]),
        ([[0.4799114, -1.0039088, 1.4561588], [-0.31026706, 0.7627969, 1.9778025]],
         [0.0723919, -0.18084003, 0.21699183])),
    "rmsprop_centered_momentum": (
        ([[0.47867993, -0.97830695, 1.4782357], [-0.2717894, 0.77180105, 1.9781927]],
         [0.078183405, -0.17817952, 0.278199]),
        ([[0.4675614, -0.9741958, 1.4176623], [-0.3337888, 0.7839406, 1.9606024]],
         [0.05222303, -0.16021132, 0.1933283])),
}


@pytest.mark.parametrize("case", sorted(KERAS))
def test_matches_keras(case, check_golden):
    check_golden(RMSprop(**KWARGS[case]), *KERAS[case])


def test_keras_defaults():
    config = RMSprop().get_config()
    assert {k: config[k] for k in ("learning_rate", "rho", "momentum", "epsilon", "centered")} \
        == {"learning_rate": 0.001, "rho": 0.9, "momentum": 0.0, "epsilon": 1e-7,
            "centered": False}


def test_slots_in_keras_order():
    opt = RMSprop(momentum=0.5, centered=True)
    opt.build([np.zeros(2, np.float32), np.zeros(3, np.float32)])
    keys = [k for k in opt.get_state() if "/" in k]
    assert keys == ["velocity/0", "velocity/1", "momentum/0", "momentum/1",
                    "average_gradient/0", "average_gradient/1"]
    assert len(RMSprop().variables) == 2  # not built yet: iterations, learning_rate


@pytest.mark.parametrize("arg, value", [("rho", 1.5), ("momentum", -0.5), ("epsilon", -1.0)])
def test_bad_hyperparameters(arg, value):
    with pytest.raises(ValueError, match=f"RMSprop: argument `{arg}`"):
        RMSprop(**{arg: value})
