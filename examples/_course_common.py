"""What the example scripts share: their command line, the output folder, the course data.

Every example accepts ``--out FOLDER`` (figures go there; default ``./numnet-examples``) and
``--quick`` (fewer epochs and samples, for a smoke test; also switched on by the environment
variable ``NUMNET_EXAMPLES_QUICK=1``). Figures are written with matplotlib's non-interactive
``Agg`` backend, so no window ever opens.
"""
import argparse
import os

QUICK_ENV = "NUMNET_EXAMPLES_QUICK"
DEFAULT_OUT = "numnet-examples"


def parse_args(description, argv=None, add_arguments=None):
    """Parse ``--out`` and ``--quick`` (plus what ``add_arguments(parser)`` adds).

    Returns:
        The ``argparse.Namespace``; ``quick`` is also True when ``NUMNET_EXAMPLES_QUICK`` is set
        to anything but ``''`` or ``'0'``, and ``out`` is created.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", default=DEFAULT_OUT, metavar="FOLDER",
                        help=f"folder for the figures (default: ./{DEFAULT_OUT})")
    parser.add_argument("--quick", action="store_true",
                        help=f"few epochs and samples, for a smoke test (also {QUICK_ENV}=1)")
    if add_arguments is not None:
        add_arguments(parser)
    args = parser.parse_args(argv)
    args.quick = args.quick or os.environ.get(QUICK_ENV, "") not in ("", "0")
    os.makedirs(args.out, exist_ok=True)
    use_agg()
    return args


def use_agg():
    """Draw into files only: switch matplotlib to ``Agg`` unless pyplot is already in use."""
    import sys

    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")


def save(fig, out, filename):
    """Save ``fig`` as ``out/filename``, close it, print and return the path."""
    import matplotlib.pyplot as plt

    path = os.path.join(out, filename)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    print(f"saved {path}")
    return path


def close(fig):
    """Close a figure that a ``numnet.plot`` function already saved."""
    import matplotlib.pyplot as plt

    plt.close(fig)


def fashion_mnist_ready():
    """True when the four Fashion-MNIST files are in the cache (no download needed)."""
    import numnet

    for entry in numnet.datasets.cache_status():
        if entry["name"] == "fashion_mnist":
            return entry["complete"]
    return False


def load_course_images(choice="auto", quick=False, quick_samples=1500):
    """The chapter-7 data: Fashion-MNIST when it is there, otherwise the bundled digits.

    Args:
        choice: ``'auto'`` (Fashion-MNIST if its files are in the cache, else digits, with a
            message saying where the files go), ``'fashion_mnist'`` (load it, downloading if
            needed) or ``'digits'``.
        quick: keep only ``quick_samples`` training samples (and as many test samples / 4).
    Returns:
        ``(name, (train_input, train_target), (test_input, test_target))`` with the images as
        ``uint8`` arrays ``(N, H, W)``, like ``keras.datasets.fashion_mnist.load_data()``.
    """
    import numnet

    name = choice
    if choice == "auto":
        if fashion_mnist_ready():
            name = "fashion_mnist"
        else:
            folder = os.path.join(numnet.datasets.download.numnet_home(), "datasets",
                                  "fashion_mnist")
            print("Fashion-MNIST is not in the dataset cache. To use it, run "
                  "numnet.datasets.fashion_mnist.load_data() once with a network connection, "
                  f"or put the four files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
                  f"t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz) into {folder}"
                  f"{os.sep} (see 'numnet datasets'). Using the bundled 8x8 digits instead.")
            name = "digits"
    if name == "fashion_mnist":
        (x, y), (xt, yt) = numnet.datasets.fashion_mnist.load_data()
    else:
        (x, y), (xt, yt) = numnet.datasets.digits.load_data()
    if quick:
        x, y = x[:quick_samples], y[:quick_samples]
        xt, yt = xt[:max(quick_samples // 4, 1)], yt[:max(quick_samples // 4, 1)]
    print(f"data: {name}, {len(x)} training and {len(xt)} test images of {x.shape[1]}x"
          f"{x.shape[2]} pixels")
    return name, (x, y), (xt, yt)


def add_data_argument(parser):
    """``--data auto|fashion_mnist|digits`` for the chapter examples."""
    parser.add_argument("--data", choices=("auto", "fashion_mnist", "digits"), default="auto",
                        help="auto (default): Fashion-MNIST when its files are in the cache, "
                             "otherwise the bundled digits")

