"""One start-up for every command: the database engine (reachable, its schema current), its sessions, and, for the
commands that speak Slack, the Web API clients and the listeners' and jobs' dependencies, each built once.

A start-up that cannot go on raises `CommandError`, which the command prints as one line on stderr.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from bot.deps import Deps, slack_deps
from bot.entrypoints.settings import Settings
from coaching import db


class CommandError(Exception):
    """Stops the command with one line on stderr and exit status 1."""


@dataclass
class Runtime:
    settings: Settings
    engine: Engine

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        return db.make_sessions(self.engine)

    @cached_property
    def deps(self) -> Deps:
        """The listeners' and jobs' dependencies: the Slack clients, and the installation store under OAuth."""
        return slack_deps(self.settings, self.engine)


def bootstrap(settings: Settings, *, migrate: bool = False, schema_current: bool = True) -> Runtime:
    """Connects to the database, upgrading it first with `migrate`; with `schema_current`, refuses a stale schema."""
    engine = connect(settings, migrate=migrate)
    if schema_current and db.current_revision(engine) != db.head_revision(engine):
        raise CommandError("the database schema is not up to date; run `repcoach db upgrade` first")
    return Runtime(settings, engine)


def connect(settings: Settings, *, migrate: bool = False) -> Engine:
    engine = db.make_engine(settings.database_url)
    try:
        if migrate:
            db.upgrade(engine)
        else:
            db.current_revision(engine)
    except DBAPIError as error:
        # Unreachable, refused, or no database at all (a SQLite URL naming some other file): each is one line.
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        raise CommandError(f"cannot use the database at {engine.url.render_as_string()}: {reason}") from None
    return engine
