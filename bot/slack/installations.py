"""Multi-workspace installs: slack_sdk's SQLAlchemy stores in our database, with tokens encrypted at rest."""

from __future__ import annotations

import copy

from cryptography.fernet import Fernet, InvalidToken
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine

from bot.entrypoints.settings import Settings, fernet
from coaching.models import Base

INSTALLATIONS_TABLE = "slack_installations"
BOTS_TABLE = "slack_bots"
OAUTH_STATES_TABLE = "slack_oauth_states"
TOKEN_FIELDS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token")

# Alembic creates these tables (migrations/versions/0005); on our metadata too, they are part of the
# schema the rest of the code and the tests know about.
SQLAlchemyInstallationStore.build_installations_table(Base.metadata, INSTALLATIONS_TABLE)
SQLAlchemyInstallationStore.build_bots_table(Base.metadata, BOTS_TABLE)
SQLAlchemyOAuthStateStore.build_oauth_states_table(Base.metadata, OAUTH_STATES_TABLE)


class EncryptedInstallationStore(SQLAlchemyInstallationStore):
    """Encrypts every token before it is stored and decrypts it when read back."""

    def __init__(self, client_id: str, engine: Engine, cipher: Fernet):
        super().__init__(client_id, engine, bots_table_name=BOTS_TABLE, installations_table_name=INSTALLATIONS_TABLE)
        self.cipher = cipher

    def save(self, installation: Installation) -> None:
        super().save(self._transform(installation, self._encrypt))

    def save_bot(self, bot: Bot) -> None:
        # save() hands over a bot made from the already encrypted installation.
        super().save_bot(bot if self._is_encrypted(bot.bot_token) else self._transform(bot, self._encrypt))

    def find_bot(self, **kwargs) -> Bot | None:
        return self._transform(super().find_bot(**kwargs), self._decrypt)

    def find_installation(self, **kwargs) -> Installation | None:
        return self._transform(super().find_installation(**kwargs), self._decrypt)

    def _transform(self, entity, change):
        if entity is None:
            return None
        changed = copy.copy(entity)
        for name in TOKEN_FIELDS:
            if getattr(changed, name, None):
                setattr(changed, name, change(getattr(changed, name)))
        return changed

    def _encrypt(self, token: str) -> str:
        return self.cipher.encrypt(token.encode()).decode()

    def _decrypt(self, token: str) -> str:
        return self.cipher.decrypt(token.encode()).decode()

    def _is_encrypted(self, token: str | None) -> bool:
        if not token:
            return True
        try:
            self.cipher.decrypt(token.encode())
        except InvalidToken:
            return False
        return True


# What the app asks for when installed; the same list as slack-manifest.yml.
SCOPES = [
    "commands",
    "chat:write",
    "users:read",
    "users:read.email",
    "files:write",
    "im:write",
    "channels:join",
    "im:history",
    "channels:history",
    "groups:history",
]


def state_store(engine: Engine) -> SQLAlchemyOAuthStateStore:
    return SQLAlchemyOAuthStateStore(expiration_seconds=600, engine=engine, table_name=OAUTH_STATES_TABLE)


def installation_store(settings: Settings, engine: Engine) -> EncryptedInstallationStore:
    """Only in OAuth mode, where `Settings.require_credentials` has checked the client id and the key."""
    settings.require("slack_client_id", "repcoach_secret_key")
    assert settings.slack_client_id is not None and settings.repcoach_secret_key is not None
    return EncryptedInstallationStore(settings.slack_client_id, engine, fernet(settings.repcoach_secret_key))
