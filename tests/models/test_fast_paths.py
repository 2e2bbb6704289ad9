"""The training loop's fast paths give exactly the numbers and the callback calls of the plain
ones: fused loss value + gradient, callbacks called only where they do something, batch logs
built only when read, one BLAS thread for small models, the one-pass Adam kernel."""
import os
import warnings

import numpy as np
import pytest

import numnet
from numnet import layers, losses
from numnet.callbacks import Callback, CallbackList, LambdaCallback
from numnet.models import threads
from numnet.models.data import check_finite
from numnet.optimizers import Adam, fused


def course_mlp(units=16):
    model = numnet.Sequential([numnet.Input(shape=(6, 6)), layers.Flatten(),
                               layers.Dense(units, activation="relu"),
                               layers.Dense(4, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def data(n=100, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n, 6, 6), dtype=np.float32), rng.integers(0, 4, n)


# ------------------------------------------------------------------ fused loss value + gradient
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sparse_value_and_logits_gradient_is_bit_identical(dtype):
    rng = np.random.default_rng(1)
    loss = losses.SparseCategoricalCrossentropy()
    for trial in range(50):
        n, classes = int(rng.integers(1, 40)), int(rng.integers(2, 12))
        p = rng.random((n, classes)).astype(dtype)
        p /= p.sum(axis=1, keepdims=True)
        if trial % 5 == 0:
            p[0] = 0  # an all-zero row: call() divides by 1 instead of 0
        if trial % 7 == 0:
            p[-1] = 0
            p[-1, 0] = 1  # a saturated row: clipped to [eps, 1 - eps]
        y = rng.integers(0, classes, n)
        value, grad = loss.value_and_logits_gradient(y, p)
        assert value == float(loss(y, p))
        expected = loss.logits_gradient(y, p)
        assert grad.dtype == expected.dtype
        np.testing.assert_array_equal(grad, expected)


@pytest.mark.parametrize("loss, y", [
    (losses.SparseCategoricalCrossentropy(), np.array([[0], [2], [1]])),   # labels (N, 1)
    (losses.SparseCategoricalCrossentropy(), np.array([0.0, 2.0, 1.0])),   # float labels
    (losses.SparseCategoricalCrossentropy(ignore_class=2), np.array([0, 2, 1])),
    (losses.SparseCategoricalCrossentropy(reduction="sum"), np.array([0, 2, 1])),
    (losses.CategoricalCrossentropy(), np.eye(3, dtype=np.float32)[[0, 2, 1]]),
    (losses.CategoricalCrossentropy(label_smoothing=0.1), np.eye(3, dtype=np.float32)[[0, 2, 1]]),
])
def test_other_cases_fall_back_to_the_separate_computations(loss, y):
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.3, 0.4, 0.3]], dtype=np.float32)
    value, grad = loss.value_and_logits_gradient(y, p)
    assert value == loss(y, p)
    np.testing.assert_array_equal(grad, loss.logits_gradient(y, p))


def test_binary_and_regression_value_and_gradient():
    p = np.array([[0.2], [0.9]], dtype=np.float32)
    y = np.array([0.0, 1.0], dtype=np.float32)
    bce = losses.BinaryCrossentropy()
    value, grad = bce.value_and_logits_gradient(y, p)
    assert value == bce(y, p)
    np.testing.assert_array_equal(grad, bce.logits_gradient(y, p))
    mse = losses.MeanSquaredError()
    value, grad = mse.value_and_gradient(y, p)
    assert value == mse(y, p)
    np.testing.assert_array_equal(grad, mse.gradient(y, p))


def test_fused_path_still_rejects_labels_out_of_range():
    p = np.full((2, 3), 1 / 3, dtype=np.float32)
    loss = losses.SparseCategoricalCrossentropy()
    for bad in ([0, 3], [-1, 0]):
        with pytest.raises(ValueError, match="outside the valid range"):
            loss.value_and_logits_gradient(np.array(bad), p)


# ------------------------------------------------------------------ callbacks
class Recorder(Callback):
    def __init__(self):
        super().__init__()
        self.calls = []

    def on_train_batch_end(self, batch, logs=None):
        self.calls.append((batch, dict(logs)))


class Keras2Style(Callback):
    def __init__(self):
        super().__init__()
        self.batches = []

    def on_batch_end(self, batch, logs=None):
        self.batches.append(batch)


def test_callback_list_calls_only_the_hooks_that_do_something():
    recorder, old_style, plain = Recorder(), Keras2Style(), Callback()
    lam = LambdaCallback(on_epoch_end=lambda epoch, logs: None)
    callbacks = CallbackList([plain, recorder, old_style, lam])
    assert callbacks.has_hook("on_train_batch_end")  # Recorder, and Keras2Style by its alias
    assert len(callbacks.on_train_batch_end.listeners) == 2
    assert callbacks.has_hook("on_epoch_end")  # the LambdaCallback's instance attribute
    assert not callbacks.has_hook("on_test_batch_end")
    callbacks.on_train_batch_end(3, {"loss": 1.0})
    callbacks.on_test_batch_end(3, {"loss": 1.0})  # nobody listens: nothing happens
    assert recorder.calls == [(3, {"loss": 1.0})] and old_style.batches == [3]
    empty = CallbackList()
    assert not empty.has_hook("on_train_batch_end")
    empty.on_train_begin()
    empty.append(Recorder())
    assert empty.has_hook("on_train_batch_end")
    with pytest.raises(AttributeError):
        empty.on_no_such_hook  # noqa: B018
    with pytest.raises(TypeError, match="Callback objects"):
        CallbackList([object()])


def test_batch_logs_are_the_running_averages_and_do_not_change_the_numbers():
    x, y = data()
    numnet.utils.set_random_seed(7)
    watched = course_mlp()
    recorder, old_style = Recorder(), Keras2Style()
    history = watched.fit(x, y, batch_size=32, epochs=2, verbose=0,
                          callbacks=[recorder, old_style])
    numnet.utils.set_random_seed(7)
    plain = course_mlp()
    plain_history = plain.fit(x, y, batch_size=32, epochs=2, verbose=0)
    for a, b in zip(watched.get_weights(), plain.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert history.history == plain_history.history
    assert [b for b, _ in recorder.calls] == [0, 1, 2, 3] * 2
    assert old_style.batches == [0, 1, 2, 3] * 2
    last = recorder.calls[-1][1]
    assert list(last) == ["accuracy", "loss"]  # sorted like Keras prints them
    assert last == {k: v[-1] for k, v in history.history.items()}


# ------------------------------------------------------------------ BLAS threads
def test_small_models_train_on_one_blas_thread():
    pytest.importorskip("threadpoolctl")
    model = numnet.Sequential([numnet.Input(shape=(28, 28)), layers.Flatten(),
                               layers.Dense(100, activation="relu"),
                               layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    assert threads.thread_limit(model, 32) == 1  # (32, 784) @ (784, 100): 2.5 million
    seen = []

    class Threads(Callback):
        # NumPy's BLAS, the one numnet's products use (a BLAS loaded later, e.g. SciPy's by
        # scikit-learn, is not NumPy's and keeps its threads).
        def on_train_batch_end(self, batch, logs=None):
            seen.append(max(p["num_threads"] for p in threads._get_controller().info()
                            if p["user_api"] == "blas"))

    rng = np.random.default_rng(0)
    model.fit(rng.random((64, 28, 28), dtype=np.float32), rng.integers(0, 10, 64),
              batch_size=32, verbose=0, callbacks=[Threads()])
    assert seen == [1, 1]


def test_thread_limit_by_size():
    tiny = numnet.Sequential([numnet.Input(shape=(4,)), layers.Dense(3)])
    assert threads.thread_limit(tiny, 32) is None  # BLAS uses one thread anyway
    mlp = numnet.Sequential([numnet.Input(shape=(784,)), layers.Dense(100), layers.Dense(10)])
    assert threads.thread_limit(mlp, 32) == 1
    assert threads.thread_limit(mlp, 100_000) is None  # big products: BLAS keeps its threads
    conv = numnet.Sequential([numnet.Input(shape=(14, 14, 32)),
                              layers.Conv2D(64, 3, padding="same")])
    # 3 * 3 * 32 * 64 weights at 14 * 14 positions for each of 32 samples
    assert threads.thread_limit(conv, 32) == (1 if 3 * 3 * 32 * 64 * 14 * 14 * 32
                                              < threads.THREADED_MACS else None)


# ------------------------------------------------------------------ data checks
def test_check_finite_finds_nan_and_inf_without_false_alarms():
    x = np.ones((50, 4), dtype=np.float32)
    check_finite(x, "x")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_finite(np.full((10,), 3e38, dtype=np.float32), "x")  # the sum overflows: fine
    for bad in (np.nan, np.inf, -np.inf):
        y = x.copy()
        y[7, 2] = bad
        with pytest.raises(ValueError, match=r"1 NaN or Inf value\(s\), the first at index "
                                             r"\(7, 2\)"):
            check_finite(y, "x")


# ------------------------------------------------------------------ Adam's one-pass kernel
def adam_run(dtype, steps, use_kernel, monkeypatch, amsgrad=False):
    monkeypatch.setattr(fused, "_kernels", None if use_kernel else {})
    rng = np.random.default_rng(3)
    w = rng.standard_normal(1000).astype(dtype)
    optimizer = Adam(learning_rate=0.01, amsgrad=amsgrad)
    for _ in range(steps):
        optimizer.apply([rng.standard_normal(1000).astype(dtype)], [w])
    return w, optimizer.variables


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_adam_kernel_is_bit_identical_to_numpy(dtype, monkeypatch):
    pytest.importorskip("numba")
    monkeypatch.setenv("NUMNET_NUMBA", "1")
    monkeypatch.setattr(fused, "_kernels", None)
    assert fused.adam_kernel() is not None
    w_kernel, state_kernel = adam_run(dtype, 20, True, monkeypatch)
    w_numpy, state_numpy = adam_run(dtype, 20, False, monkeypatch)
    np.testing.assert_array_equal(w_kernel, w_numpy)
    for a, b in zip(state_kernel, state_numpy):
        np.testing.assert_array_equal(a, b)


def test_adam_kernel_can_be_switched_off(monkeypatch):
    monkeypatch.setenv("NUMNET_NUMBA", "0")
    monkeypatch.setattr(fused, "_kernels", None)
    assert fused.adam_kernel() is None


def test_kernel_takes_only_contiguous_float32_or_float64():
    a = np.zeros(10, dtype=np.float32)
    assert fused.usable(a, a.copy())
    assert not fused.usable(a, a.astype(np.float64))
    assert not fused.usable(a.astype(np.float16), a.astype(np.float16))
    assert not fused.usable(np.zeros(20, dtype=np.float32)[::2], a)


@pytest.mark.skipif(os.environ.get("NUMNET_NUMBA") == "0", reason="numba switched off")
def test_same_seed_same_weights_with_or_without_the_kernel(monkeypatch):
    x, y = data()
    results = []
    for kernels in (None, {}):  # None: numba if installed; {}: NumPy only
        monkeypatch.setattr(fused, "_kernels", kernels)
        numnet.utils.set_random_seed(11)
        model = course_mlp()
        model.fit(x, y, batch_size=16, epochs=2, verbose=0)
        results.append(model.get_weights())
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)


def test_kernel_check_remembers_arrays_without_keeping_them_alive():
    import gc
    import weakref
    a, b = np.zeros(10, dtype=np.float32), np.zeros(10, dtype=np.float32)
    assert fused.usable(a, b) and fused.usable(a, b)  # the second answer is remembered
    gone = weakref.ref(a)
    del a
    gc.collect()
    assert gone() is None
    assert not fused.usable(np.zeros(20, dtype=np.float32)[::2], b)


# ------------------------------------------------------------------ activations in place
def test_dense_relu_and_softmax_match_the_activation_functions():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((5, 3)).astype(np.float32)
    for name in ("relu", "softmax"):
        layer = layers.Dense(4, activation=name)
        y = layer(x)
        z = x @ layer.kernel.value + layer.bias.value
        np.testing.assert_array_equal(y, numnet.activations.get(name)(z))
        grad = rng.standard_normal(y.shape).astype(np.float32)
        expected = numnet.activations.gradient(numnet.activations.get(name), z, y, grad)
        layer.forward(x, training=True)
        np.testing.assert_array_equal(layer._activation_gradient(grad), expected)


def test_activation_layer_never_overwrites_its_input():
    x = np.array([[-1.0, 2.0], [3.0, -4.0]], dtype=np.float32)
    before = x.copy()
    for name in ("relu", "softmax"):
        y = layers.Activation(name)(x)
        np.testing.assert_array_equal(x, before)
        assert not np.shares_memory(x, y)


# ------------------------------------------------------------------ metrics in short
def test_sparse_accuracy_with_integer_labels_equals_the_float_comparison():
    rng = np.random.default_rng(5)
    p = rng.random((40, 7)).astype(np.float32)
    labels = rng.integers(0, 7, 40)
    fast = numnet.metrics.sparse_categorical_accuracy(labels, p)
    slow = numnet.metrics.sparse_categorical_accuracy(labels.astype(np.float32), p)
    assert fast.dtype == slow.dtype
    np.testing.assert_array_equal(fast, slow)
    mean_fast, mean_slow = numnet.metrics.Mean(), numnet.metrics.Mean()
    mean_fast.update_state(fast)
    mean_slow.update_state(list(slow))
    assert mean_fast.result() == mean_slow.result()
