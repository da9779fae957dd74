"""What a helpdesk connector gives the sync: its agents, and its tickets and ratings a page at a time.

Each vendor's client (`zendesk.py`, `freshdesk.py`) turns its API's records into these, so everything after the
fetch (records per ticket, day figures, matching agents to reps) is written once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, Protocol, TypeVar

_Item = TypeVar("_Item")

# The figures (coaching.fields keys) both connectors give; docs/helpdesk.md says where each comes from.
HELPDESK_FIGURES = frozenset({"contacts", "fcr", "repeat", "complaints", "csat"})
SOURCES = {"zendesk": "Zendesk", "freshdesk": "Freshdesk"}


class HelpdeskError(Exception):
    """The helpdesk could not be read; the message says why in one line, naming the settings to check."""


class HelpdeskAuthError(HelpdeskError):
    """The helpdesk refused the credentials (401 or 403): a revoked token or a wrong setting, not an outage."""


class HelpdeskUnavailable(HelpdeskError):
    """The helpdesk did not answer usably after the retries (timeouts, 5xx, rate limits longer than we wait)."""


@dataclass(frozen=True)
class Agent:
    agent_id: str
    email: str | None
    name: str


@dataclass(frozen=True)
class Ticket:
    """A ticket as it stands now; a later page with the same id replaces it."""

    ticket_id: str
    # The agent it is assigned to; None while unassigned.
    agent_id: str | None
    # When it was solved (Zendesk's solved, Freshdesk's resolved), if it is solved or closed now.
    solved_at: datetime | None
    # Reopened at least once after being solved.
    reopened: bool
    # At most one public reply from an agent (Zendesk's `replies`; Freshdesk: the last agent reply was the first).
    at_most_one_reply: bool
    tags: frozenset[str]


@dataclass(frozen=True)
class Rating:
    rating_id: str
    ticket_id: str
    agent_id: str | None
    # On RepCoach's CSAT scale, 1 to 5; each connector states its mapping in docs/helpdesk.md.
    score: float
    rated_at: datetime


@dataclass(frozen=True)
class Page(Generic[_Item]):
    items: list[_Item]
    # Opaque to the sync: given back to the connector, it resumes after this page.
    cursor: str


class Connector(Protocol):
    """One helpdesk account. Pages come in the helpdesk's order; `cursor` (from a saved page) wins over `since`."""

    source: str  # "zendesk" or "freshdesk", as stored
    label: str  # as people read it
    provides: frozenset[str]  # the figure keys (coaching.fields) it can give

    def agents(self) -> Iterator[Agent]: ...

    def tickets(self, *, cursor: str | None, since: datetime) -> Iterator[Page[Ticket]]: ...

    def ratings(self, *, cursor: str | None, since: datetime) -> Iterator[Page[Rating]]: ...


@dataclass(frozen=True)
class Helpdesks:
    """The helpdesks whose figures are imported (none unless their settings are given), and how."""

    connectors: tuple[Connector, ...] = ()
    every: timedelta = timedelta(minutes=15)
    # A ticket carrying this tag counts as a complaint.
    complaint_tag: str = "complaint"
    # The Slack workspace the figures belong to; None means the database's only one.
    workspace_id: str | None = None
