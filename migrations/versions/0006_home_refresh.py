"""The Monday on which each person's Home tab was last refreshed by the weekly job.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reps") as reps:
        reps.add_column(sa.Column("home_refreshed_on", sa.Date))


def downgrade() -> None:
    with op.batch_alter_table("reps") as reps:
        reps.drop_column("home_refreshed_on")
