from __future__ import annotations

from ridgeline.exceptions import RidgelineError
from ridgeline.storages._base import BaseStorage
from ridgeline.storages._in_memory import InMemoryStorage
from ridgeline.storages._url import mask_password

__all__ = ["get_storage"]

_RDB_SCHEMES = ("sqlite", "postgresql", "postgres", "mysql", "mariadb")


class StorageURLError(RidgelineError, ValueError):
    pass


def get_storage(storage: str | BaseStorage | None) -> BaseStorage:
    """Turn what a user passes as ``storage`` into a storage object.

    None gives a fresh :class:`InMemoryStorage`; a URL string gives an
    :class:`~ridgeline.storages.RDBStorage` (``sqlite:///path.db``,
    ``postgresql://user:pass@host/db``, ``mysql://...``).

    Raises:
        ValueError: For a URL with an unknown scheme, or an object that is not a storage.
    """
    if storage is None:
        return InMemoryStorage()
    if isinstance(storage, BaseStorage):
        return storage
    if isinstance(storage, str):
        scheme = storage.split(":", 1)[0].split("+", 1)[0].lower()
        if "://" not in storage or scheme not in _RDB_SCHEMES:
            raise StorageURLError(
                f"`storage` must be a database URL with a scheme in {list(_RDB_SCHEMES)}, a "
                f"storage object, or None; got {mask_password(storage)!r}. Example: "
                "'sqlite:///study.db'."
            )
        from ridgeline.storages._rdb.storage import RDBStorage

        return RDBStorage(storage)
    raise StorageURLError(
        "`storage` must be a URL string, a BaseStorage instance or None; got "
        f"{type(storage).__name__}."
    )
