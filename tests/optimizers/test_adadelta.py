"""Adadelta: running averages of squared gradients and updates, against Keras 3."""
import numpy as np
import pytest

from numnet.optimizers import Adadelta

# Numbers from real Keras 3.15.1 (torch backend) on the conftest problem.
KWARGS = {
    "adadelta_default": {},
    "adadelta_custom": {"learning_rate": 1.0, "rho": 0.9, "epsilon": 1e-6},
}
KERAS = {
    "adadelta_default": (
        ([[0.4999986, -0.99999857, 1.4999986], [-0.2500014, 0.75000143, 1.9999986]],
         [0.099998586, -0.19999859, 0.2999986]),
        ([[0.499999, -1.000001, 1.4999981], [-0.2500029, 0.7500002, 1.9999989]],
         [0.09999891, -0.19999942, 0.29999557])),
    "adadelta_custom": (
        ([[0.4968393, -0.9968381, 1.4968379], [-0.25316218, 0.7531622, 1.9968377]],
         [0.09683774, -0.19683772, 0.2968378]),
        ([[0.49770892, -1.0023096, 1.4957343], [-0.2565474, 0.7503322, 1.9979488]],
         [0.09755619, -0.19872396, 0.2900699])),
}


@pytest.mark.parametrize("case", sorted(KERAS))
def test_matches_keras(case, check_golden):
    check_golden(Adadelta(**KWARGS[case]), *KERAS[case])


def test_keras_defaults_and_slots():
    opt = Adadelta()
    assert (opt.learning_rate, opt.rho, opt.epsilon) == (0.001, 0.95, 1e-7)
    opt.build([np.zeros(2, np.float32)])
    assert [k for k in opt.get_state() if "/" in k] == ["accumulated_grad/0",
                                                         "accumulated_delta_var/0"]


def test_bad_rho():
    with pytest.raises(ValueError, match="Adadelta: argument `rho`"):
        Adadelta(rho=2)
