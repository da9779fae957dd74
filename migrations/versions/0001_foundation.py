"""Reps, logged days and teams.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

COUNTS = ("contacts", "fcr", "repeat", "complaints", "upsells", "crosssells", "referrals", "recommit", "practices")


def upgrade() -> None:
    op.create_table(
        "reps",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("workspace_id", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("tz", sa.String(64)),
        sa.Column("locale", sa.String(16)),
        sa.Column("profile_fetched_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("workspace_id", "user_id"),
    )
    op.create_table(
        "day_logs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("rep_id", sa.Integer, sa.ForeignKey("reps.id", ondelete="CASCADE"), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        *(sa.Column(name, sa.Integer) for name in COUNTS),
        sa.Column("csat", sa.Float),
        sa.Column("aht", sa.Float),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("rep_id", "day"),
    )
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("workspace_id", sa.String(32), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("channel_id", sa.String(32)),
        sa.UniqueConstraint("workspace_id", "name"),
    )
    op.create_table(
        "team_members",
        sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("rep_id", sa.Integer, sa.ForeignKey("reps.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("is_lead", sa.Boolean, nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    for table in ("team_members", "teams", "day_logs", "reps"):
        op.drop_table(table)
