"""Heartbeats of RDBStorage: recording them, and failing trials whose worker went silent.

Times come from the database server's clock (``_sql.db_now``), so workers on machines whose
clocks disagree still agree on how old a heartbeat is.
"""

from __future__ import annotations

import datetime
import json
from typing import TYPE_CHECKING

from ridgeline.storages._rdb import _sql

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from ridgeline.storages._rdb._engine import Database

__all__ = ["FAIL_REASON_KEY", "fail_stale_trials", "record_heartbeat"]

#: The system attribute that says why a trial was failed by ``fail_stale_trials``.
FAIL_REASON_KEY = "fail_reason"


def record_heartbeat(db: Database, trial_id: int) -> bool:
    """Record that the trial's worker is alive; False if there is no such trial.

    A heartbeat for a trial that already finished is ignored: the heartbeat thread may race
    with the end of its trial.
    """

    def work(conn: Connection) -> bool:
        found = _sql.lock_trial(conn, trial_id)
        if found is None:
            return False
        if found[0] == "RUNNING":
            _sql.record_heartbeat(conn, trial_id)
        return True

    return bool(db.run(work, write=True, what="record a heartbeat"))


def fail_stale_trials(db: Database, study_id: int, grace_period: float) -> list[int]:
    """Mark FAIL each RUNNING trial whose last heartbeat is older than ``grace_period``.

    Each gets the system attribute ``fail_reason``. Safe to call from many workers at once:
    the state change is a conditional UPDATE (``WHERE state = 'RUNNING'``), so each stale
    trial is failed, and listed, by exactly one of them. Trials that never sent a heartbeat
    are left alone.
    """

    def find(conn: Connection) -> list[tuple[int, int, float]]:
        return _sql.stale_trials(conn, study_id, _sql.db_now(conn) - grace_period)

    # Look before locking: most calls find nothing, and a read takes no write lock.
    if not db.run(find, write=False, what="look for stale trials"):
        return []

    def work(conn: Connection) -> list[int]:
        now = _sql.db_now(conn)
        failed = []
        for trial_id, number, beat in _sql.stale_trials(conn, study_id, now - grace_period):
            changes = {"state": "FAIL", "datetime_complete": datetime.datetime.now()}
            if not _sql.update_trial_state(conn, trial_id, ("RUNNING",), changes):
                continue  # Another worker failed it (or its owner finished it) just now.
            reason = (
                f"Trial {number} failed because its worker stopped sending heartbeats: the "
                f"last one was {now - beat:.1f} s ago, longer than the grace period of "
                f"{grace_period:g} s."
            )
            _sql.upsert_trial_attr(
                conn, trial_id, [(FAIL_REASON_KEY, json.dumps(reason))], system=True
            )
            failed.append(trial_id)
        return failed

    return list(db.run(work, write=True, what="fail stale trials"))
