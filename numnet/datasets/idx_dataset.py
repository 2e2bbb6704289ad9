"""Load an MNIST-style dataset: four IDX files (train/test images and labels) from the cache.

Shared by ``mnist`` and ``fashion_mnist``. Every file is validated, whether it was just
downloaded (and SHA-256 checked) or placed in the cache by hand: IDX magic numbers, the
dimensions against the file size, the image size, the label range, and that the image and
label files of each split hold the same number of samples.
"""
from numnet.datasets.download import RemoteDataset
from numnet.datasets.idx import DatasetError, read_images, read_labels

# The standard file names, in the order load_idx_dataset expects them.
MNIST_FILENAMES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)


def load_idx_dataset(source, image_shape=(28, 28), num_classes=10, expected_counts=None,
                     **fetch_kwargs):
    """Fetch and read the four IDX files of ``source`` as Keras's ``load_data`` returns them.

    Args:
        source: a ``RemoteDataset`` whose ``filenames`` are, in this order, train images, train
            labels, test images, test labels.
        image_shape: required ``(rows, cols)`` of every image (default ``(28, 28)``).
        num_classes: labels must lie in ``0 .. num_classes - 1`` (default 10).
        expected_counts: ``(n_train, n_test)`` to require, e.g. ``(60000, 10000)``, or None
            (default) to accept any counts as long as images and labels agree.
        **fetch_kwargs: passed to ``fetch`` (``timeout``, ``max_bytes``, ``progress``).
    Returns:
        ``((x_train, y_train), (x_test, y_test))``: ``uint8`` arrays of shapes
        ``(n_train, rows, cols)``, ``(n_train,)``, ``(n_test, rows, cols)``, ``(n_test,)``.
    Raises:
        DatasetUnavailableError: files missing and not downloadable.
        DatasetError: a file is damaged or inconsistent (the message names it).
    """
    if not isinstance(source, RemoteDataset) or len(source.filenames) != 4:
        raise TypeError("load_idx_dataset: source must be a RemoteDataset with 4 file names "
                        f"(train images, train labels, test images, test labels); got {source!r}.")
    paths = source.fetch(**fetch_kwargs)
    splits = []
    for split, (images_path, labels_path) in zip(("train", "test"), (paths[:2], paths[2:])):
        try:
            images = read_images(images_path, image_shape=image_shape)
            labels = read_labels(labels_path, num_classes=num_classes)
        except DatasetError as exc:
            raise DatasetError(f"{exc} Delete the damaged file so that it is downloaded again, "
                               "or replace it with a good copy.") from exc
        if len(images) != len(labels):
            raise DatasetError(
                f"{source.description or source.name} {split} split: {images_path} holds "
                f"{len(images)} images but {labels_path} holds {len(labels)} labels; they must "
                "agree. Replace the wrong file."
            )
        splits.append((images, labels))
    if expected_counts is not None:
        counts = tuple(len(y) for _, y in splits)
        if counts != tuple(expected_counts):
            raise DatasetError(
                f"{source.description or source.name}: expected {expected_counts[0]} training and "
                f"{expected_counts[1]} test samples, found {counts[0]} and {counts[1]} in "
                f"{', '.join(paths)}."
            )
    return splits[0], splits[1]
