"""How the search converged: best-so-far curve, improvement rate, plateau, time to near-best."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ridgeline.analysis._checks import (
    AnalysisError,
    TargetSpec,
    check_int,
    check_study,
    completed_trials,
    resolve_target,
)
from ridgeline.analysis._format import fmt, markdown_table
from ridgeline.study._study_direction import StudyDirection

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["ConvergenceResult", "convergence"]

_OWNER = "ridgeline.analysis.convergence"


@dataclass(frozen=True)
class ConvergenceResult:
    """The convergence of one study, over its COMPLETE trials in order of trial number.

    Attributes:
        target_name: What was measured.
        direction: ``"minimize"`` or ``"maximize"``.
        trial_numbers: The COMPLETE trials' numbers.
        values: Their values.
        best_so_far: The best value among the first i+1 COMPLETE trials.
        best_trial_number: The trial that found the best value (the first, on ties).
        best_value: The best value.
        improvement_trial_numbers: Trials that improved the best-so-far by more than ``tol``
            (the first COMPLETE trial counts as one).
        improvement_rate: Improvements per COMPLETE trial.
        window: The ``window`` the recent improvement is measured over.
        recent_relative_improvement: How much the best-so-far improved over the last
            ``window`` COMPLETE trials, relative to its value before them (positive is
            better; None with too few trials, NaN when that value was 0).
        trials_since_improvement: COMPLETE trials since the last improvement.
        patience: The ``patience`` of the plateau test.
        tol: The ``tol`` of the plateau test.
        plateau: No improvement by more than ``tol`` in the last ``patience`` trials.
        trials_to_within: ``{fraction: trial number}``: the first trial whose best-so-far
            was within ``fraction * |best|`` of the best (of the value range when best is 0).
    """

    target_name: str
    direction: str
    trial_numbers: tuple[int, ...]
    values: tuple[float, ...]
    best_so_far: tuple[float, ...]
    best_trial_number: int
    best_value: float
    improvement_trial_numbers: tuple[int, ...]
    improvement_rate: float
    window: int
    recent_relative_improvement: float | None
    trials_since_improvement: int
    patience: int
    tol: float
    plateau: bool
    trials_to_within: dict[float, int]

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-friendly data."""
        return asdict(self)

    def to_markdown(self) -> str:
        """A summary table (the curve itself is in ``best_so_far``)."""
        rows = [
            ["COMPLETE trials", str(len(self.trial_numbers))],
            ["best value", fmt(self.best_value)],
            ["found at trial", str(self.best_trial_number)],
            ["improvements", f"{len(self.improvement_trial_numbers)}"],
            ["improvement rate (per trial)", fmt(self.improvement_rate)],
            [
                f"relative improvement, last {self.window} trials",
                fmt(self.recent_relative_improvement),
            ],
            ["trials since last improvement", str(self.trials_since_improvement)],
            [f"plateau (patience {self.patience}, tol {fmt(self.tol)})", str(self.plateau)],
        ]
        for frac, number in self.trials_to_within.items():
            rows.append([f"within {frac:.0%} of best at trial", str(number)])
        return f"Convergence of {self.target_name} ({self.direction})\n\n" + markdown_table(
            ["", "value"], rows
        )


def convergence(
    study: Study,
    target: TargetSpec = None,
    *,
    direction: str | None = None,
    window: int = 10,
    patience: int = 20,
    tol: float = 0.0,
    within: Sequence[float] = (0.01, 0.05, 0.1),
) -> ConvergenceResult:
    """How the best value evolved over the COMPLETE trials.

    Args:
        study: The study to analyse.
        target: For a multi-objective study, the objective: an index, a metric name, or a
            callable ``FrozenTrial -> float``.
        direction: The direction of a callable ``target`` ('minimize' when None); for an
            index or name, the objective's own direction unless given.
        window: Trials over which the recent relative improvement is measured.
        patience: The run is on a plateau when none of the last ``patience`` COMPLETE
            trials improved the best by more than ``tol``.
        tol: The absolute improvement that counts (0: any strict improvement).
        within: Fractions of ``|best|`` for ``trials_to_within``.

    Returns:
        A :class:`ConvergenceResult`.

    Raises:
        AnalysisError: Empty study, no COMPLETE trial, missing ``target`` for a
            multi-objective study, or an argument out of range.

    Example:
        >>> import ridgeline
        >>> study = ridgeline.create_study(sampler=ridgeline.samplers.RandomSampler(seed=1))
        >>> study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=40)
        >>> result = convergence(study, patience=10)
        >>> result.best_so_far[-1] == result.best_value == study.best_value
        True
    """
    check_study(study, _OWNER)
    window = check_int(window, "window", _OWNER, 1)
    patience = check_int(patience, "patience", _OWNER, 1)
    tol = _check_tol(tol)
    fractions = _check_within(within)
    measure = resolve_target(study, target, _OWNER, direction)
    trials = completed_trials(study, _OWNER)
    pairs = [(t.number, measure.get(t)) for t in trials]
    pairs = [(n, v) for n, v in pairs if math.isfinite(v)]
    if not pairs:
        raise AnalysisError(
            f"{_OWNER} found no finite {measure.name} among the COMPLETE trials of study "
            f"{study.study_name!r}."
        )
    numbers = [n for n, _ in pairs]
    sign = 1.0 if measure.direction == StudyDirection.MINIMIZE else -1.0
    signed = np.array([v for _, v in pairs]) * sign  # smaller is better from here on
    best = np.minimum.accumulate(signed)
    improvements: list[int] = []
    current = math.inf
    last_index = 0
    for i, v in enumerate(signed):
        if v < current - tol or (i == 0):
            improvements.append(numbers[i])
            last_index = i
        if v < current:
            current = float(v)
    best_index = int(np.argmin(signed))
    recent = None
    if len(signed) > window:
        before = float(best[-window - 1])
        gain = before - float(best[-1])
        recent = gain / abs(before) if before != 0.0 else (0.0 if gain == 0.0 else math.nan)
    best_value = float(best[-1])
    scale = abs(best_value) if best_value != 0.0 else float(signed.max() - signed.min())
    reached = {f: numbers[int(np.argmax(best - best_value <= f * scale))] for f in fractions}
    return ConvergenceResult(
        target_name=measure.name,
        direction="minimize" if sign > 0 else "maximize",
        trial_numbers=tuple(numbers),
        values=tuple(float(v) for _, v in pairs),
        best_so_far=tuple(float(b * sign) for b in best),
        best_trial_number=numbers[best_index],
        best_value=best_value * sign,
        improvement_trial_numbers=tuple(improvements),
        improvement_rate=len(improvements) / len(numbers),
        window=window,
        recent_relative_improvement=recent,
        trials_since_improvement=len(numbers) - 1 - last_index,
        patience=patience,
        tol=tol,
        plateau=len(numbers) - 1 - last_index >= patience,
        trials_to_within=reached,
    )


def _check_tol(tol: Any) -> float:
    try:
        value = float(tol)
    except (TypeError, ValueError):
        value = math.nan
    if isinstance(tol, bool) or not math.isfinite(value) or value < 0.0:
        raise AnalysisError(f"`tol` of {_OWNER} must be a finite number >= 0; got {tol!r}.")
    return value


def _check_within(within: Any) -> tuple[float, ...]:
    ok = isinstance(within, Sequence) and not isinstance(within, str)
    values = tuple(within) if ok else ()
    if not ok or not all(
        isinstance(f, (int, float)) and not isinstance(f, bool) and f >= 0.0 for f in values
    ):
        raise AnalysisError(
            f"`within` of {_OWNER} must be a sequence of fractions >= 0 such as (0.01, 0.05); "
            f"got {within!r}."
        )
    return tuple(float(f) for f in values)
