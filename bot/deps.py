"""What the listeners need from outside Slack, handed to them once at start-up."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.delivery.pacing import ChannelPacer, TokenBucket
from bot.entrypoints.settings import Settings
from bot.slack.client import WorkspaceClients
from bot.slack.installations import installation_store
from coaching import db
from coaching.definition import ScorecardDefinition, default_definition
from coaching.helpdesk.connector import Helpdesks
from coaching.library import Library, default_library
from coaching.outbox import OutboxPolicy


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Deps:
    sessions: sessionmaker[Session]
    now: Callable[[], datetime] = utc_now
    definition: ScorecardDefinition = field(default_factory=default_definition)
    library: Library = field(default_factory=default_library)
    # Seeds the practice choice, so the same inputs always give the same nudge.
    seed: str = "repcoach"
    outbox: OutboxPolicy = field(default_factory=OutboxPolicy)
    # One budget for the whole workspace in this process, and Slack's one-a-second per channel.
    bucket: TokenBucket = field(default_factory=lambda: TokenBucket(200))
    pacer: ChannelPacer = field(default_factory=ChannelPacer)
    # How many outbox messages are posted at once, each from its own thread, to different conversations.
    send_concurrency: int = 8
    clients: WorkspaceClients | None = None
    # The share of due coaching weeks (or days, on the daily cadence) kept back, to measure effects against.
    holdout_share: float = 0.1
    helpdesk: Helpdesks = field(default_factory=Helpdesks)

    @property
    def engine(self) -> Engine:
        engine: Engine = self.sessions.kw["bind"]
        return engine

    @property
    def slack_clients(self) -> WorkspaceClients:
        """The Slack clients, for what cannot run without them; tests of the domain build Deps without."""
        if self.clients is None:
            raise RuntimeError("these dependencies were built without Slack clients")
        return self.clients


def deps_from_settings(settings: Settings, sessions: sessionmaker[Session], installations=None) -> Deps:
    """`installations` is the OAuth installation store, when the app is installed in many workspaces."""
    clients = WorkspaceClients(
        settings.slack_api_url, settings.slack_timeout_seconds, settings.slack_bot_token, installations
    )
    return Deps(
        sessions,
        outbox=settings.outbox_policy(),
        bucket=TokenBucket(settings.slack_messages_per_minute),
        send_concurrency=settings.slack_send_concurrency,
        clients=clients,
        holdout_share=settings.coaching_holdout_share,
        helpdesk=settings.helpdesks(),
    )


def slack_deps(settings: Settings, engine: Engine) -> Deps:
    """The listeners' and jobs' dependencies, with the installation store when installed through OAuth."""
    installations = installation_store(settings, engine) if settings.distributed else None
    return deps_from_settings(settings, db.make_sessions(engine), installations)
