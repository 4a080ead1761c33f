"""Checkpoint stores: where population-based training keeps each member's model between segments.

A store maps a key (a relative path such as ``"digits/member-3/segment-0007"``) to a Python
object. Two ship with ridgeline: :class:`LocalCheckpointStore` (pickle files in a folder, the
one to use with a database storage, so that an interrupted run can resume) and
:class:`InMemoryCheckpointStore` (pickled bytes in a dict; the default, gone with the process).
Any object with ``save``/``load`` (and optionally ``delete``) methods of the same shape works,
e.g. one that writes to object storage.
"""

from __future__ import annotations

import os
import pickle
import re
import threading
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from ridgeline.exceptions import RidgelineError
from ridgeline.pbt._checks import PBTTypeError

__all__ = [
    "CheckpointNotFoundError",
    "CheckpointStore",
    "InMemoryCheckpointStore",
    "LocalCheckpointStore",
    "as_checkpoint_store",
    "check_key",
]

_KEY = re.compile(r"[A-Za-z0-9_.\-]+(/[A-Za-z0-9_.\-]+)*")


class CheckpointNotFoundError(RidgelineError, KeyError):
    """A checkpoint key is not in the store (deleted, or written by another process's memory)."""

    def __str__(self) -> str:  # KeyError quotes its message; keep it readable.
        return str(self.args[0]) if self.args else ""


@runtime_checkable
class CheckpointStore(Protocol):
    """What population-based training needs from a checkpoint store.

    ``save`` and ``load`` are called from the thread that drives the run (never from the
    workers that train), ``save`` once per segment and ``load`` once per segment that starts
    from a checkpoint. A stored object must not change when the caller later mutates the one
    it saved, and each ``load`` returns a fresh object (two members that start from the same
    checkpoint must not share it): pickling gives both. ``delete`` is optional: without it,
    every checkpoint is kept.
    """

    def save(self, key: str, obj: Any) -> None:
        """Store ``obj`` under ``key``, replacing what was there; all or nothing."""

    def load(self, key: str) -> Any:
        """The object stored under ``key``; raise ``KeyError`` if there is none."""


def check_key(key: Any) -> str:
    """Raise unless ``key`` is a relative path of letters, digits, ``_``, ``-`` and ``.``.

    Example:
        >>> check_key("run/member-0/segment-0001")
        'run/member-0/segment-0001'
    """
    if not isinstance(key, str) or not _KEY.fullmatch(key) or ".." in key.split("/"):
        raise PBTTypeError(
            "A checkpoint key must be a relative path of letters, digits, '_', '-' and '.' "
            f"separated by '/' (no '..'); got {key!r}."
        )
    return key


class LocalCheckpointStore:
    """Checkpoints as pickle files in a folder: ``<directory>/<key>.pkl``.

    Each file is written to a temporary file in the same folder and moved into place with
    ``os.replace``, so a process killed while saving leaves the previous checkpoint (or none),
    never half a file. Load only folders you trust: unpickling runs code.

    Args:
        directory: The folder; created if missing.

    Example:
        >>> import tempfile
        >>> store = LocalCheckpointStore(tempfile.mkdtemp())
        >>> store.save("run/member-0", {"weights": [1.0, 2.0]})
        >>> store.load("run/member-0")
        {'weights': [1.0, 2.0]}
        >>> store.delete("run/member-0")
        >>> store.exists("run/member-0")
        False
    """

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        if not isinstance(directory, (str, os.PathLike)):
            raise PBTTypeError(
                f"`directory` of LocalCheckpointStore must be a path; got {directory!r}."
            )
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    def __repr__(self) -> str:
        return f"LocalCheckpointStore({str(self.directory)!r})"

    def path(self, key: str) -> Path:
        """The file that holds ``key``."""
        return self.directory / f"{check_key(key)}.pkl"

    def save(self, key: str, obj: Any) -> None:
        import tempfile

        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def load(self, key: str) -> Any:
        path = self.path(key)
        try:
            with open(path, "rb") as f:
                return pickle.load(f)
        except FileNotFoundError:
            raise CheckpointNotFoundError(
                f"No checkpoint {key!r} in {self!r} (no file {str(path)!r})."
            ) from None

    def delete(self, key: str) -> None:
        """Remove ``key``'s file if it exists."""
        self.path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        """Whether a checkpoint is stored under ``key``."""
        return self.path(key).is_file()


class InMemoryCheckpointStore:
    """Checkpoints as pickled bytes in a dict: fast, and gone when the process ends.

    A run that uses it cannot resume in another process; use :class:`LocalCheckpointStore`
    with a database storage for that.

    Example:
        >>> store = InMemoryCheckpointStore()
        >>> weights = [1.0]
        >>> store.save("m0", weights)
        >>> weights.append(2.0)  # the stored copy does not change
        >>> store.load("m0")
        [1.0]
    """

    def __init__(self) -> None:
        self._data: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return "InMemoryCheckpointStore()"

    def save(self, key: str, obj: Any) -> None:
        data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        with self._lock:
            self._data[check_key(key)] = data

    def load(self, key: str) -> Any:
        with self._lock:
            data = self._data.get(key)
        if data is None:
            raise CheckpointNotFoundError(
                f"No checkpoint {key!r} in this process's InMemoryCheckpointStore. A run that "
                "resumes in another process needs a LocalCheckpointStore (checkpoint_store=a "
                "folder)."
            )
        return pickle.loads(data)

    def delete(self, key: str) -> None:
        """Forget ``key`` if it is stored."""
        with self._lock:
            self._data.pop(key, None)

    def exists(self, key: str) -> bool:
        """Whether a checkpoint is stored under ``key``."""
        with self._lock:
            return key in self._data


def as_checkpoint_store(value: Any) -> CheckpointStore:
    """A store from ``value``: None (in memory), a folder path, or a store object.

    Example:
        >>> as_checkpoint_store(None)
        InMemoryCheckpointStore()
    """
    if value is None:
        return InMemoryCheckpointStore()
    if isinstance(value, (str, os.PathLike)):
        return LocalCheckpointStore(value)
    if isinstance(value, CheckpointStore):
        return value
    raise PBTTypeError(
        "`checkpoint_store` must be None (in memory), a folder path, or an object with "
        f"save(key, obj) and load(key) methods; got {value!r}."
    )
