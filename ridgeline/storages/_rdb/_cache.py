"""The per-process read cache of RDBStorage, and the building of FrozenTrials from rows.

Finished trials never change (the storage refuses every write to them), so once this process
has read a finished trial it keeps the :class:`~ridgeline.trial.FrozenTrial` and never reads it
again. Each ``get_all_trials`` call then asks the database only for trials it has not seen
(ids above the highest seen; trial ids of one study grow in the order their rows commit, see
``models``) and for the ones that were still unfinished last time: two small queries in one
snapshot, however long the study.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass, field
from typing import Any

from ridgeline.distributions import BaseDistribution, json_to_distribution
from ridgeline.storages._rdb import _sql_read as _sql
from ridgeline.storages._rdb.models import decode_float
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState

__all__ = ["TrialCache", "build_trials"]

# Distributions are immutable value objects and a study uses few distinct ones, so parse each
# JSON text once. Bounded so that a pathological study cannot grow it without limit.
_DIST_CACHE: dict[str, BaseDistribution] = {}
_DIST_CACHE_MAX = 4096


def _distribution(text: str) -> BaseDistribution:
    dist = _DIST_CACHE.get(text)
    if dist is None:
        dist = json_to_distribution(text)
        if len(_DIST_CACHE) >= _DIST_CACHE_MAX:
            _DIST_CACHE.clear()
        _DIST_CACHE[text] = dist
    return dist


def build_trials(rows: Iterable[_sql.TrialRow], children: Iterable[Any]) -> list[FrozenTrial]:
    """Assemble FrozenTrials from trial rows and the rows of ``_sql._children_query``."""
    parts: dict[int, dict[str, Any]] = {}
    for row in rows:
        parts[row.trial_id] = {
            "row": row,
            "params": {},
            "distributions": {},
            "values": {},
            "intermediate": {},
            "user": {},
            "system": {},
        }
    for trial_id, kind, name, num, ntype, text, idx, _ in children:
        p = parts.get(trial_id)
        if p is None:
            continue  # A trial that committed between our two queries; next refresh has it.
        if kind == _sql.KIND_PARAM:
            dist = _distribution(text)
            p["distributions"][name] = dist
            p["params"][name] = dist.to_external_repr(num)
        elif kind == _sql.KIND_VALUE:
            p["values"][idx] = decode_float(num, ntype)
        elif kind == _sql.KIND_INTERMEDIATE:
            p["intermediate"][idx] = decode_float(num, ntype)
        elif kind == _sql.KIND_USER_ATTR:
            p["user"][name] = json.loads(text)
        else:
            p["system"][name] = json.loads(text)
    out = []
    for p in parts.values():
        row = p["row"]
        values = p["values"]
        # The dicts are fresh and owned by the record from here on: no copies needed.
        out.append(
            FrozenTrial._make(
                row.number,
                TrialState[row.state],
                tuple(values[i] for i in sorted(values)) if values else None,
                row.datetime_start,
                row.datetime_complete,
                p["params"],
                p["distributions"],
                p["user"],
                p["system"],
                p["intermediate"],
                row.trial_id,
            )
        )
    return out


@dataclass
class _StudyTrials:
    lock: threading.Lock = field(default_factory=threading.Lock)
    by_number: list[FrozenTrial | None] = field(default_factory=list)
    max_trial_id: int = -1
    unfinished_ids: list[int] = field(default_factory=list)


Fetch = Callable[[int, int, list[int]], tuple[bool, list[_sql.TrialRow], list[Any]]]


class TrialCache:
    """Thread-safe cache of the trials this process has read, per study.

    Args:
        fetch: ``fetch(study_id, after_id, also_ids)`` → (study exists, trial rows, child
            rows), run in one snapshot transaction.
        on_unknown_study: Called (and expected to raise) when the study does not exist.
    """

    def __init__(self, fetch: Fetch, on_unknown_study: Callable[[int], None]) -> None:
        self._fetch = fetch
        self._on_unknown_study = on_unknown_study
        self._lock = threading.Lock()
        self._studies: dict[int, _StudyTrials] = {}
        # trial_id -> (study_id, record), so get_trial serves finished trials from memory.
        self._finished: dict[int, tuple[int, FrozenTrial]] = {}

    def get_all(self, study_id: int, states: Container[TrialState] | None) -> list[FrozenTrial]:
        with self._lock:
            entry = self._studies.get(study_id)
            if entry is None:
                entry = self._studies[study_id] = _StudyTrials()
        # One refresh at a time per study: a second caller waits and then sees fresh data,
        # instead of both fetching the same rows.
        with entry.lock:
            self._refresh(study_id, entry)
            trials = entry.by_number
            if states is None:
                return [t for t in trials if t is not None]
            return [t for t in trials if t is not None and t.state in states]

    def _refresh(self, study_id: int, entry: _StudyTrials) -> None:
        exists, rows, children = self._fetch(study_id, entry.max_trial_id, entry.unfinished_ids)
        if not exists:
            self.forget_study(study_id)
            self._on_unknown_study(study_id)
            return
        if not rows:
            return
        unfinished = []
        finished = {}
        by_number = entry.by_number
        for trial in build_trials(rows, children):
            number = trial.number
            if number >= len(by_number):
                by_number.extend([None] * (number + 1 - len(by_number)))
            by_number[number] = trial
            if trial.state.is_finished():
                finished[trial._trial_id] = (study_id, trial)
            else:
                unfinished.append(trial._trial_id)
        entry.max_trial_id = max(entry.max_trial_id, max(r.trial_id for r in rows))
        # Trials asked for as unfinished but not returned belong to nothing any more; drop.
        entry.unfinished_ids = unfinished
        with self._lock:
            self._finished.update(finished)

    def get_finished(self, trial_id: int) -> FrozenTrial | None:
        with self._lock:
            hit = self._finished.get(trial_id)
            return None if hit is None else hit[1]

    def add_finished(self, study_id: int, trial: FrozenTrial) -> None:
        if trial.state.is_finished():
            with self._lock:
                self._finished[trial._trial_id] = (study_id, trial)

    def forget_study(self, study_id: int) -> None:
        with self._lock:
            self._studies.pop(study_id, None)
            stale = [tid for tid, (sid, _) in self._finished.items() if sid == study_id]
            for tid in stale:
                del self._finished[tid]

    def clear(self) -> None:
        with self._lock:
            self._studies.clear()
            self._finished.clear()
