"""Sample efficiency: ridgeline's samplers against Optuna, Hyperopt, SMAC3 and random search.

Every (optimizer, problem, seed) runs once, to the largest budget; the best value after each
smaller budget is read off the same run, which is valid because no sampler is told the
budget, except SMAC: its ``Scenario`` needs ``n_trials`` (the largest budget), which sizes
its Sobol initial design at ``min(k d, n_trials / 4)`` configurations, ``d`` the number of
hyperparameters (inactive branches included) and ``k`` 10 for ``smac-bo``, 8 for
``smac-bb``; so a smaller budget read off a SMAC run may still lie in that design.
Problems are in ``benchmarks/problems/``.

Metrics, per budget ``b``:

* **Normalised regret** of a run: ``(best_b - optimum) / (reference - optimum)``, where
  ``best_b`` is the best value among its first ``b`` evaluations and ``reference`` is the
  median value of 1,000 random configurations (fixed seed; precomputed in the problem), so
  0 is the optimum and 1 is "as good as a typical random configuration". Synthetic
  functions have a known optimum; for tuning tasks it is the smaller of the problem's
  ``best_known`` and the best value any run in this comparison reached. Tables show the
  mean over seeds ± its standard error; "overall" is the mean over problems (each problem
  weighs the same), with the standard error combined as ``sqrt(sum se_p^2) / n_problems``.
* **Average rank**: for each (problem, seed, budget) the optimizers are ranked by
  ``best_b`` (1 = lowest value; tied values share the mean of their ranks), and the ranks
  are averaged over seeds, then over problems. With k optimizers the ranks average
  (k + 1) / 2, so a rank says how an optimizer did *against the others in this run*.

Wall seconds per run are shown as side columns: ``s/run`` for the whole run and ``sampler
s/run`` for all but the problem's function (sampler, study and storage, Hyperopt's and
SMAC's bookkeeping). They are not a performance claim: the machine is shared, and scikit-learn
evaluations are cached across the runs of a worker process (see ``benchmarks/overhead.py``
for sampler cost).

Usage::

    python benchmarks/efficiency.py --quick
    python benchmarks/efficiency.py --problems synthetic --seeds 10 --jobs 2 --out runs.json
    python benchmarks/efficiency.py --from-json runs.json
    python benchmarks/efficiency.py --optimizers ridgeline-tpe "ridgeline-tpe:gamma=0.15" \\
        optuna-tpe --problems hartmann6 mixed --seed-list 0,1,2 --budgets 50,100
    python benchmarks/efficiency.py --self-check           # problem definitions and adapters
    python benchmarks/efficiency.py --check-references     # recompute the reference medians

Optimizers (``--list``): see :data:`OPTIMIZERS`. ``name:key=value,key=value`` passes keyword
arguments to the sampler (Python literals; for TPE samplers ``gamma=0.15`` means
``gamma(n) = min(ceil(0.15 n), 25)``, ``gamma=sqrt`` Hyperopt's ``min(ceil(0.25 sqrt(n)),
25)``, and ``weights=uniform`` equal weights); for ``hyperopt-tpe`` they go to
``hyperopt.tpe.suggest`` (e.g. ``n_startup_jobs=10``); for ``smac-*`` to the facade's
``get_initial_design`` (e.g. ``smac-bo:n_configs=10``; SMAC still caps it at
``max_ratio * n_trials``).
"""

from __future__ import annotations

import os

# One thread per process for numpy and scikit-learn; set before either is imported, in the
# main process and in the spawned workers (which import this module first).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import ast  # noqa: E402
import functools  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import shlex  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Callable, Iterator, Sequence  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from multiprocessing import get_context  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.problems import (  # noqa: E402
    PROBLEMS,
    Problem,
    check_problem,
    problems_named,
    recompute_reference,
)

DEFAULT_OPTIMIZERS = ("ridgeline-tpe", "optuna-tpe", "hyperopt-tpe", "ridgeline-random")
DEFAULT_BUDGETS = (50, 100, 200)
QUICK = {"problems": ["branin", "mixed", "conditional"], "seeds": 2, "budgets": (15, 30)}


# --------------------------------------------------------------------------- optimizers


@dataclass(frozen=True)
class Optimizer:
    """How to build one optimizer for a seed.

    ``make(seed, kwargs)`` returns a sampler for ``library`` "ridgeline" or "optuna", a
    Hyperopt ``algo`` (seeded through ``fmin``'s ``rstate``) for "hyperopt", or for "smac"
    a function ``(configspace, n_trials, output_directory)`` building the seeded facade.
    """

    library: str
    make: Callable[[int, dict[str, Any]], Any]
    description: str


def _sampler(library: str, cls: str, description: str, **defaults: Any) -> Optimizer:
    """``{library}.samplers.{cls}(seed=seed, **defaults, **kwargs)``."""

    def make(seed: int, kwargs: dict[str, Any]) -> Any:
        import importlib

        samplers = importlib.import_module(f"{library}.samplers")
        return getattr(samplers, cls)(seed=seed, **{**defaults, **kwargs})

    return Optimizer(library, make, description)


def _hyperopt(algo: str) -> Optimizer:
    """``hyperopt.{algo}.suggest`` with the kwargs bound; seeded by ``fmin(rstate=...)``."""

    def make(seed: int, kwargs: dict[str, Any]) -> Any:
        import hyperopt

        return functools.partial(getattr(hyperopt, algo).suggest, **kwargs)

    return Optimizer("hyperopt", make, f"hyperopt.{algo}.suggest")


def _smac(facade: str, description: str) -> Optimizer:
    """``smac.{facade}``, driven by ask and tell, with the kwargs going to its
    ``get_initial_design``; a deterministic scenario (each configuration evaluated once)."""

    def make(seed: int, kwargs: dict[str, Any]) -> Any:
        import inspect
        import logging

        import smac

        cls = getattr(smac, facade)
        inspect.signature(cls.get_initial_design).bind(None, **kwargs)  # a typo: TypeError
        logging.getLogger("smac").setLevel(logging.ERROR)

        def build(configspace: Any, n_trials: int, output_directory: Path) -> Any:
            scenario = smac.Scenario(
                configspace,
                deterministic=True,
                n_trials=n_trials,
                seed=seed,
                output_directory=output_directory,
            )
            return cls(
                scenario,
                initial_design=cls.get_initial_design(scenario, **kwargs),
                logging_level=False,  # SMAC's own setup would reconfigure the root logger
                overwrite=True,
            )

        return build

    return Optimizer("smac", make, description)


OPTIMIZERS: dict[str, Optimizer] = {
    "ridgeline-tpe": _sampler("ridgeline", "TPESampler", "TPESampler() defaults"),
    "ridgeline-tpe-univariate": _sampler(
        "ridgeline", "TPESampler", "one model per parameter", multivariate=False
    ),
    "ridgeline-tpe-multivariate": _sampler(
        "ridgeline", "TPESampler", "joint models per group", multivariate=True, group=True
    ),
    "ridgeline-random": _sampler("ridgeline", "RandomSampler", "RandomSampler"),
    "ridgeline-cmaes": _sampler("ridgeline", "CmaEsSampler", "CmaEsSampler() defaults"),
    "ridgeline-auto": _sampler("ridgeline", "AutoSampler", "AutoSampler() defaults"),
    "optuna-tpe": _sampler("optuna", "TPESampler", "Optuna 5 TPESampler() defaults"),
    "optuna-tpe-univariate": _sampler(
        "optuna", "TPESampler", "one model per parameter", multivariate=False, group=False
    ),
    "optuna-random": _sampler("optuna", "RandomSampler", "Optuna RandomSampler"),
    "ridgeline-gp": _sampler("ridgeline", "GPSampler", "GPSampler() defaults"),
    "optuna-gp": _sampler("optuna", "GPSampler", "Optuna 5 GPSampler() defaults"),
    "optuna-cmaes": _sampler("optuna", "CmaEsSampler", "Optuna 5 CmaEsSampler() defaults"),
    "hyperopt-tpe": _hyperopt("tpe"),
    "hyperopt-random": _hyperopt("rand"),
    "smac-bo": _smac("HyperparameterOptimizationFacade", "SMAC3 HPO facade (random forest)"),
    "smac-bb": _smac("BlackBoxFacade", "SMAC3 black-box facade (Gaussian process)"),
}
"""Optimizer names for ``--optimizers``; add a configuration here (or pass arguments with
``name:key=value,...``)."""


def _linear_gamma(beta: float, n: int) -> int:
    return min(math.ceil(beta * n), 25)


def _sqrt_gamma(n: int) -> int:
    return min(math.ceil(0.25 * math.sqrt(n)), 25)


def parse_optimizer(
    name: str, registry: dict[str, Optimizer] | None = None
) -> tuple[Optimizer, dict[str, Any]]:
    """The registry entry and keyword arguments of ``base[:key=value,...]``.

    Args:
        name: ``base[:key=value,...]``.
        registry: Where ``base`` is looked up (default :data:`OPTIMIZERS`;
            ``mo_efficiency.py`` passes its own).

    Raises:
        KeyError: ``base`` is not in the registry.
        ValueError: An argument is not ``key=value`` with a Python literal value.
    """
    registry = OPTIMIZERS if registry is None else registry
    base, _, spec = name.partition(":")
    if base not in registry:
        raise KeyError(f"unknown optimizer {base!r}; choose from {', '.join(registry)}")
    entry = registry[base]
    kwargs: dict[str, Any] = {}
    for item in filter(None, (s.strip() for s in spec.split(","))):
        key, sep, value = (s.strip() for s in item.partition("="))
        if not sep or not key:
            raise ValueError(f"optimizer argument {item!r} of {name!r} must be key=value")
        if entry.library != "hyperopt" and key == "gamma":
            kwargs[key] = (
                _sqrt_gamma
                if value == "sqrt"
                else functools.partial(_linear_gamma, float(ast.literal_eval(value)))
            )
        elif entry.library != "hyperopt" and key == "weights" and value == "uniform":
            kwargs[key] = np.ones
        else:
            try:
                kwargs[key] = ast.literal_eval(value)
            except (ValueError, SyntaxError) as e:
                raise ValueError(f"value of {key!r} in {name!r} must be a literal") from e
    return entry, kwargs


def unavailable(name: str, registry: dict[str, Optimizer] | None = None) -> str | None:
    """Why optimizer ``name`` cannot run here (its library or class is missing), or None.

    Raises:
        KeyError, ValueError: From :func:`parse_optimizer` (``registry`` goes to it).
        TypeError: The keyword arguments do not fit the sampler (a typo is an error, not
            "unavailable").
    """
    entry, kwargs = parse_optimizer(name, registry)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. Optuna's deprecation of `gamma`
            entry.make(0, kwargs)
    except (ImportError, AttributeError) as e:
        return f"{type(e).__name__}: {e}"
    return None


# --------------------------------------------------------------------------- running


def run_one(name: str, problem: Problem, seed: int, budget: int) -> dict[str, Any]:
    """Run optimizer ``name`` on ``problem`` for ``budget`` evaluations.

    Returns:
        The run record saved in ``--out``: optimizer, problem, seed, ``values`` (every
        evaluation in order), ``seconds`` (whole run) and ``objective_seconds``.
    """
    entry, kwargs = parse_optimizer(name)
    values: list[float] = []
    objective_seconds = 0.0

    def evaluate(params: dict[str, Any]) -> float:
        # Only the problem's function is timed: ridgeline and Optuna sample inside suggest_*.
        nonlocal objective_seconds
        start = time.perf_counter()
        value = problem.evaluate(params)
        objective_seconds += time.perf_counter() - start
        values.append(value)
        return value

    start = time.perf_counter()
    if entry.library == "hyperopt":
        import hyperopt

        hyperopt.fmin(
            lambda sample: evaluate(problem.from_hyperopt(sample)),
            problem.hyperopt_space(),
            algo=entry.make(seed, kwargs),
            max_evals=budget,
            rstate=np.random.default_rng(seed),
            show_progressbar=False,
        )
    elif entry.library == "smac":
        import tempfile

        from smac.runhistory.dataclasses import TrialValue

        from benchmarks.problems import configspace, from_configspace

        with tempfile.TemporaryDirectory(prefix="smac-") as tmp:
            smac = entry.make(seed, kwargs)(configspace(problem.space, seed), budget, Path(tmp))
            for _ in range(budget):
                info = smac.ask()
                value = evaluate(from_configspace(problem.space, info.config))
                smac.tell(info, TrialValue(cost=value), save=False)
    else:
        if entry.library == "optuna":
            import optuna as framework

            framework.logging.set_verbosity(framework.logging.WARNING)
        else:
            import ridgeline as framework  # type: ignore[no-redef]
        study = framework.create_study(sampler=entry.make(seed, kwargs), direction="minimize")
        study.optimize(lambda trial: evaluate(problem.suggest(trial)), n_trials=budget)
    return {
        "optimizer": name,
        "problem": problem.name,
        "seed": seed,
        "values": values,
        "seconds": time.perf_counter() - start,
        "objective_seconds": objective_seconds,
    }


def _task(task: tuple[str, str, int, int]) -> dict[str, Any]:
    name, problem_name, seed, budget = task
    # Optuna's experimental-feature and independent-sampling warnings, convergence warnings.
    warnings.simplefilter("ignore")
    return run_one(name, PROBLEMS[problem_name], seed, budget)


def _pool_map(
    function: Callable[[Any], Any], items: Sequence[Any], jobs: int
) -> Iterator[tuple[int, Any]]:
    """``(index, function(item))`` as they finish; in this process when ``jobs`` is 1."""
    if jobs <= 1:
        for i, item in enumerate(items):
            yield i, function(item)
        return
    with get_context("spawn").Pool(jobs) as pool:
        yield from pool.imap_unordered(functools.partial(_indexed, function), enumerate(items))


def _indexed(function: Callable[[Any], Any], pair: tuple[int, Any]) -> tuple[int, Any]:
    return pair[0], function(pair[1])


def run_all(
    optimizers: Sequence[str],
    problems: Sequence[Problem],
    seeds: Sequence[int],
    budget: int,
    jobs: int,
) -> list[dict[str, Any]]:
    """Every (optimizer, problem, seed) to ``budget``; tuning tasks are queued first so that
    the slow runs do not end up last in a pool."""
    ordered = sorted(problems, key=lambda p: p.group != "sklearn")
    tasks = [(o, p.name, s, budget) for p in ordered for s in seeds for o in optimizers]
    return run_tasks(_task, tasks, jobs)


def run_tasks(
    function: Callable[[Any], dict[str, Any]], tasks: Sequence[Any], jobs: int
) -> list[dict[str, Any]]:
    """``function(task)`` for every task, in ``jobs`` processes, in the order of ``tasks``,
    with progress on stderr (every tenth of the runs, or a live line on a terminal)."""
    runs: list[dict[str, Any]] = [{}] * len(tasks)
    start = time.perf_counter()
    tty = sys.stderr.isatty()
    for done, (i, run) in enumerate(_pool_map(function, tasks, jobs), 1):
        runs[i] = run
        if tty or done * 10 // len(tasks) > (done - 1) * 10 // len(tasks):
            elapsed = time.perf_counter() - start
            eta = elapsed / done * (len(tasks) - done)
            start_, end = ("\r", "" if done < len(tasks) else "\n") if tty else ("", "\n")
            print(
                f"{start_}{done}/{len(tasks)} runs, {elapsed:.0f} s, ~{eta:.0f} s left ",
                end=end,
                file=sys.stderr,
                flush=True,
            )
    return runs


# --------------------------------------------------------------------------- metrics


@dataclass(frozen=True)
class Scale:
    """What normalised regret is measured against on one problem."""

    optimum: float
    reference: float
    known: bool  # the optimum is the true minimum (else: best known / best in these runs)


@dataclass
class Summary:
    """Per-(optimizer, problem, budget) samples over seeds, ready to be rendered."""

    optimizers: list[str]
    problems: list[str]
    budgets: list[int]
    scales: dict[str, Scale]
    regret: dict[tuple[str, str, int], list[float]] = field(default_factory=dict)
    rank: dict[tuple[str, str, int], list[float]] = field(default_factory=dict)
    seconds: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    sampler_seconds: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    short_runs: list[str] = field(default_factory=list)


def best_at(values: Sequence[float], budgets: Sequence[int]) -> list[float]:
    """The best (lowest) value among the first ``b`` of ``values`` for each budget ``b``
    (all of them when the run is shorter than ``b``)."""
    curve = np.minimum.accumulate(np.asarray(values, dtype=float))
    return [float(curve[min(b, len(curve)) - 1]) for b in budgets]


def ranks(values: Sequence[float]) -> list[float]:
    """Ranks from 1 (lowest value); tied values share the mean of the ranks they span."""
    arr = np.asarray(values, dtype=float)
    return [float(1 + np.sum(arr < v) + (np.sum(arr == v) - 1) / 2) for v in arr]


def scales_for(
    runs: Sequence[dict[str, Any]], problem_info: dict[str, dict[str, Any]]
) -> dict[str, Scale]:
    """The optimum and reference of each problem in ``runs`` (see the module docstring)."""
    out: dict[str, Scale] = {}
    for name in dict.fromkeys(r["problem"] for r in runs):
        info = problem_info[name]
        if info.get("optimum") is not None:
            out[name] = Scale(info["optimum"], info["reference"], known=True)
            continue
        seen = min(min(r["values"]) for r in runs if r["problem"] == name)
        best_known = info.get("best_known")
        optimum = seen if best_known is None else min(seen, best_known)
        out[name] = Scale(optimum, info["reference"], known=False)
    return out


def summarize(
    runs: Sequence[dict[str, Any]], problem_info: dict[str, dict[str, Any]], budgets: list[int]
) -> Summary:
    """Regret and rank samples per (optimizer, problem, budget); see the module docstring.

    A (problem, seed) is ranked only when every optimizer has a run for it.
    """
    optimizers = list(dict.fromkeys(r["optimizer"] for r in runs))
    problems = list(dict.fromkeys(r["problem"] for r in runs))
    summary = Summary(optimizers, problems, budgets, scales_for(runs, problem_info))
    best: dict[tuple[str, str, int], list[float]] = {}
    for r in runs:
        key = (r["optimizer"], r["problem"], r["seed"])
        best[key] = best_at(r["values"], budgets)
        if len(r["values"]) < budgets[-1]:
            summary.short_runs.append(f"{key}: {len(r['values'])} evaluations")
        summary.seconds.setdefault(key[:2], []).append(r["seconds"])
        sampler = r["seconds"] - r.get("objective_seconds", 0.0)
        summary.sampler_seconds.setdefault(key[:2], []).append(sampler)
    for p in problems:
        scale = summary.scales[p]
        span = max(scale.reference - scale.optimum, 1e-12)
        for s in sorted({r["seed"] for r in runs if r["problem"] == p}):
            have = [o for o in optimizers if (o, p, s) in best]
            for j, b in enumerate(budgets):
                values = [best[(o, p, s)][j] for o in have]
                for o, v in zip(have, values, strict=True):
                    summary.regret.setdefault((o, p, b), []).append((v - scale.optimum) / span)
                if len(have) == len(optimizers):
                    for o, rk in zip(have, ranks(values), strict=True):
                        summary.rank.setdefault((o, p, b), []).append(rk)
    return summary


def _mean_se(samples: Sequence[float]) -> tuple[float, float]:
    arr = np.asarray(samples, dtype=float)
    if arr.size == 0:
        return math.nan, math.nan
    se = float(arr.std(ddof=1) / math.sqrt(arr.size)) if arr.size > 1 else 0.0
    return float(arr.mean()), se


def overall(summary: Summary, o: str, b: int) -> tuple[float, float, float]:
    """Mean regret over problems, its standard error, and the mean of per-problem ranks."""
    stats = [
        _mean_se(summary.regret[(o, p, b)]) for p in summary.problems if (o, p, b) in summary.regret
    ]
    rks = [np.mean(summary.rank[(o, p, b)]) for p in summary.problems if (o, p, b) in summary.rank]
    mean = float(np.mean([m for m, _ in stats])) if stats else math.nan
    se = math.sqrt(sum(s * s for _, s in stats)) / len(stats) if stats else math.nan
    return mean, se, float(np.mean(rks)) if rks else math.nan


# --------------------------------------------------------------------------- rendering


def _table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def _fmt(x: float, digits: int = 4) -> str:
    return "-" if math.isnan(x) else f"{x:.{digits}f}"


def _mean(samples: Sequence[float]) -> float:
    return float(np.mean(samples)) if len(samples) else math.nan


def render(summary: Summary) -> str:
    """Markdown: the summary table, average ranks per problem, then one table per problem."""
    bs, opts, probs = summary.budgets, summary.optimizers, summary.problems
    regret_heads = [f"regret@{b}" for b in bs]
    rank_heads = [f"rank@{b}" for b in bs]
    rows = []
    for o in opts:
        stats = [overall(summary, o, b) for b in bs]
        secs = [x for p in probs for x in summary.seconds.get((o, p), [])]
        samp = [x for p in probs for x in summary.sampler_seconds.get((o, p), [])]
        rows.append(
            [
                o,
                *(f"{_fmt(m)} ± {_fmt(se)}" for m, se, _ in stats),
                *(_fmt(rk, 2) for _, _, rk in stats),
                _fmt(_mean(secs), 2),
                _fmt(_mean(samp), 2),
            ]
        )
    lines = ["## Summary (mean over problems)", ""]
    lines += _table(["optimizer", *regret_heads, *rank_heads, "s/run", "sampler s/run"], rows)
    lines += ["", f"## Average rank per problem (budgets {' / '.join(map(str, bs))})", ""]
    rows = [
        [
            p,
            *(
                " / ".join(_fmt(_mean(summary.rank.get((o, p, b), [])), 2) for b in bs)
                for o in opts
            ),
        ]
        for p in probs
    ]
    lines += _table(["problem", *opts], rows)
    for p in probs:
        scale = summary.scales[p]
        kind = "known" if scale.known else "best known or best in these runs"
        lines += [
            "",
            f"### {p}",
            "",
            f"optimum {scale.optimum:.6g} ({kind}), reference {scale.reference:.6g}",
            "",
        ]
        rows = []
        for o in opts:
            regrets = [_mean_se(summary.regret.get((o, p, b), [])) for b in bs]
            rks = [_mean(summary.rank.get((o, p, b), [])) for b in bs]
            rows.append(
                [
                    o,
                    *(f"{_fmt(m)} ± {_fmt(se)}" for m, se in regrets),
                    *(_fmt(rk, 2) for rk in rks),
                    _fmt(_mean(summary.seconds.get((o, p), [])), 2),
                ]
            )
        lines += _table(["optimizer", *regret_heads, *rank_heads, "s/run"], rows)
    if summary.short_runs:
        lines += ["", "Runs shorter than the largest budget: " + "; ".join(summary.short_runs)]
    return "\n".join(lines)


def _recompute(name: str) -> tuple[str, dict[str, float]]:
    return name, recompute_reference(PROBLEMS[name])


def reference_table(problems: Sequence[Problem], jobs: int) -> str:
    """Recompute each problem's ``reference`` (and the best random value) and tabulate."""
    rows = []
    for _, (name, new) in sorted(_pool_map(_recompute, [p.name for p in problems], jobs)):
        p = PROBLEMS[name]
        ok = math.isclose(new["median"], p.reference, rel_tol=1e-9)
        rows.append(
            [
                name,
                repr(p.reference),
                repr(new["median"]),
                repr(new["min"]),
                repr(p.best_known),
                f"{new['seconds_per_eval']:.4f}",
                "yes" if ok else "**NO**",
            ]
        )
    head = ["problem", "reference", "recomputed", "best random", "best_known", "s/eval", "same"]
    return "\n".join(_table(head, rows))


# --------------------------------------------------------------------------- main


def _problem_info(problems: Sequence[Problem]) -> dict[str, dict[str, Any]]:
    return {
        p.name: {
            "optimum": p.optimum,
            "reference": p.reference,
            "best_known": p.best_known,
            "group": p.group,
        }
        for p in problems
    }


def _legacy_info(references: dict[str, list[float]]) -> dict[str, dict[str, Any]]:
    """Problem info for files of the first version, which saved the random values: their
    median is the reference, and their best bounds an unknown optimum."""
    out = {}
    for name, values in references.items():
        known = PROBLEMS[name].optimum if name in PROBLEMS else None
        best = None if known is not None else min(values)
        out[name] = {"optimum": known, "reference": float(np.median(values)), "best_known": best}
    return out


def _versions() -> dict[str, str]:
    import importlib.metadata

    out = {
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cpus",
    }
    for package in ("ridgeline", "optuna", "hyperopt", "smac", "scikit-learn", "numpy"):
        try:
            out[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            out[package] = "not installed"
    return out


def _budgets(text: str) -> list[int]:
    budgets = sorted({int(b) for b in text.split(",") if b.strip()})
    if not budgets or budgets[0] < 1:
        raise argparse.ArgumentTypeError(f"budgets must be positive integers; got {text!r}")
    return budgets


def add_problems_argument(parser: argparse.ArgumentParser) -> None:
    """``--problems``: problem names, or the groups synthetic, sklearn and all (the default);
    each benchmark resolves them against its own problems."""
    parser.add_argument(
        "--problems",
        nargs="+",
        default=["all"],
        metavar="NAME",
        help="names, or the groups synthetic, sklearn, all (default)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Sample efficiency of HPO samplers: normalised regret and average rank.",
        epilog="Metrics and examples: see the docstring of benchmarks/efficiency.py.",
    )
    parser.add_argument(
        "--optimizers",
        nargs="+",
        default=list(DEFAULT_OPTIMIZERS),
        metavar="NAME[:k=v,...]",
        help="default: %(default)s",
    )
    add_problems_argument(parser)
    seeds = parser.add_mutually_exclusive_group()
    seeds.add_argument("--seeds", type=int, default=5, help="seeds 0..N-1 (default 5)")
    seeds.add_argument("--seed-list", help="comma-separated seeds, e.g. 0,3,7")
    parser.add_argument(
        "--budgets",
        type=_budgets,
        default=None,
        help="comma-separated evaluation budgets (default 50,100,200)",
    )
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--out", type=Path, help="save the raw runs here (JSON)")
    parser.add_argument("--from-json", type=Path, help="make the tables from a saved --out")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke test: branin, mixed, conditional; 2 seeds; budgets 15,30",
    )
    parser.add_argument("--list", action="store_true", help="list optimizers and problems")
    parser.add_argument(
        "--self-check", action="store_true", help="check the problems and their adapters, then exit"
    )
    parser.add_argument(
        "--check-references",
        action="store_true",
        help="recompute the reference medians (minutes for sklearn), then exit",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    print(f"Command: `{shlex.join(sys.orig_argv)}`\n")
    if args.list:
        for name, entry in OPTIMIZERS.items():
            print(f"{name:28} {entry.description}")
        print()
        for p in PROBLEMS.values():
            print(f"{p.name:28} {p.group:10} {p.description}")
        return 0
    if args.from_json:
        saved = json.loads(args.from_json.read_text())
        longest = max(len(r["values"]) for r in saved["runs"])
        budgets = (
            args.budgets
            or saved.get("budgets")
            or [b for b in DEFAULT_BUDGETS if b <= longest]
            or [longest]
        )
        info = saved.get("problems") or _legacy_info(saved.get("references", {}))
        print(f"From {args.from_json}: {json.dumps(saved.get('versions', {}))}\n")
        print(render(summarize(saved["runs"], info, budgets)))
        return 0
    if args.quick:
        args.problems, args.seeds = QUICK["problems"], QUICK["seeds"]
        args.budgets = args.budgets or list(QUICK["budgets"])
    budgets = args.budgets or list(DEFAULT_BUDGETS)
    try:
        problems = problems_named(args.problems)
        missing = {name: unavailable(name) for name in dict.fromkeys(args.optimizers)}
    except (KeyError, ValueError, TypeError) as e:
        print(f"error: {e.args[0] if e.args else e}", file=sys.stderr)
        return 2
    if args.self_check:
        failures = [f for p in problems for f in check_problem(p)]
        print("\n".join(failures) or f"self-check passed: {', '.join(p.name for p in problems)}")
        return 1 if failures else 0
    if args.check_references:
        print(reference_table(problems, args.jobs))
        return 0
    for name, why in missing.items():
        if why:
            print(f"**{name}: not available** ({why}); left out.\n")
    optimizers = [name for name, why in missing.items() if not why]
    if not optimizers:
        print("error: none of the optimizers is available", file=sys.stderr)
        return 1
    seeds = (
        [int(s) for s in args.seed_list.split(",")] if args.seed_list else list(range(args.seeds))
    )
    versions = _versions()
    print(
        f"{len(problems)} problems x {len(seeds)} seeds x {len(optimizers)} optimizers, "
        f"budgets {budgets}, {args.jobs} jobs; "
        + ", ".join(f"{k} {v}" for k, v in versions.items())
        + "\n"
    )
    start = time.perf_counter()
    runs = run_all(optimizers, problems, seeds, budgets[-1], args.jobs)
    info = _problem_info(problems)
    if args.out:
        args.out.write_text(
            json.dumps(
                {
                    "command": sys.orig_argv,
                    "budgets": budgets,
                    "versions": versions,
                    "problems": info,
                    "runs": runs,
                }
            )
        )
    print(f"{len(runs)} runs in {time.perf_counter() - start:.0f} s\n")
    summary = summarize(runs, info, budgets)
    print(render(summary))
    for p in problems:
        seen = min(min(r["values"]) for r in runs if r["problem"] == p.name)
        if p.best_known is not None and seen < p.best_known:
            print(f"\nNote: {p.name} reached {seen!r}, below its best_known {p.best_known!r}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
