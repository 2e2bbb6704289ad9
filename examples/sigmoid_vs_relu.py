"""Vanishing gradients: a deep sigmoid network against the same network with ReLU.

Course chapter: activation functions and the vanishing gradient problem. Backpropagation
multiplies, layer after layer, by the derivative of the activation. The sigmoid's derivative
is at most 0.25, so in a deep sigmoid network the gradient shrinks by a factor of 4 or more per
layer on its way back: the first layers hardly learn. ReLU's derivative is 1 for every active
unit, so the gradient reaches the first layers intact.

Two networks with six hidden ``Dense(64)`` layers are trained on the digits with plain SGD;
``GradientNormRecorder`` records ``mean |dL/dW|`` of every layer, and
``numnet.plot.plot_gradient_norms`` draws them on a log scale.

Run::

    python examples/sigmoid_vs_relu.py                  # figures in ./numnet-examples
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _course_common as common  # noqa: E402
import numnet as keras  # noqa: E402
from numnet.callbacks import GradientNormRecorder  # noqa: E402

HIDDEN_LAYERS = 6
UNITS = 64


def deep_model(activation, image_shape):
    """Flatten, six hidden Dense(64, activation) layers, Dense(10, softmax)."""
    model = keras.Sequential(name=f"deep_{activation}")
    model.add(keras.Input(shape=image_shape))
    model.add(keras.layers.Flatten())
    for i in range(HIDDEN_LAYERS):
        model.add(keras.layers.Dense(UNITS, activation=activation, name=f"hidden_{i + 1}"))
    model.add(keras.layers.Dense(10, activation="softmax", name="output"))
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def train(activation, data, epochs):
    """Train one network; return its History and the GradientNormRecorder."""
    (x, y), val = data
    keras.utils.set_random_seed(42)
    model = deep_model(activation, x.shape[1:])
    recorder = GradientNormRecorder()
    history = model.fit(x, y, epochs=epochs, batch_size=32, validation_data=val, verbose=0,
                        callbacks=[recorder])
    return history, recorder


def print_norms(activation, recorder, history):
    """Per-layer gradient size in the first epoch, first layer against the output layer."""
    print(f"\n{activation}: mean |dL/dW| per layer in epoch 1 "
          f"(final val_accuracy {history.history['val_accuracy'][-1]:.3f})")
    first_epoch = {name: values[0] for name, values in recorder.norms.items()}
    largest = max(first_epoch.values())
    for name, value in first_epoch.items():
        bar = "#" * max(1, int(40 * value / largest))
        print(f"  {name:<10} {value:.2e}  {bar}")
    ratio = first_epoch["hidden_1"] / first_epoch["output"]
    print(f"  first hidden layer / output layer = {ratio:.2g}")
    return first_epoch


def main(argv=None):
    """Train the sigmoid and the ReLU network, print and plot their gradient sizes."""
    args = common.parse_args(__doc__.splitlines()[0], argv)
    (x, y), (xt, yt) = keras.datasets.digits.load_data()
    if args.quick:
        x, y, xt, yt = x[:400], y[:400], xt[:100], yt[:100]
    data = ((x / 255.0, y), (xt / 255.0, yt))
    epochs = 2 if args.quick else 20
    results = {}
    for activation in ("sigmoid", "relu"):
        history, recorder = train(activation, data, epochs)
        results[activation] = print_norms(activation, recorder, history)
        path = os.path.join(args.out, f"gradient_norms_{activation}.png")
        common.close(keras.plot.plot_gradient_norms(
            recorder, to_file=path, title=f"{HIDDEN_LAYERS} hidden {activation} layers: "
                                          "mean |gradient| per layer"))
        print(f"saved {path}")
    return results


if __name__ == "__main__":
    main()
