"""RDBStorage's schema: creation, alembic migrations, version checks."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ridgeline.exceptions import StorageError
from ridgeline.storages import RDBStorage
from ridgeline.storages._rdb import models
from ridgeline.study._study_direction import StudyDirection

ALEMBIC_INI = Path(models.__file__).parent / "alembic" / "alembic.ini"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def new_db(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], str]:
    """A factory of URLs of fresh, empty databases on one backend."""
    if request.param == "postgres":
        return request.getfixturevalue("postgres_db_factory")  # type: ignore[no-any-return]
    counter = iter(range(100))
    return lambda: f"sqlite:///{tmp_path / f'db{next(counter)}.sqlite'}"


def _schema(url: str) -> dict[str, Any]:
    """Everything about the tables that a migration must reproduce, comparable with ==."""
    import sqlalchemy

    engine = sqlalchemy.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            inspector = sqlalchemy.inspect(conn)
            out: dict[str, Any] = {}
            for table in sorted(inspector.get_table_names()):
                out[table] = {
                    "columns": [
                        (
                            c["name"],
                            str(c["type"].compile(dialect=conn.dialect)),
                            c["nullable"],
                            str(c.get("default")),
                            c.get("autoincrement"),
                        )
                        for c in inspector.get_columns(table)
                    ],
                    "pk": inspector.get_pk_constraint(table),
                    "fks": sorted(
                        (
                            f["name"],
                            tuple(f["constrained_columns"]),
                            f["referred_table"],
                            f.get("options", {}).get("ondelete"),
                        )
                        for f in inspector.get_foreign_keys(table)
                    ),
                    "indexes": sorted(
                        (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                        for i in inspector.get_indexes(table)
                    ),
                    "uniques": sorted(
                        (u["name"], tuple(u["column_names"]))
                        for u in inspector.get_unique_constraints(table)
                    ),
                }
            if conn.dialect.name == "sqlite":
                # AUTOINCREMENT (no reuse of deleted ids) is not visible to the inspector.
                rows = conn.exec_driver_sql(
                    "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL"
                )
                out["_autoincrement"] = sorted(n for n, sql in rows if "AUTOINCREMENT" in sql)
            return out
    finally:
        engine.dispose()


def _alembic(url: str, *args: str) -> None:
    from alembic import command

    from ridgeline.storages._rdb._migrations import alembic_config

    getattr(command, args[0])(alembic_config(url=url), *args[1:])


def test_versions() -> None:
    from ridgeline.storages._rdb import _migrations

    assert _migrations.head_version() == models.SCHEMA_VERSION
    assert _migrations.all_versions()[0] == models.SCHEMA_VERSION


def test_new_database_is_stamped_at_head(new_db: Callable[[], str]) -> None:
    storage = RDBStorage(new_db())
    assert storage.get_current_version() == storage.get_head_version() == models.SCHEMA_VERSION
    assert storage.get_all_versions() == ["0001"]


def test_alembic_upgrade_builds_the_same_schema_as_the_models(new_db: Callable[[], str]) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine

    created, migrated = new_db(), new_db()
    RDBStorage(created)._dispose()
    _alembic(migrated, "upgrade", "head")
    assert _schema(migrated) == _schema(created)
    assert _schema(created)["_autoincrement" if "sqlite" in created else "trials"]
    engine = create_engine(migrated)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), models.Base.metadata) == []
    engine.dispose()
    storage = RDBStorage(migrated)  # Opens without complaint and works.
    assert storage.get_current_version() == models.SCHEMA_VERSION
    storage.create_new_study([StudyDirection.MINIMIZE], "ok")


def test_alembic_command_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "alembic",
            "-c",
            str(ALEMBIC_INI),
            "-x",
            f"url={url}",
            "upgrade",
            "head",
        ],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    assert RDBStorage(url).get_current_version() == models.SCHEMA_VERSION


def test_upgrade_from_base(new_db: Callable[[], str]) -> None:
    url = new_db()
    storage = RDBStorage(url)
    storage.create_new_study([StudyDirection.MINIMIZE], "before")
    storage._dispose()
    _alembic(url, "downgrade", "base")
    assert set(_schema(url)) - {"_autoincrement"} <= {"alembic_version"}
    storage.upgrade()
    assert storage.get_current_version() == models.SCHEMA_VERSION
    assert storage.get_all_studies() == []
    storage.create_new_study([StudyDirection.MINIMIZE], "after")


def test_older_schema_is_refused_with_the_upgrade_hint(
    new_db: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = new_db()
    RDBStorage(url)._dispose()
    # Pretend this ridgeline's schema moved on to a revision "0002".
    monkeypatch.setattr(models, "SCHEMA_VERSION", "0002")
    with pytest.raises(
        StorageError,
        match=r"schema version '0001', older than '0002'.*"
        r"skip_compatibility_check=True\)\.upgrade\(\)",
    ):
        RDBStorage(url)
    storage = RDBStorage(url, skip_compatibility_check=True)
    assert storage.get_current_version() == "0001"


def test_unknown_schema_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    url = f"sqlite:///{path}"
    RDBStorage(url)._dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'f00d'")
    with pytest.raises(StorageError, match=r"'f00d', which this ridgeline.*does not know"):
        RDBStorage(url)


def test_foreign_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE studies (id INTEGER PRIMARY KEY)")
    with pytest.raises(StorageError, match=r"no schema version.*not created by ridgeline"):
        RDBStorage(f"sqlite:///{path}")


def test_many_workers_create_one_schema_at_once(new_db: Callable[[], str]) -> None:
    url = new_db()
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def open_storage() -> None:
        try:
            barrier.wait()
            RDBStorage(url)._dispose()
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=open_storage) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert RDBStorage(url).get_current_version() == models.SCHEMA_VERSION
