import logging
import time

import httpx
import pytest
from slack_bolt import App

from bot.entrypoints.web import create_web_app
from coaching import db
from tests.conftest import free_socket, serving
from tests.slack_requests import BOT_TOKEN, SIGNING_SECRET, signed_headers, slash_command_body
from tests.stored import snapshot


def body(bot) -> str:
    return slash_command_body("/log", "contacts=30", "U0ANNA", bot.slack.response_url())


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(lambda text: {"Content-Type": "application/x-www-form-urlencoded"}, id="missing"),
        pytest.param(lambda text: signed_headers(text, secret="not-the-secret"), id="wrong"),
        pytest.param(lambda text: signed_headers(text, timestamp=int(time.time()) - 301), id="stale"),
        pytest.param(lambda text: signed_headers(text + "&text=fcr%3D1"), id="body-changed"),
    ],
)
def test_a_request_without_a_valid_fresh_signature_is_refused_and_reaches_no_handler(bot, sessions, slack, headers):
    text = body(bot)
    before = snapshot(sessions)

    response = bot.post(text, headers(text))

    assert response.status_code == 401
    assert slack.calls == []
    assert snapshot(sessions) == before


def test_a_signature_within_five_minutes_is_accepted(bot, sessions):
    text = body(bot)
    assert bot.post(text, signed_headers(text, timestamp=int(time.time()) - 200)).status_code == 200


def test_health_check_answers_with_a_small_json_body(bot):
    response = bot.http.get(f"{bot.url}/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok", "database": "ok"}


@pytest.fixture
def served_without_its_database():
    """The web app over a PostgreSQL URL where nothing listens; yields its base URL."""
    with free_socket() as nothing_listens:
        host, port = nothing_listens.getsockname()
        engine = db.make_engine(f"postgresql+psycopg://repcoach@{host}:{port}/repcoach")
        bolt_app = App(token=BOT_TOKEN, signing_secret=SIGNING_SECRET, token_verification_enabled=False)
        with serving(create_web_app(bolt_app, engine)) as url:
            yield url
    engine.dispose()


def test_health_check_says_when_the_database_is_unreachable(served_without_its_database):
    response = httpx.get(f"{served_without_its_database}/healthz")
    assert response.status_code == 503 and response.json() == {"status": "unhealthy", "database": "unreachable"}


def test_a_request_that_cannot_be_checked_for_a_replay_is_refused_in_one_line(served_without_its_database, caplog):
    text = slash_command_body("/log", "contacts=30", "U0ANNA", "http://127.0.0.1:9/response")
    response = httpx.post(f"{served_without_its_database}/slack/events", content=text, headers=signed_headers(text))
    assert (response.status_code, response.text) == (503, "database unavailable")
    [logged] = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert "replay record failed" in logged.getMessage() and "\n" not in logged.getMessage()
    assert logged.exc_info is None
