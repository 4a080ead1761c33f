"""Checkpoint stores: round trip, copies, atomic writes, keys, and the protocol."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from ridgeline.pbt import (
    CheckpointNotFoundError,
    CheckpointStore,
    InMemoryCheckpointStore,
    LocalCheckpointStore,
    PBTError,
)
from ridgeline.pbt._checkpoints import as_checkpoint_store


@pytest.fixture(params=["local", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    if request.param == "local":
        return LocalCheckpointStore(tmp_path / "ckpt")
    return InMemoryCheckpointStore()


def test_round_trip_replace_and_delete(store: Any) -> None:
    obj = {"weights": [1.0, 2.0], "step": 3, "nested": {"a": (1, "b")}}
    store.save("run/member-000/segment-0001", obj)
    assert store.load("run/member-000/segment-0001") == obj
    store.save("run/member-000/segment-0001", {"step": 4})
    assert store.load("run/member-000/segment-0001") == {"step": 4}
    assert store.exists("run/member-000/segment-0001")
    store.delete("run/member-000/segment-0001")
    store.delete("run/member-000/segment-0001")  # deleting twice is fine
    assert not store.exists("run/member-000/segment-0001")
    with pytest.raises(CheckpointNotFoundError, match="No checkpoint 'run/member-000") as info:
        store.load("run/member-000/segment-0001")
    assert isinstance(info.value, KeyError)


def test_loads_are_independent_copies(store: Any) -> None:
    weights = [1.0]
    store.save("m0", weights)
    weights.append(2.0)
    first, second = store.load("m0"), store.load("m0")
    first.append(3.0)
    assert second == [1.0] and store.load("m0") == [1.0]


@pytest.mark.parametrize("key", ["../escape", "/abs", "a//b", "a b", "", "a/../b", 3, "a/"])
def test_bad_keys_are_refused(store: Any, key: Any) -> None:
    with pytest.raises(PBTError, match="checkpoint key must be a relative path"):
        store.save(key, 1)


class _Unpicklable:
    def __reduce__(self) -> Any:
        raise RuntimeError("cannot pickle this")


def test_a_failed_write_keeps_the_previous_checkpoint_and_no_temp_file(tmp_path: Path) -> None:
    store = LocalCheckpointStore(tmp_path)
    store.save("m0", {"version": 1})
    with pytest.raises(RuntimeError, match="cannot pickle this"):
        store.save("m0", {"version": 2, "bad": _Unpicklable()})
    assert store.load("m0") == {"version": 1}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m0.pkl"]


def test_a_write_killed_before_the_rename_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = LocalCheckpointStore(tmp_path)
    store.save("m0", "old")

    def killed(src: str, dst: str) -> None:
        raise KeyboardInterrupt  # as if the process died between writing and renaming

    monkeypatch.setattr(os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        store.save("m0", "new")
    monkeypatch.undo()
    assert store.load("m0") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["m0.pkl"]


def test_files_live_under_the_folder(tmp_path: Path) -> None:
    store = LocalCheckpointStore(str(tmp_path / "new" / "dir"))
    store.save("study/member-001/segment-0002", 5)
    assert (tmp_path / "new/dir/study/member-001/segment-0002.pkl").is_file()
    assert store.path("x") == tmp_path / "new/dir/x.pkl"
    assert "new/dir" in repr(store)


def test_in_memory_store_says_how_to_resume_elsewhere() -> None:
    with pytest.raises(CheckpointNotFoundError, match="needs a LocalCheckpointStore"):
        InMemoryCheckpointStore().load("m0")


class _DictStore:
    """A user's store: save and load only (no delete)."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}

    def save(self, key: str, obj: Any) -> None:
        self.data[key] = obj

    def load(self, key: str) -> Any:
        return self.data[key]


def test_as_checkpoint_store(tmp_path: Path) -> None:
    assert isinstance(as_checkpoint_store(None), InMemoryCheckpointStore)
    assert isinstance(as_checkpoint_store(tmp_path), LocalCheckpointStore)
    assert isinstance(as_checkpoint_store(str(tmp_path)), LocalCheckpointStore)
    user = _DictStore()
    assert as_checkpoint_store(user) is user
    assert isinstance(user, CheckpointStore)
    with pytest.raises(PBTError, match=r"`checkpoint_store` must be None .* got 3") as info:
        as_checkpoint_store(3)
    assert isinstance(info.value, TypeError)
    with pytest.raises(PBTError, match="`directory` of LocalCheckpointStore must be a path"):
        LocalCheckpointStore(3)  # type: ignore[arg-type]
