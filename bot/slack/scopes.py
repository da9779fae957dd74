"""Which bot scopes each Web API method RepCoach calls needs, and which ones slack-manifest.yml requests.

A method Slack refuses with `missing_scope` fails only in a real workspace, so the local stand-in
(bot/dev/local_slack.py) refuses the same calls from this table, and tests/test_manifest.py checks that the
manifest covers every method the code calls.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

MANIFEST = Path(__file__).resolve().parents[2] / "slack-manifest.yml"

# Bot-token scopes from Slack's method reference (docs.slack.dev/reference/methods/<method>). Slack accepts a call
# with any one of a method's scopes; for the conversations.* methods the one that counts is the conversation's
# type (see scope_for_conversation). An empty tuple: the method needs no scope.
METHOD_SCOPES: dict[str, tuple[str, ...]] = {
    "auth.test": (),
    "chat.delete": ("chat:write",),
    "chat.postMessage": ("chat:write",),
    "chat.update": ("chat:write",),
    "conversations.history": ("channels:history", "groups:history", "im:history", "mpim:history"),
    "conversations.join": ("channels:join",),
    "conversations.open": ("im:write", "mpim:write", "channels:manage", "groups:write"),
    "files.completeUploadExternal": ("files:write",),
    "files.getUploadURLExternal": ("files:write",),
    "oauth.v2.access": (),
    "users.info": ("users:read",),
    "views.open": (),
    "views.publish": (),
    "views.update": (),
}

# users.info leaves `profile.email` out unless the token has this scope as well as users:read; the email matches a rep
# to their helpdesk agent (coaching.helpdesk.agents).
PROFILE_EMAIL_SCOPE = "users:read.email"

# What a conversation's id says about its type, for the methods whose scope depends on it.
_HISTORY_SCOPE_BY_PREFIX = {"C": "channels:history", "G": "groups:history", "D": "im:history"}


def scope_for_conversation(method: str, channel: str) -> tuple[str, ...]:
    """The scopes that let `method` reach `channel`: reading a DM's history takes im:history, not channels:history."""
    if method == "conversations.history" and channel[:1] in _HISTORY_SCOPE_BY_PREFIX:
        return (_HISTORY_SCOPE_BY_PREFIX[channel[:1]],)
    return METHOD_SCOPES[method]


@cache
def manifest() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(MANIFEST.read_text())
    return document


def manifest_bot_scopes() -> tuple[str, ...]:
    return tuple(manifest()["oauth_config"]["scopes"]["bot"])
