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
import os
from collections.abc import Callable, Iterator

import pytest
from mysql_server import LocalMySQL, find_mysql_binaries
from mysql_server import admin as mysql_admin
from mysql_server import new_database as new_mysql_database
from postgres_server import PG_USER, LocalPostgres, admin, find_pg_bindir, has_user, new_database

import ridgeline


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The URL of a PostgreSQL server's maintenance database, for the whole test session."""
    given = os.environ.get("RIDGELINE_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    bindir = find_pg_bindir()
    reason = None
    if bindir is None:
        reason = (
            "PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or in "
            "/usr/lib/postgresql/*/bin, and RIDGELINE_TEST_POSTGRES_URL is not set."
        )
    elif os.geteuid() == 0 and not has_user(PG_USER):
        reason = (
            f"Tests run as root and there is no {PG_USER!r} OS user to run PostgreSQL as; "
            "create one or set RIDGELINE_TEST_POSTGRES_URL."
        )
    if reason is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason} CI must run the PostgreSQL tests.")
        pytest.skip(reason)
    assert bindir is not None
    server = LocalPostgres(bindir)
    try:
        server.start()
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def postgres_db_factory(postgres_url: str) -> Iterator[Callable[[], str]]:
    """Call it for the URL of a fresh, empty PostgreSQL database; all dropped afterwards."""
    with contextlib.ExitStack() as stack:
        yield lambda: stack.enter_context(new_database(postgres_url))


@pytest.fixture
def postgres_db_url(postgres_db_factory: Callable[[], str]) -> str:
    """A fresh, empty PostgreSQL database for one test (dropped afterwards)."""
    return postgres_db_factory()


@pytest.fixture(scope="session")
def _postgres_shared_db(postgres_url: str) -> Iterator[str]:
    with new_database(postgres_url) as url:
        yield url


@pytest.fixture
def postgres_storage_url(_postgres_shared_db: str) -> str:
    """A PostgreSQL database with every table emptied (schema and its version stamp kept)."""
    tables = admin(
        _postgres_shared_db,
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
        "AND tablename <> 'alembic_version'",
    )
    if tables:
        names = ", ".join(f'"{t[0]}"' for t in tables)
        # Ids keep growing across tests (no RESTART IDENTITY), as they would in production.
        admin(_postgres_shared_db, f"TRUNCATE {names} CASCADE")
    return _postgres_shared_db


@pytest.fixture(scope="session")
def mysql_url() -> Iterator[str]:
    """The URL of a MySQL-compatible server (MariaDB) for the whole test session: the one
    named by ``RIDGELINE_TEST_MYSQL_URL``, or a throw-away server started here."""
    given = os.environ.get("RIDGELINE_TEST_MYSQL_URL")
    if given:
        yield given
        return
    binaries = find_mysql_binaries()
    if binaries is None:
        reason = (
            "MariaDB/MySQL server binaries (mariadb-install-db, mariadbd) not found and "
            "RIDGELINE_TEST_MYSQL_URL is not set."
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason} CI must run the MySQL tests.")
        pytest.skip(reason)
    server = LocalMySQL(*binaries)
    try:
        server.start()
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def _mysql_shared_db(mysql_url: str) -> Iterator[str]:
    with new_mysql_database(mysql_url) as url:
        yield url


@pytest.fixture
def mysql_storage_url(_mysql_shared_db: str) -> str:
    """A MySQL database with every table emptied (schema and its version stamp kept)."""
    tables = mysql_admin(
        _mysql_shared_db,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() "
        "AND table_name <> 'alembic_version'",
    )
    if tables:
        statements = ["SET FOREIGN_KEY_CHECKS = 0"]
        statements += [f"DELETE FROM `{t[0]}`" for t in tables]
        statements.append("SET FOREIGN_KEY_CHECKS = 1")
        mysql_admin(_mysql_shared_db, *statements)
    return _mysql_shared_db


# ---------------------------------------------------------------------------- analysis studies
# Small real studies for tests/analysis. They live here, not in a tests/analysis/conftest.py:
# with --doctest-modules, a conftest.py in a folder that sorts before this file is imported
# first under the same module name, and pytest refuses this one ("import file mismatch").
def mixed_objective(trial: ridgeline.Trial) -> float:
    x = trial.suggest_float("x", -5.0, 5.0)
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    kind = trial.suggest_categorical("kind", ["a", "b", "c"])
    value = x**2 + {"a": 0.0, "b": 5.0, "c": 10.0}[kind] + 0.01 * lr
    if kind == "c":
        value += trial.suggest_int("depth", 1, 8)  # conditional
    return value


@pytest.fixture(scope="module")
def mixed_study() -> ridgeline.Study:
    study = ridgeline.create_study(sampler=ridgeline.samplers.RandomSampler(seed=0))
    study.optimize(mixed_objective, n_trials=60)
    return study
