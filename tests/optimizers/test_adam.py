"""Adam: golden values from Keras 3 (bias correction, amsgrad, schedule, accumulation)."""
import numpy as np
import pytest

from numnet.optimizers import Adam
from numnet.optimizers.schedules import PiecewiseConstantDecay

# Numbers from real Keras 3.15.1 (torch backend) on the conftest problem.
KWARGS = {
    "adam_default": {},
    "adam_custom": {"learning_rate": 0.01, "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-3},
    "adam_amsgrad": {"learning_rate": 0.01, "amsgrad": True},
    "adam_schedule": {"learning_rate": PiecewiseConstantDecay([0, 1], [0.1, 0.01, 0.001])},
    "adam_accum": {"learning_rate": 0.01, "gradient_accumulation_steps": 2},
}
KERAS = {
    "adam_default": (
        ([[0.49900004, -0.999, 1.4990001], [-0.251, 0.751, 1.999]],
         [0.099000014, -0.19900002, 0.29900002]),
        ([[0.49947545, -0.9990064, 1.4974778], [-0.25260824, 0.7509519, 1.9989663]],
         [0.09836915, -0.19874151, 0.2972588])),
    "adam_custom": (
        ([[0.4909091, -0.9904762, 1.4903226], [-0.2597561, 0.7598039, 1.9901639]],
         [0.090099014, -0.19004975, 0.2901961]),
        ([[0.49575382, -0.99193555, 1.4763165], [-0.27507487, 0.75841135, 1.9904498]],
         [0.084712386, -0.18839198, 0.2726728])),
    "adam_amsgrad": (
        ([[0.4900004, -0.99000025, 1.4900001], [-0.25999984, 0.7599999, 1.9900001]],
         [0.0900001, -0.19000009, 0.29000014]),
        ([[0.4947543, -0.99006385, 1.4747779], [-0.2760822, 0.7595187, 1.9896636]],
         [0.08369151, -0.18741499, 0.2725877])),
    "adam_schedule": (
        ([[0.40000382, -0.90000224, 1.4000018], [-0.34999853, 0.8499987, 1.9000012]],
         [9.909272e-07, -0.10000083, 0.20000133]),
        ([[0.40492684, -0.8976116, 1.3897464], [-0.35842165, 0.84947693, 1.90113]],
         [-0.00302687, -0.0989384, 0.18987061])),
    "adam_accum": (
        ([[0.5, -1.0, 1.5], [-0.25, 0.75, 2.0]],
         [0.1, -0.2, 0.3]),
        ([[0.50999963, -0.9900007, 1.4900002], [-0.25999978, 0.75, 2.0099993]],
         [0.0900002, -0.19000019, 0.29000017])),
}


@pytest.mark.parametrize("case", sorted(KERAS))
def test_matches_keras(case, check_golden):
    check_golden(Adam(**KWARGS[case]), *KERAS[case])


def test_first_step_moves_each_weight_by_about_lr():
    # with bias correction the first update is lr * g / (|g| + eps'): about lr * sign(g)
    opt = Adam(learning_rate=0.01)
    w = np.zeros(3, np.float32)
    opt.apply([np.array([0.1, -5.0, 2.0], np.float32)], [w])
    np.testing.assert_allclose(w, [-0.01, 0.01, -0.01], rtol=1e-3)


def test_keras_defaults():
    opt = Adam()
    assert (opt.learning_rate, opt.beta_1, opt.beta_2, opt.epsilon, opt.amsgrad) == (
        0.001, 0.9, 0.999, 1e-7, False)
    config = opt.get_config()
    assert {k: config[k] for k in ("beta_1", "beta_2", "epsilon", "amsgrad")} == {
        "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7, "amsgrad": False}


def test_variables_in_keras_order():
    # Keras: iteration, learning_rate, then per weight momentum and velocity interleaved,
    # then all velocity_hats
    opt = Adam(amsgrad=True)
    w, b = np.zeros((2, 3), np.float32), np.zeros(3, np.float32)
    opt.build([w, b])
    shapes = [v.shape for v in opt.variables]
    assert shapes == [(), (), (2, 3), (2, 3), (3,), (3,), (2, 3), (3,)]
    assert opt.variables[0].dtype == np.int64 and opt.variables[1].dtype == np.float32
    keys = [k for k in opt.get_state() if "/" in k]
    assert keys == ["momentum/0", "velocity/0", "momentum/1", "velocity/1",
                    "velocity_hat/0", "velocity_hat/1"]


def test_keras_variables_after_three_steps(check_golden):
    # the slots themselves, as Keras 3 reports them in optimizer.variables (adam_default)
    opt = Adam()
    check_golden(opt, *KERAS["adam_default"])
    momentum_b = opt.get_state()["momentum/1"]
    velocity_b = opt.get_state()["velocity/1"]
    np.testing.assert_allclose(momentum_b, [0.066, -0.067, 0.263], rtol=1e-5)
    np.testing.assert_allclose(velocity_b, [0.0013377511, 0.006399754, 0.004311938], rtol=1e-5)


@pytest.mark.parametrize("arg, value", [("beta_1", 1.0), ("beta_1", -0.1), ("beta_2", 1.0),
                                        ("epsilon", -1e-7)])
def test_bad_hyperparameters(arg, value):
    with pytest.raises(ValueError, match=f"Adam: argument `{arg}` must be"):
        Adam(**{arg: value})


def test_amsgrad_must_be_bool():
    with pytest.raises(TypeError, match="amsgrad"):
        Adam(amsgrad="True")
