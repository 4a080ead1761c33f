"""The parameters every finished trial shares: the joint space model-based samplers can model.

Finished trials are immutable, so the intersection only ever shrinks and each finished trial has
to be looked at once. :class:`FinishedTrialCursor` hands out the trials that finished since the
last call; :class:`IntersectionSearchSpace` folds them into the running intersection, so asking
for the space at trial 10,000 costs what changed, not the whole history.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ridgeline.distributions import BaseDistribution
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["FinishedTrialCursor", "IntersectionSearchSpace", "intersection_search_space"]


def _states(include_pruned: bool) -> tuple[TrialState, ...]:
    if include_pruned:
        return (TrialState.COMPLETE, TrialState.PRUNED)
    return (TrialState.COMPLETE,)


def _intersect(
    current: dict[str, BaseDistribution] | None, distributions: dict[str, BaseDistribution]
) -> dict[str, BaseDistribution]:
    if current is None:
        return dict(distributions)
    return {
        name: dist
        for name, dist in current.items()
        if name in distributions and distributions[name] == dist
    }


def intersection_search_space(
    trials: Iterable[FrozenTrial], include_pruned: bool = False
) -> dict[str, BaseDistribution]:
    """The parameters, with identical distributions, present in every COMPLETE trial.

    Args:
        trials: The trials to look at (other states are skipped).
        include_pruned: Count PRUNED trials as well.

    Returns:
        ``{name: distribution}`` sorted by name; empty when no trial qualifies.

    Example:
        >>> from ridgeline.distributions import FloatDistribution
        >>> from ridgeline.trial import create_trial
        >>> d = FloatDistribution(0, 1)
        >>> trials = [create_trial(params={"x": 0.5, "y": 0.5}, distributions={"x": d, "y": d},
        ...                        value=0.0),
        ...           create_trial(params={"x": 0.1}, distributions={"x": d}, value=1.0)]
        >>> list(intersection_search_space(trials))
        ['x']
    """
    states = _states(include_pruned)
    current: dict[str, BaseDistribution] | None = None
    for trial in trials:
        if trial.state in states:
            current = _intersect(current, trial._distributions)
    return dict(sorted((current or {}).items()))


class FinishedTrialCursor:
    """Hands out each finished trial of a study once, in a few steps per call.

    Trials are kept in number order and finish in any order. The cursor remembers the first
    position before which every trial is finished and already handed out, plus the finished
    positions handed out beyond it; a call scans only from that position. A trial that never
    finishes (a worker that died without heartbeats) keeps the scan starting there, which
    costs a set lookup per later trial.

    Not thread-safe by itself; owners guard it with their own lock.
    """

    def __init__(self) -> None:
        self._storage: Any = None
        self._study_id: int | None = None
        self._next = 0
        self._seen: set[int] = set()

    def advance(self, study: Study) -> tuple[list[FrozenTrial], list[FrozenTrial]]:
        """``(newly finished trials, trials not finished yet)`` of ``study``.

        A cursor follows one study; given another, it starts over (``reset`` is implied).
        """
        if not self.follows(study):
            self.reset()
            self._storage = study._storage
            self._study_id = study._study_id
        trials = study.get_trials(deepcopy=False)
        new: list[FrozenTrial] = []
        pending: list[FrozenTrial] = []
        seen = self._seen
        for pos in range(self._next, len(trials)):
            trial = trials[pos]
            if trial.state.is_finished():
                if pos not in seen:
                    seen.add(pos)
                    new.append(trial)
            else:
                pending.append(trial)
        while self._next in seen:
            seen.discard(self._next)
            self._next += 1
        return new, pending

    def follows(self, study: Study) -> bool:
        """Whether the cursor is following ``study`` (False before the first call)."""
        return self._storage is study._storage and self._study_id == study._study_id

    def reset(self) -> None:
        """Forget everything handed out."""
        self._storage = None
        self._study_id = None
        self._next = 0
        self._seen = set()


class IntersectionSearchSpace:
    """Incremental :func:`intersection_search_space` over one study's trials.

    Each :meth:`calculate` looks only at trials that finished since the previous call, so it
    stays cheap on long studies. Safe to call from several threads.

    Args:
        include_pruned: Count PRUNED trials as well as COMPLETE ones.

    Example:
        >>> import ridgeline
        >>> study = ridgeline.create_study()
        >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
        >>> IntersectionSearchSpace().calculate(study)
        {'x': FloatDistribution(low=0.0, high=1.0, log=False, step=None)}
    """

    def __init__(self, include_pruned: bool = False) -> None:
        self._states = _states(include_pruned)
        self._cursor = FinishedTrialCursor()
        self._current: dict[str, BaseDistribution] | None = None
        self._lock = threading.Lock()

    def calculate(self, study: Study, use_cache: bool = False) -> dict[str, BaseDistribution]:
        """The intersection over the study's finished trials so far, sorted by name.

        ``use_cache`` is accepted for compatibility with Optuna; the calculation is always
        incremental, and always sees every trial finished so far.
        """
        with self._lock:
            if not self._cursor.follows(study):
                self._current = None
            new, _ = self._cursor.advance(study)
            for trial in new:
                if trial.state in self._states:
                    self._current = _intersect(self._current, trial._distributions)
            return dict(sorted((self._current or {}).items()))
