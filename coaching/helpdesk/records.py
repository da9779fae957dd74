"""Storing tickets and ratings one row each, replaced when the helpdesk gives them again.

A total is never added to: the day figures are computed from these rows (`days.py`), so a resync, two windows
that overlap or a sync that crashed halfway and starts again change no total. What each page changes is returned
as `Touched`, the solve instants of the agents whose days must be computed again (before and after the change,
since a reopened ticket leaves its old day).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, text, update
from sqlalchemy.orm import Session

from coaching.helpdesk.connector import Rating, Ticket
from coaching.models import HelpdeskRating, HelpdeskTicket

# agent id → the instants at which tickets of theirs were solved, before or after this change.
Touched = dict[str, set[datetime]]


def utc(instant: datetime) -> datetime:
    """SQLite gives back naive datetimes; everything stored is UTC."""
    return instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)


def store_tickets(
    session: Session, *, workspace_id: str, source: str, tickets: Iterable[Ticket], complaint_tag: str
) -> Touched:
    latest = {ticket.ticket_id: ticket for ticket in tickets}  # a page may give one twice; the last one stands
    table = cast(Table, HelpdeskTicket.__table__)
    stored = {
        row.ticket_id: row
        for row in session.execute(
            select(
                table.c.id,
                table.c.ticket_id,
                table.c.agent_id,
                table.c.solved_at,
                table.c.reopened,
                table.c.at_most_one_reply,
                table.c.complaint,
            ).where(table.c.workspace_id == workspace_id, table.c.source == source, table.c.ticket_id.in_(list(latest)))
        )
    }
    touched: Touched = defaultdict(set)
    added, changed = [], []
    for ticket_id, ticket in latest.items():
        solved_at = utc(ticket.solved_at) if ticket.solved_at else None
        values = {
            "agent_id": ticket.agent_id,
            "solved_at": solved_at,
            "reopened": ticket.reopened,
            "at_most_one_reply": ticket.at_most_one_reply,
            "complaint": complaint_tag in ticket.tags,
        }
        before = stored.get(ticket_id)
        if before is not None:
            old_solved = utc(before.solved_at) if before.solved_at else None
            if (before.agent_id, old_solved, before.reopened, before.at_most_one_reply, before.complaint) == tuple(
                values.values()
            ):
                continue
            if before.agent_id and old_solved:
                touched[before.agent_id].add(old_solved)
            changed.append({"row_id": before.id, **values})
        else:
            added.append({"workspace_id": workspace_id, "source": source, "ticket_id": ticket_id, **values})
        if ticket.agent_id and solved_at:
            touched[ticket.agent_id].add(solved_at)
    _write(session, table, added, changed)
    return touched


def store_ratings(session: Session, *, workspace_id: str, source: str, ratings: Iterable[Rating]) -> Touched:
    latest = {rating.rating_id: rating for rating in ratings}
    table = cast(Table, HelpdeskRating.__table__)
    stored = {
        row.rating_id: row
        for row in session.execute(
            select(table.c.id, table.c.rating_id, table.c.ticket_id, table.c.score).where(
                table.c.workspace_id == workspace_id, table.c.source == source, table.c.rating_id.in_(list(latest))
            )
        )
    }
    added, changed, tickets_touched = [], [], set()
    for rating_id, rating in latest.items():
        values = {"ticket_id": rating.ticket_id, "score": rating.score, "rated_at": utc(rating.rated_at)}
        before = stored.get(rating_id)
        if before is None:
            added.append({"workspace_id": workspace_id, "source": source, "rating_id": rating_id, **values})
        elif (before.ticket_id, before.score) != (rating.ticket_id, rating.score):
            changed.append({"row_id": before.id, **values})
            tickets_touched.add(before.ticket_id)
        else:
            continue
        tickets_touched.add(rating.ticket_id)
    _write(session, table, added, changed)
    return _solve_instants(session, workspace_id=workspace_id, source=source, ticket_ids=tickets_touched)


def _write(session: Session, table: Table, added: list[dict[str, Any]], changed: list[dict[str, Any]]) -> None:
    """Inserts the new rows and updates the changed ones (by `row_id`), each in one executemany."""
    connection = session.connection()
    if added:
        connection.execute(insert(table), added)
    if changed:
        columns = [name for name in changed[0] if name != "row_id"]
        connection.execute(
            update(table).where(table.c.id == bindparam("row_id")).values({name: bindparam(name) for name in columns}),
            changed,
        )


def _solve_instants(session: Session, *, workspace_id: str, source: str, ticket_ids: set[str]) -> Touched:
    """The days a rating counts on are its ticket's; a rating of a ticket not stored yet counts once it is."""
    touched: Touched = defaultdict(set)
    if not ticket_ids:
        return touched
    table = cast(Table, HelpdeskTicket.__table__)
    # Only by ticket id, so the unique index on it answers: with the solve conditions in the query, SQLite took
    # the agent index and read every ticket for each page of ratings.
    for agent_id, solved_at in session.execute(
        select(table.c.agent_id, table.c.solved_at).where(
            table.c.workspace_id == workspace_id, table.c.source == source, table.c.ticket_id.in_(list(ticket_ids))
        )
    ):
        if agent_id is not None and solved_at is not None:
            touched[agent_id].add(utc(solved_at))
    return touched


def merge(into: Touched, more: Touched) -> Touched:
    for agent_id, instants in more.items():
        into.setdefault(agent_id, set()).update(instants)
    return into


def refresh_statistics(session: Session) -> None:
    """After a big import, PostgreSQL's planner still holds the empty tables' statistics until autovacuum comes
    by, and plans the day queries as if they were empty (seconds instead of milliseconds); ANALYZE updates them."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE helpdesk_tickets, helpdesk_ratings"))
