from ridgeline.storages._base import BaseStorage, FrozenStudy
from ridgeline.storages._callbacks import RetryFailedTrialCallback
from ridgeline.storages._factory import get_storage
from ridgeline.storages._in_memory import InMemoryStorage
from ridgeline.storages._rdb.storage import RDBStorage

__all__ = [
    "BaseStorage",
    "FrozenStudy",
    "InMemoryStorage",
    "RDBStorage",
    "RetryFailedTrialCallback",
    "get_storage",
]
