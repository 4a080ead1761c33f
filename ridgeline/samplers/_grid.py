"""Grid search: run every combination of the given values once, then stop.

How workers share a grid. Each trial gets a *grid id* (the index of one combination in the
product of the value lists, the last parameter varying fastest) in ``before_trial``, written to
the trial's system attributes together with the grid itself, so any worker, and a resumed study,
sees which combinations are taken. A new trial picks at random among the combinations no
finished trial has and no running trial holds; random so that two workers that read the study
at the same moment rarely collide (nothing is locked across processes: a collision runs one
combination twice, it never skips one). Within one sampler object a lock makes the choice and
the write one step, so ``n_jobs`` threads never collide.

The study stops (``study.stop()`` from ``after_trial``) once every combination is finished or
held by a running trial, so ``optimize(n_trials=None)`` ends by itself and no worker starts a
duplicate while the last combinations are still running.

Finished trials without a grid id (``add_trial``, trials from a previous grid) count for the
combination their parameters match, so known results are not run again.
"""

from __future__ import annotations

import datetime
import math
import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ridgeline import logging as rl_logging
from ridgeline._warnings import warn_at_user_line
from ridgeline.distributions import BaseDistribution
from ridgeline.exceptions import RidgelineError
from ridgeline.samplers._base import BaseSampler
from ridgeline.samplers._random import check_seed
from ridgeline.search_space._intersection import FinishedTrialCursor
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState
from ridgeline.trial._trial import FIXED_PARAMS_KEY

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["GridSampler", "warn_at_user_line"]

_logger = rl_logging.get_logger(__name__)

GRID_ID_KEY = "grid_id"
SEARCH_SPACE_KEY = "search_space"
_OWNER = "GridSampler"
_JUST_CREATED_S = 10.0

GridValueType = Any  # None, bool, int, float or str


def _just_created(trial: FrozenTrial) -> bool:
    """Whether a running trial without a grid id is about to get one from its worker.

    ``before_trial`` runs right after a trial is created, so a young trial without a grid id
    will soon hold a combination; an old one runs off the grid (an enqueued value outside it,
    or a worker with another sampler) and never will.
    """
    start = trial.datetime_start
    if FIXED_PARAMS_KEY in trial._system_attrs or start is None:
        return False
    now = datetime.datetime.now(start.tzinfo)
    return abs((now - start).total_seconds()) < _JUST_CREATED_S


class GridSamplerError(RidgelineError, ValueError):
    """A grid or an objective that does not fit the grid."""


class _GridTypeError(RidgelineError, TypeError):
    pass


def _value_key(value: Any) -> tuple[str, Any]:
    """A hashable key under which equal grid values meet: 1 and 1.0 agree, True and 1 do not."""
    if value is None:
        return ("none", None)
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return ("num", value)
    return ("str", value)


def _check_search_space(search_space: Any) -> dict[str, list[Any]]:
    if not isinstance(search_space, Mapping):
        raise _GridTypeError(
            f"`search_space` of {_OWNER} must be a dict mapping parameter names to lists of "
            f"values; got {search_space!r}."
        )
    if len(search_space) == 0:
        raise GridSamplerError(
            f"`search_space` of {_OWNER} must hold at least one parameter; got {{}}. Example: "
            "GridSampler({'x': [1, 2, 3]})."
        )
    checked: dict[str, list[Any]] = {}
    for name in sorted(search_space, key=str):
        if not isinstance(name, str):
            raise _GridTypeError(
                f"`search_space` of {_OWNER} must use str parameter names; got {name!r}."
            )
        values = search_space[name]
        if isinstance(values, np.ndarray):
            values = values.tolist()
        if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, (Sequence, range)):
            raise _GridTypeError(
                f"`search_space` of {_OWNER} must map each name to a list of values; got "
                f"{name!r}: {values!r}. Wrap a single value in a list: [{values!r}]."
            )
        if len(values) == 0:
            raise GridSamplerError(
                f"`search_space` of {_OWNER} must give at least one value per parameter; got "
                f"{name!r}: {values!r}."
            )
        clean: list[Any] = []
        keys: set[tuple[str, Any]] = set()
        for value in values:
            if isinstance(value, np.generic):
                value = value.item()
            if value is not None and not isinstance(value, (bool, int, float, str)):
                raise _GridTypeError(
                    f"`search_space` of {_OWNER} must hold None, bool, int, float or str values; "
                    f"got {value!r} ({type(value).__name__}) for {name!r}. Use a str key and "
                    "look the object up in your objective."
                )
            if isinstance(value, float) and math.isnan(value):
                raise GridSamplerError(
                    f"`search_space` of {_OWNER} must not hold NaN; got {name!r}: {values!r}."
                )
            key = _value_key(value)
            if key in keys:
                warn_at_user_line(
                    f"`search_space` of {_OWNER} lists {value!r} more than once for {name!r}; "
                    "the duplicate is dropped so each combination runs once."
                )
                continue
            keys.add(key)
            clean.append(value)
        checked[name] = clean
    return checked


class GridSampler(BaseSampler):
    """Try every combination of the given values, each once, in random order; then stop.

    The objective's ``suggest_*`` calls decide the types and check the values: every grid
    parameter must be suggested with a distribution that contains its grid values.

    Args:
        search_space: ``{name: [values]}`` with None, bool, int, float or str values.
        seed: Seed of the random order (reproducible with ``n_jobs=1``).

    Raises:
        ValueError: On an empty grid, an empty value list or NaN.
        TypeError: On a value list that is not a list, or values of other types.

    Example:
        >>> import ridgeline
        >>> grid = {"lr": [1e-3, 1e-2], "batch_size": [16, 32]}
        >>> study = ridgeline.create_study(sampler=GridSampler(grid, seed=0))
        >>> study.optimize(lambda t: t.suggest_float("lr", 1e-4, 1, log=True)
        ...                * t.suggest_int("batch_size", 8, 64))
        >>> len(study.trials)
        4
    """

    def __init__(
        self, search_space: Mapping[str, Sequence[GridValueType]], seed: int | None = None
    ) -> None:
        self._seed = check_seed(seed, _OWNER)
        self._search_space = _check_search_space(search_space)
        self._param_names = list(self._search_space)
        self._sizes = [len(v) for v in self._search_space.values()]
        self._n_grids = math.prod(self._sizes)
        # Place value of each parameter in a grid id (mixed radix, last name fastest).
        self._radix = [math.prod(self._sizes[i + 1 :]) for i in range(len(self._sizes))]
        self._value_index = [
            {_value_key(v): i for i, v in enumerate(values)}
            for values in self._search_space.values()
        ]
        self._keys = [[_value_key(v) for v in values] for values in self._search_space.values()]
        self._rng = np.random.default_rng(self._seed)
        self._lock = threading.Lock()
        self._cursor = FinishedTrialCursor()
        self._visited: set[int] = set()
        self._grid_of_trial: dict[int, int | None] = {}

    def reseed_rng(self) -> None:
        self._rng = np.random.default_rng()

    # ------------------------------------------------------------------ grid ids
    @property
    def n_grids(self) -> int:
        """How many combinations the grid has."""
        return self._n_grids

    def _params_of(self, grid_id: int) -> dict[str, Any]:
        return {
            name: values[(grid_id // radix) % size]
            for (name, values), radix, size in zip(
                self._search_space.items(), self._radix, self._sizes, strict=True
            )
        }

    def _same_grid(self, stored: Any) -> bool:
        if not isinstance(stored, Mapping) or sorted(stored) != self._param_names:
            return False
        for name, keys in zip(self._param_names, self._keys, strict=True):
            values = stored[name]
            if not isinstance(values, Sequence) or len(values) != len(keys):
                return False
            if any(_value_key(v) != k for v, k in zip(values, keys, strict=True)):
                return False
        return True

    def _grid_id_of(self, trial: FrozenTrial) -> int | None:
        """The combination a trial holds: its grid id, or (finished) the one its params match."""
        attrs = trial._system_attrs
        grid_id = attrs.get(GRID_ID_KEY)
        if isinstance(grid_id, int) and self._same_grid(attrs.get(SEARCH_SPACE_KEY)):
            return grid_id if 0 <= grid_id < self._n_grids else None
        if trial.state.is_finished():
            return self._match(trial._params)
        return None

    def _match(self, params: Mapping[str, Any]) -> int | None:
        grid_id = 0
        for name, index, radix in zip(
            self._param_names, self._value_index, self._radix, strict=True
        ):
            if name not in params:
                return None
            try:
                i = index.get(_value_key(params[name]))
            except TypeError:  # unhashable value
                return None
            if i is None:
                return None
            grid_id += i * radix
        return grid_id

    def _taken(self, study: Study, exclude_trial_id: int) -> tuple[set[int], set[int], int]:
        """Grid ids of finished trials, grid ids held by other running trials, and how many
        other running trials have no grid id yet (created, ``before_trial`` still to come)."""
        if not self._cursor.follows(study):
            self._visited = set()
            self._grid_of_trial = {}
        new, pending = self._cursor.advance(study)
        for trial in new:
            grid_id = self._grid_id_of(trial)
            if grid_id is not None:
                self._visited.add(grid_id)
        running: set[int] = set()
        n_unassigned = 0
        for trial in pending:
            if trial.state != TrialState.RUNNING or trial._trial_id == exclude_trial_id:
                continue
            if trial._trial_id in self._grid_of_trial:
                grid_id = self._grid_of_trial[trial._trial_id]
            else:
                grid_id = self._grid_id_of(trial)
                if grid_id is None and _just_created(trial):
                    n_unassigned += 1
            if grid_id is not None:
                running.add(grid_id)
        return self._visited, running, n_unassigned

    def _no_fresh_point_left(
        self, visited: set[int], running: set[int], n_unassigned: int, own: int | None
    ) -> bool:
        """Whether every combination is finished, held, or about to be taken by a trial that
        was created but has no grid id yet: then this worker should start no more trials."""
        held = len(visited | running | ({own} if own is not None else set()))
        return self._n_grids - held <= n_unassigned

    def _candidates(self, fixed: Mapping[str, Any]) -> np.ndarray | None:
        """Grid ids agreeing with an enqueued trial's fixed values (None: a value is off-grid)."""
        ids = np.arange(self._n_grids, dtype=np.int64)
        for name, index, radix, size in zip(
            self._param_names, self._value_index, self._radix, self._sizes, strict=True
        ):
            if name not in fixed:
                continue
            try:
                i = index.get(_value_key(fixed[name]))
            except TypeError:
                i = None
            if i is None:
                return None
            ids = ids[(ids // radix) % size == i]
        return ids

    # ------------------------------------------------------------------ sampler protocol
    def before_trial(self, study: Study, trial: FrozenTrial) -> None:
        with self._lock:
            visited, running, n_unassigned = self._taken(study, trial._trial_id)
            own = self._grid_id_of(trial)
            if own is not None:  # a retried trial keeps its combination
                self._grid_of_trial[trial._trial_id] = own
                return
            fixed = trial._system_attrs.get(FIXED_PARAMS_KEY) or {}
            candidates = self._candidates(fixed)
            if candidates is None:
                # An enqueued value outside the grid: the trial runs off the grid and its other
                # grid parameters are drawn from their value lists.
                self._grid_of_trial[trial._trial_id] = None
                return
            grid_id = self._choose(candidates, visited, running, bool(fixed))
            if self._no_fresh_point_left(visited, running, n_unassigned, grid_id):
                study.stop()
            study._storage.set_trial_system_attr(
                trial._trial_id, SEARCH_SPACE_KEY, self._search_space
            )
            study._storage.set_trial_system_attr(trial._trial_id, GRID_ID_KEY, grid_id)
            self._grid_of_trial[trial._trial_id] = grid_id

    def _choose(
        self, candidates: np.ndarray, visited: set[int], running: set[int], enqueued: bool
    ) -> int:
        taken_done = np.fromiter(visited, dtype=np.int64, count=len(visited))
        taken_run = np.fromiter(running, dtype=np.int64, count=len(running))
        free = candidates[~np.isin(candidates, taken_done)]
        fresh = free[~np.isin(free, taken_run)]
        if len(fresh):
            pool = fresh
        elif len(free):
            pool = free  # every free combination is running elsewhere: help finish one
        else:
            pool = candidates
            if not enqueued:
                _logger.warning(
                    "GridSampler: every combination of the grid has been run; this trial "
                    "repeats one. This happens when optimize is called again on a finished grid."
                )
        return int(pool[int(self._rng.integers(len(pool)))])

    def infer_relative_search_space(
        self, study: Study, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]:
        return {}

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        return {}

    def sample_independent(
        self,
        study: Study,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        if param_name not in self._search_space:
            raise GridSamplerError(
                f"The objective suggested {param_name!r}, which is not in the `search_space` of "
                f"{_OWNER} (parameters: {self._param_names}). Add {param_name!r} to the grid or "
                "remove the suggest call."
            )
        grid_id = self._assigned(study, trial)
        if grid_id is None:
            values = self._search_space[param_name]
            value = values[int(self._rng.integers(len(values)))]
        else:
            value = self._params_of(grid_id)[param_name]
        try:
            contained = param_distribution.contains(param_distribution.to_internal_repr(value))
        except (TypeError, ValueError):
            contained = False
        if not contained:
            raise GridSamplerError(
                f"The grid value {value!r} of {param_name!r} lies outside the distribution the "
                f"objective suggested, {param_distribution!r}. Make the `search_space` of "
                f"{_OWNER} and the suggest call for {param_name!r} agree."
            )
        return value

    def _assigned(self, study: Study, trial: FrozenTrial) -> int | None:
        with self._lock:
            if trial._trial_id in self._grid_of_trial:
                return self._grid_of_trial[trial._trial_id]
        # Assigned by before_trial of another sampler object (another process) or not yet
        # visible in the trial snapshot: read the stored record.
        grid_id = self._grid_id_of(trial)
        if grid_id is None:
            grid_id = self._grid_id_of(study._storage.get_trial(trial._trial_id))
        return grid_id

    def after_trial(
        self,
        study: Study,
        trial: FrozenTrial,
        state: TrialState,
        values: Sequence[float] | None,
    ) -> None:
        with self._lock:
            if trial._trial_id in self._grid_of_trial:
                grid_id = self._grid_of_trial.pop(trial._trial_id)
            else:  # assigned by another sampler object
                grid_id = self._grid_id_of(study._storage.get_trial(trial._trial_id))
            visited, running, n_unassigned = self._taken(study, trial._trial_id)
            if self._no_fresh_point_left(visited, running, n_unassigned, grid_id):
                study.stop()

    def is_exhausted(self, study: Study) -> bool:
        """Whether every combination has been run by a finished trial."""
        with self._lock:
            visited, _, _ = self._taken(study, -1)
            return len(visited) >= self._n_grids

    def __repr__(self) -> str:
        return f"GridSampler({self._search_space!r}, seed={self._seed!r})"
