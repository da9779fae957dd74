"""Who a Slack request comes from: the workspace and the person, which Bolt's context types as optional."""

from __future__ import annotations

from slack_bolt import BoltContext


def who(context: BoltContext) -> tuple[str, str]:
    """The workspace and user ids; Bolt sets both for every command, action and event the app listens to."""
    if context.team_id is None or context.user_id is None:
        raise RuntimeError("a Slack request without a workspace or a user")
    return context.team_id, context.user_id


def workspace(context: BoltContext) -> str:
    if context.team_id is None:
        raise RuntimeError("a Slack event without a workspace")
    return context.team_id
