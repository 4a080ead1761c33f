"""PBTResult: what a run of population-based training returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ridgeline.pbt._records import (
    CHECKPOINT_KEY,
    MEMBER_KEY,
    ScheduleEntry,
    get_lineage,
    get_schedule,
    segment_value,
)
from ridgeline.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from ridgeline.pbt._checkpoints import CheckpointStore
    from ridgeline.study._study import Study

__all__ = ["PBTResult"]


@dataclass(frozen=True)
class PBTResult:
    """The outcome of :meth:`PopulationBasedTraining.run
    <ridgeline.pbt.PopulationBasedTraining.run>`.

    Attributes:
        study: The study that holds every segment as a trial.
        best_trial: The best trial of the last segment (see :func:`get_best_trial
            <ridgeline.pbt.get_best_trial>`).
        best_config: The configuration the best member trained its last segment with,
            constants included.
        history: Every COMPLETE segment trial, ordered by segment, then member.
        checkpoint_store: Where the checkpoints are.
    """

    study: Study
    best_trial: FrozenTrial
    best_config: dict[str, Any]
    history: list[FrozenTrial] = field(repr=False)
    checkpoint_store: CheckpointStore = field(repr=False)

    @property
    def best_value(self) -> float:
        """The metric of :attr:`best_trial`."""
        return segment_value(self.best_trial)

    @property
    def best_member(self) -> int:
        """The id of the member that trained :attr:`best_trial`."""
        return int(self.best_trial.system_attrs[MEMBER_KEY])

    @property
    def best_checkpoint_key(self) -> str:
        """The key of the checkpoint :attr:`best_trial` saved."""
        return str(self.best_trial.system_attrs[CHECKPOINT_KEY])

    def load_best_checkpoint(self) -> Any:
        """The best member's final checkpoint (the trained model), read from the store."""
        return self.checkpoint_store.load(self.best_checkpoint_key)

    def lineage(self) -> list[FrozenTrial]:
        """The segments that produced the best model, from segment 0 (see
        :func:`~ridgeline.pbt.get_lineage`)."""
        return get_lineage(self.study, self.best_trial)

    def schedule(self) -> list[ScheduleEntry]:
        """The best model's hyperparameter schedule: ``(start_step, end_step, config, value)``
        per segment of its lineage."""
        return get_schedule(self.study, self.best_trial)
