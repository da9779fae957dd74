"""Configuration from the environment and an optional `.env` file."""

from __future__ import annotations

import logging
from datetime import timedelta

from cryptography.fernet import Fernet
from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from coaching.db import check_url
from coaching.outbox import OutboxPolicy

SLACK_API_DEFAULT = "https://slack.com/api/"


class SettingsError(Exception):
    """A missing or malformed setting; the message names it and fits on one line."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_client_id: str | None = None
    slack_client_secret: str | None = None
    repcoach_secret_key: str | None = None
    slack_api_url: str = SLACK_API_DEFAULT
    database_url: str = Field(default="sqlite:///repcoach.db")
    # Every number has bounds a working deployment stays well inside, and none is infinite or NaN: an infinite
    # lease would hold a claimed message for ever, an infinite timeout would hang a sending thread.
    slack_timeout_seconds: float = Field(default=10, gt=0, le=120, allow_inf_nan=False)
    slack_messages_per_minute: float = Field(default=200, gt=0, le=10000, allow_inf_nan=False)
    # Each sending thread holds a database connection while it records an outcome; PostgreSQL's pool is 20.
    slack_send_concurrency: int = Field(default=8, ge=1, le=16)
    # Short enough that a message claimed by a process that died goes out again within the hour.
    outbox_lease_seconds: float = Field(default=120, ge=1, le=3600, allow_inf_nan=False)
    outbox_max_attempts: int = Field(default=8, ge=1, le=100)
    outbox_retry_base_seconds: float = Field(default=2, gt=0, le=3600, allow_inf_nan=False)
    outbox_retry_cap_seconds: float = Field(default=300, gt=0, le=86400, allow_inf_nan=False)
    scheduler_misfire_grace_seconds: int = Field(default=300, ge=1, le=86400)
    retention_months: int | None = Field(default=None, ge=1, le=600)
    # The share of coaching starts kept back as a randomised hold-out (docs/coaching.md, "Effects").
    coaching_holdout_share: float = Field(default=0.1, ge=0, le=0.5, allow_inf_nan=False)

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token(cls, value: str | None) -> str | None:
        if value and not value.startswith("xoxb-"):
            raise ValueError("must be a bot token starting with xoxb-")
        return value or None

    @field_validator("slack_app_token")
    @classmethod
    def _app_token(cls, value: str | None) -> str | None:
        if value and not value.startswith("xapp-"):
            raise ValueError("must be an app-level token starting with xapp-")
        return value or None

    @field_validator("repcoach_secret_key")
    @classmethod
    def _secret_key(cls, value: str | None) -> str | None:
        if value:
            fernet(value)
        return value or None

    @field_validator("slack_signing_secret")
    @classmethod
    def _signing_secret(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value if value.endswith("/") else value + "/"

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        return check_url(value)

    @model_validator(mode="after")
    def _retries_grow(self) -> Settings:
        if self.outbox_retry_base_seconds > self.outbox_retry_cap_seconds:
            raise ValueError(
                f"OUTBOX_RETRY_BASE_SECONDS ({self.outbox_retry_base_seconds:g}) is above "
                f"OUTBOX_RETRY_CAP_SECONDS ({self.outbox_retry_cap_seconds:g}); the first wait cannot exceed the cap"
            )
        return self

    @property
    def distributed(self) -> bool:
        """Installed in many workspaces through OAuth, rather than with one bot token."""
        return bool(self.slack_client_id and self.slack_client_secret and not self.slack_bot_token)

    def require_credentials(self, receiving: bool = True) -> None:
        """A bot token, or OAuth credentials with a key to encrypt tokens at rest; and to receive
        Slack's requests, the signing secret."""
        self.require(
            "repcoach_secret_key" if self.distributed else "slack_bot_token",
            *(["slack_signing_secret"] if receiving else []),
        )

    def outbox_policy(self) -> OutboxPolicy:
        return OutboxPolicy(
            lease=timedelta(seconds=self.outbox_lease_seconds),
            max_attempts=self.outbox_max_attempts,
            retry_base=timedelta(seconds=self.outbox_retry_base_seconds),
            retry_cap=timedelta(seconds=self.outbox_retry_cap_seconds),
        )

    def require(self, *names: str) -> None:
        missing = [name.upper() for name in names if not getattr(self, name)]
        if missing:
            raise SettingsError(f"{' and '.join(missing)} must be set (in the environment or .env)")


def fernet(key: str) -> Fernet:
    """The cipher for REPCOACH_SECRET_KEY; ValueError says how to make a good key."""
    try:
        return Fernet(key.encode())
    except (ValueError, TypeError):
        raise ValueError(
            "must be a Fernet key: 32 bytes, url-safe base64. Make one with "
            "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
        ) from None


def configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        first = error.errors()[0]
        message = first["msg"]
        if not first["loc"]:  # a check across settings, whose message names them
            raise SettingsError(message.removeprefix("Value error, ")) from None
        name = str(first["loc"][0]).upper()
        if message.startswith("Value error, "):  # ours, worded to follow the name
            raise SettingsError(f"{name} {message.removeprefix('Value error, ')}") from None
        shown = str(first.get("input"))[:40]
        raise SettingsError(f"{name} is {shown!r}: {message[:1].lower()}{message[1:]}") from None
