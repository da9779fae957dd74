"""The outbox: scheduled messages as rows, claimed by one sender at a time, each sent exactly once.

A row's life: pending → sending (claimed, with a lease) → sent, or back to pending with a later
`next_attempt_at`, or failed for good. A sender that dies leaves its rows in `sending`; when the
lease runs out another sender claims them, marked uncertain.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from coaching.db import insert_new
from coaching.models import OutboxMessage
from coaching.refusals import Refusal

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"


@dataclass(frozen=True)
class OutboxPolicy:
    lease: timedelta = timedelta(minutes=2)
    max_attempts: int = 8
    retry_base: timedelta = timedelta(seconds=2)
    retry_cap: timedelta = timedelta(minutes=5)
    batch: int = 20

    def backoff(self, attempts: int, rng: random.Random) -> timedelta:
        """Capped exponential backoff with full jitter, so failed senders do not retry in step."""
        ceiling = min(self.retry_cap, self.retry_base * 2 ** max(attempts - 1, 0))
        delay: timedelta = ceiling * (0.5 + rng.random() / 2)
        return delay


def utc(moment: datetime) -> datetime:
    """SQLite hands datetimes back without their zone; every stored one is UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def enqueue(session: Session, messages: list[dict[str, Any]], now: datetime) -> dict[str, int]:
    """Adds messages ({workspace_id, kind, recipient, idempotency_key, payload}) whose key is new."""
    rows = [
        message
        | {
            "status": PENDING,
            "attempts": 0,
            "uncertain": False,
            "next_attempt_at": now,
            "created_at": now,
            "updated_at": now,
        }
        for message in messages
    ]
    return insert_new(session, OutboxMessage, rows, "idempotency_key")


@dataclass(frozen=True)
class Outgoing:
    """A message to queue: where it goes, and the key that makes it go once however often it is queued."""

    workspace_id: str
    kind: str
    recipient: str
    key: str
    message: dict[str, Any]


def queue_messages(*, session: Session, messages: Sequence[Outgoing], now: datetime) -> int:
    """Queues each message whose key is new, in one statement; returns how many were. The caller commits."""
    rows = [
        {
            "workspace_id": outgoing.workspace_id,
            "kind": outgoing.kind,
            "recipient": outgoing.recipient,
            "idempotency_key": outgoing.key,
            "payload": outgoing.message,
        }
        for outgoing in messages
    ]
    return len(enqueue(session, rows, now))


def queue_message(
    *, session: Session, workspace_id: str, kind: str, recipient: str, key: str, message: dict[str, Any], now: datetime
) -> bool:
    """Queues one message unless its key was queued before; says whether it was. The caller commits."""
    outgoing = Outgoing(workspace_id, kind, recipient, key, message)
    return queue_messages(session=session, messages=[outgoing], now=now) == 1


def is_queued(session: Session, key: str) -> bool:
    """Whether a message with this key was ever queued: spares building one the key would refuse anyway."""
    return session.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key)) is not None


def claim(
    session: Session, worker: str, now: datetime, policy: OutboxPolicy, message_id: int | None = None
) -> list[OutboxMessage]:
    """Takes due rows (or just `message_id`) for this worker; SKIP LOCKED lets another replica take others at once."""
    query = (
        select(OutboxMessage)
        .where(
            or_(
                (OutboxMessage.status == PENDING) & (OutboxMessage.next_attempt_at <= now),
                (OutboxMessage.status == SENDING) & (OutboxMessage.lease_until < now),
            )
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(policy.batch)
        .with_for_update(skip_locked=True)
    )
    if message_id is not None:
        query = query.where(OutboxMessage.id == message_id)
    claimed = list(session.scalars(query))
    for message in claimed:
        if message.status == SENDING:  # its sender died mid-send
            message.uncertain = True
        message.status = SENDING
        message.claimed_by = worker
        message.lease_until = now + policy.lease
        message.attempts += 1
        message.updated_at = now
    return claimed


def next_due(session: Session) -> datetime | None:
    """When the earliest row still waiting could be claimed."""
    pending = session.scalar(select(func.min(OutboxMessage.next_attempt_at)).where(OutboxMessage.status == PENDING))
    leased = session.scalar(select(func.min(OutboxMessage.lease_until)).where(OutboxMessage.status == SENDING))
    candidates = [utc(moment) for moment in (pending, leased) if moment is not None]
    return min(candidates) if candidates else None


def mark_sent(session: Session, message_id: int, channel: str | None, ts: str | None, now: datetime) -> bool:
    """False when the row is gone: erased with the person it was for or about (forget-me) while it was being sent."""
    message = session.get(OutboxMessage, message_id)
    if message is None:
        return False
    message.status, message.channel, message.ts = SENT, channel, ts
    message.lease_until, message.uncertain, message.updated_at = None, False, now
    return True


def mark_failed(session: Session, message_id: int, reason: str, now: datetime) -> None:
    message = session.get(OutboxMessage, message_id)
    if message is not None:  # else erased meanwhile, with nothing left to record
        message.status, message.last_error, message.lease_until, message.updated_at = FAILED, reason[:200], None, now


def mark_retry(
    session: Session,
    message_id: int,
    reason: str,
    delay: timedelta,
    uncertain: bool,
    now: datetime,
    policy: OutboxPolicy,
) -> bool:
    """Schedules another attempt; returns False (and marks the row failed) when attempts are used up, or when the row
    was erased meanwhile."""
    message = session.get(OutboxMessage, message_id)
    if message is None:
        return False
    if message.attempts >= policy.max_attempts:
        mark_failed(session, message_id, f"gave up after {message.attempts} attempts: {reason}", now)
        return False
    message.status, message.last_error, message.lease_until = PENDING, reason[:200], None
    message.next_attempt_at, message.uncertain, message.updated_at = now + delay, message.uncertain or uncertain, now
    return True


class OutboxError(Refusal):
    """An outbox request that cannot be carried out; the message says why."""


def retry_now(session: Session, message_id: int, now: datetime) -> OutboxMessage:
    """Puts a failed row back in the queue with fresh attempts."""
    message = session.get(OutboxMessage, message_id)
    if message is None:
        raise OutboxError(f"there is no outbox message {message_id}")
    if message.status != FAILED:
        raise OutboxError(f"outbox message {message_id} is {message.status}; only failed messages can be retried")
    message.status, message.attempts, message.next_attempt_at, message.updated_at = PENDING, 0, now, now
    return message


def listing(session: Session, status: str | None) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    query = query.where(OutboxMessage.status == status) if status else query.where(OutboxMessage.status != SENT)
    return list(session.scalars(query))


def depth(session: Session) -> int:
    return session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.status.in_([PENDING, SENDING]))) or 0


def last_channel(session: Session, recipient: str) -> str | None:
    """The DM channel Slack gave for a user id on an earlier send."""
    query = select(OutboxMessage.channel).where(
        OutboxMessage.recipient == recipient, OutboxMessage.channel.is_not(None)
    )
    return session.scalar(query.order_by(OutboxMessage.id.desc()).limit(1))


def fail_workspace(session: Session, workspace_id: str, reason: str, now: datetime) -> int:
    """Stops every message still waiting for a workspace; returns how many."""
    waiting = select(OutboxMessage).where(
        OutboxMessage.workspace_id == workspace_id, OutboxMessage.status.in_([PENDING, SENDING])
    )
    messages = list(session.scalars(waiting))
    for message in messages:
        message.status, message.last_error, message.lease_until, message.updated_at = FAILED, reason, None, now
    return len(messages)
