"""GP sampler cost per trial: ridgeline's GPSampler against Optuna's, at 100 and 300 trials.

For each space, library and checkpoint ``n`` a fresh interpreter:

1. pins numeric libraries to one thread: ``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS``,
   ``MKL_NUM_THREADS`` are set to 1 before numpy, scipy or torch is imported, and
   ``torch.set_num_threads(1)`` is called for Optuna's GP (which uses torch); ridgeline's
   GPSampler also limits BLAS to one thread itself while it computes;
2. creates an in-memory study with ``GPSampler(seed=0)`` (defaults otherwise) and adds
   ``n - warmup - window`` finished trials: random points (fixed seed, the same for both
   libraries) with the objective's values;
3. runs ``warmup`` untimed trials (the first fit after a bulk load is cold: ridgeline fits
   its hyperparameters from several starts once, then warm-starts), then times ``window``
   trials, numbered ``[n - window, n)``, each ``study.ask()`` + suggests + ``study.tell()``.

The time is almost all sampler: the objectives cost microseconds. Spaces:

* ``continuous5``: 5 floats in [-5, 5], objective: a shifted, rotated quadratic plus a sine;
* ``mixed``: a float, a log float, a stepped float, an int, a log int, and two categoricals
  (3 and 4 choices); objective: a sum of terms in each.

The table shows mean seconds per timed trial, the slowest trial, and the ratio Optuna /
ridgeline (above 3 means ridgeline costs less than a third of Optuna).

    python benchmarks/gp_overhead.py [--checkpoints 100 300] [--spaces continuous5 mixed]
        [--window 10] [--warmup 2] [--json FILE]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CHOICES_A = ["relu", "tanh", "gelu"]
CHOICES_B = ["adam", "sgd", "rmsprop", "adagrad"]


def _continuous5(trial: Any) -> float:
    x = [trial.suggest_float(f"x{i}", -5.0, 5.0) for i in range(5)]
    return sum((i + 1) * (x[i] - 1.0 + 0.3 * x[(i + 1) % 5]) ** 2 for i in range(5)) + math.sin(
        3 * x[0]
    )


def _mixed(trial: Any) -> float:
    a = trial.suggest_float("a", -3.0, 3.0)
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    drop = trial.suggest_float("drop", 0.0, 0.5, step=0.05)
    depth = trial.suggest_int("depth", 1, 12)
    width = trial.suggest_int("width", 8, 1024, log=True)
    act = trial.suggest_categorical("act", CHOICES_A)
    opt = trial.suggest_categorical("opt", CHOICES_B)
    return (
        (a - 1) ** 2
        + (math.log10(lr) + 3) ** 2
        + 4 * (drop - 0.2) ** 2
        + 0.1 * abs(depth - 5)
        + abs(math.log2(width) - 7) / 3
        + CHOICES_A.index(act) * 0.5
        + (0 if opt == "adam" else 1)
    )


SPACES = {"continuous5": _continuous5, "mixed": _mixed}


def _random_params(space: str, rng: Any) -> dict[str, Any]:
    if space == "continuous5":
        return {f"x{i}": float(rng.uniform(-5, 5)) for i in range(5)}
    return {
        "a": float(rng.uniform(-3, 3)),
        "lr": float(10 ** rng.uniform(-5, -1)),
        "drop": round(0.05 * int(rng.integers(11)), 2),
        "depth": int(rng.integers(1, 13)),
        "width": round(float(2 ** rng.uniform(3, 10))),
        "act": CHOICES_A[int(rng.integers(3))],
        "opt": CHOICES_B[int(rng.integers(4))],
    }


def worker(library: str, space: str, n: int, window: int, warmup: int) -> dict[str, Any]:
    """Run in a fresh interpreter: build the history, time ``window`` trials."""
    import numpy as np

    if library == "optuna":
        import optuna as lib
        import torch

        torch.set_num_threads(1)
        lib.logging.set_verbosity(lib.logging.WARNING)
    else:
        import ridgeline as lib  # type: ignore[no-redef]

    objective = SPACES[space]
    sampler = lib.samplers.GPSampler(seed=0)
    study = lib.create_study(sampler=sampler)
    rng = np.random.default_rng(12345)
    fixed = lib.trial.FixedTrial if hasattr(lib.trial, "FixedTrial") else None
    n_history = n - warmup - window
    probe = lib.create_study(sampler=lib.samplers.RandomSampler(seed=0))
    probe.optimize(objective, n_trials=1)
    distributions = probe.trials[0].distributions
    trials = []
    for _ in range(n_history):
        params = _random_params(space, rng)
        value = objective(fixed(params)) if fixed is not None else None
        trials.append(
            lib.trial.create_trial(params=params, distributions=distributions, value=value)
        )
    study.add_trials(trials)
    times = []
    for i in range(warmup + window):
        start = time.perf_counter()
        trial = study.ask()
        value = objective(trial)
        study.tell(trial, value)
        if i >= warmup:
            times.append(time.perf_counter() - start)
    return {"library": library, "space": space, "n": n, "times": times}


def _run_worker(library: str, space: str, n: int, window: int, warmup: int) -> dict[str, Any]:
    args = json.dumps([library, space, n, window, warmup])
    out = subprocess.run(
        [sys.executable, __file__, "--worker", args],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if out.returncode != 0:
        raise RuntimeError(f"worker {args} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--checkpoints", type=int, nargs="+", default=[100, 300])
    parser.add_argument("--spaces", nargs="+", default=list(SPACES), choices=list(SPACES))
    parser.add_argument("--libraries", nargs="+", default=["ridgeline", "optuna"])
    parser.add_argument("--window", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--json", help="save the raw timings here")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(worker(*json.loads(args.worker))))
        return
    print(f"Command: `{' '.join([Path(sys.executable).name, *sys.argv])}`\n")
    print(
        f"python {platform.python_version()}, {os.cpu_count()} cpus; one numeric thread per "
        f"process; window {args.window} timed trials after {args.warmup} untimed\n"
    )
    results: dict[tuple[str, str, int], list[float]] = {}
    for space in args.spaces:
        for n in args.checkpoints:
            for library in args.libraries:
                r = _run_worker(library, space, n, args.window, args.warmup)
                results[(library, space, n)] = r["times"]
                print(
                    f"  {space:12s} n={n:<5d} {library:9s} "
                    f"{sum(r['times']) / len(r['times']):.3f} s/trial",
                    file=sys.stderr,
                )
    head = "| space | trials | " + " | ".join(f"{lib} s/trial (max)" for lib in args.libraries)
    both = {"ridgeline", "optuna"} <= set(args.libraries)
    print(head + (" | optuna / ridgeline |" if both else " |"))
    print("|" + "---|" * (2 + len(args.libraries) + (1 if both else 0)))
    for space in args.spaces:
        for n in args.checkpoints:
            cells, means = [], {}
            for library in args.libraries:
                t = results[(library, space, n)]
                means[library] = sum(t) / len(t)
                cells.append(f"{means[library]:.3f} ({max(t):.3f})")
            ratio = f" {means['optuna'] / means['ridgeline']:.1f}x |" if both else ""
            print(f"| {space} | {n} | " + " | ".join(cells) + " |" + ratio)
    if args.json:
        Path(args.json).write_text(
            json.dumps([{"key": list(k), "times": v} for k, v in results.items()], indent=1)
        )


if __name__ == "__main__":
    main()
