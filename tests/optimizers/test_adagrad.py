"""Adagrad: the initial accumulator value and the update, against Keras 3."""
import numpy as np
import pytest

from numnet.optimizers import Adagrad

# Numbers from real Keras 3.15.1 (torch backend) on the conftest problem.
KWARGS = {
    "adagrad_default": {},
    "adagrad_custom": {"learning_rate": 0.1, "initial_accumulator_value": 0.5, "epsilon": 1e-3},
}
KERAS = {
    "adagrad_default": (
        ([[0.4996985, -0.99946547, 1.4993118], [-0.25078446, 0.75084513, 1.9991153]],
         [0.099046536, -0.19901228, 0.29915485]),
        ([[0.49996105, -1.0001825, 1.4990989], [-0.25138736, 0.75026405, 1.9994539]],
         [0.09922687, -0.19945076, 0.29781348])),
    "adagrad_custom": (
        ([[0.4860109, -0.9728086, 1.4609764], [-0.29919934, 0.8076966, 1.9353379]],
         [0.01837755, -0.10572957, 0.24230343]),
        ([[0.49972802, -1.0122961, 1.4482889], [-0.33989814, 0.76271284, 1.9630212]],
         [0.034052916, -0.14824471, 0.123426475])),
}


@pytest.mark.parametrize("case", sorted(KERAS))
def test_matches_keras(case, check_golden):
    check_golden(Adagrad(**KWARGS[case]), *KERAS[case])


def test_accumulator_starts_at_initial_value():
    opt = Adagrad(initial_accumulator_value=0.5)
    opt.build([np.zeros((2, 2), np.float32)])
    np.testing.assert_array_equal(opt.get_state()["accumulator/0"], np.full((2, 2), 0.5))


def test_accumulators_after_three_steps_match_keras(check_golden):
    opt = Adagrad(**KWARGS["adagrad_custom"])
    check_golden(opt, *KERAS["adagrad_custom"])
    # Keras 3 optimizer.variables[3]: the bias accumulator 0.5 + sum of g^2
    np.testing.assert_allclose(opt.get_state()["accumulator/1"], [1.84, 6.91, 4.8125],
                               rtol=1e-6)


def test_keras_defaults():
    config = Adagrad().get_config()
    assert (config["learning_rate"], config["initial_accumulator_value"], config["epsilon"]) \
        == (0.001, 0.1, 1e-7)


def test_negative_initial_accumulator():
    with pytest.raises(ValueError, match="Adagrad: argument `initial_accumulator_value`"):
        Adagrad(initial_accumulator_value=-0.1)
