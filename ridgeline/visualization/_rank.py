"""Rank plot: trials over pairs of parameters, coloured by how their value ranks."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ridgeline.samplers._constraints import is_feasible
from ridgeline.visualization._utils import (
    ParamAxis,
    TargetFunc,
    check_plot_args,
    empty_reason,
    finite_only,
    import_plotly,
    import_subplots,
    minimizes,
    param_axis,
    plotly_empty,
    target_values,
    warn_empty,
)

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["plot_rank"]

_TITLE = "Rank Plot"


@dataclass(frozen=True)
class RankPanel:
    """The trials that have both parameters of a panel (one parameter: the parameter
    against the value; then ``y_axis`` is None and ``y`` holds the values).

    Attributes:
        ranks: Each trial's rank among all drawn trials scaled to [0, 1]: 0 is the best
            value, 1 the worst; infeasible trials are NaN (drawn grey).
    """

    x_axis: ParamAxis
    y_axis: ParamAxis | None
    x: tuple[Any, ...]
    y: tuple[Any, ...]
    ranks: tuple[float, ...]
    values: tuple[float, ...]
    trial_numbers: tuple[int, ...]


@dataclass(frozen=True)
class RankInfo:
    """What :func:`plot_rank` draws; ``panels[(x, y)]`` as in the contour plot."""

    params: tuple[str, ...]
    panels: dict[tuple[str, str | None], RankPanel]
    target_name: str
    empty_reason: str | None


def _ranks(values: Sequence[float], feasible: Sequence[bool], minimize: bool) -> list[float]:
    v = np.array(values, dtype=float)
    ok = np.array(feasible, dtype=bool) & ~np.isnan(v)
    out = np.full(len(v), np.nan)
    if ok.any():
        key = v[ok] if minimize else -v[ok]
        order = np.argsort(np.argsort(key, kind="stable"), kind="stable")
        out[ok] = order / max(int(ok.sum()) - 1, 1)
    return out.tolist()


def _get_rank_info(
    study: Study,
    params: Sequence[str] | None = None,
    target: TargetFunc | None = None,
    target_name: str = "Objective Value",
) -> RankInfo:
    """The data of :func:`plot_rank`."""
    owner = "plot_rank"
    trials, names = check_plot_args(study, params, target, owner)
    trials, values = finite_only(trials, target_values(trials, target), owner)
    if not trials or not names:
        reason = empty_reason(study) if not trials else "The trials have no parameters."
        warn_empty(owner, reason)
        return RankInfo(tuple(names), {}, target_name, reason)
    ranks = dict(
        zip(
            (t.number for t in trials),
            _ranks(values, [is_feasible(t) for t in trials], minimizes(study, target)),
            strict=True,
        )
    )
    value_of = dict(zip((t.number for t in trials), values, strict=True))

    def shown(axis: ParamAxis, having: list[Any]) -> tuple[Any, ...]:
        raw = [t.params[axis.name] for t in having]
        return tuple(str(v) for v in raw) if axis.is_categorical else tuple(raw)

    panels: dict[tuple[str, str | None], RankPanel] = {}
    pairs: list[tuple[str, str | None]] = (
        [(names[0], None)] if len(names) == 1 else list(itertools.permutations(names, 2))
    )
    for x_name, y_name in pairs:
        having = [
            t for t in trials if x_name in t.params and (y_name is None or y_name in t.params)
        ]
        x_axis = param_axis(having, x_name)
        y_axis = None if y_name is None else param_axis(having, y_name)
        panels[(x_name, y_name)] = RankPanel(
            x_axis=x_axis,
            y_axis=y_axis,
            x=shown(x_axis, having),
            y=tuple(value_of[t.number] for t in having)
            if y_axis is None
            else shown(y_axis, having),
            ranks=tuple(ranks[t.number] for t in having),
            values=tuple(value_of[t.number] for t in having),
            trial_numbers=tuple(t.number for t in having),
        )
    return RankInfo(tuple(names), panels, target_name, None)


def _axis_layout(axis: ParamAxis | None, target_name: str) -> dict[str, Any]:
    if axis is None:
        return {"title": {"text": target_name}}
    out: dict[str, Any] = {"title": {"text": axis.name}}
    if axis.is_categorical:
        out.update(type="category", categoryorder="array", categoryarray=list(axis.categories))
    else:
        out["type"] = "log" if axis.is_log else "linear"
    return out


def plot_rank(
    study: Study,
    params: list[str] | None = None,
    *,
    target: TargetFunc | None = None,
    target_name: str = "Objective Value",
) -> Any:
    """Plot the completed trials over pairs of parameters, coloured by their value's rank.

    Ranks (not raw values) make the colours readable when a few trials have extreme values.
    One parameter gives the parameter against the value; more give a grid of pairs.

    Args:
        study: The study.
        params: The parameters to draw (all by default).
        target: A function of a trial giving the value to rank; required for a study with
            several objectives (then smaller is better).
        target_name: The value's title.

    Returns:
        A ``plotly.graph_objects.Figure``.

    Raises:
        ValueError: If ``params`` names a parameter the study does not have, or ``target``
            is missing for a multi-objective study.

    Example:
        >>> import ridgeline
        >>> study = ridgeline.create_study()
        >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
        >>> fig = ridgeline.visualization.plot_rank(study)
        >>> len(fig.data[0].x)
        5
    """
    info = _get_rank_info(study, params, target, target_name)
    if info.empty_reason is not None:
        return plotly_empty(_TITLE, info.empty_reason)
    go = import_plotly()
    names = info.params
    if len(names) <= 2:
        pairs: list[tuple[str, str | None]] = [(names[0], names[1] if len(names) == 2 else None)]
        n = 1
    else:
        pairs, n = list(info.panels), len(names)
    fig = import_subplots().make_subplots(rows=n, cols=n) if n > 1 else go.Figure()
    for k, key in enumerate(pairs):
        p = info.panels[key]
        x_name, y_name = key
        where = (
            {} if n == 1 else {"row": names.index(str(y_name)) + 1, "col": names.index(x_name) + 1}
        )
        ok = [i for i, r in enumerate(p.ranks) if r == r]  # NaN: infeasible, drawn grey
        bad = [i for i, r in enumerate(p.ranks) if r != r]
        fig.add_trace(
            go.Scatter(
                x=[p.x[i] for i in ok],
                y=[p.y[i] for i in ok],
                mode="markers",
                marker={
                    "color": [p.ranks[i] for i in ok],
                    "colorscale": "RdYlBu_r",
                    "cmin": 0,
                    "cmax": 1,
                    "showscale": k == 0,
                    "colorbar": {"title": {"text": f"Rank of {info.target_name}"}},
                    "line": {"width": 0.5, "color": "Grey"},
                },
                text=[f"Trial {p.trial_numbers[i]}: {p.values[i]:.4g}" for i in ok],
                showlegend=False,
            ),
            **where,
        )
        if bad:
            fig.add_trace(
                go.Scatter(
                    x=[p.x[i] for i in bad],
                    y=[p.y[i] for i in bad],
                    mode="markers",
                    marker={"color": "#cccccc"},
                    name="Infeasible Trial",
                    showlegend=False,
                ),
                **where,
            )
        fig.update_xaxes(**_axis_layout(p.x_axis, info.target_name), **where)
        fig.update_yaxes(**_axis_layout(p.y_axis, info.target_name), **where)
    fig.update_layout(title=_TITLE)
    return fig
