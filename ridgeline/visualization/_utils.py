"""What every plot needs: the lazy import of plotly, argument checks, the trials to draw and
how each parameter is laid out on an axis (log, categorical, linear)."""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ridgeline._imports import require
from ridgeline.distributions import CategoricalDistribution
from ridgeline.exceptions import RidgelineError
from ridgeline.logging import get_logger
from ridgeline.samplers._constraints import is_feasible
from ridgeline.study._study_direction import StudyDirection
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = [
    "ParamAxis",
    "VisualizationError",
    "check_params",
    "check_plot_args",
    "check_study",
    "check_target",
    "completed_trials",
    "empty_reason",
    "import_plotly",
    "is_available",
    "param_axis",
    "target_values",
    "warn_empty",
]

_logger = get_logger("ridgeline.visualization")

TargetFunc = Callable[[FrozenTrial], float]


class VisualizationError(RidgelineError, ValueError):
    """A plot function was given arguments it cannot draw."""


def is_available() -> bool:
    """Whether plotly, which the ``plot_*`` functions draw with, is installed.

    Example:
        >>> import ridgeline
        >>> isinstance(ridgeline.visualization.is_available(), bool)
        True
    """
    return importlib.util.find_spec("plotly") is not None


def import_plotly() -> ModuleType:
    """``plotly.graph_objects``, or an ImportError naming ``pip install 'ridgeline[viz]'``."""
    require("plotly", "viz")
    return require("plotly.graph_objects", "viz")


def import_subplots() -> ModuleType:
    """``plotly.subplots``, or the same ImportError as :func:`import_plotly`."""
    import_plotly()
    return require("plotly.subplots", "viz")


def check_study(study: Any, owner: str) -> Study:
    """``study`` itself, or a clear error when it is not a study."""
    if not hasattr(study, "get_trials") or not hasattr(study, "directions"):
        raise VisualizationError(
            f"`study` of {owner} must be a ridgeline Study; got {type(study).__name__}."
        )
    result: Study = study
    return result


def as_studies(study: Any, owner: str) -> list[Study]:
    if isinstance(study, Sequence):
        studies = [check_study(s, owner) for s in study]
        if not studies:
            raise VisualizationError(f"`study` of {owner} must not be an empty list.")
        return studies
    return [check_study(study, owner)]


def check_target(study: Study, target: TargetFunc | None, owner: str) -> None:
    """A single-objective plot of a study with several objectives needs ``target``."""
    if target is not None and not callable(target):
        raise VisualizationError(
            f"`target` of {owner} must be a function of a FrozenTrial; got {target!r}."
        )
    n = len(study.directions)
    if target is None and n > 1:
        raise VisualizationError(
            f"`target` of {owner} is required for a study with {n} objectives: pass a "
            "function of a trial, e.g. target=lambda t: t.values[0], and a target_name."
        )


def completed_trials(study: Study) -> list[FrozenTrial]:
    """The study's COMPLETE trials, in number order."""
    return list(study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)))


def target_values(trials: Sequence[FrozenTrial], target: TargetFunc | None) -> list[float]:
    """Each trial's value to draw: ``target(trial)`` or its only objective value."""
    if target is None:
        return [float(t.values[0]) if t.values else math.nan for t in trials]
    return [float(target(t)) for t in trials]


def finite_only(
    trials: Sequence[FrozenTrial], values: Sequence[float], owner: str
) -> tuple[list[FrozenTrial], list[float]]:
    """``trials`` and ``values`` without the trials whose value is NaN or infinite (they
    cannot be placed on an axis), with a logged warning naming them."""
    keep = [i for i, v in enumerate(values) if math.isfinite(v)]
    if len(keep) < len(values):
        dropped = [t.number for t, v in zip(trials, values, strict=True) if not math.isfinite(v)]
        _logger.warning("%s: trials %s have a non-finite value and are not drawn.", owner, dropped)
    return [trials[i] for i in keep], [values[i] for i in keep]


def minimizes(study: Study, target: TargetFunc | None) -> bool:
    """Whether smaller drawn values are better (a ``target`` of a multi-objective study is
    read as to be minimised)."""
    directions = study.directions
    if target is not None and len(directions) > 1:
        return True
    return directions[0] != StudyDirection.MAXIMIZE


def empty_reason(study: Study, kind: str = "completed") -> str:
    """Why a study gives nothing to draw: no trials at all, or none of ``kind``."""
    trials = study.get_trials(deepcopy=False)
    if not trials:
        return "The study has no trials yet."
    counts: dict[str, int] = {}
    for t in trials:
        counts[t.state.name.lower()] = counts.get(t.state.name.lower(), 0) + 1
    words = {"fail": "failed"}
    states = ", ".join(f"{n} {words.get(s, s)}" for s, n in sorted(counts.items()))
    return f"The study has no {kind} trials ({states})."


def warn_empty(owner: str, reason: str) -> None:
    """Log why ``owner`` draws an empty figure."""
    _logger.warning("%s: %s The figure is empty.", owner, reason)


def all_param_names(trials: Sequence[FrozenTrial]) -> list[str]:
    """Every parameter name of ``trials``, sorted."""
    names: set[str] = set()
    for t in trials:
        names.update(t.params)
    return sorted(names)


def check_params(
    study: Study, trials: Sequence[FrozenTrial], params: Sequence[str] | None, owner: str
) -> list[str]:
    """The parameters to draw: ``params`` (checked against the study) or all of ``trials``'."""
    if params is None:
        return all_param_names(trials)
    if isinstance(params, str) or not all(isinstance(p, str) for p in params):
        raise VisualizationError(
            f"`params` of {owner} must be a list of parameter names; got {params!r}."
        )
    available = all_param_names(study.get_trials(deepcopy=False))
    unknown = [p for p in params if p not in available]
    if unknown:
        raise VisualizationError(
            f"`params` of {owner} names {unknown!r}, not a parameter of the study; "
            f"available params: {available!r}."
        )
    return list(dict.fromkeys(params))


def check_plot_args(
    study: Any,
    params: Sequence[str] | None,
    target: TargetFunc | None,
    owner: str,
    *,
    feasible_only: bool = False,
) -> tuple[list[FrozenTrial], list[str]]:
    """Check the ``study``, ``target`` and ``params`` of a per-parameter plot, in that order;
    its completed trials (feasible ones only, with ``feasible_only``) and the parameters to
    draw."""
    study = check_study(study, owner)
    check_target(study, target, owner)
    trials = completed_trials(study)
    if feasible_only:
        trials = [t for t in trials if is_feasible(t)]
    return trials, check_params(study, trials, params, owner)


@dataclass(frozen=True)
class ParamAxis:
    """How one parameter is drawn on an axis.

    Attributes:
        name: The parameter's name.
        is_log: Whether it was sampled on a log scale (drawn on a log axis).
        is_categorical: Whether it is categorical (drawn as categories, in ``categories``).
        categories: The choices as text, in the distribution's order (categorical only).
        low / high: The range of the values drawn (numeric only; NaN for categorical).
    """

    name: str
    is_log: bool
    is_categorical: bool
    categories: tuple[str, ...]
    low: float
    high: float

    def coordinate(self, value: Any) -> float:
        """``value`` on a linear scale: log10 for a log axis, the index of a category."""
        if self.is_categorical:
            return float(self.categories.index(str(value)))
        return math.log10(float(value)) if self.is_log else float(value)

    def padded_range(self) -> tuple[float, float]:
        """The range in :meth:`coordinate` units, widened a little (never of zero width)."""
        if self.is_categorical:
            return -0.5, len(self.categories) - 0.5
        lo, hi = self.coordinate(self.low), self.coordinate(self.high)
        pad = (hi - lo) * 0.05 if hi > lo else 0.5
        return lo - pad, hi + pad


def param_axis(trials: Sequence[FrozenTrial], name: str) -> ParamAxis:
    """The axis of parameter ``name`` over the ``trials`` that have it."""
    having = [t for t in trials if name in t.params]
    dists = [t.distributions[name] for t in having if name in t.distributions]
    categorical = any(isinstance(d, CategoricalDistribution) for d in dists)
    if categorical:
        cats: dict[str, None] = {}
        for d in dists:
            if isinstance(d, CategoricalDistribution):
                cats.update((str(c), None) for c in d.choices)
        cats.update((str(t.params[name]), None) for t in having)
        return ParamAxis(name, False, True, tuple(cats), math.nan, math.nan)
    is_log = any(bool(getattr(d, "log", False)) for d in dists)
    values = [float(t.params[name]) for t in having]
    low = min(values) if values else math.nan
    high = max(values) if values else math.nan
    return ParamAxis(name, is_log, False, (), low, high)


def tick_labels(axis: ParamAxis) -> tuple[list[float], list[str]]:
    """Tick positions (in :meth:`ParamAxis.coordinate` units) and their text."""
    if axis.is_categorical:
        return [float(i) for i in range(len(axis.categories))], list(axis.categories)
    if axis.is_log:
        lo, hi = math.floor(math.log10(axis.low)), math.ceil(math.log10(axis.high))
        ticks = [float(e) for e in range(lo, hi + 1)]
        return ticks, [f"{10**e:.3g}" for e in ticks]
    return [], []


def plotly_empty(title: str, reason: str) -> Any:
    """An empty plotly figure whose title and annotation say why nothing is drawn."""
    go = import_plotly()
    fig = go.Figure()
    fig.update_layout(
        title={"text": f"{title}<br><sub>{reason}</sub>"},
        annotations=[
            {
                "text": reason,
                "showarrow": False,
                "xref": "paper",
                "yref": "paper",
                "x": 0.5,
                "y": 0.5,
            }
        ],
        xaxis={"visible": False},
        yaxis={"visible": False},
    )
    return fig
