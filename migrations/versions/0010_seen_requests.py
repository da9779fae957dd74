"""Signed Slack requests seen in the last five minutes, so a replayed one has one effect on every replica.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "seen_requests",
        # X-Slack-Signature: an HMAC of the timestamp and the body, so one value per request Slack sent.
        sa.Column("signature", sa.String(100), primary_key=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    # Rows older than Slack's five-minute window are deleted by this column's range.
    op.create_index("ix_seen_requests_seen_at", "seen_requests", ["seen_at"])


def downgrade() -> None:
    op.drop_table("seen_requests")
