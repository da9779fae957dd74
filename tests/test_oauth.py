"""Installing into several workspaces with OAuth: encrypted tokens, isolation, and leaving a workspace."""

import re
import subprocess
import time
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from bot.dev.local_slack import dm_channel
from tests.slack_requests import SIGNING_SECRET, event_body, signed_headers, slash_command_body
from tests.test_cli import REPCOACH, repcoach, serving

KEY = Fernet.generate_key().decode()
OAUTH = {"SLACK_BOT_TOKEN": "", "SLACK_CLIENT_ID": "111.222", "SLACK_CLIENT_SECRET": "shh", "REPCOACH_SECRET_KEY": KEY}


def install(base: str, workspace: str) -> httpx.Response:
    page = httpx.get(f"{base}/slack/install")
    assert page.status_code == 200
    link = re.search(r'href="(https://slack.com/oauth/v2/authorize[^"]+)"', page.text)[1]
    state = parse_qs(urlparse(link.replace("&amp;", "&")).query)["state"][0]
    cookie = page.headers["set-cookie"].split(";")[0]
    return httpx.get(
        f"{base}/slack/oauth_redirect", params={"code": f"code-{workspace}", "state": state}, headers={"Cookie": cookie}
    )


def slash(base: str, command: str, words: str, user: str, workspace: str, slack) -> dict:
    body = slash_command_body(command, words, user, slack.response_url(), team_id=workspace)
    return httpx.post(f"{base}/slack/events", content=body, headers=signed_headers(body)).json()


def test_two_workspaces_install_with_encrypted_tokens_and_never_see_each_others_data(
    sessions, database_url, slack, tmp_path
):
    for user in ("U0SAME", "U0OTHER"):
        slack.add_user(user)
    with serving(database_url, slack, tmp_path, "--no-scheduler", **OAUTH) as base:
        assert install(base, "T0ONE").status_code == 200
        assert install(base, "T0TWO").status_code == 200
        with sessions() as session:
            stored = session.execute(text("SELECT team_id, bot_token FROM slack_bots ORDER BY team_id")).all()
        assert [team for team, _ in stored] == ["T0ONE", "T0TWO"]
        assert all("xoxb" not in token for _, token in stored)  # encrypted at rest
        assert Fernet(KEY).decrypt(stored[0][1].encode()).decode() == "xoxb-T0ONE-secret"

        assert "Logged" in slash(base, "/log", "contacts=30 fcr=27", "U0SAME", "T0ONE", slack)["text"]
        # The same user id in the other workspace has logged nothing there.
        assert "Nothing logged this week yet" in slash(base, "/scorecard", "", "U0SAME", "T0TWO", slack)["text"]
        mine = slash(base, "/scorecard", "", "U0SAME", "T0ONE", slack)["blocks"]
        assert "First-contact resolution: *90%*" in str(mine)
        # Each workspace's Web API calls carry that workspace's own token.
        tokens = {call.headers.get("Authorization") for call in slack.calls_to("users.info")}
        assert tokens == {"Bearer xoxb-T0ONE-secret", "Bearer xoxb-T0TWO-secret"}


def test_uninstalling_deletes_that_workspaces_tokens_and_stops_its_messages(sessions, database_url, slack, tmp_path):
    slack.add_user("U0ONE")
    slack.add_user("U0TWO")
    with serving(database_url, slack, tmp_path, "--no-scheduler", **OAUTH) as base:
        install(base, "T0ONE")
        install(base, "T0TWO")
        slash(base, "/log", "contacts=10", "U0ONE", "T0ONE", slack)
        slash(base, "/log", "contacts=10", "U0TWO", "T0TWO", slack)
        body = event_body({"type": "app_uninstalled", "event_ts": "1.2"}, team_id="T0ONE")
        response = httpx.post(
            f"{base}/slack/events", content=body, headers=signed_headers(body) | {"Content-Type": "application/json"}
        )
        assert response.status_code == 200
        deadline = time.monotonic() + 5
        while True:
            with sessions() as session:
                teams = session.execute(text("SELECT team_id FROM slack_bots")).scalars().all()
            if teams == ["T0TWO"] or time.monotonic() > deadline:
                break
    assert teams == ["T0TWO"]

    environment = {**OAUTH, "SLACK_API_URL": slack.api_url, "SLACK_SIGNING_SECRET": SIGNING_SECRET}
    result = repcoach(
        "jobs", "run", "nudges", "--at", "2026-11-24T09:30:00+01:00", database_url=database_url, **environment
    )
    assert result.returncode == 0, result.stderr
    assert [call.args["channel"] for call in slack.calls_to("chat.postMessage")] == ["U0TWO"]
    assert slack.delivered() == {dm_channel("U0TWO"): 1}


@pytest.mark.parametrize(
    "env, message",
    [
        (
            {k: v for k, v in OAUTH.items() if k != "REPCOACH_SECRET_KEY"},
            "REPCOACH_SECRET_KEY and SLACK_SIGNING_SECRET must be set",
        ),
        (dict(OAUTH, REPCOACH_SECRET_KEY="not-a-key"), "REPCOACH_SECRET_KEY must be a Fernet key"),
    ],
)
def test_oauth_mode_refuses_to_start_without_a_good_key(tmp_path, env, message):
    result = subprocess.run(
        [REPCOACH, "serve"],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=tmp_path,
        env={"PATH": "", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", **env},
    )
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
