"""Multi-objective sample efficiency: ridgeline's samplers against Optuna's, by hypervolume.

Every (optimizer, problem, seed) runs once, to the largest budget, on a study that minimises
every objective; the front after each smaller budget is read off the same run (no sampler is
told the budget). Problems are in ``benchmarks/problems/multi_objective.py``: ZDT1-3 (10
variables), DTLZ2 (3 objectives, 12 variables) and a random forest's error against its size on
digits; each has a fixed reference point, chosen and justified there.

Metrics, per budget ``b``:

* **Normalised hypervolume** of a run: the hypervolume of the feasible points among its first
  ``b`` trials (every finished trial here: the problems have no constraints; the hypervolume
  only counts the non-dominated ones) against the problem's reference point, divided by the
  hypervolume of the true Pareto front (synthetic problems), or for the tuning task by the
  larger of its ``best_known_hypervolume`` and the hypervolume of every run's points of the
  comparison together. So 1 is the true (or best known) front and 0 is "no point better than
  the reference point". Tables show the mean over seeds ± its standard error; "overall" is the
  mean over problems (each problem weighs the same), with the standard error combined as
  ``sqrt(sum se_p^2) / n_problems``. Hypervolume is ``ridgeline.multi_objective.hypervolume``
  (exact), through :func:`hypervolume`.
* **Average rank**: for each (problem, seed, budget) the optimizers are ranked by hypervolume
  (1 = largest; tied values share the mean of their ranks), and the ranks are averaged over
  seeds, then over problems.

Wall seconds per run are side columns: ``s/run`` for the whole run and ``sampler s/run`` for
all but the problem's function (sampler, study and storage). The machine is shared and the
tuning task's evaluations are cached across the runs of a worker process, so they are not a
performance claim.

The optimizer registry, the ``name:key=value`` argument syntax, the "not available" check,
the process pool and the table helpers are ``benchmarks/efficiency.py``'s.

Usage::

    python benchmarks/mo_efficiency.py --quick
    python benchmarks/mo_efficiency.py --seeds 5 --jobs 2 --out mo.json
    python benchmarks/mo_efficiency.py --from-json mo.json
    python benchmarks/mo_efficiency.py --optimizers ridgeline-tpe optuna-gp --problems zdt1
"""

from __future__ import annotations

import os

# One thread per process for numpy and scikit-learn; set before either is imported, in the
# main process and in the spawned workers (which import this module first).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import shlex  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.efficiency import (  # noqa: E402
    Optimizer,
    _budgets,
    _fmt,
    _mean,
    _mean_se,
    _sampler,
    _table,
    _versions,
    add_problems_argument,
    parse_optimizer,
    ranks,
    run_tasks,
    unavailable,
)
from benchmarks.problems import (  # noqa: E402
    MO_PROBLEMS,
    MultiObjectiveProblem,
    mo_problems_named,
)

DEFAULT_OPTIMIZERS = (
    "ridgeline-tpe",
    "ridgeline-nsga2",
    "ridgeline-nsga3",
    "ridgeline-auto",
    "ridgeline-gp",
    "ridgeline-random",
    "optuna-tpe",
    "optuna-nsga2",
    "optuna-random",
)
DEFAULT_BUDGETS = (50, 100, 200)
QUICK = {"problems": ["zdt1", "dtlz2"], "seeds": 2, "budgets": (20, 40)}

OPTIMIZERS: dict[str, Optimizer] = {
    "ridgeline-tpe": _sampler("ridgeline", "TPESampler", "TPESampler() defaults"),
    "ridgeline-nsga2": _sampler("ridgeline", "NSGAIISampler", "NSGAIISampler() defaults"),
    "ridgeline-nsga3": _sampler("ridgeline", "NSGAIIISampler", "NSGAIIISampler() defaults"),
    "ridgeline-auto": _sampler("ridgeline", "AutoSampler", "AutoSampler() defaults"),
    "ridgeline-gp": _sampler("ridgeline", "GPSampler", "GPSampler() defaults (ParEGO)"),
    "ridgeline-random": _sampler("ridgeline", "RandomSampler", "RandomSampler"),
    "optuna-tpe": _sampler("optuna", "TPESampler", "Optuna 5 TPESampler() defaults (MOTPE)"),
    "optuna-nsga2": _sampler("optuna", "NSGAIISampler", "Optuna 5 NSGAIISampler() defaults"),
    "optuna-nsga3": _sampler("optuna", "NSGAIIISampler", "Optuna 5 NSGAIIISampler() defaults"),
    "optuna-random": _sampler("optuna", "RandomSampler", "Optuna RandomSampler"),
    "optuna-gp": _sampler("optuna", "GPSampler", "Optuna 5 GPSampler() defaults (slow)"),
}
"""Optimizer names for ``--optimizers`` (``name:key=value,...`` passes sampler arguments, as
in ``efficiency.py``)."""


def hypervolume(points: Any, reference_point: Sequence[float]) -> float:
    """The hypervolume of ``points`` (rows to minimise) against ``reference_point``; points
    not strictly better than it in every objective add nothing. The one place this benchmark
    computes a hypervolume."""
    from ridgeline.multi_objective import hypervolume as exact

    points = np.asarray(points, dtype=float).reshape(-1, len(reference_point))
    return float(exact(points, list(reference_point)))


def hypervolume_at(
    values: Sequence[Sequence[float]], reference_point: Sequence[float], budgets: Sequence[int]
) -> list[float]:
    """The hypervolume of the first ``b`` rows of ``values`` for each budget ``b`` (all rows
    when there are fewer)."""
    return [hypervolume(values[:b], reference_point) for b in budgets]


# --------------------------------------------------------------------------- running


def run_one(
    name: str, problem: MultiObjectiveProblem, seed: int, budgets: Sequence[int]
) -> dict[str, Any]:
    """Run optimizer ``name`` on ``problem`` for ``max(budgets)`` trials.

    Returns:
        The run record saved in ``--out``: optimizer, problem, seed, ``values`` (every
        evaluation's objective values, in order), ``hypervolume`` (at each of ``budgets``),
        ``seconds`` (whole run) and ``objective_seconds``.
    """
    entry, kwargs = parse_optimizer(name, OPTIMIZERS)
    values: list[list[float]] = []
    objective_seconds = 0.0

    def objective(trial: Any) -> tuple[float, ...]:
        # Only the problem's function is timed: ridgeline and Optuna sample inside suggest_*.
        nonlocal objective_seconds
        params = problem.suggest(trial)
        start = time.perf_counter()
        value = problem.evaluate(params)
        objective_seconds += time.perf_counter() - start
        values.append(list(value))
        return value

    if entry.library == "optuna":
        import optuna as framework

        framework.logging.set_verbosity(framework.logging.WARNING)
    else:
        import ridgeline as framework  # type: ignore[no-redef]
    start = time.perf_counter()
    study = framework.create_study(
        sampler=entry.make(seed, kwargs), directions=["minimize"] * problem.n_objectives
    )
    study.optimize(objective, n_trials=max(budgets))
    seconds = time.perf_counter() - start
    return {
        "optimizer": name,
        "problem": problem.name,
        "seed": seed,
        "values": values,
        "hypervolume": hypervolume_at(values, problem.reference_point, budgets),
        "budgets": list(budgets),
        "seconds": seconds,
        "objective_seconds": objective_seconds,
    }


def _task(task: tuple[str, str, int, list[int]]) -> dict[str, Any]:
    name, problem_name, seed, budgets = task
    # Optuna's experimental-feature warnings (GPSampler, NSGA-III), convergence warnings.
    warnings.simplefilter("ignore")
    return run_one(name, MO_PROBLEMS[problem_name], seed, budgets)


def run_all(
    optimizers: Sequence[str],
    problems: Sequence[MultiObjectiveProblem],
    seeds: Sequence[int],
    budgets: Sequence[int],
    jobs: int,
) -> list[dict[str, Any]]:
    """Every (optimizer, problem, seed) to the largest budget; the tuning task is queued
    first so that its slow runs do not end up last in a pool."""
    ordered = sorted(problems, key=lambda p: p.group != "sklearn")
    tasks = [(o, p.name, s, list(budgets)) for p in ordered for s in seeds for o in optimizers]
    return run_tasks(_task, tasks, jobs)


# --------------------------------------------------------------------------- metrics


@dataclass(frozen=True)
class Scale:
    """What a problem's hypervolume is divided by, and where that number comes from."""

    hypervolume: float
    known: bool  # the true front's hypervolume (else: best known or all these runs together)


@dataclass
class Summary:
    """Per-(optimizer, problem, budget) samples over seeds, ready to be rendered."""

    optimizers: list[str]
    problems: list[str]
    budgets: list[int]
    info: dict[str, dict[str, Any]]
    scales: dict[str, Scale]
    hv: dict[tuple[str, str, int], list[float]] = field(default_factory=dict)
    rank: dict[tuple[str, str, int], list[float]] = field(default_factory=dict)
    seconds: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    sampler_seconds: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    short_runs: list[str] = field(default_factory=list)


def scales_for(
    runs: Sequence[dict[str, Any]], problem_info: dict[str, dict[str, Any]]
) -> dict[str, Scale]:
    """The hypervolume each problem's runs are divided by (see the module docstring)."""
    out: dict[str, Scale] = {}
    for name in dict.fromkeys(r["problem"] for r in runs):
        info = problem_info[name]
        if info.get("optimal_hypervolume") is not None:
            out[name] = Scale(info["optimal_hypervolume"], known=True)
            continue
        together = np.concatenate(
            [np.asarray(r["values"], dtype=float) for r in runs if r["problem"] == name]
        )
        seen = hypervolume(together, info["reference_point"])
        best_known = info.get("best_known_hypervolume") or 0.0
        out[name] = Scale(max(seen, best_known), known=False)
    return out


def summarize(
    runs: Sequence[dict[str, Any]], problem_info: dict[str, dict[str, Any]], budgets: list[int]
) -> Summary:
    """Normalised hypervolume and rank samples per (optimizer, problem, budget); see the
    module docstring. A (problem, seed) is ranked only when every optimizer has a run for it.
    """
    optimizers = list(dict.fromkeys(r["optimizer"] for r in runs))
    problems = list(dict.fromkeys(r["problem"] for r in runs))
    scales = scales_for(runs, problem_info)
    summary = Summary(optimizers, problems, budgets, problem_info, scales)
    hv: dict[tuple[str, str, int], list[float]] = {}
    for r in runs:
        key = (r["optimizer"], r["problem"], r["seed"])
        recorded = dict(zip(r.get("budgets", []), r.get("hypervolume", []), strict=True))
        reference = problem_info[r["problem"]]["reference_point"]
        hv[key] = [
            recorded[b] if b in recorded else hypervolume(r["values"][:b], reference)
            for b in budgets
        ]
        if len(r["values"]) < budgets[-1]:
            summary.short_runs.append(f"{key}: {len(r['values'])} trials")
        summary.seconds.setdefault(key[:2], []).append(r["seconds"])
        sampler = r["seconds"] - r.get("objective_seconds", 0.0)
        summary.sampler_seconds.setdefault(key[:2], []).append(sampler)
    for p in problems:
        scale = max(scales[p].hypervolume, 1e-300)
        for s in sorted({r["seed"] for r in runs if r["problem"] == p}):
            have = [o for o in optimizers if (o, p, s) in hv]
            for j, b in enumerate(budgets):
                values = [hv[(o, p, s)][j] for o in have]
                for o, v in zip(have, values, strict=True):
                    summary.hv.setdefault((o, p, b), []).append(v / scale)
                if len(have) == len(optimizers):
                    for o, rk in zip(have, ranks([-v for v in values]), strict=True):
                        summary.rank.setdefault((o, p, b), []).append(rk)
    return summary


def overall(summary: Summary, o: str, b: int) -> tuple[float, float, float]:
    """Mean normalised hypervolume over problems, its standard error, and the mean of the
    per-problem ranks."""
    stats = [_mean_se(summary.hv[(o, p, b)]) for p in summary.problems if (o, p, b) in summary.hv]
    rks = [np.mean(summary.rank[(o, p, b)]) for p in summary.problems if (o, p, b) in summary.rank]
    mean = float(np.mean([m for m, _ in stats])) if stats else math.nan
    se = math.sqrt(sum(s * s for _, s in stats)) / len(stats) if stats else math.nan
    return mean, se, float(np.mean(rks)) if rks else math.nan


# --------------------------------------------------------------------------- rendering


def _point(values: Sequence[float]) -> str:
    return "(" + ", ".join(f"{v:g}" for v in values) + ")"


def render(summary: Summary) -> str:
    """Markdown: the summary table, average ranks per problem, then one table per problem."""
    bs, opts, probs = summary.budgets, summary.optimizers, summary.problems
    hv_heads = [f"hv@{b}" for b in bs]
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
    lines = ["## Summary (mean over problems; hv = hypervolume / optimal or best-known)", ""]
    lines += _table(["optimizer", *hv_heads, *rank_heads, "s/run", "sampler s/run"], rows)
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
        scale, info = summary.scales[p], summary.info[p]
        kind = "of the true front" if scale.known else "best known or all these runs together"
        lines += [
            "",
            f"### {p}",
            "",
            f"reference point {_point(info['reference_point'])}, hypervolume "
            f"{scale.hypervolume:.6g} ({kind}) = 1",
            "",
        ]
        rows = []
        for o in opts:
            hvs = [_mean_se(summary.hv.get((o, p, b), [])) for b in bs]
            rks = [_mean(summary.rank.get((o, p, b), [])) for b in bs]
            rows.append(
                [
                    o,
                    *(f"{_fmt(m)} ± {_fmt(se)}" for m, se in hvs),
                    *(_fmt(rk, 2) for rk in rks),
                    _fmt(_mean(summary.seconds.get((o, p), [])), 2),
                    _fmt(_mean(summary.sampler_seconds.get((o, p), [])), 2),
                ]
            )
        lines += _table(["optimizer", *hv_heads, *rank_heads, "s/run", "sampler s/run"], rows)
    if summary.short_runs:
        lines += ["", "Runs shorter than the largest budget: " + "; ".join(summary.short_runs)]
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def _problem_info(problems: Sequence[MultiObjectiveProblem]) -> dict[str, dict[str, Any]]:
    return {
        p.name: {
            "group": p.group,
            "objective_names": list(p.objective_names),
            "reference_point": list(p.reference_point),
            "optimal_hypervolume": p.optimal_hypervolume,
            "best_known_hypervolume": p.best_known_hypervolume,
        }
        for p in problems
    }


def _commit() -> str:
    """The checkout's commit, marked when ``ridgeline/`` or ``benchmarks/`` have uncommitted
    changes (the code measured is then not exactly that commit)."""
    import subprocess

    root = Path(__file__).resolve().parent.parent

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()

    try:
        commit = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no", "ridgeline", "benchmarks")
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"{commit} with uncommitted changes" if dirty else commit


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Multi-objective sample efficiency: normalised hypervolume and rank.",
        epilog="Metrics and examples: see the docstring of benchmarks/mo_efficiency.py.",
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
        help="comma-separated trial budgets (default 50,100,200)",
    )
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--out", type=Path, help="save the raw runs here (JSON)")
    parser.add_argument("--from-json", type=Path, help="make the tables from a saved --out")
    parser.add_argument(
        "--quick", action="store_true", help="smoke test: zdt1, dtlz2; 2 seeds; budgets 20,40"
    )
    parser.add_argument("--list", action="store_true", help="list optimizers and problems")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    print(f"Command: `{shlex.join(sys.orig_argv)}`\n")
    if args.list:
        for name, entry in OPTIMIZERS.items():
            print(f"{name:28} {entry.description}")
        print()
        for p in MO_PROBLEMS.values():
            print(f"{p.name:28} {p.group:10} {p.description}")
        return 0
    if args.from_json:
        saved = json.loads(args.from_json.read_text())
        budgets = args.budgets or saved["budgets"]
        print(f"From {args.from_json}: {json.dumps(saved.get('versions', {}))}\n")
        print(render(summarize(saved["runs"], saved["problems"], budgets)))
        return 0
    if args.quick:
        args.problems, args.seeds = QUICK["problems"], QUICK["seeds"]
        args.budgets = args.budgets or list(QUICK["budgets"])
    budgets = args.budgets or list(DEFAULT_BUDGETS)
    try:
        problems = mo_problems_named(args.problems)
        missing = {name: unavailable(name, OPTIMIZERS) for name in dict.fromkeys(args.optimizers)}
    except (KeyError, ValueError, TypeError) as e:
        print(f"error: {e.args[0] if e.args else e}", file=sys.stderr)
        return 2
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
    versions = {"commit": _commit(), **_versions()}
    print(
        f"{len(problems)} problems x {len(seeds)} seeds x {len(optimizers)} optimizers, "
        f"budgets {budgets}, {args.jobs} jobs; "
        + ", ".join(f"{k} {v}" for k, v in versions.items())
        + "\n"
    )
    start = time.perf_counter()
    runs = run_all(optimizers, problems, seeds, budgets, args.jobs)
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
        scale = summary.scales[p.name]
        if not scale.known and scale.hypervolume > (p.best_known_hypervolume or 0.0):
            print(
                f"\nNote: {p.name}'s runs together reached hypervolume {scale.hypervolume!r}, "
                f"above its best_known_hypervolume {p.best_known_hypervolume!r}."
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
