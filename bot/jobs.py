"""Scheduled jobs: decide in `coaching/`, then send through Slack."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select

from bot.deps import Deps
from bot.nudge_messages import nudge_message
from bot.profiles import refresh_profiles
from coaching.models import Rep
from coaching.schedule import PlannedNudge, plan_due_nudges

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobReport:
    sent: int
    failed: int


def run_nudges(deps: Deps, client: WebClient, at: datetime) -> JobReport:
    with deps.sessions.begin() as session:
        reps = list(session.scalars(select(Rep)))
        refresh_profiles(session, client, reps, at)
        planned = plan_due_nudges(session, at, deps.library, deps.definition, deps.seed, reps)
    failed = sum(not send_nudge(client, nudge) for nudge in planned)
    return JobReport(len(planned) - failed, failed)


def send_nudge(client: WebClient, planned: PlannedNudge) -> bool:
    message = nudge_message(planned.nudge_id, planned.choice, planned.language)
    try:
        # A DM goes to the user id as channel; no conversations.open needed.
        client.chat_postMessage(channel=planned.rep.user_id, **message)
    except SlackApiError as error:
        logger.error("nudge %s to %s failed: %s", planned.nudge_id, planned.rep.user_id, error.response.get("error"))
        return False
    return True
