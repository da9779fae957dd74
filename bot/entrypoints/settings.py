"""Configuration from the environment and an optional `.env` file."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import cast

from cryptography.fernet import Fernet
from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from coaching.db import check_url
from coaching.helpdesk.connector import Connector, Helpdesks
from coaching.helpdesk.freshdesk import freshdesk_connector
from coaching.helpdesk.http import RetryPolicy
from coaching.helpdesk.zendesk import zendesk_connector
from coaching.imports import is_workspace_id
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
    # Helpdesk import (docs/helpdesk.md): each helpdesk is synced when its URL and credentials are set.
    zendesk_api_url: str | None = None
    zendesk_email: str | None = None
    zendesk_api_token: str | None = None
    freshdesk_api_url: str | None = None
    freshdesk_api_key: str | None = None
    helpdesk_sync_minutes: float = Field(default=15, ge=1, le=1440, allow_inf_nan=False)
    helpdesk_complaint_tag: str = Field(default="complaint", min_length=1, max_length=80)
    helpdesk_workspace_id: str | None = None
    helpdesk_timeout_seconds: float = Field(default=30, gt=0, le=300, allow_inf_nan=False)
    # The longest Retry-After a sync sleeps through; past it, the sync stops and the next one resumes.
    helpdesk_longest_wait_seconds: float = Field(default=60, ge=0, le=900, allow_inf_nan=False)

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

    @field_validator("zendesk_api_url", "freshdesk_api_url")
    @classmethod
    def _helpdesk_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL, like https://acme.zendesk.com/api/v2/")
        return value if value.endswith("/") else value + "/"

    @field_validator("helpdesk_workspace_id")
    @classmethod
    def _helpdesk_workspace(cls, value: str | None) -> str | None:
        if value and not is_workspace_id(value):
            raise ValueError("must be a Slack workspace (team) id, like T012AB3CD")
        return value or None

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

    @model_validator(mode="after")
    def _helpdesk_credentials(self) -> Settings:
        wanted = {
            "ZENDESK_API_URL": (
                self.zendesk_api_url,
                {"ZENDESK_EMAIL": self.zendesk_email, "ZENDESK_API_TOKEN": self.zendesk_api_token},
            ),
            "FRESHDESK_API_URL": (self.freshdesk_api_url, {"FRESHDESK_API_KEY": self.freshdesk_api_key}),
        }
        for url_name, (url, credentials) in wanted.items():
            missing = [name for name, value in credentials.items() if not value]
            if url and missing:
                raise ValueError(f"{url_name} is set but {' and '.join(missing)} is not; set both, or neither")
            if url and self.distributed and not self.helpdesk_workspace_id:
                raise ValueError(
                    f"{url_name} is set for an app installed in many workspaces; set HELPDESK_WORKSPACE_ID to the "
                    "one its figures belong to"
                )
        return self

    @property
    def helpdesk_sources(self) -> tuple[str, ...]:
        """The helpdesks whose URL is set (the validator above requires their credentials with it)."""
        urls = {"zendesk": self.zendesk_api_url, "freshdesk": self.freshdesk_api_url}
        return tuple(source for source, url in urls.items() if url)

    def helpdesks(self) -> Helpdesks:
        """The helpdesks to sync: those whose URL is set."""
        retry = RetryPolicy(longest_wait_seconds=self.helpdesk_longest_wait_seconds)
        connectors: list[Connector] = []
        if self.zendesk_api_url:
            connectors.append(
                zendesk_connector(
                    api_url=self.zendesk_api_url,
                    email=cast(str, self.zendesk_email),  # the validator above requires them with the URL
                    api_token=cast(str, self.zendesk_api_token),
                    timeout_seconds=self.helpdesk_timeout_seconds,
                    retry=retry,
                )
            )
        if self.freshdesk_api_url:
            connectors.append(
                freshdesk_connector(
                    api_url=self.freshdesk_api_url,
                    api_key=cast(str, self.freshdesk_api_key),
                    timeout_seconds=self.helpdesk_timeout_seconds,
                    retry=retry,
                )
            )
        return Helpdesks(
            connectors=tuple(connectors),
            every=timedelta(minutes=self.helpdesk_sync_minutes),
            complaint_tag=self.helpdesk_complaint_tag.strip().lower(),
            workspace_id=self.helpdesk_workspace_id,
        )

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
    # A line for every helpdesk page would bury the sync's own.
    logging.getLogger("httpx").setLevel(logging.WARNING)


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
