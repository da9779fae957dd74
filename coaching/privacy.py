"""Erasing a person, keeping days only as long as the retention setting allows, and exporting a workspace."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import Text, cast, delete, select
from sqlalchemy.orm import Session

from coaching.db import rowcount
from coaching.helpdesk.agents import forget_agents
from coaching.models import Base, DayLog, HelpdeskRating, HelpdeskTicket, OutboxMessage, Rep
from coaching.outbox import SENT

# Tables whose rows belong to a workspace through a rep or a team, exported in this order.
WORKSPACE_TABLES = (
    "reps",
    "teams",
    "team_members",
    "team_targets",
    "team_holidays",
    "time_off",
    "day_logs",
    "nudges",
    "kudos",
    "outbox",
    "helpdesk_syncs",
    "helpdesk_agents",
    "helpdesk_links",
    "helpdesk_tickets",
    "helpdesk_ratings",
)


@dataclass(frozen=True)
class SlackCopy:
    """A message already delivered that named the person: Slack's copy is deleted (`replacement` None) or edited
    into `replacement`, after the erasure commits."""

    workspace_id: str
    channel: str
    ts: str
    replacement: dict[str, Any] | None


@dataclass(frozen=True)
class Erasure:
    # False when RepCoach held nothing about the person.
    found: bool
    in_slack: tuple[SlackCopy, ...]


def forget(session: Session, workspace_id: str, user_id: str) -> Erasure:
    """Erases the person: their outcomes, settings, nudges and feedback, the kudos they gave or got, their helpdesk
    agent's name, email, tickets and ratings, every message to them (sent or queued), and every line naming them in
    messages to others, which go when nothing else is left (a kudos post). Returns what of it Slack holds too."""
    rep = session.scalars(select(Rep).where(Rep.workspace_id == workspace_id, Rep.user_id == user_id)).first()
    in_workspace = OutboxMessage.workspace_id == workspace_id
    to_them = list(session.scalars(select(OutboxMessage).where(in_workspace, OutboxMessage.recipient == user_id)))
    copies = [copy for message in to_them for copy in _slack_copy(message, None)]
    for message in to_them:
        session.delete(message)
    copies += _redact_messages(session, workspace_id, user_id)
    if rep is not None:
        forget_agents(session, rep.id)
        # Foreign keys cascade from the rep to their days, nudges, time off, memberships and kudos.
        session.execute(delete(Rep).where(Rep.id == rep.id))
    session.flush()
    return Erasure(found=rep is not None or bool(to_them) or bool(copies), in_slack=tuple(copies))


def _redact_messages(session: Session, workspace_id: str, user_id: str) -> list[SlackCopy]:
    """Takes every line mentioning the person out of messages to others (a lead's summary, a recognition or kudos
    post); a message with no text left is deleted."""
    mentioned = re.compile(rf"<@{re.escape(user_id)}(\|[^>]*)?>")
    candidates = session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.workspace_id == workspace_id, cast(OutboxMessage.payload, Text).contains(f"<@{user_id}")
        )
    )
    copies: list[SlackCopy] = []
    for message in candidates:
        redacted = _without_lines(message.payload, mentioned)
        if redacted == message.payload:
            continue
        if isinstance(redacted, dict) and redacted.get("text"):
            message.payload = redacted
            copies += _slack_copy(message, redacted)
        else:
            copies += _slack_copy(message, None)
            session.delete(message)
    return copies


def _slack_copy(message: OutboxMessage, replacement: dict[str, Any] | None) -> list[SlackCopy]:
    if message.status != SENT or not message.channel or not message.ts:
        return []
    return [SlackCopy(message.workspace_id, message.channel, message.ts, replacement)]


def _without_lines(node: Any, mentioned: re.Pattern[str]) -> Any:
    """`node` with every line matching `mentioned` taken out of its texts, and the blocks left empty dropped."""
    if isinstance(node, str):
        lines = node.split("\n")
        kept = [line for line in lines if not mentioned.search(line)]
        return node if len(kept) == len(lines) else "\n".join(kept).strip()
    if isinstance(node, list):
        kept = [_without_lines(item, mentioned) for item in node]
        return [item for item in kept if not _emptied(item)]
    if isinstance(node, dict):
        return {key: _without_lines(value, mentioned) for key, value in node.items()}
    return node


def _emptied(node: Any) -> bool:
    """A block or text object left with nothing to show (Slack refuses those)."""
    if not isinstance(node, dict):
        return False
    text = node.get("text")
    return ("text" in node and (text == "" or _emptied(text))) or node.get("elements") == []


def workspaces(session: Session) -> list[str]:
    return sorted(set(session.scalars(select(Rep.workspace_id))))


def prune_expired(session: Session, retention_months: int, today: date) -> tuple[int, date]:
    """Deletes logged days older than the retention period, and the helpdesk tickets solved and ratings given
    before it; returns how many days, and the first day kept."""
    before = months_before(today, retention_months)
    cutoff = datetime.combine(before, time(), UTC)
    session.execute(delete(HelpdeskRating).where(HelpdeskRating.rated_at < cutoff))
    session.execute(delete(HelpdeskTicket).where(HelpdeskTicket.solved_at < cutoff))
    return rowcount(session.execute(delete(DayLog).where(DayLog.day < before))), before


def months_before(day: date, months: int) -> date:
    month = day.month - 1 - months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, 28))


def export_workspace(session: Session, workspace_id: str) -> dict[str, list[dict[str, Any]]]:
    """Every row the workspace owns, table by table, as plain values."""
    tables = {table.name: table for table in Base.metadata.sorted_tables}
    reps = select(tables["reps"].c.id).where(tables["reps"].c.workspace_id == workspace_id)
    teams = select(tables["teams"].c.id).where(tables["teams"].c.workspace_id == workspace_id)
    owned = {
        "reps": tables["reps"].c.workspace_id == workspace_id,
        "teams": tables["teams"].c.workspace_id == workspace_id,
        "team_members": tables["team_members"].c.team_id.in_(teams),
        "team_targets": tables["team_targets"].c.team_id.in_(teams),
        "team_holidays": tables["team_holidays"].c.team_id.in_(teams),
        "time_off": tables["time_off"].c.rep_id.in_(reps),
        "day_logs": tables["day_logs"].c.rep_id.in_(reps),
        "nudges": tables["nudges"].c.rep_id.in_(reps),
        "kudos": tables["kudos"].c.team_id.in_(teams),
        "outbox": tables["outbox"].c.workspace_id == workspace_id,
        **{
            name: tables[name].c.workspace_id == workspace_id
            for name in ("helpdesk_syncs", "helpdesk_agents", "helpdesk_links", "helpdesk_tickets", "helpdesk_ratings")
        },
    }
    return {
        name: [dict(row._mapping) for row in session.execute(select(tables[name]).where(owned[name]))]
        for name in WORKSPACE_TABLES
    }
