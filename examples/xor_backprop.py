"""XOR solved by a hidden layer trained with backpropagation.

Course chapter: multi-layer perceptrons and backpropagation. A single perceptron cannot learn
XOR (see ``perceptron_logic_gates.py``); two layers can: the hidden layer draws two lines, the
output layer combines them. Backpropagation applies the chain rule from the loss back to every
weight::

    dL/dz2 = y_hat - y                       (sigmoid output + binary cross-entropy)
    dL/dW2 = h^T · dL/dz2                    dL/dh = dL/dz2 · W2^T
    dL/dz1 = dL/dh * (1 - h^2)               (tanh' = 1 - tanh^2)
    dL/dW1 = x^T · dL/dz1

``numnet.debugging.check_gradients`` then compares each of those gradients with the central
difference ``(L(w + eps) - L(w - eps)) / 2 eps``: the relative errors are tiny.

Run::

    python examples/xor_backprop.py                     # figures in ./numnet-examples
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import _course_common as common  # noqa: E402
import numnet as keras  # noqa: E402
from numnet.datasets import toys  # noqa: E402


def build_model(hidden_units=8):
    """Input(2) -> Dense(hidden_units, tanh) -> Dense(1, sigmoid)."""
    model = keras.Sequential([
        keras.Input(shape=(2,)),
        keras.layers.Dense(hidden_units, activation="tanh"),
        keras.layers.Dense(1, activation="sigmoid"),
    ], name="xor_mlp")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.05),
                  loss="binary_crossentropy", metrics=["accuracy"])
    return model


def main(argv=None):
    """Train the two-layer network on the XOR truth table, print it, check the gradients."""
    args = common.parse_args(__doc__.splitlines()[0], argv)
    keras.utils.set_random_seed(7)
    x, y = toys.logic_gate("xor")
    model = build_model()
    model.summary()

    print("\nBackprop gradients against central differences (before training):")
    report = keras.debugging.check_gradients(model, x, y)

    history = model.fit(x, y, epochs=300, batch_size=4, verbose=0)
    probabilities = model.predict(x, verbose=0)[:, 0]
    predicted = (probabilities > 0.5).astype(int)
    print("\n x1 x2 | target  p(y=1)  output")
    for (x1, x2), target, p, out in zip(x, y, probabilities, predicted):
        print(f"  {x1:.0f}  {x2:.0f} |   {target:.0f}     {p:.3f}     {out}")
    accuracy = float(np.mean(predicted == y))
    print(f"accuracy on the 4 points: {accuracy:.2f} (final loss "
          f"{history.history['loss'][-1]:.4f})")

    fig = keras.plot.plot_history(history, to_file=os.path.join(args.out, "xor_history.png"),
                                  title="XOR: two-layer network")
    common.close(fig)
    noisy_x, noisy_y = toys.xor(n_samples=200, noise=0.12, seed=0)  # points near the corners
    fig = keras.plot.plot_decision_boundary(
        model, np.concatenate([x, noisy_x]), np.concatenate([y, noisy_y]),
        to_file=os.path.join(args.out, "xor_boundary.png"),
        title="XOR: the hidden layer bends the boundary")
    common.close(fig)
    print(f"saved xor_history.png and xor_boundary.png in {args.out}")
    return {"accuracy": accuracy, "gradient_errors": report}


if __name__ == "__main__":
    main()
