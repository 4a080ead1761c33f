"""What early stopping saves: ridgeline's pruners and BOHB against no pruning and Optuna's.

Every (problem, optimizer, seed) is one run on learning-curve problems
(``benchmarks/problems/learning_curves.py``: SGD and MLP trained epoch by epoch with
``partial_fit`` on digits, and three synthetic curve families). A run is a study with the
optimizer's seeded sampler and its pruner; the objective trains its configuration one step
at a time, reports each step's value (``trial.report(value, step)``, steps 1, 2, ...,
``max_steps``) and asks ``should_prune()`` after every step but the last. Every trained
step is counted, and the run stops when it has spent its budget of
``n_full_trials * max_steps`` steps (the problem's ``n_full_trials`` times ``--budget-scale``):
a trial in progress when the budget runs out is stopped there and told as pruned, so no run
trains a step more than its budget.

Definitions (the same for every optimizer):

* A trial is **complete** when it trained all ``max_steps`` steps; its **final value** is
  the value it reported at the last step.
* The **best final value** of a run after ``b`` steps is the score of the complete trial
  with the best final value among those that finished within the first ``b`` steps (the
  configuration the run would hand over), where the score is the final value itself on the
  real problems and the noise-free final value (``problem.final``) on the synthetic ones, so
  a lucky noise draw is not rewarded. No complete trial yet: no value (ranked last).
* **Quality at equal steps**: the best final value after a third of the budget and after
  all of it, mean ± standard deviation over seeds, and the average rank among the
  optimizers of the run (1 = best; per problem, seed and budget, ties share ranks).
* **x fewer steps**: the target is the median over seeds of the reference's
  (``ridgeline-nopruning``'s) best final value at the full budget. For each run, the steps
  to target are the steps spent when its best final value first reached the target (never:
  infinite). The ratio is the reference's median steps to target divided by the optimizer's
  median; "k/n" says in how many seeds the optimizer reached it. The overall ratio is the
  geometric mean over the problems where it is defined. With an even number of seeds,
  "median" is the lower of the two middle values here (one of the samples).
* **Trials**: trials started per run, how many of them were complete, and the share of the
  run's steps that went into complete trials (100 % without pruning; what pruning saved is
  the rest).

Steps, not seconds, are the measure, so the shared machine's load does not bias the tables;
``s/run`` is shown for information only. All optimizers run interleaved in one pool.

Usage::

    python benchmarks/pruning.py                      # every problem and optimizer, 5 seeds
    python benchmarks/pruning.py --problems synthetic --seeds 7 --jobs 2 --out pruning.md
    python benchmarks/pruning.py --optimizers ridgeline-nopruning ridgeline-asha \\
        --problems lc_powerlaw --budget-scale 0.2 --runs-out runs.json
    python benchmarks/pruning.py --from-json runs.json more_seeds.json
    python benchmarks/pruning.py --list
"""

from __future__ import annotations

import os

# One thread per process for numpy and scikit-learn; set before either is imported, in the
# main process and in the spawned workers (which import this module first).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import importlib  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import shlex  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402
from types import ModuleType  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.efficiency import (  # noqa: E402
    _fmt,
    _table,
    _versions,
    add_problems_argument,
    ranks,
    run_tasks,
)
from benchmarks.mo_efficiency import _commit  # noqa: E402
from benchmarks.problems.learning_curves import (  # noqa: E402
    LEARNING_CURVE_GROUPS,
    LEARNING_CURVE_PROBLEMS,
    LearningCurveProblem,
)

REFERENCE = "ridgeline-nopruning"
PEER = "optuna-hyperband"
"""The head-to-head table compares every ridgeline optimizer with this one."""
FRACTIONS = ((1, 3), (1, 1))
"""Budgets at which quality is compared, as fractions of the full budget."""


# --------------------------------------------------------------------------- optimizers


@dataclass(frozen=True)
class PruningOptimizer:
    """A sampler and a pruner for a study: ``make(seed, max_steps) -> (sampler, pruner)``
    with ``library`` ``"ridgeline"`` or ``"optuna"``."""

    library: str
    make: Callable[[int, int], tuple[Any, Any]]
    description: str


def _optimizer(
    library: str,
    sampler: Callable[[ModuleType, int], Any],
    pruner: Callable[[ModuleType, int], Any],
    description: str,
) -> PruningOptimizer:
    def make(seed: int, max_steps: int) -> tuple[Any, Any]:
        module = importlib.import_module(library)
        return sampler(module.samplers, seed), pruner(module.pruners, max_steps)

    return PruningOptimizer(library, make, description)


def _tpe(samplers: ModuleType, seed: int) -> Any:
    return samplers.TPESampler(seed=seed)


def _bohb(samplers: ModuleType, seed: int) -> Any:
    return samplers.BOHBSampler(seed=seed)


def _nop(pruners: ModuleType, max_steps: int) -> Any:
    return pruners.NopPruner()


def _median(pruners: ModuleType, max_steps: int) -> Any:
    return pruners.MedianPruner()


def _asha(pruners: ModuleType, max_steps: int) -> Any:
    return pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=3)


def _hyperband(pruners: ModuleType, max_steps: int) -> Any:
    return pruners.HyperbandPruner(min_resource=1, max_resource=max_steps, reduction_factor=3)


OPTIMIZERS: dict[str, PruningOptimizer] = {
    "ridgeline-nopruning": _optimizer("ridgeline", _tpe, _nop, "TPESampler + NopPruner"),
    "ridgeline-median": _optimizer("ridgeline", _tpe, _median, "TPESampler + MedianPruner()"),
    "ridgeline-asha": _optimizer(
        "ridgeline", _tpe, _asha, "TPESampler + SuccessiveHalvingPruner(1, eta 3)"
    ),
    "ridgeline-hyperband": _optimizer(
        "ridgeline", _tpe, _hyperband, "TPESampler + HyperbandPruner(1, max_steps, eta 3)"
    ),
    "ridgeline-bohb": _optimizer(
        "ridgeline", _bohb, _hyperband, "BOHBSampler + HyperbandPruner(1, max_steps, eta 3)"
    ),
    "ridgeline-bohb-asha": _optimizer(
        "ridgeline", _bohb, _asha, "BOHBSampler + SuccessiveHalvingPruner(1, eta 3)"
    ),
    "optuna-nopruning": _optimizer("optuna", _tpe, _nop, "Optuna 5 TPESampler + NopPruner"),
    "optuna-median": _optimizer("optuna", _tpe, _median, "Optuna TPESampler + MedianPruner()"),
    "optuna-hyperband": _optimizer(
        "optuna", _tpe, _hyperband, "Optuna TPESampler + HyperbandPruner(1, max_steps, eta 3)"
    ),
    "optuna-asha": _optimizer(
        "optuna", _tpe, _asha, "Optuna TPESampler + SuccessiveHalvingPruner(1, eta 3)"
    ),
}
"""Optimizer names for ``--optimizers``: the samplers are seeded, the pruners get the same
arguments in both libraries."""

DEFAULT_OPTIMIZERS = (
    "ridgeline-nopruning",
    "ridgeline-median",
    "ridgeline-asha",
    "ridgeline-hyperband",
    "ridgeline-bohb",
    "ridgeline-bohb-asha",
    "optuna-nopruning",
    "optuna-median",
    "optuna-hyperband",
)


# --------------------------------------------------------------------------- running


def budget_of(problem: LearningCurveProblem, scale: float) -> int:
    """The step budget of a run: ``round(scale * n_full_trials)`` (at least 1) full trials."""
    return max(1, round(scale * problem.n_full_trials)) * problem.max_steps


def run_study(
    name: str, problem: LearningCurveProblem, seed: int, budget: int
) -> tuple[dict[str, Any], Any]:
    """Run optimizer ``name`` on ``problem`` until ``budget`` training steps are spent.

    Returns:
        The run record and the study. The record has ``trials``, one
        ``[steps, state, final, score]`` per trial in the order they ran (``state`` is
        ``"complete"``, ``"pruned"`` or ``"cut"`` for the trial stopped by the budget;
        ``final`` and ``score`` are None unless complete), ``steps`` (all steps trained)
        and ``seconds``.
    """
    entry = OPTIMIZERS[name]
    framework: Any = importlib.import_module(entry.library)
    if entry.library == "optuna":
        framework.logging.set_verbosity(framework.logging.WARNING)
    sampler, pruner = entry.make(seed, problem.max_steps)
    # A fixed name: Optuna's HyperbandPruner assigns brackets by a hash of the study name and
    # the trial number, so a generated (random) name would make its runs irreproducible.
    study = framework.create_study(
        study_name=f"{problem.name}-{name}-{seed}",
        direction=problem.direction,
        sampler=sampler,
        pruner=pruner,
    )
    trials: list[list[Any]] = []
    spent = 0

    def objective(trial: Any) -> float:
        nonlocal spent
        config = problem.suggest(trial)
        curve = problem.train(config)
        record: list[Any] = [0, "cut", None, None]
        trials.append(record)
        try:
            for step in range(1, problem.max_steps + 1):
                if spent >= budget:
                    raise framework.TrialPruned()
                value = next(curve)
                spent += 1
                record[0] = step
                trial.report(value, step)
                if step < problem.max_steps and trial.should_prune():
                    record[1] = "pruned"
                    raise framework.TrialPruned()
        finally:
            curve.close()
        score = value if problem.final is None else problem.final(config)
        record[1:] = ["complete", value, score]
        return value

    def stop_when_spent(study: Any, trial: Any) -> None:
        if spent >= budget:
            study.stop()

    start = time.perf_counter()
    # Each trial trains at least one step, so ``budget`` trials is an upper bound.
    study.optimize(objective, n_trials=budget, callbacks=[stop_when_spent])
    run = {
        "optimizer": name,
        "problem": problem.name,
        "seed": seed,
        "budget": budget,
        "steps": spent,
        "trials": trials,
        "seconds": time.perf_counter() - start,
    }
    return run, study


def _task(task: tuple[str, str, int, int]) -> dict[str, Any]:
    name, problem_name, seed, budget = task
    # Optuna's experimental-feature warnings; divergence warnings of bad configurations.
    warnings.simplefilter("ignore")
    return run_study(name, LEARNING_CURVE_PROBLEMS[problem_name], seed, budget)[0]


def run_all(
    optimizers: Sequence[str],
    problems: Sequence[LearningCurveProblem],
    seeds: Sequence[int],
    scale: float,
    jobs: int,
) -> list[dict[str, Any]]:
    """Every (problem, seed, optimizer); the scikit-learn problems first (the slow runs should
    not end up last in the pool), the optimizers of both libraries interleaved."""
    ordered = sorted(problems, key=lambda p: p.group != "sklearn")
    tasks = [
        (o, p.name, s, budget_of(p, scale)) for p in ordered for s in seeds for o in optimizers
    ]
    return run_tasks(_task, tasks, jobs)


# --------------------------------------------------------------------------- metrics


def _completions(run: dict[str, Any], sign: float) -> list[tuple[int, float, float]]:
    """``(steps spent when it finished, signed final value, score)`` of each complete trial."""
    out, spent = [], 0
    for steps, state, final, score in run["trials"]:
        spent += steps
        if state == "complete":
            out.append((spent, sign * final, score))
    return out


def incumbent_curve(run: dict[str, Any], sign: float) -> list[tuple[int, float]]:
    """``(steps, score)`` each time the run's best complete trial changes: the best final
    value as a function of the steps spent (see the module docstring)."""
    curve: list[tuple[int, float]] = []
    best = math.inf
    for spent, final, score in _completions(run, sign):
        if final < best:
            best = final
            curve.append((spent, score))
    return curve


def best_at(curve: Sequence[tuple[int, float]], steps: int) -> float:
    """The score of the incumbent after ``steps`` steps (NaN when there is none yet)."""
    value = math.nan
    for spent, score in curve:
        if spent > steps:
            break
        value = score
    return value


def steps_to(curve: Sequence[tuple[int, float]], target: float, sign: float) -> float:
    """The steps spent when the incumbent's score first reached ``target`` (inf: never)."""
    for spent, score in curve:
        if sign * score <= sign * target:
            return float(spent)
    return math.inf


def lower_median(samples: Sequence[float]) -> float:
    """The median, or with an even number of samples the lower of the two middle ones (so
    it is one of the samples, and at least half of them are at or below it)."""
    return float(sorted(samples)[(len(samples) - 1) // 2])


@dataclass
class Summary:
    """Per-(optimizer, problem) samples over seeds, ready to be rendered."""

    optimizers: list[str]
    problems: list[str]
    reference: str | None
    value: dict[tuple[str, str, int], list[float]] = field(default_factory=dict)
    by_seed: dict[tuple[str, str, int, int], float] = field(default_factory=dict)
    rank: dict[tuple[str, str, int], list[float]] = field(default_factory=dict)
    steps_to: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    trials: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    complete: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    complete_share: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    seconds: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    target: dict[str, float] = field(default_factory=dict)
    signs: dict[str, float] = field(default_factory=dict)
    budget: dict[str, int] = field(default_factory=dict)

    def ratio(self, o: str, p: str) -> float:
        """The reference's median steps to target over ``o``'s (NaN: undefined)."""
        if self.reference is None or p not in self.target:
            return math.nan
        ref = lower_median(self.steps_to[(self.reference, p)])
        mine = lower_median(self.steps_to.get((o, p), [math.inf]))
        return ref / mine if math.isfinite(ref) and math.isfinite(mine) else math.nan


def summarize(runs: Sequence[dict[str, Any]], directions: dict[str, str]) -> Summary:
    """Every metric of the module docstring from the run records.

    A (problem, seed) is ranked only when every optimizer has a run for it. The reference is
    ``ridgeline-nopruning`` when it ran, else the first ``*-nopruning`` optimizer, else none.
    """
    optimizers = list(dict.fromkeys(r["optimizer"] for r in runs))
    problems = list(dict.fromkeys(r["problem"] for r in runs))
    nopruning = [o for o in optimizers if o.endswith("-nopruning")]
    reference = REFERENCE if REFERENCE in optimizers else (nopruning[0] if nopruning else None)
    summary = Summary(optimizers, problems, reference)
    curves: dict[tuple[str, str, int], list[tuple[int, float]]] = {}
    for r in runs:
        sign = 1.0 if directions[r["problem"]] == "minimize" else -1.0
        key = (r["optimizer"], r["problem"])
        curves[(*key, r["seed"])] = incumbent_curve(r, sign)
        summary.budget[r["problem"]] = r["budget"]
        summary.trials.setdefault(key, []).append(len(r["trials"]))
        summary.complete.setdefault(key, []).append(sum(t[1] == "complete" for t in r["trials"]))
        in_complete = sum(t[0] for t in r["trials"] if t[1] == "complete")
        summary.complete_share.setdefault(key, []).append(in_complete / max(r["steps"], 1))
        summary.seconds.setdefault(key, []).append(r["seconds"])
    for p in problems:
        sign = 1.0 if directions[p] == "minimize" else -1.0
        summary.signs[p] = sign
        seeds = sorted({r["seed"] for r in runs if r["problem"] == p})
        for j, (num, den) in enumerate(FRACTIONS):
            steps = summary.budget[p] * num // den
            for s in seeds:
                have = [o for o in optimizers if (o, p, s) in curves]
                values = [best_at(curves[(o, p, s)], steps) for o in have]
                for o, v in zip(have, values, strict=True):
                    summary.value.setdefault((o, p, j), []).append(v)
                    summary.by_seed[(o, p, j, s)] = v
                if len(have) == len(optimizers):
                    signed = [math.inf if math.isnan(v) else sign * v for v in values]
                    for o, rk in zip(have, ranks(signed), strict=True):
                        summary.rank.setdefault((o, p, j), []).append(rk)
        if reference is None:
            continue
        finals = summary.value.get((reference, p, len(FRACTIONS) - 1), [])
        finals = [v for v in finals if not math.isnan(v)]
        if not finals:
            continue
        summary.target[p] = sign * lower_median([sign * v for v in finals])
        for o in optimizers:
            summary.steps_to[(o, p)] = [
                steps_to(curves[(o, p, s)], summary.target[p], sign)
                for s in seeds
                if (o, p, s) in curves
            ]
    return summary


# --------------------------------------------------------------------------- rendering


def _mean_std(samples: Sequence[float]) -> str:
    arr = np.asarray([v for v in samples if not math.isnan(v)], dtype=float)
    if arr.size == 0:
        return "-"
    std = float(arr.std(ddof=1)) if arr.size > 1 else 0.0
    text = f"{arr.mean():.4f} ± {std:.4f}"
    return text if arr.size == len(samples) else f"{text} ({arr.size}/{len(samples)})"


def _mean(samples: Sequence[float]) -> float:
    return float(np.mean(samples)) if len(samples) else math.nan


def _ratio_cell(summary: Summary, o: str, p: str) -> str:
    samples = summary.steps_to.get((o, p), [])
    if not samples:
        return "-"
    reached = sum(math.isfinite(s) for s in samples)
    ratio = summary.ratio(o, p)
    text = "not reached" if math.isnan(ratio) else f"{ratio:.2f}x"
    return f"{text} ({reached}/{len(samples)})"


def _geo_mean_ratio(summary: Summary, o: str) -> tuple[float, int]:
    ratios = [summary.ratio(o, p) for p in summary.problems]
    defined = [r for r in ratios if not math.isnan(r)]
    return (float(np.exp(np.mean(np.log(defined)))) if defined else math.nan), len(defined)


def _fraction_label(j: int) -> str:
    num, den = FRACTIONS[j]
    return "all" if num == den else f"{num}/{den}"


def head_to_head(
    summary: Summary, o: str, peer: str, j: int, problems: Sequence[str] | None = None
) -> tuple[int, int, int]:
    """(wins, ties, losses) of ``o`` against ``peer`` over the (problem, seed) pairs both ran
    (of ``problems`` only, when given), by best final value after budget fraction ``j`` (no
    value loses to any value)."""
    counts = [0, 0, 0]
    for (name, p, jj, s), mine in summary.by_seed.items():
        theirs = summary.by_seed.get((peer, p, jj, s))
        if name != o or jj != j or theirs is None:
            continue
        if problems is not None and p not in problems:
            continue
        sign = summary.signs[p]
        a = math.inf if math.isnan(mine) else sign * mine
        b = math.inf if math.isnan(theirs) else sign * theirs
        counts[0 if a < b else 1 if a == b else 2] += 1
    return counts[0], counts[1], counts[2]


def sign_test(wins: int, losses: int) -> float:
    """Two-sided exact sign test (ties left out): the probability, if either side were as
    likely to win each pair, of a split at least as uneven as ``wins`` to ``losses``."""
    n = wins + losses
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, i) for i in range(min(wins, losses) + 1)) / 2**n
    return min(1.0, 2.0 * tail)


def _head_to_head(summary: Summary, labels: Sequence[str]) -> list[str]:
    ours = [o for o in summary.optimizers if o.startswith("ridgeline-")]
    if PEER not in summary.optimizers or not ours:
        return []
    groups: list[tuple[str, list[str] | None]] = [("all problems", None)]
    for group in LEARNING_CURVE_GROUPS:
        members = [
            p
            for p in summary.problems
            if p in LEARNING_CURVE_PROBLEMS and LEARNING_CURVE_PROBLEMS[p].group == group
        ]
        if members and len(members) < len(summary.problems):
            groups.append((group, members))
    lines = [
        "",
        f"### Head to head with {PEER}: (problem, seed) pairs won / tied / lost on best "
        "final value at equal steps (p: two-sided sign test, ties left out)",
        "",
    ]
    rows = []
    for o in ours:
        cells = []
        for _, members in groups:
            for j in range(len(labels)):
                wins, ties, losses = head_to_head(summary, o, PEER, j, members)
                p = sign_test(wins, losses)
                digits = 2 if p >= 0.01 else 3
                cells.append(f"{wins} / {ties} / {losses} (p {p:.{digits}f})")
        rows.append([o, *cells])
    head = [f"{name} @{lb}" for name, _ in groups for lb in labels]
    if len(groups) == 1:
        head = [f"@{lb}" for lb in labels]
    return lines + _table(["optimizer", *head], rows)


def render(summary: Summary) -> str:
    """Markdown: the overall table, steps ratios and trials per problem, then one table per
    problem with the best final values."""
    opts, probs = summary.optimizers, summary.problems
    labels = [_fraction_label(j) for j in range(len(FRACTIONS))]
    lines = ["### Overall (mean over problems)", ""]
    rows = []
    for o in opts:
        geo, n = _geo_mean_ratio(summary, o)
        rows.append(
            [
                o,
                *(
                    _fmt(_mean([_mean(summary.rank.get((o, p, j), [])) for p in probs]), 2)
                    for j in range(len(FRACTIONS))
                ),
                f"{_fmt(geo, 2)}x ({n}/{len(probs)})" if n else "-",
                _fmt(
                    _mean(
                        [_mean(summary.trials[(o, p)]) for p in probs if (o, p) in summary.trials]
                    ),
                    1,
                ),
            ]
        )
    head = [
        "optimizer",
        *(f"rank @{lb}" for lb in labels),
        "x fewer steps (geo. mean)",
        "trials/run",
    ]
    lines += _table(head, rows)
    lines += _head_to_head(summary, labels)
    if summary.reference is not None:
        lines += [
            "",
            f"### Steps to {summary.reference}'s final quality: x fewer steps than it "
            "(seeds that reached it)",
            "",
        ]
        rows = [[o, *(_ratio_cell(summary, o, p) for p in probs)] for o in opts]
        lines += _table(["optimizer", *probs], rows)
    lines += [
        "",
        "### Trials per run: started (complete), and the share of the steps spent in complete "
        "trials",
        "",
    ]
    rows = [
        [
            o,
            *(
                f"{_mean(summary.trials[(o, p)]):.1f} ({_mean(summary.complete[(o, p)]):.1f}), "
                f"{100 * _mean(summary.complete_share[(o, p)]):.0f} %"
                if (o, p) in summary.trials
                else "-"
                for p in probs
            ),
        ]
        for o in opts
    ]
    lines += _table(["optimizer", *probs], rows)
    for p in probs:
        budget = summary.budget[p]
        lines += ["", f"### {p}", "", f"Budget {budget} steps."]
        reference = summary.reference
        if reference is not None and p in summary.target:
            ref_steps = lower_median(summary.steps_to[(reference, p)])
            lines[-1] += (
                f" Target (median best final value of {reference} at the full budget): "
                f"{summary.target[p]:.4f}, which it reached in a median {ref_steps:.0f} steps."
            )
        lines.append("")
        rows = []
        for o in opts:
            median_steps = lower_median(summary.steps_to.get((o, p), [math.inf]))
            rows.append(
                [
                    o,
                    *(_mean_std(summary.value.get((o, p, j), [])) for j in range(len(FRACTIONS))),
                    *(
                        _fmt(_mean(summary.rank.get((o, p, j), [])), 2)
                        for j in range(len(FRACTIONS))
                    ),
                    "-" if not math.isfinite(median_steps) else f"{median_steps:.0f}",
                    _ratio_cell(summary, o, p),
                    f"{_mean(summary.trials[(o, p)]):.1f} ({_mean(summary.complete[(o, p)]):.1f})",
                    _fmt(_mean(summary.seconds[(o, p)]), 1),
                ]
            )
        head = [
            "optimizer",
            *(
                f"best @{lb} ({budget * FRACTIONS[j][0] // FRACTIONS[j][1]} steps)"
                for j, lb in enumerate(labels)
            ),
            *(f"rank @{lb}" for lb in labels),
            "steps to target",
            "x fewer",
            "trials (complete)",
            "s/run",
        ]
        lines += _table(head, rows)
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def problems_named(names: Sequence[str]) -> list[LearningCurveProblem]:
    """Problems by name or group (``synthetic``, ``sklearn``, ``all``), without repeats.

    Raises:
        KeyError: A name is neither a problem nor a group.
    """
    out: list[LearningCurveProblem] = []
    for name in names:
        if name == "all":
            out.extend(LEARNING_CURVE_PROBLEMS.values())
        elif name in LEARNING_CURVE_GROUPS:
            out.extend(p for p in LEARNING_CURVE_PROBLEMS.values() if p.group == name)
        elif name in LEARNING_CURVE_PROBLEMS:
            out.append(LEARNING_CURVE_PROBLEMS[name])
        else:
            raise KeyError(
                f"unknown problem {name!r}; choose from {', '.join(LEARNING_CURVE_PROBLEMS)} "
                f"or a group ({', '.join(LEARNING_CURVE_GROUPS)})"
            )
    return list(dict.fromkeys(out))


def add_jobs_argument(parser: argparse.ArgumentParser) -> None:
    """``--jobs``: worker processes, 2 by default (1 on a 1-cpu machine)."""
    parser.add_argument(
        "--jobs",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="worker processes (default: 2, or 1 on a 1-cpu machine)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Pruning benchmark: training steps spent and best final value.",
        epilog="Protocol and metrics: see the docstring of benchmarks/pruning.py.",
    )
    parser.add_argument(
        "--optimizers",
        nargs="+",
        default=list(DEFAULT_OPTIMIZERS),
        metavar="NAME",
        help="default: %(default)s",
    )
    add_problems_argument(parser)
    seeds = parser.add_mutually_exclusive_group()
    seeds.add_argument("--seeds", type=int, default=5, help="seeds 0..N-1 (default 5)")
    seeds.add_argument("--seed-list", help="comma-separated seeds, e.g. 0,3,7")
    parser.add_argument(
        "--budget-scale",
        type=float,
        default=1.0,
        help="multiplies each problem's budget in full-length trials (default 1)",
    )
    add_jobs_argument(parser)
    parser.add_argument("--out", type=Path, help="also write the markdown tables here")
    parser.add_argument("--runs-out", type=Path, help="save the raw runs here (JSON)")
    parser.add_argument(
        "--from-json",
        type=Path,
        nargs="+",
        help="make the tables from saved --runs-out files (runs of different seeds merge)",
    )
    parser.add_argument("--list", action="store_true", help="list optimizers and problems")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = (
        shlex.join(sys.orig_argv)
        if argv is None
        else shlex.join([".venv/bin/python", "benchmarks/pruning.py", *argv])
    )
    header = [f"Command: `{command}`", ""]
    if args.list:
        for name, entry in OPTIMIZERS.items():
            print(f"{name:22} {entry.description}")
        print()
        for p in LEARNING_CURVE_PROBLEMS.values():
            print(f"{p.name:22} {p.group:10} {p.description}")
        return 0
    if args.from_json:
        runs, directions = [], {}
        seen: set[tuple[str, str, int]] = set()
        for path in args.from_json:
            saved = json.loads(path.read_text())
            header += [f"From `{path}`, made by `{shlex.join(saved['command'])}`.", ""]
            for r in saved["runs"]:
                key = (r["optimizer"], r["problem"], r["seed"])
                if key in seen:
                    print(f"error: {path} repeats the run {key}", file=sys.stderr)
                    return 2
                seen.add(key)
                runs.append(r)
            directions.update(saved["directions"])
        return _emit(header, saved["versions"], summarize(runs, directions), args.out)
    try:
        problems = problems_named(args.problems)
        unknown = [o for o in args.optimizers if o not in OPTIMIZERS]
        if unknown:
            raise KeyError(f"unknown optimizer {unknown[0]!r}; choose from {', '.join(OPTIMIZERS)}")
        if args.budget_scale <= 0 or args.jobs < 1:
            raise ValueError("--budget-scale must be > 0 and --jobs >= 1")
    except (KeyError, ValueError) as e:
        print(f"error: {e.args[0]}", file=sys.stderr)
        return 2
    optimizers = list(dict.fromkeys(args.optimizers))
    for name in optimizers:
        OPTIMIZERS[name].make(0, 27)  # a missing class fails here, not in a worker
    seeds = (
        [int(s) for s in args.seed_list.split(",")] if args.seed_list else list(range(args.seeds))
    )
    versions = {"commit": _commit(), **_versions()}
    start = time.perf_counter()
    runs = run_all(optimizers, problems, seeds, args.budget_scale, args.jobs)
    elapsed = time.perf_counter() - start
    directions = {p.name: p.direction for p in problems}
    if args.runs_out:
        args.runs_out.write_text(
            json.dumps(
                {
                    "command": shlex.split(command),
                    "versions": versions,
                    "directions": directions,
                    "runs": runs,
                }
            )
        )
    header += [
        f"{len(problems)} problems x {len(seeds)} seeds x {len(optimizers)} optimizers, "
        f"budget scale {args.budget_scale:g}, {args.jobs} jobs, {len(runs)} runs in "
        f"{elapsed:.0f} s.",
        "",
    ]
    return _emit(header, versions, summarize(runs, directions), args.out)


def _emit(header: list[str], versions: dict[str, str], summary: Summary, out: Path | None) -> int:
    text = "\n".join(
        [
            *header,
            "Versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()),
            "",
            render(summary),
        ]
    )
    print(text)
    if out is not None:
        out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
