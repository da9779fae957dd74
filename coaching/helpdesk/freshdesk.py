"""Freshdesk as a helpdesk connector: its agents, its tickets with their stats, its satisfaction ratings.

Freshdesk lists by page number (`per_page`, `page`, the next page in the `Link` header) and refuses pages past the
300th, so a listing is read in windows: tickets by `updated_since` in `updated_at` order, ratings by
`created_since`, and when a window reaches the last page Freshdesk serves the next one starts at the newest time
seen (the overlap is read twice, which the sync's upsert absorbs). A page's cursor is its window and the next
page number; after the last page, the newest time seen. docs/helpdesk.md says which field each figure comes from.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx

from coaching.helpdesk.connector import (
    HELPDESK_FIGURES,
    Agent,
    HelpdeskError,
    HelpdeskUnavailable,
    Page,
    Rating,
    Ticket,
)
from coaching.helpdesk.http import HelpdeskHttp, RetryPolicy

_Item = TypeVar("_Item")
# Freshdesk's status numbers for Resolved and Closed.
_SOLVED = frozenset({4, 5})
# A survey answer's values, from extremely unhappy to extremely happy; spread evenly over RepCoach's 1 to 5.
_SCALE = (-103, -102, -101, 100, 101, 102, 103)
_SCORES = {value: 1 + 4 * rank / (len(_SCALE) - 1) for rank, value in enumerate(_SCALE)}


class FreshdeskConnector:
    source = "freshdesk"
    label = "Freshdesk"
    provides = HELPDESK_FIGURES

    def __init__(self, http: HelpdeskHttp, *, page_size: int = 100, page_limit: int = 300) -> None:
        self._http = http
        self._page_size = page_size
        # The last page number Freshdesk serves for a listing.
        self._page_limit = page_limit

    def agents(self) -> Iterator[Agent]:
        target: str = "agents"
        params: dict[str, str | int] | None = {"per_page": self._page_size, "page": 1}
        while True:
            response = self._http.get(target, params)
            for record in _records(response):
                contact = record.get("contact") or {}
                yield Agent(agent_id=str(record["id"]), email=contact.get("email"), name=contact.get("name") or "")
            following = response.links.get("next")
            if following is None:
                return
            target, params = following["url"], None

    def tickets(self, *, cursor: str | None, since: datetime) -> Iterator[Page[Ticket]]:
        filters = {"include": "stats", "order_by": "updated_at", "order_type": "asc"}
        return self._windows("tickets", "updated_since", filters, "updated_at", _ticket, cursor, since)

    def ratings(self, *, cursor: str | None, since: datetime) -> Iterator[Page[Rating]]:
        return self._windows("surveys/satisfaction_ratings", "created_since", {}, "created_at", _rating, cursor, since)

    def _windows(
        self,
        path: str,
        since_name: str,
        filters: dict[str, str],
        stamp: str,
        convert: Callable[[dict[str, Any]], _Item | None],
        cursor: str | None,
        since: datetime,
    ) -> Iterator[Page[_Item]]:
        window, page = _resumed(cursor) if cursor else (_utc(since), 1)
        newest = window

        def first_of(window: datetime, page: int) -> tuple[str, dict[str, str | int] | None]:
            return path, {since_name: _iso(window), **filters, "per_page": self._page_size, "page": page}

        target, params = first_of(window, page)
        while True:
            response = self._http.get(target, params)
            items = []
            for record in _records(response):
                if record.get(stamp):
                    newest = max(newest, _instant(record[stamp]))
                item = convert(record)
                if item is not None:
                    items.append(item)
            following = response.links.get("next")
            if following is None:
                yield Page(items, json.dumps({"since": _iso(newest)}))
                return
            if page >= self._page_limit:
                if newest <= window:
                    raise HelpdeskUnavailable(
                        f"Freshdesk has more than {page} pages of {path} at {_iso(window)}; they cannot be listed"
                    )
                window, page = newest, 1
                target, params = first_of(window, page)
                yield Page(items, json.dumps({"since": _iso(window)}))
                continue
            page += 1
            target, params = following["url"], None
            yield Page(items, json.dumps({"since": _iso(window), "page": page}))


def freshdesk_connector(
    *, api_url: str, api_key: str, timeout_seconds: float, retry: RetryPolicy
) -> FreshdeskConnector:
    """A connector for the account at `api_url` (https://{domain}.freshdesk.com/api/v2/), with an API key."""
    http = HelpdeskHttp(
        label="Freshdesk",
        base_url=api_url,
        # Freshdesk takes the API key as the user name; the password is ignored.
        auth=(api_key, "X"),
        credentials_hint="FRESHDESK_API_KEY",
        timeout_seconds=timeout_seconds,
        retry=retry,
    )
    return FreshdeskConnector(http)


def _ticket(record: dict[str, Any]) -> Ticket:
    stats = record.get("stats") or {}
    solved_at = stats.get("resolved_at") or stats.get("closed_at") if record.get("status") in _SOLVED else None
    # Freshdesk gives when agents first and last replied, not how often: the last reply being the first is
    # taken as a single reply (two replies within the same second would count as one).
    last_reply, first_reply = stats.get("agent_responded_at"), stats.get("first_responded_at")
    single = last_reply is None or (first_reply is not None and _instant(last_reply) == _instant(first_reply))
    return Ticket(
        ticket_id=str(record["id"]),
        agent_id=_id(record.get("responder_id")),
        solved_at=_instant(solved_at) if solved_at else None,
        reopened=stats.get("reopened_at") is not None,
        at_most_one_reply=single,
        tags=frozenset(record.get("tags") or ()),
    )


def _rating(record: dict[str, Any]) -> Rating | None:
    answer = (record.get("ratings") or {}).get("default_question")
    score = _SCORES.get(answer) if isinstance(answer, int) else None
    if score is None:
        return None
    return Rating(
        rating_id=str(record["id"]),
        ticket_id=str(record["ticket_id"]),
        agent_id=_id(record.get("agent_id")),
        score=score,
        rated_at=_instant(record["created_at"]),
    )


def _records(response: httpx.Response) -> list[dict[str, Any]]:
    try:
        records = response.json()
    except ValueError:
        records = None
    if not isinstance(records, list):
        raise HelpdeskUnavailable(f"Freshdesk answered {str(response.url)[:200]} with something not a JSON list")
    return records


def _resumed(cursor: str) -> tuple[datetime, int]:
    try:
        position = json.loads(cursor)
        return _instant(position["since"]), int(position.get("page", 1))
    except (ValueError, TypeError, KeyError, AttributeError):
        raise HelpdeskError(f"Freshdesk: the saved cursor is not one this connector wrote: {cursor[:100]}") from None


def _utc(instant: datetime) -> datetime:
    return instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)


def _instant(text: str) -> datetime:
    return _utc(datetime.fromisoformat(text))


def _iso(instant: datetime) -> str:
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ")


def _id(value: Any) -> str | None:
    return None if value is None else str(value)
