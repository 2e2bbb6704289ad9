"""The functional API: Model(inputs, outputs), layer.input/output, feature-map models."""
import numpy as np
import pytest

import numnet as keras
from numnet.debugging import check_gradients


def test_feature_map_models_from_a_built_sequential():
    model = keras.Sequential([keras.Input((6, 6)), keras.layers.Flatten(),
                              keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(3, activation="softmax")])
    assert model.input.shape == (None, 6, 6) and model.output.shape == (None, 3)
    assert model.layers[1].input is model.layers[0].output
    x = np.random.default_rng(0).random((5, 6, 6)).astype("float32")
    hidden = keras.Model(model.inputs, model.layers[1].output)
    expected = np.maximum(x.reshape(5, -1) @ model.layers[1].kernel.numpy()
                          + model.layers[1].bias.numpy(), 0)
    np.testing.assert_allclose(hidden.predict(x, verbose=0), expected, rtol=1e-5)
    first = keras.Model(model.input, model.layers[0].output)
    assert first.predict(x, verbose=0).shape == (5, 36)
    # the feature model shares the weights: training the original changes its output
    assert hidden.layers[-1] is model.layers[1]


def test_sequential_built_from_data_has_inputs_after_fit():
    model = keras.Sequential([keras.layers.Dense(2)])
    with pytest.raises(AttributeError, match="no defined"):
        model.inputs
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.zeros((4, 3)), np.zeros((4, 2)), verbose=0)
    assert model.inputs[0].shape == (None, 3)


def test_multi_input_model_trains_and_gradients_check():
    a, b = keras.Input((3,), name="a"), keras.Input((2,), name="b")
    ha = keras.layers.Dense(4, activation="tanh")(a)
    hb = keras.layers.Dense(4, activation="tanh")(b)
    merged = keras.layers.Concatenate()([ha, hb, a])
    added = keras.layers.Add()([ha, hb])
    both = keras.layers.Concatenate()([merged, added])
    out = keras.layers.Dense(2, activation="softmax")(both)
    model = keras.Model(inputs=[a, b], outputs=out, name="two_inputs")
    assert [layer.name for layer in model.layers][:2] == ["a", "b"]
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    rng = np.random.default_rng(0)
    xa, xb = rng.standard_normal((64, 3)), rng.standard_normal((64, 2))
    y = (xa[:, 0] + xb[:, 1] > 0).astype(int)
    report = check_gradients(model, [xa[:8], xb[:8]], y[:8], verbose=False)
    assert max(report.values()) < 1e-6
    history = model.fit([xa, xb], y, epochs=30, verbose=0)
    assert history.history["accuracy"][-1] > 0.9
    assert model.predict({"a": xa, "b": xb}, verbose=0).shape == (64, 2)


def test_multi_output_predict_and_merge_gradients():
    x = keras.Input((4,))
    h = keras.layers.Dense(3)(x)
    o1 = keras.layers.Dense(2, name="o1")(h)
    o2 = keras.layers.Multiply()([h, keras.layers.Dense(3)(x)])
    model = keras.Model(x, [o1, o2])
    outputs = model.predict(np.ones((5, 4)), verbose=0)
    assert [o.shape for o in outputs] == [(5, 2), (5, 3)]
    for layer in [keras.layers.Subtract(dtype="float64"), keras.layers.Multiply(dtype="float64"),
                  keras.layers.Average(dtype="float64"), keras.layers.Maximum(dtype="float64"),
                  keras.layers.Minimum(dtype="float64")]:
        rng = np.random.default_rng(1)
        xs = [rng.standard_normal((3, 4)) for _ in range(2)]
        y = layer(xs)
        g = rng.standard_normal(y.shape)
        grads = layer.backward(g)
        for i in range(2):
            num = np.zeros_like(xs[i])
            for idx in np.ndindex(xs[i].shape):
                old = xs[i][idx]
                xs[i][idx] = old + 1e-6
                plus = np.sum(layer.forward(xs) * g)
                xs[i][idx] = old - 1e-6
                minus = np.sum(layer.forward(xs) * g)
                xs[i][idx] = old
                num[idx] = (plus - minus) / 2e-6
            np.testing.assert_allclose(grads[i], num, atol=1e-6)


def test_disconnected_graph_and_bad_arguments():
    a, b = keras.Input((3,)), keras.Input((3,))
    out = keras.layers.Dense(1)(b)
    with pytest.raises(ValueError, match="Graph disconnected"):
        keras.Model(a, out)
    with pytest.raises(TypeError, match="symbolic tensors"):
        keras.Model(a, "dense")
    with pytest.raises(ValueError, match="incompatible"):
        dense = keras.layers.Dense(2)
        dense(keras.Input((4,)))
        dense(keras.Input((5,)))


def test_functional_summary_lists_input_layer():
    x = keras.Input((4,), name="pixels")
    model = keras.Model(x, keras.layers.Dense(2)(x), name="함수형")
    text = []
    model.summary(print_fn=text.append, line_length=76)
    assert 'Model: "함수형"' in text[0] and "pixels (InputLayer)" in text[0]
    assert "Total params: 10" in text[0]


def two_output_model():
    x = keras.Input((4,))
    h = keras.layers.Dense(8, activation="tanh")(x)
    cls = keras.layers.Dense(2, activation="softmax", name="cls")(h)
    reg = keras.layers.Dense(1, name="reg")(h)
    return keras.Model(x, [cls, reg])


def test_multi_output_training_logs_and_evaluate_like_keras():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((200, 4)).astype("float32")
    y_cls = (x[:, 0] > 0).astype(int)
    y_reg = (x[:, 1:2] * 2).astype("float32")
    model = two_output_model()
    model.compile(optimizer=keras.optimizers.Adam(0.02),
                  loss=["sparse_categorical_crossentropy", "mse"], loss_weights=[1.0, 0.5],
                  metrics=[["accuracy"], ["mae"]])
    history = model.fit(x, [y_cls, y_reg], epochs=40, verbose=0, validation_split=0.2)
    # Keras 3 names: the total loss, each output's loss and metrics, and val_ versions
    assert sorted(history.history) == ["cls_accuracy", "cls_loss", "loss", "reg_loss", "reg_mae",
                                       "val_cls_accuracy", "val_cls_loss", "val_loss",
                                       "val_reg_loss", "val_reg_mae"]
    loss, cls_loss, reg_loss, acc, mae = model.evaluate(x, {"cls": y_cls, "reg": y_reg},
                                                        verbose=0)
    np.testing.assert_allclose(loss, cls_loss + 0.5 * reg_loss, rtol=1e-5)
    assert acc > 0.9 and mae < 0.3
    report = keras.debugging.check_gradients(model, x[:8], [y_cls[:8], y_reg[:8]], verbose=False)
    assert max(report.values()) < 1e-6


def test_multi_output_bad_targets_are_refused():
    model = two_output_model()
    model.compile(optimizer="adam", loss={"cls": "sparse_categorical_crossentropy", "reg": "mse"})
    x = np.zeros((5, 4))
    with pytest.raises(ValueError, match="2 outputs"):
        model.fit(x, np.zeros(5), verbose=0)
    with pytest.raises(ValueError, match="missing targets"):
        model.fit(x, {"cls": np.zeros(5)}, verbose=0)
    with pytest.raises(ValueError, match="unknown outputs"):
        model.compile(optimizer="adam", loss={"klass": "mse"})
