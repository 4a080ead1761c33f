"""The rungs of asynchronous successive halving, kept sorted per study so a decision costs a
bisection plus a look at the running trials, not a scan of every finished trial."""

from __future__ import annotations

import bisect
import math
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from ridgeline.pruners._cache import StudyCaches
from ridgeline.search_space._intersection import FinishedTrialCursor
from ridgeline.study._study_direction import StudyDirection
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["RUNG_KEY", "RungBooks", "rung_prune"]

# A trial's value at rung k is kept in its system attributes under a prefix + k, so every
# worker (and a resumed study) sees the same rungs.
RUNG_KEY = "asha:rung_"


class _RungBook:
    """The values finished trials hold at each rung of one study (finished trials never
    change), sorted, with the NaN values counted apart."""

    def __init__(
        self,
        resource: int,
        eta: int,
        rate: int,
        key_prefix: str,
        member: Callable[[FrozenTrial], bool] | None,
    ) -> None:
        self.resource = resource
        self.eta = eta
        self.rate = rate
        self.key_prefix = key_prefix
        self.member = member
        self.cursor = FinishedTrialCursor()
        self.values: list[list[float]] = []  # per rung, sorted, NaN excluded
        self.n_nan: list[int] = []
        self.pending: list[FrozenTrial] = []
        self.lock = threading.Lock()

    def rung_step(self, rung: int) -> int:
        return self.resource * self.eta ** (self.rate + rung)

    def update(self, study: Study) -> None:
        """Fold in the trials finished since the last call; remember the unfinished ones."""
        new, self.pending = self.cursor.advance(study)
        for trial in new:
            if trial.state not in (TrialState.COMPLETE, TrialState.PRUNED):
                continue
            if self.member is not None and not self.member(trial):
                continue
            rung = 0
            while True:
                value = _rung_value(trial, self.key_prefix + str(rung), self.rung_step(rung))
                if value is None:
                    break
                while len(self.values) <= rung:
                    self.values.append([])
                    self.n_nan.append(0)
                if math.isnan(value):
                    self.n_nan[rung] += 1
                else:
                    bisect.insort(self.values[rung], value)
                rung += 1

    def promotable(
        self, trial: FrozenTrial, rung: int, value: float, maximize: bool, bootstrap_count: int
    ) -> bool:
        """Whether ``value`` is among the best ``1 / eta`` of everything at ``rung`` (the
        finished trials', the running trials' recorded there, and itself), with at least
        ``bootstrap_count`` values there."""
        key = self.key_prefix + str(rung)
        running = [
            float(t._system_attrs[key])
            for t in self.pending
            if t._trial_id != trial._trial_id
            and key in t._system_attrs
            and (self.member is None or self.member(t))
        ]
        finished = self.values[rung] if rung < len(self.values) else []
        n_nan = self.n_nan[rung] if rung < len(self.n_nan) else 0
        n = len(finished) + n_nan + len(running) + 1
        if n < bootstrap_count:
            return False
        # value is among the best ``keep`` exactly when fewer than ``keep`` values beat it.
        if maximize:
            better = len(finished) - bisect.bisect_right(finished, value)
            better += sum(v > value for v in running)
        else:
            better = bisect.bisect_left(finished, value)
            better += sum(v < value for v in running)
        return better < max(n // self.eta, 1)


class RungBooks:
    """One pruner's rung books, one per (study, rung layout); safe across threads. A pickled
    or deep-copied pruner starts with none and reads the storage again."""

    def __init__(self) -> None:
        self._caches: StudyCaches[_RungBook] = StudyCaches()

    def get(
        self,
        study: Study,
        resource: int,
        eta: int,
        rate: int,
        key_prefix: str,
        member: Callable[[FrozenTrial], bool] | None,
    ) -> _RungBook:
        with self._caches.lock:
            return self._caches.get(
                study,
                (resource, eta, rate, key_prefix),
                lambda: _RungBook(resource, eta, rate, key_prefix, member),
            )


def rung_prune(
    study: Study,
    trial: FrozenTrial,
    book: _RungBook,
    *,
    bootstrap_count: int,
) -> bool:
    """ASHA's decision for ``trial`` at its latest report (see ``SuccessiveHalvingPruner``):
    at each rung its report crosses, record its value there and go on only if it is among the
    best ``1 / eta`` of the values at that rung."""
    step = trial.last_step
    if step is None:
        return False
    value = trial._intermediate_values[step]
    if math.isnan(value):
        return True
    maximize = study.direction == StudyDirection.MAXIMIZE
    # The rungs this report crosses: those past the previous report, up to this step
    # (worked out from the steps, so a repeated should_prune() decides the same again).
    previous = max((s for s in trial._intermediate_values if s < step), default=-1)
    rung = 0
    updated = False
    while (rung_step := book.rung_step(rung)) <= step:
        if rung_step > previous:
            study._storage.set_trial_system_attr(
                trial._trial_id, book.key_prefix + str(rung), value
            )
            with book.lock:
                if not updated:
                    book.update(study)
                    updated = True
                if not book.promotable(trial, rung, value, maximize, bootstrap_count):
                    return True
        rung += 1
    return False


def _rung_value(trial: FrozenTrial, key: str, rung_step: int) -> float | None:
    """``trial``'s value at a rung: the one recorded there, or, for a finished trial the pruner
    never saw at that rung (added with ``add_trial``, or run before this pruner), its value
    at the first step it reported at or past the rung's step."""
    if key in trial._system_attrs:
        return float(trial._system_attrs[key])
    if trial.state == TrialState.RUNNING:
        return None
    past = [s for s in trial._intermediate_values if s >= rung_step]
    return trial._intermediate_values[min(past)] if past else None
