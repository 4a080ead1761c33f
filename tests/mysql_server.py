"""A throw-away MySQL-compatible server (Debian's MariaDB) for tests.

``LocalMySQL`` initialises a data folder with ``mariadb-install-db`` and starts ``mariadbd``
on a free local port, as the ``mysql`` OS user when running as root.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator

MYSQL_USER = "mysql"


def find_mysql_binaries() -> tuple[str, str] | None:
    """``(install_db, server)`` paths, or None when MariaDB/MySQL is not installed."""
    install = shutil.which("mariadb-install-db") or shutil.which("mysql_install_db")
    server = (
        shutil.which("mariadbd")
        or shutil.which("mysqld")
        or next((p for p in ("/usr/sbin/mariadbd", "/usr/sbin/mysqld") if os.path.exists(p)), None)
    )
    return (install, server) if install and server else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LocalMySQL:
    """A MariaDB server in a temporary folder, tuned for tests (no durable flushes)."""

    def __init__(self, install_db: str, server: str) -> None:
        self.install_db = install_db
        self.server = server
        self.root = tempfile.mkdtemp(prefix="ridgeline-mysql-")
        self.data = os.path.join(self.root, "data")
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.as_root = os.geteuid() == 0
        self.user = MYSQL_USER if self.as_root else None
        if self.as_root:
            import pwd

            entry = pwd.getpwnam(MYSQL_USER)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)

    def start(self) -> None:
        user = [f"--user={self.user}"] if self.user else []
        done = subprocess.run(
            [self.install_db, "--no-defaults", f"--datadir={self.data}", *user,
             "--auth-root-authentication-method=normal", "--skip-test-db"],
            capture_output=True, text=True, timeout=180,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"mariadb-install-db failed:\n{done.stdout}\n{done.stderr}")
        log = os.path.join(self.root, "server.log")
        self.process = subprocess.Popen(
            [self.server, "--no-defaults", f"--datadir={self.data}", *user,
             f"--socket={os.path.join(self.root, 'sock')}", f"--port={self.port}",
             "--bind-address=127.0.0.1", "--skip-name-resolve", f"--log-error={log}",
             f"--pid-file={os.path.join(self.root, 'pid')}",
             "--innodb-flush-log-at-trx-commit=0", "--skip-log-bin", "--max-connections=300"],
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"mariadbd exited early; see {log}")
            try:
                admin(self.url, "SELECT 1")
                return
            except Exception:
                time.sleep(0.2)
        raise RuntimeError(f"mariadbd did not accept connections within 60 s; see {log}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.root, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"mysql+pymysql://root@127.0.0.1:{self.port}/mysql"


def admin(url: str, *statements: str) -> list[tuple[object, ...]]:
    """Run statements with autocommit; return the rows of the last one."""
    import pymysql
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    conn = pymysql.connect(
        host=parsed.host,
        port=parsed.port or 3306,
        user=parsed.username,
        password=parsed.password or "",
        database=parsed.database,
        autocommit=True,
    )
    rows: list[tuple[object, ...]] = []
    try:
        with conn.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                rows = list(cursor.fetchall())
    finally:
        conn.close()
    return rows


@contextlib.contextmanager
def new_database(server_url: str) -> Iterator[str]:
    """A fresh database on the server, dropped afterwards."""
    from sqlalchemy.engine import make_url

    name = f"rl_{uuid.uuid4().hex[:16]}"
    admin(server_url, f"CREATE DATABASE `{name}`")
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        admin(server_url, f"DROP DATABASE IF EXISTS `{name}`")
