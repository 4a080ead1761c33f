from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from ridgeline.storages._base import BaseStorage

__all__ = ["heartbeat"]


@contextlib.contextmanager
def heartbeat(storage: BaseStorage, trial_id: int) -> Iterator[None]:
    """While the block runs, record the trial's heartbeat every interval in a daemon thread.

    Does nothing for storages without heartbeats. If the process dies, the heartbeats stop and
    another worker's ``fail_stale_trials`` marks the trial FAIL.
    """
    interval = storage.get_heartbeat_interval() if storage.is_heartbeat_enabled() else None
    if interval is None:
        yield
        return
    stop = threading.Event()

    def beat() -> None:
        while not stop.is_set():
            storage.record_heartbeat(trial_id)
            stop.wait(interval)

    thread = threading.Thread(target=beat, name=f"ridgeline-heartbeat-{trial_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
