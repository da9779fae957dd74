"""A local stand-in for Freshdesk's API v2, answering the calls the Freshdesk connector makes as Freshdesk does.

Tickets (`updated_since`, `include=stats`, listed by `updated_at` ascending), satisfaction ratings
(`created_since`) and agents, a page at a time with `per_page` and `page` and the next page in the `Link` header;
no ticket page past the 300th (`page_limit`, smaller in tests); basic auth with the API key as user name; the
`X-RateLimit-Total`, `-Remaining` and `-Used-CurrentRequest` headers. Point FRESHDESK_API_URL at
`stand_in.api_url`; run it alone with `python -m bot.dev.local_freshdesk --port P --tickets N`.

Unlike Freshdesk it lists tickets only by `updated_at` ascending, the order the connector asks for, and without
`updated_since` it lists those updated (not created) in the last 30 days.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import Any
from urllib.parse import urlencode

from bot.dev.local_helpdesk import (
    Answer,
    LocalHelpdesk,
    Params,
    Records,
    StandInAgent,
    StandInRating,
    StandInTicket,
    iso,
    page_size,
    position,
    serve,
    since,
)

API_KEY = "stand-in-freshdesk-key"
STATUS = {"open": 2, "pending": 3, "solved": 4, "closed": 5}
# Freshdesk's answers to a survey question, from extremely happy to extremely unhappy.
SCALE = (103, 102, 101, 100, -101, -102, -103)


def freshdesk_score(rng: random.Random) -> int:
    return rng.choices(SCALE, weights=(5, 3, 2, 1, 1, 1, 1))[0]


class LocalFreshdesk(LocalHelpdesk):
    label = "Freshdesk"
    requests_per_minute = 400

    def __init__(
        self, *, tickets: int = 0, agents: int = 20, seed: int = 0, api_key: str = API_KEY, page_limit: int = 300
    ) -> None:
        records = Records(native_score=freshdesk_score, generated=tickets, generated_agents=agents, seed=seed)
        super().__init__(records, username=api_key, password=None)
        self.page_limit = page_limit
        # Where the next page of a listing starts, so reading page after page does not count from the first;
        # kept only while no record changes, since a change shifts the pages as it does at Freshdesk.
        self._next_starts: dict[tuple[str, ...], tuple[int, int]] = {}
        self._version = -1

    def refused_credentials(self) -> Any:
        return {"code": "invalid_credentials", "message": "You have to be logged in to perform this action."}

    def rate_limit_headers(self, remaining: int, params: Params) -> dict[str, str]:
        # Each embedded resource (`include`) costs two more credits.
        includes = [name for name in params.get("include", [""])[0].split(",") if name]
        return {
            "X-RateLimit-Total": str(self.requests_per_minute),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Used-CurrentRequest": str(1 + 2 * len(includes)),
        }

    def answer(self, path: str, params: Params) -> Answer:
        try:
            if path == "tickets":
                return self._tickets(params)
            if path == "surveys/satisfaction_ratings":
                return self._ratings(params)
            if path == "agents":
                return self._listing("agents", params, self._agents_after, _agent_position, _agent)
        except ValueError as error:
            return 400, {}, _invalid("query", str(error))
        return 404, {}, {}

    def _tickets(self, params: Params) -> Answer:
        if (params.get("order_by", ["created_at"])[0], params.get("order_type", ["desc"])[0]) != ("updated_at", "asc"):
            raise ValueError("the stand-in lists tickets by updated_at ascending only")
        if _number(params, "page", 1) > self.page_limit:
            return 400, {}, _invalid("page", f"It should be a Positive Integer less than or equal to {self.page_limit}")
        start = since(_instant(params, "updated_since", default=datetime.now(UTC) - timedelta(days=30)))
        stats = "stats" in params.get("include", [""])[0].split(",")

        def tickets(at: tuple[int, int]) -> Iterator[StandInTicket]:
            return (ticket for ticket in self.records.tickets.after(max(at, start)) if ticket.status != "deleted")

        return self._listing("tickets", params, tickets, _ticket_position, lambda ticket: _ticket(ticket, stats))

    def _ratings(self, params: Params) -> Answer:
        start = since(_instant(params, "created_since", default=datetime.fromtimestamp(0, UTC)))
        return self._listing(
            "surveys/satisfaction_ratings",
            params,
            lambda at: self.records.ratings.after(max(at, start)),
            _rating_position,
            _rating,
        )

    def _agents_after(self, at: tuple[int, int]) -> Iterator[StandInAgent]:
        return iter(sorted((a for a in self.records.agents() if _agent_position(a) > at), key=_agent_position))

    def _listing(
        self,
        path: str,
        params: Params,
        items_from: Callable[[tuple[int, int]], Iterator[Any]],
        position_of: Callable[[Any], tuple[int, int]],
        render: Callable[[Any], dict[str, Any]],
    ) -> Answer:
        """One page of a listing by page number, with a `Link` to the next page when there is one."""
        size = page_size(params, "per_page", 30, 100)
        page = _number(params, "page", 1)
        query = tuple(f"{key}={values}" for key, values in sorted(params.items()) if key != "page")
        with self._lock:
            if self._version != self.records.version:
                self._next_starts.clear()
                self._version = self.records.version
            start = self._next_starts.get((path, *query, str(page)))
        # Without a known start (a page asked for out of turn, or after a change) the pages before are counted.
        items = islice(items_from((0, 0)), (page - 1) * size, None) if start is None else items_from(start)
        batch = list(islice(items, size + 1))
        headers = {}
        if len(batch) > size:
            batch = batch[:size]
            following = {key: values for key, values in params.items() if key != "page"} | {"page": [str(page + 1)]}
            headers["Link"] = f'<{self.api_url}{path}?{urlencode(following, doseq=True)}>; rel="next"'
        if batch:
            with self._lock:
                self._next_starts[(path, *query, str(page + 1))] = position_of(batch[-1])
        return 200, headers, [render(item) for item in batch]


def _ticket_position(ticket: StandInTicket) -> tuple[int, int]:
    return position(ticket.updated_at, ticket.ticket_id)


def _rating_position(rating: StandInRating) -> tuple[int, int]:
    return position(rating.updated_at, rating.rating_id)


def _agent_position(agent: StandInAgent) -> tuple[int, int]:
    return 0, agent.agent_id


def _ticket(ticket: StandInTicket, stats: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": ticket.ticket_id,
        "subject": f"Ticket {ticket.ticket_id}",
        "status": STATUS[ticket.status],
        "priority": 1,
        "source": 1,
        "responder_id": ticket.agent_id,
        "requester_id": 900_000 + ticket.ticket_id,
        "group_id": None,
        "tags": list(ticket.tags),
        "created_at": iso(ticket.created_at),
        "updated_at": iso(ticket.updated_at),
    }
    if stats:
        first = ticket.created_at + timedelta(minutes=30) if ticket.replies else None
        last = first + timedelta(minutes=30 * (ticket.replies - 1)) if first else None
        solved = ticket.status in ("solved", "closed")
        body["stats"] = {
            "agent_responded_at": iso(last),
            "requester_responded_at": None,
            "first_responded_at": iso(first),
            "status_updated_at": iso(ticket.updated_at),
            "reopened_at": iso(ticket.updated_at) if ticket.reopens else None,
            "resolved_at": iso(ticket.solved_at) if solved else None,
            "closed_at": iso(ticket.solved_at) if ticket.status == "closed" else None,
            "pending_since": iso(ticket.updated_at) if ticket.status == "pending" else None,
        }
    return body


def _rating(rating: StandInRating) -> dict[str, Any]:
    return {
        "id": rating.rating_id,
        "survey_id": 1,
        "user_id": 900_000 + rating.ticket_id,
        "agent_id": rating.agent_id,
        "group_id": None,
        "ticket_id": rating.ticket_id,
        "feedback": "",
        "ratings": {"default_question": rating.score},
        "created_at": iso(rating.created_at),
        "updated_at": iso(rating.updated_at),
    }


def _agent(agent: StandInAgent) -> dict[str, Any]:
    return {
        "id": agent.agent_id,
        "available": True,
        "occasional": False,
        "ticket_scope": 1,
        "contact": {"active": True, "email": agent.email, "name": agent.name, "language": "en"},
    }


def _invalid(field: str, message: str) -> dict[str, Any]:
    return {
        "description": "Validation failed",
        "errors": [{"field": field, "message": message, "code": "invalid_value"}],
    }


def _number(params: Params, name: str, default: int) -> int:
    try:
        value = int(params.get(name, [str(default)])[0])
    except ValueError:
        raise ValueError(f"{name} should be a positive integer") from None
    if value < 1:
        raise ValueError(f"{name} should be a positive integer")
    return value


def _instant(params: Params, name: str, *, default: datetime) -> datetime:
    text = params.get(name, [None])[0]
    try:
        instant = datetime.fromisoformat(text) if text else default
    except ValueError:
        raise ValueError(f"{name} should be a date and time like 2015-01-19T02:00:00Z") from None
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)


def _make(args: argparse.Namespace) -> LocalHelpdesk:
    print(f"credentials: FRESHDESK_API_KEY={API_KEY}", flush=True)
    return LocalFreshdesk(tickets=args.tickets, agents=args.agents, seed=args.seed)


if __name__ == "__main__":
    serve(__doc__.splitlines()[0], _make, "FRESHDESK_API_URL")
