"""Indexes the benchmarks asked for: a rep's teams, and the practices reps turned down.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

NOT_FOR_ME = sa.text("feedback = 'not_for_me'")


def upgrade() -> None:
    # The primary key leads with team_id; looking up a rep's teams scanned the whole table.
    op.create_index("ix_team_members_rep", "team_members", ["rep_id"])
    op.create_index(
        "ix_nudges_not_for_me",
        "nudges",
        ["rep_id", "practice_id"],
        postgresql_where=NOT_FOR_ME,
        sqlite_where=NOT_FOR_ME,
    )


def downgrade() -> None:
    op.drop_index("ix_nudges_not_for_me", "nudges")
    op.drop_index("ix_team_members_rep", "team_members")
