"""The SQL statements of RDBStorage, one small function per operation.

Each function takes an open :class:`sqlalchemy.engine.Connection` inside a transaction that the
caller (``Database.run``) owns; none commits. They speak in raw column values (state names, JSON
text, encoded floats); ``storage.py`` converts to and from ridgeline's objects.

SQLAlchemy Core (not ORM sessions) keeps each operation to the statements it needs: the hot path
of a trial is one transaction to create it, one for its parameters, one per report and one to
finish it.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Table,
    and_,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection

from ridgeline.distributions import BaseDistribution, distribution_to_json
from ridgeline.storages._json import attr_to_json
from ridgeline.storages._rdb import models
from ridgeline.trial._frozen import FrozenTrial

__all__ = [
    "TrialChildren",
    "all_studies",
    "allocate_number",
    "claim_trial",
    "db_now",
    "delete_study",
    "guarded_upsert",
    "insert_study",
    "insert_trial",
    "lock_trial",
    "param_rows",
    "record_heartbeat",
    "stale_trials",
    "study_attrs",
    "study_directions",
    "study_exists",
    "study_id_from_name",
    "study_name",
    "study_names",
    "supports_guarded_upsert",
    "update_trial_state",
    "upsert_intermediate_values",
    "upsert_params",
    "upsert_study_attr",
    "upsert_trial_attr",
    "upsert_values",
    "value_rows",
]

studies: Table = models.StudyModel.__table__  # type: ignore[assignment]
directions_t: Table = models.StudyDirectionModel.__table__  # type: ignore[assignment]
study_user_attrs: Table = models.StudyUserAttributeModel.__table__  # type: ignore[assignment]
study_system_attrs: Table = models.StudySystemAttributeModel.__table__  # type: ignore[assignment]
trials: Table = models.TrialModel.__table__  # type: ignore[assignment]
params_t: Table = models.TrialParamModel.__table__  # type: ignore[assignment]
values_t: Table = models.TrialValueModel.__table__  # type: ignore[assignment]
intermediate_t: Table = models.IntermediateValueModel.__table__  # type: ignore[assignment]
trial_user_attrs: Table = models.TrialUserAttributeModel.__table__  # type: ignore[assignment]
trial_system_attrs: Table = models.TrialSystemAttributeModel.__table__  # type: ignore[assignment]
heartbeats: Table = models.TrialHeartbeatModel.__table__  # type: ignore[assignment]

_TRIAL_CHILDREN = (
    params_t,
    values_t,
    intermediate_t,
    trial_user_attrs,
    trial_system_attrs,
    heartbeats,
)


# Kinds of rows in the combined child-row query (see ``_children_query``).
# ---------------------------------------------------------------------- row builders
def value_rows(items: Sequence[tuple[int, float]], key: str) -> list[dict[str, Any]]:
    """Rows of (``key``, value, value_type) for floats that may be infinite or NaN."""
    rows = []
    for index, value in items:
        number, kind = models.encode_float(float(value))
        rows.append({key: index, "value": number, "value_type": kind})
    return rows


def param_rows(params: dict[str, tuple[float, BaseDistribution]]) -> list[dict[str, Any]]:
    """Rows of trial_params (without trial_id) for ``{name: (internal value, dist)}``."""
    return [
        {
            "param_name": name,
            "param_value": float(value),
            "distribution_json": distribution_to_json(dist),
        }
        for name, (value, dist) in params.items()
    ]


@dataclass(frozen=True)
class TrialChildren:
    """The child rows of a template trial, encoded once, insertable many times."""

    params: list[dict[str, Any]]
    values: list[dict[str, Any]]
    intermediate: list[dict[str, Any]]
    user_attrs: list[tuple[str, str]]
    system_attrs: list[tuple[str, str]]

    @classmethod
    def of(cls, trial: FrozenTrial) -> TrialChildren:
        """Encode a trial's children; raises on attributes that are not JSON."""
        dists = trial._distributions
        return cls(
            params=param_rows(
                {n: (dists[n].to_internal_repr(v), dists[n]) for n, v in trial._params.items()}
            ),
            values=value_rows(list(enumerate(trial._values or ())), "objective"),
            intermediate=value_rows(list(trial._intermediate_values.items()), "step"),
            user_attrs=[
                (k, attr_to_json("trial attribute", k, v)) for k, v in trial._user_attrs.items()
            ],
            system_attrs=[
                (k, attr_to_json("trial attribute", k, v)) for k, v in trial._system_attrs.items()
            ],
        )

    def insert(self, conn: Connection, trial_id: int) -> None:
        # Fresh row dicts each time: the transaction may run again after a retry.
        upsert_params(conn, trial_id, [dict(r) for r in self.params])
        upsert_values(conn, trial_id, [dict(r) for r in self.values])
        upsert_intermediate_values(conn, trial_id, [dict(r) for r in self.intermediate])
        upsert_trial_attr(conn, trial_id, self.user_attrs, system=False)
        upsert_trial_attr(conn, trial_id, self.system_attrs, system=True)


# ---------------------------------------------------------------------- upserts
_UpsertFn = Callable[[Connection, list[dict[str, Any]]], None]
_upserts: dict[tuple[str, str], _UpsertFn] = {}


def _upsert(
    conn: Connection,
    table: Table,
    rows: list[dict[str, Any]],
    keys: Sequence[str],
    updates: Sequence[str],
) -> None:
    """Insert rows, or update ``updates`` columns where a row with the same ``keys`` exists."""
    if not rows:
        return
    dialect = conn.dialect.name
    fn = _upserts.get((dialect, table.name))
    if fn is None:
        fn = _make_upsert(dialect, table, keys, updates)
        _upserts[(dialect, table.name)] = fn
    fn(conn, rows)


def _make_upsert(
    dialect: str, table: Table, keys: Sequence[str], updates: Sequence[str]
) -> _UpsertFn:
    stmt: Any = None
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        lite = sqlite_insert(table)
        stmt = lite.on_conflict_do_update(
            index_elements=list(keys), set_={c: lite.excluded[c] for c in updates}
        )
    elif dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        pg = pg_insert(table)
        stmt = pg.on_conflict_do_update(
            index_elements=list(keys), set_={c: pg.excluded[c] for c in updates}
        )
    elif dialect in ("mysql", "mariadb"):
        from sqlalchemy.dialects.mysql import insert as mysql_insert

        my = mysql_insert(table)
        stmt = my.on_duplicate_key_update({c: my.inserted[c] for c in updates})

    if stmt is not None:

        def native(conn: Connection, rows: list[dict[str, Any]]) -> None:
            conn.execute(stmt, rows)

        return native

    def delete_then_insert(conn: Connection, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            conn.execute(delete(table).where(and_(*(table.c[k] == row[k] for k in keys))))
        conn.execute(insert(table), rows)

    return delete_then_insert


# ---------------------------------------------------------------------- studies
# Statements are built once: building a Core statement costs more than running it on SQLite.
_S_STUDY_EXISTS = select(studies.c.study_id).where(studies.c.study_id == bindparam("b_sid"))
_S_STUDY_ID = select(studies.c.study_id).where(studies.c.study_name == bindparam("b_name"))
_S_STUDY_NAME = select(studies.c.study_name).where(studies.c.study_id == bindparam("b_sid"))


def insert_study(conn: Connection, name: str, directions: Sequence[str]) -> int:
    result = conn.execute(insert(studies).values(study_name=name, next_trial_number=0))
    study_id = int(result.inserted_primary_key[0])  # type: ignore[index]
    conn.execute(
        insert(directions_t),
        [{"study_id": study_id, "objective": i, "direction": d} for i, d in enumerate(directions)],
    )
    return study_id


def study_exists(conn: Connection, study_id: int) -> bool:
    return conn.scalar(_S_STUDY_EXISTS, {"b_sid": study_id}) is not None


def delete_study(conn: Connection, study_id: int) -> bool:
    if not study_exists(conn, study_id):
        return False
    trial_ids = select(trials.c.trial_id).where(trials.c.study_id == study_id)
    for table in _TRIAL_CHILDREN:
        conn.execute(delete(table).where(table.c.trial_id.in_(trial_ids)))
    for table in (trials, study_user_attrs, study_system_attrs, directions_t):
        conn.execute(delete(table).where(table.c.study_id == study_id))
    conn.execute(delete(studies).where(studies.c.study_id == study_id))
    return True


def study_id_from_name(conn: Connection, name: str) -> int | None:
    return conn.scalar(_S_STUDY_ID, {"b_name": name})


def study_names(conn: Connection, limit: int) -> tuple[list[str], int]:
    """Up to ``limit`` study names (sorted) and how many studies there are."""
    names = conn.scalars(select(studies.c.study_name).order_by(studies.c.study_name).limit(limit))
    total = conn.scalar(select(func.count()).select_from(studies)) or 0
    return list(names), int(total)


def study_name(conn: Connection, study_id: int) -> str | None:
    return conn.scalar(_S_STUDY_NAME, {"b_sid": study_id})


def study_directions(conn: Connection, study_id: int) -> list[str] | None:
    """Direction names by objective, or None if the study does not exist."""
    rows = conn.execute(
        select(directions_t.c.direction, studies.c.study_id)
        .select_from(studies.outerjoin(directions_t, directions_t.c.study_id == studies.c.study_id))
        .where(studies.c.study_id == study_id)
        .order_by(directions_t.c.objective)
    ).all()
    if not rows:
        return None
    return [r.direction for r in rows if r.direction is not None]


def _attr_table(system: bool, study: bool) -> Table:
    if study:
        return study_system_attrs if system else study_user_attrs
    return trial_system_attrs if system else trial_user_attrs


def study_attrs(conn: Connection, study_id: int, system: bool) -> list[tuple[str, str]] | None:
    """(key, JSON) pairs in insertion order, or None if the study does not exist."""
    table = _attr_table(system, study=True)
    pk = next(iter(table.primary_key.columns))
    rows = conn.execute(
        select(studies.c.study_id, table.c.key, table.c.value_json)
        .select_from(studies.outerjoin(table, table.c.study_id == studies.c.study_id))
        .where(studies.c.study_id == study_id)
        .order_by(pk)
    ).all()
    if not rows:
        return None
    return [(r.key, r.value_json) for r in rows if r.key is not None]


def upsert_study_attr(
    conn: Connection, study_id: int, key: str, value_json: str, system: bool
) -> None:
    table = _attr_table(system, study=True)
    _upsert(
        conn,
        table,
        [{"study_id": study_id, "key": key, "value_json": value_json}],
        ("study_id", "key"),
        ("value_json",),
    )


def all_studies(conn: Connection) -> list[dict[str, Any]]:
    """Every study with directions, raw attributes, trial count and first start, by id."""
    out: dict[int, dict[str, Any]] = {}
    for r in conn.execute(select(studies.c.study_id, studies.c.study_name).order_by("study_id")):
        out[r.study_id] = {
            "study_id": r.study_id,
            "study_name": r.study_name,
            "directions": [],
            "user_attrs": [],
            "system_attrs": [],
            "n_trials": 0,
            "datetime_start": None,
        }
    for r in conn.execute(
        select(directions_t.c.study_id, directions_t.c.direction).order_by(
            directions_t.c.study_id, directions_t.c.objective
        )
    ):
        if r.study_id in out:
            out[r.study_id]["directions"].append(r.direction)
    for field, table in (("user_attrs", study_user_attrs), ("system_attrs", study_system_attrs)):
        pk = next(iter(table.primary_key.columns))
        query = select(table.c.study_id, table.c.key, table.c.value_json).order_by(pk)
        for a in conn.execute(query):
            if a.study_id in out:
                out[a.study_id][field].append((a.key, a.value_json))
    counts = select(
        trials.c.study_id, func.count().label("n"), func.min(trials.c.datetime_start).label("t0")
    ).group_by(trials.c.study_id)
    for c in conn.execute(counts):
        if c.study_id in out:
            out[c.study_id]["n_trials"] = int(c.n)
            out[c.study_id]["datetime_start"] = c.t0
    return list(out.values())


# ---------------------------------------------------------------------- trials: writes
_S_BUMP = (
    update(studies)
    .where(studies.c.study_id == bindparam("b_sid"))
    .values(next_trial_number=studies.c.next_trial_number + 1)
)
_S_BUMP_RETURNING = _S_BUMP.returning(studies.c.next_trial_number)
_S_NEXT_NUMBER = select(studies.c.next_trial_number).where(studies.c.study_id == bindparam("b_sid"))
_S_INSERT_TRIAL = insert(trials)
_S_LOCK_TRIAL = (
    select(trials.c.state, trials.c.number)
    .where(trials.c.trial_id == bindparam("b_tid"))
    .with_for_update()
)
_S_UPDATE_TRIAL = update(trials).where(
    trials.c.trial_id == bindparam("b_tid"),
    trials.c.state.in_(bindparam("b_from", expanding=True)),
)


def allocate_number(conn: Connection, study_id: int) -> int | None:
    """Take the study's next trial number, or None if the study does not exist.

    The UPDATE write-locks the study row until the transaction ends, so concurrent creators of
    trials in one study take turns, on every backend, and no number is handed out twice.
    """
    params = {"b_sid": study_id}
    if conn.dialect.update_returning:
        taken = conn.execute(_S_BUMP_RETURNING, params).scalar_one_or_none()
    else:
        if conn.execute(_S_BUMP, params).rowcount == 0:
            return None
        taken = conn.scalar(_S_NEXT_NUMBER, params)
    return None if taken is None else int(taken) - 1


def insert_trial(
    conn: Connection,
    study_id: int,
    number: int,
    state: str,
    datetime_start: datetime.datetime | None,
    datetime_complete: datetime.datetime | None,
) -> int:
    result = conn.execute(
        _S_INSERT_TRIAL,
        {
            "study_id": study_id,
            "number": number,
            "state": state,
            "datetime_start": datetime_start,
            "datetime_complete": datetime_complete,
        },
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def lock_trial(conn: Connection, trial_id: int) -> tuple[str, int] | None:
    """(state, number) of a trial, write-locking its row on servers; None if absent."""
    row = conn.execute(_S_LOCK_TRIAL, {"b_tid": trial_id}).first()
    return None if row is None else (row.state, row.number)


def claim_trial(conn: Connection, trial_id: int, now: datetime.datetime) -> bool:
    """Move a WAITING trial to RUNNING; False if someone else got it first."""
    return update_trial_state(
        conn, trial_id, ("WAITING",), {"state": "RUNNING", "datetime_start": now}
    )


def update_trial_state(
    conn: Connection, trial_id: int, from_states: Sequence[str], changes: dict[str, Any]
) -> bool:
    """Apply ``changes`` if the trial is in one of ``from_states`` (checked atomically)."""
    result = conn.execute(
        _S_UPDATE_TRIAL, {"b_tid": trial_id, "b_from": list(from_states), **changes}
    )
    return bool(result.rowcount == 1)


def upsert_params(conn: Connection, trial_id: int, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        row["trial_id"] = trial_id
    _upsert(conn, params_t, rows, ("trial_id", "param_name"), ("param_value", "distribution_json"))


def upsert_values(conn: Connection, trial_id: int, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        row["trial_id"] = trial_id
    _upsert(conn, values_t, rows, ("trial_id", "objective"), ("value", "value_type"))


def upsert_intermediate_values(conn: Connection, trial_id: int, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        row["trial_id"] = trial_id
    _upsert(conn, intermediate_t, rows, ("trial_id", "step"), ("value", "value_type"))


def upsert_trial_attr(
    conn: Connection, trial_id: int, rows: list[tuple[str, str]], system: bool
) -> None:
    _upsert(
        conn,
        _attr_table(system, study=False),
        [{"trial_id": trial_id, "key": k, "value_json": v} for k, v in rows],
        ("trial_id", "key"),
        ("value_json",),
    )


_GUARDED = {
    # kind: (table, conflict keys, columns updated on conflict)
    "param": (params_t, ("trial_id", "param_name"), ("param_value", "distribution_json")),
    "intermediate": (intermediate_t, ("trial_id", "step"), ("value", "value_type")),
    "user_attr": (trial_user_attrs, ("trial_id", "key"), ("value_json",)),
    "system_attr": (trial_system_attrs, ("trial_id", "key"), ("value_json",)),
}
_guarded: dict[tuple[str, str], Any] = {}


def supports_guarded_upsert(dialect: str) -> bool:
    return dialect in ("sqlite", "postgresql")


def guarded_upsert(conn: Connection, kind: str, trial_id: int, row: dict[str, Any]) -> bool:
    """Write one child row of a trial only if the trial is unfinished, in one statement.

    ``INSERT ... SELECT ... FROM trials WHERE trial_id = :id AND state IN (unfinished)
    [FOR UPDATE] ON CONFLICT DO UPDATE``: the state check, the row lock (on PostgreSQL, so a
    concurrent finish waits or wins) and the write are one atomic statement, so it needs no
    explicit transaction. Returns False (nothing written) if the trial is missing or finished.
    Only for dialects where :func:`supports_guarded_upsert`.
    """
    dialect = conn.dialect.name
    stmt = _guarded.get((dialect, kind))
    if stmt is None:
        # rowcount of an INSERT is only kept when asked for.
        stmt = _make_guarded(dialect, kind, tuple(row)).execution_options(preserve_rowcount=True)
        _guarded[(dialect, kind)] = stmt
    params = {f"g_{k}": v for k, v in row.items()}
    params["b_tid"] = trial_id
    return bool(conn.execute(stmt, params).rowcount == 1)


def _make_guarded(dialect: str, kind: str, columns: tuple[str, ...]) -> Any:
    table, keys, updates = _GUARDED[kind]
    source = select(
        trials.c.trial_id, *(bindparam(f"g_{c}", type_=table.c[c].type) for c in columns)
    ).where(trials.c.trial_id == bindparam("b_tid"), trials.c.state.in_(["RUNNING", "WAITING"]))
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        source = source.with_for_update()
        pg = pg_insert(table).from_select(["trial_id", *columns], source)
        return pg.on_conflict_do_update(
            index_elements=list(keys), set_={c: pg.excluded[c] for c in updates}
        )
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    lite = sqlite_insert(table).from_select(["trial_id", *columns], source)
    return lite.on_conflict_do_update(
        index_elements=list(keys), set_={c: lite.excluded[c] for c in updates}
    )


# ---------------------------------------------------------------------- heartbeats
def _now_expr(dialect: str) -> Any:
    """Seconds since the epoch on the database server's clock, as a SQL expression."""
    if dialect == "sqlite":
        return (func.julianday("now") - 2440587.5) * 86400.0
    if dialect == "postgresql":
        return func.extract("epoch", func.clock_timestamp())
    if dialect in ("mysql", "mariadb"):
        return func.unix_timestamp(func.now(6))
    return None


def db_now(conn: Connection) -> float:
    expr = _now_expr(conn.dialect.name)
    if expr is None:
        return time.time()
    now = conn.scalar(select(expr))
    return time.time() if now is None else float(now)


def record_heartbeat(conn: Connection, trial_id: int) -> None:
    _upsert(
        conn,
        heartbeats,
        [{"trial_id": trial_id, "heartbeat": db_now(conn)}],
        ("trial_id",),
        ("heartbeat",),
    )


def stale_trials(
    conn: Connection, study_id: int, older_than: float
) -> list[tuple[int, int, float]]:
    """(trial id, number, heartbeat) of RUNNING trials whose last heartbeat is too old."""
    rows = conn.execute(
        select(trials.c.trial_id, trials.c.number, heartbeats.c.heartbeat)
        .join(heartbeats, heartbeats.c.trial_id == trials.c.trial_id)
        .where(
            trials.c.study_id == study_id,
            trials.c.state == "RUNNING",
            heartbeats.c.heartbeat < older_than,
        )
        .order_by(trials.c.number)
    )
    return [(r.trial_id, r.number, float(r.heartbeat)) for r in rows]
