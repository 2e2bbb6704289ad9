"""Fashion-MNIST: 70,000 28x28 grayscale images of clothing in 10 classes (Zalando, MIT licence).

``load_data()`` behaves like ``keras.datasets.fashion_mnist.load_data()``. The four gzip IDX
files are looked up in ``$NUMNET_HOME/datasets/fashion_mnist/`` (default ``~/.numnet``) and
downloaded from the mirrors below when missing; downloads are checked against the SHA-256
digests of the published files (the same digests Keras checks).
"""
from numnet.datasets.download import RemoteDataset
from numnet.datasets.idx_dataset import MNIST_FILENAMES, load_idx_dataset

CLASS_NAMES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")

SOURCE = RemoteDataset(
    name="fashion_mnist",
    description="Fashion-MNIST",
    filenames=MNIST_FILENAMES,
    mirrors=(
        "https://storage.googleapis.com/tensorflow/tf-keras-datasets/",
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        "https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/",
    ),
    sha256={
        "train-images-idx3-ubyte.gz":
            "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
        "train-labels-idx1-ubyte.gz":
            "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
        "t10k-images-idx3-ubyte.gz":
            "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
        "t10k-labels-idx1-ubyte.gz":
            "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
    },
)


def load_data():
    """Load Fashion-MNIST, downloading it on first use.

    Labels: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt,
    7 Sneaker, 8 Bag, 9 Ankle boot (also in ``CLASS_NAMES``).

    Returns:
        ``((x_train, y_train), (x_test, y_test))``, all ``uint8``: ``x_train`` (60000, 28, 28),
        ``y_train`` (60000,), ``x_test`` (10000, 28, 28), ``y_test`` (10000,).
    Raises:
        DatasetUnavailableError: offline and the files are not in the cache; the message says
            which files to put where and where to download them.
        DatasetError: a cached file is damaged (the message names it).
    """
    return load_idx_dataset(SOURCE)
