"""Layers that merge several inputs (functional API): Concatenate, Add, Subtract, Multiply,
Average, Maximum, Minimum."""
import numpy as np

from .layer import Layer


class _Merge(Layer):
    """Base of merging layers: ``forward`` takes a list of arrays of the same shape."""

    def build(self, input_shape):
        if not isinstance(input_shape, list) or len(input_shape) < 2:
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) must be called on a "
                             f"list of at least 2 inputs; received shape {input_shape}.")
        self._check_shapes(input_shape)
        self.built = True

    def _check_shapes(self, shapes):
        first = tuple(shapes[0][1:])
        for shape in shapes[1:]:
            if tuple(shape[1:]) != first:
                raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) needs inputs of "
                                 f"the same shape; received {shapes}.")

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[0])


class Add(_Merge):
    """``y = x1 + x2 + ...`` (inputs of the same shape)."""

    def forward(self, x, training=False):
        self._count = len(x)
        return np.sum(x, axis=0)

    def backward(self, grad_y):
        # dL/dx_i = dL/dy for every input
        return [grad_y] * self._count


class Subtract(_Merge):
    """``y = x1 - x2`` (exactly two inputs of the same shape)."""

    def build(self, input_shape):
        super().build(input_shape)
        if len(input_shape) != 2:
            raise ValueError(f"Subtract layer '{self.name}' takes exactly 2 inputs; received "
                             f"{len(input_shape)}.")

    def forward(self, x, training=False):
        return x[0] - x[1]

    def backward(self, grad_y):
        # dL/dx1 = dL/dy, dL/dx2 = -dL/dy
        return [grad_y, -grad_y]


class Multiply(_Merge):
    """``y = x1 * x2 * ...`` elementwise."""

    def forward(self, x, training=False):
        self._x = x
        return np.prod(x, axis=0)

    def backward(self, grad_y):
        # dL/dx_i = dL/dy * prod of the other inputs
        grads = []
        for i in range(len(self._x)):
            others = [a for j, a in enumerate(self._x) if j != i]
            grads.append(grad_y * np.prod(others, axis=0))
        return grads


class Average(_Merge):
    """``y = (x1 + ... + xn) / n``."""

    def forward(self, x, training=False):
        self._count = len(x)
        return np.mean(x, axis=0)

    def backward(self, grad_y):
        # dL/dx_i = dL/dy / n
        share = grad_y / self._count
        return [share] * self._count


class Maximum(_Merge):
    """Elementwise maximum of the inputs."""

    _pick = staticmethod(np.argmax)

    def forward(self, x, training=False):
        stacked = np.stack(x)
        self._winner = self._pick(stacked, axis=0)
        self._count = len(x)
        return np.take_along_axis(stacked, self._winner[None], axis=0)[0]

    def backward(self, grad_y):
        # dL/dx_i = dL/dy where x_i was chosen, 0 elsewhere
        return [np.where(self._winner == i, grad_y, 0).astype(grad_y.dtype)
                for i in range(self._count)]


class Minimum(Maximum):
    """Elementwise minimum of the inputs."""

    _pick = staticmethod(np.argmin)


class Concatenate(_Merge):
    """Join the inputs along ``axis`` (default -1, the features).

    Args:
        axis: the axis to join along (default -1); the other dimensions must agree.
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = int(axis)

    def _check_shapes(self, shapes):
        rank = len(shapes[0])
        axis = self.axis % rank
        for shape in shapes:
            if len(shape) != rank or any(a != b for i, (a, b) in enumerate(zip(shape, shapes[0]))
                                         if i not in (0, axis)):
                raise ValueError(f"Concatenate layer '{self.name}' needs inputs whose shapes "
                                 f"match except on axis {self.axis}; received {shapes}.")

    def compute_output_shape(self, input_shape):
        axis = self.axis % len(input_shape[0])
        shape = list(input_shape[0])
        sizes = [s[axis] for s in input_shape]
        shape[axis] = None if None in sizes else sum(sizes)
        return tuple(shape)

    def forward(self, x, training=False):
        self._sizes = [a.shape[self.axis] for a in x]
        return np.concatenate(x, axis=self.axis)

    def backward(self, grad_y):
        # dL/dx_i is the slice of dL/dy that x_i filled
        cuts = np.cumsum(self._sizes)[:-1]
        return np.split(grad_y, cuts, axis=self.axis)

    def get_config(self):
        cfg = super().get_config()
        cfg["axis"] = self.axis
        return cfg
