"""``numnet evaluate``, ``numnet predict`` and ``numnet summary``: use a saved model file."""
import os
import sys

import numpy as np

from numnet.commands.data import fit_to_model, load_dataset, model_input_shape
from numnet.commands.errors import UsageError


def load(path):
    """Load the model file at ``path`` (``.keras`` or ``.h5``) with numnet's safe loader."""
    if not os.path.exists(path):
        raise FileNotFoundError(f"model file {path} does not exist (train one with "
                                "'numnet train', which writes numnet-run/model.keras)")
    if os.path.isdir(path):
        raise IsADirectoryError(f"{path} is a folder; give the model file inside it, "
                                f"e.g. {os.path.join(path, 'model.keras')}")
    from numnet import saving

    return saving.load_model(path)


def evaluate(args):
    """Print the loss and metrics of the model on the test split of ``--data``."""
    if args.batch_size < 1:
        raise UsageError(f"--batch-size must be at least 1; received {args.batch_size}.")
    model = load(args.model)
    if getattr(model, "loss", None) is None:
        raise ValueError(f"the model in {args.model} was saved without compile() (no loss), "
                         "so it cannot be evaluated; compile it and save it again.")
    data = load_dataset(args.data)
    x = fit_to_model(data.x_test, model)
    expected = model_input_shape(model)
    if expected and None not in expected and x.shape[1:] != expected:
        raise ValueError(f"the model in {args.model} expects samples of shape {expected}, but "
                         f"--data {args.data} has samples of shape {data.x_test.shape[1:]}; "
                         "pass the --data the model was trained on.")
    results = model.evaluate(x, data.y_test, batch_size=args.batch_size, verbose=0)
    values = results if isinstance(results, (list, tuple)) else [results]
    names = list(getattr(model, "metrics_names", None) or [])
    if len(names) != len(values):
        names = ["loss"] + [f"metric_{i}" for i in range(1, len(values))]
    print(f"{args.data} test set: {len(x)} samples")
    for name, value in zip(names, values):
        print(f"{name}: {float(value):.4f}")
    return 0


def predict(args):
    """Print the predicted class of each sample, or save the probabilities with --output."""
    if args.divide_by is not None and not (np.isfinite(args.divide_by) and args.divide_by > 0):
        raise UsageError(f"--divide-by must be a number > 0 (e.g. 255); received "
                         f"{args.divide_by}.")
    if args.output is not None and not args.output.endswith(".npy"):
        raise UsageError(f"--output must be a .npy file name; received {args.output!r}.")
    model = load(args.model)
    x = _load_input(args.input)
    if args.divide_by is not None:
        x = x.astype(np.float32) / np.float32(args.divide_by)
    elif x.dtype == np.uint8:
        print("note: the input holds uint8 pixels 0..255; pass --divide-by 255 if the model was "
              "trained on scaled images (numnet train scales them).", file=sys.stderr)
    x = fit_to_model(x, model)
    probabilities = np.asarray(model.predict(x, verbose=0))
    if args.output is not None:
        np.save(args.output, probabilities, allow_pickle=False)
        print(f"saved predictions of shape {probabilities.shape} to {args.output}")
        return 0
    for label in predicted_classes(probabilities):
        print(label)
    return 0


def predicted_classes(probabilities):
    """Class per sample: ``argmax`` of a softmax output, ``p > 0.5`` of one sigmoid unit."""
    if probabilities.ndim == 2 and probabilities.shape[1] > 1:
        return probabilities.argmax(axis=1)
    return (probabilities.reshape(len(probabilities), -1)[:, 0] > 0.5).astype(np.int64)


def _load_input(path):
    """Read a ``.npy`` array of numbers without ever unpickling."""
    if not os.path.exists(path):
        raise FileNotFoundError(f"input file {path} does not exist")
    try:
        x = np.load(path, allow_pickle=False)
    except ValueError as exc:
        raise ValueError(f"cannot read {path} as a NumPy .npy array of numbers: {exc}") from None
    if not isinstance(x, np.ndarray):
        raise ValueError(f"{path} holds several arrays (an .npz archive); save one array with "
                         "numpy.save('input.npy', x)")
    if x.dtype.kind not in "biuf":
        raise ValueError(f"{path} holds {x.dtype} values; expected numbers")
    return x


def summary(args):
    """Print the model's layer table, as ``model.summary()`` does."""
    load(args.model).summary()
    return 0
