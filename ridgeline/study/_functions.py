"""Module-level study functions: create, load, delete, copy and list studies."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ridgeline.exceptions import DuplicatedStudyError, RidgelineError, UnknownStudyError
from ridgeline.storages._base import BaseStorage, FrozenStudy
from ridgeline.storages._factory import get_storage
from ridgeline.study._best import best_trial_of
from ridgeline.study._study import Study, check_metric_names
from ridgeline.study._study_direction import StudyDirection
from ridgeline.trial._state import TrialState

if TYPE_CHECKING:
    from ridgeline.pruners._base import BasePruner
    from ridgeline.samplers._base import BaseSampler

__all__ = [
    "copy_study",
    "create_study",
    "delete_study",
    "get_all_study_names",
    "get_all_study_summaries",
    "load_study",
]


class DirectionError(RidgelineError, ValueError):
    pass


def _parse_direction(d: Any, param: str) -> StudyDirection:
    if isinstance(d, StudyDirection) and d != StudyDirection.NOT_SET:
        return d
    if isinstance(d, str):
        key = d.strip().lower()
        if key in ("minimize", "min", "minimise"):
            return StudyDirection.MINIMIZE
        if key in ("maximize", "max", "maximise"):
            return StudyDirection.MAXIMIZE
    raise DirectionError(f"`{param}` of create_study must be 'minimize' or 'maximize'; got {d!r}.")


def _parse_directions(
    direction: str | StudyDirection | None,
    directions: Sequence[str | StudyDirection] | Mapping[str, str | StudyDirection] | None,
) -> list[StudyDirection]:
    if direction is not None and directions is not None:
        raise DirectionError(
            "Give either `direction` or `directions` to create_study, not both; got "
            f"direction={direction!r}, directions={directions!r}."
        )
    if directions is None:
        return [_parse_direction(direction or "minimize", "direction")]
    if isinstance(directions, Mapping):
        directions = list(directions.values())
    if isinstance(directions, (str, StudyDirection)) or not isinstance(directions, Sequence):
        raise DirectionError(
            "`directions` of create_study must be a list such as ['minimize', 'maximize']; "
            f"got {directions!r}."
        )
    if len(directions) == 0:
        raise DirectionError("`directions` of create_study must not be empty; got [].")
    return [_parse_direction(d, "directions") for d in directions]


def create_study(
    *,
    storage: str | BaseStorage | None = None,
    sampler: BaseSampler | None = None,
    pruner: BasePruner | None = None,
    study_name: str | None = None,
    direction: str | StudyDirection | None = None,
    load_if_exists: bool = False,
    directions: Sequence[str | StudyDirection] | Mapping[str, str | StudyDirection] | None = None,
) -> Study:
    """Create a new study (or continue an existing one with ``load_if_exists=True``).

    Args:
        storage: None (in memory), a database URL such as ``"sqlite:///study.db"``, or a
            storage object.
        sampler: Decides parameters; default: the best general-purpose sampler available.
        pruner: Decides early stopping; default: ``MedianPruner()``.
        study_name: The name in the storage; default: a unique generated name.
        direction: ``"minimize"`` (default) or ``"maximize"``.
        load_if_exists: If a study with this name exists, continue it instead of failing.
        directions: One direction per objective, for several objectives; or a dict
            ``{metric name: direction}`` that also names the objectives (see
            :meth:`Study.set_metric_names`), e.g. ``{"accuracy": "maximize", "latency":
            "minimize"}``.

    Raises:
        DuplicatedStudyError: If the name is taken and ``load_if_exists`` is False.
        ValueError: On unknown direction strings or both ``direction`` and ``directions``.

    Example:
        >>> import ridgeline
        >>> study = ridgeline.create_study(direction="maximize")
        >>> study.optimize(lambda t: -(t.suggest_float("x", -1, 1) ** 2), n_trials=5)
        >>> len(study.trials)
        5
    """
    parsed = _parse_directions(direction, directions)
    names = None
    if isinstance(directions, Mapping):
        names = check_metric_names(list(directions), len(parsed), "create_study")
    storage_obj = get_storage(storage)
    if study_name is not None and not isinstance(study_name, str):
        raise DirectionError(
            f"`study_name` of create_study must be a str or None; got {study_name!r}."
        )
    try:
        study_id = storage_obj.create_new_study(parsed, study_name)
    except DuplicatedStudyError:
        if not load_if_exists:
            raise
        assert study_name is not None
        existing = storage_obj.get_study_directions(storage_obj.get_study_id_from_name(study_name))
        if (direction is not None or directions is not None) and existing != parsed:
            raise DirectionError(
                f"Study {study_name!r} exists with directions "
                f"{[d.name.lower() for d in existing]}, but create_study was given "
                f"{[d.name.lower() for d in parsed]}. Use the same directions or another name."
            ) from None
        study = Study(study_name, storage_obj, sampler=sampler, pruner=pruner)
        if names is not None and study.metric_names != names:
            if study.metric_names is not None:
                raise DirectionError(
                    f"Study {study_name!r} exists with metric names {study.metric_names}, but "
                    f"create_study was given {names}. Use the same names or another study name."
                ) from None
            study.set_metric_names(names)
        return study
    name = storage_obj.get_study_name_from_id(study_id)
    study = Study(name, storage_obj, sampler=sampler, pruner=pruner)
    if names is not None:
        study.set_metric_names(names)
    return study


def load_study(
    *,
    study_name: str | None,
    storage: str | BaseStorage,
    sampler: BaseSampler | None = None,
    pruner: BasePruner | None = None,
) -> Study:
    """Load an existing study from a storage.

    Args:
        study_name: The study's name; may be None when the storage holds exactly one study.

    Raises:
        KeyError: If no such study exists (the message lists the studies that do).
    """
    storage_obj = get_storage(storage)
    if study_name is None:
        names = [s.study_name for s in storage_obj.get_all_studies()]
        if len(names) != 1:
            raise UnknownStudyError(
                f"`study_name` of load_study may be None only when the storage holds exactly "
                f"one study; it holds {len(names)}: {names}."
            )
        study_name = names[0]
    storage_obj.get_study_id_from_name(study_name)  # raises UnknownStudyError with the list
    return Study(study_name, storage_obj, sampler=sampler, pruner=pruner)


def delete_study(*, study_name: str, storage: str | BaseStorage) -> None:
    """Delete a study and all its trials from a storage.

    Raises:
        KeyError: If no such study exists.
    """
    storage_obj = get_storage(storage)
    storage_obj.delete_study(storage_obj.get_study_id_from_name(study_name))


def copy_study(
    *,
    from_study_name: str,
    from_storage: str | BaseStorage,
    to_storage: str | BaseStorage,
    to_study_name: str | None = None,
) -> None:
    """Copy a study, with its attributes and all its trials, to another storage (or name).

    Raises:
        KeyError: If the source study does not exist.
        DuplicatedStudyError: If the target name is taken.
    """
    src = get_storage(from_storage)
    dst = get_storage(to_storage)
    src_id = src.get_study_id_from_name(from_study_name)
    dst_id = dst.create_new_study(
        src.get_study_directions(src_id), to_study_name or from_study_name
    )
    for key, value in src.get_study_user_attrs(src_id).items():
        dst.set_study_user_attr(dst_id, key, value)
    for key, value in src.get_study_system_attrs(src_id).items():
        dst.set_study_system_attr(dst_id, key, value)
    for trial in src.get_all_trials(src_id, deepcopy=False):
        dst.create_new_trial(dst_id, template_trial=trial)


def get_all_study_names(storage: str | BaseStorage) -> list[str]:
    """The names of every study in a storage, in creation order."""
    return [s.study_name for s in get_storage(storage).get_all_studies()]


def get_all_study_summaries(
    storage: str | BaseStorage, include_best_trial: bool = True
) -> list[FrozenStudy]:
    """A summary of every study in a storage: name, directions, attrs, trial count, best trial."""
    storage_obj = get_storage(storage)
    summaries = []
    for s in storage_obj.get_all_studies():
        trials = storage_obj.get_all_trials(s.study_id, deepcopy=False)
        best = None
        if include_best_trial and len(s.directions) == 1:
            best = best_trial_of(
                [t for t in trials if t.state == TrialState.COMPLETE], s.directions[0]
            )
        starts = [t.datetime_start for t in trials if t.datetime_start is not None]
        summaries.append(
            replace(
                s,
                n_trials=len(trials),
                best_trial=best,
                datetime_start=min(starts) if starts else None,
            )
        )
    return summaries
