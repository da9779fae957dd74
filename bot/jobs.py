"""Scheduled jobs: decide in `coaching/` and write the messages to the outbox in one transaction, then drain it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from slack_sdk import WebClient
from sqlalchemy import select

from bot.deps import Deps
from bot.nudge_messages import nudge_message
from bot.outbox_sender import DrainReport, OutboxSender
from bot.profiles import refresh_profiles
from coaching import outbox
from coaching.models import Rep
from coaching.schedule import plan_due_nudges


@dataclass(frozen=True)
class JobReport:
    planned: int
    delivery: DrainReport


def run_nudges(deps: Deps, client: WebClient, at: datetime, wait_for_retries: timedelta = timedelta(0)) -> JobReport:
    """Plans the nudges due at `at`, queues them, and sends what is due in the outbox."""
    at = at.astimezone(UTC)
    with deps.sessions.begin() as session:
        reps = list(session.scalars(select(Rep)))
        refresh_profiles(session, client, reps, deps.now())
        planned = plan_due_nudges(session, at, deps.library, deps.definition, deps.seed, reps)
        outbox.enqueue(session, [
            {"workspace_id": nudge.rep.workspace_id, "kind": "nudge", "recipient": nudge.rep.user_id,
             "idempotency_key": nudge.delivery_key, "payload": nudge_message(nudge.nudge_id, nudge.choice, nudge.language)}
            for nudge in planned
        ], deps.now())
    return JobReport(len(planned), OutboxSender(deps, client).drain(wait_for_retries))
