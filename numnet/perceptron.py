"""Rosenblatt's perceptron: one neuron with a step function, trained by the perceptron rule.

The first chapter of the course: a perceptron computes ``z = w · x + b`` and outputs
``step(z) = 1 if z > 0 else 0``. It learns from its mistakes, one sample at a time::

    y_hat = step(w · x + b)
    w <- w + learning_rate * (y - y_hat) * x
    b <- b + learning_rate * (y - y_hat)

A correct prediction (``y == y_hat``) changes nothing. When the two classes can be split by a
straight line (AND, OR, NAND) the rule reaches zero errors in a finite number of epochs
(Rosenblatt's convergence theorem); for XOR no such line exists, so the errors never reach
zero, which is why multi-layer networks and backpropagation were needed.

Example::

    from numnet.perceptron import Perceptron
    from numnet.datasets import toys

    x, y = toys.logic_gate('and')
    p = Perceptron(learning_rate=0.1, epochs=10, seed=0).fit(x, y)
    p.predict(x)     # array([0, 0, 0, 1])
    p.errors_        # mistakes per epoch, e.g. [2, 3, 3, 2, 1, 0]
"""
import numbers

import numpy as np

from numnet import config


class Perceptron:
    """A single-layer perceptron for two classes labelled 0 and 1.

    Args:
        learning_rate: the step size ``eta`` of the perceptron rule, a finite number > 0
            (default 0.1).
        epochs: the most passes over the training data, a positive integer (default 10).
            Training stops earlier, after the first epoch without a mistake.
        seed: integer seed of the small random initial weights (normal, standard deviation
            0.01), or None (default) to draw them from numnet's global generator
            (``numnet.utils.set_random_seed``).
        max_iter: scikit-learn's name for ``epochs``; when given it replaces ``epochs``.

    Attributes (after ``fit``):
        weights: float64 array of shape ``(n_features,)``, the ``w`` of ``w · x + b``.
        bias: float, the ``b``.
        errors_: list with the number of misclassified samples (updates) in each epoch.
        n_iter_: the number of epochs run.
        converged_: True when the last epoch made no mistake.
    """

    def __init__(self, learning_rate=0.1, epochs=10, seed=None, max_iter=None):
        if max_iter is not None:
            epochs = max_iter
        if isinstance(learning_rate, bool) or not isinstance(learning_rate, numbers.Real) \
                or not np.isfinite(learning_rate) or learning_rate <= 0:
            raise ValueError("Perceptron: learning_rate must be a finite number > 0; "
                             f"received {learning_rate!r}.")
        if isinstance(epochs, bool) or not isinstance(epochs, numbers.Integral) or epochs < 1:
            raise ValueError(f"Perceptron: epochs (max_iter) must be a positive integer; "
                             f"received {epochs!r}.")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)
                                 or seed < 0):
            raise ValueError(f"Perceptron: seed must be None or a non-negative integer; "
                             f"received {seed!r}.")
        self.learning_rate = float(learning_rate)
        self.epochs = int(epochs)
        self.seed = seed
        self.weights = None
        self.bias = None
        self.errors_ = []
        self.n_iter_ = 0
        self.converged_ = False

    @property
    def max_iter(self):
        """scikit-learn's name for ``epochs``."""
        return self.epochs

    # ------------------------------------------------------------------------------ training
    def fit(self, x, y):
        """Train with the perceptron rule, one sample at a time, in the order given.

        Args:
            x: array-like of shape ``(n_samples, n_features)``, finite numbers.
            y: array-like of shape ``(n_samples,)`` holding only 0 and 1 (booleans work too).
        Returns:
            ``self``, so that ``Perceptron().fit(x, y).predict(x)`` works.
        """
        x = _as_matrix(x, "fit", "x")
        y = _as_labels(y, len(x))
        rng = config.rng() if self.seed is None else np.random.default_rng(int(self.seed))
        self.weights = rng.normal(0.0, 0.01, size=x.shape[1])
        self.bias = 0.0
        self.errors_ = []
        self.converged_ = False
        for _ in range(self.epochs):
            errors = 0
            for xi, target in zip(x, y):
                # update = eta * (y - y_hat); zero when the prediction is right
                update = self.learning_rate * (target - self._step(xi @ self.weights + self.bias))
                if update != 0.0:
                    self.weights += update * xi        # w <- w + eta (y - y_hat) x
                    self.bias += update                # b <- b + eta (y - y_hat)
                    errors += 1
            self.errors_.append(errors)
            if errors == 0:
                self.converged_ = True
                break
        self.n_iter_ = len(self.errors_)
        return self

    # ----------------------------------------------------------------------------- inference
    def net_input(self, x):
        """The weighted sum ``z = x · w + b`` of each sample, shape ``(n_samples,)``."""
        self._check_fitted("net_input")
        x = _as_matrix(x, "net_input", "x", n_features=len(self.weights))
        return x @ self.weights + self.bias

    def predict(self, x):
        """The class of each sample, ``step(x · w + b)``: an int array of 0s and 1s.

        Args:
            x: array-like of shape ``(n_samples, n_features)``, or one sample of shape
                ``(n_features,)`` (then an array of one prediction is returned).
        """
        return self._step(self.net_input(x)).astype(np.int64)

    def score(self, x, y):
        """The accuracy of ``predict(x)`` against the 0/1 labels ``y`` (a float in 0..1)."""
        predictions = self.predict(x)
        y = _as_labels(y, len(predictions))
        return float(np.mean(predictions == y))

    @staticmethod
    def _step(z):
        """The step (Heaviside) function: 1 where ``z > 0``, else 0."""
        return np.where(np.asarray(z) > 0, 1.0, 0.0)

    def _check_fitted(self, method):
        if self.weights is None:
            raise ValueError(f"Perceptron.{method}: this perceptron is not trained yet; call "
                             "fit(x, y) first.")

    def __repr__(self):
        return (f"Perceptron(learning_rate={self.learning_rate}, epochs={self.epochs}, "
                f"seed={self.seed})")


def _as_matrix(x, method, argument, n_features=None):
    """``x`` as a finite float64 matrix ``(n_samples, n_features)``, or a clear error."""
    try:
        array = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"Perceptron.{method}: {argument} must be numbers (a list or NumPy "
                        f"array); could not convert it: {exc}.") from None
    if array.ndim == 1 and n_features is not None:
        array = array.reshape(1, -1)
    if array.ndim != 2:
        raise ValueError(f"Perceptron.{method}: {argument} must be 2-D (n_samples, n_features); "
                         f"received shape {array.shape}.")
    if array.shape[0] == 0 or array.shape[1] == 0:
        raise ValueError(f"Perceptron.{method}: {argument} is empty (shape {array.shape}).")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"Perceptron.{method}: {argument} contains NaN or infinity.")
    if n_features is not None and array.shape[1] != n_features:
        raise ValueError(f"Perceptron.{method}: {argument} has {array.shape[1]} features per "
                         f"sample but the perceptron was trained on {n_features}.")
    return array


def _as_labels(y, n_samples):
    """``y`` as a float64 vector of 0s and 1s with ``n_samples`` entries, or a clear error."""
    try:
        labels = np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"Perceptron: y must be numbers 0 and 1; could not convert it: "
                        f"{exc}.") from None
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if labels.ndim != 1:
        raise ValueError(f"Perceptron: y must be 1-D (n_samples,); received shape "
                         f"{labels.shape}.")
    if len(labels) != n_samples:
        raise ValueError(f"Perceptron: x has {n_samples} samples but y has {len(labels)}; "
                         "they must match.")
    bad = np.unique(labels[(labels != 0) & (labels != 1)])
    if bad.size:
        shown = ", ".join(f"{v:g}" for v in bad[:5])
        raise ValueError(f"Perceptron: y must hold only 0 and 1 (the step function's outputs); "
                         f"received {shown}. Map your two classes to 0 and 1 first, e.g. "
                         "y = (y == positive_class).astype(int).")
    return labels
