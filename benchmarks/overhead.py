"""Sampler overhead: milliseconds per trial at 100, 1,000 and 10,000 trials, ridgeline vs Optuna.

What is timed is one trial of an in-memory study driven by ask/tell: ``study.ask()``, ten
``trial.suggest_*`` calls on a fixed mixed space (4 floats: plain, log, step, plain; 3 ints:
plain, log, step; 3 categoricals of 2, 3 and 5 choices), a cheap deterministic objective and
``study.tell()``. The objective costs microseconds, so the time is the sampler plus the
framework around it. Both libraries run the same space, objective, seed and trial code. Each
measurement is a fresh interpreter that first runs a throw-away study of 30 trials, so lazy
imports (scipy for ridgeline's TPE, ~0.2 s once per process) are not counted as trials.

Two methods, printed with the results:

``--method window`` (default)
    For each checkpoint ``n`` a fresh process creates a study, adds ``n - window - warmup``
    pre-made finished trials with ``study.add_trials``, runs ``warmup`` untimed trials (the
    first ask after a bulk load fills the sampler's caches; its time is shown as "1st trial")
    and times ``window`` trials, numbered ``[n - window, n)``. This measures a trial at history
    size ``n`` in seconds where a full run would take an hour (Optuna's TPE at 10,000 trials).
    The seconds to reach ``n`` are then estimated (marked ``≈``) by the trapezoid rule over the
    checkpoints, starting from the cost near 25 trials, timed in the throw-away study.

    The pre-made history is the same for every optimizer: by default (``--history tpe``) the
    first trials of one ridgeline ``TPESampler(seed=0)`` run on the same objective, made once
    per benchmark run (or kept with ``--history-file``). The shape of the history matters:
    Optuna's TPE computes a Gaussian mass in a kernel's tail with a scalar Python function (one
    call per kernel and candidate), and a uniform random history (``--history random``) puts
    twice as many (kernel, candidate) pairs in the tails as the concentrated history of a TPE
    run, so it costs Optuna about twice as much per trial at 1,000 trials; a history from
    Optuna's own TPE run and one from ridgeline's give it the same cost.

``--method full``
    One fresh process per optimizer runs a study from empty to the last checkpoint and records
    every trial; ms/trial at ``n`` is the mean over trials ``[0.9 n, n)`` and the seconds to
    reach ``n`` are measured. Optuna's runs stop at ``--optuna-max-trials`` (its TPE costs
    about 25 ms per trial at 1,000 trials and grows linearly); checkpoints past that are
    measured with the window method (marked ``†``) and their seconds extrapolated from the
    measured ones.

Ratios are Optuna / ridgeline for the pairs in ``OPTIMIZERS`` (``peer``): random vs random,
univariate TPE vs univariate TPE, and ridgeline's default TPE vs Optuna 5's default TPE (both
multivariate; ridgeline's also groups conditional parameters), which is what a user switching
libraries without changing arguments sees.

Numeric libraries are pinned to one thread (``OMP_NUM_THREADS`` and friends are set to 1
before numpy is imported), as a sampler beside parallel trials should run. With
``--repeats`` the median is reported and the runs of the optimizers are interleaved, so that
a noisy machine slows all of them alike. ``--profile`` prints where the timed trials spend
their time.

    python benchmarks/overhead.py [--method window|full] [--optimizers NAME ...]
        [--checkpoints 100 1000 10000] [--repeats 3] [--quick] [--history-file FILE]
        [--out FILE] [--json FILE]
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import platform
import random
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Before anything imports numpy (the libraries do, in the measuring process): one thread per
# numeric library, as a sampler beside parallel trials should run.
THREAD_VARS = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)
for _var in THREAD_VARS:
    os.environ[_var] = "1"

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

SEED = 0
LIBS = ("ridgeline", "optuna")
NA = "-"  # a table cell without a figure
CHECKPOINTS = (100, 1_000, 10_000)
QUICK_CHECKPOINTS = (100, 300)
HISTORY_OPTIMIZER = "ridgeline-tpe"  # makes the pre-made histories (--history tpe)
PROCESS_WARMUP = 30  # trials of a throw-away study, past the 10 random startup trials of TPE
ANCHOR = (20, 30)  # its trials timed as the cost near n = 25, where seconds-to-n estimates start

# The search space: name -> (low, high, log, step) for numbers, name -> choices for categories.
FLOATS: dict[str, tuple[float, float, bool, float | None]] = {
    "x": (-5.0, 5.0, False, None),
    "lr": (1e-5, 1e-1, True, None),
    "dropout": (0.0, 0.5, False, 0.05),
    "momentum": (0.0, 1.0, False, None),
}
INTS: dict[str, tuple[int, int, bool, int]] = {
    "units": (1, 100, False, 1),
    "batch_size": (16, 1024, True, 1),
    "layers": (1, 9, False, 2),
}
CATEGORICALS: dict[str, tuple[Any, ...]] = {
    "bias": ("yes", "no"),
    "activation": ("relu", "tanh", "gelu"),
    "heads": (1, 2, 4, 8, 16),
}
_ACTIVATION_COST = {"relu": 0.0, "tanh": 0.3, "gelu": 0.1}


@dataclass(frozen=True)
class Optimizer:
    """A sampler to time: ``{lib}.samplers.{sampler}(seed=SEED, **kwargs)``.

    ``peer`` names the Optuna optimizer a ridgeline one is compared with in the table.
    """

    lib: str
    sampler: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    peer: str | None = None

    def make(self, opt: Any) -> Any:
        return getattr(opt.samplers, self.sampler)(seed=SEED, **self.kwargs)

    def describe(self) -> str:
        args = ", ".join([f"seed={SEED}"] + [f"{k}={v!r}" for k, v in self.kwargs.items()])
        return f"{self.lib}.samplers.{self.sampler}({args})"


# More samplers (GP, CMA-ES, ...) are one line each; ``--optimizers`` selects among them.
OPTIMIZERS: dict[str, Optimizer] = {
    "ridgeline-tpe": Optimizer("ridgeline", "TPESampler", peer="optuna-tpe"),
    "ridgeline-tpe-univariate": Optimizer(
        "ridgeline", "TPESampler", {"multivariate": False}, peer="optuna-tpe-univariate"
    ),
    "ridgeline-random": Optimizer("ridgeline", "RandomSampler", peer="optuna-random"),
    "optuna-tpe": Optimizer("optuna", "TPESampler"),
    "optuna-tpe-univariate": Optimizer("optuna", "TPESampler", {"multivariate": False}),
    "optuna-random": Optimizer("optuna", "RandomSampler"),
}


# --- the trial, the same for both libraries ---------------------------------------------------


def import_lib(lib: str) -> Any:
    """The library module, quiet: Optuna's INFO logs and ExperimentalWarnings are silenced."""
    opt = importlib.import_module(lib)  # ridgeline logs nothing by default
    if lib == "optuna":
        opt.logging.set_verbosity(opt.logging.WARNING)
        warnings.filterwarnings("ignore", category=opt.exceptions.ExperimentalWarning)
    return opt


def suggest(trial: Any) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for name, (flo, fhi, flog, fstep) in FLOATS.items():
        params[name] = trial.suggest_float(name, flo, fhi, log=flog, step=fstep)
    for name, (ilo, ihi, ilog, istep) in INTS.items():
        params[name] = trial.suggest_int(name, ilo, ihi, log=ilog, step=istep)
    for name, choices in CATEGORICALS.items():
        params[name] = trial.suggest_categorical(name, choices)
    return params


def objective(p: dict[str, Any]) -> float:
    """A cheap deterministic function of every parameter (a few microseconds)."""
    return float(
        p["x"] ** 2
        + (math.log10(p["lr"]) + 3.0) ** 2
        + 10.0 * (p["dropout"] - 0.2) ** 2
        + (p["momentum"] - 0.9) ** 2
        + ((p["units"] - 30) / 50) ** 2
        + (math.log2(p["batch_size"]) - 7.0) ** 2 / 10.0
        + (p["layers"] - 5) ** 2 / 10.0
        + (0.0 if p["bias"] == "yes" else 0.2)
        + _ACTIVATION_COST[p["activation"]]
        + abs(math.log2(p["heads"]) - 2.0) / 4.0
    )


def run_trial(study: Any) -> float:
    """Seconds for one trial: ask, suggest every parameter, evaluate, tell."""
    t0 = time.perf_counter()
    trial = study.ask()
    study.tell(trial, objective(suggest(trial)))
    return time.perf_counter() - t0


def random_params(rng: random.Random) -> dict[str, Any]:
    """Uniform random params (log-uniform on log scales, on the grid where there is a step)."""
    params: dict[str, Any] = {}
    for name, (flo, fhi, flog, fstep) in FLOATS.items():
        if fstep is not None:
            params[name] = flo + rng.randint(0, round((fhi - flo) / fstep)) * fstep
        elif flog:
            params[name] = min(fhi, max(flo, math.exp(rng.uniform(math.log(flo), math.log(fhi)))))
        else:
            params[name] = rng.uniform(flo, fhi)
    for name, (ilo, ihi, ilog, istep) in INTS.items():
        if ilog:
            x = math.exp(rng.uniform(math.log(ilo - 0.5), math.log(ihi + 0.5)))
            params[name] = min(ihi, max(ilo, round(x)))
        else:
            params[name] = ilo + rng.randint(0, (ihi - ilo) // istep) * istep
    for name, choices in CATEGORICALS.items():
        params[name] = rng.choice(choices)
    return params


def random_history(n: int, seed: int) -> list[dict[str, Any]]:
    """The params of ``n`` uniform random trials (``--history random``)."""
    rng = random.Random(seed)
    return [random_params(rng) for _ in range(n)]


def tpe_history(n: int) -> list[dict[str, Any]]:
    """The params of the first ``n`` trials of one run of ``HISTORY_OPTIMIZER`` (``--history
    tpe``): what a study looks like when a model-based sampler resumes it."""
    spec = OPTIMIZERS[HISTORY_OPTIMIZER]
    opt = import_lib(spec.lib)
    study = opt.create_study(sampler=spec.make(opt))
    for _ in range(n):
        run_trial(study)
    return [t.params for t in study.get_trials(deepcopy=False)]


def finished_trials(opt: Any, history: Sequence[dict[str, Any]]) -> list[Any]:
    """``opt``'s finished trials for the params in ``history`` and their objective values."""
    dists = opt.distributions
    distributions: dict[str, Any] = {}
    for name, (flo, fhi, flog, fstep) in FLOATS.items():
        distributions[name] = dists.FloatDistribution(flo, fhi, log=flog, step=fstep)
    for name, (ilo, ihi, ilog, istep) in INTS.items():
        distributions[name] = dists.IntDistribution(ilo, ihi, log=ilog, step=istep)
    for name, choices in CATEGORICALS.items():
        distributions[name] = dists.CategoricalDistribution(choices)
    return [
        opt.trial.create_trial(params=p, distributions=distributions, value=objective(p))
        for p in history
    ]


# --- one measurement, in a fresh interpreter --------------------------------------------------


def _profiled(job: dict[str, Any], run: Callable[[], list[float]]) -> list[float]:
    """``run()``, under cProfile with ``--profile`` (the top functions go to stderr)."""
    if not job["profile"]:
        return run()
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    times = profiler.runcall(run)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(
        os.environ.get("OVH_SORT", "tottime")
    ).print_stats(int(os.environ.get("OVH_N", "15")))
    print(f"--- {job['optimizer']}, n = {job['n']:,}:", out.getvalue(), file=sys.stderr)
    return times


def worker(job: dict[str, Any]) -> dict[str, Any]:
    """Run one job in this (fresh) process: make the history, or one measurement."""
    if job["method"] == "history":
        history = {"kind": "tpe", "params": tpe_history(job["n"])}
        Path(job["path"]).write_text(json.dumps(history))
        return {}
    spec = OPTIMIZERS[job["optimizer"]]
    opt = import_lib(spec.lib)
    # Warm the process first: lazy imports (scipy.special for ridgeline's TPE: ~0.2 s) are paid
    # once per process, not per trial; a throw-away study takes them out of the figures.
    warm = opt.create_study(sampler=spec.make(opt))
    warm_times = [run_trial(warm) for _ in range(PROCESS_WARMUP)]
    anchor = statistics.fmean(warm_times[ANCHOR[0] : ANCHOR[1]])
    study = opt.create_study(sampler=spec.make(opt))
    if job["method"] == "full":
        times = _profiled(job, lambda: [run_trial(study) for _ in range(job["n"])])
        return {"times": times}
    n, window, warmup = job["n"], job["window"], job["warmup"]
    history = json.loads(Path(job["history"]).read_text())["params"][: n - window - warmup]
    t0 = time.perf_counter()
    study.add_trials(finished_trials(opt, history))
    fill_s = time.perf_counter() - t0
    first = [run_trial(study) for _ in range(warmup)]
    times = _profiled(job, lambda: [run_trial(study) for _ in range(window)])
    last = study.get_trials(deepcopy=False)[-1].number
    if last != n - 1:
        raise RuntimeError(f"expected the last trial to be number {n - 1}; got {last}")
    return {
        "times": times,
        "first": first[0] if first else None,
        "fill_s": fill_s,
        "anchor": anchor,
    }


def run_job(job: dict[str, Any]) -> dict[str, Any]:
    """Run ``worker(job)`` in a fresh interpreter (its stderr goes to ours)."""
    env = dict(os.environ, PYTHONHASHSEED="0")
    proc = subprocess.run(
        [sys.executable, __file__, "--worker", json.dumps(job)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    if proc.returncode != 0:
        raise SystemExit(f"measurement failed: {job}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


# --- the driver --------------------------------------------------------------------------------


@dataclass
class Cell:
    """The figures of one optimizer at one checkpoint (medians over repeats)."""

    ms: float
    seconds: float | None = None  # to reach n: measured (full) or estimated
    estimated: bool = False  # seconds are an estimate
    windowed: bool = False  # a window measurement in a full run (past the library's cap)
    first_ms: float | None = None
    spread: tuple[float, float] = (0.0, 0.0)  # min and max ms over repeats


def window_size(n: int, args: argparse.Namespace) -> int:
    """Timed trials at checkpoint ``n``: ``--window``, else n/10 within [20, 100]."""
    size: int = args.window if args.window is not None else 10 if args.quick else n // 10
    if args.window is None and not args.quick:
        size = min(100, max(20, size))
    warmup: int = args.warmup
    return max(1, min(size, n - warmup))


def measure_windows(
    name: str, checkpoints: Sequence[int], args: argparse.Namespace, rep: int
) -> dict[int, dict[str, Any]]:
    """One window measurement per checkpoint, each in a fresh process; their raw results."""
    out = {}
    for n in checkpoints:
        window = window_size(n, args)
        job = {
            "optimizer": name,
            "method": "window",
            "n": n,
            "window": window,
            "warmup": args.warmup,
            "history": args.history_path,
            "profile": args.profile,
        }
        t0 = time.perf_counter()
        res = run_job(job)
        ms = 1e3 * statistics.fmean(res["times"])
        first = "" if res["first"] is None else f", 1st trial {1e3 * res['first']:.1f} ms"
        log(
            f"  {name} n={n:,} (repeat {rep + 1}): {ms:.2f} ms/trial over [{n - window:,}, {n:,})"
            f"{first}, history added in {res['fill_s']:.2f} s [{time.perf_counter() - t0:.1f} s]"
        )
        out[n] = res
    return out


def integrate(
    checkpoints: Sequence[int], ms: dict[int, float], start: tuple[int, float, float]
) -> dict[int, float]:
    """Seconds to reach each checkpoint by the trapezoid rule over (n, ms/trial) points, from
    ``start`` = (n0, seconds at n0, ms/trial at n0)."""
    n0, s0, c0 = start
    out = {}
    for n in checkpoints:
        s0 += (n - n0) * (c0 + ms[n]) / 2 / 1e3
        n0, c0 = n, ms[n]
        out[n] = s0
    return out


def anchor(results: dict[int, dict[str, Any]]) -> tuple[int, float, float]:
    """Where seconds-to-n estimates start: the cost near n = 25, from the warm-up studies
    (median over the processes), taken as flat from 0."""
    ms = 1e3 * statistics.median(r["anchor"] for r in results.values())
    n0 = (ANCHOR[0] + ANCHOR[1]) // 2
    return n0, n0 * ms / 1e3, ms


def cells_by_window(
    name: str, checkpoints: Sequence[int], args: argparse.Namespace, rep: int
) -> dict[int, Cell]:
    """--method window: every checkpoint from a warm history; seconds integrated."""
    cells = {}
    res = measure_windows(name, checkpoints, args, rep)
    for n, r in res.items():
        first = None if r["first"] is None else 1e3 * r["first"]
        cells[n] = Cell(1e3 * statistics.fmean(r["times"]), first_ms=first)
    secs = integrate(checkpoints, {n: c.ms for n, c in cells.items()}, anchor(res))
    for n, c in cells.items():
        c.seconds, c.estimated = secs[n], True
    return cells


def cells_by_full_run(
    name: str, checkpoints: Sequence[int], args: argparse.Namespace, rep: int
) -> dict[int, Cell]:
    """--method full: one run up to the library's cap, windows past it."""
    cap = args.max_trials
    if OPTIMIZERS[name].lib == "optuna":
        cap = min(cap, args.optuna_max_trials)
    full_n = max([n for n in checkpoints if n <= cap], default=0)
    cells: dict[int, Cell] = {}
    start: tuple[int, float, float] | None = None
    if full_n:
        t0 = time.perf_counter()
        job = {"optimizer": name, "method": "full", "n": full_n, "profile": args.profile}
        times = run_job(job)["times"]
        log(f"  {name}: {full_n:,} trials (repeat {rep + 1}) [{time.perf_counter() - t0:.1f} s]")
        for n in checkpoints:
            if n <= full_n:
                ms = 1e3 * statistics.fmean(times[n - max(1, n // 10) : n])
                cells[n] = Cell(ms, seconds=math.fsum(times[:n]))
        start = (full_n, math.fsum(times), cells[full_n].ms)
    rest = [n for n in checkpoints if n > full_n]
    if rest:
        res = measure_windows(name, rest, args, rep)
        for n, r in res.items():
            cells[n] = Cell(1e3 * statistics.fmean(r["times"]), windowed=True)
        secs = integrate(rest, {n: cells[n].ms for n in rest}, start or anchor(res))
        for n in rest:
            cells[n].seconds, cells[n].estimated = secs[n], True
    return cells


def measure(
    names: Sequence[str], checkpoints: Sequence[int], args: argparse.Namespace
) -> dict[str, dict[int, Cell]]:
    """Every optimizer at every checkpoint; repeats are interleaved across optimizers."""
    by = cells_by_window if args.method == "window" else cells_by_full_run
    runs: dict[str, list[dict[int, Cell]]] = {name: [] for name in names}
    for rep in range(args.repeats):
        for name in names:
            runs[name].append(by(name, checkpoints, args, rep))
    return {name: _median_cells(reps) for name, reps in runs.items()}


def _median_cells(reps: list[dict[int, Cell]]) -> dict[int, Cell]:
    out = {}
    for n in reps[0]:
        cs = [r[n] for r in reps]
        firsts = [c.first_ms for c in cs if c.first_ms is not None]
        out[n] = Cell(
            ms=statistics.median(c.ms for c in cs),
            seconds=statistics.median(c.seconds or 0.0 for c in cs),
            estimated=cs[0].estimated,
            windowed=cs[0].windowed,
            first_ms=statistics.median(firsts) if firsts else None,
            spread=(min(c.ms for c in cs), max(c.ms for c in cs)),
        )
    return out


def pairs(names: Sequence[str]) -> list[tuple[str | None, str | None]]:
    """(ridgeline, Optuna) rows: each ridgeline optimizer with its peer if that is selected,
    then every selected Optuna optimizer that is nobody's peer."""
    rows: list[tuple[str | None, str | None]] = []
    for name in names:
        peer = OPTIMIZERS[name].peer
        if OPTIMIZERS[name].lib == "ridgeline":
            rows.append((name, peer if peer in names else None))
    paired = {p for _, p in rows}
    rows += [(None, n) for n in names if OPTIMIZERS[n].lib == "optuna" and n not in paired]
    return rows


def _ms(cell: Cell | None) -> str:
    if cell is None:
        return NA
    return f"{cell.ms:.2f}{'†' if cell.windowed else ''}"


def _secs(cell: Cell | None) -> str:
    if cell is None or cell.seconds is None:
        return NA
    return f"{'≈' if cell.estimated else ''}{cell.seconds:.1f}"


def _first(cell: Cell | None) -> str:
    return NA if cell is None or cell.first_ms is None else f"{cell.first_ms:.1f}"


def table(
    results: dict[str, dict[int, Cell]], checkpoints: Sequence[int], method: str
) -> list[str]:
    head = "| ridgeline | Optuna | n | ridgeline ms/trial | Optuna ms/trial | ratio |"
    head += " ridgeline s to n | Optuna s to n |"
    sep = "|---|---|---|---|---|---|---|---|"
    if method == "window":
        head += " ridgeline 1st trial ms | Optuna 1st trial ms |"
        sep += "---|---|"
    lines = [head, sep]
    for rl, op in pairs(list(results)):
        for n in checkpoints:
            r = results[rl][n] if rl else None
            o = results[op][n] if op else None
            ratio = f"{o.ms / r.ms:.1f}x" if r and o else NA
            row = f"| {rl or NA} | {op or NA} | {n:,} | {_ms(r)} | {_ms(o)} | {ratio} |"
            row += f" {_secs(r)} | {_secs(o)} |"
            if method == "window":
                row += f" {_first(r)} | {_first(o)} |"
            lines.append(row)
    return lines


def machine_info() -> list[str]:
    import numpy

    versions = {"python": platform.python_version(), "numpy": numpy.__version__}
    for lib in LIBS:
        try:
            versions[lib] = import_lib(lib).__version__
        except ImportError:
            versions[lib] = "not installed"
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = subprocess.run(
        ["git", "-C", str(HERE.parent), "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return [
        "Versions: "
        + ", ".join(f"{k} {v}" for k, v in versions.items())
        + (f" (commit {commit})" if commit else ""),
        f"Machine: {platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} CPUs; "
        + "numeric threads pinned to 1 ("
        + ", ".join(f"{v}=1" for v in THREAD_VARS[:3])
        + ", ...)",
    ]


def available(names: Sequence[str]) -> list[str]:
    """The optimizers that can be built here; the others are reported and skipped."""
    ok = []
    for name in names:
        spec = OPTIMIZERS[name]
        try:
            spec.make(import_lib(spec.lib))
        except (ImportError, AttributeError, TypeError) as e:
            log(f"{name}: unavailable ({type(e).__name__}: {e}); skipped")
        else:
            ok.append(name)
    return ok


def windowed_checkpoints(args: argparse.Namespace, names: Sequence[str]) -> list[int]:
    """The checkpoints measured from a pre-made history by some optimizer."""
    if args.method == "window":
        return list(args.checkpoints)
    caps = [
        args.optuna_max_trials if OPTIMIZERS[name].lib == "optuna" else args.max_trials
        for name in names
    ]
    full = [max([n for n in args.checkpoints if n <= cap], default=0) for cap in caps]
    return [n for n in args.checkpoints if n > min(full)]


def prepare_history(args: argparse.Namespace, names: Sequence[str], tmp: Path) -> str | None:
    """Write (or reuse, with ``--history-file``) the pre-made history that every window
    measurement loads a prefix of; return its path, or None where no window is measured."""
    windowed = windowed_checkpoints(args, names)
    if not windowed:
        return None
    # Measurements use fewer (n - window - warmup); the whole n serves any window and warmup.
    n = max(windowed)
    path = Path(args.history_file) if args.history_file else tmp / "history.json"
    if path.exists():
        history = json.loads(path.read_text())
        if len(history["params"]) < n:
            raise SystemExit(f"{path} holds fewer than the {n:,} trials needed; delete it")
        args.history = history["kind"]
        log(f"history: {path} (reused, {args.history})")
        return str(path)
    if args.history == "tpe" and not available([HISTORY_OPTIMIZER]):
        log(f"{HISTORY_OPTIMIZER} is unavailable: random histories instead (--history random)")
        args.history = "random"
    t0 = time.perf_counter()
    if args.history == "tpe":
        run_job({"method": "history", "n": n, "path": str(path)})
    else:
        path.write_text(json.dumps({"kind": "random", "params": random_history(n, SEED)}))
    log(f"history of {n:,} trials ({args.history}) made in {time.perf_counter() - t0:.1f} s")
    return str(path)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Sampler time per trial at 100, 1,000 and 10,000 trials, ridgeline vs Optuna.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--optimizers",
        nargs="+",
        choices=list(OPTIMIZERS),
        default=list(OPTIMIZERS),
        metavar="NAME",
        help="any of: " + ", ".join(OPTIMIZERS),
    )
    parser.add_argument("--method", choices=("window", "full"), default="window")
    parser.add_argument("--checkpoints", nargs="+", type=int, default=None)
    parser.add_argument("--max-trials", type=int, default=10_000, help="drop checkpoints past this")
    parser.add_argument(
        "--optuna-max-trials",
        type=int,
        default=2_000,
        help="--method full: Optuna runs stop here; later checkpoints are window estimates",
    )
    parser.add_argument(
        "--history",
        choices=("tpe", "random"),
        default="tpe",
        help=f"pre-made trials: a {HISTORY_OPTIMIZER} run (realistic) or uniform random ones",
    )
    parser.add_argument(
        "--history-file",
        default=None,
        help="keep the pre-made history here and reuse it in later runs (a ridgeline-tpe "
        "history of 10,000 trials takes about 2 minutes to make)",
    )
    parser.add_argument(
        "--window", type=int, default=None, help="timed trials per checkpoint (n/10 in [20, 100])"
    )
    parser.add_argument("--warmup", type=int, default=None, help="untimed trials before them (3)")
    parser.add_argument("--repeats", type=int, default=1, help="fresh runs; the median is shown")
    parser.add_argument(
        "--quick", action="store_true", help="smoke test: n = 100, 300, 10-trial windows"
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile each timed part (to stderr)"
    )
    parser.add_argument("--out", default=None, help="also write the markdown report here")
    parser.add_argument("--json", default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    if args.warmup is None:
        args.warmup = 2 if args.quick else 3
    checkpoints = args.checkpoints or (QUICK_CHECKPOINTS if args.quick else CHECKPOINTS)
    args.checkpoints = sorted({n for n in checkpoints if n <= args.max_trials})
    if not args.checkpoints:
        parser.error("no checkpoint left at or below --max-trials")
    if min(args.checkpoints) <= args.warmup:
        parser.error("every checkpoint must exceed --warmup")
    if args.repeats < 1 or args.warmup < 0 or (args.window is not None and args.window < 1):
        parser.error("--repeats and --window must be >= 1, --warmup >= 0")
    return args


def history_note(args: argparse.Namespace) -> str:
    if args.history == "tpe":
        spec = OPTIMIZERS[HISTORY_OPTIMIZER]
        return f"the first trials of one `{spec.describe()}` run on the same objective"
    return f"uniform random params (seed {SEED}) and their objective values"


def method_note(args: argparse.Namespace) -> str:
    if args.method == "window":
        windows = ", ".join(f"[{n - window_size(n, args):,}, {n:,})" for n in args.checkpoints)
        return (
            "Method: window — per checkpoint a fresh process adds a pre-made history, the same "
            f"for every optimizer ({history_note(args)}), to a new in-memory study as finished "
            f"trials, runs {args.warmup} untimed trials and times trials {windows}; "
            "seconds to n (≈) integrate ms/trial over the checkpoints from the cost near 25 "
            "trials."
        )
    note = (
        "Method: full — one fresh in-memory study per optimizer run to the last checkpoint; "
        "ms/trial is the mean over trials [0.9 n, n)."
    )
    if args.history_path is not None:
        note += (
            f" Optuna runs stop at {args.optuna_max_trials:,} trials: † marks window "
            f"measurements past that (as --method window, history: {history_note(args)}) and ≈ "
            "their extrapolated seconds."
        )
    return note


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    started = time.perf_counter()
    names = available(list(dict.fromkeys(args.optimizers)))
    if not names:
        raise SystemExit("no optimizer available")
    with tempfile.TemporaryDirectory(prefix="ridgeline-overhead-") as tmp:
        args.history_path = prepare_history(args, names, Path(tmp))
        results = measure(names, args.checkpoints, args)
    lines = [
        "Command: `" + shlex.join(["python", *sys.argv]) + "`",
        "",
        *machine_info(),
        "",
        method_note(args),
        f"Repeats: {args.repeats} (median shown). Space: {len(FLOATS)} floats, {len(INTS)} "
        f"ints, {len(CATEGORICALS)} categoricals; in-memory storage; ask/tell.",
        "",
        "Optimizers: " + "; ".join(f"`{name}` = `{OPTIMIZERS[name].describe()}`" for name in names),
        "",
        *table(results, args.checkpoints, args.method),
        "",
        "ratio = Optuna ms/trial / ridgeline ms/trial. "
        f"Total time {time.perf_counter() - started:.0f} s.",
    ]
    report = "\n".join(lines)
    print(report)
    if args.out:
        Path(args.out).write_text(report + "\n")
    if args.json:
        figures = {
            name: {str(n): vars(cell) for n, cell in cells.items()}
            for name, cells in results.items()
        }
        Path(args.json).write_text(json.dumps({"argv": sys.argv, "results": figures}, indent=1))


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--worker":
        print(json.dumps(worker(json.loads(sys.argv[2]))))
    else:
        main()
