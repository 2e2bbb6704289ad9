"""GradientNormRecorder: per-batch mean |dL/dW| per layer, averaged per epoch."""
import types

import numpy as np
import pytest

from numnet.callbacks.callback import Callback
from numnet.callbacks.gradient_norms import GradientNormRecorder
from numnet.layers.variable import Variable


def _layer(name, *variables):
    return types.SimpleNamespace(name=name, trainable_weights=list(variables))


def _var(name, grad):
    v = Variable(np.zeros_like(np.asarray(grad, dtype=np.float32)), name)
    v.grad[...] = grad
    return v


def test_records_kernel_gradients_per_batch_and_epoch():
    kernel = _var("kernel", [[1.0, -3.0]])
    bias = _var("bias", [100.0, 100.0])
    model = types.SimpleNamespace(layers=[_layer("dense", kernel, bias), _layer("flatten")])
    rec = GradientNormRecorder()
    assert isinstance(rec, Callback)
    rec.set_model(model)
    for epoch, values in enumerate([([[1.0, -3.0]], [[2.0, 2.0]]), ([[0.0, -1.0]],)]):
        rec.on_epoch_begin(epoch)
        for batch, grad in enumerate(values):
            kernel.grad[...] = grad
            rec.on_train_batch_end(batch, {})
        rec.on_epoch_end(epoch, {})
    assert rec.batch_norms == {"dense": [2.0, 2.0, 0.5]}
    assert rec.norms == {"dense": [2.0, 0.5]}


def test_all_weights_mode_and_bad_argument():
    layer = _layer("dense", _var("kernel", [[1.0, 1.0]]), _var("bias", [4.0]))
    rec = GradientNormRecorder(weights="all")
    rec.set_model(types.SimpleNamespace(layers=[layer]))
    rec.on_epoch_begin(0)
    rec.on_train_batch_end(0)
    rec.on_epoch_end(0)
    assert rec.norms == {"dense": [2.0]}
    with pytest.raises(ValueError, match="weights must be one of kernel, all"):
        GradientNormRecorder(weights="bias")


def test_records_during_fit():
    import numnet as keras
    from numnet.datasets import toys

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(4, activation="sigmoid"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    x, y = toys.xor(64, seed=0)
    rec = GradientNormRecorder()
    model.fit(x, y, epochs=2, batch_size=16, verbose=0, callbacks=[rec])
    names = [layer.name for layer in model.layers]
    assert list(rec.norms) == names
    assert all(len(v) == 2 and all(g > 0 for g in v) for v in rec.norms.values())
    assert all(len(v) == 8 for v in rec.batch_norms.values())
