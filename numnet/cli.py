"""The ``numnet`` command: train the course networks and use saved models from a terminal.

::

    numnet train                         # the course MLP on the offline digits data
    numnet train --data fashion_mnist --model cnn --epochs 5 --early-stopping 2
    numnet evaluate numnet-run/model.keras --data digits
    numnet predict numnet-run/model.keras images.npy --divide-by 255
    numnet summary numnet-run/model.keras
    numnet datasets                      # what is in the dataset cache

Also ``python -m numnet``. Every subcommand has ``--help``. A bad option prints one line
``numnet: error: ...`` and exits with status 2; a failure while running (missing dataset
files, unreadable model file) prints ``numnet: error: ...`` and exits with status 1. Set
``NUMNET_DEBUG=1`` to see the full traceback instead.
"""
import argparse
import os
import sys

import numnet
from numnet.commands.build import MODELS
from numnet.commands.data import DATASETS
from numnet.commands.errors import UsageError

COMMANDS = ("train", "evaluate", "predict", "summary", "datasets")


class _Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose usage errors are one line: ``numnet: error: ...``."""

    def error(self, message):
        sys.stderr.write(f"numnet: error: {message} (see '{self.prog} --help')\n")
        sys.exit(2)


def _train_parser(commands):
    p = commands.add_parser(
        "train", help="train a course network and save model.keras, history.csv, loss.png",
        description="Train the course network (Flatten, Dense 100 relu, Dropout 0.3, Dense "
                    "softmax, Adam) or the chapter-8 CNN, print the test accuracy, and write "
                    "model.keras, history.csv and loss.png into --out.",
        epilog="example: numnet train --data digits --hidden 256,128 --epochs 30 "
               "--early-stopping 3")
    p.add_argument("--data", choices=DATASETS, default="digits",
                   help="dataset (default: digits, bundled and offline; fashion_mnist and "
                        "mnist are downloaded once into $NUMNET_HOME)")
    p.add_argument("--model", choices=MODELS, default="mlp",
                   help="mlp: the chapter-7 network; cnn: the chapter-8 network (Conv2D 32, "
                        "MaxPooling2D, Conv2D 64, MaxPooling2D, Dense) (default: mlp)")
    p.add_argument("--hidden", default="100", metavar="UNITS",
                   help="units of the hidden Dense layer(s): 100, or 256,128 for two, or none "
                        "for softmax regression (default: 100)")
    p.add_argument("--activation", default="relu",
                   help="activation of the hidden layers (default: relu)")
    p.add_argument("--dropout", type=float, default=None, metavar="RATE",
                   help="dropout rate after each hidden layer, 0 for none (default: 0.3 for "
                        "mlp, 0.4 for cnn)")
    p.add_argument("--optimizer", default="adam",
                   help="sgd, adagrad, rmsprop, adam, adamw, nadam, adamax, adadelta "
                        "(default: adam)")
    p.add_argument("--learning-rate", type=float, default=None, metavar="LR",
                   help="learning rate (default: the optimizer's Keras default, 0.001 for adam)")
    p.add_argument("--epochs", type=int, default=None,
                   help="training epochs (default: 90 for digits, 30 for the digits CNN, 100 "
                        "for xor, 20 for fashion_mnist and mnist)")
    p.add_argument("--batch-size", type=int, default=32, help="mini-batch size (default: 32)")
    p.add_argument("--validation-split", type=float, default=0.2, metavar="FRACTION",
                   help="fraction of the training data held out for validation (default: 0.2)")
    p.add_argument("--early-stopping", type=int, default=None, metavar="PATIENCE",
                   help="stop when val_loss has not improved for PATIENCE epochs and keep the "
                        "best weights (default: off)")
    p.add_argument("--seed", type=int, default=42,
                   help="random seed of the weights, dropout and shuffling (default: 42)")
    p.add_argument("--out", default="numnet-run", metavar="FOLDER",
                   help="folder for model.keras, history.csv and loss.png, created if needed "
                        "(default: ./numnet-run)")
    p.add_argument("--verbose", type=int, choices=(0, 1, 2), default=1,
                   help="0 silent, 1 progress bar, 2 one line per epoch (default: 1)")
    p.set_defaults(run="train")


def _model_parsers(commands):
    p = commands.add_parser("evaluate", help="print the loss and metrics of a saved model",
                            description="Evaluate a saved model on the test split of a dataset "
                                        "(the split numnet train holds out).")
    p.add_argument("model", metavar="MODEL", help="model file (.keras or .h5)")
    p.add_argument("--data", choices=DATASETS, default="digits",
                   help="dataset whose test split is used (default: digits)")
    p.add_argument("--batch-size", type=int, default=32, help="batch size (default: 32)")
    p.set_defaults(run="evaluate")

    p = commands.add_parser("predict", help="predict the classes of the samples in a .npy file",
                            description="Predict with a saved model. Prints one predicted "
                                        "class per line, or saves the output probabilities "
                                        "with --output.")
    p.add_argument("model", metavar="MODEL", help="model file (.keras or .h5)")
    p.add_argument("input", metavar="INPUT.npy",
                   help="samples saved with numpy.save (read without pickle)")
    p.add_argument("--output", metavar="OUT.npy", default=None,
                   help="save the predicted probabilities here instead of printing classes")
    p.add_argument("--divide-by", type=float, default=None, metavar="NUMBER",
                   help="divide the input by NUMBER first, e.g. 255 for raw 0..255 images")
    p.set_defaults(run="predict")

    p = commands.add_parser("summary", help="print the layer table of a saved model",
                            description="Print model.summary() of a saved model.")
    p.add_argument("model", metavar="MODEL", help="model file (.keras or .h5)")
    p.set_defaults(run="summary")

    p = commands.add_parser("datasets", help="show which datasets are ready offline",
                            description="List the datasets numnet knows and the files in the "
                                        "cache ($NUMNET_HOME/datasets, default ~/.numnet).")
    p.set_defaults(run="datasets")


def build_parser():
    """The ``argparse`` parser of the ``numnet`` command and its subcommands."""
    parser = _Parser(prog="numnet",
                     description="numnet: deep learning from scratch on NumPy, behind the "
                                 "Keras API. Train the course networks and use saved models.",
                     epilog="run 'numnet COMMAND --help' for the options of a command")
    parser.add_argument("--version", action="version", version=f"numnet {numnet.__version__}")
    commands = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")
    _train_parser(commands)
    _model_parsers(commands)
    return parser


def _dispatch(args):
    if args.run == "train":
        from numnet.commands import train

        return train.run(args)
    if args.run == "datasets":
        print(numnet.datasets.format_cache_status())
        return 0
    from numnet.commands import model_file

    return getattr(model_file, args.run)(args)


def _silence_stdout():
    """Point stdout at /dev/null so that Python's exit flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _fail(message, status):
    sys.stderr.write(f"numnet: error: {message}\n")
    return status


def main(argv=None):
    """Run the ``numnet`` command with ``argv`` (default: ``sys.argv[1:]``).

    Returns:
        The exit status: 0 on success, 1 when the command failed while running, 2 for a bad
        command line (``--help`` and ``--version`` return 0).
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version or a usage error (already printed)
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    if args.command is None:
        return _fail(f"missing command; choose one of: {', '.join(COMMANDS)} "
                     "(see 'numnet --help')", 2)
    debug = bool(os.environ.get("NUMNET_DEBUG"))
    try:
        return _dispatch(args)
    except UsageError as exc:
        if debug:
            raise
        return _fail(f"{str(exc).rstrip('.')} (see 'numnet {args.command} --help')", 2)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading
        _silence_stdout()
        return 1
    except (ValueError, TypeError, OSError) as exc:
        # numnet's ValueError subclasses: DatasetError, ModelFileError, bad-input errors
        if debug:
            raise
        return _fail(str(exc) or type(exc).__name__, 1)


if __name__ == "__main__":
    sys.exit(main())
