from __future__ import annotations

import bisect
import copy
import datetime
import threading
from collections.abc import Container, Sequence
from dataclasses import dataclass, field
from typing import Any

from ridgeline.distributions import BaseDistribution
from ridgeline.exceptions import DuplicatedStudyError, UnknownStudyError, UpdateFinishedTrialError
from ridgeline.storages._base import BaseStorage, FrozenStudy
from ridgeline.storages._json import json_copy
from ridgeline.storages._naming import default_study_name
from ridgeline.study._study_direction import StudyDirection
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState

__all__ = ["InMemoryStorage"]


_FINISHED = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)


def _by_number(t: FrozenTrial) -> int:
    return t.number


@dataclass
class _Working:
    """The mutable state of an unfinished trial; frozen into a record on read."""

    number: int
    trial_id: int
    state: TrialState
    values: tuple[float, ...] | None
    datetime_start: datetime.datetime | None
    params: dict[str, Any]
    distributions: dict[str, BaseDistribution]
    user_attrs: dict[str, Any]
    system_attrs: dict[str, Any]
    intermediate_values: dict[int, float]

    @classmethod
    def of(cls, t: FrozenTrial) -> _Working:
        return cls(
            t.number,
            t._trial_id,
            t.state,
            t._values,
            t.datetime_start,
            t.params,
            t.distributions,
            t.user_attrs,
            t.system_attrs,
            t.intermediate_values,
        )

    def freeze(self, datetime_complete: datetime.datetime | None = None) -> FrozenTrial:
        return FrozenTrial._make(
            self.number,
            self.state,
            self.values,
            self.datetime_start,
            datetime_complete,
            self.params.copy(),
            self.distributions.copy(),
            self.user_attrs.copy(),
            self.system_attrs.copy(),
            self.intermediate_values.copy(),
            self.trial_id,
        )


@dataclass
class _StudyRecord:
    name: str
    directions: list[StudyDirection]
    user_attrs: dict[str, Any] = field(default_factory=dict)
    system_attrs: dict[str, Any] = field(default_factory=dict)
    trials: list[FrozenTrial] = field(default_factory=list)  # index == number
    waiting: list[int] = field(default_factory=list)  # trial numbers, oldest first
    working: dict[int, _Working] = field(default_factory=dict)  # unfinished, by number
    dirty: set[int] = field(default_factory=set)  # numbers whose record is out of date
    # Finished trials per state, each list ordered by number: samplers and pruners mostly ask
    # for COMPLETE trials, which then costs a list copy instead of a scan of every trial.
    finished: dict[TrialState, list[FrozenTrial]] = field(
        default_factory=lambda: {s: [] for s in _FINISHED}
    )

    def add_finished(self, trial: FrozenTrial) -> None:
        bisect.insort(self.finished[trial.state], trial, key=_by_number)

    def refresh(self) -> None:
        for number in self.dirty:
            self.trials[number] = self.working[number].freeze()
        self.dirty.clear()


class InMemoryStorage(BaseStorage):
    """Keeps studies in this process's memory; gone when the process ends.

    Thread-safe (one lock). Finished trials are kept as immutable records and returned
    without copying; an unfinished trial is updated in place and frozen into a new record only
    when it is read after a write, so a ``suggest`` or ``report`` costs O(1).

    Example:
        >>> import ridgeline
        >>> study = ridgeline.create_study(storage=InMemoryStorage())
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._studies: dict[int, _StudyRecord] = {}
        self._name_to_id: dict[str, int] = {}
        self._trial_index: dict[int, tuple[int, int]] = {}  # trial_id -> (study_id, number)
        self._next_study_id = 0
        self._next_trial_id = 0

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_lock"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.RLock()

    # ------------------------------------------------------------------ studies
    def create_new_study(
        self, directions: Sequence[StudyDirection], study_name: str | None = None
    ) -> int:
        with self._lock:
            if study_name is None:
                study_name = default_study_name()
            if study_name in self._name_to_id:
                raise DuplicatedStudyError(
                    f"A study named {study_name!r} already exists. Pick another `study_name` "
                    "or pass `load_if_exists=True` to continue it."
                )
            study_id = self._next_study_id
            self._next_study_id += 1
            self._studies[study_id] = _StudyRecord(study_name, list(directions))
            self._name_to_id[study_name] = study_id
            return study_id

    def _study(self, study_id: int) -> _StudyRecord:
        try:
            return self._studies[study_id]
        except KeyError:
            raise UnknownStudyError(f"No study with id {study_id!r} in this storage.") from None

    def delete_study(self, study_id: int) -> None:
        with self._lock:
            record = self._study(study_id)
            for t in record.trials:
                del self._trial_index[t._trial_id]
            del self._name_to_id[record.name]
            del self._studies[study_id]

    def set_study_user_attr(self, study_id: int, key: str, value: Any) -> None:
        with self._lock:
            self._study(study_id).user_attrs[key] = json_copy("study attribute", key, value)

    def set_study_system_attr(self, study_id: int, key: str, value: Any) -> None:
        with self._lock:
            self._study(study_id).system_attrs[key] = json_copy("study attribute", key, value)

    def get_study_id_from_name(self, study_name: str) -> int:
        with self._lock:
            try:
                return self._name_to_id[study_name]
            except KeyError:
                raise UnknownStudyError(
                    f"No study named {study_name!r} in this storage; existing studies: "
                    f"{sorted(self._name_to_id)}."
                ) from None

    def get_study_name_from_id(self, study_id: int) -> str:
        with self._lock:
            return self._study(study_id).name

    def get_study_directions(self, study_id: int) -> list[StudyDirection]:
        with self._lock:
            return list(self._study(study_id).directions)

    def get_study_user_attrs(self, study_id: int) -> dict[str, Any]:
        with self._lock:
            return copy.deepcopy(self._study(study_id).user_attrs)

    def get_study_system_attrs(self, study_id: int) -> dict[str, Any]:
        with self._lock:
            return copy.deepcopy(self._study(study_id).system_attrs)

    def get_all_studies(self) -> list[FrozenStudy]:
        with self._lock:
            return [
                FrozenStudy(
                    study_name=r.name,
                    directions=list(r.directions),
                    user_attrs=copy.deepcopy(r.user_attrs),
                    system_attrs=copy.deepcopy(r.system_attrs),
                    study_id=sid,
                    n_trials=len(r.trials),
                    datetime_start=min(
                        (t.datetime_start for t in r.trials if t.datetime_start), default=None
                    ),
                )
                for sid, r in self._studies.items()
            ]

    # ------------------------------------------------------------------ trials
    def create_new_trial(self, study_id: int, template_trial: FrozenTrial | None = None) -> int:
        with self._lock:
            record = self._study(study_id)
            trial_id = self._next_trial_id
            self._next_trial_id += 1
            number = len(record.trials)
            if template_trial is None:
                trial = FrozenTrial(
                    number=number,
                    state=TrialState.RUNNING,
                    value=None,
                    datetime_start=datetime.datetime.now(),
                    datetime_complete=None,
                    params={},
                    distributions={},
                    user_attrs={},
                    system_attrs={},
                    intermediate_values={},
                    trial_id=trial_id,
                )
            else:
                trial = template_trial._replace(
                    number=number,
                    trial_id=trial_id,
                    user_attrs=copy.deepcopy(template_trial._user_attrs),
                    system_attrs=copy.deepcopy(template_trial._system_attrs),
                )
            record.trials.append(trial)
            if trial.state.is_finished():
                record.add_finished(trial)
            if trial.state == TrialState.WAITING:
                record.waiting.append(number)
            self._trial_index[trial_id] = (study_id, number)
            return trial_id

    def _locate(self, trial_id: int) -> tuple[_StudyRecord, int]:
        try:
            study_id, number = self._trial_index[trial_id]
        except KeyError:
            raise KeyError(f"No trial with id {trial_id!r} in this storage.") from None
        return self._studies[study_id], number

    def _working(self, trial_id: int) -> tuple[_StudyRecord, _Working]:
        """The mutable state of an unfinished trial; finished trials refuse every change."""
        record, number = self._locate(trial_id)
        working = record.working.get(number)
        if working is None:
            trial = record.trials[number]
            if trial.state.is_finished():
                raise UpdateFinishedTrialError(
                    f"Trial {number} is already {trial.state.name}; finished trials cannot change."
                )
            working = record.working[number] = _Working.of(trial)
        record.dirty.add(number)
        return record, working

    def claim_waiting_trial(self, study_id: int) -> int | None:
        with self._lock:
            record = self._study(study_id)
            while record.waiting:
                number = record.waiting.pop(0)
                trial = record.trials[number]
                if trial.state == TrialState.WAITING:
                    self.set_trial_state_values(trial._trial_id, TrialState.RUNNING)
                    return trial._trial_id
            return None

    def set_trial_param(
        self,
        trial_id: int,
        param_name: str,
        param_value_internal: float,
        distribution: BaseDistribution,
    ) -> None:
        with self._lock:
            _, working = self._working(trial_id)
            working.params[param_name] = distribution.to_external_repr(param_value_internal)
            working.distributions[param_name] = distribution

    def set_trial_params(
        self, trial_id: int, params: dict[str, tuple[float, BaseDistribution]]
    ) -> None:
        with self._lock:
            _, working = self._working(trial_id)
            for name, (value, dist) in params.items():
                working.params[name] = dist.to_external_repr(value)
                working.distributions[name] = dist

    def set_trial_state_values(
        self, trial_id: int, state: TrialState, values: Sequence[float] | None = None
    ) -> bool:
        with self._lock:
            record, number = self._locate(trial_id)
            current = record.working.get(number) or record.trials[number]
            state = TrialState(state)
            if state == TrialState.RUNNING and current.state != TrialState.WAITING:
                return False
            record, working = self._working(trial_id)
            working.state = state
            if values is not None:
                working.values = tuple(float(v) for v in values)
            if state == TrialState.RUNNING:
                working.datetime_start = datetime.datetime.now()
            if state.is_finished():
                frozen = working.freeze(datetime.datetime.now())
                record.trials[number] = frozen
                record.add_finished(frozen)
                del record.working[number]
                record.dirty.discard(number)
            return True

    def set_trial_intermediate_value(
        self, trial_id: int, step: int, intermediate_value: float
    ) -> None:
        with self._lock:
            _, working = self._working(trial_id)
            working.intermediate_values[step] = float(intermediate_value)

    def set_trial_user_attr(self, trial_id: int, key: str, value: Any) -> None:
        with self._lock:
            stored = json_copy("trial attribute", key, value)
            _, working = self._working(trial_id)
            working.user_attrs[key] = stored

    def set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> None:
        with self._lock:
            stored = json_copy("trial attribute", key, value)
            _, working = self._working(trial_id)
            working.system_attrs[key] = stored

    def get_trial(self, trial_id: int) -> FrozenTrial:
        with self._lock:
            record, number = self._locate(trial_id)
            if number in record.dirty:
                record.trials[number] = record.working[number].freeze()
                record.dirty.discard(number)
            return record.trials[number]

    def get_all_trials(
        self,
        study_id: int,
        deepcopy: bool = True,
        states: Container[TrialState] | None = None,
    ) -> list[FrozenTrial]:
        with self._lock:
            record = self._study(study_id)
            if record.dirty:
                record.refresh()
            if states is None:
                return list(record.trials)
            wanted = [s for s in TrialState if s in states]
            if not wanted or not all(s.is_finished() for s in wanted):
                return [t for t in record.trials if t.state in states]
            if len(wanted) == 1:
                return list(record.finished[wanted[0]])
            merged = [t for s in wanted for t in record.finished[s]]
            merged.sort(key=_by_number)
            return merged

    def get_n_trials(
        self, study_id: int, state: TrialState | Sequence[TrialState] | None = None
    ) -> int:
        with self._lock:
            if state is None:
                return len(self._study(study_id).trials)
            return super().get_n_trials(study_id, state)

    def get_trial_id_from_study_id_trial_number(self, study_id: int, trial_number: int) -> int:
        with self._lock:
            trials = self._study(study_id).trials
            if not 0 <= trial_number < len(trials):
                raise KeyError(f"Study {study_id} has no trial number {trial_number}.")
            return trials[trial_number]._trial_id
