"""The read queries of RDBStorage: trials with their child rows, counts, lookups.

Like ``_sql``, each function takes a connection inside a transaction the caller owns. Trials
are read with two queries however many child tables there are: the trial rows, then one
UNION ALL over the child tables.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Double,
    Integer,
    Row,
    Select,
    String,
    Table,
    Text,
    and_,
    bindparam,
    cast,
    func,
    literal_column,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.engine import Connection

from ridgeline.storages._rdb import models
from ridgeline.storages._rdb._sql import (
    intermediate_t,
    params_t,
    studies,
    trial_system_attrs,
    trial_user_attrs,
    trials,
    values_t,
)

__all__ = [
    "KIND_INTERMEDIATE",
    "KIND_PARAM",
    "KIND_SYSTEM_ATTR",
    "KIND_USER_ATTR",
    "KIND_VALUE",
    "WAITING_BATCH",
    "TrialRow",
    "count_trials",
    "fetch_study_trials",
    "fetch_trial",
    "trial_id_from_number",
    "waiting_trial_ids",
]

# How many WAITING trials a claim looks at before racing for them.
WAITING_BATCH = 8

KIND_PARAM, KIND_VALUE, KIND_INTERMEDIATE, KIND_USER_ATTR, KIND_SYSTEM_ATTR = 1, 2, 3, 4, 5


class TrialRow(NamedTuple):
    trial_id: int
    number: int
    state: str
    datetime_start: datetime.datetime | None
    datetime_complete: datetime.datetime | None


def _children_query(trial_filter: Callable[[Any], ColumnElement[bool]]) -> Select[Any]:
    """One query for every child row (params, values, ...) of the selected trials.

    A UNION ALL of the five child tables with a common column layout, instead of five
    round trips. Rows come ordered by kind and insertion, so dicts keep the order in which
    parameters and attributes were first written.
    """
    null_name = cast(null(), String(models.MAX_KEY_LENGTH))
    null_num = cast(null(), Double)
    null_text = cast(null(), Text)
    zero = literal_column("0", Integer)

    def part(
        table: Table, kind: int, name: Any, num: Any, ntype: Any, text: Any, idx: Any
    ) -> Select[Any]:
        pk = next(iter(table.primary_key.columns))
        return select(
            table.c.trial_id.label("trial_id"),
            literal_column(str(kind), Integer).label("kind"),
            name.label("name"),
            num.label("num"),
            ntype.label("ntype"),
            text.label("text"),
            idx.label("idx"),
            pk.label("rid"),
        ).where(trial_filter(table.c.trial_id))

    p, v, iv, ua, sa = params_t, values_t, intermediate_t, trial_user_attrs, trial_system_attrs
    parts = [
        part(p, KIND_PARAM, p.c.param_name, p.c.param_value, zero, p.c.distribution_json, zero),
        part(v, KIND_VALUE, null_name, v.c.value, v.c.value_type, null_text, v.c.objective),
        part(iv, KIND_INTERMEDIATE, null_name, iv.c.value, iv.c.value_type, null_text, iv.c.step),
        part(ua, KIND_USER_ATTR, ua.c.key, null_num, zero, ua.c.value_json, zero),
        part(sa, KIND_SYSTEM_ATTR, sa.c.key, null_num, zero, sa.c.value_json, zero),
    ]
    union = union_all(*parts).subquery()
    return select(union).order_by(union.c.kind, union.c.rid)


_TRIAL_COLUMNS = (
    trials.c.trial_id,
    trials.c.number,
    trials.c.state,
    trials.c.datetime_start,
    trials.c.datetime_complete,
)


def _wanted(col: Any, with_ids: bool) -> ColumnElement[bool]:
    """Trials with id above ``b_after`` (or in ``b_ids``): what a cache refresh asks for."""
    newer = col > bindparam("b_after")
    return or_(newer, col.in_(bindparam("b_ids", expanding=True))) if with_ids else newer


def _study_trials_queries(with_ids: bool) -> tuple[Select[Any], Select[Any]]:
    trials_q = (
        select(studies.c.study_id, *_TRIAL_COLUMNS)
        .select_from(
            studies.outerjoin(
                trials,
                and_(
                    trials.c.study_id == studies.c.study_id,
                    _wanted(trials.c.trial_id, with_ids),
                ),
            )
        )
        .where(studies.c.study_id == bindparam("b_sid"))
    )
    ids = select(trials.c.trial_id).where(
        trials.c.study_id == bindparam("b_sid"), _wanted(trials.c.trial_id, with_ids)
    )
    return trials_q, _children_query(lambda col: col.in_(ids))


_S_STUDY_TRIALS = {False: _study_trials_queries(False), True: _study_trials_queries(True)}
_S_TRIAL = select(trials.c.study_id, *_TRIAL_COLUMNS).where(trials.c.trial_id == bindparam("b_tid"))
_S_TRIAL_CHILDREN = _children_query(lambda col: col == bindparam("b_tid"))


def fetch_study_trials(
    conn: Connection, study_id: int, after_id: int, also_ids: Sequence[int]
) -> tuple[bool, list[TrialRow], list[Row[Any]]]:
    """The study's trials with id > ``after_id`` or in ``also_ids``, with their child rows.

    Returns (study exists, trial rows, child rows). Meant for one snapshot transaction.
    """
    trials_q, children_q = _S_STUDY_TRIALS[bool(also_ids)]
    params: dict[str, Any] = {"b_sid": study_id, "b_after": after_id}
    if also_ids:
        params["b_ids"] = list(also_ids)
    rows = conn.execute(trials_q, params).all()
    if not rows:
        return False, [], []
    found = [TrialRow(*r[1:]) for r in rows if r.trial_id is not None]
    if not found:
        return True, [], []
    children = conn.execute(children_q, params).all()
    return True, found, list(children)


def fetch_trial(conn: Connection, trial_id: int) -> tuple[int, TrialRow, list[Row[Any]]] | None:
    """(study id, row, child rows) of one trial, or None if it does not exist."""
    params = {"b_tid": trial_id}
    row = conn.execute(_S_TRIAL, params).first()
    if row is None:
        return None
    children = conn.execute(_S_TRIAL_CHILDREN, params).all()
    return int(row.study_id), TrialRow(*row[1:]), list(children)


def count_trials(conn: Connection, study_id: int, states: Sequence[str] | None) -> int | None:
    """How many trials (in ``states``) the study has; None if the study does not exist."""
    cond = trials.c.study_id == study_id
    if states is not None:
        cond = and_(cond, trials.c.state.in_(states))
    exists = select(func.count()).select_from(studies).where(studies.c.study_id == study_id)
    count = select(func.count()).select_from(trials).where(cond)
    row = conn.execute(select(exists.scalar_subquery(), count.scalar_subquery())).one()
    return int(row[1]) if row[0] else None


def trial_id_from_number(conn: Connection, study_id: int, number: int) -> tuple[bool, int | None]:
    """(study exists, trial id or None)."""
    row = conn.execute(
        select(studies.c.study_id, trials.c.trial_id)
        .select_from(
            studies.outerjoin(
                trials, and_(trials.c.study_id == studies.c.study_id, trials.c.number == number)
            )
        )
        .where(studies.c.study_id == study_id)
    ).first()
    if row is None:
        return False, None
    return True, row.trial_id


_S_WAITING = (
    select(trials.c.trial_id)
    .where(trials.c.study_id == bindparam("b_sid"), trials.c.state == "WAITING")
    .order_by(trials.c.number)
    .limit(WAITING_BATCH)
)


def waiting_trial_ids(conn: Connection, study_id: int) -> list[int]:
    """The ids of the study's oldest WAITING trials (at most ``WAITING_BATCH``)."""
    return list(conn.scalars(_S_WAITING, {"b_sid": study_id}))
