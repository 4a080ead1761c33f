"""The initial schema of ridgeline's relational storage.

Revision ID: 0001
Revises:
Create Date: 2026-11-22

Kept self-contained (no import of ``models``) so that later model changes cannot alter what this
revision creates; ``tests/storages/test_rdb_schema.py`` checks it matches the models.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_NAME = sa.String(length=512)
_DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def _fk(table: str, column: str, parent: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{parent}.{column}"],
        name=op.f(f"fk_{table}_{column}_{parent}"),
        ondelete="CASCADE",
    )


def _attribute_table(table: str, owner: str, pk: str) -> None:
    parent = "studies" if owner == "study_id" else "trials"
    op.create_table(
        table,
        sa.Column(pk, sa.Integer(), nullable=False),
        sa.Column(owner, sa.Integer(), nullable=False),
        sa.Column("key", _NAME, nullable=False),
        sa.Column("value_json", sa.Text(), nullable=False),
        _fk(table, owner, parent),
        sa.PrimaryKeyConstraint(pk, name=op.f(f"pk_{table}")),
        sa.UniqueConstraint(owner, "key", name=op.f(f"uq_{table}_{owner}_key")),
    )


def _float_table(table: str, pk: str, index: str) -> None:
    op.create_table(
        table,
        sa.Column(pk, sa.Integer(), nullable=False),
        sa.Column("trial_id", sa.Integer(), nullable=False),
        sa.Column(index, sa.Integer(), nullable=False),
        sa.Column("value", sa.Double(), nullable=True),
        sa.Column("value_type", sa.Integer(), nullable=False),
        _fk(table, "trial_id", "trials"),
        sa.PrimaryKeyConstraint(pk, name=op.f(f"pk_{table}")),
        sa.UniqueConstraint("trial_id", index, name=op.f(f"uq_{table}_trial_id_{index}")),
    )


def upgrade() -> None:
    op.create_table(
        "studies",
        sa.Column("study_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("study_name", _NAME, nullable=False),
        sa.Column("next_trial_number", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("study_id", name=op.f("pk_studies")),
        sa.UniqueConstraint("study_name", name=op.f("uq_studies_study_name")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "study_directions",
        sa.Column("study_direction_id", sa.Integer(), nullable=False),
        sa.Column("study_id", sa.Integer(), nullable=False),
        sa.Column("objective", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=16), nullable=False),
        _fk("study_directions", "study_id", "studies"),
        sa.PrimaryKeyConstraint("study_direction_id", name=op.f("pk_study_directions")),
        sa.UniqueConstraint(
            "study_id", "objective", name=op.f("uq_study_directions_study_id_objective")
        ),
    )
    _attribute_table("study_user_attributes", "study_id", "study_user_attribute_id")
    _attribute_table("study_system_attributes", "study_id", "study_system_attribute_id")
    op.create_table(
        "trials",
        sa.Column("trial_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("study_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("datetime_start", _DATETIME, nullable=True),
        sa.Column("datetime_complete", _DATETIME, nullable=True),
        _fk("trials", "study_id", "studies"),
        sa.PrimaryKeyConstraint("trial_id", name=op.f("pk_trials")),
        sa.UniqueConstraint("study_id", "number", name=op.f("uq_trials_study_id_number")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_trials_study_id_state"), "trials", ["study_id", "state"])
    op.create_table(
        "trial_params",
        sa.Column("param_id", sa.Integer(), nullable=False),
        sa.Column("trial_id", sa.Integer(), nullable=False),
        sa.Column("param_name", _NAME, nullable=False),
        sa.Column("param_value", sa.Double(), nullable=False),
        sa.Column("distribution_json", sa.Text(), nullable=False),
        _fk("trial_params", "trial_id", "trials"),
        sa.PrimaryKeyConstraint("param_id", name=op.f("pk_trial_params")),
        sa.UniqueConstraint(
            "trial_id", "param_name", name=op.f("uq_trial_params_trial_id_param_name")
        ),
    )
    _float_table("trial_values", "trial_value_id", "objective")
    _float_table("trial_intermediate_values", "trial_intermediate_value_id", "step")
    _attribute_table("trial_user_attributes", "trial_id", "trial_user_attribute_id")
    _attribute_table("trial_system_attributes", "trial_id", "trial_system_attribute_id")
    op.create_table(
        "trial_heartbeats",
        sa.Column("trial_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("heartbeat", sa.Double(), nullable=False),
        _fk("trial_heartbeats", "trial_id", "trials"),
        sa.PrimaryKeyConstraint("trial_id", name=op.f("pk_trial_heartbeats")),
    )


def downgrade() -> None:
    for table in (
        "trial_heartbeats",
        "trial_system_attributes",
        "trial_user_attributes",
        "trial_intermediate_values",
        "trial_values",
        "trial_params",
    ):
        op.drop_table(table)
    op.drop_index(op.f("ix_trials_study_id_state"), table_name="trials")
    for table in (
        "trials",
        "study_system_attributes",
        "study_user_attributes",
        "study_directions",
        "studies",
    ):
        op.drop_table(table)
