"""Parameter importance: ridgeline's evaluators vs Optuna's, speed and ranking accuracy.

Each problem is a function whose importances are known in closed form: the variance of each
parameter's main effect under the uniform measure on the search space (the quantity that
functional ANOVA estimates, Hutter, Hoos & Leyton-Brown 2014):

* ``additive``: ``sum_i c_i x_i`` over 8 floats in [0, 1] with
  ``c = (10, 6, 4, 3, 2, 1, 0.5, 0)``; main-effect variances ``c_i² / 12``;
* ``interaction``: ``10 x1 + 3 x2 + 5 x1 x3 + x4 + 0 x5`` over floats in [0, 1]; main
  effects of ``x1 .. x5``: ``12.5², 3², 2.5², 1, 0`` (over 12), the rest is the interaction;
* ``mixed``: a categorical with 5 choices (effects 0, 1, 2, 4, 8), ``lr`` log-uniform in
  [1e-5, 1e-1] entering as ``0.5 log10(lr)``, an int ``units`` in [1, 16] entering as
  ``0.1 units``, a float ``dropout`` in [0, 1] entering as ``0.2 dropout`` and an int
  ``seed`` in [0, 100] with no effect.

Trials are uniform random configurations (fixed seed), minimized. For each problem and
number of trials (default 1,000 and 10,000), the same trials are loaded into a ridgeline study
and an Optuna study (``optuna.trial.create_trial`` + ``add_trials``); each evaluator's
``get_param_importances`` is timed in the same process, the two libraries alternating. Calls
under one second are repeated (``--repeats``) and the median kept; slower ones run once.
The ratio is Optuna's default evaluator's time over the evaluator's (above 1: faster than
Optuna's default). Accuracy is Spearman's rank correlation between the importances and the
known main-effect variances (1: the ranking is right), and ``first`` is the parameter ranked
most important (the truth: ``x0``, ``x1`` and ``model``). Forests use seed 0; numeric libraries
are pinned to one thread.

    python benchmarks/importance.py [--sizes 1000 10000] [--problems additive interaction mixed]
        [--evaluators ...] [--repeats 3] [--optuna-fanova-max 1000]

Optuna's fANOVA runs only up to ``--optuna-fanova-max`` trials: it takes minutes at 1,000.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import ridgeline  # noqa: E402
from ridgeline import distributions as rd  # noqa: E402
from ridgeline import importance as ri  # noqa: E402


@dataclass(frozen=True)
class Problem:
    """A function of a search space with known main-effect variances per parameter."""

    name: str
    space: dict[str, rd.BaseDistribution]
    function: Callable[[dict[str, Any]], float]
    truth: dict[str, float]


ADDITIVE_C = (10.0, 6.0, 4.0, 3.0, 2.0, 1.0, 0.5, 0.0)
CHOICE_EFFECTS = {"a": 0.0, "b": 1.0, "c": 2.0, "d": 4.0, "e": 8.0}
UNIT = rd.FloatDistribution(0.0, 1.0)


def _uniform_int_variance(low: int, high: int) -> float:
    return ((high - low + 1) ** 2 - 1) / 12.0


PROBLEMS = {
    "additive": Problem(
        "additive",
        {f"x{i}": UNIT for i in range(len(ADDITIVE_C))},
        lambda p: sum(c * p[f"x{i}"] for i, c in enumerate(ADDITIVE_C)),
        {f"x{i}": c * c / 12.0 for i, c in enumerate(ADDITIVE_C)},
    ),
    "interaction": Problem(
        "interaction",
        {f"x{i}": UNIT for i in range(1, 6)},
        lambda p: 10 * p["x1"] + 3 * p["x2"] + 5 * p["x1"] * p["x3"] + p["x4"],
        # a_1(x1) = 12.5 x1, a_3(x3) = 2.5 x3 (the other factor averaged out).
        {"x1": 12.5**2 / 12, "x2": 9 / 12, "x3": 2.5**2 / 12, "x4": 1 / 12, "x5": 0.0},
    ),
    "mixed": Problem(
        "mixed",
        {
            "model": rd.CategoricalDistribution(list(CHOICE_EFFECTS)),
            "lr": rd.FloatDistribution(1e-5, 1e-1, log=True),
            "units": rd.IntDistribution(1, 16),
            "dropout": UNIT,
            "seed": rd.IntDistribution(0, 100),
        },
        lambda p: (
            CHOICE_EFFECTS[p["model"]]
            + 0.5 * float(np.log10(p["lr"]))
            + 0.1 * p["units"]
            + 0.2 * p["dropout"]
        ),
        {
            "model": float(np.var(list(CHOICE_EFFECTS.values()))),
            "lr": 0.25 * 16 / 12,  # log10(lr) uniform on [-5, -1]
            "units": 0.01 * _uniform_int_variance(1, 16),
            "dropout": 0.04 / 12,
            "seed": 0.0,
        },
    ),
}


def sample_params(problem: Problem, n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` uniform random configurations of the problem's space."""
    rng = np.random.default_rng([seed, n, list(PROBLEMS).index(problem.name)])
    out: list[dict[str, Any]] = []
    for _ in range(n):
        params: dict[str, Any] = {}
        for name, d in problem.space.items():
            if isinstance(d, rd.CategoricalDistribution):
                params[name] = d.choices[int(rng.integers(len(d.choices)))]
            elif isinstance(d, rd.IntDistribution):
                params[name] = int(rng.integers(d.low, d.high + 1))
            elif isinstance(d, rd.FloatDistribution) and d.log:
                params[name] = float(np.exp(rng.uniform(np.log(d.low), np.log(d.high))))
            elif isinstance(d, rd.FloatDistribution):
                params[name] = float(rng.uniform(d.low, d.high))
        out.append(params)
    return out


def ridgeline_study(problem: Problem, configs: list[dict[str, Any]]) -> ridgeline.Study:
    study = ridgeline.create_study()
    study.add_trials(
        ridgeline.create_trial(params=p, distributions=problem.space, value=problem.function(p))
        for p in configs
    )
    return study


def optuna_study(problem: Problem, configs: list[dict[str, Any]]) -> Any:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    od = optuna.distributions
    space: dict[str, Any] = {}
    for name, d in problem.space.items():
        if isinstance(d, rd.CategoricalDistribution):
            space[name] = od.CategoricalDistribution(list(d.choices))
        elif isinstance(d, rd.IntDistribution):
            space[name] = od.IntDistribution(d.low, d.high, log=d.log, step=d.step)
        elif isinstance(d, rd.FloatDistribution):
            space[name] = od.FloatDistribution(d.low, d.high, log=d.log, step=d.step)
    study = optuna.create_study()
    study.add_trials(
        [
            optuna.trial.create_trial(params=p, distributions=space, value=problem.function(p))
            for p in configs
        ]
    )
    return study


def _optuna_call(evaluator: str) -> Callable[[Any], dict[str, float]]:
    def call(study: Any) -> dict[str, float]:
        import optuna

        ev = None if evaluator == "default" else optuna.importance.FanovaImportanceEvaluator(seed=0)
        return dict(optuna.importance.get_param_importances(study, evaluator=ev))

    return call


def _ridgeline_call(make: Callable[[], ri.BaseImportanceEvaluator]) -> Callable[[Any], Any]:
    return lambda study: ri.get_param_importances(study, evaluator=make())


# name -> (library, call)
EVALUATORS: dict[str, tuple[str, Callable[[Any], dict[str, float]]]] = {
    "ridgeline ped-anova (default)": ("ridgeline", _ridgeline_call(ri.PedAnovaImportanceEvaluator)),
    "ridgeline fanova": (
        "ridgeline",
        _ridgeline_call(lambda: ri.FanovaImportanceEvaluator(seed=0)),
    ),
    "ridgeline mdi": (
        "ridgeline",
        _ridgeline_call(lambda: ri.MeanDecreaseImpurityImportanceEvaluator(seed=0)),
    ),
    "optuna default (ped-anova)": ("optuna", _optuna_call("default")),
    "optuna fanova": ("optuna", _optuna_call("fanova")),
}
BASELINE = "optuna default (ped-anova)"


def spearman(scores: dict[str, float], truth: dict[str, float]) -> float:
    """Spearman's rank correlation between estimated and true importances (ties averaged)."""
    from scipy.stats import spearmanr

    names = sorted(truth)
    rho = spearmanr([scores.get(n, 0.0) for n in names], [truth[n] for n in names])[0]
    return float(rho)


def _timed(call: Callable[[Any], dict[str, float]], study: Any, repeats: int) -> tuple:
    start = time.perf_counter()
    result = call(study)
    times = [time.perf_counter() - start]
    while times[0] < 1.0 and len(times) < repeats:
        start = time.perf_counter()
        call(study)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def measure(
    sizes: list[int],
    problems: list[str],
    evaluators: list[str],
    repeats: int,
    seed: int = 0,
    optuna_fanova_max: int = 1000,
) -> list[dict[str, Any]]:
    """One row per (problem, size, evaluator): seconds, ratio to Optuna's default, Spearman.

    Optuna's fANOVA runs only up to ``optuna_fanova_max`` trials (it takes minutes at 1,000).
    """
    rows: list[dict[str, Any]] = []
    use_optuna = any(EVALUATORS[e][0] == "optuna" for e in evaluators)
    warm = ridgeline_study(PROBLEMS["mixed"], sample_params(PROBLEMS["mixed"], 20, seed))
    for name in evaluators:  # imports (scikit-learn, scipy, optuna) outside the timings
        lib, call = EVALUATORS[name]
        if lib == "ridgeline":
            call(warm)
    if use_optuna:
        opt_warm = optuna_study(PROBLEMS["mixed"], sample_params(PROBLEMS["mixed"], 20, seed))
        for name in evaluators:
            if EVALUATORS[name][0] == "optuna":
                EVALUATORS[name][1](opt_warm)
    for problem_name in problems:
        problem = PROBLEMS[problem_name]
        for n in sizes:
            configs = sample_params(problem, n, seed)
            studies = {"ridgeline": ridgeline_study(problem, configs)}
            if use_optuna:
                studies["optuna"] = optuna_study(problem, configs)
            measured: dict[str, tuple[float, dict[str, float]]] = {}
            for name in evaluators:
                if name == "optuna fanova" and n > optuna_fanova_max:
                    continue
                lib, call = EVALUATORS[name]
                measured[name] = _timed(call, studies[lib], repeats)
            base = measured.get(BASELINE, (float("nan"), {}))[0]
            for name, (seconds, scores) in measured.items():
                rows.append(
                    {
                        "problem": problem_name,
                        "n_trials": n,
                        "evaluator": name,
                        "seconds": seconds,
                        "ratio": base / seconds,
                        "spearman": spearman(scores, problem.truth),
                        "top": next(iter(scores), ""),
                    }
                )
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| problem | trials | evaluator | time (ms) | Optuna default / this | Spearman | first |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        ratio = "—" if np.isnan(r["ratio"]) else f"{r['ratio']:.2f}x"
        lines.append(
            f"| {r['problem']} | {r['n_trials']:,} | {r['evaluator']} | "
            f"{1000 * r['seconds']:.1f} | {ratio} | {r['spearman']:.2f} | {r['top']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--problems", nargs="+", choices=list(PROBLEMS), default=list(PROBLEMS))
    parser.add_argument(
        "--evaluators", nargs="+", choices=list(EVALUATORS), default=list(EVALUATORS)
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--optuna-fanova-max", type=int, default=1000)
    args = parser.parse_args(argv)
    rows = measure(
        args.sizes, args.problems, args.evaluators, args.repeats, args.seed, args.optuna_fanova_max
    )
    print(table(rows))
    return rows


if __name__ == "__main__":
    main()
