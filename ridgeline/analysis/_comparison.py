"""Comparing optimizers over repeated seeded runs: rank table, tests, effect sizes, intervals."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ridgeline.analysis._checks import (
    AnalysisError,
    AnalysisTypeError,
    check_int,
    parse_direction,
)
from ridgeline.analysis._format import fmt, markdown_table
from ridgeline.analysis._stats import (
    bootstrap_mean_ci,
    cohens_d,
    holm,
    mann_whitney_u,
    rankdata,
    welch_t_test,
)
from ridgeline.study._study_direction import StudyDirection

if TYPE_CHECKING:
    from ridgeline.samplers._base import BaseSampler
    from ridgeline.trial._trial import Trial

__all__ = [
    "ComparisonResult",
    "OptimizerSummary",
    "PairwiseComparison",
    "compare_optimizers",
    "run_comparison",
]

_OWNER = "ridgeline.analysis.compare_optimizers"


@dataclass(frozen=True)
class OptimizerSummary:
    """One optimizer's results over its runs (each run's final best value).

    Attributes:
        name: The optimizer's name.
        values: The per-run values, in the order given.
        n_runs: How many runs.
        mean: Their mean.
        std: Their sample standard deviation (ddof=1).
        median: Their median.
        ci_low: Lower end of the percentile-bootstrap interval of the mean.
        ci_high: Upper end.
        mean_rank: Mean rank among the optimizers over runs paired by position (1 is best,
            ties averaged); None when the runs are not paired.
    """

    name: str
    values: tuple[float, ...]
    n_runs: int
    mean: float
    std: float
    median: float
    ci_low: float
    ci_high: float
    mean_rank: float | None


@dataclass(frozen=True)
class PairwiseComparison:
    """Two optimizers compared; differences are ``a - b``.

    Attributes:
        a: The first optimizer (the better-ranked of the two in the table).
        b: The second.
        mean_difference: ``mean(a) - mean(b)``.
        welch_t: Welch's t statistic.
        welch_df: Its degrees of freedom.
        welch_p: Its two-sided p-value.
        welch_p_holm: That p-value after Holm's correction over all pairs.
        mann_whitney_u: The U statistic of ``a``.
        mann_whitney_p: Its two-sided p-value.
        mann_whitney_p_holm: After Holm's correction over all pairs.
        cohens_d: Effect size, pooled standard deviation.
        significant: Whether ``welch_p_holm < alpha``.
        better: The optimizer with the better mean when ``significant``, else None.
    """

    a: str
    b: str
    mean_difference: float
    welch_t: float
    welch_df: float
    welch_p: float
    welch_p_holm: float
    mann_whitney_u: float
    mann_whitney_p: float
    mann_whitney_p_holm: float
    cohens_d: float
    significant: bool
    better: str | None


@dataclass(frozen=True)
class ComparisonResult:
    """The comparison of several optimizers.

    Attributes:
        direction: ``"minimize"`` or ``"maximize"``.
        alpha: The significance level.
        paired: Whether runs were paired by position (same seed) for the mean ranks.
        confidence: The level of the bootstrap intervals.
        summaries: One per optimizer, best first (by mean rank when paired, else by mean).
        pairwise: Every pair.
    """

    direction: str
    alpha: float
    paired: bool
    confidence: float
    summaries: tuple[OptimizerSummary, ...]
    pairwise: tuple[PairwiseComparison, ...]

    def __getitem__(self, name: str) -> OptimizerSummary:
        for s in self.summaries:
            if s.name == name:
                return s
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-friendly data."""
        return asdict(self)

    def to_markdown(self) -> str:
        """The rank table and the pairwise tests, as markdown."""
        ci = f"{self.confidence:.0%} CI of mean"
        ranks = markdown_table(
            ["rank", "optimizer", "runs", "mean rank", "mean", "std", "median", ci],
            [
                [
                    str(i + 1),
                    s.name,
                    str(s.n_runs),
                    fmt(s.mean_rank, 3),
                    fmt(s.mean),
                    fmt(s.std),
                    fmt(s.median),
                    f"[{fmt(s.ci_low)}, {fmt(s.ci_high)}]",
                ]
                for i, s in enumerate(self.summaries)
            ],
        )
        pairs = markdown_table(
            ["a vs b", "mean a-b", "Welch t", "p (Holm)", "U", "p (Holm)", "Cohen's d", "result"],
            [
                [
                    f"{p.a} vs {p.b}",
                    fmt(p.mean_difference),
                    fmt(p.welch_t),
                    f"{fmt(p.welch_p, 3)} ({fmt(p.welch_p_holm, 3)})",
                    fmt(p.mann_whitney_u),
                    f"{fmt(p.mann_whitney_p, 3)} ({fmt(p.mann_whitney_p_holm, 3)})",
                    fmt(p.cohens_d, 3),
                    f"{p.better} better" if p.better else "no significant difference",
                ]
                for p in self.pairwise
            ],
        )
        return (
            f"Optimizer comparison ({self.direction}; alpha {self.alpha}, Holm-corrected)\n\n"
            f"{ranks}\n\n{pairs}"
        )


def compare_optimizers(
    results: Mapping[str, Sequence[float]],
    direction: str = "minimize",
    alpha: float = 0.05,
    n_bootstrap: int = 2000,
    seed: int | None = 0,
    *,
    paired: bool | None = None,
    confidence: float = 0.95,
) -> ComparisonResult:
    """Compare optimizers from their final values over repeated runs.

    For each optimizer: mean, standard deviation, median and a percentile-bootstrap interval
    of the mean; when the runs are paired (run i of every optimizer used seed i), the mean
    rank over runs. For each pair: Welch's t-test, the Mann-Whitney U test and Cohen's d,
    the p-values of each test Holm-corrected over all pairs.

    Args:
        results: ``{optimizer name: [final value of each run]}``, two or more optimizers with
            two or more runs each.
        direction: ``"minimize"`` or ``"maximize"``: which values are better.
        alpha: Significance level for the Holm-corrected Welch p-values.
        n_bootstrap: Resamples for the bootstrap intervals.
        seed: Seed of the bootstrap resampling.
        paired: Whether run i of each optimizer shares a seed; None: paired when every
            optimizer has the same number of runs.
        confidence: Level of the bootstrap intervals.

    Returns:
        A :class:`ComparisonResult`; ``print(result.to_markdown())`` shows the tables.

    Raises:
        AnalysisError: Fewer than two optimizers or runs, non-finite values, ``paired=True``
            with unequal run counts, or an argument out of range.

    Example:
        >>> result = compare_optimizers(
        ...     {"tpe": [0.10, 0.12, 0.09, 0.11], "random": [0.30, 0.25, 0.28, 0.35]})
        >>> [s.name for s in result.summaries], result.pairwise[0].better
        (['tpe', 'random'], 'tpe')
    """
    sign, runs = _check_results(results, direction)
    alpha = _check_fraction(alpha, "alpha")
    confidence = _check_fraction(confidence, "confidence")
    n_bootstrap = check_int(n_bootstrap, "n_bootstrap", _OWNER, 100)
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
        raise AnalysisTypeError(f"`seed` of {_OWNER} must be an int or None; got {seed!r}.")
    lengths = {len(v) for v in runs.values()}
    if paired is None:
        paired = len(lengths) == 1
    elif paired and len(lengths) != 1:
        raise AnalysisError(
            f"`paired=True` of {_OWNER} needs the same number of runs per optimizer; got "
            f"{ {k: len(v) for k, v in runs.items()} }. Pass paired=False or equal runs."
        )
    names = list(runs)
    mean_ranks: dict[str, float | None] = dict.fromkeys(names)
    if paired:
        table = np.array([runs[n] for n in names]) * sign  # optimizers x runs, lower better
        ranks = np.array([rankdata(table[:, j]) for j in range(table.shape[1])]).T
        mean_ranks = {n: float(r) for n, r in zip(names, ranks.mean(axis=1), strict=True)}
    rng = np.random.default_rng(seed)
    summaries = []
    for n in names:
        v = runs[n]
        lo, hi = bootstrap_mean_ci(v, n_bootstrap, rng, confidence)
        summaries.append(
            OptimizerSummary(
                n, tuple(float(x) for x in v), len(v), float(v.mean()), float(v.std(ddof=1)),
                float(np.median(v)), lo, hi, mean_ranks[n],
            )
        )  # fmt: skip
    summaries.sort(key=lambda s: (s.mean_rank if paired else 0.0, s.mean * sign))
    return ComparisonResult(
        direction="minimize" if sign > 0 else "maximize",
        alpha=alpha,
        paired=bool(paired),
        confidence=confidence,
        summaries=tuple(summaries),
        pairwise=_pairwise([s.name for s in summaries], runs, alpha, sign),
    )


def _pairwise(
    order: list[str], runs: dict[str, np.ndarray], alpha: float, sign: float
) -> tuple[PairwiseComparison, ...]:
    pairs = [(a, b) for i, a in enumerate(order) for b in order[i + 1 :]]
    welch = [welch_t_test(runs[a], runs[b]) for a, b in pairs]
    mwu = [mann_whitney_u(runs[a], runs[b]) for a, b in pairs]
    welch_holm = holm([w[2] for w in welch])
    mwu_holm = holm([m[1] for m in mwu])
    out = []
    for k, (a, b) in enumerate(pairs):
        diff = float(runs[a].mean() - runs[b].mean())
        significant = not math.isnan(welch_holm[k]) and welch_holm[k] < alpha
        better = None
        if significant and diff != 0.0:
            better = a if diff * sign < 0 else b
        out.append(
            PairwiseComparison(
                a, b, diff, welch[k][0], welch[k][1], welch[k][2], welch_holm[k],
                mwu[k][0], mwu[k][1], mwu_holm[k], cohens_d(runs[a], runs[b]),
                significant, better,
            )
        )  # fmt: skip
    return tuple(out)


def _check_results(results: Any, direction: Any) -> tuple[float, dict[str, np.ndarray]]:
    sign = 1.0 if parse_direction(direction, _OWNER) == StudyDirection.MINIMIZE else -1.0
    if not isinstance(results, Mapping):
        raise AnalysisTypeError(
            f"`results` of {_OWNER} must be a dict {{optimizer name: [value per run]}}; got "
            f"{type(results).__name__}."
        )
    if len(results) < 2:
        raise AnalysisError(
            f"`results` of {_OWNER} must hold at least two optimizers; got {list(results)!r}."
        )
    runs = {}
    for name, values in results.items():
        if not isinstance(name, str):
            raise AnalysisTypeError(
                f"`results` of {_OWNER} must be keyed by optimizer names (str); got {name!r}."
            )
        try:
            v = np.asarray(values, dtype=float)
        except (TypeError, ValueError):
            v = np.array([math.nan])
        if v.ndim != 1 or len(v) < 2 or not np.isfinite(v).all():
            raise AnalysisError(
                f"`results[{name!r}]` of {_OWNER} must be two or more finite numbers (one per "
                f"run); got {values!r}."
            )
        runs[name] = v
    return sign, runs


def _check_fraction(value: Any, name: str) -> float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and 0.0 < value < 1.0
    if not ok:
        raise AnalysisError(f"`{name}` of {_OWNER} must be a number in (0, 1); got {value!r}.")
    return float(value)


def run_comparison(
    objective: Callable[[Trial], float],
    samplers: Mapping[str, Callable[[int], BaseSampler]],
    n_trials: int,
    seeds: Sequence[int],
    direction: str = "minimize",
    **compare_kwargs: Any,
) -> ComparisonResult:
    """Run one study per (optimizer, seed) and compare their best values.

    Each run creates an in-memory study with ``samplers[name](seed)``, optimizes
    ``objective`` for ``n_trials`` trials, and records its best value; runs are paired by
    seed. The results go to :func:`compare_optimizers`.

    Args:
        objective: A single-objective function of a trial.
        samplers: ``{name: factory}``; the factory builds a fresh sampler from a seed.
        n_trials: Trials per run.
        seeds: One run per seed for every optimizer (two or more).
        direction: ``"minimize"`` or ``"maximize"``.
        **compare_kwargs: Passed on to :func:`compare_optimizers` (``alpha``, ...).

    Returns:
        A :class:`ComparisonResult`.

    Raises:
        AnalysisError: Bad arguments, or a run without any COMPLETE trial.
        Exception: Whatever the objective raises (as from ``Study.optimize`` without
            ``catch``).

    Example:
        >>> import ridgeline
        >>> import ridgeline
        >>> result = run_comparison(
        ...     lambda t: t.suggest_float("x", -5, 5) ** 2,
        ...     {"random": lambda s: ridgeline.samplers.RandomSampler(seed=s),
        ...      "tpe": lambda s: ridgeline.samplers.TPESampler(seed=s)},
        ...     n_trials=5, seeds=[0, 1], n_bootstrap=100)
        >>> sorted(s.n_runs for s in result.summaries)
        [2, 2]
    """
    from ridgeline.study._functions import create_study

    owner = "ridgeline.analysis.run_comparison"
    if not isinstance(samplers, Mapping) or len(samplers) < 2:
        raise AnalysisError(
            f"`samplers` of {owner} must be a dict of two or more {{name: seed -> sampler}}; "
            f"got {samplers!r}."
        )
    for name, factory in samplers.items():
        if not callable(factory):
            raise AnalysisTypeError(
                f"`samplers[{name!r}]` of {owner} must be a callable seed -> sampler (e.g. "
                f"`lambda seed: RandomSampler(seed=seed)`); got {factory!r}."
            )
    n_trials = check_int(n_trials, "n_trials", owner, 1)
    seed_list = list(seeds) if isinstance(seeds, Sequence) else []
    if len(seed_list) < 2 or not all(
        isinstance(s, numbers.Integral) and not isinstance(s, bool) for s in seed_list
    ):
        raise AnalysisError(f"`seeds` of {owner} must be two or more ints; got {seeds!r}.")
    parse_direction(direction, owner)
    results: dict[str, list[float]] = {}
    for name, factory in samplers.items():
        results[name] = []
        for seed in seed_list:
            study = create_study(direction=direction, sampler=factory(int(seed)))
            study.optimize(objective, n_trials=n_trials)
            try:
                results[name].append(study.best_value)
            except ValueError as e:
                raise AnalysisError(
                    f"{owner}: the run of {name!r} with seed {seed} has no COMPLETE trial: {e}"
                ) from e
    return compare_optimizers(results, direction, **compare_kwargs)
