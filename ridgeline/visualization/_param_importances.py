"""Parameter importances as horizontal bars (one series per objective without ``target``)."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ridgeline.visualization._utils import (
    TargetFunc,
    VisualizationError,
    check_params,
    check_study,
    completed_trials,
    empty_reason,
    import_plotly,
    plotly_empty,
    warn_empty,
)

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["plot_param_importances"]

_TITLE = "Hyperparameter Importances"


@dataclass(frozen=True)
class ImportanceSeries:
    """The importances for one objective (or the ``target``), aligned with ``params``."""

    name: str
    importances: tuple[float, ...]


@dataclass(frozen=True)
class ParamImportancesInfo:
    """What :func:`plot_param_importances` draws.

    Attributes:
        params: The parameters, least important first (the bottom bar first).
        series: One per objective drawn.
    """

    params: tuple[str, ...]
    series: tuple[ImportanceSeries, ...]
    empty_reason: str | None


def _objective_targets(
    study: Study, target: TargetFunc | None, target_name: str
) -> list[tuple[str, TargetFunc | None]]:
    n = len(study.directions)
    if target is not None or n == 1:
        return [(target_name, target)]
    names = study.metric_names or [f"{target_name} {i}" for i in range(n)]

    def nth(i: int) -> TargetFunc:
        return lambda t: float(t.values[i]) if t.values is not None else float("nan")

    return [(names[i], nth(i)) for i in range(n)]


def _get_param_importances_info(
    study: Study,
    evaluator: Any = None,
    params: Sequence[str] | None = None,
    target: TargetFunc | None = None,
    target_name: str = "Objective Value",
) -> ParamImportancesInfo:
    """The data of :func:`plot_param_importances`."""
    owner = "plot_param_importances"
    check_study(study, owner)
    if target is not None and not callable(target):
        raise VisualizationError(
            f"`target` of {owner} must be a function of a FrozenTrial; got {target!r}."
        )
    trials = completed_trials(study)
    names = check_params(study, trials, params, owner)
    reason: str | None = None
    if not trials:
        reason = empty_reason(study)
    elif len(trials) < 2:
        reason = "Importances need at least 2 completed trials; the study has 1."
    elif not names:
        reason = "The trials have no parameters."
    if reason is not None:
        warn_empty(owner, reason)
        return ParamImportancesInfo((), (), reason)
    importance = importlib.import_module("ridgeline.importance")
    raw: list[tuple[str, dict[str, float]]] = []
    for name, func in _objective_targets(study, target, target_name):
        result = importance.get_param_importances(
            study, evaluator=evaluator, params=list(names) if params else None, target=func
        )
        raw.append((name, {str(k): float(v) for k, v in result.items()}))
    first = raw[0][1]
    order = sorted(first, key=lambda p: (first[p], p))
    for _, values in raw[1:]:
        order += [p for p in sorted(values) if p not in order]
    series = tuple(
        ImportanceSeries(name, tuple(values.get(p, 0.0) for p in order)) for name, values in raw
    )
    return ParamImportancesInfo(tuple(order), series, None)


def plot_param_importances(
    study: Study,
    evaluator: Any = None,
    params: list[str] | None = None,
    *,
    target: TargetFunc | None = None,
    target_name: str = "Objective Value",
) -> Any:
    """Plot how much each parameter matters for the objective, as horizontal bars.

    Importances come from :func:`ridgeline.importance.get_param_importances` over the
    completed trials. A study with several objectives and no ``target`` gets one bar series
    per objective.

    Args:
        study: The study.
        evaluator: An importance evaluator (the default one when ``None``).
        params: The parameters to evaluate (all by default).
        target: A function of a trial giving the value whose importance is evaluated.
        target_name: The series' name.

    Returns:
        A ``plotly.graph_objects.Figure``.

    Raises:
        ValueError: If ``params`` names a parameter the study does not have.

    Example:
        >>> import ridgeline
        >>> study = ridgeline.create_study(sampler=ridgeline.samplers.RandomSampler(seed=0))
        >>> study.optimize(
        ...     lambda t: t.suggest_float("x", 0, 1) + 0.01 * t.suggest_float("y", 0, 1),
        ...     n_trials=20,
        ... )
        >>> fig = ridgeline.visualization.plot_param_importances(study)
        >>> fig.data[0].y
        ('y', 'x')
    """
    info = _get_param_importances_info(study, evaluator, params, target, target_name)
    if info.empty_reason is not None:
        return plotly_empty(_TITLE, info.empty_reason)
    go = import_plotly()
    fig = go.Figure()
    for s in info.series:
        fig.add_trace(
            go.Bar(
                x=s.importances,
                y=info.params,
                orientation="h",
                name=s.name,
                text=[f"{v:.2f}" for v in s.importances],
                textposition="outside",
            )
        )
    fig.update_layout(
        title=_TITLE,
        xaxis={"title": {"text": "Hyperparameter Importance"}},
        yaxis={"title": {"text": "Hyperparameter"}},
        showlegend=len(info.series) > 1,
    )
    return fig
