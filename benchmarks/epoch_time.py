"""Time one training epoch (and predict, and peak memory) in numnet and other frameworks.

    python benchmarks/epoch_time.py                 # everything, 3 runs, median per cell
    python benchmarks/epoch_time.py --quick         # 1 run on a quarter of the data
    python benchmarks/epoch_time.py --json out.json --runs 5 --only mlp,wide

Every measurement runs in its own subprocess (so imports, thread settings and memory do not
interfere), frameworks are alternated within each run, and the table shows the median of the
runs and each framework's time divided by numnet's (``2.0x`` = numnet is twice as fast).

Frameworks (each optional except numnet; a missing one is reported as "not installed"):

* ``numnet``       this repository (the checkout next to this script, else the installed one),
                   pure NumPy (``NUMNET_NUMBA=0``): what ``pip install .`` gives;
* ``numnet-numba``  the same with numba installed (``pip install ".[fast]"``): Adam's update
                   runs as one compiled pass, with bit-identical results;
* ``torch``        PyTorch eager, an idiomatic loop: ``nn.Sequential``, ``randperm`` index
                   shuffling, ``zero_grad / backward / step``, running loss and accuracy;
* ``torch-loader`` the same loop fed by the tutorials' ``DataLoader(TensorDataset,
                   batch_size, shuffle=True)`` instead of ``randperm`` indexing;
* ``keras-tf``     Keras 3 on TensorFlow;
* ``keras-torch``  Keras 3 on PyTorch.

Each can live in its own virtual environment: ``--numba-python``, ``--torch-python``,
``--keras-tf-python`` and ``--keras-torch-python`` name the interpreter to use (default: this
one).

The data are synthetic and Fashion-MNIST shaped: ``N`` float32 images of 28x28 in [0, 1] and
integer labels 0..9, the same for every framework (NumPy seed 0). Before the timed epoch each
framework trains a few warm-up batches, so graph tracing and first-call costs are not timed.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# name -> what is measured. "fit" times one epoch of model.fit on `samples` images.
CONFIGS = {
    "mlp": {"kind": "fit", "model": "mlp", "batch": 32,
            "label": "course MLP, batch 32 (epoch)"},
    "mlp-b128": {"kind": "fit", "model": "mlp", "batch": 128,
                 "label": "course MLP, batch 128 (epoch)"},
    "mlp-b512": {"kind": "fit", "model": "mlp", "batch": 512,
                 "label": "course MLP, batch 512 (epoch)"},
    "wide": {"kind": "fit", "model": "wide", "batch": 32,
             "label": "wide MLP 512-512, batch 32 (epoch)"},
    "cnn": {"kind": "fit", "model": "cnn", "batch": 32,
            "label": "chapter-8 CNN, batch 32 (epoch)"},
    "predict-1": {"kind": "latency", "model": "mlp",
                  "label": "predict 1 sample (latency)"},
    "predict-10k": {"kind": "throughput", "model": "mlp", "batch": 32,
                    "label": "predict 10,000 samples, batch 32"},
    "memory": {"kind": "memory", "model": "mlp", "batch": 32,
               "label": "fit on 60,000 images: peak memory beyond the data"},
}
FRAMEWORKS = ["numnet", "numnet-numba", "torch", "torch-loader", "keras-tf", "keras-torch"]
SAMPLES = 48000
MEMORY_SAMPLES = 60000
WARMUP_BATCHES = 20


# ----------------------------------------------------------------------------- the data
def make_data(n, seed=0):
    """``n`` float32 images 28x28 in [0, 1) and int64 labels 0..9, built in chunks so that no
    temporary copy inflates the process's peak memory."""
    import numpy as np

    rng = np.random.default_rng(seed)
    x = np.empty((n, 28, 28), dtype=np.float32)
    for start in range(0, n, 4096):
        stop = min(start + 4096, n)
        x[start:stop] = rng.integers(0, 256, size=(stop - start, 28, 28), dtype=np.uint8)
        x[start:stop] /= 255.0
    y = rng.integers(0, 10, size=n).astype(np.int64)
    return x, y


# ----------------------------------------------------------------------------- Keras / numnet
def keras_model(keras, name):
    layers = keras.layers
    if name == "mlp":
        body = [keras.Input(shape=(28, 28)), layers.Flatten(),
                layers.Dense(100, activation="relu"), layers.Dense(10, activation="softmax")]
    elif name == "wide":
        body = [keras.Input(shape=(28, 28)), layers.Flatten(),
                layers.Dense(512, activation="relu"), layers.Dense(512, activation="relu"),
                layers.Dense(10, activation="softmax")]
    else:  # cnn
        body = [keras.Input(shape=(28, 28, 1)),
                layers.Conv2D(32, 3, padding="same", activation="relu"), layers.MaxPooling2D(2),
                layers.Conv2D(64, 3, padding="same", activation="relu"), layers.MaxPooling2D(2),
                layers.Flatten(), layers.Dense(100, activation="relu"), layers.Dropout(0.4),
                layers.Dense(10, activation="softmax")]
    model = keras.Sequential(body)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def run_keras_like(keras, config, samples):
    """The measurement for numnet and Keras (same code: ``import numnet as keras``)."""
    cfg = CONFIGS[config]
    kind = cfg["kind"]
    n = MEMORY_SAMPLES if kind == "memory" else samples
    x, y = make_data(n)
    if cfg["model"] == "cnn":
        x = x.reshape(-1, 28, 28, 1)
    model = keras_model(keras, cfg["model"])
    batch = cfg.get("batch", 32)
    if kind == "memory":  # the first fit, from a freshly built model
        return measure_memory(lambda: model.fit(x, y, batch_size=batch, epochs=1, verbose=0),
                              x.nbytes)
    if kind == "fit":
        warm = WARMUP_BATCHES * batch
        model.fit(x[:warm], y[:warm], batch_size=batch, epochs=1, verbose=0)
        start = time.perf_counter()
        model.fit(x, y, batch_size=batch, epochs=1, verbose=0)
        return {"seconds": time.perf_counter() - start}
    if kind == "latency":
        one = x[:1]
        return {"seconds": median_call(lambda: model.predict(one, verbose=0))}
    data = x[:10000]
    return {"seconds": median_call(lambda: model.predict(data, batch_size=batch, verbose=0),
                                   repeats=5, warmup=1)}


# ----------------------------------------------------------------------------- PyTorch
def run_torch(config, samples, loader=False):
    import numpy as np
    import torch
    from torch import nn

    cfg = CONFIGS[config]
    kind = cfg["kind"]
    n = MEMORY_SAMPLES if kind == "memory" else samples
    x, y = make_data(n)
    torch.manual_seed(0)
    if cfg["model"] == "mlp":
        model = nn.Sequential(nn.Flatten(), nn.Linear(784, 100), nn.ReLU(), nn.Linear(100, 10))
    elif cfg["model"] == "wide":
        model = nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512),
                              nn.ReLU(), nn.Linear(512, 10))
    else:
        x = x.reshape(-1, 1, 28, 28)  # PyTorch is channels-first
        model = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(64 * 7 * 7, 100), nn.ReLU(), nn.Dropout(0.4),
            nn.Linear(100, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()  # softmax + cross-entropy on the logits
    batch = cfg.get("batch", 32)
    X, Y = torch.from_numpy(x), torch.from_numpy(y)

    def batches(X, Y):
        if loader:
            dataset = torch.utils.data.TensorDataset(X, Y)
            yield from torch.utils.data.DataLoader(dataset, batch_size=batch, shuffle=True)
            return
        order = torch.randperm(len(X))
        for start in range(0, len(X), batch):
            index = order[start:start + batch]
            yield X[index], Y[index]

    def train_epoch(X, Y):
        model.train()
        total_loss, correct = 0.0, 0
        for xb, yb in batches(X, Y):
            optimizer.zero_grad()
            logits = model(xb)
            loss = loss_fn(logits, yb)
            loss.backward()
            optimizer.step()
            total_loss += loss.item() * len(yb)
            correct += (logits.argmax(dim=1) == yb).sum().item()
        return total_loss / len(X), correct / len(X)

    def predict(data):
        model.eval()
        outputs = []
        with torch.no_grad():
            for start in range(0, len(data), batch):
                outputs.append(torch.softmax(model(data[start:start + batch]), dim=1))
        return torch.cat(outputs).numpy()

    extra = {"torch_threads": torch.get_num_threads()}
    if kind == "memory":
        return {**measure_memory(lambda: train_epoch(X, Y), x.nbytes), **extra}
    if kind == "fit":
        warm = WARMUP_BATCHES * batch
        train_epoch(X[:warm], Y[:warm])
        start = time.perf_counter()
        train_epoch(X, Y)
        return {"seconds": time.perf_counter() - start, **extra}
    if kind == "latency":
        one = X[:1]
        model.eval()

        def predict_one():
            with torch.no_grad():
                return torch.softmax(model(one), dim=1).numpy()
        return {"seconds": median_call(predict_one), **extra}
    data = X[:10000]
    return {"seconds": median_call(lambda: predict(data), repeats=5, warmup=1), **extra}


# ----------------------------------------------------------------------------- helpers
def median_call(fn, repeats=200, warmup=20):
    """Median wall time of ``fn()`` over ``repeats`` calls after ``warmup`` calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _status_kib(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise OSError(field)


def measure_memory(fn, data_bytes):
    """Peak resident memory while ``fn()`` runs, beyond what the process held before it.

    Linux: reset the high-water mark (``/proc/self/clear_refs``) and read ``VmHWM`` after.
    Elsewhere: ``ru_maxrss`` (whose peak may include earlier allocations).
    """
    try:
        before = _status_kib("VmRSS")
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        fn()
        peak = _status_kib("VmHWM")
        method = "VmHWM"
    except OSError:
        import resource
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        fn()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if sys.platform == "darwin":
            before, peak = before // 1024, peak // 1024
        method = "ru_maxrss"
    return {"extra_mb": (peak - before) * 1024 / 1e6, "data_mb": data_bytes / 1e6,
            "method": method}


def worker(framework, config, samples):
    """Run one measurement in this process and print it as one JSON line."""
    if framework.startswith("numnet"):
        import numnet as keras
        result = run_keras_like(keras, config, samples)
        result["numnet_from"] = os.path.dirname(os.path.dirname(keras.__file__))
        versions = {"numnet": getattr(keras, "__version__", "?")}
        if framework == "numnet-numba":
            import numba
            versions["numba"] = numba.__version__
    elif framework.startswith("torch"):
        import torch
        result = run_torch(config, samples, loader=framework == "torch-loader")
        versions = {"torch": torch.__version__}
    else:
        import keras
        result = run_keras_like(keras, config, samples)
        versions = {"keras": keras.__version__}
        if framework == "keras-torch":
            import torch
            result["torch_threads"] = torch.get_num_threads()
            versions["torch"] = torch.__version__
        else:
            import tensorflow
            versions["tensorflow"] = tensorflow.__version__
    result["versions"] = versions
    print("RESULT " + json.dumps(result))


# ----------------------------------------------------------------------------- the driver
def interpreter_env(args, framework):
    python = {"numnet-numba": args.numba_python, "torch": args.torch_python,
              "torch-loader": args.torch_python, "keras-tf": args.keras_tf_python,
              "keras-torch": args.keras_torch_python}.get(framework) or sys.executable
    env = dict(os.environ)
    if os.path.isfile(os.path.join(ROOT, "numnet", "__init__.py")):
        env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    if framework.startswith("numnet"):
        env["NUMNET_NUMBA"] = "1" if framework == "numnet-numba" else "0"
    if framework.startswith("keras-"):
        env["KERAS_BACKEND"] = "tensorflow" if framework == "keras-tf" else "torch"
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return python, env


IMPORTS = {"numnet": "numnet", "numnet-numba": "numnet, numba", "torch": "torch",
           "torch-loader": "torch", "keras-tf": "keras, tensorflow",
           "keras-torch": "keras, torch"}


def available(args, framework):
    python, env = interpreter_env(args, framework)
    probe = subprocess.run([python, "-c", f"import {IMPORTS[framework]}"], env=env,
                           capture_output=True, text=True)
    return probe.returncode == 0


def measure(args, framework, config):
    python, env = interpreter_env(args, framework)
    command = [python, os.path.abspath(__file__), "--worker", framework, config,
               "--samples", str(args.samples)]
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True,
                              timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {args.timeout} s"}
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
    return {"error": tail[0][:200]}


def machine_info():
    import numpy as np

    info = {"python": platform.python_version(), "numpy": np.__version__,
            "cpus": os.cpu_count(), "platform": platform.platform()}
    if hasattr(os, "sched_getaffinity"):
        info["cpus_usable"] = len(os.sched_getaffinity(0))
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                if line.startswith("flags"):
                    flags = line.split(":", 1)[1].split()
                    info["simd"] = [f for f in ("avx2", "fma", "avx512f") if f in flags]
                    break
        with open("/proc/meminfo") as meminfo:
            info["memory_gb"] = round(int(meminfo.readline().split()[1]) / 1e6, 1)
    except OSError:
        info["cpu"] = platform.processor()
    try:
        from threadpoolctl import threadpool_info
        info["blas"] = [f"{p.get('internal_api')} {p.get('version')} "
                        f"({p.get('num_threads')} threads)"
                        for p in threadpool_info() if p.get("user_api") == "blas"]
    except ImportError:
        pass
    if hasattr(os, "getloadavg"):
        info["load_average_start"] = round(os.getloadavg()[0], 2)
    return info


def format_cell(result, config):
    if result is None:
        return "not installed"
    if "error" in result:
        return "failed"
    if CONFIGS[config]["kind"] == "memory":
        return f"+{result['extra_mb']:.0f} MB"
    seconds = result["seconds"]
    return f"{seconds * 1e3:.2f} ms" if seconds < 0.1 else f"{seconds:.2f} s"


def summarize(samples_by_cell):
    """Median of each (framework, config) cell's runs."""
    table = {}
    for (framework, config), results in samples_by_cell.items():
        good = [r for r in results if "error" not in r]
        if not good:
            table[(framework, config)] = results[-1]
            continue
        key = "extra_mb" if CONFIGS[config]["kind"] == "memory" else "seconds"
        values = sorted(r[key] for r in good)
        middle = dict(good[0])
        middle[key] = statistics.median(values)
        middle["runs"] = values
        table[(framework, config)] = middle
    return table


def print_table(table, frameworks, configs, present, samples):
    """Print the medians as a Markdown table (it reads fine in a terminal too)."""
    print("\n| | " + " | ".join(frameworks) + " |")
    print("|---|" + "---:|" * len(frameworks))
    for config in configs:
        cells = []
        base = table.get(("numnet", config))
        for framework in frameworks:
            result = table.get((framework, config)) if present[framework] else None
            cell = format_cell(result, config)
            if (framework != "numnet" and result and "error" not in result and base
                    and "error" not in base and CONFIGS[config]["kind"] != "memory"):
                cell += f" ({result['seconds'] / base['seconds']:.1f}x)"
            cells.append(cell)
        print(f"| {CONFIGS[config]['label']} | " + " | ".join(cells) + " |")
    memory = table.get(("numnet", "memory"))
    if memory and "error" not in memory:
        print(f"\nmemory: the data are {memory['data_mb']:.0f} MB; '+N MB' is the peak "
              f"resident memory during fit beyond what the process held before it.")
    print(f"epochs are {samples:,} samples; (Nx) = time / numnet's time in the same run, "
          f"so 3.0x means numnet is 3 times faster.")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per cell (default 3)")
    parser.add_argument("--quick", action="store_true",
                        help="1 run, epochs of a quarter of the samples")
    parser.add_argument("--only", default=None,
                        help=f"comma-separated configs among {','.join(CONFIGS)}")
    parser.add_argument("--frameworks", default=",".join(FRAMEWORKS),
                        help="comma-separated among "
                             + ",".join(FRAMEWORKS))
    parser.add_argument("--samples", type=int, default=SAMPLES,
                        help=f"images per epoch (default {SAMPLES})")
    parser.add_argument("--slow", type=float, default=60.0,
                        help="a cell whose first run took longer than this many seconds is "
                             "run only once (default 60)")
    parser.add_argument("--timeout", type=float, default=1800.0,
                        help="seconds before one measurement is abandoned")
    parser.add_argument("--json", default=None, help="also write the results to this file")
    parser.add_argument("--numba-python", default=None)
    parser.add_argument("--torch-python", default=None)
    parser.add_argument("--keras-tf-python", default=None)
    parser.add_argument("--keras-torch-python", default=None)
    parser.add_argument("--worker", nargs=2, metavar=("FRAMEWORK", "CONFIG"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker[0], args.worker[1], args.samples)
        return 0
    if args.quick:
        args.runs = 1
        if args.samples == SAMPLES:
            args.samples = SAMPLES // 4
    configs = args.only.split(",") if args.only else list(CONFIGS)
    frameworks = args.frameworks.split(",")
    for name in configs:
        if name not in CONFIGS:
            parser.error(f"unknown config {name!r}; choose among {', '.join(CONFIGS)}")
    for name in frameworks:
        if name not in FRAMEWORKS:
            parser.error(f"unknown framework {name!r}; choose among "
                         f"{', '.join(FRAMEWORKS)}")
    info = machine_info()
    present = {f: available(args, f) for f in frameworks}
    if "numnet" in present and not present["numnet"]:
        parser.error("numnet cannot be imported: run `pip install .` in the repository first")
    print(f"{info.get('cpu', '?')} ({'/'.join(info.get('simd', []))}), {info['cpus']} CPUs, "
          f"{info.get('memory_gb', '?')} GB, Python {info['python']}, NumPy {info['numpy']}, "
          f"BLAS: {', '.join(info.get('blas', ['?']))}, load average "
          f"{info.get('load_average_start', '?')}")
    print("frameworks: " + ", ".join(f"{f} ({'ok' if present[f] else 'not installed'})"
                                     for f in frameworks))
    results = {(f, c): [] for f in frameworks if present[f] for c in configs}
    order = [f for f in frameworks if present[f]]
    for run in range(args.runs):
        rotated = order[run % len(order):] + order[:run % len(order)]
        for config in configs:
            for framework in rotated:
                done = results[(framework, config)]
                if run > 0 and done and done[0].get("seconds", 0) > args.slow:
                    continue
                result = measure(args, framework, config)
                done.append(result)
                print(f"  run {run + 1}/{args.runs} {config:12} {framework:12} "
                      f"{format_cell(result, config)}"
                      + (f"  [{result['error']}]" if "error" in result else ""), flush=True)
    table = summarize(results)
    if hasattr(os, "getloadavg"):
        info["load_average_end"] = round(os.getloadavg()[0], 2)
    print_table(table, frameworks, configs, present, args.samples)
    threads = {f: table[(f, configs[0])].get("torch_threads") for f in order
               if (f, configs[0]) in table and "torch_threads" in table[(f, configs[0])]}
    if threads:
        print("torch.get_num_threads(): " + ", ".join(f"{f} {t}" for f, t in threads.items()))
    versions = {}
    for result in table.values():
        versions.update(result.get("versions", {}))
    if versions:
        print("versions: " + ", ".join(f"{k} {v}" for k, v in sorted(versions.items())))
    if hasattr(os, "getloadavg"):
        print(f"load average: {info.get('load_average_start')} at the start, "
              f"{info.get('load_average_end')} at the end")
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"machine": info, "samples": args.samples, "runs": args.runs,
                       "command": " ".join([os.path.basename(sys.executable)] + sys.argv),
                       "results": [{"framework": f, "config": c, **r}
                                   for (f, c), r in table.items()]}, out, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
