"""Read-only views of a study that show a sampler only some of its trials."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Container, Hashable
from typing import TYPE_CHECKING, Any, cast

from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState

if TYPE_CHECKING:
    from ridgeline.storages._base import BaseStorage
    from ridgeline.study._study import Study

__all__ = ["filtered_study", "sampler_view"]

# One filtering storage per (storage, study, view key), kept while the storage lives, so that
# samplers' per-study caches (keyed by the storage object) follow each view on its own.
_VIEWS: weakref.WeakKeyDictionary[Any, dict[tuple[int, Hashable], _FilteredStorage]] = (
    weakref.WeakKeyDictionary()
)
_LOCK = threading.Lock()


class _FilteredStorage:
    """A storage that lists only the trials ``keep`` accepts, and passes everything else
    (reads and writes) through to the storage it wraps."""

    def __init__(self, base: BaseStorage, keep: Callable[[FrozenTrial], bool]) -> None:
        self._base = base
        self._keep = keep

    def get_all_trials(
        self,
        study_id: int,
        deepcopy: bool = False,
        states: Container[TrialState] | None = None,
    ) -> list[FrozenTrial]:
        trials = self._base.get_all_trials(study_id, deepcopy=False, states=states)
        keep = self._keep
        return [t for t in trials if keep(t)]

    def get_n_trials(
        self, study_id: int, state: TrialState | tuple[TrialState, ...] | None = None
    ) -> int:
        states: Container[TrialState] | None
        states = (state,) if isinstance(state, TrialState) else state
        return len(self.get_all_trials(study_id, states=states))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._base, name)


def filtered_study(study: Study, key: Hashable, keep: Callable[[FrozenTrial], bool]) -> Study:
    """A view of ``study`` whose trial lists hold only the trials ``keep`` accepts.

    Views with the same ``key`` over the same storage and study share one storage object, so a
    sampler's caches see the view as a study of its own, and grow with it incrementally.
    Everything but the trial lists reads and writes the real study.
    """
    base = study._storage
    with _LOCK:
        per_storage = _VIEWS.setdefault(base, {})
        storage = per_storage.get((study._study_id, key))
        if storage is None:
            storage = _FilteredStorage(base, keep)
            per_storage[(study._study_id, key)] = storage
    view = object.__new__(type(study))
    view.__dict__.update(study.__dict__)
    view._storage = cast("BaseStorage", storage)
    return view


def sampler_view(study: Study, trial: FrozenTrial) -> Study:
    """The study as its sampler sees it for ``trial``: what the pruner's ``sampler_study``
    returns (the whole study for pruners without one)."""
    view = getattr(study.pruner, "sampler_study", None)
    return study if view is None else view(study, trial)
