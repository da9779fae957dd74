"""Recording a rep's day, and reading logged days back."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coaching.db import InTransaction, Statements, insert_skipping_taken
from coaching.fields import FIELDS, LogInputError, Values, check_consistent
from coaching.helpdesk.days import refuse_helpdesk_figures, refuse_imported
from coaching.models import DayLog, Rep, TeamMember


@dataclass(frozen=True)
class Change:
    key: str
    before: float | int | None
    after: float | int


@dataclass(frozen=True)
class RecordedDay:
    day: date
    created: bool
    changes: list[Change]
    values: Values


def stored_values(log: DayLog | None) -> Values:
    if log is None:
        return {}
    return {field.key: getattr(log, field.key) for field in FIELDS if getattr(log, field.key) is not None}


def day_values(session: Session, rep_id: int, day: date) -> Values:
    return stored_values(_find(session, rep_id, day, lock=False))


def record_day(
    session: Session,
    rep_id: int,
    day: date,
    values: Values,
    now: datetime,
    *,
    matched_to_agent: bool | None = None,
    first_log_tried: bool = False,
) -> RecordedDay:
    """Merges `values` into the stored day, checking the result; raises LogInputError and stores nothing if it is bad.

    A figure the rep's helpdesk gives, or one imported into this day, is refused: the helpdesk's count stands.
    `matched_to_agent` False (read with the rep, as `/log` does) spares asking whether they have a helpdesk.
    `first_log_tried`: record_first_log has just found the day taken. The caller commits.
    """
    given = frozenset() if matched_to_agent is False else refuse_helpdesk_figures(session, rep_id, values)
    contacts_to_come = "contacts" in given
    if not first_log_tried:
        in_transaction = InTransaction(session.connection())
        first = record_first_log(in_transaction, rep_id, day, values, now, contacts_to_come=contacts_to_come)
        if first is not None:
            return first
    log = _find(session, rep_id, day, lock=True)
    refuse_imported(log, values)
    before = stored_values(log)
    merged = before | values
    check_consistent(merged, values, contacts_to_come=contacts_to_come)
    if log is None:  # erased since the insert found the day taken
        return record_day(session, rep_id, day, values, now, matched_to_agent=matched_to_agent)
    changes = [Change(key, before.get(key), value) for key, value in values.items() if before.get(key) != value]
    for change in changes:
        setattr(log, change.key, change.after)
    if changes:
        log.updated_at = now
    return RecordedDay(day, False, changes, merged)


def record_first_log(
    statements: Statements, rep_id: int, day: date, values: Values, now: datetime, *, contacts_to_come: bool = False
) -> RecordedDay | None:
    """A day's first log, in one INSERT that skips a taken (rep, day) without a lock; None if the day is taken, or if
    the figures can only be checked against it (record_day does both).

    Most logs are a day's first. On its own (coaching.db.on_their_own) the INSERT commits by itself, so a typed
    `/log` from a rep without a helpdesk needs no transaction around it (bot.listeners.log)."""
    if not _consistent_alone(values, contacts_to_come):
        return None
    inserted = statements.first(
        insert_skipping_taken(statements, DayLog, ("rep_id", "day"), returning=("id",)),
        {"rep_id": rep_id, "day": day, "updated_at": now, **values},
    )
    if inserted is None:
        return None
    return RecordedDay(day, True, [Change(key, None, value) for key, value in values.items()], dict(values))


def _consistent_alone(values: Values, contacts_to_come: bool) -> bool:
    try:
        check_consistent(values, values, contacts_to_come=contacts_to_come)
    except LogInputError:
        return False
    return True


def _find(session: Session, rep_id: int, day: date, lock: bool) -> DayLog | None:
    query = select(DayLog).where(DayLog.rep_id == rep_id, DayLog.day == day)
    if lock:
        query = query.with_for_update()
    return session.scalars(query).one_or_none()


EXPORT_COLUMNS = ("workspace_id", "user_id", "date", *(field.key for field in FIELDS))


def export_rows(
    *,
    session: Session,
    since: date | None = None,
    until: date | None = None,
    workspace_id: str | None = None,
    team_id: int | None = None,
) -> Iterator[tuple[Any, ...]]:
    """Logged days as rows of EXPORT_COLUMNS, streamed in (workspace, user, date) order; a user id is unique only
    within its workspace."""
    query = (
        select(Rep.workspace_id, Rep.user_id, DayLog.day, *(getattr(DayLog, field.key) for field in FIELDS))
        .join(Rep, Rep.id == DayLog.rep_id)
        .order_by(Rep.workspace_id, Rep.user_id, DayLog.day)
    )
    if workspace_id is not None:
        query = query.where(Rep.workspace_id == workspace_id)
    if since:
        query = query.where(DayLog.day >= since)
    if until:
        query = query.where(DayLog.day <= until)
    if team_id is not None:
        query = query.join(TeamMember, TeamMember.rep_id == Rep.id).where(TeamMember.team_id == team_id)
    for row in session.execute(query.execution_options(yield_per=1000)):
        yield tuple(row)
