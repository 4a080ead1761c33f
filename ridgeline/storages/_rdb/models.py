"""The relational schema of :class:`~ridgeline.storages.RDBStorage` (SQLAlchemy 2 declarative).

This module imports SQLAlchemy, so only the storage's constructor imports it (lazily); importing
``ridgeline`` stays free of SQLAlchemy.

Design notes:

* States and directions are stored by name (``"COMPLETE"``, ``"MINIMIZE"``): readable by people
  and other tools, and no database enum types that migrations would have to alter.
* Float values that may be infinite or NaN (objective values, intermediate values) are stored as
  a ``value`` plus a ``value_type`` (see :class:`FloatKind`), because SQLite turns NaN into NULL
  and MySQL has no infinities.
* ``studies.next_trial_number`` is the per-study trial counter. Incrementing it takes the study
  row's write lock, which serialises trial creation per study on every backend, so numbers are
  0..N-1 without gaps or duplicates, and trial ids of one study grow in commit order (the read
  cache relies on that).
* ``sqlite_autoincrement`` keeps SQLite from reusing the ids of deleted studies and trials, which
  per-process caches keyed by id would otherwise confuse with the old rows.
"""

from __future__ import annotations

import datetime
import enum
import math

from sqlalchemy import DateTime as _DateTime
from sqlalchemy import (
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "SCHEMA_VERSION",
    "Base",
    "FloatKind",
    "IntermediateValueModel",
    "StudyDirectionModel",
    "StudyModel",
    "StudySystemAttributeModel",
    "StudyUserAttributeModel",
    "TrialHeartbeatModel",
    "TrialModel",
    "TrialParamModel",
    "TrialSystemAttributeModel",
    "TrialUserAttributeModel",
    "TrialValueModel",
    "decode_float",
    "encode_float",
]

#: The alembic revision this code expects; ``tests/storages`` checks it is the scripts' head.
SCHEMA_VERSION = "0001"

MAX_NAME_LENGTH = 512
MAX_KEY_LENGTH = 512

# Constraint names follow one convention, so alembic migrations can refer to them.
_NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Microsecond precision everywhere (MySQL's DATETIME drops fractions by default).
DateTime = _DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
_CASCADE = "CASCADE"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=_NAMING)


class FloatKind(enum.IntEnum):
    """How a stored float column is to be read back."""

    FINITE = 1
    INF_POS = 2
    INF_NEG = 3
    NAN = 4


def encode_float(value: float) -> tuple[float | None, int]:
    """Split a float into a (value, kind) pair that every database can store."""
    if math.isfinite(value):
        return value, FloatKind.FINITE
    if math.isnan(value):
        return None, FloatKind.NAN
    return None, FloatKind.INF_POS if value > 0 else FloatKind.INF_NEG


_DECODED = {
    FloatKind.INF_POS: math.inf,
    FloatKind.INF_NEG: -math.inf,
    FloatKind.NAN: math.nan,
}


def decode_float(value: float | None, kind: int) -> float:
    """The inverse of :func:`encode_float`."""
    if kind == FloatKind.FINITE:
        return float(value)  # type: ignore[arg-type]
    return _DECODED[FloatKind(kind)]


class StudyModel(Base):
    __tablename__ = "studies"
    __table_args__ = {"sqlite_autoincrement": True}

    study_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    study_name: Mapped[str] = mapped_column(String(MAX_NAME_LENGTH), unique=True)
    next_trial_number: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class StudyDirectionModel(Base):
    __tablename__ = "study_directions"
    __table_args__ = (UniqueConstraint("study_id", "objective"),)

    study_direction_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.study_id", ondelete=_CASCADE))
    objective: Mapped[int] = mapped_column(Integer)
    direction: Mapped[str] = mapped_column(String(16))


class StudyUserAttributeModel(Base):
    __tablename__ = "study_user_attributes"
    __table_args__ = (UniqueConstraint("study_id", "key"),)

    study_user_attribute_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.study_id", ondelete=_CASCADE))
    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH))
    value_json: Mapped[str] = mapped_column(Text)


class StudySystemAttributeModel(Base):
    __tablename__ = "study_system_attributes"
    __table_args__ = (UniqueConstraint("study_id", "key"),)

    study_system_attribute_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.study_id", ondelete=_CASCADE))
    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH))
    value_json: Mapped[str] = mapped_column(Text)


class TrialModel(Base):
    __tablename__ = "trials"
    __table_args__ = (
        # Unique: a second line of defence against duplicate numbers.
        UniqueConstraint("study_id", "number"),
        Index(None, "study_id", "state"),
        {"sqlite_autoincrement": True},
    )

    trial_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    number: Mapped[int] = mapped_column(Integer)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.study_id", ondelete=_CASCADE))
    state: Mapped[str] = mapped_column(String(16))
    datetime_start: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)
    datetime_complete: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)


class TrialParamModel(Base):
    __tablename__ = "trial_params"
    __table_args__ = (UniqueConstraint("trial_id", "param_name"),)

    param_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trial_id: Mapped[int] = mapped_column(ForeignKey("trials.trial_id", ondelete=_CASCADE))
    param_name: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH))
    param_value: Mapped[float] = mapped_column(Double)
    distribution_json: Mapped[str] = mapped_column(Text)


class TrialValueModel(Base):
    __tablename__ = "trial_values"
    __table_args__ = (UniqueConstraint("trial_id", "objective"),)

    trial_value_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trial_id: Mapped[int] = mapped_column(ForeignKey("trials.trial_id", ondelete=_CASCADE))
    objective: Mapped[int] = mapped_column(Integer)
    value: Mapped[float | None] = mapped_column(Double, nullable=True)
    value_type: Mapped[int] = mapped_column(Integer)


class IntermediateValueModel(Base):
    __tablename__ = "trial_intermediate_values"
    __table_args__ = (UniqueConstraint("trial_id", "step"),)

    trial_intermediate_value_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trial_id: Mapped[int] = mapped_column(ForeignKey("trials.trial_id", ondelete=_CASCADE))
    step: Mapped[int] = mapped_column(Integer)
    value: Mapped[float | None] = mapped_column(Double, nullable=True)
    value_type: Mapped[int] = mapped_column(Integer)


class TrialUserAttributeModel(Base):
    __tablename__ = "trial_user_attributes"
    __table_args__ = (UniqueConstraint("trial_id", "key"),)

    trial_user_attribute_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trial_id: Mapped[int] = mapped_column(ForeignKey("trials.trial_id", ondelete=_CASCADE))
    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH))
    value_json: Mapped[str] = mapped_column(Text)


class TrialSystemAttributeModel(Base):
    __tablename__ = "trial_system_attributes"
    __table_args__ = (UniqueConstraint("trial_id", "key"),)

    trial_system_attribute_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trial_id: Mapped[int] = mapped_column(ForeignKey("trials.trial_id", ondelete=_CASCADE))
    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH))
    value_json: Mapped[str] = mapped_column(Text)


class TrialHeartbeatModel(Base):
    __tablename__ = "trial_heartbeats"

    trial_id: Mapped[int] = mapped_column(
        ForeignKey("trials.trial_id", ondelete=_CASCADE), primary_key=True, autoincrement=False
    )
    # Seconds since the epoch on the database server's clock, so workers on machines with
    # skewed clocks still agree on how old a heartbeat is.
    heartbeat: Mapped[float] = mapped_column(Double)
