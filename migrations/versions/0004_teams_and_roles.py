"""Roles, team targets and timezones, kudos, and recognition opt-outs.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reps") as reps:
        reps.add_column(sa.Column("slack_admin", sa.Boolean, nullable=False, server_default=sa.false()))
        reps.add_column(sa.Column("named_admin", sa.Boolean, nullable=False, server_default=sa.false()))
        reps.add_column(sa.Column("recognition_opt_out", sa.Boolean, nullable=False, server_default=sa.false()))
    op.create_table(
        "team_targets",
        sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("metric", sa.String(40), primary_key=True),
        sa.Column("target", sa.Float, nullable=False),
    )
    op.create_table(
        "kudos",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id", ondelete="CASCADE"), nullable=False),
        sa.Column("giver_id", sa.Integer, sa.ForeignKey("reps.id", ondelete="CASCADE"), nullable=False),
        sa.Column("receiver_id", sa.Integer, sa.ForeignKey("reps.id", ondelete="CASCADE"), nullable=False),
        sa.Column("reason", sa.String(300), nullable=False),
        sa.Column("given_on", sa.Date, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Index("ix_kudos_giver_day", "giver_id", "given_on"),
        sa.Index("ix_kudos_team_day", "team_id", "given_on"),
    )


def downgrade() -> None:
    op.drop_table("kudos")
    op.drop_table("team_targets")
    with op.batch_alter_table("reps") as reps:
        for column in ("recognition_opt_out", "named_admin", "slack_admin"):
            reps.drop_column(column)
