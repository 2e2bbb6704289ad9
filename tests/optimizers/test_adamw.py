"""AdamW: decoupled weight decay before the Adam step, golden values from Keras 3."""
import numpy as np
import pytest

from numnet.optimizers import Adam, AdamW

# Numbers from real Keras 3.15.1 (torch backend) on the conftest problem.
KWARGS = {
    "adamw_default": {},
    "adamw_custom": {"learning_rate": 0.01, "weight_decay": 0.1, "amsgrad": True},
}
KERAS = {
    "adamw_default": (
        ([[0.49899805, -0.998996, 1.4989941], [-0.25099897, 0.750997, 1.998992]],
         [0.09899961, -0.19899921, 0.29899883]),
        ([[0.49946946, -0.9989944, 1.4974599], [-0.2526052, 0.75094295, 1.9989424]],
         [0.09836796, -0.19873913, 0.29725522])),
    "adamw_custom": (
        ([[0.4895004, -0.98900026, 1.4885001], [-0.25974986, 0.75924987, 1.9880002]],
         [0.0899001, -0.18980008, 0.28970015]),
        ([[0.49327087, -0.9870896, 1.4703122], [-0.2753054, 0.7572515, 1.9836885]],
         [0.083414465, -0.18683648, 0.2717179])),
}


@pytest.mark.parametrize("case", sorted(KERAS))
def test_matches_keras(case, check_golden):
    check_golden(AdamW(**KWARGS[case]), *KERAS[case])


def test_default_weight_decay_and_config():
    config = AdamW().get_config()
    assert config["weight_decay"] == 0.004
    assert config["learning_rate"] == 0.001 and config["amsgrad"] is False


def test_equals_adam_with_weight_decay():
    grads = [np.linspace(-1, 1, 7).astype(np.float32)]
    w1 = np.linspace(0, 3, 7).astype(np.float32)
    w2 = w1.copy()
    a, b = AdamW(learning_rate=0.01, weight_decay=0.2), Adam(learning_rate=0.01, weight_decay=0.2)
    for _ in range(3):
        a.apply(grads, [w1])
        b.apply(grads, [w2])
    np.testing.assert_array_equal(w1, w2)


def test_decay_only_with_zero_gradient():
    opt = AdamW(learning_rate=0.1, weight_decay=0.5)
    w = np.array([2.0, -4.0], np.float32)
    opt.apply([np.zeros(2, np.float32)], [w])
    np.testing.assert_allclose(w, [1.9, -3.8], rtol=1e-6)  # w - w * 0.5 * 0.1


def test_weight_decay_none_rejected():
    with pytest.raises(ValueError, match="AdamW: argument `weight_decay`.*None"):
        AdamW(weight_decay=None)
    with pytest.raises(ValueError, match="weight_decay"):
        AdamW(weight_decay=-0.1)
