"""What a request to /slack/events must be before Bolt parses any of it: small, signed by Slack, well-formed, and
not one already handled.

Anyone can POST to the public events URL, so nothing is decoded before the signature is checked on the raw
bytes, and a stranger's request costs one HMAC. A signed request can still be replayed by whoever saw it within
Slack's five-minute window (or sent again by Slack as a retry), so its signature is recorded in the database,
where every replica sees it: the second one gets an empty 200 and runs nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_bolt.request.internals import extract_content_type, parse_body
from sqlalchemy import DateTime, Engine, String, delete
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from starlette.datastructures import Headers

from bot.slack.payloads import envelope_fault
from coaching.db import insert_skipping_taken, on_their_own

# Slack's payloads are a few kilobytes; a larger body is refused before it is read.
MAX_BODY_BYTES = 1_000_000
# Slack's own bound on a request's age; a signature older than this is refused anyway.
SIGNATURE_WINDOW = timedelta(minutes=5)


def is_signed_by_slack(body: bytes, headers: Mapping[str, str], secret: str, now: float | None = None) -> bool:
    """Slack's v0 signature: an HMAC-SHA256 of `v0:{timestamp}:{body}`, with a timestamp under five minutes old."""
    stamp, signature = headers.get("x-slack-request-timestamp", ""), headers.get("x-slack-signature", "")
    if not stamp.isdigit() or not signature:
        return False
    if abs((time.time() if now is None else now) - int(stamp)) > SIGNATURE_WINDOW.total_seconds():
        return False
    expected = hmac.new(secret.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(f"v0={expected}", signature)


@dataclass(frozen=True)
class ReadBody:
    text: str
    parsed: dict[str, Any]


def read_body(body: bytes, headers: Headers) -> ReadBody | str:
    """The body as Bolt would read it, or why Bolt could not, in a few words.

    Parsed as Bolt parses it (JSON, or a form with perhaps a JSON `payload`), which must give an object with the
    fields Bolt routes by (bot.slack.payloads.envelope_fault)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "the body is not UTF-8 text"
    try:
        parsed = parse_body(text, extract_content_type({"content-type": headers.getlist("content-type")}))
    except ValueError:  # json.JSONDecodeError is one
        return "the body or its payload is not valid JSON"
    if not isinstance(parsed, dict):
        return f"expected a JSON object, got {json.dumps(parsed)[:20]}"
    return envelope_fault(parsed) or ReadBody(text, parsed)


class _Bookkeeping(DeclarativeBase):
    """Kept apart from coaching.models.Base: these rows are the HTTP face's memory, not data about anyone, and are
    neither exported nor erased with a person. migrations/versions/0010 creates the table."""


class SeenRequest(_Bookkeeping):
    __tablename__ = "seen_requests"

    signature: Mapped[str] = mapped_column(String(100), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class SeenRequests:
    """Signatures of the signed requests handled in the last five minutes, shared by every replica."""

    # Old rows go at most this often per process: one indexed range DELETE, not one per request.
    PRUNE_EVERY = timedelta(minutes=1)

    def __init__(self, engine: Engine):
        self.engine = engine
        self._statements = on_their_own(engine)
        self._record = insert_skipping_taken(self._statements, SeenRequest, ("signature",), returning=("signature",))
        self._next_prune = datetime.min.replace(tzinfo=UTC)
        self._prune_lock = threading.Lock()

    def first_time(self, signature: str) -> bool:
        """Records the signature; False if it was recorded already (a replay)."""
        now = datetime.now(UTC)
        first = self._statements.first(self._record, {"signature": signature, "seen_at": now}) is not None
        if now >= self._next_prune and self._prune_lock.acquire(blocking=False):
            try:
                self._next_prune = now + self.PRUNE_EVERY
                with self.engine.begin() as connection:
                    connection.execute(delete(SeenRequest).where(SeenRequest.seen_at < now - SIGNATURE_WINDOW))
            finally:
                self._prune_lock.release()
        return first
