"""Bad input: a clear error naming the argument, before any training happens."""
import numpy as np
import pytest

import numnet as keras


def compiled_model(loss="sparse_categorical_crossentropy", units=10):
    model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                              keras.layers.Dense(units, activation="softmax")])
    model.compile(optimizer="adam", loss=loss, metrics=["accuracy"])
    return model


X = np.zeros((8, 28, 28), dtype=np.uint8)
Y = np.arange(8) % 10


def assert_untouched(model, call, error, match):
    before = model.get_weights()
    with pytest.raises(error, match=match):
        call()
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def test_sample_count_mismatch():
    model = compiled_model()
    assert_untouched(model, lambda: model.fit(X, Y[:5], verbose=0), ValueError, "x has 8.*y has 5")


def test_wrong_input_shape_names_layer_and_shapes():
    model = compiled_model()
    with pytest.raises(ValueError, match=r"flatten.*\(None, 28, 28\).*\(8, 28, 29\)"):
        model.fit(np.zeros((8, 28, 29)), Y, verbose=0)
    with pytest.raises(ValueError, match="flatten"):
        model.predict(np.zeros((2, 784)), verbose=0)


def test_sparse_labels_out_of_range():
    model = compiled_model()
    bad = Y.copy()
    bad[3] = 10
    assert_untouched(model, lambda: model.fit(X, bad, verbose=0), ValueError, "10")
    bad[3] = -1
    assert_untouched(model, lambda: model.fit(X, bad, verbose=0), ValueError, "-1")


def test_one_hot_width_mismatch():
    model = compiled_model(loss="categorical_crossentropy")
    assert_untouched(model, lambda: model.fit(X, np.eye(5)[Y % 5], verbose=0), ValueError, "5")


def test_nan_and_inf_in_x_or_y():
    model = compiled_model()
    x = X.astype("float32")
    x[2, 3, 4] = np.nan
    assert_untouched(model, lambda: model.fit(x, Y, verbose=0), ValueError, "'x'.*NaN")
    model = compiled_model(loss="mse")
    y = np.zeros((8, 10))
    y[0, 0] = np.inf
    assert_untouched(model, lambda: model.fit(X, y, verbose=0), ValueError, "'y'.*Inf")


def test_empty_and_non_numeric_data():
    model = compiled_model()
    with pytest.raises(ValueError, match="'x' is empty"):
        model.fit(np.zeros((0, 28, 28)), np.zeros(0), verbose=0)
    with pytest.raises(TypeError, match="'x' must hold numbers"):
        model.fit(np.full((8, 28, 28), "a"), Y, verbose=0)
    with pytest.raises(TypeError, match="'y' must hold numbers"):
        model.fit(X, np.array(["cat"] * 8), verbose=0)


@pytest.mark.parametrize("batch_size", [0, -3, 2.5, "32"])
def test_bad_batch_size(batch_size):
    model = compiled_model()
    assert_untouched(model, lambda: model.fit(X, Y, batch_size=batch_size, verbose=0),
                     ValueError, f"batch_size.*{batch_size}")


@pytest.mark.parametrize("split", [-0.1, 1.0, 2, "0.2"])
def test_bad_validation_split(split):
    model = compiled_model()
    assert_untouched(model, lambda: model.fit(X, Y, validation_split=split, verbose=0),
                     ValueError, "validation_split")


def test_fit_and_evaluate_before_compile():
    model = keras.Sequential([keras.layers.Dense(1)])
    with pytest.raises(RuntimeError, match="compile"):
        model.fit(np.zeros((4, 2)), np.zeros(4), verbose=0)
    with pytest.raises(RuntimeError, match="compile"):
        model.evaluate(np.zeros((4, 2)), np.zeros(4), verbose=0)


def test_unknown_names_in_compile():
    model = keras.Sequential([keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="Unknown optimizer 'adamm'"):
        model.compile(optimizer="adamm", loss="mse")
    with pytest.raises(ValueError, match="Unknown loss 'mean_square_error'"):
        model.compile(optimizer="adam", loss="mean_square_error")
    with pytest.raises(ValueError, match="Unknown metric 'acuracy'"):
        model.compile(optimizer="adam", loss="mse", metrics=["acuracy"])


def test_methods_that_keras_lacks_are_absent():
    model = keras.Sequential()
    assert not hasattr(model, "configure") and not hasattr(model, "set")


def test_bad_verbose_and_epochs():
    model = compiled_model()
    with pytest.raises(ValueError, match="verbose"):
        model.fit(X, Y, verbose=3)
    with pytest.raises(ValueError, match="epochs"):
        model.fit(X, Y, epochs=-1, verbose=0)


def test_layers_argument_must_be_layers():
    with pytest.raises(TypeError, match="numnet layer"):
        keras.Sequential(["dense"])
