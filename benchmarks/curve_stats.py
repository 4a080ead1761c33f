"""How much early values tell about final ones on the pruning benchmark's problems.

Pruning saves steps only where a curve's early values rank configurations as its final value
does. This script measures that on random configurations, independently of any sampler or
pruner, and relates it to the pruning benchmark's runs (``benchmarks/pruning.py``):

* **Final values**: quantiles of the final value (the noise-free one on the synthetic
  problems) over ``--configs`` configurations drawn by a seeded ``RandomSampler``, every one
  trained to the last step.
* **Rank agreement**: the Spearman correlation of the value observed at each rung step
  (``1, 3, 9, ...`` below ``max_steps``, the rungs of reduction factor 3) with the final value,
  over all configurations, and over the best 20 % and 5 % of them by final value: how well a
  rung orders the configurations that a tuned sampler ends up proposing.
* **Kept at a rung**: of the best 5 % by final value, the share that is in the best third at
  the rung step (what one rung of successive halving with reduction factor 3 keeps of them).
* **A curve model**: the same Spearman over the best 20 %, but of a prediction of the final
  value from the whole curve up to the rung step (a ridge regression on the standardised
  values, fitted on the other configurations' full curves in 5-fold cross-validation): what
  learning-curve extrapolation could add to the latest value alone.
* With ``--runs FILE...`` (the pruning benchmark's ``--runs-out`` files): the benchmark's
  target per problem (the median best final value of ``ridgeline-nopruning`` at the full
  budget, as in ``pruning.py``) as a share of random configurations reaching it, and for each
  optimizer the share of its complete trials whose final value is within the random
  configurations' best 20 % and 5 %: where a run spends its full-length trials.

Usage::

    python benchmarks/curve_stats.py --problems sklearn --configs 400 --jobs 2
    python benchmarks/curve_stats.py --problems all --runs full.json more.json --out stats.md
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import shlex  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.efficiency import _table, _versions, add_problems_argument, run_tasks  # noqa: E402
from benchmarks.mo_efficiency import _commit  # noqa: E402
from benchmarks.problems.learning_curves import (  # noqa: E402
    LEARNING_CURVE_PROBLEMS,
    LearningCurveProblem,
)
from benchmarks.pruning import (  # noqa: E402
    add_jobs_argument,
    problems_named,
    summarize,
)

QUANTILES = (0.01, 0.05, 0.2, 0.5)
"""Quantiles of the final value shown per problem."""
TOPS = (1.0, 0.2, 0.05)
"""Rank agreement is measured over the best fraction of configurations by final value."""


@dataclass
class Curves:
    """``curves[i, t]``: the value configuration ``i`` reported at step ``t + 1``;
    ``finals[i]``: its score (the noise-free final value where the problem has one), signed so
    that lower is better."""

    problem: LearningCurveProblem
    curves: np.ndarray
    finals: np.ndarray


def random_configs(problem: LearningCurveProblem, n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` configurations of ``problem``'s search space from a seeded ``RandomSampler``."""
    import ridgeline

    study = ridgeline.create_study(sampler=ridgeline.samplers.RandomSampler(seed=seed))
    configs = []
    for _ in range(n):
        trial = study.ask()
        configs.append(problem.suggest(trial))
        study.tell(trial, 0.0)
    return configs


def _curve(task: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    name, config = task
    problem = LEARNING_CURVE_PROBLEMS[name]
    warnings.simplefilter("ignore")
    curve = [float(v) for v in problem.train(config)]
    final = problem.final(config) if problem.final is not None else curve[-1]
    return {"curve": curve, "final": float(final)}


def sample_curves(problem: LearningCurveProblem, n: int, seed: int, jobs: int) -> Curves:
    """Train ``n`` random configurations of ``problem`` to the last step."""
    configs = random_configs(problem, n, seed)
    done = run_tasks(_curve, [(problem.name, c) for c in configs], jobs)
    sign = 1.0 if problem.direction == "minimize" else -1.0
    curves = sign * np.array([d["curve"] for d in done], dtype=float)
    finals = sign * np.array([d["final"] for d in done], dtype=float)
    return Curves(problem, curves, finals)


def _ranks(values: np.ndarray) -> np.ndarray:
    """Ranks from 0, ties sharing the mean of their ranks (as Spearman's rho needs)."""
    order = np.argsort(values, kind="stable")
    ranks = np.empty(len(values), dtype=float)
    ranks[order] = np.arange(len(values), dtype=float)
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    sums = np.zeros(len(counts))
    np.add.at(sums, inverse, ranks)
    return (sums / counts)[inverse]


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman's rank correlation of ``a`` and ``b`` (NaN when either is constant or fewer
    than 3 values)."""
    if len(a) < 3:
        return float("nan")
    ra, rb = _ranks(np.asarray(a, dtype=float)), _ranks(np.asarray(b, dtype=float))
    if ra.std() == 0.0 or rb.std() == 0.0:
        return float("nan")
    return float(np.corrcoef(ra, rb)[0, 1])


def rung_steps(max_steps: int, eta: int = 3) -> list[int]:
    """The rung steps ``1, eta, eta**2, ...`` below ``max_steps``."""
    steps, step = [], 1
    while step < max_steps:
        steps.append(step)
        step *= eta
    return steps


def best(finals: np.ndarray, fraction: float) -> np.ndarray:
    """Indices of the best ``fraction`` of the configurations by final value (at least 3)."""
    k = max(3, round(fraction * len(finals)))
    return np.argsort(finals, kind="stable")[:k]


def rank_agreement(c: Curves, step: int, fraction: float) -> float:
    """Spearman of the value at ``step`` with the final value over the best ``fraction``."""
    idx = best(c.finals, fraction)
    return spearman(c.curves[idx, step - 1], c.finals[idx])


def kept_share(c: Curves, step: int, top: float = 0.05, keep: float = 1 / 3) -> float:
    """Of the best ``top`` by final value, the share within the best ``keep`` at ``step``."""
    idx = best(c.finals, top)
    at_step = c.curves[:, step - 1]
    threshold = np.sort(at_step)[max(0, int(np.ceil(keep * len(at_step))) - 1)]
    return float(np.mean(at_step[idx] <= threshold))


def extrapolated_agreement(c: Curves, step: int, fraction: float, folds: int = 5) -> float:
    """Spearman, over the best ``fraction`` by final value, of the final value with a curve
    model's prediction of it from the values at steps ``1..step``: a ridge regression fitted,
    in ``folds``-fold cross-validation, on the other configurations' full curves. It tells
    whether the shape of the early curve, not only its latest value, orders them; the model
    learns from far more complete curves than a tuning run has."""
    from sklearn.linear_model import RidgeCV
    from sklearn.model_selection import KFold

    x = c.curves[:, :step]
    x = (x - x.mean(axis=0)) / np.where(x.std(axis=0) > 0, x.std(axis=0), 1.0)
    predicted = np.empty(len(c.finals))
    for train, test in KFold(folds, shuffle=True, random_state=0).split(x):
        model = RidgeCV(alphas=(0.01, 0.1, 1.0, 10.0)).fit(x[train], c.finals[train])
        predicted[test] = model.predict(x[test])
    idx = best(c.finals, fraction)
    return spearman(predicted[idx], c.finals[idx])


def share_reaching(c: Curves, target: float) -> float:
    """The share of the random configurations whose signed score is at or below ``target``."""
    return float(np.mean(c.finals <= target))


# --------------------------------------------------------------------------- rendering


def _fmt(x: float, digits: int = 2) -> str:
    return "-" if not np.isfinite(x) else f"{x:.{digits}f}"


def render(stats: dict[str, Curves], runs: list[dict[str, Any]], directions: dict[str, str]) -> str:
    lines: list[str] = []
    names = list(stats)
    lines += ["### Final values of random configurations", ""]
    header = ["problem", "configurations", *[f"{q:.0%} quantile" for q in QUANTILES]]
    rows = []
    for name in names:
        c = stats[name]
        sign = 1.0 if c.problem.direction == "minimize" else -1.0
        qs = [sign * float(np.quantile(c.finals, q)) for q in QUANTILES]
        rows.append([name, str(len(c.finals)), *[f"{q:.4f}" for q in qs]])
    lines += [*_table(header, rows), ""]

    lines += [
        "### Spearman of the value at a rung step with the final value: all / best 20 % / "
        "best 5 % of the configurations",
        "",
    ]
    width = max(len(rung_steps(stats[n].problem.max_steps)) for n in names)
    header = ["problem", *[f"rung {k + 1}" for k in range(width)]]
    rows = []
    for name in names:
        c = stats[name]
        cells = [
            f"step {s}: " + " / ".join(_fmt(rank_agreement(c, s, f)) for f in TOPS)
            for s in rung_steps(c.problem.max_steps)
        ]
        rows.append([name, *cells, *["" for _ in range(width - len(cells))]])
    lines += [*_table(header, rows), ""]

    lines += ["### Of the best 5 % by final value, the share in the best third at a rung step", ""]
    rows = []
    for name in names:
        c = stats[name]
        cells = [f"step {s}: {kept_share(c, s):.0%}" for s in rung_steps(c.problem.max_steps)]
        rows.append([name, *cells, *["" for _ in range(width - len(cells))]])
    lines += [*_table(header, rows), ""]

    lines += [
        "### Spearman over the best 20 % of a curve model's prediction of the final value "
        "from the values up to a rung step, with the final value (ridge regression, 5-fold "
        "cross-validation)",
        "",
    ]
    rows = []
    for name in names:
        c = stats[name]
        cells = [
            f"step {s}: {_fmt(extrapolated_agreement(c, s, 0.2))}"
            for s in rung_steps(c.problem.max_steps)
        ]
        rows.append([name, *cells, *["" for _ in range(width - len(cells))]])
    lines += [*_table(header, rows), ""]

    if not runs:
        return "\n".join(lines)
    summary = summarize(runs, directions)
    lines += [
        "### The pruning benchmark's target, and where its runs spent their complete trials",
        "",
        "Target: the median best final value of the reference at the full budget; "
        "share of random configurations reaching it. Then, per optimizer, the share of its "
        "complete trials (all seeds) whose final value is within the random configurations' "
        "best 20 % / best 5 %.",
        "",
    ]
    problems = [p for p in summary.problems if p in stats]
    header = ["optimizer", *problems]
    rows = [["target (share of random configs)"]]
    for p in problems:
        target = summary.target.get(p)
        if target is None:
            rows[0].append("-")
            continue
        c = stats[p]
        share = share_reaching(c, summary.signs[p] * target)
        # None of the random configurations reaching it: below one in len(finals).
        shown = f"{share:.2%}" if share > 0 else f"< {1 / len(c.finals):.2%}"
        rows[0].append(f"{target:.4f} ({shown})")
    for o in summary.optimizers:
        row = [o]
        for p in problems:
            c = stats[p]
            sign = summary.signs[p]
            finals = np.array(
                [
                    sign * t[3]
                    for r in runs
                    if r["optimizer"] == o and r["problem"] == p
                    for t in r["trials"]
                    if t[1] == "complete"
                ],
                dtype=float,
            )
            if len(finals) == 0:
                row.append("-")
                continue
            q20, q5 = np.quantile(c.finals, 0.2), np.quantile(c.finals, 0.05)
            row.append(
                f"{np.mean(finals <= q20):.0%} / {np.mean(finals <= q5):.0%} ({len(finals)})"
            )
        rows.append(row)
    lines += _table(header, rows)
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Rank agreement of early and final values on random configurations.",
        epilog="Definitions: see the docstring of benchmarks/curve_stats.py.",
    )
    add_problems_argument(parser)
    parser.add_argument("--configs", type=int, default=400, help="per problem (default 400)")
    parser.add_argument("--seed", type=int, default=123, help="RandomSampler seed (default 123)")
    add_jobs_argument(parser)
    parser.add_argument(
        "--runs", type=Path, nargs="+", help="pruning benchmark --runs-out files to relate"
    )
    parser.add_argument("--out", type=Path, help="also write the markdown tables here")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        problems = problems_named(args.problems)
        if args.configs < 10 or args.jobs < 1:
            raise ValueError(
                f"--configs must be >= 10 and --jobs >= 1 (got {args.configs}, {args.jobs})"
            )
        runs: list[dict[str, Any]] = []
        directions: dict[str, str] = {}
        for path in args.runs or []:
            saved = json.loads(path.read_text())
            runs += saved["runs"]
            directions.update(saved["directions"])
    except (KeyError, ValueError, OSError) as e:
        print(f"error: {e.args[-1] if isinstance(e, OSError) else e.args[0]}", file=sys.stderr)
        return 2
    command = (
        shlex.join(sys.orig_argv)
        if argv is None
        else shlex.join([".venv/bin/python", "benchmarks/curve_stats.py", *argv])
    )
    start = time.perf_counter()
    stats = {p.name: sample_curves(p, args.configs, args.seed, args.jobs) for p in problems}
    elapsed = time.perf_counter() - start
    versions = {"commit": _commit(), **_versions()}
    text = "\n".join(
        [
            f"Command: `{command}`",
            "",
            f"{len(problems)} problems x {args.configs} configurations in {elapsed:.0f} s.",
            "Versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()),
            "",
            render(stats, runs, directions),
        ]
    )
    print(text)
    if args.out is not None:
        args.out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
