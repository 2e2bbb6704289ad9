"""BatchNormalization: gradient checks in training and inference mode, moving statistics,
weights, parameter counts, configs and errors (Keras golden values: test_layer_goldens.py)."""
import numpy as np
import pytest

import numnet
from numnet import layers
from numnet.debugging import layer_gradient_errors, numerical_gradient


def _randomize(layer, rng):
    """Give gamma, beta and the moving statistics non-trivial values."""
    for variable in layer.weights:
        value = rng.standard_normal(variable.shape)
        if variable.name == "moving_variance":
            value = np.abs(value) + 0.5
        variable.assign(value)


def _built(shape, rng, **kwargs):
    layer = layers.BatchNormalization(dtype="float64", **kwargs)
    layer.ensure_built(shape)
    _randomize(layer, rng)
    return layer


CONFIGS = [{}, {"center": False}, {"scale": False}, {"center": False, "scale": False},
           {"epsilon": 0.1, "momentum": 0.5}]
SHAPES_AND_AXES = [((6, 4), -1), ((3, 4, 5, 2), -1), ((3, 4, 5, 2), 3), ((4, 3, 5), 1),
                   ((2, 3, 4, 5), 1), ((5, 7, 3), -1)]


@pytest.mark.parametrize("kwargs", CONFIGS)
@pytest.mark.parametrize("shape, axis", SHAPES_AND_AXES)
def test_training_mode_gradients(kwargs, shape, axis):
    rng = np.random.default_rng(0)
    layer = _built(shape, rng, axis=axis, **kwargs)
    x = rng.standard_normal(shape)
    for name, err in layer_gradient_errors(layer, x).items():
        assert err["rel"] < 1e-6 or err["abs"] < 1e-8, (name, err)


@pytest.mark.parametrize("kwargs", CONFIGS)
@pytest.mark.parametrize("shape, axis", SHAPES_AND_AXES)
def test_inference_mode_gradients(kwargs, shape, axis):
    rng = np.random.default_rng(1)
    layer = _built(shape, rng, axis=axis, **kwargs)
    x = rng.standard_normal(shape)
    weight = rng.standard_normal(shape)

    def loss():
        return float(np.sum(layer.forward(x, training=False) * weight))

    layer.forward(x, training=False)
    grad_x = layer.backward(weight)
    np.testing.assert_allclose(grad_x, numerical_gradient(loss, x), rtol=1e-6, atol=1e-8)
    for variable in layer.trainable_weights:
        np.testing.assert_allclose(variable.grad, numerical_gradient(loss, variable.value),
                                   rtol=1e-6, atol=1e-8, err_msg=variable.name)


def test_training_uses_batch_statistics_and_updates_moving_ones():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((50, 3)) * [1.0, 2.0, 3.0] + [5.0, -1.0, 0.0]
    layer = layers.BatchNormalization(momentum=0.9, dtype="float64")
    y = layer(x, training=True)
    # y = (x - mean) / sqrt(var + eps) with the biased batch variance (gamma 1, beta 0)
    expected = (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-3)
    np.testing.assert_allclose(y, expected, rtol=1e-12)
    # moving = moving * momentum + batch * (1 - momentum), from zeros and ones
    np.testing.assert_allclose(layer.moving_mean.numpy(), 0.1 * x.mean(0), rtol=1e-12)
    np.testing.assert_allclose(layer.moving_variance.numpy(), 0.9 + 0.1 * x.var(0), rtol=1e-12)
    layer(x, training=True)
    np.testing.assert_allclose(layer.moving_mean.numpy(), 0.19 * x.mean(0), rtol=1e-12)


def test_inference_uses_moving_statistics_and_leaves_them_alone():
    rng = np.random.default_rng(3)
    layer = _built((None, 4, 4, 3), rng, epsilon=0.01)
    gamma, beta, mean, variance = layer.get_weights()
    x = rng.standard_normal((2, 4, 4, 3))
    y = layer(x)  # training=False
    np.testing.assert_allclose(y, gamma * (x - mean) / np.sqrt(variance + 0.01) + beta,
                               rtol=1e-12)
    assert all(np.array_equal(a, b) for a, b in zip(layer.get_weights(),
                                                    [gamma, beta, mean, variance]))


def test_frozen_layer_runs_in_inference_mode_even_when_training():
    rng = np.random.default_rng(4)
    layer = _built((None, 3), rng)
    layer.trainable = False
    x = rng.standard_normal((8, 3))
    before = layer.get_weights()
    np.testing.assert_allclose(layer(x, training=True), layer(x, training=False))
    assert all(np.array_equal(a, b) for a, b in zip(layer.get_weights(), before))


def test_weights_order_names_and_param_counts_match_keras():
    layer = layers.BatchNormalization()
    layer(np.zeros((2, 5, 5, 64), dtype=np.float32))
    assert [w.name for w in layer.weights] == ["gamma", "beta", "moving_mean",
                                               "moving_variance"]
    assert [w.name for w in layer.trainable_weights] == ["gamma", "beta"]
    assert [w.name for w in layer.non_trainable_weights] == ["moving_mean", "moving_variance"]
    assert layer.count_params() == 256
    np.testing.assert_array_equal(layer.moving_variance.numpy(), np.ones(64))
    no_scale = layers.BatchNormalization(scale=False, center=False)
    no_scale(np.zeros((2, 7), dtype=np.float32))
    assert [w.name for w in no_scale.weights] == ["moving_mean", "moving_variance"]


def test_model_counts_moving_statistics_as_non_trainable():
    model = numnet.Sequential([numnet.Input((4,)), layers.Dense(8),
                               layers.BatchNormalization(), layers.Dense(1)])
    assert model.count_params() == 40 + 32 + 9
    assert sum(w.size for w in model.trainable_weights) == 40 + 16 + 9
    assert sum(w.size for w in model.non_trainable_weights) == 16
    lines = []
    model.summary(print_fn=lines.append)
    assert "Non-trainable params: 16" in "\n".join(lines)


def test_fit_updates_moving_statistics_and_predict_uses_them():
    rng = np.random.default_rng(5)
    x = (rng.standard_normal((64, 6, 6, 2)) * 3 + 2).astype(np.float32)
    y = rng.integers(0, 2, 64)
    model = numnet.Sequential([
        numnet.Input((6, 6, 2)),
        layers.Conv2D(4, 3, padding="same"),
        layers.BatchNormalization(),
        layers.Activation("relu"),
        layers.GlobalAveragePooling2D(),
        layers.Dense(2, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    bn = model.layers[1]
    report = numnet.debugging.check_gradients(model, x[:8], y[:8], verbose=False)
    assert max(report.values()) < 1e-4, report
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    assert np.any(bn.moving_mean.numpy() != 0) and np.any(bn.moving_variance.numpy() != 1)
    first = model.predict(x[:5], verbose=0)
    np.testing.assert_allclose(model.predict(x[:5], verbose=0), first)  # deterministic


def test_config_round_trip_with_keras_keys():
    layer = layers.BatchNormalization(axis=1, momentum=0.9, epsilon=1e-5, center=False,
                                      gamma_regularizer="l2")
    config = layer.get_config()
    assert list(config) == [
        "name", "trainable", "dtype", "axis", "momentum", "epsilon", "center", "scale",
        "beta_initializer", "gamma_initializer", "moving_mean_initializer",
        "moving_variance_initializer", "beta_regularizer", "gamma_regularizer",
        "beta_constraint", "gamma_constraint", "synchronized", "renorm", "renorm_clipping",
        "renorm_momentum"]
    assert config["axis"] == 1 and config["momentum"] == 0.9 and config["center"] is False
    assert config["gamma_initializer"]["class_name"] == "Ones"
    assert layers.BatchNormalization.from_config(config).get_config() == config


@pytest.mark.parametrize("kwargs, error, match", [
    ({"axis": 1.5}, ValueError, "axis"),
    ({"axis": (1, 2)}, ValueError, "axis"),
    ({"momentum": 1.5}, ValueError, "momentum"),
    ({"momentum": "high"}, ValueError, "momentum"),
    ({"epsilon": 0}, ValueError, "epsilon"),
    ({"renorm": True}, NotImplementedError, "renorm"),
    ({"synchronized": True}, NotImplementedError, "synchronized"),
    ({"gamma_constraint": "non_neg"}, NotImplementedError, "gamma_constraint"),
    ({"beta_initializer": "nonsense"}, ValueError, "nonsense"),
])
def test_bad_arguments_are_reported(kwargs, error, match):
    with pytest.raises(error, match=match):
        layers.BatchNormalization(**kwargs)


def test_bad_axis_and_inputs_are_reported():
    with pytest.raises(ValueError, match="out of range"):
        layers.BatchNormalization(axis=3)(np.zeros((2, 4), dtype=np.float32))
    with pytest.raises(ValueError, match="batch axis"):
        layers.BatchNormalization(axis=0)(np.zeros((2, 4), dtype=np.float32))
    layer = layers.BatchNormalization()
    layer(np.zeros((2, 4), dtype=np.float32))
    with pytest.raises(ValueError, match="4 features"):
        layer(np.zeros((2, 5), dtype=np.float32))
