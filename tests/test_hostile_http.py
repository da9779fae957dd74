"""What a stranger (or a replay) can send to /slack/events: refused with a 4xx before anything is parsed or stored,
never a 500, never a traceback in the log; a signed request replayed, or retried by Slack, runs once."""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.entrypoints.slack_guard import MAX_BODY_BYTES, SeenRequest, SeenRequests
from tests.slack_requests import SIGNING_SECRET, event_body, signed_headers, slash_command_body
from tests.stored import logged_days, snapshot

FORM = "application/x-www-form-urlencoded"
MALFORMED = {
    "bad JSON": (b'{"type": "event_callback", ', "application/json"),
    "a JSON array": (b'[{"type": "event_callback"}]', "application/json"),
    "JSON null": (b"null", "application/json"),
    "payload that is not JSON": (b"payload=%7Bnot-json", FORM),
    "a payload array": (b"payload=%5B1%2C2%5D", FORM),
    "binary": (bytes(range(256)) * 4, "application/octet-stream"),
    "invalid UTF-8": (b"command=%2Flog&text=\xff\xfe\xfa", FORM),
}


def signed(body: bytes, content_type: str = FORM) -> dict[str, str]:
    stamp = str(int(time.time()))
    digest = hmac.new(SIGNING_SECRET.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}", "Content-Type": content_type}


@pytest.fixture
def errors(caplog):
    """Every record at ERROR or above, uvicorn's own included (they do not reach the root logger)."""
    loggers = [logging.getLogger(name) for name in ("uvicorn", "uvicorn.error")]
    for logger in loggers:
        logger.addHandler(caplog.handler)
    yield lambda: [record for record in caplog.records if record.levelno >= logging.ERROR]
    for logger in loggers:
        logger.removeHandler(caplog.handler)


def send(bot, body: bytes, headers: dict[str, str]):
    return bot.http.post(f"{bot.url}/slack/events", content=body, headers=headers)


@pytest.mark.parametrize("name", MALFORMED)
def test_an_unsigned_body_of_any_shape_is_refused_with_401_unread(bot, sessions, slack, errors, name):
    body, content_type = MALFORMED[name]
    before = snapshot(sessions)

    response = send(bot, body, {"Content-Type": content_type})

    assert response.status_code == 401
    assert (errors(), slack.calls, snapshot(sessions)) == ([], [], before)


@pytest.mark.parametrize("name", MALFORMED)
def test_a_signed_body_bolt_could_not_read_is_refused_with_400(bot, sessions, slack, errors, name):
    body, content_type = MALFORMED[name]
    before = snapshot(sessions)

    response = send(bot, body, signed(body, content_type))

    assert response.status_code == 400
    assert (errors(), slack.calls, snapshot(sessions)) == ([], [], before)


def test_a_body_over_the_bound_is_refused_with_413_signed_or_not(bot, sessions, slack, errors):
    body = b"text=" + b"a" * MAX_BODY_BYTES
    before = snapshot(sessions)

    assert send(bot, body, {"Content-Type": FORM}).status_code == 413
    assert send(bot, body, signed(body)).status_code == 413
    # Sent in chunks, with no Content-Length to refuse it by: it is read only up to the bound.
    chunked = bot.http.post(f"{bot.url}/slack/events", content=iter([body[:500_000]] * 3), headers=signed(body))
    assert chunked.status_code == 413
    assert (errors(), slack.calls, snapshot(sessions)) == ([], [], before)


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=00"},
        {"X-Slack-Request-Timestamp": "-1", "X-Slack-Signature": "v0=00"},
        {"X-Slack-Request-Timestamp": "9" * 40, "X-Slack-Signature": "v0=00"},
        {"X-Slack-Signature": "v0=00"},
    ],
    ids=["words", "negative", "huge", "missing"],
)
def test_a_nonsense_timestamp_is_a_401(bot, sessions, errors, headers):
    body = slash_command_body("/log", "contacts=30", "U0ANNA", bot.slack.response_url())
    assert bot.post(body, {**headers, "Content-Type": FORM}).status_code == 401
    assert errors() == []


def log_request(bot, text: str) -> tuple[str, dict[str, str]]:
    body = slash_command_body("/log", text, "U0ANNA", bot.slack.response_url())
    return body, signed_headers(body)


def test_a_replayed_request_is_answered_empty_and_runs_nothing(bot, sessions):
    first = log_request(bot, "contacts=30")
    assert "Logged" in bot.post(*first).text
    assert "Contacts: 30 → 40" in bot.post(*log_request(bot, "contacts=40")).json()["text"]

    replay = bot.post(*first)

    assert (replay.status_code, replay.content) == (200, b"")
    [day] = logged_days(sessions)
    assert day.contacts == 40  # the replay did not set it back to 30


def test_slacks_retries_are_acknowledged_without_running_again(bot, sessions):
    assert "Logged" in bot.post(*log_request(bot, "contacts=40")).json()["text"]
    body, headers = log_request(bot, "contacts=50")

    retry = bot.post(body, {**headers, "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})

    assert (retry.status_code, retry.content) == (200, b"")
    [day] = logged_days(sessions)
    assert day.contacts == 40


def test_an_event_slack_sends_again_after_an_error_answer_is_handled(bot):
    body = event_body({"type": "app_home_opened", "user": "U0ANNA", "channel": "D0X", "tab": "home", "event_ts": "1.1"})
    headers = signed_headers(body) | {"Content-Type": "application/json"}

    # As after a 503 while the database was unreachable: the first delivery did nothing.
    retry = bot.post(body, {**headers, "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"})

    assert retry.status_code == 200
    [published] = bot.slack.wait_for("views.publish")
    assert published.args["user_id"] == "U0ANNA"


def test_replicas_share_the_signatures_they_have_seen_and_forget_them_after_five_minutes(engine, sessions):
    one, other = SeenRequests(engine), SeenRequests(engine)
    stale = datetime.now(UTC) - timedelta(minutes=6)
    with engine.begin() as connection:
        connection.execute(SeenRequest.__table__.insert(), [{"signature": "v0=old", "seen_at": stale}])

    assert one.first_time("v0=abc") is True
    assert other.first_time("v0=abc") is False
    assert other.first_time("v0=def") is True

    with engine.connect() as connection:
        kept = set(connection.scalars(select(SeenRequest.signature)))
    assert {"v0=abc", "v0=def"} <= kept and "v0=old" not in kept
