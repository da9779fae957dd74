"""The weekly coaching cycle: each rep's cadence, the focus figure behind a nudge, and its answers as votes.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

ANSWERED_BEFORE = sa.text("feedback IN ('helpful', 'not_for_me')")
# coaching.models.VOTED, written out so the revision never changes with the models: I'll try it counts for a
# practice; Another one and a follow-up's Tried, no difference count against it, as Not for me does.
ANSWERED = sa.text("feedback IN ('helpful', 'trying', 'not_for_me', 'no_difference', 'another')")


def upgrade() -> None:
    with op.batch_alter_table("reps") as reps:
        reps.add_column(sa.Column("cadence", sa.String(8)))
    with op.batch_alter_table("nudges") as nudges:
        nudges.add_column(sa.Column("focus_value", sa.Float()))
    _votes_index(ANSWERED)


def downgrade() -> None:
    _votes_index(ANSWERED_BEFORE)
    with op.batch_alter_table("nudges") as nudges:
        nudges.drop_column("focus_value")
    with op.batch_alter_table("reps") as reps:
        reps.drop_column("cadence")


def _votes_index(answered: sa.TextClause) -> None:
    op.drop_index("ix_nudges_votes", "nudges")
    op.create_index(
        "ix_nudges_votes",
        "nudges",
        ["rep_id", "local_date", "practice_id", "feedback"],
        postgresql_where=answered,
        sqlite_where=answered,
    )
