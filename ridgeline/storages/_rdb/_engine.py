"""Connection handling of RDBStorage: URLs, drivers, SQLite setup, transactions and retries.

Every database call of :class:`~ridgeline.storages.RDBStorage` goes through
:meth:`Database.run`, which opens one short transaction, retries it when the database says
"try again" (a SQLite lock, a PostgreSQL serialization failure or deadlock), and turns every
other SQLAlchemy or driver error into a :class:`~ridgeline.exceptions.StorageError` whose message
never shows the URL's password.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import random
import threading
import time
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from ridgeline.exceptions import RidgelineError, StorageError
from ridgeline.storages._url import mask_password

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

__all__ = ["Database", "MissingDriverError", "normalize_url"]

T = TypeVar("T")

# Execution option that makes the SQLite "begin" hook take the write lock up front.
_WRITE_OPTION = "ridgeline_write"
# Execution option that makes the SQLite "begin" hook emit nothing: each statement then commits
# on its own (the driver's isolation_level is None).
_AUTOCOMMIT_OPTION = "ridgeline_autocommit"

# SQLite waits this long inside the driver for a lock before reporting "database is locked".
# Our own retries (jittered exponential backoff) come on top, for up to _RETRY_DEADLINE_S in
# all, so a busy database slows writers down but fails them only if it stays locked that long.
_SQLITE_BUSY_TIMEOUT_S = 10.0
_RETRY_DEADLINE_S = 60.0
_BACKOFF_BASE_S = 0.002
_BACKOFF_CAP_S = 0.25

# Error codes after which re-running the whole transaction is safe and likely to succeed.
_PG_RETRY_SQLSTATES = {"40001", "40P01", "55P03"}  # serialization, deadlock, lock unavailable
_MYSQL_RETRY_CODES = {1205, 1213}  # lock wait timeout, deadlock

_DRIVER_MODULES = {
    "psycopg": ("psycopg", "postgres"),
    "psycopg2": ("psycopg2", "postgres"),
    "pg8000": ("pg8000", "postgres"),
    "asyncpg": ("asyncpg", "postgres"),
    "pymysql": ("pymysql", "mysql"),
    "mysqldb": ("MySQLdb", "mysql"),
    "mysqlconnector": ("mysql.connector", "mysql"),
}


class MissingDriverError(RidgelineError, ImportError):
    """The database driver a storage URL needs is not installed."""


def normalize_url(url: str) -> str:
    """Pick our default drivers: psycopg (v3) for PostgreSQL, PyMySQL for MySQL.

    ``postgresql://`` and ``postgres://`` become ``postgresql+psycopg://``; ``mysql://`` becomes
    ``mysql+pymysql://``. URLs naming a driver are left as they are.
    """
    scheme, sep, rest = url.partition("://")
    base, _, driver = scheme.partition("+")
    lower = base.lower()
    if lower in ("postgresql", "postgres"):
        return f"postgresql+{driver or 'psycopg'}{sep}{rest}"
    if lower in ("mysql", "mariadb") and not driver:
        return f"{lower}+pymysql{sep}{rest}"
    return url


def _check_driver(drivername: str) -> None:
    _, _, driver = drivername.partition("+")
    module, extra = _DRIVER_MODULES.get(driver, (None, None))
    if module is not None and importlib.util.find_spec(module.split(".")[0]) is None:
        raise MissingDriverError(_driver_hint(drivername, module, extra))


def _driver_hint(drivername: str, module: str, extra: str | None) -> str:
    fix = f"pip install 'ridgeline[{extra}]'" if extra else f"pip install {module}"
    return (
        f"RDBStorage needs the `{module}` driver for {drivername!r} URLs, and it is not "
        f"installed. Install it with: {fix}"
    )


def _sqlite_database_path(database: str | None, query: dict[str, Any]) -> str | None:
    """The file a SQLite URL points at, or None for an in-memory database."""
    if not database or database == ":memory:" or query.get("mode") == "memory":
        return None
    if database.startswith("file:"):
        return None  # A URI filename: SQLite resolves it; leave it alone.
    return database


class Database:
    """An engine plus the transaction runner. Picklable: the engine is re-created on load.

    Args:
        url: A SQLAlchemy URL (after :func:`normalize_url`).
        engine_kwargs: Extra keyword arguments for ``sqlalchemy.create_engine``.
    """

    def __init__(self, url: str, engine_kwargs: dict[str, Any] | None = None) -> None:
        self.url = url
        self.masked_url = mask_password(url)
        self.engine_kwargs = dict(engine_kwargs or {})
        self._connect()

    def __getstate__(self) -> dict[str, Any]:
        return {"url": self.url, "engine_kwargs": self.engine_kwargs}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["url"], state["engine_kwargs"])  # type: ignore[misc]

    # ------------------------------------------------------------------ engine
    def _connect(self) -> None:
        import sqlalchemy
        from sqlalchemy import event
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            parsed = make_url(self.url)
        except ArgumentError as e:
            raise StorageError(
                f"`url` of RDBStorage must be a SQLAlchemy database URL such as "
                f"'sqlite:///study.db' or 'postgresql://user:pass@host/db'; got "
                f"{self.masked_url!r}."
            ) from e
        self.dialect = parsed.get_backend_name()
        _check_driver(parsed.drivername)
        kwargs = dict(self.engine_kwargs)
        # A whole-process lock for in-memory SQLite: its one shared connection cannot run two
        # transactions at once, so threads take turns.
        self._memory_lock: threading.RLock | None = None
        if self.dialect == "sqlite":
            path = _sqlite_database_path(parsed.database, dict(parsed.query))
            connect_args = {"timeout": _SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False}
            connect_args.update(kwargs.pop("connect_args", {}))
            kwargs["connect_args"] = connect_args
            if path is None:
                kwargs.setdefault("poolclass", sqlalchemy.pool.StaticPool)
                self._memory_lock = threading.RLock()
            else:
                parent = os.path.dirname(os.path.abspath(path))
                try:
                    os.makedirs(parent, exist_ok=True)
                except OSError as e:
                    raise StorageError(
                        f"RDBStorage could not create the folder {parent!r} for the SQLite file "
                        f"of {self.masked_url!r}: {e.strerror}. Use a path in a writable folder."
                    ) from e
        try:
            engine = sqlalchemy.create_engine(parsed, **kwargs)
        except ModuleNotFoundError as e:
            raise MissingDriverError(
                _driver_hint(parsed.drivername, e.name or "driver", None)
            ) from e
        except (ArgumentError, TypeError) as e:
            raise StorageError(
                f"RDBStorage could not create an engine for {self.masked_url!r}: "
                f"{mask_password(str(e))}. Check the URL and `engine_kwargs`."
            ) from e
        if self.dialect == "sqlite":
            event.listen(engine, "connect", _sqlite_on_connect)
            event.listen(engine, "begin", _sqlite_on_begin)
        self.engine: Engine = engine
        # Close pooled connections when the storage is garbage-collected, instead of leaving
        # them to the driver's destructor (which warns, and may leave server sessions open).
        self._finalizer = weakref.finalize(self, engine.dispose)

    def dispose(self) -> None:
        """Close pooled connections (the engine opens new ones if used again)."""
        self.engine.dispose()

    # ------------------------------------------------------------------ transactions
    def run(
        self,
        fn: Callable[[Connection], T],
        *,
        write: bool,
        what: str,
        snapshot: bool = False,
        single_statement: bool = False,
        pass_integrity_errors: bool = False,
    ) -> T:
        """Run ``fn(connection)`` inside one transaction and commit it.

        Args:
            fn: The work. It may run more than once (after a retryable error), so it must not
                change Python state outside its return value.
            write: Take the write lock at BEGIN on SQLite (so the transaction never has to
                upgrade a read lock, which SQLite cannot do under contention).
            what: What the call does, for error messages ("create a trial").
            snapshot: Read everything from one snapshot (REPEATABLE READ on PostgreSQL; a
                SQLite transaction always is one).
            single_statement: ``fn`` runs one statement that is atomic by itself (or, when it
                runs more, only reads after it): run it in autocommit mode, which saves the
                BEGIN and COMMIT round trips.
            pass_integrity_errors: Let ``IntegrityError`` through untranslated, for callers that
                turn a constraint violation into a specific error.

        Raises:
            StorageError: For a database error that retrying did not cure.
        """
        from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

        attempt = 0
        deadline = time.monotonic() + _RETRY_DEADLINE_S
        while True:
            attempt += 1
            committing = False
            try:
                with self._memory_lock or contextlib.nullcontext(), self.engine.connect() as conn:
                    if single_statement and self.dialect == "sqlite":
                        conn.execution_options(**{_AUTOCOMMIT_OPTION: True})
                    elif single_statement and self.dialect != "sqlite":
                        conn.execution_options(isolation_level="AUTOCOMMIT")
                    elif write:
                        conn.execution_options(**{_WRITE_OPTION: True})
                    elif snapshot and self.dialect == "postgresql":
                        conn.execution_options(isolation_level="REPEATABLE READ")
                    with conn.begin():
                        result = fn(conn)
                        committing = True
                    return result
            except IntegrityError as e:
                if pass_integrity_errors:
                    raise
                raise self._translate(e, what, 0) from e
            except SQLAlchemyError as e:
                # A dropped pooled connection is worth one fresh try, unless the commit was
                # under way: then we cannot know whether it happened, and must not redo it.
                reconnect = (
                    isinstance(e, DBAPIError)
                    and e.connection_invalidated
                    and not committing
                    and attempt == 1
                )
                retry = self._is_retryable(e) or reconnect
                if retry and time.monotonic() < deadline:
                    # Full jitter: workers that collided do not collide again in lockstep.
                    ceiling = min(_BACKOFF_CAP_S, _BACKOFF_BASE_S * 2 ** min(attempt, 16))
                    time.sleep(random.uniform(0.0, ceiling))
                    continue
                raise self._translate(e, what, attempt if retry and not reconnect else 0) from e

    def _is_retryable(self, e: Exception) -> bool:
        orig = getattr(e, "orig", None)
        if orig is None:
            return False
        if self.dialect == "sqlite":
            message = str(orig).lower()
            return "locked" in message or "busy" in message
        if self.dialect == "postgresql":
            return getattr(orig, "sqlstate", None) in _PG_RETRY_SQLSTATES
        if self.dialect in ("mysql", "mariadb"):
            args: tuple[Any, ...] = tuple(getattr(orig, "args", ()))
            return bool(args) and args[0] in _MYSQL_RETRY_CODES
        return False

    def _translate(self, e: Exception, what: str, attempt: int) -> StorageError:
        detail = mask_password(str(getattr(e, "orig", None) or e)).strip()
        if not detail.endswith((".", "?", "!")):
            detail += "."
        hint = ""
        if attempt:
            hint = (
                f" Gave up after {attempt} attempts in {_RETRY_DEADLINE_S:g} s; the database "
                "stayed busy (locked by another connection that did not let go). With SQLite, "
                "check for a process holding a long transaction on the file; for many "
                "concurrent workers, PostgreSQL scales further."
            )
        return StorageError(f"RDBStorage could not {what} on {self.masked_url!r}: {detail}{hint}")


def _sqlite_on_connect(dbapi_connection: Any, connection_record: Any) -> None:
    # Take transaction control away from the sqlite3 module (which would not BEGIN before a
    # SELECT, and never BEGIN IMMEDIATE); the "begin" hook below emits BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        # WAL lets readers run while one process writes; it is a property of the file, so only
        # switch when needed (switching needs a lock that concurrent starters compete for).
        mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
        if mode.lower() not in ("wal", "memory"):
            cursor.execute("PRAGMA journal_mode=WAL")
        # NORMAL is durable against application crashes in WAL mode and avoids an fsync per
        # commit; only a power loss may drop the last transactions.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _sqlite_on_begin(conn: Connection) -> None:
    options = conn.get_execution_options()
    if options.get(_AUTOCOMMIT_OPTION):
        return
    if options.get(_WRITE_OPTION):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")
