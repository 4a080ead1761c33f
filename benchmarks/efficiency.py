"""Sample efficiency: ridgeline's samplers against Optuna, Hyperopt and random search.

Every (optimizer, problem, seed) runs once to the largest budget; the best value found after
each smaller budget is read off the same run (samplers do not know the budget).

* Normalised regret at a budget: ``(best - optimum) / (reference - optimum)``, where the
  reference is the median value of 256 uniformly random configurations (fixed seed), so 1 is
  "as good as a typical random point" and 0 is the optimum. Tuning tasks have no known
  optimum: it is the best value any run or random point reached.
* Average rank: per (problem, seed, budget) the optimizers are ranked by best value (1 is
  best, ties share the mean rank), then ranks are averaged over seeds and problems.

    python benchmarks/efficiency.py --problems synthetic --seeds 10 --jobs 2
    python benchmarks/efficiency.py --optimizers ridgeline-tpe ridgeline-tpe:group=True
    python benchmarks/efficiency.py --quick

Optimizers: ``ridgeline-tpe`` (defaults; ``ridgeline-tpe:key=value,...`` passes arguments),
``ridgeline-tpe-univariate``, ``ridgeline-random``, ``optuna-tpe`` (Optuna's defaults),
``optuna-tpe-univariate``, ``optuna-random``, ``hyperopt-tpe``, ``hyperopt-random``.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from multiprocessing import get_context
from pathlib import Path
from typing import Any

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.problems import (  # noqa: E402
    PROBLEMS,
    Problem,
    from_hyperopt,
    hyperopt_space,
    problems_named,
    random_params,
)

DEFAULT_OPTIMIZERS = ["ridgeline-tpe", "optuna-tpe", "hyperopt-tpe", "ridgeline-random"]


def _linear_gamma(beta: float, cap: int = 25) -> Callable[[int], int]:
    import math

    return lambda n: min(math.ceil(beta * n), cap)


def _kwargs(spec: str) -> dict[str, Any]:
    """``key=value,key=value`` (values as Python literals) -> dict.

    ``gamma=0.15`` means ``gamma(n) = min(ceil(0.15 n), 25)``, ``gamma=sqrt`` Hyperopt's
    ``ceil(0.25 sqrt(n))``, and ``weights=uniform`` equal weights for every observation.
    """
    import ast

    out: dict[str, Any] = {}
    for item in filter(None, spec.split(",")):
        key, _, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if key == "gamma":
            from ridgeline.samplers._tpe import hyperopt_default_gamma

            out[key] = hyperopt_default_gamma if value == "sqrt" else _linear_gamma(float(value))
        elif key == "weights" and value == "uniform":
            out[key] = np.ones
        else:
            out[key] = ast.literal_eval(value)
    return out


def _study_run(lib: str, make_sampler: Callable[[int], Any]) -> Callable[..., list[float]]:
    def run(problem: Problem, seed: int, budget: int) -> list[float]:
        if lib == "optuna":
            import optuna as framework

            framework.logging.set_verbosity(framework.logging.WARNING)
        else:
            import ridgeline as framework  # type: ignore[no-redef]
        study = framework.create_study(sampler=make_sampler(seed))
        values: list[float] = []

        def objective(trial: Any) -> float:
            value = problem.objective(trial)
            values.append(value)
            return value

        study.optimize(objective, n_trials=budget)
        return values

    return run


def _hyperopt_run(algo: str) -> Callable[..., list[float]]:
    def run(problem: Problem, seed: int, budget: int) -> list[float]:
        import hyperopt

        values: list[float] = []

        def objective(sample: dict[str, Any]) -> float:
            value = problem.function(from_hyperopt(problem.space, sample))
            values.append(value)
            return value

        suggest = hyperopt.tpe.suggest if algo == "tpe" else hyperopt.rand.suggest
        hyperopt.fmin(
            objective,
            hyperopt_space(problem.space),
            algo=suggest,
            max_evals=budget,
            rstate=np.random.default_rng(seed),
            show_progressbar=False,
        )
        return values

    return run


def optimizer(name: str) -> Callable[..., list[float]]:
    """The runner for an optimizer name (see the module docstring)."""
    base, _, spec = name.partition(":")
    kwargs = _kwargs(spec)
    if base.startswith("ridgeline-tpe"):
        from ridgeline.samplers import TPESampler

        if base == "ridgeline-tpe-univariate":
            kwargs.setdefault("multivariate", False)
        return _study_run("ridgeline", lambda seed: TPESampler(seed=seed, **kwargs))
    if base == "ridgeline-random":
        from ridgeline.samplers import RandomSampler

        return _study_run("ridgeline", lambda seed: RandomSampler(seed=seed))
    if base.startswith("optuna-tpe"):
        import optuna

        if base == "optuna-tpe-univariate":
            kwargs.setdefault("multivariate", False)
        return _study_run("optuna", lambda seed: optuna.samplers.TPESampler(seed=seed, **kwargs))
    if base == "optuna-random":
        import optuna

        return _study_run("optuna", lambda seed: optuna.samplers.RandomSampler(seed=seed))
    if base in ("hyperopt-tpe", "hyperopt-random"):
        return _hyperopt_run(base.split("-")[1])
    raise SystemExit(f"unknown optimizer {name!r}; see --help")


def _task(args: tuple[str, str, int, int]) -> dict[str, Any]:
    name, problem_name, seed, budget = args
    warnings.simplefilter("ignore")
    start = time.perf_counter()
    values = optimizer(name)(PROBLEMS[problem_name], seed, budget)
    return {
        "optimizer": name,
        "problem": problem_name,
        "seed": seed,
        "values": values,
        "seconds": time.perf_counter() - start,
    }


def _reference(name: str, n: int = 256) -> list[float]:
    problem = PROBLEMS[name]
    rng = np.random.default_rng(12345)
    return [problem.function(random_params(problem.space, rng)) for _ in range(n)]


def _references(problems: Sequence[Problem], jobs: int) -> dict[str, list[float]]:
    with get_context("spawn").Pool(jobs) as pool:
        refs = pool.map(_reference, [p.name for p in problems])
    return {p.name: r for p, r in zip(problems, refs, strict=True)}


def _ranks(values: Sequence[float]) -> np.ndarray:
    """Ranks (1 = smallest), ties sharing their mean rank."""
    arr = np.asarray(values)
    return np.array([1 + np.sum(arr < v) + (np.sum(arr == v) - 1) / 2 for v in arr])


def tables(runs: list[dict[str, Any]], refs: dict[str, list[float]], budgets: list[int]) -> str:
    """Markdown tables of mean normalised regret (± standard error) and average rank."""
    optimizers = list(dict.fromkeys(r["optimizer"] for r in runs))
    problems = list(dict.fromkeys(r["problem"] for r in runs))
    seeds = sorted({r["seed"] for r in runs})
    best: dict[tuple[str, str, int, int], float] = {}
    for r in runs:
        curve = np.minimum.accumulate(np.asarray(r["values"], dtype=float))
        for b in budgets:
            best[(r["optimizer"], r["problem"], r["seed"], b)] = float(
                curve[min(b, len(curve)) - 1]
            )
    regret: dict[tuple[str, str, int], list[float]] = {}
    rank: dict[tuple[str, str, int], list[float]] = {}
    for prob in problems:
        known = PROBLEMS[prob].optimum
        optimum = (
            known
            if known is not None
            else min(min(refs[prob]), min(v for k, v in best.items() if k[1] == prob))
        )
        reference = float(np.median(refs[prob]))
        for b in budgets:
            for s in seeds:
                vals = [best[(o, prob, s, b)] for o in optimizers if (o, prob, s, b) in best]
                if len(vals) != len(optimizers):
                    continue
                for o, rk in zip(optimizers, _ranks(vals), strict=True):
                    rank.setdefault((o, prob, b), []).append(float(rk))
                for o, v in zip(optimizers, vals, strict=True):
                    r_ = (v - optimum) / max(reference - optimum, 1e-12)
                    regret.setdefault((o, prob, b), []).append(r_)
    lines: list[str] = []
    head = "| optimizer | " + " | ".join(f"regret@{b} | rank@{b}" for b in budgets) + " |"
    sep = "|---|" + "---|---|" * len(budgets)
    lines += ["### Overall (mean over problems)", "", head, sep]
    for o in optimizers:
        cells = []
        for b in budgets:
            reg = np.mean([np.mean(regret[(o, p, b)]) for p in problems if (o, p, b) in regret])
            rk = np.mean([np.mean(rank[(o, p, b)]) for p in problems if (o, p, b) in rank])
            cells.append(f"{reg:.4f} | {rk:.2f}")
        lines.append(f"| {o} | " + " | ".join(cells) + " |")
    secs = {o: np.mean([r["seconds"] for r in runs if r["optimizer"] == o]) for o in optimizers}
    lines += ["", "Mean wall seconds per run (whole run, objective included; not a cost claim): "
              + ", ".join(f"{o} {s:.1f}" for o, s in secs.items()), ""]  # fmt: skip
    for prob in problems:
        lines += [f"### {prob}", "", head, sep]
        for o in optimizers:
            cells = []
            for b in budgets:
                reg = np.asarray(regret.get((o, prob, b), [np.nan]))
                se = reg.std(ddof=1) / np.sqrt(len(reg)) if len(reg) > 1 else 0.0
                cells.append(f"{reg.mean():.4f} ± {se:.4f} | {np.mean(rank[(o, prob, b)]):.2f}")
            lines.append(f"| {o} | " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--optimizers", nargs="+", default=DEFAULT_OPTIMIZERS)
    parser.add_argument("--problems", nargs="+", default=["all"])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--budgets", default="50,100,200")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--out", help="write raw runs (JSON) here")
    parser.add_argument("--from-json", help="make the tables from a saved --out file")
    parser.add_argument("--quick", action="store_true", help="2 problems, 2 seeds, budget 30")
    args = parser.parse_args(argv)
    if args.quick:
        args.problems, args.seeds, args.budgets = ["branin", "mixed"], 2, "15,30"
    budgets = sorted(int(b) for b in args.budgets.split(","))
    print(f"Command: `python benchmarks/efficiency.py {shlex.join(sys.argv[1:])}`\n")
    if args.from_json:
        saved = json.loads(Path(args.from_json).read_text())
        print(tables(saved["runs"], saved["references"], budgets))
        return
    problems = problems_named(args.problems)
    for name in args.optimizers:
        optimizer(name)  # fail fast on unknown names or missing peers
    tasks = [(o, p.name, s, budgets[-1]) for p in problems for s in range(args.seeds)
             for o in args.optimizers]  # fmt: skip
    start = time.perf_counter()
    refs = _references(problems, args.jobs)
    with get_context("spawn").Pool(args.jobs) as pool:
        runs = []
        for i, run in enumerate(pool.imap_unordered(_task, tasks), 1):
            runs.append(run)
            print(f"\r{i}/{len(tasks)} runs", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    runs.sort(key=lambda r: (r["problem"], args.optimizers.index(r["optimizer"]), r["seed"]))
    if args.out:
        Path(args.out).write_text(json.dumps({"runs": runs, "references": refs}))
    elapsed = time.perf_counter() - start
    print(
        f"{len(problems)} problems x {args.seeds} seeds x {len(args.optimizers)} optimizers, "
        f"budgets {budgets}; {elapsed:.0f} s with {args.jobs} jobs\n"
    )
    print(tables(runs, refs, budgets))


if __name__ == "__main__":
    main()
