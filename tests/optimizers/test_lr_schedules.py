"""Learning-rate schedules: values from Keras 3, configs, serialization and errors."""
import math

import numpy as np
import pytest

from numnet.optimizers import schedules
from numnet.optimizers.schedules import (CosineDecay, CosineDecayRestarts, ExponentialDecay,
                                         InverseTimeDecay, LearningRateSchedule,
                                         PiecewiseConstantDecay, PolynomialDecay)

STEPS = [0, 1, 3, 5, 10, 25, 100]
# schedule(step) for STEPS, computed by real Keras 3.15.1 (torch backend, float32)
KERAS = {
    "exp": (ExponentialDecay(0.1, 10, 0.5),
            [0.1, 0.0933033, 0.08122524, 0.07071068, 0.05, 0.01767767, 9.765625e-05]),
    "exp_stair": (ExponentialDecay(0.1, 10, 0.5, staircase=True),
                  [0.1, 0.1, 0.1, 0.1, 0.05, 0.025, 9.765625e-05]),
    "piecewise": (PiecewiseConstantDecay([3, 10], [1.0, 0.5, 0.1]),
                  [1.0, 1.0, 1.0, 0.5, 0.5, 0.1, 0.1]),
    "inverse": (InverseTimeDecay(0.1, 5, 0.5),
                [0.1, 0.09090909, 0.07692308, 0.06666667, 0.05, 0.028571429, 0.009090909]),
    "inverse_stair": (InverseTimeDecay(0.1, 5, 0.5, staircase=True),
                      [0.1, 0.1, 0.1, 0.06666667, 0.05, 0.028571429, 0.009090909]),
    "poly": (PolynomialDecay(0.1, 10),
             [0.1, 0.09001, 0.07003, 0.05005, 0.0001, 0.0001, 0.0001]),
    "poly_power_cycle": (PolynomialDecay(0.1, 10, end_learning_rate=0.01, power=0.5, cycle=True),
                         [0.1, 0.0953815, 0.0852994, 0.07363961, 0.01, 0.04674235, 0.01]),
    "cosine": (CosineDecay(0.1, 20),
               [0.1, 0.09938442, 0.09455033, 0.08535534, 0.05, 0.0, 0.0]),
    "cosine_alpha": (CosineDecay(0.1, 20, alpha=0.1),
                     [0.1, 0.09944598, 0.09509529, 0.08681981, 0.055, 0.01, 0.01]),
    "cosine_warmup": (CosineDecay(0.0, 20, warmup_target=0.2, warmup_steps=5),
                      [0.0, 0.04, 0.12, 0.2, 0.17071068, 0.0, 0.0]),
    "cosine_restarts": (CosineDecayRestarts(0.1, 4),
                        [0.1, 0.08535534, 0.014644662, 0.09619398, 0.014644662, 0.008426517,
                         0.030865824]),
    "cosine_restarts_mul": (CosineDecayRestarts(0.1, 4, t_mul=1.0, m_mul=0.5, alpha=0.1),
                            [0.1, 0.08681981, 0.023180196, 0.048409905, 0.02125, 0.01120031,
                             0.010000004]),
}


@pytest.mark.parametrize("case", sorted(KERAS))
def test_matches_keras(case):
    schedule, expected = KERAS[case]
    values = [schedule(step) for step in STEPS]
    assert all(type(v) is float for v in values)
    np.testing.assert_allclose(values, expected, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("case", sorted(KERAS))
def test_serialize_round_trip(case):
    schedule = KERAS[case][0]
    config = schedules.serialize(schedule)
    assert config["module"] == "keras.optimizers.schedules"
    assert config["class_name"] == type(schedule).__name__
    assert config["registered_name"] is None
    clone = schedules.deserialize(config)
    assert type(clone) is type(schedule) and clone.get_config() == schedule.get_config()
    assert [clone(s) for s in STEPS] == [schedule(s) for s in STEPS]


def test_keras_config_layout():
    # as written by Keras 3 for CosineDecay(0.0, 20, warmup_target=0.2, warmup_steps=5)
    keras_config = {"module": "keras.optimizers.schedules", "class_name": "CosineDecay",
                    "config": {"initial_learning_rate": 0.0, "decay_steps": 20, "alpha": 0.0,
                               "name": "CosineDecay", "warmup_target": 0.2,
                               "warmup_steps": 5},
                    "registered_name": None}
    assert schedules.serialize(schedules.deserialize(keras_config)) == keras_config
    assert ExponentialDecay(0.1, 10, 0.5).get_config() == {
        "initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5,
        "staircase": False, "name": "ExponentialDecay"}


def test_step_can_be_a_numpy_scalar():
    assert ExponentialDecay(1.0, 1, 0.5)(np.int64(2)) == 0.25
    assert ExponentialDecay(1.0, 1, 0.5)(np.array(1)) == 0.5
    with pytest.raises(TypeError, match="the step must be a number"):
        ExponentialDecay(1.0, 1, 0.5)("3")


@pytest.mark.parametrize("make", [lambda: ExponentialDecay(0.1, 0, 0.5),
                                  lambda: InverseTimeDecay(0.1, -1, 0.5),
                                  lambda: PolynomialDecay(0.1, 0),
                                  lambda: CosineDecay(0.1, 0)])
def test_decay_steps_must_be_positive(make):
    with pytest.raises(ValueError, match=r"argument `decay_steps` must be a finite number in "
                                         r"\(0, inf\], received"):
        make()


def test_piecewise_errors():
    with pytest.raises(ValueError, match="one more entry than `boundaries`"):
        PiecewiseConstantDecay([1, 2], [0.1, 0.2])
    with pytest.raises(ValueError, match="strictly increasing"):
        PiecewiseConstantDecay([5, 2], [0.1, 0.2, 0.3])
    with pytest.raises(TypeError, match="lists of numbers"):
        PiecewiseConstantDecay(5, [0.1, 0.2])


def test_unknown_schedule_name():
    with pytest.raises(ValueError, match="Unknown learning rate schedule 'ExpDecay'"):
        schedules.deserialize({"class_name": "ExpDecay", "config": {}})


def test_custom_schedule_base_class():
    class Halving(LearningRateSchedule):
        def __call__(self, step):
            return 1.0 / 2 ** step

    assert Halving()(3) == 0.125
    with pytest.raises(NotImplementedError, match="must override `get_config"):
        Halving().get_config()
    with pytest.raises(NotImplementedError, match="must override `__call__"):
        LearningRateSchedule()(0)
    assert math.isclose(CosineDecay(1.0, 10)(5), 0.5)
