"""How strongly the objective moves with each parameter, from the finished trials alone."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ridgeline.analysis._checks import (
    AnalysisError,
    AnalysisTypeError,
    TargetSpec,
    check_study,
    completed_trials,
    resolve_target,
)
from ridgeline.analysis._format import fmt, markdown_table
from ridgeline.analysis._stats import pearson, spearman
from ridgeline.distributions import CategoricalDistribution

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["CategoryGroup", "ParamSensitivity", "SensitivityResult", "sensitivity"]

_OWNER = "ridgeline.analysis.sensitivity"


@dataclass(frozen=True)
class CategoryGroup:
    """The objective over the trials that chose one value of a categorical parameter."""

    choice: Any
    n_trials: int
    mean: float


@dataclass(frozen=True)
class ParamSensitivity:
    """The sensitivity of the objective to one parameter.

    Attributes:
        param: The parameter's name.
        kind: ``"numeric"`` or ``"categorical"``.
        n_trials: COMPLETE trials that have the parameter (conditional ones may lack it).
        score: Comparable across kinds, in [0, 1]: ``|spearman|`` for a numeric parameter,
            the correlation ratio ``sqrt(eta_squared)`` for a categorical one; NaN when
            undefined (fewer than 3 trials, or a constant parameter or objective).
        log_scale: Whether the numeric parameter was correlated as ``log10(value)``.
        spearman: Rank correlation with the objective (numeric only).
        pearson: Linear correlation with the objective (numeric only).
        groups: Per choice, the trial count and mean objective (categorical only).
        spread: Max minus min of the group means, in objective units (categorical only).
        eta_squared: Between-group share of the objective's variance (categorical only).
        std_of_means: Sample standard deviation of the group means (categorical only).
    """

    param: str
    kind: str
    n_trials: int
    score: float
    log_scale: bool = False
    spearman: float | None = None
    pearson: float | None = None
    groups: tuple[CategoryGroup, ...] = ()
    spread: float | None = None
    eta_squared: float | None = None
    std_of_means: float | None = None


@dataclass(frozen=True)
class SensitivityResult:
    """Per-parameter sensitivity, most sensitive first (NaN scores last).

    Attributes:
        target_name: What was measured ("Objective value", a metric name, ...).
        n_trials: COMPLETE trials analysed.
        params: One entry per parameter.
    """

    target_name: str
    n_trials: int
    params: tuple[ParamSensitivity, ...]

    def __getitem__(self, param: str) -> ParamSensitivity:
        for p in self.params:
            if p.param == param:
                return p
        raise KeyError(param)

    def scores(self) -> dict[str, float]:
        """``{param: score}`` in ranked order."""
        return {p.param: p.score for p in self.params}

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-friendly when the categorical choices are)."""
        return asdict(self)

    def to_markdown(self) -> str:
        """A markdown table, one row per parameter."""
        rows = []
        for p in self.params:
            if p.kind == "numeric":
                detail = f"Spearman {fmt(p.spearman)}, Pearson {fmt(p.pearson)}"
                if p.log_scale:
                    detail += " (log scale)"
            else:
                detail = f"spread {fmt(p.spread)}, eta^2 {fmt(p.eta_squared)}"
            rows.append([p.param, p.kind, str(p.n_trials), fmt(p.score), detail])
        header = ["param", "kind", "trials", "score", "detail"]
        return f"Sensitivity of {self.target_name}\n\n" + markdown_table(header, rows)


def sensitivity(
    study: Study, params: Sequence[str] | None = None, target: TargetSpec = None
) -> SensitivityResult:
    """How sensitive the objective is to each parameter, over the COMPLETE trials.

    A numeric parameter is correlated with the objective (Spearman and Pearson; on
    ``log10`` of the value when its distribution is log-scaled). A categorical parameter
    gets the spread of its group means (max - min), their standard deviation and eta squared
    (between-group sum of squares over the total). A conditional parameter is analysed over
    the trials that have it.

    Args:
        study: The study to analyse.
        params: Names to analyse; default every parameter of a COMPLETE trial.
        target: For a multi-objective study, the objective to analyse: an index, a metric
            name, or a callable ``FrozenTrial -> float``.

    Returns:
        A :class:`SensitivityResult`, most sensitive parameter first.

    Raises:
        AnalysisError: The study is empty or has no COMPLETE trial, a name in ``params`` is
            not a parameter of it, or ``target`` is missing for a multi-objective study.

    Example:
        >>> import ridgeline
        >>> study = ridgeline.create_study(sampler=ridgeline.samplers.RandomSampler(seed=0))
        >>> study.optimize(
        ...     lambda t: t.suggest_float("x", 0, 1) * 10 + t.suggest_float("y", 0, 1),
        ...     n_trials=30)
        >>> [p.param for p in sensitivity(study).params]
        ['x', 'y']
    """
    check_study(study, _OWNER)
    measure = resolve_target(study, target, _OWNER)
    trials = completed_trials(study, _OWNER)
    known: dict[str, None] = {}
    for t in trials:
        known.update(dict.fromkeys(t.params))
    names = _check_params(params, known)
    values = np.array([measure.get(t) for t in trials], dtype=float)
    results = []
    for name in names:
        having = [(i, t) for i, t in enumerate(trials) if name in t.params]
        ys = values[[i for i, _ in having]]
        keep = np.isfinite(ys)
        dist = having[-1][1].distributions[name]
        raw = [t.params[name] for _, t in having]
        raw = [v for v, k in zip(raw, keep, strict=True) if k]
        ys = ys[keep]
        if isinstance(dist, CategoricalDistribution):
            results.append(_categorical(name, raw, ys))
        else:
            log = bool(getattr(dist, "log", False))
            xs = np.array(raw, dtype=float)
            results.append(_numeric(name, np.log10(xs) if log else xs, ys, log))
    results.sort(key=lambda p: (math.isnan(p.score), -p.score if not math.isnan(p.score) else 0))
    return SensitivityResult(measure.name, len(trials), tuple(results))


def _check_params(params: Sequence[str] | None, known: dict[str, None]) -> list[str]:
    if params is None:
        return list(known)
    if isinstance(params, str) or not isinstance(params, Sequence):
        raise AnalysisTypeError(
            f"`params` of {_OWNER} must be a list of parameter names; got {params!r}."
        )
    unknown = [p for p in params if p not in known]
    if unknown:
        raise AnalysisError(
            f"`params` of {_OWNER} names unknown parameter(s) {unknown!r}; the COMPLETE "
            f"trials have {sorted(known)!r}."
        )
    return list(dict.fromkeys(params))


def _numeric(name: str, xs: np.ndarray, ys: np.ndarray, log: bool) -> ParamSensitivity:
    if len(xs) < 3:
        rho = r = math.nan
    else:
        rho, r = spearman(xs, ys), pearson(xs, ys)
    return ParamSensitivity(
        name, "numeric", len(xs), abs(rho), log_scale=log, spearman=rho, pearson=r
    )


def _categorical(name: str, raw: list[Any], ys: np.ndarray) -> ParamSensitivity:
    by_choice: dict[Any, list[float]] = {}
    for choice, y in zip(raw, ys, strict=True):
        by_choice.setdefault(choice, []).append(float(y))
    groups = tuple(CategoryGroup(c, len(v), float(np.mean(v))) for c, v in by_choice.items())
    means = np.array([g.mean for g in groups])
    total = float(((ys - ys.mean()) ** 2).sum()) if len(ys) else 0.0
    between = float(sum(g.n_trials * (g.mean - ys.mean()) ** 2 for g in groups))
    eta2 = between / total if total > 0.0 and len(ys) >= 3 else math.nan
    return ParamSensitivity(
        name,
        "categorical",
        len(ys),
        math.sqrt(eta2) if not math.isnan(eta2) else math.nan,
        groups=groups,
        spread=float(means.max() - means.min()) if len(means) else math.nan,
        eta_squared=eta2,
        std_of_means=float(means.std(ddof=1)) if len(means) > 1 else math.nan,
    )
