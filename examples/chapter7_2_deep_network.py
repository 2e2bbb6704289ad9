"""Chapter 7-2: deep neural networks - hidden layers, Flatten, ReLU and the optimizers.

Course chapter 7-2: a hidden ``Dense(100, 'sigmoid')`` layer between the input and the
softmax output makes a deep (multi-layer) network; ``model.summary()`` counts its parameters
(784 x 100 + 100 for the hidden layer on Fashion-MNIST). Then ``Flatten`` replaces the manual
``reshape``, ``relu`` replaces ``sigmoid`` (no saturation, faster learning), and the same
network is trained with each optimizer of the chapter: SGD (plain, ``learning_rate=0.1``,
momentum with Nesterov), Adagrad, RMSprop and Adam. The validation accuracy of each is printed
and plotted.

Data: Fashion-MNIST when its files are in the cache, otherwise the bundled 8x8 digits.

Run::

    python examples/chapter7_2_deep_network.py [--data auto|fashion_mnist|digits]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from sklearn.model_selection import train_test_split  # noqa: E402

import _course_common as common  # noqa: E402
import numnet as keras  # noqa: E402


def optimizers():
    """The optimizers the chapter compares, by label (fresh instances every call)."""
    return {
        "sgd": "sgd",
        "SGD(learning_rate=0.1)": keras.optimizers.SGD(learning_rate=0.1),
        "SGD(momentum=0.9, nesterov=True)": keras.optimizers.SGD(momentum=0.9, nesterov=True),
        "adagrad": keras.optimizers.Adagrad(),
        "rmsprop": keras.optimizers.RMSprop(),
        "adam": "adam",
    }


def relu_model(image_shape):
    """Flatten -> Dense(100, relu) -> Dense(10, softmax), as at the end of the chapter."""
    model = keras.Sequential(name="relu_model")
    model.add(keras.layers.Flatten(input_shape=image_shape))
    model.add(keras.layers.Dense(100, activation="relu"))
    model.add(keras.layers.Dense(10, activation="softmax"))
    return model


def compare_optimizers(train, val, image_shape, epochs):
    """Train the ReLU model once per optimizer; return label -> History."""
    histories = {}
    for label, optimizer in optimizers().items():
        keras.utils.set_random_seed(42)  # the same initial weights for every optimizer
        model = relu_model(image_shape)
        model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        histories[label] = model.fit(*train, epochs=epochs, validation_data=val, verbose=0)
        print(f"{label:<34} validation accuracy {histories[label].history['val_accuracy'][-1]:.4f}")
    return histories


def plot_optimizers(histories, out):
    """Validation accuracy per epoch, one curve per optimizer."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    for label, history in histories.items():
        curve = history.history["val_accuracy"]
        ax.plot(range(1, len(curve) + 1), curve, marker="o", markersize=3, label=label)
    ax.set_xlabel("epoch")
    ax.set_ylabel("validation accuracy")
    ax.set_title("the same network, six optimizers")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    fig.tight_layout()
    return common.save(fig, out, "chapter7_2_optimizers.png")


def main(argv=None):
    """Build the sigmoid and ReLU networks, then compare the optimizers."""
    args = common.parse_args(__doc__.splitlines()[0], argv, common.add_data_argument)
    keras.utils.set_random_seed(42)
    name, (train_input, train_target), _ = common.load_course_images(args.data, args.quick)
    image_shape = train_input.shape[1:]
    pixels = image_shape[0] * image_shape[1]
    train_scaled = train_input / 255.0
    train_scaled, val_scaled, train_target, val_target = train_test_split(
        train_scaled, train_target, test_size=0.2, random_state=42)
    epochs = 2 if args.quick else (5 if name == "fashion_mnist" else 20)

    print("\n1. A hidden sigmoid layer on flattened images")
    model = keras.Sequential([
        keras.layers.Dense(100, activation="sigmoid", input_shape=(pixels,), name="hidden"),
        keras.layers.Dense(10, activation="softmax", name="output"),
    ], name="패션 MNIST 모델" if name == "fashion_mnist" else "digits_model")
    model.summary()
    model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(train_scaled.reshape(-1, pixels), train_target, epochs=epochs, verbose=2)

    print("\n2. Flatten and ReLU")
    model = relu_model(image_shape)
    model.summary()
    model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(train_scaled, train_target, epochs=epochs, verbose=2)
    loss, accuracy = model.evaluate(val_scaled, val_target, verbose=0)
    print(f"ReLU model (rmsprop): validation accuracy {accuracy:.4f}")

    print(f"\n3. Optimizers, {epochs} epochs each")
    histories = compare_optimizers((train_scaled, train_target), (val_scaled, val_target),
                                   image_shape, epochs)
    plot_optimizers(histories, args.out)
    return {label: h.history["val_accuracy"][-1] for label, h in histories.items()}


if __name__ == "__main__":
    main()
