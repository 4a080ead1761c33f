"""Which generation each trial belongs to, and which trials make up a finished generation.

Every trial an evolutionary sampler starts records ``{"generation": g, "parents": [...]}`` in a
system attribute (the key names the sampler, e.g. ``"nsga2:trial"``), so the bookkeeping lives
in the storage and any worker, or a sampler built later on a resumed study, reads the same
history. The rules, all functions of the stored trials:

* a new trial belongs to the highest generation ``g`` recorded on a finished trial, or to
  ``g + 1`` once ``population_size`` trials of ``g`` are COMPLETE (generation 0 when none is);
* the *population* of generation ``g`` is its first ``population_size`` COMPLETE trials in
  order of completion (then number); the generation *closes* at the completion of the last of
  them. Once a generation is full this set never changes, so every worker and every resumed
  run derives the same populations, and from them the same parent pools;
* a *straggler* (a COMPLETE trial of ``g`` beyond its population: parallel workers were still
  running it when ``g`` closed) joins the candidates of the first generation ``h > g`` that
  closed after it completed, so its evaluation is not lost and the rule is still a function
  of the stored trials.

FAIL and PRUNED trials never count, so failures cannot stall a generation: more trials of it are
started until enough succeed.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from ridgeline.search_space._intersection import FinishedTrialCursor
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["GenerationBook", "read_record"]

_LATEST = datetime.datetime.max


def _completion(trial: FrozenTrial) -> tuple[datetime.datetime, int]:
    return (trial._datetime_complete or _LATEST, trial._number)


def read_record(trial: FrozenTrial, key: str) -> tuple[int, list[int]] | None:
    """``(generation, parent numbers)`` stored on ``trial`` under ``key``, or None."""
    record: Any = trial._system_attrs.get(key)
    if not isinstance(record, dict):
        return None
    try:
        generation = int(record["generation"])
        parents = [int(p) for p in record.get("parents") or []]
    except (KeyError, TypeError, ValueError):
        return None
    return (generation, parents) if generation >= 0 else None


class GenerationBook:
    """The finished trials of one study, grouped by the generation recorded on them.

    Folds in only the trials that finished since the previous :meth:`sync` (finished trials are
    immutable), so keeping the book costs what changed. Not thread-safe: the sampler holds its
    lock around every call.
    """

    def __init__(self, key: str) -> None:
        self._key = key
        self._reset()

    def _reset(self) -> None:
        self._cursor = FinishedTrialCursor()
        self._complete: dict[int, list[FrozenTrial]] = {}
        self._sorted: set[int] = set()
        self._by_number: dict[int, FrozenTrial] = {}
        self._max_generation = -1

    def sync(self, study: Study) -> bool:
        """Fold in the trials finished since the last call; True when the book started over
        (first call, or another study than before)."""
        fresh = not self._cursor.follows(study)
        if fresh:
            self._reset()
        new, _ = self._cursor.advance(study)
        for trial in new:
            record = read_record(trial, self._key)
            if record is None:
                continue
            generation = record[0]
            self._max_generation = max(self._max_generation, generation)
            if trial.state == TrialState.COMPLETE and trial._values is not None:
                self._complete.setdefault(generation, []).append(trial)
                self._sorted.discard(generation)
                self._by_number[trial._number] = trial
        return fresh

    def _members(self, generation: int) -> list[FrozenTrial]:
        trials = self._complete.get(generation, [])
        if generation not in self._sorted:
            trials.sort(key=_completion)
            self._sorted.add(generation)
        return trials

    def population(self, generation: int, population_size: int) -> list[FrozenTrial]:
        """The first ``population_size`` COMPLETE trials of ``generation`` to finish."""
        return self._members(generation)[:population_size]

    def stragglers(self, generation: int, population_size: int) -> list[FrozenTrial]:
        """The stragglers of earlier generations that join the candidates of ``generation``
        (which must be closed): those that completed after their own generation closed and
        no later than ``generation``, but after every generation in between."""
        closing: dict[int, tuple[datetime.datetime, int] | None] = {}

        def closes_at(h: int) -> tuple[datetime.datetime, int] | None:
            if h not in closing:
                members = self.population(h, population_size)
                closing[h] = _completion(members[-1]) if len(members) >= population_size else None
            return closing[h]

        out: list[FrozenTrial] = []
        for g in range(generation):
            for trial in self._members(g)[population_size:]:
                key = _completion(trial)
                for h in range(g + 1, generation + 1):
                    end = closes_at(h)
                    if end is None:
                        break
                    if key <= end:
                        if h == generation:
                            out.append(trial)
                        break
        return out

    def generation_for_new_trial(self, population_size: int) -> int:
        g = self._max_generation
        if g < 0:
            return 0
        return g + 1 if len(self._complete.get(g, ())) >= population_size else g

    def trial(self, number: int) -> FrozenTrial | None:
        """The COMPLETE recorded trial numbered ``number``, if the book has it."""
        return self._by_number.get(number)
