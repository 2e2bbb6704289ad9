"""Weight initialisation: Xavier (Glorot) for tanh, He for ReLU, seen in activation histograms.

Course chapter: weight initialisation. 1,000 random inputs pass through five hidden
``Dense(100)`` layers, and the histogram of each layer's outputs is drawn:

- tanh with weights of standard deviation 1: the sums are large, almost every output is -1 or
  1 (saturated), where tanh's derivative is ~0, so the gradients vanish.
- tanh with standard deviation 0.01: the outputs collapse towards 0 layer after layer; every
  unit computes nearly the same thing.
- tanh with Xavier / Glorot (``glorot_normal``, variance ``2 / (fan_in + fan_out)``): the
  outputs stay spread out in every layer.
- ReLU with Xavier: half of the units output 0, so the spread shrinks at each layer (the
  ReLU histograms leave the zeros out).
- ReLU with He (``he_normal``, variance ``2 / fan_in``): the factor 2 makes up for the zeros
  and the spread is kept.

Run::

    python examples/weight_init.py                      # figures in ./numnet-examples
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import _course_common as common  # noqa: E402
import numnet as keras  # noqa: E402

LAYERS = 5
UNITS = 100
CONFIGS = {
    "tanh": {
        "std 1": lambda: keras.initializers.RandomNormal(stddev=1.0),
        "std 0.01": lambda: keras.initializers.RandomNormal(stddev=0.01),
        "Xavier (glorot_normal)": lambda: keras.initializers.GlorotNormal(),
    },
    "relu": {
        "std 0.01": lambda: keras.initializers.RandomNormal(stddev=0.01),
        "Xavier (glorot_normal)": lambda: keras.initializers.GlorotNormal(),
        "He (he_normal)": lambda: keras.initializers.HeNormal(),
    },
}


def layer_outputs(activation, make_initializer, x):
    """The outputs of each of the five hidden layers for the inputs ``x`` (a list)."""
    model = keras.Sequential([keras.Input(shape=(x.shape[1],))] + [
        keras.layers.Dense(UNITS, activation=activation, kernel_initializer=make_initializer())
        for _ in range(LAYERS)])
    probe = keras.Model(model.inputs, [layer.output for layer in model.layers])
    return probe.predict(x, verbose=0)


def plot_histograms(activation, outputs_by_init, out):
    """One row per initialiser, one column per layer: histograms of the layer outputs."""
    import matplotlib.pyplot as plt

    rows = len(outputs_by_init)
    fig, axes = plt.subplots(rows, LAYERS, figsize=(2.4 * LAYERS, 2.0 * rows), squeeze=False,
                             sharey="row")
    value_range = (-1, 1) if activation == "tanh" else (0, 2)
    for r, (label, outputs) in enumerate(outputs_by_init.items()):
        for c, values in enumerate(outputs):
            ax = axes[r, c]
            values = values.ravel()
            if activation == "relu":
                values = values[values > 0]  # the zeros (about half) would hide the rest
            ax.hist(values, bins=30, range=value_range, color="tab:blue")
            ax.set_yticks([])
            if r == 0:
                ax.set_title(f"layer {c + 1}")
            if c == 0:
                ax.set_ylabel(label, fontsize=8)
    note = " (non-zero outputs)" if activation == "relu" else ""
    fig.suptitle(f"{activation}: outputs of each layer{note} for different initialisations")
    fig.tight_layout()
    return common.save(fig, out, f"weight_init_{activation}.png")


def main(argv=None):
    """Compute and plot the activation histograms; print each layer's standard deviation."""
    args = common.parse_args(__doc__.splitlines()[0], argv)
    keras.utils.set_random_seed(42)
    x = keras.config.rng().standard_normal((200 if args.quick else 1000, UNITS))
    stds = {}
    for activation, inits in CONFIGS.items():
        outputs_by_init = {}
        print(f"\n{activation}: standard deviation of the outputs, layers 1..{LAYERS}")
        for label, make_initializer in inits.items():
            outputs = layer_outputs(activation, make_initializer, x)
            outputs_by_init[label] = outputs
            stds[(activation, label)] = [float(np.std(o)) for o in outputs]
            row = "  ".join(f"{s:.3f}" for s in stds[(activation, label)])
            print(f"  {label:<24} {row}")
        plot_histograms(activation, outputs_by_init, args.out)
    return stds


if __name__ == "__main__":
    main()
