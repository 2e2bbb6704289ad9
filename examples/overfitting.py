"""Overfitting and its cures: L2 weight decay, dropout and early stopping on a small dataset.

Course chapter: overfitting. A network with many more weights than training samples (two
``Dense(128)`` layers, ~26,000 weights, 200 digit images) learns the training set by heart:
the training accuracy reaches 1.0 while the validation loss, after a minimum, climbs again,
and the validation accuracy stays well below.
Three cures from the course are compared with the plain network:

- L2 weight decay: ``kernel_regularizer=keras.regularizers.L2(0.001)`` adds
  ``0.001 * sum(w^2)`` to the loss, which keeps the weights small.
- Dropout: ``Dropout(0.5)`` after each hidden layer switches off half of the units at random
  during training, so no unit can rely on another one.
- Early stopping: ``EarlyStopping(patience=10, restore_best_weights=True)`` stops when the
  validation loss has not improved for 10 epochs and keeps the best weights.

The script prints the training and validation accuracy of each and the gap between them, and
plots the accuracy curves. (The loss of the L2 network includes the penalty, so compare the
accuracies, not the losses.)

Run::

    python examples/overfitting.py                      # figures in ./numnet-examples
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _course_common as common  # noqa: E402
import numnet as keras  # noqa: E402

TRAIN_SAMPLES = 200
UNITS = 128


def build(l2=None, dropout=0.0):
    """Flatten -> 2 x [Dense(128, relu) (+ L2) (+ Dropout)] -> Dense(10, softmax), Adam."""
    regularizer = keras.regularizers.L2(l2) if l2 else None
    model = keras.Sequential([keras.Input(shape=(8, 8)), keras.layers.Flatten()])
    for _ in range(2):
        model.add(keras.layers.Dense(UNITS, activation="relu", kernel_regularizer=regularizer))
        if dropout:
            model.add(keras.layers.Dropout(dropout))
    model.add(keras.layers.Dense(10, activation="softmax"))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def variants():
    """label -> (model builder, callbacks)."""
    return {
        "no cure": (build, []),
        "L2(0.001)": (lambda: build(l2=0.001), []),
        "Dropout(0.5)": (lambda: build(dropout=0.5), []),
        "early stopping": (build, [keras.callbacks.EarlyStopping(
            patience=10, restore_best_weights=True)]),
    }


def plot_curves(histories, out):
    """Validation accuracy (solid) and training accuracy (dotted) of every variant."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for i, (label, history) in enumerate(histories.items()):
        color = f"C{i}"
        ax.plot(history.history["val_accuracy"], color=color, label=f"{label} (validation)")
        ax.plot(history.history["accuracy"], color=color, linestyle=":", alpha=0.7)
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy (dotted: training)")
    ax.set_title(f"overfitting on {TRAIN_SAMPLES} digits and its cures")
    ax.set_ylim(0.7, 1.005)
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    fig.tight_layout()
    return common.save(fig, out, "overfitting.png")


def main(argv=None):
    """Train the four variants, print the accuracy gaps, plot the curves."""
    args = common.parse_args(__doc__.splitlines()[0], argv)
    (x, y), (xt, yt) = keras.datasets.digits.load_data()
    x, y = x[:TRAIN_SAMPLES] / 255.0, y[:TRAIN_SAMPLES]
    val = (xt / 255.0, yt)
    epochs = 4 if args.quick else 100
    histories, gaps = {}, {}
    print(f"{'':<16} train acc  val acc   gap   epochs  best val_loss")
    for label, (builder, callbacks) in variants().items():
        keras.utils.set_random_seed(42)
        model = builder()
        history = model.fit(x, y, epochs=epochs, batch_size=32, validation_data=val,
                            callbacks=callbacks, verbose=0)
        histories[label] = history
        _, train_acc = model.evaluate(x, y, verbose=0)
        _, val_acc = model.evaluate(*val, verbose=0)
        gaps[label] = train_acc - val_acc
        print(f"{label:<16} {train_acc:9.3f} {val_acc:8.3f} {gaps[label]:6.3f} "
              f"{len(history.epoch):7d} {min(history.history['val_loss']):10.4f}")
    plot_curves(histories, args.out)
    return gaps


if __name__ == "__main__":
    main()
