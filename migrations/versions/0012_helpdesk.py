"""Helpdesk import: per-ticket and per-rating records, agents and their reps, each sync's cursor and health, which
figures of a day were imported and from where, each team's choice of figures, and reps' Slack emails.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reps") as batch:
        batch.add_column(sa.Column("email", sa.String(254), nullable=True))
    op.create_index("ix_reps_workspace_id_email", "reps", ["workspace_id", "email"])
    with op.batch_alter_table("day_logs") as batch:
        batch.add_column(sa.Column("imported_from", sa.String(16), nullable=True))
        batch.add_column(sa.Column("imported_keys", sa.String(120), nullable=True))
    with op.batch_alter_table("teams") as batch:
        batch.add_column(sa.Column("helpdesk_figures", sa.String(120), nullable=True))
    op.create_table(
        "helpdesk_agents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("workspace_id", sa.String(32), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("agent_id", sa.String(40), nullable=False),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("rep_id", sa.Integer, sa.ForeignKey("reps.id", ondelete="SET NULL"), nullable=True),
        sa.UniqueConstraint("workspace_id", "source", "agent_id", name="uq_helpdesk_agents_workspace_id"),
    )
    op.create_index("ix_helpdesk_agents_rep_id", "helpdesk_agents", ["rep_id"])
    op.create_table(
        "helpdesk_links",
        sa.Column("workspace_id", sa.String(32), primary_key=True),
        sa.Column("email", sa.String(254), primary_key=True),
        sa.Column("rep_id", sa.Integer, sa.ForeignKey("reps.id", ondelete="CASCADE"), nullable=False),
    )
    op.create_table(
        "helpdesk_tickets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("workspace_id", sa.String(32), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("ticket_id", sa.String(40), nullable=False),
        sa.Column("agent_id", sa.String(40), nullable=True),
        sa.Column("solved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reopened", sa.Boolean, nullable=False),
        sa.Column("at_most_one_reply", sa.Boolean, nullable=False),
        sa.Column("complaint", sa.Boolean, nullable=False),
        sa.UniqueConstraint("workspace_id", "source", "ticket_id", name="uq_helpdesk_tickets_workspace_id"),
    )
    op.create_index(
        "ix_helpdesk_tickets_agent_solved", "helpdesk_tickets", ["workspace_id", "source", "agent_id", "solved_at"]
    )
    op.create_table(
        "helpdesk_ratings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("workspace_id", sa.String(32), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("rating_id", sa.String(40), nullable=False),
        sa.Column("ticket_id", sa.String(40), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("workspace_id", "source", "rating_id", name="uq_helpdesk_ratings_workspace_id"),
    )
    op.create_index("ix_helpdesk_ratings_ticket", "helpdesk_ratings", ["workspace_id", "source", "ticket_id"])
    op.create_table(
        "helpdesk_syncs",
        sa.Column("workspace_id", sa.String(32), primary_key=True),
        sa.Column("source", sa.String(16), primary_key=True),
        sa.Column("backfill_from", sa.Date, nullable=False),
        sa.Column("tickets_cursor", sa.Text, nullable=True),
        sa.Column("ratings_cursor", sa.Text, nullable=True),
        sa.Column("pending_days", sa.JSON, nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("succeeded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failure", sa.String(300), nullable=True),
        sa.Column("failure_kind", sa.String(16), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    for table in ("helpdesk_syncs", "helpdesk_ratings", "helpdesk_tickets", "helpdesk_links", "helpdesk_agents"):
        op.drop_table(table)
    with op.batch_alter_table("teams") as batch:
        batch.drop_column("helpdesk_figures")
    with op.batch_alter_table("day_logs") as batch:
        batch.drop_column("imported_keys")
        batch.drop_column("imported_from")
    op.drop_index("ix_reps_workspace_id_email", "reps")
    with op.batch_alter_table("reps") as batch:
        batch.drop_column("email")
