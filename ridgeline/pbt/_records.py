"""How population-based training is kept in a study, and how it is read back.

Every segment a member trains is one trial of the study: its parameters are the segment's
configuration (with their distributions), its value the segment's metric, reported also as
the intermediate value at the segment's end step. The trial's system attributes say where it
sits in the population (keys below). Study system attributes hold the run's settings
(``pbt:settings``) and, per segment index, the plan that assigns each member its configuration
and starting checkpoint (``pbt:plan:<segment>``), so that a resumed run makes exactly the
decisions the interrupted one made.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from ridgeline.pbt._checks import PBTError, PBTTypeError
from ridgeline.study._study_direction import StudyDirection
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = [
    "CHECKPOINT_KEY",
    "DONOR_KEY",
    "END_STEP_KEY",
    "EXPLOITED_KEY",
    "MEMBER_KEY",
    "METRICS_KEY",
    "PARENT_KEY",
    "SEGMENT_KEY",
    "SETTINGS_KEY",
    "START_STEP_KEY",
    "Assignment",
    "ScheduleEntry",
    "get_best_trial",
    "get_lineage",
    "get_schedule",
    "is_segment",
    "plan_key",
    "read_segments",
    "segment_value",
]

MEMBER_KEY = "pbt:member"
SEGMENT_KEY = "pbt:segment"
START_STEP_KEY = "pbt:start_step"
END_STEP_KEY = "pbt:end_step"
PARENT_KEY = "pbt:parent"  # number of the trial whose checkpoint the segment started from
EXPLOITED_KEY = "pbt:exploited"
DONOR_KEY = "pbt:donor"  # member copied before this segment, or None
CHECKPOINT_KEY = "pbt:checkpoint"  # key of the checkpoint this segment saved
METRICS_KEY = "pbt:metrics"  # every metric the training function returned
SETTINGS_KEY = "pbt:settings"


def plan_key(segment: int) -> str:
    """The study system attribute that holds the plan of ``segment``."""
    return f"pbt:plan:{segment}"


@dataclass(frozen=True)
class Assignment:
    """What one member trains in one segment: a configuration from a checkpoint.

    Attributes:
        member: The member's id.
        config: The mutated hyperparameters' values.
        checkpoint_key: The checkpoint to start from; None in segment 0.
        parent: The number of the trial that saved that checkpoint; None in segment 0.
        donor: The member copied before this segment (exploit), or None.
    """

    member: int
    config: dict[str, Any]
    checkpoint_key: str | None = None
    parent: int | None = None
    donor: int | None = None

    @property
    def exploited(self) -> bool:
        return self.donor is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "member": self.member,
            "config": dict(self.config),
            "checkpoint_key": self.checkpoint_key,
            "parent": self.parent,
            "donor": self.donor,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Assignment:
        return cls(
            member=int(data["member"]),
            config=dict(data["config"]),
            checkpoint_key=data["checkpoint_key"],
            parent=data["parent"],
            donor=data["donor"],
        )


class ScheduleEntry(NamedTuple):
    """One segment of a hyperparameter schedule: steps ``start_step .. end_step - 1`` trained
    with ``config``, reaching ``value`` at ``end_step``."""

    start_step: int
    end_step: int
    config: dict[str, Any]
    value: float


def is_segment(trial: FrozenTrial) -> bool:
    """Whether ``trial`` records a segment of population-based training."""
    return MEMBER_KEY in trial.system_attrs and SEGMENT_KEY in trial.system_attrs


def segment_value(trial: FrozenTrial) -> float:
    """The value of a COMPLETE segment trial."""
    values = trial.values
    assert values is not None
    return float(values[0])


def read_segments(study: Study) -> dict[tuple[int, int], FrozenTrial]:
    """``{(segment, member): trial}`` over the study's COMPLETE segment trials.

    Failed segments (FAIL trials) are left out: a resumed run trains them again. Should a
    segment be recorded twice (two drivers on one study), the first trial counts.
    """
    found: dict[tuple[int, int], FrozenTrial] = {}
    for trial in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)):
        if is_segment(trial):
            attrs = trial.system_attrs
            found.setdefault((int(attrs[SEGMENT_KEY]), int(attrs[MEMBER_KEY])), trial)
    return found


def _trial_by_number(study: Study, trials: list[FrozenTrial], trial: Any) -> FrozenTrial:
    number = trial.number if isinstance(trial, FrozenTrial) else trial
    if isinstance(number, bool) or not isinstance(number, int):
        raise PBTTypeError(f"`trial` must be a FrozenTrial or a trial number; got {trial!r}.")
    # Trials are numbered 0, 1, 2, ... in order within a study.
    found = trials[number] if 0 <= number < len(trials) else None
    if found is not None and found.number != number:
        found = next((t for t in trials if t.number == number), None)
    if found is None or not is_segment(found):
        raise PBTError(
            f"`trial` must be a segment trial of population-based training in study "
            f"{study.study_name!r}; got trial {number!r}, which is "
            f"{'not in the study' if found is None else 'not a segment'}."
        )
    return found


def get_lineage(study: Study, trial: FrozenTrial | int) -> list[FrozenTrial]:
    """The chain of segments that produced ``trial``'s checkpoint, from segment 0 to ``trial``.

    Each step goes to the trial whose checkpoint the segment started from: the same member's
    previous segment, or after an exploit the copied member's.

    Raises:
        PBTError: If ``trial`` is not a segment trial of this study.

    Example:
        >>> import ridgeline
        >>> pbt = ridgeline.pbt.PopulationBasedTraining(
        ...     population_size=2, perturbation_interval=1,
        ...     hyperparam_mutations={"lr": [0.1, 0.2]}, direction="maximize", seed=0)
        >>> result = pbt.run(lambda config, ckpt, ctx: (config["lr"], None), n_segments=3)
        >>> [t.system_attrs["pbt:segment"] for t in get_lineage(result.study, result.best_trial)]
        [0, 1, 2]
    """
    trials = study.get_trials(deepcopy=False)
    chain = [_trial_by_number(study, trials, trial)]
    while (parent := chain[-1].system_attrs.get(PARENT_KEY)) is not None:
        chain.append(_trial_by_number(study, trials, int(parent)))
    return chain[::-1]


def get_schedule(study: Study, trial: FrozenTrial | int | None = None) -> list[ScheduleEntry]:
    """The hyperparameter schedule that produced ``trial``'s model (default: the best trial of
    the last segment): ``(start_step, end_step, config, value)`` along its lineage.

    ``config`` holds the mutated hyperparameters (the trial's parameters).

    Raises:
        PBTError: If the study holds no segments, or ``trial`` is not one.
    """
    chosen = get_best_trial(study) if trial is None else trial
    return [
        ScheduleEntry(
            int(t.system_attrs[START_STEP_KEY]),
            int(t.system_attrs[END_STEP_KEY]),
            dict(t.params),
            segment_value(t),
        )
        for t in get_lineage(study, chosen)
    ]


def get_best_trial(study: Study) -> FrozenTrial:
    """The best segment trial of the latest segment index that has any COMPLETE segment.

    Only the latest segments are compared: they are the models the run ends with (an earlier
    segment may score better on a noisy metric, but its member trained on past it).

    Raises:
        PBTError: If the study holds no COMPLETE segment.
    """
    segments = read_segments(study)
    if not segments:
        raise PBTError(
            f"Study {study.study_name!r} holds no completed segment of population-based "
            "training; run PopulationBasedTraining.run first."
        )
    last = max(s for s, _ in segments)
    candidates = [t for (s, _), t in sorted(segments.items()) if s == last]
    maximize = study.direction == StudyDirection.MAXIMIZE
    best = candidates[0]
    for t in candidates[1:]:
        value, best_value = segment_value(t), segment_value(best)
        if value > best_value if maximize else value < best_value:
            best = t
    return best
