"""Coaching nudges: rep preferences, time off, team holidays, and every nudge sent with its feedback.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reps") as reps:
        reps.add_column(sa.Column("nudge_time", sa.String(5)))
        reps.add_column(sa.Column("work_days", sa.String(27)))
        reps.add_column(sa.Column("language", sa.String(2)))
        reps.add_column(sa.Column("paused_until", sa.Date))
    op.create_table(
        "time_off",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("rep_id", sa.Integer, sa.ForeignKey("reps.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("first_day", sa.Date, nullable=False),
        sa.Column("last_day", sa.Date, nullable=False),
    )
    op.create_table(
        "team_holidays",
        sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
    )
    op.create_table(
        "nudges",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("rep_id", sa.Integer, sa.ForeignKey("reps.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("practice_id", sa.String(80)),
        sa.Column("metric", sa.String(40)),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("local_date", sa.Date, nullable=False),
        sa.Column("delivery_key", sa.String(120), unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("feedback", sa.String(16)),
        sa.Column("feedback_at", sa.DateTime(timezone=True)),
        sa.Index("ix_nudges_rep_date", "rep_id", "local_date"),
    )


def downgrade() -> None:
    op.drop_table("nudges")
    op.drop_table("team_holidays")
    op.drop_table("time_off")
    with op.batch_alter_table("reps") as reps:
        for column in ("paused_until", "language", "work_days", "nudge_time"):
            reps.drop_column(column)
