"""Slack's own copies of what RepCoach sent about a person it has forgotten (coaching.privacy.forget): each is
deleted, or edited down to what is left once the lines naming them are gone.

Called after the erasure commits. A copy Slack no longer has, or a workspace without a token, is skipped: the
stored copies are already gone, so this is the best RepCoach can do, and what it could not do is reported.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.slack.client import WorkspaceClients
from coaching.privacy import SlackCopy

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SlackErasure:
    edited: int
    deleted: int
    # Copies left in Slack: no token for their workspace, or Slack refused.
    left: int


def erase_in_slack(clients: WorkspaceClients, copies: tuple[SlackCopy, ...]) -> SlackErasure:
    edited = deleted = left = 0
    for copy in copies:
        client = clients.for_workspace(copy.workspace_id)
        try:
            if client is None:
                left += 1
            elif copy.replacement is None:
                client.chat_delete(channel=copy.channel, ts=copy.ts)
                deleted += 1
            else:
                replacement = copy.replacement
                client.chat_update(
                    channel=copy.channel, ts=copy.ts, text=replacement["text"], blocks=replacement.get("blocks", [])
                )
                edited += 1
        except SlackApiError as error:
            if error.response.get("error") == "message_not_found":  # deleted in Slack already
                continue
            logger.warning("could not erase a message in %s from Slack: %s", copy.channel, error.response.get("error"))
            left += 1
        except (SlackClientError, OSError) as error:
            logger.warning("could not erase a message in %s from Slack: %s", copy.channel, error)
            left += 1
    return SlackErasure(edited, deleted, left)
