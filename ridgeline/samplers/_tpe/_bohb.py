"""BOHB's model: TPE fitted on the trials' values at the largest budget with enough of them."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from ridgeline.samplers._tpe._errors import TPEArgumentError
from ridgeline.samplers._tpe._history import History, gains_over_rest
from ridgeline.samplers._tpe.sampler import TPESampler, _check_count, _TrialContext
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["BOHBSampler"]

_OWNER = "BOHBSampler"
_FINAL = -1  # the budget index of COMPLETE trials' final values (the largest budget)


class _Budgets:
    """Each finished trial's value at each budget, grown with the history.

    Budget ``k >= 0`` is the rung at step ``min_resource * eta**k``: a trial's value there is
    the one it reported at the first step in ``[rung, rung * eta)``. Budget ``_FINAL`` holds
    COMPLETE trials' final values.
    """

    def __init__(self, min_resource: int, eta: int) -> None:
        self.min_resource = min_resource
        self.eta = eta
        self.n_rows = 0
        self.rows: dict[int, list[int]] = {}
        self.values: dict[int, list[float]] = {}

    def update(self, history: History) -> None:
        for row in range(self.n_rows, history.n):
            trial = history.trials[row]
            for k, value in self._values_of(trial):
                self.rows.setdefault(k, []).append(row)
                self.values.setdefault(k, []).append(value)
        self.n_rows = history.n

    def _values_of(self, trial: FrozenTrial) -> list[tuple[int, float]]:
        out = []
        if trial.state == TrialState.COMPLETE and trial._values is not None:
            out.append((_FINAL, float(trial._values[0])))
        steps = sorted(trial._intermediate_values)
        k, rung = 0, self.min_resource
        for step in steps:
            while step >= rung * self.eta:
                k, rung = k + 1, rung * self.eta
            if step >= rung:
                out.append((k, float(trial._intermediate_values[step])))
                k, rung = k + 1, rung * self.eta
        return out

    def largest_with(self, n_min: int) -> int | None:
        """The largest budget at which at least ``n_min`` trials have a value."""
        for k in [_FINAL, *sorted((k for k in self.rows if k != _FINAL), reverse=True)]:
            if len(self.rows.get(k, ())) >= n_min:
                return k
        return None


class BOHBSampler(TPESampler):
    """TPE that learns from every budget, for multi-fidelity runs with pruning (the model of
    BOHB, Falkner et al. 2018, "BOHB: Robust and efficient hyperparameter optimization at
    scale", ICML).

    ``step`` is the resource (epochs, a data fraction): the objective reports its value at
    each step and a pruner stops poor trials early. Where plain TPE ranks a pruned trial by
    how far it got, this sampler compares trials on equal terms: at each budget (the rungs
    ``min_resource * reduction_factor ** k``, and the completed trials' final values) it
    knows every trial's value there, and it fits TPE on the largest budget at which at least
    ``min_points_in_model`` trials have a value. Good: the best ``gamma(n)`` of all ``n``
    finished trials, ranked by their values at that budget, and at most half of the trials
    there; each is weighted by how much it improves on the rest at that budget unless
    ``improvement_weights=False``. Bad: every other trial, including those stopped before
    that budget. Low-budget results guide the search until enough trials reach higher
    budgets, instead of being thrown away. With
    :class:`~ridgeline.pruners.HyperbandPruner` it sees the trials of every bracket (it is
    ``budget_aware``), as in BOHB.

    Pair it with :class:`~ridgeline.pruners.HyperbandPruner` (BOHB) or
    :class:`~ridgeline.pruners.SuccessiveHalvingPruner`; by default it takes their
    ``min_resource`` and ``reduction_factor``, so its budgets are their rungs. One objective.
    In ``benchmarks/pruning.py``, with Hyperband it ended with the best values at equal
    steps; with successive halving it saved the most training steps over the problems,
    except on curves whose early values mislead (fast starters that plateau high), where it
    needs Hyperband's later brackets.

    Args:
        min_resource: The step of the smallest budget (default: the pruner's
            ``min_resource``, else 1).
        reduction_factor: The ratio between budgets (default: the pruner's, else 3).
        min_points_in_model: How many trials need a value at a budget before the model is
            fitted there (default: ``max(n_startup_trials, number of parameters + 2)``);
            until some budget has that many, trials are drawn at random.
        **tpe_kwargs: Any :class:`TPESampler` argument (``seed``, ``gamma``, ``multivariate``,
            ``constant_liar``, ...).

    Raises:
        ValueError: On ``min_resource < 1``, ``reduction_factor < 2`` or
            ``min_points_in_model < 1``, or when used on a study with several objectives.

    Example:
        >>> import ridgeline
        >>> def objective(trial):
        ...     x = trial.suggest_float("x", 0.0, 1.0)
        ...     for step in range(9):
        ...         trial.report(x + 1.0 / (step + 1), step)
        ...         if trial.should_prune():
        ...             raise ridgeline.TrialPruned()
        ...     return x
        >>> study = ridgeline.create_study(
        ...     sampler=BOHBSampler(seed=0),
        ...     pruner=ridgeline.pruners.HyperbandPruner(max_resource=9),
        ... )
        >>> study.optimize(objective, n_trials=40)
        >>> study.best_value < 0.1
        True
    """

    budget_aware = True

    def __init__(
        self,
        *,
        min_resource: int | None = None,
        reduction_factor: int | None = None,
        min_points_in_model: int | None = None,
        **tpe_kwargs: Any,
    ) -> None:
        super().__init__(**tpe_kwargs)
        if min_resource is not None:
            _check_count("min_resource", min_resource, minimum=1, owner=_OWNER)
        if reduction_factor is not None:
            _check_count("reduction_factor", reduction_factor, minimum=2, owner=_OWNER)
        if min_points_in_model is not None:
            _check_count("min_points_in_model", min_points_in_model, minimum=1, owner=_OWNER)
        self._min_resource = min_resource
        self._reduction_factor = reduction_factor
        self._min_points_in_model = min_points_in_model
        self._budgets: dict[int, _Budgets] = {}
        self._grid = (1, 3)  # (min_resource, reduction_factor) of the study being sampled

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state["_budgets"] = {}  # keyed by the histories, which a copy rebuilds
        return state

    def _budget_grid(self, study: Study) -> tuple[int, int]:
        pruner = study.pruner
        min_resource = self._min_resource
        if min_resource is None:
            found = getattr(pruner, "_min_resource", None)
            min_resource = found if isinstance(found, int) and found >= 1 else 1
        eta = self._reduction_factor
        if eta is None:
            found = getattr(pruner, "_reduction_factor", None)
            eta = found if isinstance(found, int) and found >= 2 else 3
        return min_resource, eta

    def _context(self, study: Study, trial: FrozenTrial) -> _TrialContext:
        if len(study.directions) > 1:
            raise TPEArgumentError(
                f"{_OWNER} models one objective; this study has {len(study.directions)}. "
                "Use TPESampler (MOTPE) for several objectives."
            )
        self._grid = self._budget_grid(study)
        return super()._context(study, trial)

    def _budgets_of(self, history: History) -> _Budgets:
        budgets = self._budgets.get(id(history))
        if budgets is None or (budgets.min_resource, budgets.eta) != self._grid:
            live = {id(h) for h in self._histories.values()}
            self._budgets = {h: b for h, b in self._budgets.items() if h in live}
            budgets = self._budgets[id(history)] = _Budgets(*self._grid)
        return budgets

    def _split(self, history: History, pending: list[FrozenTrial]) -> _TrialContext:
        budgets = self._budgets_of(history)
        budgets.update(history)
        n = history.n
        n_params = len(history.intersection or {})
        n_min = self._min_points_in_model or max(self._n_startup_trials, n_params + 2)
        k = budgets.largest_with(n_min)
        if k is None:
            return _TrialContext(history, n, np.zeros(0, bool), None, pending, startup=True)
        rows = np.asarray(budgets.rows[k], dtype=np.int64)
        scores = np.asarray(budgets.values[k]) * history.signs[0]
        scores[np.isnan(scores)] = math.inf  # a NaN report ranks last
        violation = history.violation.view[rows]
        order = np.lexsort((history.numbers.view[rows], scores, violation, violation > 0))
        # All n trials ranked: those with a value at budget k by that value, ahead of the ones
        # stopped before k, which the pruner judged worse. The good group is the best gamma(n),
        # at most half of budget k's trials; every other trial is bad, so the model also
        # learns where the poor configurations are, not only which survivors were best.
        n_good = min(self._n_below(n), max(1, len(rows) // 2))
        below = np.zeros(n, dtype=bool)
        below[rows[order[:n_good]]] = True
        ctx = _TrialContext(history, n, below, None, pending, startup=False)
        if self._improvement_weights:
            gains = gains_over_rest(scores, below[rows], violation <= 0)
            if gains is not None:
                ctx.gains = np.zeros(n)
                ctx.gains[rows] = gains
        return ctx

    def __repr__(self) -> str:
        return (
            f"{_OWNER}(min_resource={self._min_resource}, reduction_factor="
            f"{self._reduction_factor}, min_points_in_model={self._min_points_in_model}, "
            f"seed={self._seed})"
        )
