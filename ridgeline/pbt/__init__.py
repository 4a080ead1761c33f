"""Population-based training (Jaderberg et al. 2017, arXiv 1711.09846): a population of models
trained in segments, where the worst copy the best and perturb their hyperparameters.

Every segment is a trial of a ridgeline study (any storage), checkpoints live in a pluggable
store (a local folder by default for resumable runs), and an interrupted run resumes where it
stopped. See :class:`PopulationBasedTraining`.
"""

from ridgeline.pbt._checkpoints import (
    CheckpointNotFoundError,
    CheckpointStore,
    InMemoryCheckpointStore,
    LocalCheckpointStore,
)
from ridgeline.pbt._checks import PBTError
from ridgeline.pbt._executors import (
    BaseSegmentExecutor,
    ProcessSegmentExecutor,
    SegmentContext,
    SegmentOutcome,
    SegmentTask,
    ThreadSegmentExecutor,
)
from ridgeline.pbt._records import ScheduleEntry, get_best_trial, get_lineage, get_schedule
from ridgeline.pbt._result import PBTResult
from ridgeline.pbt._scheduler import PopulationBasedTraining

__all__ = [
    "BaseSegmentExecutor",
    "CheckpointNotFoundError",
    "CheckpointStore",
    "InMemoryCheckpointStore",
    "LocalCheckpointStore",
    "PBTError",
    "PBTResult",
    "PopulationBasedTraining",
    "ProcessSegmentExecutor",
    "ScheduleEntry",
    "SegmentContext",
    "SegmentOutcome",
    "SegmentTask",
    "ThreadSegmentExecutor",
    "get_best_trial",
    "get_lineage",
    "get_schedule",
]
