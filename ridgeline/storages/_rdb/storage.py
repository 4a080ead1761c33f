"""RDBStorage: studies and trials in a relational database (SQLite, PostgreSQL, MySQL).

Importing this module is light: SQLAlchemy and alembic load when the first storage is built.
"""

from __future__ import annotations

import datetime
import json
import math
import threading
from collections.abc import Callable, Container, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from ridgeline.distributions import BaseDistribution
from ridgeline.exceptions import (
    DuplicatedStudyError,
    RidgelineError,
    UnknownStudyError,
    UpdateFinishedTrialError,
)
from ridgeline.storages._base import BaseStorage, FrozenStudy
from ridgeline.storages._json import attr_to_json
from ridgeline.storages._naming import default_study_name
from ridgeline.study._study_direction import StudyDirection
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from ridgeline.storages._rdb._cache import TrialCache
    from ridgeline.storages._rdb._engine import Database
    from ridgeline.study._study import Study

__all__ = ["RDBStorage"]

_MAX_LISTED_STUDIES = 20
_UNFINISHED = ("RUNNING", "WAITING")


class StorageArgumentError(RidgelineError, ValueError):
    """RDBStorage was given an argument it cannot use."""


def _check_positive(name: str, value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise StorageArgumentError(
            f"`{name}` of RDBStorage must be a positive number of seconds or None; got {value!r}."
        )
    if not math.isfinite(value):
        raise StorageArgumentError(f"`{name}` of RDBStorage must be finite; got {value!r}.")
    return float(value)


class RDBStorage(BaseStorage):
    """Keeps studies in a relational database that several processes and machines can share.

    SQLite (a file) needs no server; PostgreSQL or MySQL suit many workers on many machines.
    Each write that other workers need to see (a trial's start, its parameters, each report,
    its end) is one short transaction. Reads of a study's trials are served from a per-process
    cache of finished trials, so their cost does not grow with the length of the study.

    Args:
        url: A SQLAlchemy URL: ``sqlite:///study.db`` (a relative path is relative to the
            working directory; missing folders are created), ``postgresql://user:pass@host/db``
            (driver psycopg 3), ``mysql://user:pass@host/db`` (driver PyMySQL).
        engine_kwargs: Extra keyword arguments for ``sqlalchemy.create_engine`` (pool size,
            ``connect_args`` ...).
        heartbeat_interval: Seconds between heartbeats of running trials; None disables
            heartbeats (a dead worker's trial then stays RUNNING).
        grace_period: How long a RUNNING trial may go without a heartbeat before
            ``fail_stale_trials`` marks it FAIL. Defaults to twice ``heartbeat_interval``.
        failed_trial_callback: Called as ``callback(study, frozen_trial)`` for each trial a
            worker marks FAIL because its heartbeat lapsed, e.g.
            :class:`~ridgeline.storages.RetryFailedTrialCallback` to run it again.
        skip_compatibility_check: Open a database whose schema version differs from this
            ridgeline's (needed to call :meth:`upgrade`).

    Raises:
        ImportError: If the database driver is not installed (the message says what to
            install).
        StorageError: If the database cannot be reached, or holds another schema version.
        ValueError: For arguments of the wrong kind.

    Example:
        >>> import tempfile, os
        >>> path = os.path.join(tempfile.mkdtemp(), "study.db")
        >>> storage = RDBStorage(f"sqlite:///{path}")
        >>> study_id = storage.create_new_study([StudyDirection.MINIMIZE], "demo")
        >>> storage.get_study_name_from_id(study_id)
        'demo'
    """

    def __init__(
        self,
        url: str,
        engine_kwargs: dict[str, Any] | None = None,
        *,
        heartbeat_interval: float | None = None,
        grace_period: float | None = None,
        failed_trial_callback: Callable[[Study, FrozenTrial], None] | None = None,
        skip_compatibility_check: bool = False,
    ) -> None:
        if not isinstance(url, str) or "://" not in url:
            from ridgeline.storages._url import mask_password

            shown = mask_password(url) if isinstance(url, str) else url
            raise StorageArgumentError(
                f"`url` of RDBStorage must be a database URL string; got {shown!r}. Example: "
                "'sqlite:///study.db' or 'postgresql://user:password@host/dbname'."
            )
        if engine_kwargs is not None and not isinstance(engine_kwargs, dict):
            raise StorageArgumentError(
                f"`engine_kwargs` of RDBStorage must be a dict or None; got {engine_kwargs!r}."
            )
        interval = _check_positive("heartbeat_interval", heartbeat_interval)
        grace = _check_positive("grace_period", grace_period)
        if grace is not None and interval is None:
            raise StorageArgumentError(
                f"`grace_period` of RDBStorage needs `heartbeat_interval`; got "
                f"grace_period={grace_period!r} with heartbeat_interval=None. Set both, e.g. "
                "heartbeat_interval=60, grace_period=180."
            )
        if failed_trial_callback is not None and not callable(failed_trial_callback):
            raise StorageArgumentError(
                "`failed_trial_callback` of RDBStorage must be callable (study, trial) -> None "
                f"or None; got {failed_trial_callback!r}."
            )
        if failed_trial_callback is not None and interval is None:
            raise StorageArgumentError(
                "`failed_trial_callback` of RDBStorage needs `heartbeat_interval`: without "
                "heartbeats no trial is ever found dead. Set e.g. heartbeat_interval=60."
            )
        from ridgeline.storages._rdb._engine import normalize_url

        self.failed_trial_callback = failed_trial_callback
        self.url = normalize_url(url)
        self.engine_kwargs = dict(engine_kwargs or {})
        self.heartbeat_interval = interval
        self.grace_period = grace if grace is not None or interval is None else 2 * interval
        self.skip_compatibility_check = bool(skip_compatibility_check)
        self._setup()
        from ridgeline.storages._rdb import _migrations
        from ridgeline.storages._rdb.models import SCHEMA_VERSION

        _migrations.check_or_create_schema(
            self._db, SCHEMA_VERSION, skip_check=self.skip_compatibility_check
        )

    def _setup(self) -> None:
        """Build what does not survive pickling: the engine, caches and locks."""
        from ridgeline.storages._rdb import _sql, _sql_read
        from ridgeline.storages._rdb._cache import TrialCache
        from ridgeline.storages._rdb._engine import Database

        self._sql = _sql
        self._sqlr = _sql_read
        self._db: Database = Database(self.url, self.engine_kwargs)
        self._cache: TrialCache = TrialCache(self._fetch_study_trials, self._raise_unknown_study)
        self._lock = threading.Lock()
        # Names and directions never change once a study exists; keep them.
        self._study_names: dict[int, str] = {}
        self._study_directions: dict[int, list[StudyDirection]] = {}

    def __getstate__(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "engine_kwargs": self.engine_kwargs,
            "heartbeat_interval": self.heartbeat_interval,
            "grace_period": self.grace_period,
            "skip_compatibility_check": self.skip_compatibility_check,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._setup()  # The schema was checked by the process that pickled us.

    def __repr__(self) -> str:
        return f"RDBStorage({self._db.masked_url!r})"

    # ------------------------------------------------------------------ helpers
    def _read(self, fn: Any, what: str, *, snapshot: bool = False) -> Any:
        return self._db.run(fn, write=False, what=what, snapshot=snapshot)

    def _write(self, fn: Any, what: str) -> Any:
        return self._db.run(fn, write=True, what=what)

    def _raise_unknown_study(self, study_id: int) -> NoReturn:
        with self._lock:
            self._study_names.pop(study_id, None)
            self._study_directions.pop(study_id, None)
        raise UnknownStudyError(f"No study with id {study_id!r} in this storage.")

    @staticmethod
    def _raise_unknown_trial(trial_id: int) -> NoReturn:
        raise KeyError(f"No trial with id {trial_id!r} in this storage.")

    def _lock_unfinished(self, conn: Connection, trial_id: int) -> None:
        """Inside a write: lock the trial's row, or raise if it is absent or finished."""
        found = self._sql.lock_trial(conn, trial_id)
        if found is None:
            self._raise_unknown_trial(trial_id)
        state, number = found
        if TrialState[state].is_finished():
            raise UpdateFinishedTrialError(
                f"Trial {number} is already {state}; finished trials cannot change."
            )

    def _write_to_unfinished(
        self, trial_id: int, kind: str, row: dict[str, Any], what: str, fallback: Any
    ) -> None:
        """Write one child row of a running (or waiting) trial; refuse finished trials.

        Where the dialect allows, one autocommitted statement checks the state and writes
        (one round trip instead of four); elsewhere ``fallback(conn)`` runs in a transaction.
        """
        sql = self._sql
        if not sql.supports_guarded_upsert(self._db.dialect):

            def locked(conn: Connection) -> None:
                self._lock_unfinished(conn, trial_id)
                fallback(conn)

            self._write(locked, what)
            return

        def work(conn: Connection) -> None:
            if not sql.guarded_upsert(conn, kind, trial_id, row):
                self._lock_unfinished(conn, trial_id)  # Says why: absent or finished.
                # Unreachable in practice: a trial cannot become unfinished again.
                raise UpdateFinishedTrialError(f"Trial {trial_id} changed state during a write.")

        self._db.run(work, write=True, what=what, single_statement=True)

    # ------------------------------------------------------------------ studies
    def create_new_study(
        self, directions: Sequence[StudyDirection], study_name: str | None = None
    ) -> int:
        from ridgeline.storages._rdb.models import MAX_NAME_LENGTH

        if study_name is None:
            study_name = default_study_name()
        if not isinstance(study_name, str) or not 0 < len(study_name) <= MAX_NAME_LENGTH:
            raise StorageArgumentError(
                f"`study_name` of RDBStorage must be a str of 1 to {MAX_NAME_LENGTH} "
                f"characters; got {study_name!r}."
            )
        dirs = [StudyDirection(d) for d in directions]
        names = [d.name for d in dirs]
        name = study_name

        duplicated = DuplicatedStudyError(
            f"A study named {name!r} already exists. Pick another `study_name` or pass "
            "`load_if_exists=True` to continue it."
        )

        def work(conn: Connection) -> int:
            if self._sql.study_id_from_name(conn, name) is not None:
                raise duplicated
            return self._sql.insert_study(conn, name, names)

        from sqlalchemy.exc import IntegrityError

        try:
            study_id: int = self._db.run(
                work, write=True, what="create a study", pass_integrity_errors=True
            )
        except IntegrityError as e:
            # Another process created the same name between our check and our insert.
            raise duplicated from e
        with self._lock:
            self._study_names[study_id] = name
            self._study_directions[study_id] = dirs
        return study_id

    def delete_study(self, study_id: int) -> None:
        deleted = self._write(lambda c: self._sql.delete_study(c, study_id), "delete a study")
        self._cache.forget_study(study_id)
        if not deleted:
            self._raise_unknown_study(study_id)
        with self._lock:
            self._study_names.pop(study_id, None)
            self._study_directions.pop(study_id, None)

    def _set_study_attr(self, study_id: int, key: str, value: Any, system: bool) -> None:
        text = attr_to_json("study attribute", key, value)

        def work(conn: Connection) -> bool:
            if not self._sql.study_exists(conn, study_id):
                return False
            self._sql.upsert_study_attr(conn, study_id, key, text, system)
            return True

        if not self._write(work, "set a study attribute"):
            self._raise_unknown_study(study_id)

    def set_study_user_attr(self, study_id: int, key: str, value: Any) -> None:
        self._set_study_attr(study_id, key, value, system=False)

    def set_study_system_attr(self, study_id: int, key: str, value: Any) -> None:
        self._set_study_attr(study_id, key, value, system=True)

    def get_study_id_from_name(self, study_name: str) -> int:
        study_id = self._read(
            lambda c: self._sql.study_id_from_name(c, study_name), "look up a study"
        )
        if study_id is not None:
            return int(study_id)
        names, total = self._read(
            lambda c: self._sql.study_names(c, _MAX_LISTED_STUDIES), "list studies"
        )
        more = f" and {total - len(names)} more" if total > len(names) else ""
        raise UnknownStudyError(
            f"No study named {study_name!r} in this storage; existing studies: {names}{more}."
        )

    def get_study_name_from_id(self, study_id: int) -> str:
        with self._lock:
            name = self._study_names.get(study_id)
        if name is None:
            name = self._read(lambda c: self._sql.study_name(c, study_id), "read a study")
            if name is None:
                self._raise_unknown_study(study_id)
            with self._lock:
                self._study_names[study_id] = name
        return name

    def get_study_directions(self, study_id: int) -> list[StudyDirection]:
        with self._lock:
            dirs = self._study_directions.get(study_id)
        if dirs is None:
            names = self._read(
                lambda c: self._sql.study_directions(c, study_id), "read a study's directions"
            )
            if names is None:
                self._raise_unknown_study(study_id)
            dirs = [StudyDirection[n] for n in names]
            with self._lock:
                self._study_directions[study_id] = dirs
        return list(dirs)

    def _get_study_attrs(self, study_id: int, system: bool) -> dict[str, Any]:
        pairs = self._read(
            lambda c: self._sql.study_attrs(c, study_id, system), "read study attributes"
        )
        if pairs is None:
            self._raise_unknown_study(study_id)
        return {k: json.loads(v) for k, v in pairs}

    def get_study_user_attrs(self, study_id: int) -> dict[str, Any]:
        return self._get_study_attrs(study_id, system=False)

    def get_study_system_attrs(self, study_id: int) -> dict[str, Any]:
        return self._get_study_attrs(study_id, system=True)

    def get_all_studies(self) -> list[FrozenStudy]:
        records = self._read(self._sql.all_studies, "list studies", snapshot=True)
        return [
            FrozenStudy(
                study_name=r["study_name"],
                directions=[StudyDirection[d] for d in r["directions"]],
                user_attrs={k: json.loads(v) for k, v in r["user_attrs"]},
                system_attrs={k: json.loads(v) for k, v in r["system_attrs"]},
                study_id=r["study_id"],
                n_trials=r["n_trials"],
                datetime_start=r["datetime_start"],
            )
            for r in records
        ]

    # ------------------------------------------------------------------ trials: writes
    def create_new_trial(self, study_id: int, template_trial: FrozenTrial | None = None) -> int:
        sql = self._sql
        # The first heartbeat is written with the start, so a worker that dies before its
        # heartbeat thread runs still leaves a trial that fail_stale_trials can judge.
        beat = self.heartbeat_interval is not None
        if template_trial is None:
            state = TrialState.RUNNING
            start: datetime.datetime | None = datetime.datetime.now()
            complete = None
            children = None
        else:
            state = template_trial.state
            start, complete = template_trial.datetime_start, template_trial.datetime_complete
            children = sql.TrialChildren.of(template_trial)

        def work(conn: Connection) -> int | None:
            number = sql.allocate_number(conn, study_id)
            if number is None:
                return None
            trial_id = sql.insert_trial(conn, study_id, number, state.name, start, complete)
            if children is not None:
                children.insert(conn, trial_id)
            if beat and state == TrialState.RUNNING:
                sql.record_heartbeat(conn, trial_id)
            return trial_id

        trial_id = self._write(work, "create a trial")
        if trial_id is None:
            self._raise_unknown_study(study_id)
        return int(trial_id)

    def claim_waiting_trial(self, study_id: int) -> int | None:
        sql = self._sql
        while True:
            # Look before locking: most calls find nothing waiting, and a read does not take
            # SQLite's write lock.
            candidates = self._read(
                lambda c: self._sqlr.waiting_trial_ids(c, study_id), "find waiting trials"
            )
            if not candidates:
                self.get_study_name_from_id(study_id)  # Unknown study: raise, not None.
                return None
            now = datetime.datetime.now()

            def work(
                conn: Connection, ids: list[int] = candidates, now: datetime.datetime = now
            ) -> int | None:
                for trial_id in ids:
                    if sql.claim_trial(conn, trial_id, now):
                        if self.heartbeat_interval is not None:
                            sql.record_heartbeat(conn, trial_id)  # See create_new_trial.
                        return trial_id
                return None

            claimed = self._write(work, "claim a waiting trial")
            if claimed is not None:
                return int(claimed)

    def set_trial_param(
        self,
        trial_id: int,
        param_name: str,
        param_value_internal: float,
        distribution: BaseDistribution,
    ) -> None:
        self.set_trial_params(trial_id, {param_name: (param_value_internal, distribution)})

    def set_trial_params(
        self, trial_id: int, params: dict[str, tuple[float, BaseDistribution]]
    ) -> None:
        rows = self._sql.param_rows(params)

        def fallback(conn: Connection) -> None:
            self._sql.upsert_params(conn, trial_id, [dict(r) for r in rows])

        if len(rows) == 1:
            self._write_to_unfinished(trial_id, "param", rows[0], "set a parameter", fallback)
            return

        def work(conn: Connection) -> None:
            self._lock_unfinished(conn, trial_id)
            fallback(conn)

        self._write(work, "set trial parameters")

    def set_trial_state_values(
        self, trial_id: int, state: TrialState, values: Sequence[float] | None = None
    ) -> bool:
        sql = self._sql
        state = TrialState(state)
        value_rows = (
            None if values is None else self._sql.value_rows(list(enumerate(values)), "objective")
        )
        now = datetime.datetime.now()
        changes: dict[str, Any] = {"state": state.name}
        if state == TrialState.RUNNING:
            changes["datetime_start"] = now
        if state.is_finished():
            changes["datetime_complete"] = now
        from_states = ("WAITING",) if state == TrialState.RUNNING else _UNFINISHED

        def work(conn: Connection) -> tuple[bool, Any]:
            # The conditional UPDATE checks the state and locks the row in one statement;
            # only when it changes nothing do we look at why.
            if not sql.update_trial_state(conn, trial_id, from_states, changes):
                found = sql.lock_trial(conn, trial_id)
                if found is None:
                    self._raise_unknown_trial(trial_id)
                current, number = found
                if state == TrialState.RUNNING:
                    return False, None
                raise UpdateFinishedTrialError(
                    f"Trial {number} is already {current}; finished trials cannot change."
                )
            if value_rows is not None:
                sql.upsert_values(conn, trial_id, [dict(r) for r in value_rows])
            if state == TrialState.RUNNING and self.heartbeat_interval is not None:
                sql.record_heartbeat(conn, trial_id)  # See create_new_trial.
            # The final record never changes again: read it now, inside this transaction, so
            # the caller's next get_trial needs no database round trip.
            return True, self._sqlr.fetch_trial(conn, trial_id) if state.is_finished() else None

        changed, final = self._write(work, "set a trial's state")
        if final is not None:
            self._remember(final)
        return bool(changed)

    def set_trial_intermediate_value(
        self, trial_id: int, step: int, intermediate_value: float
    ) -> None:
        rows = self._sql.value_rows([(int(step), intermediate_value)], "step")

        def fallback(conn: Connection) -> None:
            self._sql.upsert_intermediate_values(conn, trial_id, [dict(r) for r in rows])

        self._write_to_unfinished(
            trial_id, "intermediate", rows[0], "report an intermediate value", fallback
        )

    def _set_trial_attr(self, trial_id: int, key: str, value: Any, system: bool) -> None:
        text = attr_to_json("trial attribute", key, value)

        def fallback(conn: Connection) -> None:
            self._sql.upsert_trial_attr(conn, trial_id, [(key, text)], system)

        kind = "system_attr" if system else "user_attr"
        row = {"key": key, "value_json": text}
        self._write_to_unfinished(trial_id, kind, row, "set a trial attribute", fallback)

    def set_trial_user_attr(self, trial_id: int, key: str, value: Any) -> None:
        self._set_trial_attr(trial_id, key, value, system=False)

    def set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> None:
        self._set_trial_attr(trial_id, key, value, system=True)

    # ------------------------------------------------------------------ trials: reads
    def _fetch_study_trials(
        self, study_id: int, after_id: int, also_ids: list[int]
    ) -> tuple[bool, list[Any], list[Any]]:
        return self._read(
            lambda c: self._sqlr.fetch_study_trials(c, study_id, after_id, also_ids),
            "read trials",
            snapshot=True,
        )

    def get_trial(self, trial_id: int) -> FrozenTrial:
        cached = self._cache.get_finished(trial_id)
        if cached is not None:
            return cached
        found = self._read(
            lambda c: self._sqlr.fetch_trial(c, trial_id), "read a trial", snapshot=True
        )
        if found is None:
            self._raise_unknown_trial(trial_id)
        return self._remember(found)

    def _remember(self, found: tuple[int, Any, list[Any]]) -> FrozenTrial:
        """Build a trial from ``_sql.fetch_trial``'s rows; keep it if it is finished."""
        from ridgeline.storages._rdb._cache import build_trials

        study_id, row, children = found
        trial = build_trials([row], children)[0]
        self._cache.add_finished(study_id, trial)
        return trial

    def get_all_trials(
        self,
        study_id: int,
        deepcopy: bool = True,
        states: Container[TrialState] | None = None,
    ) -> list[FrozenTrial]:
        return self._cache.get_all(study_id, states)

    def get_n_trials(
        self, study_id: int, state: TrialState | Sequence[TrialState] | None = None
    ) -> int:
        if isinstance(state, TrialState):
            state = (state,)
        names = None if state is None else [TrialState(s).name for s in state]
        count = self._read(lambda c: self._sqlr.count_trials(c, study_id, names), "count trials")
        if count is None:
            self._raise_unknown_study(study_id)
        return int(count)

    def get_trial_id_from_study_id_trial_number(self, study_id: int, trial_number: int) -> int:
        exists, trial_id = self._read(
            lambda c: self._sqlr.trial_id_from_number(c, study_id, trial_number), "find a trial"
        )
        if not exists:
            self._raise_unknown_study(study_id)
        if trial_id is None:
            raise KeyError(f"Study {study_id} has no trial number {trial_number}.")
        return int(trial_id)

    # ------------------------------------------------------------------ heartbeats
    def is_heartbeat_enabled(self) -> bool:
        return self.heartbeat_interval is not None

    def get_heartbeat_interval(self) -> float | None:
        return self.heartbeat_interval

    def record_heartbeat(self, trial_id: int) -> None:
        """Record that ``trial_id``'s worker is alive (ignored once the trial finished)."""
        from ridgeline.storages._rdb import _heartbeat

        if not _heartbeat.record_heartbeat(self._db, trial_id):
            self._raise_unknown_trial(trial_id)

    def fail_stale_trials(self, study_id: int) -> list[int]:
        """Mark FAIL each RUNNING trial whose heartbeat is older than the grace period.

        The trial's system attribute ``fail_reason`` says why. Each stale trial is failed by
        exactly one caller, however many workers call this at once.
        """
        if self.grace_period is None:
            return []
        from ridgeline.storages._rdb import _heartbeat

        return _heartbeat.fail_stale_trials(self._db, study_id, self.grace_period)

    # ------------------------------------------------------------------ sessions, schema
    def remove_session(self) -> None:
        """Nothing to release: each call borrows a pooled connection and returns it at once."""

    def upgrade(self) -> None:
        """Migrate the database's schema to this ridgeline's version (back it up first).

        Open the storage with ``skip_compatibility_check=True`` to call this on a database
        written by an older ridgeline.
        """
        from ridgeline.storages._rdb import _migrations

        _migrations.upgrade(self._db)
        self._cache.clear()

    def get_current_version(self) -> str:
        """The schema revision the database is at."""
        from ridgeline.storages._rdb import _migrations

        return _migrations.current_version(self._db)

    def get_head_version(self) -> str:
        """The newest schema revision this ridgeline knows."""
        from ridgeline.storages._rdb import _migrations

        return _migrations.head_version()

    def get_all_versions(self) -> list[str]:
        """Every schema revision this ridgeline knows, newest first."""
        from ridgeline.storages._rdb import _migrations

        return _migrations.all_versions()

    def _dispose(self) -> None:
        """Close pooled connections (tests use it before dropping a database)."""
        self._db.dispose()
