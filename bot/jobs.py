"""Scheduled jobs: decide in `coaching/` and write the messages to the outbox in one transaction, then drain it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import cast

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks.nudges import nudge_message
from bot.blocks.team import recognition_message
from bot.delivery.queue import queue_summary
from bot.delivery.sender import DrainReport, OutboxSender
from bot.deps import Deps
from bot.slack.home_tab import publish_home
from bot.slack.profiles import refresh_profiles
from coaching.due import delivery_key, due_local_date
from coaching.models import Rep, Team
from coaching.nudges import UNSENT_KINDS
from coaching.outbox import Outgoing, is_queued, queue_message, queue_messages
from coaching.preferences import cadence
from coaching.recognition import weekly_recognition
from coaching.reps import DEFAULT_TZ
from coaching.schedule import plan_due_nudges
from coaching.summary import week_of
from coaching.teams import reps_of, team_language

logger = logging.getLogger(__name__)

MONDAY, FRIDAY = 0, 4
SUMMARY_TIME = time(8, 0)
HOME_REFRESH_TIME = time(6, 0)
RECOGNITION_TIME = time(16, 0)


@dataclass(frozen=True)
class JobReport:
    planned: int
    delivery: DrainReport


def workspace_clients(deps: Deps) -> dict[str, WebClient]:
    """A client for each workspace the app is installed in. Looked up before a job's transaction opens:
    on SQLite the installation store's own connection would otherwise wait for that transaction."""
    with deps.sessions() as session:
        known = set(session.scalars(select(Rep.workspace_id).distinct()))
    return {workspace: client for workspace in known if (client := deps.slack_clients.for_workspace(workspace))}


def installed(session: Session, deps: Deps, clients: dict[str, WebClient], people: list[Rep]) -> list[Rep]:
    """The people in workspaces where the app is installed, with fresh profiles; the others are skipped."""
    by_workspace: dict[str, list[Rep]] = {}
    for person in people:
        by_workspace.setdefault(person.workspace_id, []).append(person)
    kept = []
    for workspace_id, members in by_workspace.items():
        if workspace_id in clients:
            refresh_profiles(session, clients[workspace_id], members, deps.now())
            kept += members
    return kept


def run_nudges(deps: Deps, at: datetime, wait_for_retries: timedelta = timedelta(0)) -> JobReport:
    """Plans the nudges due at `at`, queues them, and sends what is due in the outbox."""
    at = at.astimezone(UTC)
    clients = workspace_clients(deps)
    with deps.sessions.begin() as session:
        reps = installed(session, deps, clients, list(session.scalars(select(Rep))))
        planned = plan_due_nudges(
            session, at, deps.library, deps.definition, deps.seed, reps, holdout_share=deps.holdout_share
        )
        messages = [
            Outgoing(
                workspace_id=nudge.rep.workspace_id,
                kind="nudge",
                recipient=nudge.rep.user_id,
                key=delivery_key(nudge.rep, nudge.local_date),
                message=nudge_message(
                    nudge.nudge_id, nudge.choice, nudge.language, week_start=cadence(nudge.rep) != "daily"
                ),
            )
            for nudge in planned
            if nudge.choice.kind not in UNSENT_KINDS
        ]
        queue_messages(session=session, messages=messages, now=deps.now())
    return JobReport(len(planned), OutboxSender(deps).drain(wait_for_retries))


def run_weekly_summaries(deps: Deps, at: datetime, wait_for_retries: timedelta = timedelta(0)) -> JobReport:
    """Each lead, on Monday at 08:00 their time, gets their team's summary of the week before."""
    at = at.astimezone(UTC)
    planned = 0
    clients = workspace_clients(deps)
    with deps.sessions.begin() as session:
        for team in session.scalars(select(Team).order_by(Team.id)):
            for lead in installed(session, deps, clients, reps_of(session, team, leads=True)):
                monday = due_local_date(lead.tz, at, {MONDAY}, SUMMARY_TIME)
                if monday is None:
                    continue
                week = week_of(monday - timedelta(days=7))
                key = f"summary:{team.id}:{lead.id}:{week.start}"
                planned += queue_summary(session=session, deps=deps, team=team, lead=lead, week=week, key=key)
    return JobReport(planned, OutboxSender(deps).drain(wait_for_retries))


def run_recognition(deps: Deps, at: datetime, wait_for_retries: timedelta = timedelta(0)) -> JobReport:
    """Each team channel, on Friday at 16:00 the team's time (its first lead's), gets the week's wins."""
    at = at.astimezone(UTC)
    planned = 0
    clients = workspace_clients(deps)
    with deps.sessions.begin() as session:
        for team in session.scalars(select(Team).where(Team.channel_id.is_not(None)).order_by(Team.id)):
            if team.workspace_id not in clients:
                continue
            leads = installed(session, deps, clients, reps_of(session, team, leads=True)[:1])
            friday = due_local_date(leads[0].tz if leads else DEFAULT_TZ, at, {FRIDAY}, RECOGNITION_TIME)
            if friday is None:
                continue
            week = week_of(friday)
            key = f"recognition:{team.id}:{week.start}"
            if is_queued(session, key):
                continue
            recognition = weekly_recognition(session, team, week, deps.definition)
            if recognition is None:
                continue
            planned += queue_message(
                session=session,
                workspace_id=team.workspace_id,
                kind="recognition",
                recipient=cast(str, team.channel_id),  # the query keeps only teams with a channel
                key=key,
                message=recognition_message(recognition, team_language(session, team)),
                now=deps.now(),
            )
    return JobReport(planned, OutboxSender(deps).drain(wait_for_retries))


def run_home_refresh(deps: Deps, at: datetime, wait_for_retries: timedelta = timedelta(0)) -> JobReport:
    """Each Monday from 06:00 their time, everyone's Home tab shows the new week, once."""
    at = at.astimezone(UTC)
    clients = workspace_clients(deps)
    refreshed = 0
    with deps.sessions.begin() as session:
        for rep in installed(session, deps, clients, list(session.scalars(select(Rep)))):
            monday = due_local_date(rep.tz, at, {MONDAY}, HOME_REFRESH_TIME)
            if monday is None or rep.home_refreshed_on == monday:
                continue
            try:
                publish_home(session, clients[rep.workspace_id], deps, rep, deps.now())
            except SlackApiError as error:  # someone who never opened the app, say; try next week
                logger.info("home for %s not refreshed: %s", rep.user_id, error.response.get("error"))
            rep.home_refreshed_on = monday
            refreshed += 1
    return JobReport(refreshed, DrainReport())


JOBS = {
    "nudges": run_nudges,
    "weekly-summary": run_weekly_summaries,
    "recognition": run_recognition,
    "home": run_home_refresh,
}
