"""The functional API: ``Model(inputs, outputs)`` over a graph of layer calls.

``inputs`` are ``numnet.Input`` tensors; ``outputs`` are the symbolic tensors that calling
layers on them produced. The graph is walked once, in topological order: forward computes each
tensor from its inputs; backward walks the same order in reverse, summing the gradients of
tensors that feed several layers (``dL/dx = Σ over uses``).
"""
from ..layers.input_layer import InputLayer, KerasTensor
from .model import Model


def _as_list(value):
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _inbound_list(tensor):
    inbound = tensor.source[1]
    return [] if inbound is None else _as_list(inbound)


def topological_tensors(outputs):
    """All tensors that ``outputs`` depend on, each after the tensors it is computed from."""
    order, seen = [], set()
    stack = [(t, False) for t in reversed(outputs)]
    while stack:
        tensor, expanded = stack.pop()
        if expanded:
            order.append(tensor)
            continue
        if id(tensor) in seen:
            continue
        seen.add(id(tensor))
        stack.append((tensor, True))
        for parent in reversed(_inbound_list(tensor)):
            if id(parent) not in seen:
                stack.append((parent, False))
    return order


class Functional(Model):
    """A model defined by its input and output tensors (``numnet.Model(inputs, outputs)``).

    Args:
        inputs: a ``numnet.Input`` tensor, or a list (or dict) of them.
        outputs: the tensor(s) produced by calling layers on ``inputs``.
        name: the model's name (default ``functional``, ``functional_1``, ...).
        trainable: whether its weights are trained (default True).

    Example (a feature-map model from a trained CNN)::

        conv_acti = keras.Model(model.inputs, model.layers[0].output)
    """

    def __init__(self, inputs, outputs, name=None, trainable=True):
        super().__init__(name=name, trainable=trainable)
        self._single_input = not isinstance(inputs, (list, tuple, dict))
        self._single_output = not isinstance(outputs, (list, tuple, dict))
        inputs = list(inputs.values()) if isinstance(inputs, dict) else _as_list(inputs)
        outputs = list(outputs.values()) if isinstance(outputs, dict) else _as_list(outputs)
        for argument, tensors in (("inputs", inputs), ("outputs", outputs)):
            for tensor in tensors:
                if not isinstance(tensor, KerasTensor):
                    raise TypeError(f"Model argument '{argument}' must hold symbolic tensors "
                                    f"made by numnet.Input and layer calls; received "
                                    f"{tensor!r} of type {type(tensor).__name__}.")
        for tensor in inputs:
            if _inbound_list(tensor):
                raise ValueError(f"Model argument 'inputs' must be tensors made by "
                                 f"numnet.Input(); '{tensor.name}' is the output of layer "
                                 f"'{tensor.source[0].name}'.")
        self._inputs, self._outputs = inputs, outputs
        self._tensors = topological_tensors(outputs)
        input_ids = {id(t) for t in inputs}
        for tensor in self._tensors:
            if tensor.source[1] is None and id(tensor) not in input_ids:
                raise ValueError(
                    f"Graph disconnected: the outputs depend on input '{tensor.name}' "
                    f"(shape {tensor.shape}), which is not in the model's inputs "
                    f"{[t.name for t in inputs]}.")
        self._layers = []
        seen = set()
        for tensor in inputs + self._tensors:
            layer = tensor.source[0]
            if id(layer) in seen:
                if not isinstance(layer, InputLayer):
                    raise NotImplementedError(
                        f"Layer '{layer.name}' is called more than once in this model; numnet "
                        f"does not support shared layers yet. Create a second layer instead.")
                continue
            seen.add(id(layer))
            self._layers.append(layer)
        self.built = True

    # --------------------------------------------------------------- structure
    @property
    def layers(self):
        """Every layer in the graph, input layers first, in the order they are computed."""
        return list(self._layers)

    @property
    def input_shape(self):
        shapes = [t.shape for t in self._inputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shape(self):
        shapes = [t.shape for t in self._outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    def build(self, input_shape=None):
        """A functional model is built when it is created; nothing to do."""
        self.built = True

    def _input_names(self):
        return [t.name for t in self._inputs]

    def _input_shapes(self):
        return [t.shape for t in self._inputs]

    def _first_layer_name(self, position):
        return self._inputs[position].name

    def _output_layer(self):
        return self._outputs[0].source[0] if len(self._outputs) == 1 else None

    def _mark_input_gradients(self):
        """A layer needs dL/dx only when a trainable layer lies upstream of it."""
        upstream = {}
        for tensor in self._tensors:
            layer = tensor.source[0]
            parents = _inbound_list(tensor)
            needs = any(upstream.get(id(p), False) for p in parents)
            layer.needs_input_gradient = needs
            upstream[id(tensor)] = needs or bool(layer.trainable_weights)

    # --------------------------------------------------------------- passes
    def _forward(self, x, training):
        values = {id(t): v for t, v in zip(self._inputs, _as_list(x))}
        for tensor in self._tensors:
            layer, inbound = tensor.source
            if inbound is None:
                continue
            args = [values[id(t)] for t in inbound] if isinstance(inbound, list) \
                else values[id(inbound)]
            values[id(tensor)] = layer.forward(args, training)
        outputs = [values[id(t)] for t in self._outputs]
        return outputs[0] if len(outputs) == 1 else outputs

    def _backward(self, grad, pre_activation=False):
        grads = {id(t): g for t, g in zip(self._outputs, _as_list(grad))}
        last = self._outputs[0]
        for tensor in reversed(self._tensors):
            layer, inbound = tensor.source
            g = grads.pop(id(tensor), None)
            if inbound is None or g is None:
                continue
            if pre_activation and tensor is last:
                grad_in = layer.backward_pre_activation(g)
            else:
                grad_in = layer.backward(g)
            if grad_in is None:
                continue
            for parent, g_parent in zip(_as_list(inbound), _as_list(grad_in)):
                if g_parent is None:
                    continue
                # dL/dx sums over every layer that reads x
                grads[id(parent)] = grads[id(parent)] + g_parent if id(parent) in grads \
                    else g_parent
        return None

    # --------------------------------------------------------------- config
    def get_config(self):
        """The Keras 3 functional config: layers with their inbound nodes, input and output
        layer references."""
        node_index = {}
        for layer in self._layers:
            for i, (_, out) in enumerate(layer._inbound_nodes):
                node_index[id(out)] = i

        def ref(tensor):
            return [tensor.source[0].name, node_index.get(id(tensor), 0), 0]

        layer_configs = []
        for layer in self._layers:
            own = [t for t in self._tensors if t.source[0] is layer and t.source[1] is not None]
            nodes = []
            for tensor in own:
                args = [_keras_history(t, ref) for t in _inbound_list(tensor)]
                nodes.append({"args": [args] if isinstance(tensor.source[1], list) else args,
                              "kwargs": {}})
            layer_configs.append({"class_name": type(layer).__name__, "config": layer.get_config(),
                                  "name": layer.name, "inbound_nodes": nodes})
        inputs = [ref(t) for t in self._inputs]
        outputs = [ref(t) for t in self._outputs]
        return {"name": self.name, "trainable": self.trainable, "layers": layer_configs,
                "input_layers": inputs[0] if self._single_input else inputs,
                "output_layers": outputs[0] if self._single_output else outputs}


def _keras_history(tensor, ref):
    return {"class_name": "__keras_tensor__",
            "config": {"shape": list(tensor.shape), "dtype": tensor.dtype,
                       "keras_history": ref(tensor)}}
