"""``check_gradients``: compare backprop with central differences, weight by weight.

The tool a learner uses to see that backpropagation is right::

    report = numnet.debugging.check_gradients(model, x[:16], y[:16])
    # dense/kernel      max relative error 3.1e-09   ok
"""
import numpy as np

from . import config


def _rng_states(model):
    states = [("global", config.rng().bit_generator.state)]
    for layer in model.layers:
        own = getattr(layer, "_rng", None)
        if own is not None:
            states.append((layer, own.bit_generator.state))
    return states


def _restore(states):
    for owner, state in states:
        generator = config.rng() if owner == "global" else owner._rng
        generator.bit_generator.state = state


def check_gradients(model, x, y, epsilon=1e-6, max_checks=64, seed=0, verbose=True,
                    tolerance=1e-5):
    """Check every trainable weight's backprop gradient against central differences.

    Runs in float64 on copies of the weights (the model is left exactly as it was). Dropout
    draws the same mask for every evaluation, so training-mode layers are checked too.

    Args:
        model: a compiled, built model (its loss is used, with regularization penalties).
        x: a small input batch, e.g. 8-32 samples.
        y: its targets.
        epsilon: the step of ``(L(w + eps) - L(w - eps)) / (2 eps)`` (default 1e-6).
        max_checks: at most this many entries per weight, chosen at random (default 64).
        seed: seed for choosing entries (default 0).
        verbose: print one line per weight (default True).
        tolerance: the relative error printed as 'ok' below it (default 1e-5).
    Returns:
        dict ``weight path -> worst relative error`` where relative error is
        ``|analytic - numeric| / max(|analytic| + |numeric|, 1e-4)`` (the floor keeps
        round-off on gradients that are almost zero from looking like an error).
    """
    model._check_compiled("check_gradients")
    x, y = model._prepare_xy(x, y)
    model._pack_weights()
    x = [a.astype(np.float64) for a in x] if isinstance(x, list) else x.astype(np.float64)
    weights = model.trainable_weights
    saved = [(v, v.value, v.grad) for v in weights]
    states = _rng_states(model)
    fused = model._uses_fused_gradient()
    picker = np.random.default_rng(seed)
    report = {}
    try:
        for v in weights:
            v.value = v.value.astype(np.float64)
            v.grad = np.zeros_like(v.value)

        def loss_at():
            _restore(states)
            y_pred = model._forward(x, training=True)
            penalty = sum(float(w.regularizer(w.value)) for w in weights if w.regularizer)
            return float(model._loss_fn(y, y_pred)) + penalty

        model._fused = fused
        _restore(states)
        model._compute_gradients(x, y)
        analytic = [v.grad.copy() for v in weights]
        for v, grad in zip(weights, analytic):
            flat = v.value.reshape(-1)
            count = min(max_checks, flat.size)
            entries = picker.choice(flat.size, size=count, replace=False)
            worst = 0.0
            for i in entries:
                original = flat[i]
                flat[i] = original + epsilon
                plus = loss_at()
                flat[i] = original - epsilon
                minus = loss_at()
                flat[i] = original
                numeric = (plus - minus) / (2 * epsilon)
                exact = grad.reshape(-1)[i]
                error = abs(exact - numeric) / max(abs(exact) + abs(numeric), 1e-4)
                worst = max(worst, error)
            report[v.path] = worst
    finally:
        for v, value, grad in saved:
            v.value, v.grad = value, grad
        _restore(states)
    if verbose:
        width = max((len(k) for k in report), default=10)
        for path, error in report.items():
            verdict = "ok" if error < tolerance else "CHECK THIS"
            print(f"{path:<{width}}  max relative error {error:.2e}  {verdict}")
    return report


def numerical_gradient(f, x, epsilon=1e-6):
    """Central-difference gradient of the scalar function ``f`` at the array ``x``.

    ``df/dx[i] ≈ (f(x + eps e_i) - f(x - eps e_i)) / (2 eps)``; ``x`` is modified in place
    during the computation and restored. Use float64 arrays.

    Args:
        f: function of no arguments that reads ``x`` and returns a float.
        x: the array to differentiate with respect to.
        epsilon: the step (default 1e-6).
    Returns:
        Array shaped like ``x``.
    """
    grad = np.zeros_like(x, dtype=np.float64)
    flat, out = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        original = flat[i]
        flat[i] = original + epsilon
        plus = f()
        flat[i] = original - epsilon
        minus = f()
        flat[i] = original
        out[i] = (plus - minus) / (2 * epsilon)
    return grad


def layer_gradient_errors(layer, x, epsilon=1e-6, seed=0):
    """Check a single layer's ``backward`` in float64 against central differences.

    Uses the scalar ``L = sum(forward(x) * R)`` for a fixed random ``R``, so ``dL/dy = R``.

    Args:
        layer: a layer built (or buildable) for ``x``; use float64 (``dtype='float64'``).
        x: float64 input batch.
        epsilon: finite-difference step (default 1e-6).
        seed: seed of ``R`` (default 0).
    Returns:
        dict with ``'input'`` and each weight's name -> max absolute difference between the
        analytic and numeric gradients, and the same relative to the gradient's scale.
    """
    x = np.array(x, dtype=np.float64)
    layer.ensure_built(x.shape)
    states = [(layer, layer._rng.bit_generator.state)] if getattr(layer, "_rng", None) else []
    states.append(("global", config.rng().bit_generator.state))
    _restore(states)
    y = layer.forward(x, training=True)
    weight = np.random.default_rng(seed).standard_normal(y.shape)

    def loss():
        _restore(states)
        return float(np.sum(layer.forward(x, training=True) * weight))

    _restore(states)
    layer.forward(x, training=True)
    layer.needs_input_gradient = True
    grad_x = layer.backward(weight.copy())
    results = {"input": _compare(grad_x, numerical_gradient(loss, x, epsilon))}
    for v in layer.trainable_weights:
        analytic = v.grad.copy()
        results[v.name] = _compare(analytic, numerical_gradient(loss, v.value, epsilon))
    return results


def _compare(analytic, numeric):
    diff = np.max(np.abs(analytic - numeric)) if analytic.size else 0.0
    scale = max(np.max(np.abs(numeric)) if numeric.size else 0.0, 1e-8)
    return {"abs": float(diff), "rel": float(diff / scale)}
