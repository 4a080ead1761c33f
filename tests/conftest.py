"""Shared fixtures.

PostgreSQL: ``postgres_url`` (session) is a server for the whole run: the one named by the
environment variable ``RIDGELINE_TEST_POSTGRES_URL``, or else a throw-away cluster that this
file creates with ``initdb`` and starts on a free local port (run as the ``postgres`` OS user
when the tests run as root, since PostgreSQL refuses to run as root). ``postgres_db_url``
(function) is a fresh, empty database on that server for one test, dropped afterwards (about
0.4 s each: for tests of schema creation). ``postgres_storage_url`` (function) is quicker: one
database shared by the session whose tables are emptied before each test.

Without PostgreSQL binaries the postgres tests are skipped locally and fail in CI (``CI=true``).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shlex
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator

import pytest

_PG_USER = "postgres"


def _find_pg_bindir() -> str | None:
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return os.path.dirname(os.path.realpath(on_path))
    for bindir in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(os.path.join(bindir, "initdb")):
            return bindir
    return None


def _has_user(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _LocalPostgres:
    """A PostgreSQL cluster in a temporary folder, tuned for tests (no fsync)."""

    def __init__(self, bindir: str) -> None:
        self.bindir = bindir
        self.root = tempfile.mkdtemp(prefix="ridgeline-pg-")
        self.data = os.path.join(self.root, "data")
        self.port = _free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            import pwd

            entry = pwd.getpwnam(_PG_USER)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)

    def _run(self, *args: str) -> None:
        cmd = [os.path.join(self.bindir, args[0]), *args[1:]]
        if self.as_root:  # PostgreSQL refuses to run as root.
            if shutil.which("runuser"):
                cmd = ["runuser", "-u", _PG_USER, "--", *cmd]
            else:
                cmd = ["su", _PG_USER, "-s", "/bin/sh", "-c", shlex.join(cmd)]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            log = os.path.join(self.root, "server.log")
            tail = ""
            if os.path.exists(log):
                with open(log) as f:
                    tail = f.read()[-2000:]
            raise RuntimeError(
                f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}\n{tail}"
            )

    def start(self) -> None:
        self._run("initdb", "-D", self.data, "-U", _PG_USER, "-A", "trust", "-E", "UTF8",
                  "--no-sync", "--no-instructions")  # fmt: skip
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        log = os.path.join(self.root, "server.log")
        self._run("pg_ctl", "-D", self.data, "-o", options, "-l", log, "-w", "start")

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self._run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://{_PG_USER}@127.0.0.1:{self.port}/postgres"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The URL of a PostgreSQL server's maintenance database, for the whole test session."""
    given = os.environ.get("RIDGELINE_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    bindir = _find_pg_bindir()
    reason = None
    if bindir is None:
        reason = (
            "PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or in "
            "/usr/lib/postgresql/*/bin, and RIDGELINE_TEST_POSTGRES_URL is not set."
        )
    elif os.geteuid() == 0 and not _has_user(_PG_USER):
        reason = (
            f"Tests run as root and there is no {_PG_USER!r} OS user to run PostgreSQL as; "
            "create one or set RIDGELINE_TEST_POSTGRES_URL."
        )
    if reason is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason} CI must run the PostgreSQL tests.")
        pytest.skip(reason)
    assert bindir is not None
    server = _LocalPostgres(bindir)
    try:
        server.start()
        yield server.url
    finally:
        server.stop()


def _admin(url: str, *statements: str) -> list[tuple[object, ...]]:
    """Run statements in autocommit mode; return the rows of the last one."""
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    rows: list[tuple[object, ...]] = []
    with psycopg.connect(
        host=parsed.host,
        port=parsed.port,
        user=parsed.username,
        password=parsed.password,
        dbname=parsed.database,
        autocommit=True,
    ) as conn:
        for sql in statements:
            cursor = conn.execute(sql)  # type: ignore[call-overload]
            rows = cursor.fetchall() if cursor.description else []
    return rows


@contextlib.contextmanager
def _new_database(server_url: str) -> Iterator[str]:
    from sqlalchemy.engine import make_url

    name = f"rl_{uuid.uuid4().hex[:16]}"
    _admin(server_url, f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        # FORCE disconnects pooled connections that tests left open.
        for attempt in range(3):
            try:
                _admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                break
            except Exception:
                if attempt == 2:
                    raise
                time.sleep(0.2)


@pytest.fixture
def postgres_db_factory(postgres_url: str) -> Iterator[Callable[[], str]]:
    """Call it for the URL of a fresh, empty PostgreSQL database; all dropped afterwards."""
    with contextlib.ExitStack() as stack:
        yield lambda: stack.enter_context(_new_database(postgres_url))


@pytest.fixture
def postgres_db_url(postgres_db_factory: Callable[[], str]) -> str:
    """A fresh, empty PostgreSQL database for one test (dropped afterwards)."""
    return postgres_db_factory()


@pytest.fixture(scope="session")
def _postgres_shared_db(postgres_url: str) -> Iterator[str]:
    with _new_database(postgres_url) as url:
        yield url


@pytest.fixture
def postgres_storage_url(_postgres_shared_db: str) -> str:
    """A PostgreSQL database with every table emptied (schema and its version stamp kept)."""
    tables = _admin(
        _postgres_shared_db,
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
        "AND tablename <> 'alembic_version'",
    )
    if tables:
        names = ", ".join(f'"{t[0]}"' for t in tables)
        # Ids keep growing across tests (no RESTART IDENTITY), as they would in production.
        _admin(_postgres_shared_db, f"TRUNCATE {names} CASCADE")
    return _postgres_shared_db
