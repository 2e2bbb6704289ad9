"""Perceptron and logic gates: AND, OR and NAND are learned, XOR is not.

Course chapter: the perceptron (Rosenblatt, 1958). One neuron computes ``z = w1*x1 + w2*x2 + b``
and outputs ``1 if z > 0 else 0`` (the step function). The perceptron rule
``w <- w + eta * (y - y_hat) * x`` fixes the weights after each mistake. AND, OR and NAND can
be separated by one straight line, so the mistakes reach zero; XOR cannot (the points (0,1)
and (1,0) sit on opposite corners), which is the reason for hidden layers: see
``xor_backprop.py``.

Run::

    python examples/perceptron_logic_gates.py            # figures in ./numnet-examples
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import _course_common as common  # noqa: E402
from numnet.datasets import toys  # noqa: E402
from numnet.perceptron import Perceptron  # noqa: E402

GATES = ("and", "or", "nand", "xor")


def train_gate(gate, epochs=20, seed=0):
    """Train a perceptron on the truth table of ``gate``; return it with the table."""
    x, y = toys.logic_gate(gate)
    perceptron = Perceptron(learning_rate=0.1, epochs=epochs, seed=seed).fit(x, y)
    return perceptron, x, y


def print_truth_table(gate, perceptron, x, y):
    """Print x1, x2, the target and the perceptron's output for each row, then the accuracy."""
    predicted = perceptron.predict(x)
    print(f"\n{gate.upper()} gate: w = [{perceptron.weights[0]:+.3f}, "
          f"{perceptron.weights[1]:+.3f}], b = {perceptron.bias:+.3f}")
    print(" x1 x2 | target output")
    for (x1, x2), target, out in zip(x, y, predicted):
        mark = "" if target == out else "   <- wrong"
        print(f"  {x1:.0f}  {x2:.0f} |   {target:.0f}      {out}{mark}")
    accuracy = perceptron.score(x, y)
    verdict = "learned" if perceptron.converged_ else "NOT learned (not linearly separable)"
    print(f"accuracy {accuracy:.2f} - mistakes per epoch {perceptron.errors_} - {verdict}")
    return accuracy


def plot_gates(results, out):
    """One panel per gate: the four points (colour = target), the perceptron's line
    ``w1*x1 + w2*x2 + b = 0`` and its two regions (colour = output)."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(results), figsize=(3.2 * len(results), 3.4))
    for ax, (gate, (perceptron, x, y)) in zip(axes, results.items()):
        grid = np.linspace(-0.5, 1.5, 201)
        gx, gy = np.meshgrid(grid, grid)
        regions = perceptron.predict(np.c_[gx.ravel(), gy.ravel()]).reshape(gx.shape)
        ax.contourf(gx, gy, regions, levels=[-0.5, 0.5, 1.5], cmap="bwr", alpha=0.2)
        ax.scatter(x[:, 0], x[:, 1], c=y, cmap="bwr", vmin=0, vmax=1, s=120, edgecolors="k")
        w1, w2 = perceptron.weights
        line = np.linspace(-0.5, 1.5, 50)
        if abs(w2) > 1e-12:
            ax.plot(line, -(w1 * line + perceptron.bias) / w2, "k--")
        elif abs(w1) > 1e-12:
            ax.axvline(-perceptron.bias / w1, color="k", linestyle="--")
        ax.set_xlim(-0.5, 1.5)
        ax.set_ylim(-0.5, 1.5)
        ax.set_title(f"{gate.upper()} ({'learned' if perceptron.converged_ else 'fails'})")
        ax.set_xlabel("x1")
        ax.set_ylabel("x2")
    fig.tight_layout()
    return common.save(fig, out, "perceptron_gates.png")


def plot_errors(results, out):
    """Mistakes per epoch for each gate: they reach 0 except for XOR."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5))
    for gate, (perceptron, _, _) in results.items():
        ax.plot(range(1, len(perceptron.errors_) + 1), perceptron.errors_, marker="o",
                label=gate.upper())
    ax.set_xlabel("epoch")
    ax.set_ylabel("mistakes (updates)")
    ax.set_title("perceptron rule: mistakes per epoch")
    ax.legend()
    fig.tight_layout()
    return common.save(fig, out, "perceptron_errors.png")


def main(argv=None):
    """Train a perceptron on each gate, print the truth tables, save the figures."""
    args = common.parse_args(__doc__.splitlines()[0], argv)
    results = {gate: train_gate(gate) for gate in GATES}
    accuracies = {gate: print_truth_table(gate, *results[gate]) for gate in GATES}
    print("\nXOR needs two lines (a hidden layer): see xor_backprop.py")
    plot_gates(results, args.out)
    plot_errors(results, args.out)
    return accuracies


if __name__ == "__main__":
    main()
