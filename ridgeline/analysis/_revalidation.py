"""Re-running the best configurations with several seeds: means and confidence intervals."""

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
    check_study,
    completed_trials,
    resolve_target,
)
from ridgeline.analysis._format import fmt, markdown_table
from ridgeline.analysis._stats import t_interval
from ridgeline.study._study_direction import StudyDirection
from ridgeline.study._tell import check_values
from ridgeline.trial._fixed import FixedTrial
from ridgeline.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["ConfigRevalidation", "RevalidationResult", "SEED_ATTR", "revalidate"]

_OWNER = "ridgeline.analysis.revalidate"

SEED_ATTR = "seed"
"""The user attribute of the FixedTrial that carries the re-run's seed."""


@dataclass(frozen=True)
class ConfigRevalidation:
    """One configuration re-run with every seed.

    Attributes:
        rank: Its rank by re-validated mean (1 is best).
        original_rank: Its rank in the study (1 is the study's best).
        trial_number: The study trial it comes from.
        params: Its parameters (without ``seed_param``).
        original_value: Its value in the study.
        values: The value of each re-run, in the order of ``seeds``.
        mean: Their mean.
        std: Their sample standard deviation (NaN for one seed).
        ci_low: Lower end of the t-based confidence interval of the mean.
        ci_high: Upper end.
    """

    rank: int
    original_rank: int
    trial_number: int
    params: dict[str, Any]
    original_value: float
    values: tuple[float, ...]
    mean: float
    std: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class RevalidationResult:
    """The re-validated top configurations, best mean first."""

    target_name: str
    direction: str
    seeds: tuple[int, ...]
    confidence: float
    configs: tuple[ConfigRevalidation, ...]

    @property
    def best(self) -> ConfigRevalidation:
        """The configuration with the best re-validated mean."""
        return self.configs[0]

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        return asdict(self)

    def to_markdown(self) -> str:
        """One row per configuration."""
        ci = f"{self.confidence:.0%} CI"
        rows = [
            [
                str(c.rank),
                str(c.trial_number),
                str(c.original_rank),
                fmt(c.original_value),
                fmt(c.mean),
                fmt(c.std),
                f"[{fmt(c.ci_low)}, {fmt(c.ci_high)}]",
                ", ".join(f"{k}={_short(v)}" for k, v in c.params.items()),
            ]
            for c in self.configs
        ]
        header = ["rank", "trial", "study rank", "study value", "mean", "std", ci, "params"]
        return (
            f"Re-validation of {self.target_name} ({self.direction}) over seeds "
            f"{list(self.seeds)}\n\n" + markdown_table(header, rows)
        )


def revalidate(
    study: Study,
    objective: Callable[[FixedTrial], Any],
    k: int = 5,
    seeds: Sequence[int] = (0, 1, 2, 3, 4),
    *,
    seed_param: str | None = None,
    target: int | str | None = None,
    confidence: float = 0.95,
) -> RevalidationResult:
    """Re-run the ``k`` best distinct configurations of a study with several seeds.

    Each re-run calls ``objective(trial)`` with a :class:`~ridgeline.trial.FixedTrial` that
    holds the configuration's params, numbered as the original trial. The seed reaches the
    objective in two ways: always as the user attribute ``trial.user_attrs["seed"]``, and,
    when ``seed_param`` is given, as that parameter's value (so an objective that already
    draws its seed with ``trial.suggest_int(seed_param, ...)`` runs unchanged; the seeds
    should lie in that range).

    Args:
        study: The study whose best configurations to re-run.
        objective: The objective; it returns a value, or one per objective (a sequence, or a
            dict by metric name) for a multi-objective study.
        k: How many configurations (fewer when the study has fewer distinct ones).
        seeds: The seeds, two or more.
        seed_param: The name of the parameter that carries the seed, if any.
        target: For a multi-objective study, the objective to rank by: index or metric name.
        confidence: Level of the t-based intervals.

    Returns:
        A :class:`RevalidationResult`, best re-validated mean first.

    Raises:
        AnalysisError: Empty study or no COMPLETE trial, bad arguments, missing ``target``
            for a multi-objective study, or an objective value that is not a number.
        Exception: Whatever the objective raises, unchanged (a re-run is not caught).

    Example:
        >>> import ridgeline
        >>> def objective(trial):
        ...     rng = __import__("random").Random(trial.user_attrs.get("seed", 0))
        ...     return trial.suggest_float("x", -3, 3) ** 2 + rng.gauss(0, 0.01)
        >>> study = ridgeline.create_study(sampler=ridgeline.samplers.RandomSampler(seed=0))
        >>> study.optimize(objective, n_trials=20)
        >>> result = revalidate(study, objective, k=3, seeds=[0, 1, 2])
        >>> len(result.configs), result.best.ci_low <= result.best.mean <= result.best.ci_high
        (3, True)
    """
    check_study(study, _OWNER)
    if not callable(objective):
        raise AnalysisTypeError(
            f"`objective` of {_OWNER} must be a callable taking a trial; got {objective!r}."
        )
    k = check_int(k, "k", _OWNER, 1)
    seed_list = _check_seeds(seeds)
    if seed_param is not None and not isinstance(seed_param, str):
        raise AnalysisTypeError(
            f"`seed_param` of {_OWNER} must be a parameter name or None; got {seed_param!r}."
        )
    if isinstance(target, bool) or not (target is None or isinstance(target, (int, str))):
        raise AnalysisTypeError(
            f"`target` of {_OWNER} must be None, an objective index or a metric name (the "
            f"re-runs return values, not trials); got {target!r}."
        )
    ok = isinstance(confidence, (int, float)) and not isinstance(confidence, bool)
    if not ok or not 0.0 < confidence < 1.0:
        raise AnalysisError(
            f"`confidence` of {_OWNER} must be a number in (0, 1); got {confidence!r}."
        )
    measure = resolve_target(study, target, _OWNER)
    index = _objective_index(study, target)
    sign = 1.0 if measure.direction == StudyDirection.MINIMIZE else -1.0
    ranked = sorted(
        (t for t in completed_trials(study, _OWNER) if math.isfinite(measure.get(t))),
        key=lambda t: (sign * measure.get(t), t.number),
    )
    top: list[tuple[int, FrozenTrial, dict[str, Any]]] = []
    seen: set[str] = set()
    for t in ranked:
        params = {n: v for n, v in t.params.items() if n != seed_param}
        key = repr(sorted(params.items()))
        if key not in seen:
            seen.add(key)
            top.append((len(top) + 1, t, params))
        if len(top) == k:
            break
    configs = []
    for original_rank, t, params in top:
        values = []
        for seed in seed_list:
            fixed = dict(params)
            if seed_param is not None:
                fixed[seed_param] = seed
            trial = FixedTrial(fixed, number=t.number)
            trial.set_user_attr(SEED_ATTR, seed)
            values.append(_value(study, objective(trial), index, t.number, seed))
        v = np.array(values)
        lo, hi = t_interval(v, confidence)
        configs.append(
            (original_rank, t.number, params, measure.get(t), tuple(values), float(v.mean()),
             float(v.std(ddof=1)), lo, hi)
        )  # fmt: skip
    configs.sort(key=lambda c: (sign * c[5], c[0]))
    return RevalidationResult(
        target_name=measure.name,
        direction="minimize" if sign > 0 else "maximize",
        seeds=tuple(seed_list),
        confidence=float(confidence),
        configs=tuple(ConfigRevalidation(i + 1, *c) for i, c in enumerate(configs)),
    )


def _check_seeds(seeds: Any) -> list[int]:
    ok = isinstance(seeds, Sequence) and not isinstance(seeds, str) and len(seeds) >= 2
    if not ok or not all(
        isinstance(s, numbers.Integral) and not isinstance(s, bool) for s in seeds
    ):
        raise AnalysisError(
            f"`seeds` of {_OWNER} must be two or more ints, e.g. (0, 1, 2); got {seeds!r}."
        )
    return [int(s) for s in seeds]


def _objective_index(study: Study, target: int | str | None) -> int:
    if isinstance(target, str):
        names = study.metric_names or []
        return names.index(target)  # resolve_target has checked the name
    return 0 if target is None else int(target)


def _value(study: Study, returned: Any, index: int, number: int, seed: int) -> float:
    n_objectives = len(study.directions)
    if isinstance(returned, Mapping):
        names = study.metric_names
        if not names or any(n not in returned for n in names):
            raise AnalysisError(
                f"{_OWNER}: the objective returned {returned!r} for trial {number} with seed "
                f"{seed}; a dict must hold the study's metric names {names!r}."
            )
        returned = [returned[n] for n in names]
    values, reason = check_values(returned, n_objectives)
    if values is None:
        raise AnalysisError(
            f"{_OWNER}: the objective's result for trial {number} with seed {seed} is not "
            f"usable: {reason}"
        )
    return values[index]


def _short(value: Any) -> str:
    return fmt(value) if isinstance(value, float) else repr(value)
