"""Which rep each helpdesk agent is: an admin's link for the agent's email first, else the rep whose Slack profile
has that email (case aside). An agent matched to nobody is listed by `repcoach helpdesk status`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, delete, func, select
from sqlalchemy.orm import Session

from coaching.db import among
from coaching.helpdesk.connector import Agent
from coaching.helpdesk.days import write_days
from coaching.helpdesk.records import utc
from coaching.models import DayLog, HelpdeskAgent, HelpdeskLink, HelpdeskRating, HelpdeskSync, HelpdeskTicket, Rep
from coaching.reps import DEFAULT_TZ


@dataclass(frozen=True)
class Unmatched:
    source: str
    agent_id: str
    name: str
    email: str | None


def normal_email(email: str | None) -> str | None:
    return email.strip().lower() if email and email.strip() else None


def store_agents(session: Session, *, workspace_id: str, source: str, agents: Iterable[Agent]) -> dict[int, set[date]]:
    """Stores the helpdesk's agents and matches each to a rep; returns the days to compute again for every rep who
    gained or lost an agent."""
    listed = {agent.agent_id: agent for agent in agents}
    stored = {
        agent.agent_id: agent
        for agent in session.scalars(
            select(HelpdeskAgent).where(HelpdeskAgent.workspace_id == workspace_id, HelpdeskAgent.source == source)
        )
    }
    for agent_id, agent in listed.items():
        row = stored.get(agent_id)
        if row is None:
            row = HelpdeskAgent(workspace_id=workspace_id, source=source, agent_id=agent_id, rep_id=None)
            session.add(row)
            stored[agent_id] = row
        row.email, row.name = normal_email(agent.email), agent.name[:200]
    return _match(session, workspace_id=workspace_id, agents=list(stored.values()))


def forget_agents(session: Session, rep_id: int) -> None:
    """Erases, with a rep being forgotten, the agents matched to them and those agents' tickets and ratings.

    The next sync reads the helpdesk's agent list again, so the agent comes back as the helpdesk has them (matched
    only if the person uses RepCoach again). Their past is not imported again: a sync goes on from its cursor, and
    reads again only the last record or two before it."""
    agents = session.execute(
        select(HelpdeskAgent.workspace_id, HelpdeskAgent.source, HelpdeskAgent.agent_id).where(
            HelpdeskAgent.rep_id == rep_id
        )
    ).all()
    for workspace_id, source, agent_id in agents:
        in_helpdesk = and_(HelpdeskTicket.workspace_id == workspace_id, HelpdeskTicket.source == source)
        theirs = select(HelpdeskTicket.ticket_id).where(in_helpdesk, HelpdeskTicket.agent_id == agent_id)
        session.execute(
            delete(HelpdeskRating).where(
                HelpdeskRating.workspace_id == workspace_id,
                HelpdeskRating.source == source,
                HelpdeskRating.ticket_id.in_(theirs),
            )
        )
        session.execute(delete(HelpdeskTicket).where(in_helpdesk, HelpdeskTicket.agent_id == agent_id))
    session.execute(delete(HelpdeskAgent).where(HelpdeskAgent.rep_id == rep_id))


def link_agent(session: Session, *, workspace_id: str, email: str, rep: Rep, now: datetime) -> int:
    """An admin's link from an agent's email to a rep, kept over the Slack email, with the agent's days imported
    again for the rep (and for whoever had them); returns how many agents already synced have that email."""
    email = normal_email(email) or ""
    link = session.get(HelpdeskLink, (workspace_id, email))
    if link is None:
        session.add(HelpdeskLink(workspace_id=workspace_id, email=email, rep_id=rep.id))
    else:
        link.rep_id = rep.id
    session.flush()
    agents = session.scalars(
        select(HelpdeskAgent).where(HelpdeskAgent.workspace_id == workspace_id, HelpdeskAgent.email == email)
    ).all()
    for agent in agents:
        sync = session.get(HelpdeskSync, (workspace_id, agent.source))
        rep_days = _match(session, workspace_id=workspace_id, agents=[agent])
        if sync is not None:
            write_days(
                session,
                workspace_id=workspace_id,
                source=agent.source,
                rep_days=rep_days,
                backfill_from=sync.backfill_from,
                now=now,
            )
    return len(agents)


def redo_days(session: Session, *, workspace_id: str, rep_ids: Iterable[int], now: datetime) -> None:
    """Imports again every day of these reps' agents, after their teams chose other figures."""
    for agent in session.scalars(
        select(HelpdeskAgent).where(HelpdeskAgent.workspace_id == workspace_id, among(HelpdeskAgent.rep_id, rep_ids))
    ):
        sync = session.get(HelpdeskSync, (workspace_id, agent.source))
        if sync is None or agent.rep_id is None:
            continue
        write_days(
            session,
            workspace_id=workspace_id,
            source=agent.source,
            rep_days={agent.rep_id: _agent_days(session, agent=agent, rep_id=agent.rep_id)},
            backfill_from=sync.backfill_from,
            now=now,
        )


def _match(session: Session, *, workspace_id: str, agents: list[HelpdeskAgent]) -> dict[int, set[date]]:
    emails = {agent.email for agent in agents if agent.email}
    # An admin's link wins over a Slack email; of two reps with one email, the first stored.
    rep_by_email: dict[str | None, int] = {}
    for rep_email, rep_id in session.execute(
        select(Rep.email, Rep.id).where(Rep.workspace_id == workspace_id, among(Rep.email, emails)).order_by(Rep.id)
    ):
        rep_by_email.setdefault(rep_email, rep_id)
    rep_by_email.update(
        session.execute(
            select(HelpdeskLink.email, HelpdeskLink.rep_id).where(
                HelpdeskLink.workspace_id == workspace_id, among(HelpdeskLink.email, emails)
            )
        ).all()
    )
    days: dict[int, set[date]] = defaultdict(set)
    for agent in agents:
        matched = rep_by_email.get(agent.email) if agent.email else None
        if matched == agent.rep_id:
            continue
        for rep_before_or_after in (agent.rep_id, matched):
            if rep_before_or_after is not None:
                days[rep_before_or_after] |= _agent_days(session, agent=agent, rep_id=rep_before_or_after)
        agent.rep_id = matched
    session.flush()
    return days


def _agent_days(session: Session, *, agent: HelpdeskAgent, rep_id: int) -> set[date]:
    """Every day the agent solved a ticket on, in the rep's timezone, and the rep's days already imported."""
    zone = ZoneInfo(session.scalar(select(Rep.tz).where(Rep.id == rep_id)) or DEFAULT_TZ)
    solved = session.scalars(
        select(HelpdeskTicket.solved_at).where(
            HelpdeskTicket.workspace_id == agent.workspace_id,
            HelpdeskTicket.source == agent.source,
            HelpdeskTicket.agent_id == agent.agent_id,
            HelpdeskTicket.solved_at.is_not(None),
        )
    )
    days = {utc(instant).astimezone(zone).date() for instant in solved if instant is not None}
    days.update(
        session.scalars(select(DayLog.day).where(DayLog.rep_id == rep_id, DayLog.imported_from == agent.source))
    )
    return days


def unmatched_agents(session: Session, workspace_id: str) -> list[Unmatched]:
    return [
        Unmatched(agent.source, agent.agent_id, agent.name, agent.email)
        for agent in session.scalars(
            select(HelpdeskAgent)
            .where(HelpdeskAgent.workspace_id == workspace_id, HelpdeskAgent.rep_id.is_(None))
            .order_by(HelpdeskAgent.source, func.lower(HelpdeskAgent.name))
        )
    ]
