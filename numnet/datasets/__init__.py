"""Datasets in the Keras layout: ``numnet.datasets.fashion_mnist.load_data()`` and friends.

- ``fashion_mnist``, ``mnist``: downloaded once into ``$NUMNET_HOME/datasets/`` (default
  ``~/.numnet``), SHA-256 verified; copies put there by hand are used offline.
- ``digits``: scikit-learn's bundled 8x8 digits, always offline.
- ``toys``: logic-gate truth tables and noisy XOR points.

``cache_status()`` lists each dataset and its cached files.
"""
from numnet.datasets import digits, fashion_mnist, mnist, toys
from numnet.datasets.cache import cache_status, format_cache_status
from numnet.datasets.download import DatasetUnavailableError
from numnet.datasets.idx import DatasetError

__all__ = [
    "DatasetError",
    "DatasetUnavailableError",
    "cache_status",
    "digits",
    "fashion_mnist",
    "format_cache_status",
    "mnist",
    "toys",
]
