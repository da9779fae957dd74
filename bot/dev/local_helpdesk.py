"""What the Zendesk and Freshdesk stand-ins share: the server, the call log, the faults, the credentials check,
and a helpdesk's records (agents, tickets, ratings) in the order both vendors export them.

Each vendor's stand-in (`local_zendesk.py`, `local_freshdesk.py`) only renders these records the way its API
does. The records are either added one by one (tests) or generated, ticket i computed from i and the seed, so a
benchmark's 100,000 tickets take no memory; a generated ticket that a test changes moves to the added ones.
"""

from __future__ import annotations

import argparse
import base64
import bisect
import heapq
import json
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

LOOPBACK = "127.0.0.1"
# Generated tickets are updated one second apart from here on.
GENERATED_FROM = datetime(2026, 1, 1, tzinfo=UTC)
TAGS = ("billing", "shipping", "refund", "complaint", "vip", "bug")
STATUSES = ("open", "pending", "solved", "solved", "solved", "closed")

Params = dict[str, list[str]]
# (HTTP status, headers, JSON body)
Answer = tuple[int, dict[str, str], Any]


@dataclass(frozen=True)
class StandInAgent:
    agent_id: int
    email: str
    name: str
    # Zendesk's user role; Freshdesk lists only agents.
    role: str = "agent"


@dataclass(frozen=True)
class StandInTicket:
    ticket_id: int
    updated_at: datetime
    created_at: datetime
    agent_id: int | None = None
    # open, pending, solved, closed or deleted; each stand-in names them as its API does.
    status: str = "open"
    tags: tuple[str, ...] = ()
    reopens: int = 0
    # Public replies by agents.
    replies: int = 0
    solved_at: datetime | None = None


@dataclass(frozen=True)
class StandInRating:
    rating_id: int
    ticket_id: int
    agent_id: int | None
    # In the vendor's own terms: "good", "bad", "offered" (Zendesk), 103 … -103 (Freshdesk).
    score: Any
    created_at: datetime
    updated_at: datetime


def position(updated_at: datetime, record_id: int) -> tuple[int, int]:
    """Where a record stands in an export: by the second it was last updated, then by id."""
    return int(updated_at.timestamp()), record_id


class _Sequence:
    """Records in export order: the generated ones (record i updated `spacing` × i seconds after GENERATED_FROM,
    so found by arithmetic) merged with the added ones; a generated record that was changed is among the added."""

    def __init__(self, generated: int, spacing: int, make: Callable[[int], Any]) -> None:
        self.generated = generated
        self._spacing = spacing
        self._make = make
        self._added: dict[int, Any] = {}
        self._keys: list[tuple[int, int]] = []

    def put(self, record: Any) -> None:
        record_id = self.record_id(record)
        old = self.get(record_id)
        if record_id in self._added:
            del self._keys[bisect.bisect_left(self._keys, position(old.updated_at, record_id))]
        self._added[record_id] = record
        bisect.insort(self._keys, position(record.updated_at, record_id))

    def get(self, record_id: int) -> Any:
        if record_id in self._added:
            return self._added[record_id]
        if 1 <= record_id <= self.generated:
            return self._make(record_id - 1)
        return None

    @staticmethod
    def record_id(record: Any) -> int:
        return int(record.ticket_id if isinstance(record, StandInTicket) else record.rating_id)

    def _generated_position(self, index: int) -> tuple[int, int]:
        return int(GENERATED_FROM.timestamp()) + self._spacing * index, index + 1

    def newest(self) -> int:
        """The latest second any record was updated at."""
        last = self._generated_position(self.generated - 1)[0] if self.generated else 0
        return max(last, self._keys[-1][0] if self._keys else 0)

    def after(self, start: tuple[int, int]) -> Iterator[Any]:
        """Records after `start` (a position; `since(instant)` for those updated then or later), in export order."""
        return heapq.merge(self._generated_after(start), self._added_after(start), key=_key)

    def _generated_after(self, start: tuple[int, int]) -> Iterator[Any]:
        # The first generated record updated at start's second or later, and past it if that is start itself.
        index = max(0, -(-(start[0] - int(GENERATED_FROM.timestamp())) // self._spacing))
        if index < self.generated and self._generated_position(index) <= start:
            index += 1
        for i in range(index, self.generated):
            if i + 1 not in self._added:
                yield self._make(i)

    def _added_after(self, start: tuple[int, int]) -> Iterator[Any]:
        index = bisect.bisect_right(self._keys, start)
        for key in self._keys[index:]:
            yield self._added[key[1]]


def since(instant: datetime) -> tuple[int, int]:
    """The position just before the first record updated at `instant` or later."""
    return int(instant.timestamp()), 0


def _key(record: Any) -> tuple[int, int]:
    return position(record.updated_at, _Sequence.record_id(record))


@dataclass
class Records:
    """A helpdesk account's agents, tickets and ratings; `generated` tickets (and a rating for every other one)
    are computed from their number and the seed. `native_score` draws a rating in the vendor's terms."""

    native_score: Callable[[random.Random], Any]
    generated: int = 0
    generated_agents: int = 20
    seed: int = 0
    _agents: list[StandInAgent] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.tickets = _Sequence(self.generated, 1, self._generated_ticket)
        self.ratings = _Sequence(self.generated // 2, 2, self._generated_rating)
        # Bumped by every change, so a stand-in can tell a page-number listing was shifted under it.
        self.version = 0

    def agents(self) -> list[StandInAgent]:
        made = [
            StandInAgent(k, f"agent{k}@stand-in.example", f"Agent {k}", "admin" if k == 1 else "agent")
            for k in range(1, self.generated_agents + 1 if self.generated else 1)
        ]
        return made + self._agents

    def add_agent(self, agent_id: int, email: str, name: str, role: str = "agent") -> None:
        with self._lock:
            self._agents.append(StandInAgent(agent_id, email, name, role))

    def _stamp(self, updated_at: datetime | None) -> datetime:
        """A change's time: the one given, or a second after everything so far (so it shows in the next export)."""
        if updated_at is not None:
            return updated_at
        latest = max(self.tickets.newest(), self.ratings.newest(), int(time.time()))
        return datetime.fromtimestamp(latest + 1, UTC)

    def add_ticket(self, ticket_id: int, *, updated_at: datetime | None = None, **fields: Any) -> StandInTicket:
        with self._lock:
            stamp = self._stamp(updated_at)
            ticket = StandInTicket(ticket_id, stamp, fields.pop("created_at", stamp), **fields)
            self.tickets.put(ticket)
            self.version += 1
            return ticket

    def change_ticket(self, ticket_id: int, *, updated_at: datetime | None = None, **changes: Any) -> StandInTicket:
        """The ticket with these fields changed, updated now: it shows again in the next export."""
        with self._lock:
            ticket = replace(self.tickets.get(ticket_id), updated_at=self._stamp(updated_at), **changes)
            self.tickets.put(ticket)
            self.version += 1
            return ticket

    def add_rating(
        self, rating_id: int, *, ticket_id: int, agent_id: int | None, score: Any, updated_at: datetime | None = None
    ) -> StandInRating:
        with self._lock:
            stamp = self._stamp(updated_at)
            rating = StandInRating(rating_id, ticket_id, agent_id, score, stamp, stamp)
            self.ratings.put(rating)
            self.version += 1
            return rating

    def change_rating(self, rating_id: int, *, score: Any, updated_at: datetime | None = None) -> StandInRating:
        with self._lock:
            rating = replace(self.ratings.get(rating_id), score=score, updated_at=self._stamp(updated_at))
            self.ratings.put(rating)
            self.version += 1
            return rating

    def _random(self, kind: str, index: int) -> random.Random:
        return random.Random(f"{self.seed}:{kind}:{index}")

    def _generated_ticket(self, index: int) -> StandInTicket:
        rng = self._random("ticket", index)
        updated_at = GENERATED_FROM + timedelta(seconds=index)
        status = rng.choice(STATUSES)
        replies = rng.choice((0, 1, 1, 1, 2, 3))
        return StandInTicket(
            ticket_id=index + 1,
            updated_at=updated_at,
            created_at=updated_at - timedelta(hours=rng.randint(1, 72)),
            agent_id=rng.randint(1, self.generated_agents),
            status=status,
            tags=tuple(sorted(rng.sample(TAGS, rng.randint(0, 2)))),
            reopens=1 if rng.random() < 0.1 else 0,
            replies=replies,
            solved_at=updated_at - timedelta(minutes=rng.randint(0, 600)) if status in ("solved", "closed") else None,
        )

    def _generated_rating(self, index: int) -> StandInRating:
        """Rating i is of ticket 2i + 1, given the second that ticket was last updated."""
        ticket = self._generated_ticket(2 * index)
        rng = self._random("rating", index)
        updated_at = GENERATED_FROM + timedelta(seconds=2 * index)
        return StandInRating(
            index + 1, ticket.ticket_id, ticket.agent_id, self.native_score(rng), updated_at, updated_at
        )


@dataclass
class Call:
    path: str
    params: Params
    authorization: str
    status: int = 200

    def param(self, name: str) -> str | None:
        values = self.params.get(name)
        return values[0] if values else None


@dataclass
class Faults:
    """Misbehaviour by call number (counted over the paths named, or all): every Nth call fails that way."""

    paths: tuple[str, ...] = ()
    rate_limit_every: int = 0
    retry_after: int = 1
    server_error_every: int = 0


class LocalHelpdesk:
    """A helpdesk's REST API on 127.0.0.1: checks basic auth, records every call, misbehaves when told to, and
    leaves the answers to the vendor's subclass (`answer`)."""

    label = "Helpdesk"
    # The account's requests a minute, given in the rate-limit headers.
    requests_per_minute = 700

    def __init__(self, records: Records, *, username: str, password: str | None) -> None:
        self.records = records
        self.calls: list[Call] = []
        self.faults = Faults()
        self._username = username
        # Freshdesk takes any password with an API key; Zendesk checks the token.
        self._password = password
        self._revoked = False
        self._lock = threading.Lock()

    # --- what a vendor's stand-in says -------------------------------------------------------------------------
    def answer(self, path: str, params: Params) -> Answer:
        raise NotImplementedError

    def refused_credentials(self) -> Any:
        raise NotImplementedError

    def rate_limit_headers(self, remaining: int, params: Params) -> dict[str, str]:
        raise NotImplementedError

    # --- the server -----------------------------------------------------------------------------------------------
    def start(self, port: int = 0) -> LocalHelpdesk:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # The headers and the body go out in two writes; with Nagle's algorithm the second waits for the
            # client's delayed ACK, 40 ms a page.
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                status, headers, body = stand_in.respond(self.path, self.headers.get("Authorization") or "")
                data = json.dumps(body).encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer((LOOPBACK, port), Handler)
        self._server.daemon_threads = True
        # Polled this often for a stop, which tests wait for between tests.
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self) -> str:
        return f"http://{LOOPBACK}:{self._server.server_port}"

    @property
    def api_url(self) -> str:
        return self.base_url + "/api/v2/"

    def revoke(self) -> None:
        """From now on the credentials are refused, as after an admin revokes the token."""
        self._revoked = True

    def calls_to(self, path: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.path == path]

    def respond(self, target: str, authorization: str) -> Answer:
        parts = urlsplit(target)
        path = parts.path.removeprefix("/api/v2/").removesuffix(".json")
        params = parse_qs(parts.query)
        call = Call(path, params, authorization)
        with self._lock:
            self.calls.append(call)
            number = sum(1 for c in self.calls if not self.faults.paths or c.path in self.faults.paths)
            remaining = max(0, self.requests_per_minute - len(self.calls))
        status, headers, body = self._misbehave(path, number) or self._checked(path, params, authorization)
        call.status = status
        return status, {**self.rate_limit_headers(remaining, params), **headers}, body

    def _checked(self, path: str, params: Params, authorization: str) -> Answer:
        if self._revoked or not self._authorized(authorization):
            return 401, {}, self.refused_credentials()
        return self.answer(path, params)

    def _authorized(self, authorization: str) -> bool:
        scheme, _, encoded = authorization.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            username, _, password = base64.b64decode(encoded).decode().partition(":")
        except ValueError:
            return False
        return username == self._username and (self._password is None or password == self._password)

    def _misbehave(self, path: str, number: int) -> Answer | None:
        faults = self.faults
        if faults.paths and path not in faults.paths:
            return None
        if faults.rate_limit_every and number % faults.rate_limit_every == 0:
            return 429, {"Retry-After": str(faults.retry_after)}, {"error": "TooManyRequests"}
        if faults.server_error_every and number % faults.server_error_every == 0:
            return 500, {}, {"error": "InternalServerError"}
        return None


def page_size(params: Params, name: str, default: int, most: int) -> int:
    """The page size asked for, within the vendor's bounds."""
    try:
        return max(1, min(most, int(params.get(name, [str(default)])[0])))
    except ValueError:
        return default


def iso(instant: datetime | None) -> str | None:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if instant else None


def serve(description: str, make: Callable[[argparse.Namespace], LocalHelpdesk], setting: str) -> None:
    """`python -m bot.dev.local_<vendor> --port P --tickets N`: a stand-in with N generated tickets, for a
    benchmark that runs it in another process."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--tickets", type=int, default=1000, help="generated tickets (a rating for every other one)")
    parser.add_argument("--agents", type=int, default=20, help="generated agents the tickets are assigned to")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    stand_in = make(args).start(args.port)
    print(f"{stand_in.label} stand-in listening; set {setting}={stand_in.api_url}", flush=True)
    threading.Event().wait()
