"""Zendesk Support as a helpdesk connector: its agents, its tickets with their metric sets, its CSAT ratings.

Tickets come from the cursor-based incremental export (`incremental/tickets/cursor.json`, side-loading
`metric_sets`), whose `after_cursor` also resumes an export that reached `end_of_stream`, so every page's cursor
is Zendesk's own. Ratings and users use Zendesk's cursor pagination (`page[size]`, `page[after]`); ratings resume
after their last page from the newest `updated_at` seen, since a rating that is offered first is updated when the
customer answers. docs/helpdesk.md says which field each figure comes from.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from coaching.helpdesk.connector import HELPDESK_FIGURES, Agent, HelpdeskError, Page, Rating, Ticket
from coaching.helpdesk.http import HelpdeskHttp, RetryPolicy

# Zendesk's cursor pagination gives at most 100 records a page; the incremental export up to 1000.
_MOST_PER_CURSOR_PAGE = 100
_SOLVED = frozenset({"solved", "closed"})
# A customer's answer, on RepCoach's 1 to 5 scale; "offered" and "unoffered" are no answer yet.
_SCORES = {"good": 5.0, "bad": 1.0}


class ZendeskConnector:
    source = "zendesk"
    label = "Zendesk"
    provides = HELPDESK_FIGURES

    def __init__(self, http: HelpdeskHttp, *, page_size: int = 1000) -> None:
        self._http = http
        self._page_size = page_size

    def agents(self) -> Iterator[Agent]:
        # The role filter repeats its key, which a mapping of parameters cannot say; the next links keep it.
        size = min(self._page_size, _MOST_PER_CURSOR_PAGE)
        target: str | None = f"users.json?role[]=agent&role[]=admin&page[size]={size}"
        while target is not None:
            body = self._http.get_json(target)
            for user in body.get("users") or []:
                yield Agent(agent_id=str(user["id"]), email=user.get("email"), name=user.get("name") or "")
            target = (body.get("links") or {}).get("next") if (body.get("meta") or {}).get("has_more") else None

    def tickets(self, *, cursor: str | None, since: datetime) -> Iterator[Page[Ticket]]:
        position = _resumed(cursor, "cursor", "start_time") or {"start_time": _unix(since)}
        while True:
            body = self._http.get_json(
                "incremental/tickets/cursor.json",
                {**position, "include": "metric_sets", "per_page": self._page_size},
            )
            metrics = {metric.get("ticket_id"): metric for metric in body.get("metric_sets") or []}
            # A deleted ticket comes as status "deleted": not solved, so one already counted leaves its day.
            tickets = [_ticket(record, metrics.get(record["id"])) for record in body.get("tickets") or []]
            # An export that found nothing new gives no cursor: it resumes from where it started.
            if body.get("after_cursor"):
                position = {"cursor": body["after_cursor"]}
            yield Page(tickets, json.dumps(position))
            if body.get("end_of_stream", True):
                return

    def ratings(self, *, cursor: str | None, since: datetime) -> Iterator[Page[Rating]]:
        position = _resumed(cursor, "start_time") or {"start_time": _unix(since)}
        newest = int(position["start_time"])
        while True:
            body = self._http.get_json(
                "satisfaction_ratings.json",
                {**position, "score": "received", "page[size]": min(self._page_size, _MOST_PER_CURSOR_PAGE)},
            )
            ratings = []
            for record in body.get("satisfaction_ratings") or []:
                updated_at = _instant(record.get("updated_at") or record["created_at"])
                newest = max(newest, int(updated_at.timestamp()))
                score = _SCORES.get(record.get("score"))
                if score is not None:
                    ratings.append(
                        Rating(
                            rating_id=str(record["id"]),
                            ticket_id=str(record["ticket_id"]),
                            agent_id=_id(record.get("assignee_id")),
                            score=score,
                            rated_at=updated_at,
                        )
                    )
            meta = body.get("meta") or {}
            if not meta.get("has_more"):
                yield Page(ratings, json.dumps({"start_time": newest}))
                return
            position = {"start_time": position["start_time"], "page[after]": _required(meta, "after_cursor")}
            yield Page(ratings, json.dumps(position))


def zendesk_connector(
    *, api_url: str, email: str, api_token: str, timeout_seconds: float, retry: RetryPolicy
) -> ZendeskConnector:
    """A connector for the account at `api_url` (https://{subdomain}.zendesk.com/api/v2/), with an API token."""
    http = HelpdeskHttp(
        label="Zendesk",
        base_url=api_url,
        auth=(f"{email}/token", api_token),
        credentials_hint="ZENDESK_EMAIL and ZENDESK_API_TOKEN",
        timeout_seconds=timeout_seconds,
        retry=retry,
    )
    return ZendeskConnector(http)


def _ticket(record: dict[str, Any], metric: dict[str, Any] | None) -> Ticket:
    # Without its metric set (Zendesk side-loads one per ticket) a ticket counts as not solved, not reopened, and
    # not resolved at first contact: nothing is claimed that Zendesk did not say.
    metric = metric or {}
    solved_at = metric.get("solved_at") if record.get("status") in _SOLVED else None
    replies = metric.get("replies")
    return Ticket(
        ticket_id=str(record["id"]),
        agent_id=_id(record.get("assignee_id")),
        solved_at=_instant(solved_at) if solved_at else None,
        reopened=(metric.get("reopens") or 0) > 0,
        at_most_one_reply=replies is not None and replies <= 1,
        tags=frozenset(record.get("tags") or ()),
    )


def _resumed(cursor: str | None, *keys: str) -> dict[str, str | int] | None:
    """The query a saved cursor resumes with; it holds one of `keys`."""
    if cursor is None:
        return None
    try:
        position = json.loads(cursor)
    except ValueError:
        position = None
    if not isinstance(position, dict) or not any(key in position for key in keys):
        raise HelpdeskError(f"Zendesk: the saved cursor is not one this connector wrote: {cursor[:100]}")
    return position


def _required(meta: dict[str, Any], name: str) -> str:
    value = meta.get(name)
    if not value:
        raise HelpdeskError(f"Zendesk said there was another page but gave no {name}")
    return str(value)


def _unix(instant: datetime) -> int:
    return int((instant if instant.tzinfo else instant.replace(tzinfo=UTC)).timestamp())


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def _id(value: Any) -> str | None:
    return None if value is None else str(value)
