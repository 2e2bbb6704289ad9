"""How many threads the BLAS library (NumPy's matrix products) may use during fit/predict.

A training step of a small model is a handful of small matrix products, e.g. a batch of 32
images through ``Dense(100)``: ``(32, 784) @ (784, 100)``, about 60 µs on one core. Splitting
such a product over two threads saves little even on an idle machine, and on a busy one (a
browser, a test run, another training) OpenBLAS's spinning worker threads wait for a core and
the same product takes 5-50 times longer. So while numnet trains or predicts it lets the BLAS
library use one thread for small products, and its usual threads for big ones, where they pay
off on an idle machine (on the benchmark's 2 idle cores, two threads train the course MLP
10% faster at batch 128, 40% faster at batch 512 and 20% slower at batch 32).

The choice depends only on the model and the batch size, never on the machine's load, so the
same seed still gives the same weights; small models give the same weights on any number of
cores.

The limit uses ``threadpoolctl`` (installed with scikit-learn); without it nothing changes.
"""
import contextlib

# A step whose largest matrix product needs fewer multiply-adds than this runs on one BLAS
# thread: (32, 784) @ (784, 100) is 2.5 million; (128, 784) @ (784, 100) 10 million and a
# 3x3 Conv2D(64) on 14x14x32 images, batch 32, 115 million keep the BLAS library's threads.
THREADED_MACS = 8_000_000

# OpenBLAS itself uses one thread for products below this many multiply-adds.
SINGLE_THREADED_MACS = 262_144

_controller = None


def _get_controller():
    global _controller
    if _controller is None:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
            _controller = False
        else:
            _controller = ThreadpoolController()
    return _controller


def blas_threads(limit):
    """A context manager that limits the BLAS library to ``limit`` threads (None: unchanged)."""
    controller = _get_controller() if limit is not None else None
    if not controller:
        return contextlib.nullcontext()
    return controller.limit(limits=limit, user_api="blas")


def thread_limit(model, batch_size):
    """1 when the model's largest matrix product for ``batch_size`` samples is small, else None
    (None too when it is so small that the BLAS library uses one thread anyway).

    A layer with a ``kernel`` (Dense, Conv) multiplies ``kernel.size`` weights at each output
    position: ``in * units`` per sample for Dense, ``kh * kw * in * filters * H * W`` for Conv2D.
    """
    largest = 0
    for layer in _all_layers(model):
        kernel = getattr(layer, "kernel", None)
        shape = getattr(layer, "output_shape", None)
        if kernel is None or not isinstance(shape, tuple) or None in shape[1:]:
            continue
        positions = 1
        for d in shape[1:-1]:
            positions *= d
        largest = max(largest, kernel.size * positions)
    work = largest * batch_size
    if work < SINGLE_THREADED_MACS or work >= THREADED_MACS:
        return None
    return 1


def _all_layers(model):
    for layer in model.layers:
        if hasattr(layer, "layers"):
            yield from _all_layers(layer)
        else:
            yield layer
