"""Scheduled jobs: decide in `coaching/` and write the messages to the outbox in one transaction, then drain it."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import cast

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.blocks.helpdesk import sync_failure_message
from bot.blocks.nudges import nudge_message
from bot.blocks.team import recognition_message
from bot.delivery.queue import queue_summary
from bot.delivery.sender import DrainReport, OutboxSender
from bot.deps import Deps
from bot.slack.home_tab import publish_home
from bot.slack.profiles import refresh_profiles
from coaching.due import delivery_key, due_local_date
from coaching.helpdesk.agents import store_agents
from coaching.helpdesk.connector import Connector, HelpdeskError
from coaching.helpdesk.days import days_touched, write_days
from coaching.helpdesk.records import Touched, refresh_statistics, store_ratings, store_tickets
from coaching.helpdesk.syncs import claim_sync, fetch_from, is_due, pending_days, pending_json, release
from coaching.models import HelpdeskSync, Rep, Team
from coaching.nudges import UNSENT_KINDS
from coaching.outbox import Outgoing, is_queued, queue_message, queue_messages
from coaching.preferences import cadence, language
from coaching.privacy import workspaces
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
# A sync holds its helpdesk this long past each page; a process that died lets go of it by then.
HELPDESK_LEASE = timedelta(minutes=10)
# Records stored by one sync past which PostgreSQL's statistics are refreshed before the days are computed.
BIG_IMPORT = 5000


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


@dataclass
class SyncReport:
    """What one helpdesk sync did; `failure` is why it stopped early (the next sync resumes after the last page)."""

    ran: bool = True
    agents: int = 0
    tickets: int = 0
    ratings: int = 0
    # (rep id, day) of every rep's day it computed again.
    rep_days: set[tuple[int, date]] = field(default_factory=set)
    typed_figures_dropped: int = 0
    failure: HelpdeskError | None = None

    @property
    def days_written(self) -> int:
        return len(self.rep_days)


def sync_helpdesk(
    deps: Deps, connector: Connector, *, workspace_id: str, since: date | None = None, notify: bool = True
) -> SyncReport:
    """Imports the helpdesk's changes since the saved cursors, one transaction per page, each saving its cursor and
    the reps' days it touched; then computes those days once, and records how the sync ended.

    Records are replaced per ticket and rating, and day figures computed from them, so running it again, or after a
    crash, changes no total; days a crashed sync touched are computed by the next. A failure is recorded on the
    sync; the first of its kind tells the workspace's admins.
    """
    source = connector.source
    with deps.sessions.begin() as session:
        sync = claim_sync(
            session, workspace_id=workspace_id, source=source, since=since, now=deps.now(), lease=HELPDESK_LEASE
        )
        if sync is None:
            return SyncReport(ran=False)
        start, backfill_from = fetch_from(sync), sync.backfill_from
        cursors = {"tickets": sync.tickets_cursor, "ratings": sync.ratings_cursor}
        pending = pending_days(sync)
    report = SyncReport()

    def page_done(session: Session, rep_days: dict[int, set[date]], stream: str | None, cursor: str | None) -> None:
        for rep_id, days in rep_days.items():
            pending.setdefault(rep_id, set()).update(days)
        saved: dict[str, object] = {"pending_days": pending_json(pending), "lease_until": deps.now() + HELPDESK_LEASE}
        if stream is not None:
            saved[f"{stream}_cursor"] = cursor
        session.execute(
            update(HelpdeskSync)
            .where(HelpdeskSync.workspace_id == workspace_id, HelpdeskSync.source == source)
            .values(saved)
        )

    def touched_days(session: Session, touched: Touched) -> dict[int, set[date]]:
        return days_touched(session, workspace_id=workspace_id, source=source, touched=touched)

    try:
        agents = list(connector.agents())
        with deps.sessions.begin() as session:
            page_done(
                session, store_agents(session, workspace_id=workspace_id, source=source, agents=agents), None, None
            )
        report.agents = len(agents)
        for page in connector.tickets(cursor=cursors["tickets"], since=start):
            with deps.sessions.begin() as session:
                touched = store_tickets(
                    session,
                    workspace_id=workspace_id,
                    source=source,
                    tickets=page.items,
                    complaint_tag=deps.helpdesk.complaint_tag,
                )
                page_done(session, touched_days(session, touched), "tickets", page.cursor)
            report.tickets += len(page.items)
        for rated in connector.ratings(cursor=cursors["ratings"], since=start):
            with deps.sessions.begin() as session:
                touched = store_ratings(session, workspace_id=workspace_id, source=source, ratings=rated.items)
                page_done(session, touched_days(session, touched), "ratings", rated.cursor)
            report.ratings += len(rated.items)
    except HelpdeskError as failure:
        report.failure = failure
    with deps.sessions.begin() as session:
        if report.tickets + report.ratings > BIG_IMPORT:
            refresh_statistics(session)
        # The pages stored before a failure count too: their cursors are saved.
        written = write_days(
            session,
            workspace_id=workspace_id,
            source=source,
            rep_days=pending,
            backfill_from=backfill_from,
            now=deps.now(),
        )
        report.rep_days, report.typed_figures_dropped = written.days, written.dropped
        sync = session.get_one(HelpdeskSync, (workspace_id, source), with_for_update=True)
        sync.pending_days = None
        if release(sync, now=deps.now(), failure=report.failure) and notify and report.failure is not None:
            _tell_admins(session, deps, workspace_id, connector.label, report.failure, sync.failure_kind or "error")
    if report.failure is not None and notify:
        OutboxSender(deps).drain()
    return report


def _tell_admins(
    session: Session, deps: Deps, workspace_id: str, label: str, failure: HelpdeskError, kind: str
) -> None:
    now = deps.now()
    admins = session.scalars(
        select(Rep).where(Rep.workspace_id == workspace_id, Rep.slack_admin | Rep.named_admin).order_by(Rep.id)
    )
    queue_messages(
        session=session,
        messages=[
            Outgoing(
                workspace_id=workspace_id,
                kind="helpdesk",
                recipient=admin.user_id,
                key=f"helpdesk-failure:{label}:{kind}:{admin.id}:{now.isoformat(timespec='minutes')}",
                message=sync_failure_message(helpdesk=label, failure=str(failure), kind=kind, language=language(admin)),
            )
            for admin in admins
        ],
        now=now,
    )


def helpdesk_workspace(session: Session, chosen: str | None) -> str | None:
    """The workspace a helpdesk's figures belong to: HELPDESK_WORKSPACE_ID, else the database's only one."""
    if chosen is not None:
        return chosen
    known = workspaces(session)
    return known[0] if len(known) == 1 else None


def run_helpdesk_syncs(deps: Deps, at: datetime) -> list[SyncReport]:
    """Syncs each configured helpdesk whose last sync is HELPDESK_SYNC_MINUTES old; run every minute by `serve`."""
    reports = []
    for connector in deps.helpdesk.connectors:
        with deps.sessions() as session:
            workspace_id = helpdesk_workspace(session, deps.helpdesk.workspace_id)
            if workspace_id is None or not is_due(
                session, workspace_id=workspace_id, source=connector.source, now=at, every=deps.helpdesk.every
            ):
                continue
        report = sync_helpdesk(deps, connector, workspace_id=workspace_id)
        if report.failure is not None:
            logger.warning("%s sync stopped: %s", connector.label, report.failure)
        reports.append(report)
    return reports
