"""slack_sdk's installation and OAuth state tables, for multi-workspace installs.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Fixed here rather than imported, so this revision keeps creating the same tables.
INSTALLATIONS, BOTS, STATES = "slack_installations", "slack_bots", "slack_oauth_states"


def tables() -> list[sa.Table]:
    metadata = sa.MetaData()
    return [
        SQLAlchemyInstallationStore.build_installations_table(metadata, INSTALLATIONS),
        SQLAlchemyInstallationStore.build_bots_table(metadata, BOTS),
        SQLAlchemyOAuthStateStore.build_oauth_states_table(metadata, STATES),
    ]


def upgrade() -> None:
    for table in tables():
        table.create(op.get_bind())


def downgrade() -> None:
    for table in reversed(tables()):
        table.drop(op.get_bind())
