"""The Freshdesk connector against the local Freshdesk stand-in, over real HTTP: pages, windows, mapping, failures."""

import base64
import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from bot.dev.local_freshdesk import API_KEY, LocalFreshdesk
from bot.dev.local_helpdesk import GENERATED_FROM
from coaching.helpdesk.connector import Agent, HelpdeskAuthError, HelpdeskError, HelpdeskUnavailable, Rating, Ticket
from coaching.helpdesk.freshdesk import FreshdeskConnector, freshdesk_connector
from coaching.helpdesk.http import HelpdeskHttp, RetryPolicy

SINCE = datetime(2026, 3, 1, tzinfo=UTC)
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.fixture
def freshdesk():
    stand_in = LocalFreshdesk(page_limit=3).start()
    yield stand_in
    stand_in.stop()


@pytest.fixture
def sleeps() -> list[float]:
    return []


def connect(
    freshdesk: LocalFreshdesk, sleeps: list[float], *, page_size: int = 2, page_limit: int = 3, **retry
) -> FreshdeskConnector:
    http = HelpdeskHttp(
        label="Freshdesk",
        base_url=freshdesk.api_url,
        auth=(API_KEY, "X"),
        credentials_hint="FRESHDESK_API_KEY",
        timeout_seconds=5,
        retry=RetryPolicy(**retry),
        sleep=sleeps.append,
    )
    return FreshdeskConnector(http, page_size=page_size, page_limit=page_limit)


def add_tickets(freshdesk: LocalFreshdesk, count: int) -> None:
    for number in range(1, count + 1):
        freshdesk.records.add_ticket(number, updated_at=at(number), agent_id=7, status="open")


def ids(pages) -> list[str]:
    return [item.ticket_id for page in pages for item in page.items]


def test_tickets_come_a_page_at_a_time_in_order_mapped_from_their_stats(freshdesk, sleeps):
    records = freshdesk.records
    records.add_ticket(1, updated_at=at(1), agent_id=7, status="solved", replies=1, solved_at=at(0), tags=("vip",))
    records.add_ticket(2, updated_at=at(2), agent_id=8, status="closed", replies=3, reopens=1, solved_at=at(1))
    records.add_ticket(3, updated_at=at(3), agent_id=7, status="open", replies=0, reopens=1, solved_at=at(2))
    # Freshdesk lists no deleted ticket.
    records.add_ticket(4, updated_at=at(4), status="deleted", replies=1)
    records.add_ticket(5, updated_at=at(5), agent_id=None, status="pending", replies=2, tags=("complaint",))

    pages = list(connect(freshdesk, sleeps).tickets(cursor=None, since=SINCE))

    assert [[ticket.ticket_id for ticket in page.items] for page in pages] == [["1", "2"], ["3", "5"]]
    assert [ticket for page in pages for ticket in page.items] == [
        Ticket("1", "7", at(0), reopened=False, at_most_one_reply=True, tags=frozenset({"vip"})),
        Ticket("2", "8", at(1), reopened=True, at_most_one_reply=False, tags=frozenset()),
        Ticket("3", "7", None, reopened=True, at_most_one_reply=True, tags=frozenset()),
        Ticket("5", None, None, reopened=False, at_most_one_reply=False, tags=frozenset({"complaint"})),
    ]
    calls = freshdesk.calls_to("tickets")
    assert {
        (call.param("updated_since"), call.param("include"), call.param("order_by"), call.param("order_type"))
        for call in calls
    } == {("2026-03-01T00:00:00Z", "stats", "updated_at", "asc")}
    assert [(call.param("per_page"), call.param("page")) for call in calls] == [("2", "1"), ("2", "2")]
    credentials = base64.b64encode(f"{API_KEY}:X".encode()).decode()
    assert {call.authorization for call in calls} == {f"Basic {credentials}"}


def test_past_the_last_page_freshdesk_serves_the_listing_starts_again_from_the_newest_update(freshdesk, sleeps):
    add_tickets(freshdesk, 10)

    pages = list(connect(freshdesk, sleeps).tickets(cursor=None, since=SINCE))

    # Three pages of two, then again from ticket 6's update (read twice), then the rest.
    assert ids(pages) == ["1", "2", "3", "4", "5", "6", "6", "7", "8", "9", "10"]
    calls = freshdesk.calls_to("tickets")
    assert [(call.param("updated_since"), call.param("page")) for call in calls] == [
        ("2026-03-01T00:00:00Z", "1"),
        ("2026-03-01T00:00:00Z", "2"),
        ("2026-03-01T00:00:00Z", "3"),
        ("2026-03-02T09:06:00Z", "1"),
        ("2026-03-02T09:06:00Z", "2"),
        ("2026-03-02T09:06:00Z", "3"),
    ]
    assert {call.status for call in freshdesk.calls} == {200}


def test_freshdesk_refuses_a_page_past_its_limit(freshdesk, sleeps):
    add_tickets(freshdesk, 10)

    with pytest.raises(HelpdeskError, match="less than or equal to 3"):
        list(connect(freshdesk, sleeps, page_limit=300).tickets(cursor=None, since=SINCE))
    assert freshdesk.calls[-1].status == 400


def test_a_middle_page_s_cursor_resumes_right_after_it_even_across_a_restart(freshdesk, sleeps):
    add_tickets(freshdesk, 10)
    connector = connect(freshdesk, sleeps)
    pages = list(connector.tickets(cursor=None, since=SINCE))

    assert ids(connector.tickets(cursor=pages[0].cursor, since=SINCE)) == ["3", "4", "5", "6", "6", "7", "8", "9", "10"]
    assert ids(connector.tickets(cursor=pages[2].cursor, since=SINCE)) == ["6", "7", "8", "9", "10"]


def test_a_resync_from_the_last_cursor_returns_the_changes(freshdesk, sleeps):
    add_tickets(freshdesk, 3)
    connector = connect(freshdesk, sleeps)
    last = list(connector.tickets(cursor=None, since=SINCE))[-1].cursor
    # Freshdesk's updated_since includes the last ticket seen: read again, replaced by the sync.
    assert ids(connector.tickets(cursor=last, since=SINCE)) == ["3"]

    freshdesk.records.change_ticket(1, status="solved", solved_at=at(40), replies=1)
    changed = list(connector.tickets(cursor=last, since=SINCE))

    assert [(t.ticket_id, t.solved_at) for page in changed for t in page.items] == [("3", None), ("1", at(40))]


def test_ratings_map_freshdesk_s_seven_answers_evenly_onto_1_to_5(freshdesk, sleeps):
    scale = (103, 102, 101, 100, -101, -102, -103)
    for number, answer in enumerate(scale, start=1):
        freshdesk.records.add_rating(number, ticket_id=10 + number, agent_id=7, score=answer, updated_at=at(number))
    freshdesk.records.add_rating(8, ticket_id=18, agent_id=None, score=None, updated_at=at(8))
    connector = connect(freshdesk, sleeps, page_size=3)

    pages = list(connector.ratings(cursor=None, since=SINCE))

    assert [rating for page in pages for rating in page.items] == [
        Rating(str(n), str(10 + n), "7", pytest.approx(score), at(n))
        for n, score in enumerate((5, 13 / 3, 11 / 3, 3, 7 / 3, 5 / 3, 1), start=1)
    ]
    calls = freshdesk.calls_to("surveys/satisfaction_ratings")
    assert [(call.param("created_since"), call.param("page")) for call in calls] == [
        ("2026-03-01T00:00:00Z", "1"),
        ("2026-03-01T00:00:00Z", "2"),
        ("2026-03-01T00:00:00Z", "3"),
    ]
    assert json.loads(pages[-1].cursor) == {"since": "2026-03-02T09:08:00Z"}
    freshdesk.records.add_rating(9, ticket_id=19, agent_id=8, score=-103)
    later = list(connector.ratings(cursor=pages[-1].cursor, since=SINCE))
    assert [(r.rating_id, r.score) for page in later for r in page.items] == [("9", 1.0)]


def test_agents_are_read_from_every_page(freshdesk, sleeps):
    for number in range(1, 6):
        freshdesk.records.add_agent(number, f"agent{number}@acme.example", f"Agent {number}")

    agents = list(connect(freshdesk, sleeps).agents())

    assert agents == [Agent(str(n), f"agent{n}@acme.example", f"Agent {n}") for n in range(1, 6)]
    assert [call.param("page") for call in freshdesk.calls_to("agents")] == ["1", "2", "3"]


def test_a_rate_limit_is_waited_out_as_retry_after_asks(freshdesk, sleeps):
    add_tickets(freshdesk, 5)
    freshdesk.faults.rate_limit_every = 2
    freshdesk.faults.retry_after = 9

    pages = list(connect(freshdesk, sleeps).tickets(cursor=None, since=SINCE))

    assert ids(pages) == ["1", "2", "3", "4", "5"]
    assert sleeps == [9, 9]
    assert [call.status for call in freshdesk.calls] == [200, 429, 200, 429, 200]


def test_a_rate_limit_longer_than_the_longest_wait_stops_the_sync(freshdesk, sleeps):
    add_tickets(freshdesk, 5)
    freshdesk.faults.rate_limit_every = 2
    freshdesk.faults.retry_after = 3600
    pages = connect(freshdesk, sleeps, longest_wait_seconds=60).tickets(cursor=None, since=SINCE)

    assert ids([next(pages)]) == ["1", "2"]
    with pytest.raises(HelpdeskUnavailable, match="rate limiting us for 3600 s"):
        next(pages)
    assert sleeps == []


def test_server_errors_are_retried_with_backoff(freshdesk, sleeps):
    add_tickets(freshdesk, 3)
    freshdesk.faults.server_error_every = 2

    pages = list(connect(freshdesk, sleeps, backoff_seconds=0.5).tickets(cursor=None, since=SINCE))

    assert ids(pages) == ["1", "2", "3"]
    assert sleeps == [0.5]


def test_refused_credentials_name_the_settings_to_check(freshdesk):
    wrong = freshdesk_connector(api_url=freshdesk.api_url, api_key="old-key", timeout_seconds=5, retry=RetryPolicy())
    with pytest.raises(HelpdeskAuthError, match="check FRESHDESK_API_KEY"):
        list(wrong.agents())

    right = freshdesk_connector(api_url=freshdesk.api_url, api_key=API_KEY, timeout_seconds=5, retry=RetryPolicy())
    assert list(right.agents()) == []
    freshdesk.revoke()
    with pytest.raises(HelpdeskAuthError, match=r"refused the credentials \(401\)"):
        list(right.ratings(cursor=None, since=SINCE))


def test_the_stand_in_answers_with_freshdesk_s_error_and_rate_limit_headers(freshdesk):
    refused = httpx.get(freshdesk.api_url + "tickets", auth=("wrong-key", "X"))
    assert (refused.status_code, refused.json()["code"]) == (401, "invalid_credentials")
    listed = httpx.get(
        freshdesk.api_url + "tickets?include=stats&order_by=updated_at&order_type=asc", auth=(API_KEY, "X")
    )
    assert listed.status_code == 200
    # Embedding the stats costs two more credits.
    assert listed.headers["X-RateLimit-Used-CurrentRequest"] == "3"
    assert int(listed.headers["X-RateLimit-Total"]) > int(listed.headers["X-RateLimit-Remaining"]) >= 0


def test_a_cursor_another_connector_wrote_is_refused(freshdesk, sleeps):
    with pytest.raises(HelpdeskError, match="saved cursor"):
        next(connect(freshdesk, sleeps).tickets(cursor='{"cursor": "MTU3NjYxMzUzOS4wfHw0Njd8"}', since=SINCE))


def test_generated_tickets_are_all_read_across_windows_and_the_same_for_the_same_seed():
    first, second = (LocalFreshdesk(tickets=1500, seed=4, page_limit=4).start() for _ in range(2))
    try:
        read = [
            list(connect(stand_in, [], page_size=100, page_limit=4).tickets(cursor=None, since=GENERATED_FROM))
            for stand_in in (first, second)
        ]
    finally:
        first.stop()
        second.stop()
    tickets = [[ticket for page in pages for ticket in page.items] for pages in read]
    assert tickets[0] == tickets[1]
    # Each window of four pages starts again at the last ticket of the one before.
    assert [ticket.ticket_id for ticket in tickets[0]] == [
        str(n) for n in [*range(1, 401), *range(400, 800), *range(799, 1199), *range(1198, 1501)]
    ]
