"""MNIST: 70,000 28x28 grayscale images of handwritten digits 0-9 (LeCun, Cortes, Burges).

``load_data()`` returns what ``keras.datasets.mnist.load_data()`` returns. numnet reads the four
original gzip IDX files from ``$NUMNET_HOME/datasets/mnist/`` (default ``~/.numnet``) and
downloads missing ones from the mirrors below, checking the SHA-256 digests of the original
files.
"""
from numnet.datasets.download import RemoteDataset
from numnet.datasets.idx_dataset import MNIST_FILENAMES, load_idx_dataset

SOURCE = RemoteDataset(
    name="mnist",
    description="MNIST",
    filenames=MNIST_FILENAMES,
    mirrors=(
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ),
    sha256={
        "train-images-idx3-ubyte.gz":
            "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        "train-labels-idx1-ubyte.gz":
            "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        "t10k-images-idx3-ubyte.gz":
            "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        "t10k-labels-idx1-ubyte.gz":
            "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
    },
)


def load_data():
    """Load MNIST, downloading it on first use.

    Returns:
        ``((x_train, y_train), (x_test, y_test))``, all ``uint8``: ``x_train`` (60000, 28, 28),
        ``y_train`` (60000,) with digits 0-9, ``x_test`` (10000, 28, 28), ``y_test`` (10000,).
    Raises:
        DatasetUnavailableError: offline and the files are not in the cache; the message says
            which files to put where and where to download them.
        DatasetError: a cached file is damaged (the message names it).
    """
    return load_idx_dataset(SOURCE)
