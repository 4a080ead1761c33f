"""Argument checks and trial selection shared by the analysis functions."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ridgeline.exceptions import RidgelineError
from ridgeline.study._study_direction import StudyDirection
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = [
    "AnalysisError",
    "AnalysisTypeError",
    "Target",
    "TargetSpec",
    "check_int",
    "check_study",
    "completed_trials",
    "parse_direction",
    "resolve_target",
]

TargetSpec = Callable[[FrozenTrial], float] | int | str | None


class AnalysisError(RidgelineError, ValueError):
    """An analysis function was given an argument (or a study) it cannot analyse."""


class AnalysisTypeError(AnalysisError, TypeError):
    """An analysis function was given an argument of the wrong kind (also a ``ValueError``)."""


@dataclass(frozen=True)
class Target:
    """What an analysis measures on each trial: a getter, its name and its direction."""

    get: Callable[[FrozenTrial], float]
    name: str
    direction: StudyDirection


def check_study(study: Any, owner: str) -> None:
    """Raise a clear error unless ``study`` looks like a ridgeline (or Optuna) study."""
    if not hasattr(study, "get_trials") or not hasattr(study, "directions"):
        raise AnalysisTypeError(
            f"`study` of {owner} must be a Study (from ridgeline.create_study or "
            f"load_study); got {type(study).__name__}."
        )


def check_int(value: Any, name: str, owner: str, minimum: int) -> int:
    """``value`` as an int ``>= minimum``, or a clear error."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise AnalysisTypeError(
            f"`{name}` of {owner} must be an int >= {minimum}; got {value!r} "
            f"({type(value).__name__})."
        )
    if value < minimum:
        raise AnalysisError(f"`{name}` of {owner} must be an int >= {minimum}; got {value!r}.")
    return int(value)


def parse_direction(direction: Any, owner: str, name: str = "direction") -> StudyDirection:
    """``"minimize"``/``"maximize"`` (or a StudyDirection) as a StudyDirection."""
    if isinstance(direction, StudyDirection) and direction != StudyDirection.NOT_SET:
        return direction
    if isinstance(direction, str) and direction.lower() in ("minimize", "maximize"):
        return StudyDirection[direction.upper()]
    raise AnalysisError(f"`{name}` of {owner} must be 'minimize' or 'maximize'; got {direction!r}.")


def completed_trials(study: Study, owner: str) -> list[FrozenTrial]:
    """The study's COMPLETE trials; an error when the study is empty or none completed."""
    trials = study.get_trials(deepcopy=False)
    if not trials:
        raise AnalysisError(
            f"{owner} needs a study with trials; study {study.study_name!r} is empty. "
            "Run `study.optimize(...)` first."
        )
    done = [t for t in trials if t.state == TrialState.COMPLETE]
    if not done:
        raise AnalysisError(
            f"{owner} needs at least one COMPLETE trial; study {study.study_name!r} has "
            f"{len(trials)} trial(s) and none completed. Check the failures with "
            "`ridgeline.analysis.failures(study)`."
        )
    return done


def resolve_target(study: Study, target: TargetSpec, owner: str, direction: Any = None) -> Target:
    """What to measure: the single objective, objective ``target`` (index or metric name), or
    ``target(trial)`` for a callable (whose direction is ``direction``, 'minimize' if None).
    """
    directions = list(study.directions)
    names = getattr(study, "metric_names", None)
    if target is None:
        if len(directions) > 1:
            raise AnalysisError(
                f"`target` of {owner} is needed: study {study.study_name!r} has "
                f"{len(directions)} objectives. Pass an objective index (target=0), a metric "
                "name, or a callable such as `target=lambda t: t.values[0]`."
            )
        target = 0
    if isinstance(target, str) and not callable(target):
        if not names or target not in names:
            raise AnalysisError(
                f"`target` of {owner} names no objective: got {target!r}; the study's metric "
                f"names are {names!r}. Pass one of them or an objective index."
            )
        target = names.index(target)
    if isinstance(target, numbers.Integral) and not isinstance(target, bool):
        index = int(target)
        if not 0 <= index < len(directions):
            raise AnalysisError(
                f"`target` of {owner} must be an objective index in [0, {len(directions)}); "
                f"got {target!r}."
            )
        name = (
            names[index]
            if names
            else ("Objective value" if len(directions) == 1 else f"Objective {index}")
        )
        chosen = directions[index] if direction is None else parse_direction(direction, owner)

        def get(trial: FrozenTrial) -> float:
            values = trial.values
            return math.nan if values is None else float(values[index])

        return Target(get, name, chosen)
    if callable(target):

        def call(trial: FrozenTrial) -> float:
            return float(target(trial))

        chosen = parse_direction("minimize" if direction is None else direction, owner)
        label = str(getattr(target, "__name__", ""))
        return Target(
            call, label if label and not label.startswith("<") else "Target value", chosen
        )
    raise AnalysisTypeError(
        f"`target` of {owner} must be None, an objective index, a metric name or a callable "
        f"taking a FrozenTrial; got {target!r} ({type(target).__name__})."
    )
