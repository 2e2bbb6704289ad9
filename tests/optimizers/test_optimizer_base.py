"""The shared optimizer loop: clipping, weight decay, loss scaling, EMA, accumulation, the
learning rate, flat buffers, state saving/resuming and input errors."""

import numpy as np
import pytest

from numnet import optimizers
from numnet.optimizers import SGD, Adadelta, Adagrad, Adam, Adamax, AdamW, Nadam, RMSprop
from numnet.optimizers.schedules import ExponentialDecay

# Numbers from real Keras 3.15.1 (torch backend) on the conftest problem.
KWARGS = {
    "sgd_weight_decay": {"learning_rate": 0.1, "weight_decay": 0.1},
    "sgd_clipnorm": {"learning_rate": 0.1, "clipnorm": 0.5},
    "sgd_clipvalue": {"learning_rate": 0.1, "clipvalue": 0.25},
    "sgd_global_clipnorm": {"learning_rate": 0.1, "global_clipnorm": 0.5},
    "sgd_schedule": {"learning_rate": ExponentialDecay(0.1, decay_steps=2, decay_rate=0.5)},
    "sgd_loss_scale": {"learning_rate": 0.1, "loss_scale_factor": 4.0},
    "sgd_ema": {"learning_rate": 0.1, "use_ema": True, "ema_momentum": 0.8,
                "ema_overwrite_frequency": 2},
    "sgd_ema_nofreq": {"learning_rate": 0.1, "use_ema": True, "ema_momentum": 0.8},
    "sgd_accum": {"learning_rate": 0.1, "momentum": 0.5, "gradient_accumulation_steps": 2},
}
KERAS = {
    "sgd_weight_decay": (
        ([[0.485, -0.97, 1.455], [-0.2875, 0.7925, 1.92]],
         [-0.001000002, 0.002000004, 0.24700002]),
        ([[0.4850485, -0.980597, 1.4162456], [-0.31672874, 0.7322293, 1.911092]],
         [0.018519897, -0.10653981, 0.017334715])),
    "sgd_clipnorm": (
        ([[0.49475858, -0.98951715, 1.4842757], [-0.2709657, 0.77620715, 1.9685514]],
         [0.07817821, -0.15635642, 0.2890891]),
        ([[0.4936388, -1.0119268, 1.4821744], [-0.29925767, 0.7538666, 1.9716343]],
         [0.08651952, -0.19350712, 0.2327733])),
    "sgd_clipvalue": (
        ([[0.49, -0.98, 1.475], [-0.275, 0.775, 1.975]],
         [0.075, -0.175, 0.275]),
        ([[0.49499997, -1.01, 1.465], [-0.305, 0.755, 1.975]],
         [0.075, -0.175, 0.225])),
    "sgd_global_clipnorm": (
        ([[0.49798545, -0.9959709, 1.4939563], [-0.25805822, 0.76007277, 1.9879127]],
         [0.07985443, -0.15970886, 0.2899272]),
        ([[0.5014007, -1.0033312, 1.4909017], [-0.26640466, 0.74777, 1.997437]],
         [0.086324245, -0.19078414, 0.23652925])),
    "sgd_schedule": (
        ([[0.49, -0.98, 1.47], [-0.29, 0.8, 1.9399999]],
         [0.0, 0.0, 0.25]),
        ([[0.50121325, -0.9970711, 1.4608579], [-0.30853555, 0.7671447, 1.9694974]],
         [0.02035534, -0.086066015, 0.13232234])),
    "sgd_loss_scale": (
        ([[0.4975, -0.995, 1.4925], [-0.26, 0.7625, 1.985]],
         [0.075, -0.15, 0.28750002]),
        ([[0.5, -1.0025, 1.49], [-0.26874998, 0.75125, 1.9925001]],
         [0.080000006, -0.1775, 0.23125003])),
    "sgd_ema": (
        ([[0.49, -0.98, 1.47], [-0.29, 0.8, 1.9399999]],
         [0.0, 0.0, 0.25]),
        ([[0.476, -1.002, 1.476], [-0.32099998, 0.795, 1.9139999]],
         [-0.020000001, 0.010000002, 0.045])),
    # final: ([[0.492, -0.986, 1.4679999], [-0.297, 0.791, 1.9459999]],
    #         [0.004, -0.022, 0.20500001])
    "sgd_ema_nofreq": (
        ([[0.49, -0.98, 1.47], [-0.29, 0.8, 1.9399999]],
         [0.0, 0.0, 0.25]),
        ([[0.50000006, -1.01, 1.46], [-0.325, 0.755, 1.97]],
         [0.02, -0.11000001, 0.024999991])),
    # final: ([[0.4968, -0.98759997, 1.4647999], [-0.29779997, 0.783, 1.9571998]],
    #         [0.012, -0.046, 0.201])
    "sgd_accum": (
        ([[0.5, -1.0, 1.5], [-0.25, 0.75, 2.0]],
         [0.1, -0.2, 0.3]),
        ([[0.51, -0.995, 1.475], [-0.2725, 0.75, 2.005]],
         [0.075, -0.175, 0.26250002])),
}
# weights after finalize_variable_values (the moving averages), from Keras 3
KERAS_EMA_FINAL = {
    "sgd_ema": ([[0.492, -0.986, 1.4679999], [-0.297, 0.791, 1.9459999]],
                [0.004, -0.022, 0.20500001]),
    "sgd_ema_nofreq": ([[0.4968, -0.98759997, 1.4647999], [-0.29779997, 0.783, 1.9571998]],
                       [0.012, -0.046, 0.201]),
}

FACTORIES = {
    "sgd": lambda **kw: SGD(learning_rate=0.1, **kw),
    "sgd_nesterov": lambda **kw: SGD(learning_rate=0.1, momentum=0.9, nesterov=True, **kw),
    "adam": lambda **kw: Adam(learning_rate=0.01, **kw),
    "adam_amsgrad": lambda **kw: Adam(learning_rate=0.01, amsgrad=True, **kw),
    "adamw": lambda **kw: AdamW(learning_rate=0.01, **kw),
    "rmsprop": lambda **kw: RMSprop(momentum=0.5, centered=True, **kw),
    "adagrad": lambda **kw: Adagrad(learning_rate=0.1, **kw),
    "nadam": lambda **kw: Nadam(**kw),
    "adamax": lambda **kw: Adamax(**kw),
    "adadelta": lambda **kw: Adadelta(learning_rate=1.0, **kw),
}
EXTRAS = {
    "plain": {},
    "clipnorm": {"clipnorm": 0.5},
    "global_clipnorm": {"global_clipnorm": 0.5},
    "clipvalue": {"clipvalue": 0.01},
    "weight_decay": {"weight_decay": 0.05},
    "ema_accum_scale": {"use_ema": True, "ema_overwrite_frequency": 3,
                        "gradient_accumulation_steps": 2, "loss_scale_factor": 8.0},
}
SHAPES = [(7, 5), (5,), (5, 3), (3,)]


@pytest.mark.parametrize("case", sorted(KERAS))
def test_matches_keras(case, check_golden, golden):
    check_golden(SGD(**KWARGS[case]), *KERAS[case])
    if case in KERAS_EMA_FINAL:
        opt = SGD(**KWARGS[case])
        w, b = golden.run_steps(opt)[3]
        opt.finalize_variable_values([w, b])
        golden.assert_keras(w, KERAS_EMA_FINAL[case][0])
        golden.assert_keras(b, KERAS_EMA_FINAL[case][1])


def _flat_problem(seed=0):
    rng = np.random.default_rng(seed)
    sizes = [int(np.prod(s)) for s in SHAPES]
    stops = np.cumsum(sizes)
    segments = [(int(a - n), int(a)) for a, n in zip(stops, sizes)]
    flat = rng.standard_normal(stops[-1]).astype(np.float32)
    grads = [rng.standard_normal(stops[-1]).astype(np.float32) * 0.3 for _ in range(5)]
    return flat, grads, segments


@pytest.mark.parametrize("extra", sorted(EXTRAS))
@pytest.mark.parametrize("kind", sorted(FACTORIES))
def test_flat_buffer_is_bit_identical_to_separate_weights(kind, extra):
    flat, grads, segments = _flat_problem()
    separate = [flat[a:b].reshape(s).copy() for (a, b), s in zip(segments, SHAPES)]
    flat_opt = FACTORIES[kind](**EXTRAS[extra])
    weight_opt = FACTORIES[kind](**EXTRAS[extra])
    for g in grads:
        flat_opt.apply([g], [flat], segments=segments)
        weight_opt.apply([g[a:b].reshape(s) for (a, b), s in zip(segments, SHAPES)], separate)
    for (a, b), s, w in zip(segments, SHAPES, separate):
        assert np.array_equal(flat[a:b].reshape(s), w)
    assert flat_opt.iterations == weight_opt.iterations


def test_flat_buffer_with_segments_matches_keras_clipnorm(golden):
    # Keras clips each weight's gradient by its own norm; segments give the same on one buffer
    flat = np.concatenate([np.ravel(golden.W0), golden.B0]).astype(np.float32)
    opt = SGD(learning_rate=0.1, clipnorm=0.5)
    for gw, gb in golden.GRADS:
        opt.apply([np.concatenate([np.ravel(gw), gb]).astype(np.float32)], [flat],
                  segments=[(0, 6), (6, 9)])
    w3, b3 = KERAS["sgd_clipnorm"][1]
    golden.assert_keras(flat[:6].reshape(2, 3), w3)
    golden.assert_keras(flat[6:], b3)


def test_clipnorm_without_segments_treats_buffer_as_one_weight():
    g = np.array([3.0, 4.0], np.float32)  # norm 5
    w = np.zeros(2, np.float32)
    SGD(learning_rate=1.0, clipnorm=1.0).apply([g], [w])
    np.testing.assert_allclose(w, [-0.6, -0.8], rtol=1e-6)


@pytest.mark.parametrize("extra", ["clipnorm", "global_clipnorm", "clipvalue",
                                   "ema_accum_scale"])
def test_gradients_are_never_modified(extra):
    flat, grads, segments = _flat_problem(1)
    copies = [g.copy() for g in grads]
    opt = FACTORIES["adam"](**EXTRAS[extra])
    for g in grads:
        opt.apply([g], [flat], segments=segments)
    for g, c in zip(grads, copies):
        assert np.array_equal(g, c)


def test_non_finite_global_norm_gives_nan_like_keras():
    w = np.zeros(2, np.float32)
    with np.errstate(invalid="ignore"):
        SGD(global_clipnorm=1.0).apply([np.array([np.inf, 1.0], np.float32)], [w])
    assert np.isnan(w).all()


# ----------------------------------------------------------------- learning rate
def test_learning_rate_setter_is_used_by_the_next_update():
    opt = SGD(learning_rate=0.1)
    w = np.zeros(1, np.float32)
    opt.apply([np.ones(1, np.float32)], [w])
    opt.learning_rate = 0.001
    assert opt.learning_rate == 0.001 and isinstance(opt.learning_rate, float)
    opt.apply([np.ones(1, np.float32)], [w])
    np.testing.assert_allclose(w, [-0.101], rtol=1e-6)
    assert opt.get_config()["learning_rate"] == 0.001


def test_lr_alias_in_constructor_and_attribute():
    opt = Adam(lr=0.01)
    assert opt.learning_rate == 0.01 and opt.lr == 0.01
    opt.lr = 0.5
    assert opt.learning_rate == 0.5
    assert SGD(lr=0.2).get_config()["learning_rate"] == 0.2


def test_schedule_is_evaluated_at_iterations(golden):
    opt = SGD(learning_rate=ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5))
    assert opt.learning_rate == pytest.approx(0.1)
    golden.run_steps(opt, steps=2)
    assert opt.learning_rate == pytest.approx(0.025)
    with pytest.raises(TypeError, match="LearningRateSchedule.*cannot be set"):
        opt.learning_rate = 0.01
    opt.learning_rate = ExponentialDecay(1.0, 1, 0.1)  # a schedule may replace a schedule
    assert opt.learning_rate == pytest.approx(0.01)


def test_callable_learning_rate():
    rates = iter([0.5, 0.25])
    opt = SGD(learning_rate=lambda: next(rates))
    w = np.zeros(1, np.float32)
    opt.apply([np.ones(1, np.float32)], [w])
    opt.apply([np.ones(1, np.float32)], [w])
    np.testing.assert_allclose(w, [-0.75])
    with pytest.raises(ValueError, match="callable `learning_rate` cannot be saved"):
        opt.get_config()


@pytest.mark.parametrize("value, error", [(0, ValueError), (-0.1, ValueError),
                                          (float("inf"), ValueError), (float("nan"), ValueError),
                                          ("0.1", TypeError), (True, TypeError),
                                          (None, TypeError)])
def test_bad_learning_rate(value, error):
    with pytest.raises(error, match=r"Adam: `learning_rate` must be a finite number > 0"):
        Adam(learning_rate=value)


def test_setter_accepts_zero_but_not_negative():
    opt = Adam(learning_rate=1)
    assert opt.learning_rate == 1.0 and isinstance(opt.get_config()["learning_rate"], float)
    opt.learning_rate = 0.0  # warm-up callbacks may set 0
    with pytest.raises(ValueError, match=r">= 0.*received -1.0"):
        opt.learning_rate = -1.0
    opt.learning_rate = np.float32(0.5)
    assert opt.learning_rate == 0.5


# ----------------------------------------------------------------- arguments
def test_unknown_argument_lists_allowed_and_suggests():
    with pytest.raises(TypeError, match=r"Adam got unexpected argument\(s\) \['beta1'\].*"
                                        r"Allowed arguments: learning_rate, beta_1, .*"
                                        r"did you mean 'beta_1'"):
        Adam(beta1=0.9)


def test_legacy_decay_warns_and_is_ignored():
    with pytest.warns(UserWarning, match="`decay` is no longer supported"):
        opt = SGD(learning_rate=0.1, decay=1e-6)
    assert "decay" not in opt.get_config()


def test_only_one_clip_argument():
    with pytest.raises(ValueError, match="only one of `clipnorm`, `clipvalue` and "
                                         "`global_clipnorm`.*clipnorm=1.0, clipvalue=0.5"):
        SGD(clipnorm=1.0, clipvalue=0.5)


@pytest.mark.parametrize("kwargs, error, text", [
    ({"clipnorm": 0}, ValueError, "clipnorm"), ({"clipvalue": -1}, ValueError, "clipvalue"),
    ({"weight_decay": "0.1"}, TypeError, "weight_decay"),
    ({"ema_momentum": 1.5, "use_ema": True}, ValueError, "ema_momentum"),
    ({"ema_overwrite_frequency": 0}, ValueError, "ema_overwrite_frequency"),
    ({"gradient_accumulation_steps": 1}, ValueError, "gradient_accumulation_steps"),
    ({"loss_scale_factor": 0}, ValueError, "loss_scale_factor"),
    ({"use_ema": 1}, TypeError, "use_ema"), ({"name": 3}, TypeError, "name")])
def test_bad_base_arguments(kwargs, error, text):
    with pytest.raises(error, match=f"SGD: argument `{text}`"):
        SGD(**kwargs)


def test_names_are_snake_case_and_unique():
    a, b = RMSprop(), RMSprop()
    assert a.name.startswith("rm_sprop") and a.name != b.name
    assert AdamW(name="mine").name == "mine"


# ----------------------------------------------------------------- apply
def test_iterations_and_apply_gradients():
    opt = SGD(learning_rate=0.1)
    w = np.ones(2, np.float32)
    assert opt.apply_gradients([(np.ones(2, np.float32), w)]) == 1
    opt.apply([np.ones(2, np.float32)])  # variables default to those built on
    assert opt.iterations == 2
    np.testing.assert_allclose(w, [0.8, 0.8])
    opt.apply([], [])  # nothing to do: no update, no count (as Keras)
    assert opt.iterations == 2


def test_float64_gradients_are_cast_to_the_weight_dtype():
    w1, w2 = np.ones(3, np.float32), np.ones(3, np.float32)
    g = np.array([0.1, 0.2, 0.3])
    Adam().apply([g], [w1])
    Adam().apply([g.astype(np.float32)], [w2])
    assert w1.dtype == np.float32 and np.array_equal(w1, w2)


def test_array_like_gradients_are_accepted():
    w = np.ones(2, np.float32)
    SGD(learning_rate=0.5).apply([[0.2, -0.4]], [w])
    np.testing.assert_allclose(w, [0.9, 1.2])


def test_float64_weights_keep_float64_state():
    opt = Adam()
    w = np.ones(3)
    opt.apply([np.full(3, 0.5)], [w])
    assert w.dtype == np.float64 and opt.get_state()["momentum/0"].dtype == np.float64


def test_input_errors():
    opt = SGD()
    with pytest.raises(ValueError, match="received 2 gradients for 1 variables"):
        opt.apply([np.ones(2), np.ones(2)], [np.ones(2)])
    with pytest.raises(ValueError, match="pass `variables` on the first call"):
        opt.apply([np.ones(2)])
    with pytest.raises(TypeError, match="variable 0 must be a float NumPy array, received int64"):
        opt.apply([np.ones(2)], [np.ones(2, np.int64)])
    opt = SGD()
    opt.apply([np.ones(2, np.float32)], [np.ones(2, np.float32)])
    with pytest.raises(ValueError, match=r"variable 0 has shape \(2,\) and its gradient \(3,\)"):
        opt.apply([np.ones(3, np.float32)], [np.ones(2, np.float32)])
    with pytest.raises(ValueError, match="built for 1 variables, received 2"):
        opt.apply([np.ones(2), np.ones(2)], [np.ones(2), np.ones(2)])
    flat = Adam(clipnorm=1.0)
    with pytest.raises(ValueError, match="`segments` must be sorted"):
        flat.apply([np.ones(4, np.float32)], [np.ones(4, np.float32)], segments=[(0, 3), (2, 4)])


def test_missing_gradients_warn_and_skip():
    opt = SGD(learning_rate=0.1)
    w, b = np.ones(2, np.float32), np.ones(1, np.float32)
    with pytest.warns(UserWarning, match=r"gradients do not exist for variables \[1\]"):
        opt.apply([np.ones(2, np.float32), None], [w, b])
    np.testing.assert_allclose(w, [0.9, 0.9])
    assert b[0] == 1.0
    with pytest.raises(ValueError, match="no gradients provided for any variable"):
        opt.apply([None, None], [w, b])


# ----------------------------------------------------------------- state
RESUMABLE = {
    "adam": lambda: Adam(learning_rate=0.01, amsgrad=True),
    "nadam": lambda: Nadam(),
    "rmsprop": lambda: RMSprop(momentum=0.9, centered=True),
    "sgd_ema_accum": lambda: SGD(learning_rate=0.1, momentum=0.9, use_ema=True,
                                 gradient_accumulation_steps=2),
    "adagrad": lambda: Adagrad(),
    "adadelta": lambda: Adadelta(learning_rate=1.0),
    "adamax": lambda: Adamax(),
}


@pytest.mark.parametrize("kind", sorted(RESUMABLE))
@pytest.mark.parametrize("before_build", [False, True])
def test_get_state_set_state_resumes_exactly(kind, before_build):
    flat, grads, _ = _flat_problem(2)
    straight, straight_w = RESUMABLE[kind](), flat.copy()
    for g in grads:
        straight.apply([g], [straight_w])
    first, w = RESUMABLE[kind](), flat.copy()
    for g in grads[:3]:
        first.apply([g], [w])
    state = first.get_state()
    first.learning_rate = 123.0  # the saved copy must not follow later changes
    resumed = RESUMABLE[kind]()
    if not before_build:
        resumed.build([w])
    resumed.set_state(state)
    for g in grads[3:]:
        resumed.apply([g], [w])
    assert np.array_equal(w, straight_w)
    assert resumed.get_state()["iterations"] == straight.get_state()["iterations"]


def test_set_state_errors():
    opt = Adam()
    opt.build([np.zeros(2, np.float32)])
    with pytest.raises(TypeError, match="expected the dict returned by get_state"):
        opt.set_state([1, 2])
    with pytest.raises(ValueError, match=r"needs \['momentum/0', 'velocity/0'\]"):
        opt.set_state({"iterations": 1, "momentum/0": np.zeros(2)})
    with pytest.raises(ValueError, match=r"'momentum/0' has shape \(3,\), expected \(2,\)"):
        opt.set_state({"iterations": 1, "momentum/0": np.zeros(3), "velocity/0": np.zeros(2)})


def test_variables_and_set_weights_round_trip():
    flat, grads, _ = _flat_problem(3)
    a, wa = Adam(learning_rate=0.01), flat.copy()
    for g in grads[:2]:
        a.apply([g], [wa])
    b, wb = Adam(learning_rate=0.5), wa.copy()
    b.build([wb])
    b.set_weights([v.copy() for v in a.variables])
    assert b.iterations == 2 and b.learning_rate == pytest.approx(0.01)
    for g in grads[2:]:
        a.apply([g], [wa])
        b.apply([g], [wb])
    assert np.array_equal(wa, wb)
    with pytest.raises(ValueError, match="expected 4 arrays"):
        b.set_weights(a.variables[:2])
    with pytest.raises(ValueError, match="build the optimizer first"):
        Adam().set_weights(a.variables)


def test_split_variables_gives_keras_per_weight_layout():
    flat, grads, segments = _flat_problem(4)
    layout = [(a, b, s) for (a, b), s in zip(segments, SHAPES)]
    separate = [flat[a:b].reshape(s).copy() for a, b, s in layout]
    flat_opt, weight_opt = Adam(), Adam()
    for g in grads[:2]:
        flat_opt.apply([g], [flat])
        weight_opt.apply([g[a:b].reshape(s) for a, b, s in layout], separate)
    split = flat_opt.split_variables(layout)
    expected = weight_opt.variables
    assert [v.shape for v in split] == [v.shape for v in expected]
    assert all(np.array_equal(x, y) for x, y in zip(split, expected))
    fresh = Adam()
    fresh.build([np.zeros_like(flat)])
    fresh.set_weights(expected, layout=layout)
    assert all(np.array_equal(x, y) for x, y in zip(fresh.variables, flat_opt.variables))
    with pytest.raises(ValueError, match="one 1-D \\(flat\\) variable"):
        weight_opt.split_variables(layout)


def test_scale_loss_and_repr():
    assert SGD(loss_scale_factor=8.0).scale_loss(0.5) == 4.0
    assert SGD().scale_loss(0.5) == 0.5
    assert repr(SGD(learning_rate=0.1, name="s")) == "<SGD name='s' learning_rate=0.1>"
    assert optimizers.Optimizer is type(SGD()).__mro__[1]


def test_rebuild_after_layout_change_starts_fresh_state():
    import numpy as np

    from numnet.optimizers import Adam

    opt = Adam()
    opt.apply([np.ones(3, dtype=np.float32)], [np.zeros(3, dtype=np.float32)])
    count = len(opt.variables)
    opt.built = False  # what fit does when a layer is frozen
    opt.apply([np.ones(5, dtype=np.float32)], [np.zeros(5, dtype=np.float32)])
    assert len(opt.variables) == count
