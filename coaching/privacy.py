"""Erasing a person, keeping days only as long as the retention setting allows, and exporting a workspace."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from coaching.db import rowcount
from coaching.models import Base, DayLog, OutboxMessage, Rep

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
)


def forget(session: Session, workspace_id: str, user_id: str) -> bool:
    """Erases the person's outcomes, settings, nudges, feedback, kudos and queued messages; False if unknown."""
    rep = session.scalars(select(Rep).where(Rep.workspace_id == workspace_id, Rep.user_id == user_id)).first()
    session.execute(
        delete(OutboxMessage).where(OutboxMessage.workspace_id == workspace_id, OutboxMessage.recipient == user_id)
    )
    if rep is None:
        return False
    # Foreign keys cascade from the rep to their days, nudges, time off, memberships and kudos.
    session.execute(delete(Rep).where(Rep.id == rep.id))
    return True


def workspaces(session: Session) -> list[str]:
    return sorted(set(session.scalars(select(Rep.workspace_id))))


def prune_expired(session: Session, retention_months: int, today: date) -> tuple[int, date]:
    """Deletes logged days older than the retention period; returns how many, and the first day kept."""
    before = months_before(today, retention_months)
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
    }
    return {
        name: [dict(row._mapping) for row in session.execute(select(tables[name]).where(owned[name]))]
        for name in WORKSPACE_TABLES
    }
