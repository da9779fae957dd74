"""Getting the bot into a team's channel: Slack refuses posts (`not_in_channel`) to a channel the bot is not in.

A public channel the bot can join itself (`channels:join`); a private one only a member can invite it to, so
then someone must be told, in words, how. `ensure_bot_in_channel` is for `/coach team create` as well as for
the outbox sender when a post is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

# What Slack answers a post to a channel the bot is not in: public, or private (whose existence it does not admit).
NOT_A_MEMBER = frozenset({"not_in_channel", "channel_not_found"})


@dataclass(frozen=True)
class Joined:
    channel_id: str


@dataclass(frozen=True)
class NeedsInvite:
    """The bot could not join: a private channel (`method_not_supported_for_channel_type`), an archived one, or
    any other refusal, named in `reason`."""

    channel_id: str
    reason: str

    def request(self) -> str:
        """The words that ask a person to invite the bot."""
        return f"Please invite me: type `/invite @RepCoach` in <#{self.channel_id}>."


def ensure_bot_in_channel(client: WebClient, channel_id: str) -> Joined | NeedsInvite:
    """Joins the channel (a no-op when the bot is in it already). Connection errors are left to the caller, who
    knows whether to try again."""
    try:
        client.conversations_join(channel=channel_id)
    except SlackApiError as error:
        return NeedsInvite(channel_id, error.response.get("error") or f"http_{error.response.status_code}")
    return Joined(channel_id)


def is_channel(conversation: str) -> bool:
    """A channel id (public `C…`, or a private channel's older `G…`), rather than a user or a DM."""
    return conversation[:1] in ("C", "G")
