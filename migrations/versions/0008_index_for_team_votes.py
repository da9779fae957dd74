"""An index for the team votes that steer the nudge choice: each rep's answers by date.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ANSWERED = sa.text("feedback IN ('helpful', 'not_for_me')")


def upgrade() -> None:
    # coaching.schedule.team_votes reads the last 180 days of answers of the due reps' teams. Without it, every
    # sweep that planned a nudge aggregated every answer ever given, and grew with the history.
    op.create_index(
        "ix_nudges_votes",
        "nudges",
        ["rep_id", "local_date", "practice_id", "feedback"],
        postgresql_where=ANSWERED,
        sqlite_where=ANSWERED,
    )


def downgrade() -> None:
    op.drop_index("ix_nudges_votes", "nudges")
