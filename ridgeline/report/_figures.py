"""The report's figures and importances, each computed on its own so that one that cannot be
made (missing data, a missing module, an error) becomes a short message, not a failed report.

The figures come from :mod:`ridgeline.visualization` and the importances from
:mod:`ridgeline.importance`, both imported on first use.
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ridgeline.report._data import StudySummary
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["FigureItem", "Importances", "collect_figures", "compute_importances"]


@dataclass
class FigureItem:
    """One figure of the report: a plotly figure, or the reason there is none."""

    key: str
    title: str
    figure: Any = None
    message: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Importances:
    """Per parameter, its importance for each objective (rows most important first)."""

    labels: list[str]
    rows: list[tuple[str, list[float]]]
    message: str | None = None

    def top_params(self, n: int) -> list[str]:
        return [name for name, _ in self.rows[:n]]


def _describe(e: BaseException) -> str:
    text = str(e).strip()
    return f"{type(e).__name__}: {text}" if text else type(e).__name__


def _objective_target(i: int) -> Callable[[FrozenTrial], float]:
    def target(trial: FrozenTrial) -> float:
        assert trial.values is not None
        return trial.values[i]

    return target


def compute_importances(study: Study, labels: Sequence[str]) -> Importances:
    """Importances for each objective via ``ridgeline.importance.get_param_importances``."""
    try:
        from ridgeline.importance import get_param_importances
    except ImportError as e:
        return Importances(list(labels), [], f"Importances are not available: {_describe(e)}")
    multi = len(labels) > 1
    per_objective: list[dict[str, float]] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for i in range(len(labels)):
                target = _objective_target(i) if multi else None
                result = get_param_importances(study, target=target)
                per_objective.append({str(k): float(v) for k, v in result.items()})
    except Exception as e:
        return Importances(list(labels), [], f"Importances could not be computed: {_describe(e)}")
    names = list(per_objective[0]) if per_objective else []
    for extra in per_objective[1:]:
        names.extend(n for n in extra if n not in names)
    rows = [(n, [imp.get(n, 0.0) for imp in per_objective]) for n in names]
    rows.sort(key=lambda r: -r[1][0])
    if not rows:
        return Importances(list(labels), [], "No parameter has an importance to show.")
    return Importances(list(labels), rows)


def _make(key: str, title: str, make: Callable[[], Any]) -> FigureItem:
    item = FigureItem(key, title)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            item.figure = make()
    except Exception as e:
        item.message = f"This figure could not be drawn: {_describe(e)}"
        return item
    item.notes = sorted({str(w.message) for w in caught})
    return item


def _unavailable(key: str, title: str, reason: str) -> FigureItem:
    return FigureItem(key, title, message=reason)


def _contour_params(trials: Sequence[FrozenTrial], importances: Importances) -> list[str]:
    if len(importances.rows) >= 2:
        return importances.top_params(2)
    counts = Counter(n for t in trials if t.state == TrialState.COMPLETE for n in t.params)
    return [n for n, _ in counts.most_common(2)]


def collect_figures(
    study: Study,
    trials: Sequence[FrozenTrial],
    summary: StudySummary,
    importances: Importances,
) -> dict[str, list[FigureItem]]:
    """The figures of each report section: ``best``, ``importance`` and ``plots``."""
    try:
        from ridgeline import visualization as vis
    except ImportError as e:
        reason = f"Plots are not available: {_describe(e)}"
        return {"best": [], "importance": [], "plots": [_unavailable("plots", "Plots", reason)]}

    labels = summary.metric_names
    multi = len(labels) > 1
    # With several objectives, the per-parameter plots show the first objective.
    first: dict[str, Any] = (
        {"target": _objective_target(0), "target_name": labels[0]} if multi else {}
    )
    out: dict[str, list[FigureItem]] = {"best": [], "importance": [], "plots": []}
    if multi:
        out["best"].append(
            _make("pareto_front", "Pareto front", lambda: vis.plot_pareto_front(study))
        )
    if importances.message is None:  # else the table's message says why
        out["importance"].append(
            _make(
                "param_importances",
                "Parameter importances",
                lambda: vis.plot_param_importances(study),
            )
        )

    plots = out["plots"]
    if multi:
        for i, label in enumerate(labels):
            plots.append(
                _make(
                    f"optimization_history_{i}",
                    f"Optimization history: {label}",
                    _history(vis, study, i, label),
                )
            )
    else:
        plots.append(
            _make(
                "optimization_history",
                "Optimization history",
                lambda: vis.plot_optimization_history(study),
            )
        )
    suffix = f": {labels[0]}" if multi else ""
    plots.append(
        _make(
            "parallel_coordinate",
            "Parallel coordinates" + suffix,
            lambda: vis.plot_parallel_coordinate(study, **first),
        )
    )
    plots.append(_make("slice", "Slice" + suffix, lambda: vis.plot_slice(study, **first)))
    pair = _contour_params(trials, importances)
    if len(pair) == 2:
        plots.append(
            _make(
                "contour",
                f"Contour of {pair[0]} and {pair[1]}" + suffix,
                lambda: vis.plot_contour(study, params=pair, **first),
            )
        )
    else:
        plots.append(
            _unavailable(
                "contour",
                "Contour",
                f"A contour plot needs two parameters; the completed trials have {len(pair)}.",
            )
        )
    plots.append(
        _make("edf", "Empirical distribution (EDF)" + suffix, lambda: vis.plot_edf(study, **first))
    )
    if any(t.intermediate_values for t in trials):
        plots.append(
            _make(
                "intermediate_values",
                "Intermediate values",
                lambda: vis.plot_intermediate_values(study),
            )
        )
    else:
        plots.append(
            _unavailable(
                "intermediate_values",
                "Intermediate values",
                "No trial reported intermediate values.",
            )
        )
    plots.append(_make("timeline", "Timeline", lambda: vis.plot_timeline(study)))
    if multi:
        plots.append(
            _make(
                "hypervolume_history",
                "Hypervolume history",
                lambda: _hypervolume_figure(vis, study),
            )
        )
    return out


def _history(vis: ModuleType, study: Study, i: int, label: str) -> Callable[[], Any]:
    def make() -> Any:
        return vis.plot_optimization_history(study, target=_objective_target(i), target_name=label)

    return make


def _hypervolume_figure(vis: ModuleType, study: Study) -> Any:
    from ridgeline.multi_objective import hypervolume_history

    reference = hypervolume_history(study).reference_point
    if reference is None:
        raise ValueError("no feasible COMPLETE trial to infer a reference point from")
    return vis.plot_hypervolume_history(study, reference_point=[float(v) for v in reference])
