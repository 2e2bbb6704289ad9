"""Crash safety: a process killed (SIGKILL) while saving checkpoints never leaves a damaged
checkpoint behind.

A child process saves ``ckpt.keras`` (model.save) and ``ckpt.weights.h5``
(model.save_weights) in a loop; before save number ``i`` every weight is set to ``i`` and the
optimizer's iteration count to ``i``, so a file tells which save wrote it. After both saves
the child prints ``i``. The test kills it at random moments, several times; each time every
checkpoint must load and hold either the last state the child reported (``p``) or the next
one (``p + 1``, finished just before the kill), and no temporary file may look like a
checkpoint.
"""
import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import numnet as keras

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROUNDS = 5
BUDGET_SECONDS = 12.0

CHILD = textwrap.dedent("""
    import sys
    import numpy as np
    import numnet as keras

    start = int(sys.argv[1])
    model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(256, activation="relu"),
                              keras.layers.Dense(256), keras.layers.Dense(10)])
    model.compile(optimizer=keras.optimizers.SGD(0.01, momentum=0.9), loss="mse")
    print("ready", flush=True)
    i = start
    while True:
        model.set_weights([np.full(w.shape, i, w.dtype) for w in model.get_weights()])
        model.optimizer.iterations = i
        model.save("ckpt.keras")
        model.save_weights("ckpt.weights.h5")
        print(i, flush=True)
        i += 1
""")


def make_model():
    model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(256, activation="relu"),
                              keras.layers.Dense(256), keras.layers.Dense(10)])
    model.compile(optimizer=keras.optimizers.SGD(0.01, momentum=0.9), loss="mse")
    return model


def saved_counter(weights):
    """The counter a checkpoint was written with (all its weights hold that one value)."""
    values = {float(v) for w in weights for v in np.unique(w)}
    assert len(values) == 1, f"a checkpoint mixes states: {sorted(values)[:5]}"
    return int(values.pop())


def run_and_kill(folder, start, delay):
    """Start the child, kill it ``delay`` seconds after it is ready; return the last counter
    it reported (``start - 1`` if none)."""
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(start)], cwd=folder, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline()
        assert line.strip() == "ready", line + child.stderr.read()
        time.sleep(delay)
    finally:
        child.send_signal(signal.SIGKILL)
        out, err = child.communicate(timeout=30)
    counters = [int(x) for x in out.split()]
    assert child.returncode == -signal.SIGKILL, err
    return counters[-1] if counters else start - 1


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
def test_checkpoints_survive_sigkill(tmp_path):
    rng = random.Random(20261122)
    started = time.monotonic()
    observed = {}  # checkpoint name -> the counter found in it after the previous kill
    completed = 0
    for round_index in range(ROUNDS):
        if time.monotonic() - started > BUDGET_SECONDS:
            break
        start = 1 + round_index * 100_000
        last = run_and_kill(tmp_path, start, rng.uniform(0.05, 0.6))
        completed += last >= start
        names = sorted(os.listdir(tmp_path))
        checkpoints = [n for n in names if n.endswith((".keras", ".h5"))]
        assert set(checkpoints) <= {"ckpt.keras", "ckpt.weights.h5"}, names
        for name in names:
            if name not in ("ckpt.keras", "ckpt.weights.h5"):  # a temporary file, hidden
                assert name.startswith(".") and name.endswith(".tmp"), names
        for name in ("ckpt.keras", "ckpt.weights.h5"):
            # The previous or the new state: the last reported save or the one after it;
            # before this child's first report, the file from before or this child's first.
            allowed = {last, last + 1} if last >= start else {start, observed.get(name)}
            if name not in checkpoints:
                assert None in allowed, (name, names)
                continue
            if name == "ckpt.keras":
                model = keras.models.load_model(tmp_path / name)
            else:
                model = make_model()
                model.load_weights(tmp_path / name)
            counter = saved_counter(model.get_weights())
            assert counter in allowed, (name, counter, allowed)
            assert model.optimizer.iterations == counter
            observed[name] = counter
    assert completed, "the child never completed a save"
