"""The datasets of ``numnet train`` / ``numnet evaluate``, loaded and shaped for a network.

Images are scaled to 0..1 (``x / 255``) as the course does; the test split is always the same
(``seed=113`` for digits and XOR, the official test set for MNIST and Fashion-MNIST), so test
accuracies of different runs can be compared.
"""
import dataclasses
import math

import numpy as np

from numnet import datasets

DATASETS = ("digits", "fashion_mnist", "mnist", "xor")
DATA_SEED = 113
XOR_SAMPLES = 500
XOR_NOISE = 0.15
TEST_SPLIT = 0.2


@dataclasses.dataclass
class Dataset:
    """Training and test arrays plus what the output layer needs.

    Attributes:
        name: the dataset's name, e.g. ``'digits'``.
        x_train, y_train, x_test, y_test: float32 inputs (images scaled to 0..1) and labels.
        num_classes: the number of classes (2 for XOR).
        binary: True for a two-class problem trained with one sigmoid output (XOR).
    """

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    num_classes: int
    binary: bool = False

    @property
    def images(self):
        """True when the samples are 2-D images (``(N, H, W)``)."""
        return self.x_train.ndim == 3

    def with_channel_axis(self):
        """A copy whose images have a trailing channel axis: ``(N, H, W)`` -> ``(N, H, W, 1)``."""
        return dataclasses.replace(self, x_train=self.x_train[..., None],
                                   x_test=self.x_test[..., None])


def load_dataset(name):
    """Load dataset ``name`` (one of ``DATASETS``) as a ``Dataset``.

    Raises:
        DatasetUnavailableError: MNIST / Fashion-MNIST files are missing and cannot be
            downloaded (the message says where to put them).
        ValueError: unknown name.
    """
    if name == "digits":
        (x, y), (xt, yt) = datasets.digits.load_data(test_split=TEST_SPLIT, seed=DATA_SEED,
                                                      as_images=True)
        return Dataset(name, _scaled(x), y, _scaled(xt), yt, num_classes=10)
    if name in ("fashion_mnist", "mnist"):
        (x, y), (xt, yt) = getattr(datasets, name).load_data()
        return Dataset(name, _scaled(x), y, _scaled(xt), yt, num_classes=10)
    if name == "xor":
        x, y = datasets.toys.xor(n_samples=XOR_SAMPLES, noise=XOR_NOISE, seed=DATA_SEED)
        n_train = int(len(x) * (1 - TEST_SPLIT))
        return Dataset(name, x[:n_train], y[:n_train], x[n_train:], y[n_train:],
                       num_classes=2, binary=True)
    raise ValueError(f"Unknown dataset {name!r}. Choose one of: {', '.join(DATASETS)}.")


def _scaled(images):
    """uint8 pixels 0..255 -> float32 0..1."""
    return images.astype(np.float32) / np.float32(255.0)


def model_input_shape(model):
    """The per-sample input shape the model expects, e.g. ``(8, 8)``; None when unknown."""
    try:
        shape = model.inputs[0].shape
    except (AttributeError, IndexError, TypeError, ValueError):
        return None
    return tuple(shape[1:])


def fit_to_model(x, model):
    """Reshape ``x`` to the model's input shape when only the layout differs.

    ``(N, 8, 8)`` images become ``(N, 8, 8, 1)`` for a CNN or ``(N, 64)`` for a network
    without ``Flatten``; one sample of exactly the input shape gets a batch axis. When the
    number of values per sample differs, ``x`` is returned unchanged and the model reports
    the mismatch.
    """
    expected = model_input_shape(model)
    if expected is None or any(d is None for d in expected):
        return x
    if x.shape == expected:
        return x[None]
    if x.ndim >= 1 and x.shape[1:] != expected and \
            math.prod(x.shape[1:]) == math.prod(expected):
        return x.reshape((len(x),) + expected)
    return x
