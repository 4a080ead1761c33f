"""Pareto front of a multi-objective study, in 2-D or 3-D."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ridgeline.multi_objective import nondominated_mask
from ridgeline.samplers._constraints import check_constraints, is_feasible
from ridgeline.trial._frozen import FrozenTrial
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

__all__ = ["plot_pareto_front"]

_TITLE = "Pareto-front Plot"
_OWNER = "plot_pareto_front"


@dataclass(frozen=True)
class ParetoPoints:
    """Trials and their drawn values, one tuple per trial in the axes' order."""

    trial_numbers: tuple[int, ...]
    values: tuple[tuple[float, ...], ...]


@dataclass(frozen=True)
class ParetoFrontInfo:
    """What :func:`plot_pareto_front` draws.

    Attributes:
        target_names: The axes' titles, in the axes' order (x, y[, z]).
        axis_order: Which target goes on each axis.
        best: The feasible completed trials no other feasible one dominates (in the study's
            objectives and directions).
        dominated: The other feasible ones (empty unless ``include_dominated_trials``).
        infeasible: Completed trials that break their constraints.
    """

    target_names: tuple[str, ...]
    axis_order: tuple[int, ...]
    best: ParetoPoints
    dominated: ParetoPoints
    infeasible: ParetoPoints
    empty_reason: str | None


def _feasibility(
    trials: Sequence[FrozenTrial],
    constraints_func: Callable[[FrozenTrial], Sequence[float]] | None,
) -> list[bool]:
    if constraints_func is None:
        return [is_feasible(t) for t in trials]
    return [all(c <= 0 for c in check_constraints(constraints_func(t), _OWNER)) for t in trials]


def _points(
    trials: Sequence[FrozenTrial], shown: Sequence[Sequence[float]], order: Sequence[int]
) -> ParetoPoints:
    return ParetoPoints(
        tuple(t.number for t in trials),
        tuple(tuple(float(v[i]) for i in order) for v in shown),
    )


def _check_order(axis_order: Sequence[int] | None, n: int) -> tuple[int, ...]:
    if axis_order is None:
        return tuple(range(n))
    order = tuple(axis_order)
    if sorted(order) != list(range(n)) or not all(isinstance(i, int) for i in order):
        raise VisualizationError(
            f"`axis_order` of {_OWNER} must be a permutation of {list(range(n))}; "
            f"got {axis_order!r}."
        )
    return order


def _get_pareto_front_info(
    study: Study,
    target_names: Sequence[str] | None = None,
    include_dominated_trials: bool = True,
    axis_order: Sequence[int] | None = None,
    constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
    targets: Callable[[FrozenTrial], Sequence[float]] | None = None,
) -> ParetoFrontInfo:
    """The data of :func:`plot_pareto_front`."""
    check_study(study, _OWNER)
    directions = study.directions
    if targets is None and len(directions) not in (2, 3):
        raise VisualizationError(
            f"{_OWNER} draws 2 or 3 objectives; the study has {len(directions)}. Pass "
            "`targets` (a function of a trial returning 2 or 3 values) to choose them."
        )
    trials = completed_trials(study)
    shown = [
        [float(v) for v in (targets(t) if targets is not None else t.values or ())] for t in trials
    ]
    n = len(shown[0]) if shown else (len(directions) if targets is None else 2)
    if n not in (2, 3) or any(len(v) != n for v in shown):
        raise VisualizationError(
            f"`targets` of {_OWNER} must return 2 or 3 values for every trial; got "
            f"{[len(v) for v in shown][:5]!r} values."
        )
    names = list(target_names) if target_names is not None else [f"Objective {i}" for i in range(n)]
    if target_names is None and targets is None and study.metric_names:
        names = list(study.metric_names)
    if len(names) != n:
        raise VisualizationError(
            f"`target_names` of {_OWNER} must have one name per drawn value ({n}); "
            f"got {target_names!r}."
        )
    order = _check_order(axis_order, n)
    feasible = _feasibility(trials, constraints_func)
    # The front is the study's (its objectives and directions), whatever `targets` draws.
    signs = np.array([1.0 if d.name != "MAXIMIZE" else -1.0 for d in directions])
    ok = [i for i, f in enumerate(feasible) if f]
    values = np.array([trials[i].values for i in ok], dtype=float).reshape(-1, len(signs))
    front = nondominated_mask(values * signs) if len(ok) else np.zeros(0, dtype=bool)
    best_i = [i for i, m in zip(ok, front.tolist(), strict=True) if m]
    dom_i = [i for i, m in zip(ok, front.tolist(), strict=True) if not m]
    if not include_dominated_trials:
        dom_i = []
    bad_i = [i for i, f in enumerate(feasible) if not f]

    def pick(idx: list[int]) -> ParetoPoints:
        return _points([trials[i] for i in idx], [shown[i] for i in idx], order)

    reason = None
    if not trials:
        reason = empty_reason(study)
        warn_empty(_OWNER, reason)
    return ParetoFrontInfo(
        target_names=tuple(names[i] for i in order),
        axis_order=order,
        best=pick(best_i),
        dominated=pick(dom_i),
        infeasible=pick(bad_i),
        empty_reason=reason,
    )


def plot_pareto_front(
    study: Study,
    *,
    target_names: list[str] | None = None,
    include_dominated_trials: bool = True,
    axis_order: list[int] | None = None,
    constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
    targets: Callable[[FrozenTrial], Sequence[float]] | None = None,
) -> Any:
    """Plot the completed trials of a 2- or 3-objective study, with the Pareto front marked.

    Trials that break their constraints (the values a sampler's ``constraints_func`` stored,
    or ``constraints_func`` here) are drawn in grey and never count for the front.

    Args:
        study: A study with 2 or 3 objectives (or any, with ``targets``).
        target_names: The axes' titles (the study's metric names, else "Objective i").
        include_dominated_trials: Whether to draw the trials off the front too.
        axis_order: Which target goes on each axis, e.g. ``[1, 0]`` to swap x and y.
        constraints_func: Decides feasibility (``<= 0`` satisfied) instead of the stored
            constraint values.
        targets: A function of a trial returning the 2 or 3 values to draw.

    Returns:
        A ``plotly.graph_objects.Figure``.

    Raises:
        ValueError: For a study that does not have 2 or 3 objectives without ``targets``,
            or names/order that do not match the number of values.

    Example:
        >>> import ridgeline
        >>> study = ridgeline.create_study(directions=["minimize", "minimize"])
        >>> study.optimize(lambda t: (t.suggest_float("x", 0, 1), 1 - t.suggest_float("y", 0, 1)),
        ...                n_trials=5)
        >>> fig = ridgeline.visualization.plot_pareto_front(study)
        >>> fig.data[-1].name
        'Best Trial'
    """
    info = _get_pareto_front_info(
        study, target_names, include_dominated_trials, axis_order, constraints_func, targets
    )
    if info.empty_reason is not None:
        return plotly_empty(_TITLE, info.empty_reason)
    go = import_plotly()
    three = len(info.target_names) == 3
    fig = go.Figure()
    groups = [
        (info.infeasible, "Infeasible Trial", {"color": "#cccccc"}),
        (info.dominated, "Trial", {"color": "rgba(66, 133, 244, 0.5)"}),
        (info.best, "Best Trial", {"color": "rgb(219, 68, 55)"}),
    ]
    for points, name, marker in groups:
        if not points.trial_numbers and name != "Best Trial":
            continue
        cols = list(zip(*points.values, strict=True)) or [()] * len(info.target_names)
        common = {
            "mode": "markers",
            "name": name,
            "marker": marker,
            "text": [f"Trial {n}" for n in points.trial_numbers],
        }
        if three:
            fig.add_trace(go.Scatter3d(x=cols[0], y=cols[1], z=cols[2], **common))
        else:
            fig.add_trace(go.Scatter(x=cols[0], y=cols[1], **common))
    axes = {
        f"{a}axis": {"title": {"text": t}} for a, t in zip("xyz", info.target_names, strict=False)
    }
    if three:
        fig.update_layout(title=_TITLE, scene=axes)
    else:
        fig.update_layout(title=_TITLE, **axes)
    return fig
