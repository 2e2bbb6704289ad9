"""Handwritten digits, 8x8 pixels: a small offline stand-in for MNIST.

The 1,797 images come bundled with scikit-learn (``sklearn.datasets.load_digits``, the UCI
optical recognition of handwritten digits test set), so nothing is downloaded. Pixel values
0..16 are multiplied by 16 and clipped to 255, so the usual ``x / 255.0`` of MNIST code works.
"""
import numbers

import numpy as np


def load_data(test_split=0.2, seed=113, as_images=True):
    """Load the scikit-learn digits, split into a training and a test set.

    The split is deterministic: the samples are shuffled with ``numpy.random.RandomState(seed)``
    (whose stream never changes between NumPy versions) and the last ``test_split`` fraction is
    the test set, like Keras's small datasets (``boston_housing``) do.

    Args:
        test_split: fraction of the 1,797 samples kept for testing, ``0 <= test_split < 1``
            (default 0.2: 1,437 training and 360 test samples).
        seed: integer seed of the shuffle (default 113, Keras's default).
        as_images: True (default) for images of shape ``(N, 8, 8)``; False for flat vectors
            of shape ``(N, 64)``.
    Returns:
        ``((x_train, y_train), (x_test, y_test))``: ``x`` ``uint8`` in 0..255 of shape
        ``(N, 8, 8)`` or ``(N, 64)``, ``y`` ``uint8`` digits 0..9 of shape ``(N,)``.
    """
    if isinstance(test_split, bool) or not isinstance(test_split, numbers.Real) \
            or not 0 <= test_split < 1:
        raise ValueError(f"load_data: test_split must be a number with 0 <= test_split < 1; "
                         f"received {test_split!r}.")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or not 0 <= seed < 2**32:
        raise ValueError(f"load_data: seed must be an integer in 0..2**32-1; received {seed!r}.")
    if not isinstance(as_images, (bool, np.bool_)):
        raise TypeError(f"load_data: as_images must be True or False; received {as_images!r}.")
    from sklearn.datasets import load_digits  # bundled data file: works offline

    digits = load_digits()
    x = np.clip(digits.data * 16, 0, 255).astype(np.uint8)
    y = digits.target.astype(np.uint8)
    if as_images:
        x = x.reshape(-1, 8, 8)
    indices = np.arange(len(x))
    np.random.RandomState(int(seed)).shuffle(indices)
    x, y = x[indices], y[indices]
    n_train = int(len(x) * (1 - test_split))
    return (x[:n_train], y[:n_train]), (x[n_train:], y[n_train:])
