"""``Sequential``: a plain stack of layers, each feeding the next."""
from ..layers.input_layer import InputLayer, KerasTensor
from ..layers.layer import Layer
from .model import Model


class Sequential(Model):
    """A linear stack of layers.

    Args:
        layers: a list of layers (the first may be ``numnet.Input(shape)``), a single layer, or
            None to start empty and ``add`` layers later.
        name: any string, e.g. ``'패션 MNIST 모델'`` (default ``sequential``, ``sequential_1``...).
        trainable: whether the model's weights are trained (default True).

    Example::

        model = keras.Sequential([
            keras.Input(shape=(28, 28)),
            keras.layers.Flatten(),
            keras.layers.Dense(100, activation='relu'),
            keras.layers.Dense(10, activation='softmax'),
        ])
    """

    def __init__(self, layers=None, name=None, trainable=True):
        super().__init__(name=name, trainable=trainable)
        self._layers = []
        self._input_layer = None
        self._inputs = self._outputs = None
        self._own_nodes = []
        if layers is None:
            layers = []
        elif isinstance(layers, (Layer, KerasTensor)):
            layers = [layers]
        elif not isinstance(layers, (list, tuple)):
            raise TypeError(f"Sequential argument 'layers' must be a list of layers; received "
                            f"{layers!r} of type {type(layers).__name__}.")
        for layer in layers:
            self.add(layer)

    @property
    def layers(self):
        """The layers, in order (without the input layer, as in Keras 3)."""
        return list(self._layers)

    @property
    def input_shape(self):
        """The model's input shape, batch dimension first (None until known)."""
        if self._input_layer is not None:
            return self._input_layer.batch_shape
        return self._layers[0].input_shape if self._layers and self._layers[0].built else None

    @property
    def output_shape(self):
        """The model's output shape, batch dimension first (None until built)."""
        return self._layers[-1].output_shape if self.built and self._layers else None

    def add(self, layer):
        """Append a layer (or set the input with ``numnet.Input``)."""
        if isinstance(layer, KerasTensor):
            layer = layer.source[0]
        if isinstance(layer, InputLayer):
            if self._layers or self._input_layer is not None:
                raise ValueError("Sequential.add: an Input can only be the first element of a "
                                 "Sequential model.")
            self._input_layer = layer
            return
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential.add expects a numnet layer (e.g. "
                            f"numnet.layers.Dense(10)); received {layer!r} of type "
                            f"{type(layer).__name__}.")
        names = {existing.name for existing in self._layers}
        if layer.name in names:
            raise ValueError(f"All layers added to a Sequential model should have unique names. "
                             f"Name '{layer.name}' is already the name of a layer in this model.")
        if not self._layers and self._input_layer is None and layer._batch_input_shape:
            self._input_layer = InputLayer(batch_shape=layer._batch_input_shape)
        self._layers.append(layer)
        self.built = False
        if self._input_layer is not None:
            self.build(self._input_layer.batch_shape)

    def pop(self):
        """Remove and return the last layer."""
        if not self._layers:
            raise ValueError(f"There are no layers in model '{self.name}' to pop.")
        layer = self._layers.pop()
        self._packed_ids = None
        if self._layers and self._input_layer is not None:
            self.build(self._input_layer.batch_shape)
        else:
            self.built = bool(self._layers) and all(lay.built for lay in self._layers)
            self._inputs = self._outputs = None
        return layer

    def build(self, input_shape=None):
        """Create every layer's weights for inputs of ``input_shape`` (batch dimension first)."""
        if input_shape is None:
            input_shape = self.input_shape
            if input_shape is None:
                raise ValueError(f"Model '{self.name}' cannot be built without an input shape: "
                                 f"start it with keras.Input(shape=...) or give the first layer "
                                 f"input_shape=..., or call fit/predict on data.")
        shape = (None,) + tuple(input_shape[1:])
        if self._input_layer is None or tuple(self._input_layer.batch_shape[1:]) != shape[1:]:
            self._input_layer = InputLayer(batch_shape=shape)
        self._connect()
        self.built = bool(self._layers)

    def _connect(self):
        """Call each layer on the symbolic input, so that ``layer.output`` and
        ``model.inputs`` / ``outputs`` exist (and every layer is built)."""
        for layer, node in self._own_nodes:
            if node in layer._inbound_nodes:
                layer._inbound_nodes.remove(node)
        self._own_nodes = []
        tensor = self._input_layer.output
        for layer in self._layers:
            tensor = layer(tensor)
            self._own_nodes.append((layer, layer._inbound_nodes[-1]))
        self._inputs, self._outputs = [self._input_layer.output], [tensor]

    def _forward(self, x, training):
        for layer in self._layers:
            x = layer.forward(x, training)
        return x

    def _backward(self, grad, pre_activation=False):
        layers = self._layers
        last = layers[-1]
        grad = last.backward_pre_activation(grad) if pre_activation else last.backward(grad)
        for layer in reversed(layers[:-1]):
            if grad is None:
                break
            grad = layer.backward(grad)
        return grad

    def get_config(self):
        """The Keras 3 config: ``{'name', 'trainable', 'layers': [...]}``."""
        layers = []
        if self._input_layer is not None or (self._layers and self._layers[0].built):
            shape = self.input_shape
            layers.append({"class_name": "InputLayer",
                           "config": {"batch_shape": list(shape), "dtype": "float32",
                                      "sparse": False, "name": "input_layer"}})
        for layer in self._layers:
            layers.append({"class_name": type(layer).__name__, "config": layer.get_config()})
        return {"name": self.name, "trainable": self.trainable, "layers": layers}
