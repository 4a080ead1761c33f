"""A throw-away PostgreSQL server for tests and benchmarks.

``LocalPostgres`` creates a cluster with ``initdb`` in a temporary folder and starts it on a
free local port (as the ``postgres`` OS user when running as root, since PostgreSQL refuses to
run as root). ``new_database`` gives a fresh database on a server and drops it afterwards.
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
from collections.abc import Iterator

PG_USER = "postgres"


def find_pg_bindir() -> str | None:
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return os.path.dirname(os.path.realpath(on_path))
    for bindir in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(os.path.join(bindir, "initdb")):
            return bindir
    return None


def has_user(name: str) -> bool:
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


class LocalPostgres:
    """A PostgreSQL cluster in a temporary folder, tuned for tests (no fsync)."""

    def __init__(self, bindir: str) -> None:
        self.bindir = bindir
        self.root = tempfile.mkdtemp(prefix="ridgeline-pg-")
        self.data = os.path.join(self.root, "data")
        self.port = _free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            import pwd

            entry = pwd.getpwnam(PG_USER)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)

    def _run(self, *args: str) -> None:
        cmd = [os.path.join(self.bindir, args[0]), *args[1:]]
        if self.as_root:  # PostgreSQL refuses to run as root.
            if shutil.which("runuser"):
                cmd = ["runuser", "-u", PG_USER, "--", *cmd]
            else:
                cmd = ["su", PG_USER, "-s", "/bin/sh", "-c", shlex.join(cmd)]
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
        self._run("initdb", "-D", self.data, "-U", PG_USER, "-A", "trust", "-E", "UTF8",
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
        return f"postgresql+psycopg://{PG_USER}@127.0.0.1:{self.port}/postgres"


def admin(url: str, *statements: str) -> list[tuple[object, ...]]:
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
def new_database(server_url: str) -> Iterator[str]:
    from sqlalchemy.engine import make_url

    name = f"rl_{uuid.uuid4().hex[:16]}"
    admin(server_url, f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        # FORCE disconnects pooled connections that tests left open.
        for attempt in range(3):
            try:
                admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                break
            except Exception:
                if attempt == 2:
                    raise
                time.sleep(0.2)
