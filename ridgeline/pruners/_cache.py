"""Per-study caches of a pruner's decisions, rebuilt from the storage when needed."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["StudyCaches"]

T = TypeVar("T")


class StudyCaches(Generic[T]):
    """A pruner's caches, one per (study, key), kept while the study object lives, with the
    lock that guards them.

    Finished trials never change, so a pruner may fold them into a cache once. The caches
    and the lock belong to one process: a pickled or deep-copied pruner starts with none and
    reads the storage again.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._caches: weakref.WeakKeyDictionary[Study, dict[Hashable, T]]
        self._caches = weakref.WeakKeyDictionary()

    def get(self, study: Study, key: Hashable, make: Callable[[], T]) -> T:
        """The study's cache under ``key``, made by ``make()`` on first use. Callers hold
        :attr:`lock`. A study-like object that cannot be weakly referenced gets a fresh
        cache each time (no caching)."""
        try:
            per_study = self._caches.get(study)
        except TypeError:
            return make()
        if per_study is None:
            per_study = self._caches[study] = {}
        cache = per_study.get(key)
        if cache is None:
            cache = per_study[key] = make()
        return cache

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), ())

    def __deepcopy__(self, memo: dict[int, object]) -> StudyCaches[T]:
        return type(self)()
