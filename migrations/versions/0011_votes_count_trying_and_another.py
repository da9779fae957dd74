"""The votes index covers every answer that steers the choice: I'll try it and Another one count too.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

BEFORE = sa.text("feedback IN ('helpful', 'not_for_me', 'no_difference')")
# coaching.models.VOTED, written out here so the revision never changes with the models.
VOTED = sa.text("feedback IN ('helpful', 'trying', 'not_for_me', 'no_difference', 'another')")


def upgrade() -> None:
    _votes_index(VOTED)


def downgrade() -> None:
    _votes_index(BEFORE)


def _votes_index(answered: sa.TextClause) -> None:
    op.drop_index("ix_nudges_votes", "nudges")
    op.create_index(
        "ix_nudges_votes",
        "nudges",
        ["rep_id", "local_date", "practice_id", "feedback"],
        postgresql_where=answered,
        sqlite_where=answered,
    )
