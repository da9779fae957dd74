"""Where each helpdesk's sync stands: one replica at a time holds it, cursors saved page by page, and its health.

A failure is recorded, not swallowed: `repcoach helpdesk status` shows it, and the first failure of a kind tells
the workspace's admins (the caller sends that), so a revoked token or an outage is never silence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coaching.db import insert_skipping_taken
from coaching.fields import MAX_DAYS_BACK
from coaching.helpdesk.connector import HelpdeskAuthError, HelpdeskError, HelpdeskUnavailable
from coaching.helpdesk.records import utc
from coaching.models import HelpdeskAgent, HelpdeskRating, HelpdeskSync, HelpdeskTicket


@dataclass(frozen=True)
class SyncStatus:
    source: str
    backfill_from: date
    started_at: datetime | None
    succeeded_at: datetime | None
    failed_at: datetime | None
    failure: str | None
    failure_kind: str | None
    tickets: int
    ratings: int
    agents: int
    agents_matched: int

    @property
    def healthy(self) -> bool:
        return self.failure_kind is None


def claim_sync(
    session: Session, *, workspace_id: str, source: str, since: date | None, now: datetime, lease: timedelta
) -> HelpdeskSync | None:
    """The sync's row, held for `lease`; None while another process holds it. `since` starts over from that day
    (the days before it stay as they are); a first sync starts `MAX_DAYS_BACK` days back, as far as `/log` goes."""
    connection = session.connection()
    connection.execute(
        insert_skipping_taken(connection, HelpdeskSync, ("workspace_id", "source"), returning=("source",)),
        {
            "workspace_id": workspace_id,
            "source": source,
            "backfill_from": since or (now.date() - timedelta(days=MAX_DAYS_BACK)),
        },
    )
    sync = session.scalars(
        select(HelpdeskSync)
        .where(HelpdeskSync.workspace_id == workspace_id, HelpdeskSync.source == source)
        .with_for_update()
    ).one()
    if sync.lease_until is not None and utc(sync.lease_until) > now:
        return None
    if since is not None:
        sync.backfill_from = min(sync.backfill_from, since)
        sync.tickets_cursor = sync.ratings_cursor = None
    sync.started_at, sync.lease_until = now, now + lease
    return sync


def fetch_from(sync: HelpdeskSync) -> datetime:
    """Where a sync without a cursor starts: a day before `backfill_from` in UTC, so its first day is whole in
    every timezone."""
    return datetime.combine(sync.backfill_from - timedelta(days=1), time(), UTC)


def release(sync: HelpdeskSync, *, now: datetime, failure: HelpdeskError | None) -> bool:
    """Records how the sync ended and lets go of it; True when this is a new failure, to tell the admins of."""
    sync.lease_until = None
    if failure is None:
        sync.succeeded_at, sync.failure, sync.failure_kind = now, None, None
        return False
    kind = failure_kind(failure)
    new = sync.failure_kind != kind
    sync.failed_at, sync.failure, sync.failure_kind = now, str(failure)[:300], kind
    return new


def failure_kind(failure: HelpdeskError) -> str:
    if isinstance(failure, HelpdeskAuthError):
        return "auth"
    return "unavailable" if isinstance(failure, HelpdeskUnavailable) else "error"


def is_due(session: Session, *, workspace_id: str, source: str, now: datetime, every: timedelta) -> bool:
    sync = session.get(HelpdeskSync, (workspace_id, source))
    if sync is None:
        return True
    if sync.lease_until is not None and utc(sync.lease_until) > now:
        return False
    last = max((utc(moment) for moment in (sync.succeeded_at, sync.failed_at) if moment), default=None)
    return last is None or now - last >= every


def sync_statuses(session: Session, workspace_id: str) -> list[SyncStatus]:
    statuses = []
    for sync in session.scalars(
        select(HelpdeskSync).where(HelpdeskSync.workspace_id == workspace_id).order_by(HelpdeskSync.source)
    ):
        count = _counter(session, workspace_id, sync.source)
        statuses.append(
            SyncStatus(
                source=sync.source,
                backfill_from=sync.backfill_from,
                started_at=sync.started_at,
                succeeded_at=sync.succeeded_at,
                failed_at=sync.failed_at,
                failure=sync.failure,
                failure_kind=sync.failure_kind,
                tickets=count(HelpdeskTicket),
                ratings=count(HelpdeskRating),
                agents=count(HelpdeskAgent),
                agents_matched=count(HelpdeskAgent, HelpdeskAgent.rep_id.is_not(None)),
            )
        )
    return statuses


def _counter(session: Session, workspace_id: str, source: str) -> Callable[..., int]:
    def count(model: type[HelpdeskTicket | HelpdeskRating | HelpdeskAgent], *more: Any) -> int:
        where = [model.workspace_id == workspace_id, model.source == source, *more]
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0

    return count


def pending_days(sync: HelpdeskSync) -> dict[int, set[date]]:
    days: dict[int, set[date]] = {}
    for rep_id, day in sync.pending_days or []:
        days.setdefault(int(rep_id), set()).add(date.fromisoformat(day))
    return days


def pending_json(rep_days: dict[int, set[date]]) -> list[list[Any]]:
    return [[rep_id, day.isoformat()] for rep_id, days in sorted(rep_days.items()) for day in sorted(days)]
