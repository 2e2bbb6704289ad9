"""The chapter-7 course flow on small generated data: it runs unchanged and it learns."""
import numpy as np
import pytest

import numnet as keras


def make_images(n=600, classes=4, size=8, seed=0):
    """uint8 'images' whose class decides which quarter is bright (learnable, like F-MNIST)."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, classes, n)
    x = rng.integers(0, 60, (n, size, size)).astype(np.uint8)
    half = size // 2
    for label in range(classes):
        r, c = divmod(label, 2)
        rows = np.flatnonzero(y == label)
        x[rows, r * half:(r + 1) * half, c * half:(c + 1) * half] += 180
    return x, y


def test_7_1_softmax_regression_with_sgd():
    x, y = make_images()
    x = x.reshape(-1, 64) / 255.0
    model = keras.Sequential()
    model.add(keras.layers.Dense(4, activation="softmax", input_shape=(64,)))
    model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  optimizer="sgd")
    history = model.fit(x, y, epochs=5, verbose=0)
    assert set(history.history) == {"loss", "accuracy"}
    assert history.history["loss"][-1] < history.history["loss"][0]
    loss, acc = model.evaluate(x, y, verbose=0)
    assert acc > 0.9


def test_7_2_hidden_layers_sigmoid_and_relu_with_flatten():
    x, y = make_images()
    x = x / 255.0
    for activation in ("sigmoid", "relu"):
        model = keras.Sequential([
            keras.layers.Flatten(input_shape=(8, 8)),
            keras.layers.Dense(100, activation=activation, name="hidden"),
            keras.layers.Dense(4, activation="softmax", name="output"),
        ], name="패션 MNIST 모델")
        model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        history = model.fit(x, y, epochs=5, verbose=0)
        assert history.history["accuracy"][-1] > 0.9, activation


@pytest.mark.parametrize("optimizer", ["sgd", "adagrad", "rmsprop", "adam",
                                       keras.optimizers.SGD(momentum=0.9, nesterov=True)])
def test_7_3_each_optimizer_with_dropout_and_validation(optimizer):
    x, y = make_images(seed=1)
    x = x / 255.0
    model = keras.Sequential([
        keras.Input(shape=(8, 8)),
        keras.layers.Flatten(),
        keras.layers.Dense(50, activation="relu"),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(4, activation="softmax"),
    ])
    if isinstance(optimizer, str) and optimizer in ("sgd", "adagrad"):
        optimizer = keras.optimizers.get(optimizer)
        optimizer.learning_rate = 0.1
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=8, verbose=0, validation_split=0.2)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(history.history["val_loss"]) == 8
    assert history.history["val_accuracy"][-1] > 0.85


def test_one_hot_targets_and_categorical_crossentropy_with_validation_data():
    x, y = make_images(seed=2)
    x = x.reshape(-1, 64).astype("float64") / 255
    onehot = keras.utils.to_categorical(y)
    model = keras.Sequential([keras.layers.Dense(4, activation="softmax", input_dim=64)])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["acc"])
    history = model.fit(x[:500], onehot[:500], epochs=10, batch_size=16, verbose=0,
                        validation_data=(x[500:], onehot[500:]))
    assert set(history.history) == {"loss", "acc", "val_loss", "val_acc"}
    assert history.history["val_acc"][-1] > 0.9


def test_binary_classification_with_sigmoid_and_mse_regression():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((400, 2)).astype("float32")
    y = (x[:, 0] * x[:, 1] > 0).astype("float32")  # XOR of signs
    model = keras.Sequential([keras.layers.Dense(16, activation="tanh", input_shape=(2,)),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy",
                  metrics=["accuracy"])
    model.fit(x, y, epochs=30, verbose=0)
    assert model.evaluate(x, y, verbose=0)[1] > 0.9

    target = x @ np.array([[2.0], [-1.0]], dtype="float32") + 0.5
    reg = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
    reg.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse", metrics=["mae"])
    reg.fit(x, target, epochs=20, verbose=0)
    loss = reg.evaluate(x, target, verbose=0)
    assert loss[0] < 1e-3 and loss[1] < 0.05
    np.testing.assert_allclose(reg.layers[0].get_weights()[0].ravel(), [2.0, -1.0], atol=0.02)


def test_evaluate_returns_scalar_without_metrics_and_predict_shapes():
    x, y = make_images(n=70)
    model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(4, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x, y, verbose=0)
    result = model.evaluate(x, y, verbose=0)
    assert isinstance(result, float)
    proba = model.predict(x, verbose=0)
    assert proba.shape == (70, 4) and proba.dtype == np.float32
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    np.testing.assert_allclose(model.predict_on_batch(x[:5]), proba[:5], rtol=1e-6)


def test_on_batch_methods_and_weights_api():
    x, y = make_images(n=64)
    model = keras.Sequential([keras.Input((8, 8)), keras.layers.Flatten(),
                              keras.layers.Dense(4, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    before = model.get_weights()
    loss, acc = model.train_on_batch(x, y)
    after = model.get_weights()
    assert not np.array_equal(before[0], after[0])
    assert isinstance(loss, float) and 0 <= acc <= 1
    assert len(model.test_on_batch(x, y)) == 2
    model.set_weights(before)
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), before))
    assert model.count_params() == 64 * 4 + 4
    assert len(model.trainable_weights) == 2 and model.weights[0].name == "kernel"


def test_same_seed_gives_bit_identical_weights_and_history():
    x, y = make_images(n=200)

    def run():
        keras.utils.set_random_seed(42)
        model = keras.Sequential([keras.layers.Flatten(input_shape=(8, 8)),
                                  keras.layers.Dense(20, activation="relu"),
                                  keras.layers.Dropout(0.2),
                                  keras.layers.Dense(4, activation="softmax")])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        history = model.fit(x, y, epochs=3, verbose=0, validation_split=0.1)
        return model.get_weights(), history.history

    (w1, h1), (w2, h2) = run(), run()
    assert h1 == h2
    assert all(np.array_equal(a, b) for a, b in zip(w1, w2))


def test_python_lists_and_integer_inputs_are_accepted():
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
    model.compile(optimizer="sgd", loss="mse")
    model.fit([[0, 1], [1, 0], [1, 1]], [1, 1, 0], epochs=2, verbose=0)
    assert model.predict([[0, 0]], verbose=0).shape == (1, 1)


def test_stop_training_from_a_callback_ends_fit():
    x, y = make_images(n=64)

    class StopAfterFirstEpoch(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            self.model.stop_training = True

    model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(4, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=10, verbose=0, callbacks=[StopAfterFirstEpoch()])
    assert history.epoch == [0]


def test_callback_hooks_are_called_in_keras_order():
    x, y = make_images(n=40)
    calls = []

    class Recorder(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            calls.append("train_begin")

        def on_epoch_begin(self, epoch, logs=None):
            calls.append(f"epoch_begin {epoch}")

        def on_train_batch_end(self, batch, logs=None):
            calls.append(f"batch_end {batch}")

        def on_epoch_end(self, epoch, logs=None):
            calls.append(f"epoch_end {epoch} {sorted(logs)}")

        def on_train_end(self, logs=None):
            calls.append("train_end")

    model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(4, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=2, batch_size=32, verbose=0, callbacks=[Recorder()],
              initial_epoch=1)
    assert calls == ["train_begin", "epoch_begin 1", "batch_end 0", "batch_end 1",
                     "epoch_end 1 ['accuracy', 'loss']", "train_end"]


def test_hooks_written_without_a_logs_default_still_work():
    x, y = make_images(n=40)
    seen = []

    class NoDefaults(keras.callbacks.Callback):
        def on_train_begin(self, logs):
            seen.append(("train_begin", logs))

        def on_epoch_begin(self, epoch, logs):
            seen.append(("epoch_begin", logs))

        def on_train_batch_begin(self, batch, logs):
            seen.append(("batch_begin", logs))

    model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(4, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=1, batch_size=40, verbose=0, callbacks=[NoDefaults()])
    assert seen == [("train_begin", None), ("epoch_begin", None), ("batch_begin", None)]


def test_predict_in_larger_chunks_gives_the_batch_results_and_keeps_batch_hooks():
    x, _ = make_images(n=1000)
    model = keras.Sequential([keras.Input((8, 8)), keras.layers.Flatten(),
                              keras.layers.Dense(30, activation="relu"),
                              keras.layers.Dense(4, activation="softmax")])
    fast = model.predict(x, verbose=0)
    one_by_one = np.concatenate([model.predict_on_batch(x[i:i + 32]) for i in range(0, 1000, 32)])
    np.testing.assert_allclose(fast, one_by_one, rtol=1e-6, atol=1e-7)
    steps = []

    class Watch(keras.callbacks.Callback):
        def on_predict_batch_end(self, batch, logs=None):
            steps.append((batch, len(logs["outputs"])))

    watched = model.predict(x, verbose=0, callbacks=[Watch()])
    assert steps == [(i, 32) for i in range(31)] + [(31, 8)]
    np.testing.assert_allclose(watched, fast, rtol=1e-6, atol=1e-7)
