import time

import pytest

from tests.slack_requests import signed_headers, slash_command_body
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
