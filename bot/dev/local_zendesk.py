"""A local stand-in for Zendesk's Support API, answering the calls the Zendesk connector makes as Zendesk does.

The cursor-based incremental ticket export (with the `metric_sets` side-load and deleted tickets as status
"deleted"), satisfaction ratings and users with cursor pagination (`page[size]`, `page[after]`, `meta`, `links`),
basic auth with `{email}/token` and the API token, and the `X-Rate-Limit` headers. Point ZENDESK_API_URL at
`stand_in.api_url`; run it alone with `python -m bot.dev.local_zendesk --port P --tickets N`.

Unlike Zendesk it does not hold back the last minute's changes from the export, so a test sees a change at once.
"""

from __future__ import annotations

import argparse
import base64
import random
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
)

EMAIL = "coach@stand-in.example"
API_TOKEN = "stand-in-zendesk-token"
# The scores of ratings a customer gave (the others were offered, or not yet).
RECEIVED = ("good", "bad")


def zendesk_score(rng: random.Random) -> str:
    return rng.choices(("good", "bad", "offered"), weights=(7, 2, 1))[0]


class LocalZendesk(LocalHelpdesk):
    label = "Zendesk"
    requests_per_minute = 700

    def __init__(
        self, *, tickets: int = 0, agents: int = 20, seed: int = 0, email: str = EMAIL, api_token: str = API_TOKEN
    ) -> None:
        records = Records(native_score=zendesk_score, generated=tickets, generated_agents=agents, seed=seed)
        super().__init__(records, username=f"{email}/token", password=api_token)

    def refused_credentials(self) -> Any:
        return {"error": "Couldn't authenticate you"}

    def rate_limit_headers(self, remaining: int, params: Params) -> dict[str, str]:
        return {"X-Rate-Limit": str(self.requests_per_minute), "X-Rate-Limit-Remaining": str(remaining)}

    def answer(self, path: str, params: Params) -> Answer:
        try:
            if path == "incremental/tickets/cursor":
                return self._ticket_export(params)
            if path == "satisfaction_ratings":
                return self._ratings(params)
            if path == "users":
                return self._users(params)
        except ValueError as error:
            return 400, {}, {"error": "InvalidValue", "description": str(error)}
        return 404, {}, {"error": "InvalidEndpoint", "description": "Not found"}

    def _ticket_export(self, params: Params) -> Answer:
        cursor = params.get("cursor", [None])[0]
        if cursor:
            start = _decode(cursor)
        elif "start_time" in params:
            start = (int(params["start_time"][0]), 0)
        else:
            raise ValueError("start_time or cursor is required")
        size = page_size(params, "per_page", 1000, 1000)
        tickets = self.records.tickets.after(start)
        if params.get("exclude_deleted", ["false"])[0] == "true":
            tickets = (ticket for ticket in tickets if ticket.status != "deleted")
        batch = list(islice(tickets, size + 1))
        end_of_stream = len(batch) <= size
        batch = batch[:size]
        after = _encode(position(batch[-1].updated_at, batch[-1].ticket_id)) if batch else cursor
        body: dict[str, Any] = {
            "tickets": [self._ticket(ticket) for ticket in batch],
            "after_cursor": after,
            "after_url": f"{self.api_url}incremental/tickets/cursor.json?cursor={after}" if after else None,
            "before_cursor": None,
            "before_url": None,
            "end_of_stream": end_of_stream,
        }
        if "metric_sets" in params.get("include", [""])[0].split(","):
            body["metric_sets"] = [self._metric_set(ticket) for ticket in batch]
        return 200, {}, body

    def _ticket(self, ticket: StandInTicket) -> dict[str, Any]:
        return {
            "id": ticket.ticket_id,
            "url": f"{self.api_url}tickets/{ticket.ticket_id}.json",
            "subject": f"Ticket {ticket.ticket_id}",
            "status": ticket.status,
            "assignee_id": ticket.agent_id,
            "requester_id": 900_000 + ticket.ticket_id,
            "tags": list(ticket.tags),
            "created_at": iso(ticket.created_at),
            "updated_at": iso(ticket.updated_at),
            "generated_timestamp": int(ticket.updated_at.timestamp()),
        }

    def _metric_set(self, ticket: StandInTicket) -> dict[str, Any]:
        return {
            "id": 500_000 + ticket.ticket_id,
            "ticket_id": ticket.ticket_id,
            "url": f"{self.api_url}ticket_metrics/{500_000 + ticket.ticket_id}.json",
            "created_at": iso(ticket.created_at),
            "updated_at": iso(ticket.updated_at),
            "reopens": ticket.reopens,
            "replies": ticket.replies,
            "solved_at": iso(ticket.solved_at),
            "assignee_stations": 1 if ticket.agent_id else 0,
            "group_stations": 1,
        }

    def _ratings(self, params: Params) -> Answer:
        after = params.get("page[after]", [None])[0]
        start = _decode(after) if after else (int(params.get("start_time", ["0"])[0]), 0)
        wanted = _scores(params.get("score", [None])[0])
        ratings = (rating for rating in self.records.ratings.after(start) if rating.score in wanted)
        size = page_size(params, "page[size]", 100, 100)
        batch = list(islice(ratings, size + 1))
        has_more = len(batch) > size
        batch = batch[:size]
        last = _encode(position(batch[-1].updated_at, batch[-1].rating_id)) if batch else None
        return self._cursor_page(
            "satisfaction_ratings", [self._rating(rating) for rating in batch], has_more, last, params
        )

    def _rating(self, rating: StandInRating) -> dict[str, Any]:
        return {
            "id": rating.rating_id,
            "url": f"{self.api_url}satisfaction_ratings/{rating.rating_id}.json",
            "assignee_id": rating.agent_id,
            "group_id": 1,
            "requester_id": 900_000 + rating.ticket_id,
            "ticket_id": rating.ticket_id,
            "score": rating.score,
            "comment": None,
            "created_at": iso(rating.created_at),
            "updated_at": iso(rating.updated_at),
        }

    def _users(self, params: Params) -> Answer:
        roles = set(params.get("role[]", [])) or {"end-user", "agent", "admin"}
        after = params.get("page[after]", [None])[0]
        first_id = _decode(after)[1] if after else 0
        users = sorted(
            (agent for agent in self.records.agents() if agent.role in roles and agent.agent_id > first_id),
            key=lambda agent: agent.agent_id,
        )
        size = page_size(params, "page[size]", 100, 100)
        batch = users[:size]
        last = _encode((0, batch[-1].agent_id)) if batch else None
        return self._cursor_page("users", [_user(agent) for agent in batch], len(users) > size, last, params)

    def _cursor_page(
        self, name: str, items: list[dict[str, Any]], has_more: bool, last: str | None, params: Params
    ) -> Answer:
        """Zendesk's cursor pagination: the items, `meta` and `links`, the next link keeping the query's filters."""
        query = {key: values for key, values in params.items() if key != "page[after]"}
        query["page[after]"] = [last or ""]
        next_link = f"{self.api_url}{name}.json?{urlencode(query, doseq=True)}" if has_more else None
        meta = {"has_more": has_more, "after_cursor": last, "before_cursor": None}
        return 200, {}, {name: items, "meta": meta, "links": {"next": next_link, "prev": None}}


def _user(agent: StandInAgent) -> dict[str, Any]:
    return {"id": agent.agent_id, "name": agent.name, "email": agent.email, "role": agent.role, "active": True}


def _scores(score: str | None) -> tuple[str, ...]:
    """The ratings a `score` filter keeps; an unqualified one keeps those with and without a comment."""
    if score is None:
        return ("offered", "unoffered", *RECEIVED)
    base = score.removesuffix("_with_comment").removesuffix("_without_comment")
    return RECEIVED if base == "received" else (base,)


def _encode(at: tuple[int, int]) -> str:
    # Zendesk's cursors look like base64 of "1576613539.0||467|"; opaque either way.
    return base64.urlsafe_b64encode(f"{at[0]}.0||{at[1]}|".encode()).decode()


def _decode(cursor: str) -> tuple[int, int]:
    try:
        stamp, _, rest = base64.urlsafe_b64decode(cursor.encode()).decode().partition("||")
        return int(float(stamp)), int(rest.rstrip("|"))
    except ValueError:
        raise ValueError(f"invalid cursor {cursor[:40]!r}") from None


def _make(args: argparse.Namespace) -> LocalHelpdesk:
    print(f"credentials: ZENDESK_EMAIL={EMAIL} ZENDESK_API_TOKEN={API_TOKEN}", flush=True)
    return LocalZendesk(tickets=args.tickets, agents=args.agents, seed=args.seed)


if __name__ == "__main__":
    serve(__doc__.splitlines()[0], _make, "ZENDESK_API_URL")
