"""Storage factories shared by the storage tests.

``make_storage(**kwargs)`` builds a storage on the backend under test; calling it twice on the
RDB backends gives two independent storage objects (own engine, own cache) over one database,
which is how two worker processes see it. For the in-memory backend it returns the same object
(there is no second view of process memory).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ridgeline.storages import BaseStorage, InMemoryStorage, RDBStorage

MakeStorage = Callable[..., BaseStorage]

BACKENDS = [
    "inmemory",
    "sqlite",
    pytest.param("postgres", marks=pytest.mark.postgres),
    pytest.param("mysql", marks=pytest.mark.mysql),
]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def storage_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str | None:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'study.db'}"
    if backend == "postgres":
        return str(request.getfixturevalue("postgres_storage_url"))
    if backend == "mysql":
        return str(request.getfixturevalue("mysql_storage_url"))
    return None


@pytest.fixture
def make_storage(storage_url: str | None) -> Iterator[MakeStorage]:
    memory: list[InMemoryStorage] = []
    made: list[RDBStorage] = []

    def make(**kwargs: Any) -> BaseStorage:
        if storage_url is None:
            if kwargs:
                pytest.fail(
                    f"InMemoryStorage takes no options ({sorted(kwargs)}); run this test on the "
                    "RDB backends only (parametrize `backend`)."
                )
            if not memory:
                memory.append(InMemoryStorage())
            return memory[0]
        storage = RDBStorage(storage_url, **kwargs)
        made.append(storage)
        return storage

    yield make
    for storage in made:
        storage._dispose()


@pytest.fixture
def storage(make_storage: MakeStorage) -> BaseStorage:
    return make_storage()
