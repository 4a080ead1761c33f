"""Schema creation, version checks and alembic migrations of RDBStorage.

A new database gets every table from the models plus an alembic stamp of the head revision
(one quick transaction); ``tests/storages`` checks that ``alembic upgrade head`` on an empty
database builds the identical schema. An existing database must be at the revision this code
expects, or the storage refuses to open it and says how to upgrade.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from ridgeline.exceptions import StorageError

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Connection

    from ridgeline.storages._rdb._engine import Database

__all__ = ["all_versions", "check_or_create_schema", "current_version", "head_version", "upgrade"]

_SCRIPT_LOCATION = os.path.join(os.path.dirname(os.path.abspath(__file__)), "alembic")
_VERSION_TABLE = "alembic_version"
# Any constant works: it only has to be the same in every process that creates the schema.
_PG_INIT_LOCK_KEY = 0x52494447  # "RIDG"


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    """An alembic Config for our migration scripts, bound to ``connection`` if given."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", _SCRIPT_LOCATION)
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _script() -> Any:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def head_version() -> str:
    head = _script().get_current_head()
    if head is None:
        raise StorageError(f"ridgeline's migration scripts in {_SCRIPT_LOCATION} have no head.")
    return str(head)


def all_versions() -> list[str]:
    """Every revision, newest first."""
    return [s.revision for s in _script().walk_revisions()]


def _read_version(conn: Connection) -> tuple[bool, str | None]:
    """(whether our tables exist, the stamped revision or None)."""
    from sqlalchemy import inspect, text

    inspector = inspect(conn)
    has_studies = inspector.has_table("studies")
    if not inspector.has_table(_VERSION_TABLE):
        return has_studies, None
    version = conn.execute(text(f"SELECT version_num FROM {_VERSION_TABLE}")).scalar()
    return has_studies, version


def current_version(db: Database) -> str:
    _, version = db.run(_read_version, write=False, what="read the schema version")
    if version is None:
        raise StorageError(
            f"The database at {db.masked_url!r} has no ridgeline schema version; it was not "
            "created by RDBStorage."
        )
    return version


def check_or_create_schema(db: Database, expected: str, *, skip_check: bool) -> None:
    """Create the schema in an empty database; otherwise check its version.

    Raises:
        StorageError: If the database holds an older or unknown schema version (unless
            ``skip_check``), or tables without a version stamp.
    """
    has_tables, version = db.run(_read_version, write=False, what="open the database")
    if not has_tables and version is None:
        version = db.run(_create_schema, write=True, what="create the ridgeline tables")
    if version is None:
        raise StorageError(
            f"The database at {db.masked_url!r} has a `studies` table but no schema version "
            f"({_VERSION_TABLE} table); it was not created by ridgeline. Use another database."
        )
    if version != expected and not skip_check:
        raise StorageError(_version_message(db.masked_url, version, expected))


def _version_message(masked_url: str, version: str, expected: str) -> str:
    try:
        known = version in all_versions()
    except Exception:  # pragma: no cover - a broken install; keep the main message.
        known = False
    if known:
        return (
            f"The database at {masked_url!r} has schema version {version!r}, older than "
            f"{expected!r} that this ridgeline needs. Back it up, then upgrade it with "
            f"`RDBStorage({masked_url!r}, skip_compatibility_check=True).upgrade()`."
        )
    return (
        f"The database at {masked_url!r} has schema version {version!r}, which this "
        f"ridgeline (schema {expected!r}) does not know: it was written by a newer ridgeline "
        "or another tool. Upgrade ridgeline, or use another database. To open it anyway, pass "
        "`skip_compatibility_check=True` (at your own risk), and if it is an older ridgeline "
        f"schema call `RDBStorage({masked_url!r}, skip_compatibility_check=True).upgrade()`."
    )


def _create_schema(conn: Connection) -> str | None:
    from alembic import command

    from ridgeline.storages._rdb.models import Base

    if conn.dialect.name == "postgresql":
        # Several processes may open a new database at once; one creates, the others wait
        # (SQLite's BEGIN IMMEDIATE already serialises them).
        from sqlalchemy import text

        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_INIT_LOCK_KEY})
    has_tables, version = _read_version(conn)
    if has_tables or version is not None:
        return version  # Someone else created it while we waited for the lock.
    Base.metadata.create_all(conn)
    command.stamp(alembic_config(conn), "head")
    _, version = _read_version(conn)
    return version


def upgrade(db: Database) -> None:
    """Run every migration between the database's revision and head."""

    def work(conn: Connection) -> None:
        from alembic import command

        command.upgrade(alembic_config(conn), "head")

    db.run(work, write=True, what="upgrade the schema")
