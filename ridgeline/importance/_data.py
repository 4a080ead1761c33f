"""What every evaluator fits: the usable trials of a study as a matrix in the unit cube.

Each parameter becomes one column scaled to ``[0, 1]`` over its whole domain, so that the
uniform measure on the column is the uniform measure on the parameter's search space:

* float: ``[low, high]``, in log space when ``log=True``;
* int: ``[low - step/2, high + step/2]`` (log space: ``[log(low - 1/2), log(high + 1/2)]``), so
  every value owns a cell of the same width;
* categorical: the choice's index ``k`` of ``K`` sits at ``(k + 1/2) / K``, every choice owning a
  cell of width ``1/K`` (an ordinal code: a tree isolates any choice with at most two splits).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ridgeline.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from ridgeline.exceptions import RidgelineError
from ridgeline.search_space import intersection_search_space
from ridgeline.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from ridgeline.study import Study

__all__ = [
    "ImportanceError",
    "ImportanceTypeError",
    "ParamData",
    "check_request",
    "check_target",
    "collect",
]


class ImportanceError(RidgelineError, ValueError):
    """Parameter importances cannot be computed from these arguments or these trials."""


class ImportanceTypeError(RidgelineError, TypeError):
    """An argument of an importance function has the wrong type."""


@dataclass(frozen=True)
class ParamData:
    """The usable trials of a study, one column per parameter, ready for an evaluator.

    Attributes:
        names: The parameters, sorted by name.
        distributions: Each parameter's distribution (the widest when trials disagree).
        x: ``(n_trials, n_params)`` values scaled to ``[0, 1]`` (see the module docstring).
        y: ``(n_trials,)`` target values (the objective unless ``target`` says otherwise).
        lower_is_better: Whether low ``y`` values are the good ones.
    """

    names: list[str]
    distributions: list[BaseDistribution]
    x: np.ndarray
    y: np.ndarray
    lower_is_better: bool

    def is_constant(self, column: int) -> bool:
        """Whether every trial has the same value of the parameter in ``column``."""
        col = self.x[:, column]
        return bool(col.size == 0 or np.all(col == col[0]))


def _edges(dist: BaseDistribution) -> tuple[float, float]:
    """The parameter's domain in the (log) space where it is measured uniformly."""
    if isinstance(dist, CategoricalDistribution):
        return -0.5, len(dist.choices) - 0.5
    if isinstance(dist, IntDistribution):
        half = 0.5 if dist.log else dist.step / 2
        low, high = dist.low - half, dist.high + half
    elif isinstance(dist, FloatDistribution):
        low, high = dist.low, dist.high
    else:  # pragma: no cover - every distribution of ours is one of the three
        raise ImportanceTypeError(f"unsupported distribution {dist!r}")
    if dist.log:
        return math.log(low), math.log(high)
    return float(low), float(high)


def _widest(name: str, dists: Sequence[BaseDistribution]) -> BaseDistribution:
    """One distribution covering every trial's: the union of numeric ranges."""
    # Trials usually share their distribution objects: compare each distinct object once.
    distinct = list({id(d): d for d in dists}.values())
    first = distinct[0]
    if all(d == first for d in distinct):
        return first
    dists = distinct
    kinds = {(type(d).__name__, getattr(d, "log", None)) for d in dists}
    if len(kinds) > 1 or isinstance(first, CategoricalDistribution):
        raise ImportanceError(
            f"Parameter {name!r} has incompatible distributions across trials "
            f"({first!r} and {next(d for d in dists if d != first)!r}); importances need one "
            "kind of values per parameter. Leave it out with `params=[...]`."
        )
    low = min(d.low for d in dists)  # type: ignore[attr-defined]
    high = max(d.high for d in dists)  # type: ignore[attr-defined]
    log = bool(getattr(first, "log", False))
    if isinstance(first, IntDistribution):
        return IntDistribution(low, high, log=log)
    return FloatDistribution(low, high, log=log)


def _internal(values: list[Any], dist: BaseDistribution) -> list[float]:
    """Internal values: floats for numbers, the choice's index for a categorical."""
    if not isinstance(dist, CategoricalDistribution):
        return [float(v) for v in values]
    index: dict[tuple[type, Any], float] = {}
    out = []
    for v in values:
        try:
            out.append(index[type(v), v])
        except KeyError:
            out.append(index.setdefault((type(v), v), dist.to_internal_repr(v)))
        except TypeError:  # an unhashable choice
            out.append(dist.to_internal_repr(v))
    return out


def _scaled(values: list[float], dist: BaseDistribution) -> np.ndarray:
    lo, hi = _edges(dist)
    v = np.asarray(values, dtype=float)
    if isinstance(dist, CategoricalDistribution):
        pass  # internal values are already the choices' indices
    elif getattr(dist, "log", False):
        v = np.log(v)
    return (v - lo) / (hi - lo) if hi > lo else np.full_like(v, 0.5)


def check_target(target: Callable[[FrozenTrial], float] | None, owner: str) -> None:
    """Raise a TypeError unless ``target`` is None or callable."""
    if target is not None and not callable(target):
        raise ImportanceTypeError(
            f"`target` of {owner} must be a function of a FrozenTrial returning a float, "
            f"e.g. target=lambda t: t.values[1]; got {target!r}."
        )


def _check_params(params: object, owner: str) -> list[str] | None:
    if params is None:
        return None
    if isinstance(params, str) or not all(isinstance(p, str) for p in params):  # type: ignore
        raise ImportanceTypeError(
            f"`params` of {owner} must be a list of parameter names; got {params!r}. "
            "Write e.g. params=['lr', 'n_layers']."
        )
    return list(params)  # type: ignore[call-overload]


def check_request(
    study: Study,
    params: object,
    target: Callable[[FrozenTrial], float] | None,
    owner: str,
) -> list[str] | None:
    """Check ``params`` and ``target`` (required for a multi-objective study); the names."""
    names = _check_params(params, owner)
    check_target(target, owner)
    n_objectives = len(study.directions)
    if target is None and n_objectives > 1:
        raise ImportanceError(
            f"`target` of {owner} is required for a multi-objective study "
            f"({n_objectives} objectives); got None. Pick the objective to explain, "
            "e.g. target=lambda t: t.values[0]."
        )
    return names


def collect(
    study: Study,
    params: Sequence[str] | None,
    target: Callable[[FrozenTrial], float] | None,
    owner: str,
) -> ParamData:
    """The COMPLETE trials of ``study`` that an evaluator can use, as a :class:`ParamData`.

    Without ``params``, the parameters are those present, with the same distribution, in every
    COMPLETE trial (conditional parameters are left out). With ``params``, only trials that
    have all of them are used. Trials whose target is NaN or infinite are skipped.

    Raises:
        ImportanceError: A multi-objective study without ``target``, an unknown parameter
            name, or fewer than 2 usable trials.
        ImportanceTypeError: ``params`` or ``target`` of the wrong type.
    """
    names = check_request(study, params, target, owner)
    directions = study.directions
    trials = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    if names is None:
        space = intersection_search_space(trials)
        names = list(space)
    else:
        available = sorted({n for t in trials for n in t._distributions})
        unknown = [n for n in names if n not in available]
        if unknown:
            raise ImportanceError(
                f"`params` of {owner} names {unknown[0]!r}, which no COMPLETE trial has; "
                f"available: {', '.join(map(repr, available)) or 'none'}."
            )
        names = sorted(set(names))
        trials = [t for t in trials if all(n in t._params for n in names)]
    ys: list[float] = []
    used: list[FrozenTrial] = []
    for t in trials:
        y = float(target(t)) if target is not None else t.value
        if y is not None and math.isfinite(y):
            ys.append(y)
            used.append(t)
    if len(used) < 2:
        raise ImportanceError(
            f"{owner} needs at least 2 COMPLETE trials with every parameter in `params` and a "
            f"finite target; got {len(used)} (of {len(study.get_trials(deepcopy=False))} "
            "trials). Run more trials first."
        )
    # The records' own dicts (read only): the public properties copy them per call.
    dists = [_widest(n, [t._distributions[n] for t in used]) for n in names]
    columns = [
        _scaled(_internal([t._params[n] for t in used], d), d)
        for n, d in zip(names, dists, strict=True)
    ]
    x = np.column_stack(columns) if columns else np.empty((len(used), 0))
    y_all = np.asarray(ys, dtype=float)
    return ParamData(names, dists, x, y_all, _lower_is_better(used, y_all, directions, target))


def _lower_is_better(
    used: list[FrozenTrial],
    y: np.ndarray,
    directions: Sequence[Any],
    target: Callable[[FrozenTrial], float] | None,
) -> bool:
    """The objective's direction; for a ``target`` that returns one objective's values
    (``lambda t: t.values[1]``), that objective's direction; else lower is better."""
    if target is None:
        return bool(directions[0].name == "MINIMIZE")
    values = np.array([t._values for t in used], dtype=float)
    for i, direction in enumerate(directions):
        if values.ndim == 2 and i < values.shape[1] and np.array_equal(values[:, i], y):
            return bool(direction.name == "MINIMIZE")
    return True
