"""Hypervolume of a multi-objective study's feasible trials after each completed trial."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ridgeline.multi_objective import hypervolume_history
from ridgeline.multi_objective._checks import as_vector
from ridgeline.visualization._utils import (
    VisualizationError,
    check_study,
    completed_trials,
    empty_reason,
    import_plotly,
    plotly_empty,
    warn_empty,
)

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["plot_hypervolume_history"]

_TITLE = "Hypervolume History Plot"


@dataclass(frozen=True)
class HypervolumeHistoryInfo:
    """What :func:`plot_hypervolume_history` draws (from
    :func:`ridgeline.multi_objective.hypervolume_history`)."""

    trial_numbers: tuple[int, ...]
    values: tuple[float, ...]
    reference_point: tuple[float, ...]
    empty_reason: str | None


def _get_hypervolume_history_info(
    study: Study, reference_point: Sequence[float]
) -> HypervolumeHistoryInfo:
    """The data of :func:`plot_hypervolume_history`."""
    owner = "plot_hypervolume_history"
    check_study(study, owner)
    if len(study.directions) < 2:
        raise VisualizationError(
            f"{owner} needs a study with several objectives; this one has one. Use "
            "plot_optimization_history instead."
        )
    ref_point = as_vector(reference_point, owner, "reference_point", len(study.directions))
    history = hypervolume_history(study, reference_point=ref_point)
    ref = tuple(float(v) for v in history.reference_point.tolist())  # type: ignore[union-attr]
    reason = None
    if not completed_trials(study):
        reason = empty_reason(study)
        warn_empty(owner, reason)
    return HypervolumeHistoryInfo(
        tuple(int(n) for n in history.trial_numbers.tolist()),
        tuple(float(v) for v in history.values.tolist()),
        ref,
        reason,
    )


def plot_hypervolume_history(study: Study, reference_point: Sequence[float]) -> Any:
    """Plot the hypervolume of the feasible completed trials after each completed trial.

    Args:
        study: A study with several objectives.
        reference_point: One finite value per objective, worse than the trials that should
            count (in the study's own directions).

    Returns:
        A ``plotly.graph_objects.Figure``.

    Raises:
        ValueError: For a single-objective study, or a ``reference_point`` without one
            finite value per objective.

    Example:
        >>> import ridgeline
        >>> study = ridgeline.create_study(directions=["minimize", "maximize"])
        >>> study.optimize(lambda t: (t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)),
        ...                n_trials=5)
        >>> fig = ridgeline.visualization.plot_hypervolume_history(study, [1.0, 0.0])
        >>> len(fig.data[0].x)
        5
    """
    info = _get_hypervolume_history_info(study, reference_point)
    if info.empty_reason is not None:
        return plotly_empty(_TITLE, info.empty_reason)
    go = import_plotly()
    fig = go.Figure(
        data=[
            go.Scatter(
                x=info.trial_numbers, y=info.values, mode="lines+markers", name="Hypervolume"
            )
        ]
    )
    fig.update_layout(
        title=_TITLE,
        xaxis={"title": {"text": "Trial"}},
        yaxis={"title": {"text": "Hypervolume"}},
    )
    return fig
