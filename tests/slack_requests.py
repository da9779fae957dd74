"""Requests shaped and signed the way Slack sends them to /slack/events."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from urllib.parse import urlencode

from bot.dev.local_slack import TEAM_ID

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"


# The last timestamp each body was signed with. Slack never sends one body twice (each request has its own
# trigger_id), but these helpers reuse one; a body signed again gets a later second, or the bot would take a
# test's second identical command within a second for a replay of the first.
_last_signed: dict[str, int] = {}


def signed_headers(body: str, timestamp: int | None = None, secret: str = SIGNING_SECRET) -> dict[str, str]:
    if timestamp is None:
        timestamp = max(int(time.time()), _last_signed.get(body, 0) + 1)
        _last_signed[body] = timestamp
    stamp = str(timestamp)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": "application/x-www-form-urlencoded",
    }


def slash_command_body(command: str, text: str, user_id: str, response_url: str, team_id: str = TEAM_ID) -> str:
    return urlencode(
        {
            "token": "legacy-verification-token",
            "team_id": team_id,
            "team_domain": "stand-in",
            "channel_id": "C0GENERAL",
            "channel_name": "general",
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": "A0REPCOACH",
            "response_url": response_url,
            "trigger_id": "1337.42.trigger",
        }
    )


def interaction_body(kind: str, user_id: str, trigger_id: str, **fields) -> str:
    """An interactivity payload as Slack posts it: the envelope every kind shares, plus its own fields."""
    payload = {
        "type": kind,
        "team": {"id": TEAM_ID, "domain": "stand-in"},
        "user": {"id": user_id, "team_id": TEAM_ID},
        "api_app_id": "A0REPCOACH",
        "trigger_id": trigger_id,
        **fields,
    }
    return urlencode({"payload": json.dumps(payload)})


def view_submission_body(callback_id: str, state_values: dict, user_id: str) -> str:
    view = {
        "id": "V0VIEW",
        "team_id": TEAM_ID,
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": "",
        "hash": "1.abc",
        "state": {"values": state_values},
    }
    return interaction_body("view_submission", user_id, "1337.43.trigger", view=view)


def event_body(event: dict, team_id: str = TEAM_ID) -> str:
    return json.dumps(
        {
            "token": "legacy-verification-token",
            "team_id": team_id,
            "api_app_id": "A0REPCOACH",
            "type": "event_callback",
            "event": event,
            "event_id": f"Ev{time.time_ns()}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": team_id, "user_id": "U0BOT", "is_bot": True}],
        }
    )


def home_action_body(action: dict, user_id: str) -> str:
    """A control on the Home tab: such actions come with the view, and without a response_url."""
    return interaction_body(
        "block_actions",
        user_id,
        "1337.45.trigger",
        container={"type": "view", "view_id": "V0HOME"},
        view={"id": "V0HOME", "type": "home", "blocks": [], "state": {"values": {}}},
        actions=[{"block_id": "home", "action_ts": "1700000002.000300", **action}],
    )


def block_action_body(action_id: str, value: str, user_id: str, response_url: str, message: dict | None = None) -> str:
    """A button on a message in a DM, answered through its response_url."""
    return interaction_body(
        "block_actions",
        user_id,
        "1337.44.trigger",
        response_url=response_url,
        container={"type": "message", "message_ts": "1700000000.000100", "channel_id": "D0DM", "is_ephemeral": False},
        channel={"id": "D0DM"},
        message=message or {"type": "message", "text": "", "blocks": [], "ts": "1700000000.000100"},
        actions=[
            {
                "type": "button",
                "action_id": action_id,
                "block_id": "nudge",
                "value": value,
                "action_ts": "1700000001.000200",
            }
        ],
    )
