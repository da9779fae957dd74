"""Real parts for every test: a migrated database (SQLite file, or PostgreSQL when
REPCOACH_TEST_DATABASE names one), the Slack stand-in, and the bot served over HTTP by uvicorn."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import uvicorn
from sqlalchemy import text
from starlette.applications import Starlette

from bot.after_answer import wait_until_done
from bot.app import build_app
from bot.delivery.pacing import ChannelPacer, TokenBucket
from bot.deps import Deps
from bot.dev.local_slack import LocalSlack
from bot.entrypoints.settings import Settings
from bot.entrypoints.web import create_web_app
from bot.slack.client import WorkspaceClients
from coaching import db
from coaching.models import Base
from coaching.outbox import OutboxPolicy
from tests.slack_requests import (
    BOT_TOKEN,
    SIGNING_SECRET,
    block_action_body,
    signed_headers,
    slash_command_body,
    view_submission_body,
)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    return os.environ.get("REPCOACH_TEST_DATABASE") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'repcoach.db'}"


@pytest.fixture(scope="session")
def engine(database_url):
    engine = db.make_engine(database_url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    db.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine):
    """Sessions on a database emptied before each test."""
    with engine.begin() as connection:
        tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
        if engine.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))
    return db.make_sessions(engine)


class Clock:
    """The bot's notion of now; real time unless a test sets it."""

    def __init__(self) -> None:
        self.fixed: datetime | None = None

    def now(self) -> datetime:
        return self.fixed or datetime.now(UTC)


@pytest.fixture(scope="session")
def slack_session():
    stand_in = LocalSlack().start()
    yield stand_in
    stand_in.stop()


@pytest.fixture
def slack(slack_session) -> LocalSlack:
    slack_session.reset()
    for user_id in ("U0ANNA", "U0BRUNO", "U0CARLA"):
        slack_session.add_user(user_id)
    return slack_session


@pytest.fixture(scope="session")
def clock_session() -> Clock:
    return Clock()


@pytest.fixture
def clock(clock_session) -> Clock:
    clock_session.fixed = None
    return clock_session


@dataclass
class Bot:
    url: str
    slack: LocalSlack
    http: httpx.Client
    deps: Deps

    def post(self, body: str, headers: dict[str, str]) -> httpx.Response:
        return self.http.post(f"{self.url}/slack/events", content=body, headers=headers)

    def slash(self, command: str, text: str = "", user: str = "U0ANNA") -> httpx.Response:
        body = slash_command_body(command, text, user, self.slack.response_url())
        return self.post(body, signed_headers(body))

    def log(self, text: str = "", user: str = "U0ANNA") -> dict:
        response = self.slash("/log", text, user)
        assert response.status_code == 200, response.text
        return response.json()

    def click(self, action_id: str, value: str, user: str = "U0ANNA", message: dict | None = None) -> httpx.Response:
        body = block_action_body(action_id, value, user, self.slack.response_url("action"), message)
        return self.post(body, signed_headers(body))

    def submit_view(self, callback_id: str, state_values: dict, user: str = "U0ANNA") -> httpx.Response:
        body = view_submission_body(callback_id, state_values, user)
        return self.post(body, signed_headers(body))


def free_socket() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return sock


@pytest.fixture(scope="session")
def bot_session(engine, slack_session, clock_session, database_url):
    settings = Settings(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack_session.api_url,
        database_url=database_url,
    )
    # No pause between posts to one channel: simulated days pass in milliseconds here.
    deps = Deps(
        db.make_sessions(engine),
        now=clock_session.now,
        bucket=TokenBucket(60_000, burst=1000),
        pacer=ChannelPacer(interval=0),
        outbox=OutboxPolicy(retry_base=timedelta(milliseconds=10)),
        clients=WorkspaceClients(slack_session.api_url, timeout=10, token=BOT_TOKEN),
        # Kept out of the tests that expect a message; tests/test_nudges.py tests the hold-out itself.
        holdout_share=0,
    )
    with serving(create_web_app(build_app(settings, deps), engine)) as url, httpx.Client(timeout=10) as http:
        yield Bot(url, slack_session, http, deps)


@contextmanager
def serving(web_app: Starlette) -> Iterator[str]:
    """Serves `web_app` with uvicorn on a free port, on a thread; yields its base URL."""
    server = uvicorn.Server(uvicorn.Config(web_app, log_level="warning"))
    sock = free_socket()
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    host, port = sock.getsockname()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(5)


@pytest.fixture
def bot(bot_session, sessions, slack, clock) -> Iterator[Bot]:
    yield bot_session
    assert wait_until_done(timeout=10), "work after an answer was still running 10 s after the test"
