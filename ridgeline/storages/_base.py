"""The storage protocol every backend implements.

A storage keeps studies and their trials. It is the only shared state between workers: the
optimize loop, samplers and pruners reach it through :class:`~ridgeline.Study`, never directly.

Contract (checked by ``tests/storages/test_storage_contract.py`` against every backend):

* Trial numbers are allocated atomically per study: 0, 1, 2, ... with no gap or duplicate, even
  with many processes writing at once.
* ``claim_waiting_trial`` hands an enqueued WAITING trial to exactly one caller.
* Finished trials (COMPLETE, PRUNED, FAIL) are immutable: every write to one raises
  :class:`~ridgeline.exceptions.UpdateFinishedTrialError` and changes nothing.
* Reads return :class:`~ridgeline.trial.FrozenTrial` records that later writes never mutate.
* Methods may be called from several threads at once.
"""

from __future__ import annotations

import abc
import datetime
from collections.abc import Container, Sequence
from dataclasses import dataclass, field
from typing import Any

from ridgeline.distributions import BaseDistribution
from ridgeline.study._study_direction import StudyDirection
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState

__all__ = ["BaseStorage", "FrozenStudy"]


@dataclass(frozen=True)
class FrozenStudy:
    """A summary record of one study (what ``get_all_study_summaries`` returns)."""

    study_name: str
    directions: list[StudyDirection]
    user_attrs: dict[str, Any]
    system_attrs: dict[str, Any]
    study_id: int
    n_trials: int = 0
    best_trial: FrozenTrial | None = None
    datetime_start: datetime.datetime | None = None
    metric_names: list[str] | None = field(default=None)

    @property
    def direction(self) -> StudyDirection:
        if len(self.directions) != 1:
            raise RuntimeError(
                f"Study {self.study_name!r} has {len(self.directions)} objectives; use "
                "`directions`."
            )
        return self.directions[0]


class BaseStorage(abc.ABC):
    """Abstract storage of studies and trials.

    Implementations: :class:`~ridgeline.storages.InMemoryStorage` and
    :class:`~ridgeline.storages.RDBStorage`. Every method may be called from any thread of any
    process; a backend serialises what must be atomic.
    """

    # ------------------------------------------------------------------ studies
    @abc.abstractmethod
    def create_new_study(
        self, directions: Sequence[StudyDirection], study_name: str | None = None
    ) -> int:
        """Create a study and return its id.

        Raises:
            DuplicatedStudyError: If ``study_name`` is taken.
        """

    @abc.abstractmethod
    def delete_study(self, study_id: int) -> None:
        """Delete a study with all its trials. Raises UnknownStudyError if absent."""

    @abc.abstractmethod
    def set_study_user_attr(self, study_id: int, key: str, value: Any) -> None:
        """Set a JSON-serialisable user attribute on a study."""

    @abc.abstractmethod
    def set_study_system_attr(self, study_id: int, key: str, value: Any) -> None:
        """Set a JSON-serialisable system attribute on a study."""

    @abc.abstractmethod
    def get_study_id_from_name(self, study_name: str) -> int:
        """Raises UnknownStudyError if no study has that name."""

    @abc.abstractmethod
    def get_study_name_from_id(self, study_id: int) -> str:
        """Raises UnknownStudyError if no study has that id."""

    @abc.abstractmethod
    def get_study_directions(self, study_id: int) -> list[StudyDirection]:
        """The directions the study was created with."""

    @abc.abstractmethod
    def get_study_user_attrs(self, study_id: int) -> dict[str, Any]:
        """A copy of the study's user attributes."""

    @abc.abstractmethod
    def get_study_system_attrs(self, study_id: int) -> dict[str, Any]:
        """A copy of the study's system attributes."""

    @abc.abstractmethod
    def get_all_studies(self) -> list[FrozenStudy]:
        """Every study, in creation order (``n_trials`` and ``best_trial`` may be left unset)."""

    # ------------------------------------------------------------------ trials
    @abc.abstractmethod
    def create_new_trial(self, study_id: int, template_trial: FrozenTrial | None = None) -> int:
        """Create a trial (RUNNING, or copied from ``template_trial``) and return its id.

        The trial's number is allocated atomically. A template's state, values, params,
        attributes, intermediate values and datetimes are copied; its number and id are not.
        """

    @abc.abstractmethod
    def claim_waiting_trial(self, study_id: int) -> int | None:
        """Atomically move the oldest WAITING trial of the study to RUNNING and return its id.

        Returns None when no trial is waiting. Two callers never get the same trial. Sets
        ``datetime_start``.
        """

    @abc.abstractmethod
    def set_trial_param(
        self,
        trial_id: int,
        param_name: str,
        param_value_internal: float,
        distribution: BaseDistribution,
    ) -> None:
        """Record one parameter of a running trial."""

    def set_trial_params(
        self,
        trial_id: int,
        params: dict[str, tuple[float, BaseDistribution]],
    ) -> None:
        """Record several parameters at once (one transaction where the backend has them)."""
        for name, (value, dist) in params.items():
            self.set_trial_param(trial_id, name, value, dist)

    @abc.abstractmethod
    def set_trial_state_values(
        self, trial_id: int, state: TrialState, values: Sequence[float] | None = None
    ) -> bool:
        """Move a trial to ``state`` (with its values when finishing).

        Returns False (changing nothing) when ``state`` is RUNNING and the trial is no longer
        WAITING, so callers can race to claim a trial. Raises UpdateFinishedTrialError when the
        trial is already finished. Sets ``datetime_complete`` on finishing.
        """

    @abc.abstractmethod
    def set_trial_intermediate_value(
        self, trial_id: int, step: int, intermediate_value: float
    ) -> None:
        """Record (or overwrite) the value reported at ``step`` for a running trial."""

    @abc.abstractmethod
    def set_trial_user_attr(self, trial_id: int, key: str, value: Any) -> None:
        """Set a JSON-serialisable user attribute on a running trial."""

    @abc.abstractmethod
    def set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> None:
        """Set a JSON-serialisable system attribute on a running trial."""

    @abc.abstractmethod
    def get_trial(self, trial_id: int) -> FrozenTrial:
        """The trial's current record. Raises KeyError if absent."""

    @abc.abstractmethod
    def get_all_trials(
        self,
        study_id: int,
        deepcopy: bool = True,
        states: Container[TrialState] | None = None,
    ) -> list[FrozenTrial]:
        """The study's trials ordered by number, optionally only those in ``states``.

        Records are immutable, so ``deepcopy`` is accepted for compatibility and ignored.
        """

    def get_n_trials(
        self, study_id: int, state: TrialState | Sequence[TrialState] | None = None
    ) -> int:
        """How many trials the study has (in ``state`` if given)."""
        if isinstance(state, TrialState):
            state = (state,)
        return len(self.get_all_trials(study_id, deepcopy=False, states=state))

    def get_trial_id_from_study_id_trial_number(self, study_id: int, trial_number: int) -> int:
        """The id of the study's trial numbered ``trial_number``. Raises KeyError if absent."""
        trials = self.get_all_trials(study_id, deepcopy=False)
        if 0 <= trial_number < len(trials) and trials[trial_number].number == trial_number:
            return trials[trial_number]._trial_id
        for t in trials:
            if t.number == trial_number:
                return t._trial_id
        raise KeyError(f"Study {study_id} has no trial number {trial_number}.")

    def get_trial_number_from_id(self, trial_id: int) -> int:
        return self.get_trial(trial_id).number

    def get_trial_params(self, trial_id: int) -> dict[str, Any]:
        return self.get_trial(trial_id).params

    def get_trial_user_attrs(self, trial_id: int) -> dict[str, Any]:
        return self.get_trial(trial_id).user_attrs

    def get_trial_system_attrs(self, trial_id: int) -> dict[str, Any]:
        return self.get_trial(trial_id).system_attrs

    # ------------------------------------------------------------------ heartbeats
    def is_heartbeat_enabled(self) -> bool:
        """Whether running trials must send heartbeats (see ``record_heartbeat``)."""
        return False

    def get_heartbeat_interval(self) -> float | None:
        """Seconds between heartbeats of a running trial, or None when disabled."""
        return None

    def record_heartbeat(self, trial_id: int) -> None:
        """Record that the worker running ``trial_id`` is alive."""

    def fail_stale_trials(self, study_id: int) -> list[int]:
        """Mark FAIL every RUNNING trial whose heartbeat lapsed; return their ids."""
        return []

    def remove_session(self) -> None:
        """Release per-thread resources (connections). Safe to call any time."""
