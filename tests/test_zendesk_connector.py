"""The Zendesk connector against the local Zendesk stand-in, over real HTTP: pages, cursors, mapping, failures."""

import base64
import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from bot.dev.local_helpdesk import GENERATED_FROM
from bot.dev.local_zendesk import API_TOKEN, EMAIL, LocalZendesk
from coaching.helpdesk.connector import HelpdeskAuthError, HelpdeskError, HelpdeskUnavailable, Rating, Ticket
from coaching.helpdesk.http import HelpdeskHttp, RetryPolicy
from coaching.helpdesk.zendesk import ZendeskConnector, zendesk_connector

SINCE = datetime(2026, 3, 1, tzinfo=UTC)
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.fixture
def zendesk():
    stand_in = LocalZendesk().start()
    yield stand_in
    stand_in.stop()


@pytest.fixture
def sleeps() -> list[float]:
    return []


def connect(zendesk: LocalZendesk, sleeps: list[float], *, page_size: int = 2, **retry) -> ZendeskConnector:
    http = HelpdeskHttp(
        label="Zendesk",
        base_url=zendesk.api_url,
        auth=(f"{EMAIL}/token", API_TOKEN),
        credentials_hint="ZENDESK_EMAIL and ZENDESK_API_TOKEN",
        timeout_seconds=5,
        retry=RetryPolicy(**retry),
        sleep=sleeps.append,
    )
    return ZendeskConnector(http, page_size=page_size)


def add_tickets(zendesk: LocalZendesk, count: int) -> None:
    for number in range(1, count + 1):
        zendesk.records.add_ticket(number, updated_at=at(number), agent_id=7, status="open")


def ids(pages) -> list[str]:
    return [item.ticket_id for page in pages for item in page.items]


def test_tickets_come_a_page_at_a_time_in_order_mapped_from_their_metric_sets(zendesk, sleeps):
    records = zendesk.records
    records.add_ticket(1, updated_at=at(1), agent_id=7, status="solved", replies=1, solved_at=at(0), tags=("vip",))
    records.add_ticket(2, updated_at=at(2), agent_id=8, status="closed", replies=3, reopens=2, solved_at=at(1))
    # Solved once, reopened: its metric set still has the old solve time, which no longer counts.
    records.add_ticket(3, updated_at=at(3), agent_id=7, status="open", replies=0, reopens=1, solved_at=at(2))
    records.add_ticket(4, updated_at=at(4), status="deleted", replies=1)
    records.add_ticket(5, updated_at=at(5), agent_id=None, status="pending", tags=("complaint", "billing"))

    pages = list(connect(zendesk, sleeps).tickets(cursor=None, since=SINCE))

    assert [[ticket.ticket_id for ticket in page.items] for page in pages] == [["1", "2"], ["3", "4"], ["5"]]
    assert [ticket for page in pages for ticket in page.items] == [
        Ticket("1", "7", at(0), reopened=False, at_most_one_reply=True, tags=frozenset({"vip"})),
        Ticket("2", "8", at(1), reopened=True, at_most_one_reply=False, tags=frozenset()),
        Ticket("3", "7", None, reopened=True, at_most_one_reply=True, tags=frozenset()),
        # Deleted: given as not solved, so a stored copy stops counting.
        Ticket("4", None, None, reopened=False, at_most_one_reply=True, tags=frozenset()),
        Ticket("5", None, None, reopened=False, at_most_one_reply=True, tags=frozenset({"complaint", "billing"})),
    ]
    calls = zendesk.calls_to("incremental/tickets/cursor")
    assert calls[0].param("start_time") == str(int(SINCE.timestamp()))
    assert [call.param("include") for call in calls] == ["metric_sets"] * 3
    assert [call.param("per_page") for call in calls] == ["2"] * 3
    # After the first page, each asks for the one after the cursor Zendesk gave.
    assert [call.param("cursor") for call in calls[1:]] == [json.loads(page.cursor)["cursor"] for page in pages[:2]]
    credentials = base64.b64encode(f"{EMAIL}/token:{API_TOKEN}".encode()).decode()
    assert {call.authorization for call in calls} == {f"Basic {credentials}"}


def test_a_middle_page_s_cursor_resumes_right_after_it(zendesk, sleeps):
    add_tickets(zendesk, 7)
    connector = connect(zendesk, sleeps)
    pages = list(connector.tickets(cursor=None, since=SINCE))
    assert ids(pages) == [str(n) for n in range(1, 8)]

    resumed = list(connector.tickets(cursor=pages[1].cursor, since=SINCE))

    assert ids(resumed) == ["5", "6", "7"]


def test_after_the_end_of_the_stream_a_resync_returns_only_what_changed(zendesk, sleeps):
    add_tickets(zendesk, 3)
    connector = connect(zendesk, sleeps)
    last = list(connector.tickets(cursor=None, since=SINCE))[-1].cursor
    assert list(connector.tickets(cursor=last, since=SINCE))[-1].items == []

    zendesk.records.change_ticket(2, status="solved", solved_at=at(30), replies=1)
    zendesk.records.add_ticket(4, agent_id=9, status="open")
    changed = list(connector.tickets(cursor=last, since=SINCE))

    assert [(t.ticket_id, t.solved_at) for page in changed for t in page.items] == [("2", at(30)), ("4", None)]
    # And from the cursor after those, nothing again.
    assert ids(connector.tickets(cursor=changed[-1].cursor, since=SINCE)) == []


def test_only_given_ratings_count_good_as_5_and_bad_as_1(zendesk, sleeps):
    records = zendesk.records
    records.add_rating(1, ticket_id=11, agent_id=7, score="good", updated_at=at(1))
    records.add_rating(2, ticket_id=12, agent_id=8, score="offered", updated_at=at(2))
    records.add_rating(3, ticket_id=13, agent_id=None, score="bad", updated_at=at(3))
    records.add_rating(4, ticket_id=14, agent_id=7, score="unoffered", updated_at=at(4))
    records.add_rating(5, ticket_id=15, agent_id=8, score="good", updated_at=at(5))
    connector = connect(zendesk, sleeps)

    pages = list(connector.ratings(cursor=None, since=SINCE))

    assert [rating for page in pages for rating in page.items] == [
        Rating("1", "11", "7", 5.0, at(1)),
        Rating("3", "13", None, 1.0, at(3)),
        Rating("5", "15", "8", 5.0, at(5)),
    ]
    calls = zendesk.calls_to("satisfaction_ratings")
    assert {(call.param("score"), call.param("page[size]")) for call in calls} == {("received", "2")}
    assert calls[0].param("start_time") == str(int(SINCE.timestamp()))
    # The middle page's cursor resumes right after it.
    resumed = list(connector.ratings(cursor=pages[0].cursor, since=SINCE))
    assert [rating.rating_id for page in resumed for rating in page.items] == ["5"]

    # The customer answers the offered survey: the next sync, from the last page's cursor, sees it.
    records.change_rating(2, score="bad")
    later = list(connector.ratings(cursor=pages[-1].cursor, since=SINCE))
    assert [(r.rating_id, r.score) for page in later for r in page.items] == [("5", 5.0), ("2", 1.0)]


def test_agents_are_the_agents_and_admins_on_every_page(zendesk, sleeps):
    for number, role in enumerate(("agent", "end-user", "admin", "agent", "end-user", "agent"), start=1):
        zendesk.records.add_agent(number, f"person{number}@acme.example", f"Person {number}", role)

    agents = list(connect(zendesk, sleeps).agents())

    assert [(a.agent_id, a.email, a.name) for a in agents] == [
        (str(n), f"person{n}@acme.example", f"Person {n}") for n in (1, 3, 4, 6)
    ]
    calls = zendesk.calls_to("users")
    assert len(calls) == 2
    assert {tuple(call.params["role[]"]) for call in calls} == {("agent", "admin")}


def test_a_rate_limit_is_waited_out_as_retry_after_asks(zendesk, sleeps):
    add_tickets(zendesk, 5)
    zendesk.faults.rate_limit_every = 2
    zendesk.faults.retry_after = 7

    pages = list(connect(zendesk, sleeps).tickets(cursor=None, since=SINCE))

    assert ids(pages) == ["1", "2", "3", "4", "5"]
    assert sleeps == [7, 7]
    assert [call.status for call in zendesk.calls] == [200, 429, 200, 429, 200]


def test_a_rate_limit_longer_than_the_longest_wait_stops_the_sync(zendesk, sleeps):
    add_tickets(zendesk, 5)
    zendesk.faults.rate_limit_every = 2
    zendesk.faults.retry_after = 600
    pages = connect(zendesk, sleeps, longest_wait_seconds=60).tickets(cursor=None, since=SINCE)

    assert ids([next(pages)]) == ["1", "2"]
    with pytest.raises(HelpdeskUnavailable, match="rate limiting us for 600 s"):
        next(pages)
    assert sleeps == []


def test_server_errors_are_retried_with_backoff(zendesk, sleeps):
    add_tickets(zendesk, 3)
    zendesk.faults.server_error_every = 2

    pages = list(connect(zendesk, sleeps, backoff_seconds=0.5).tickets(cursor=None, since=SINCE))

    assert ids(pages) == ["1", "2", "3"]
    assert sleeps == [0.5]
    assert [call.status for call in zendesk.calls] == [200, 500, 200]


def test_refused_credentials_name_the_settings_to_check(zendesk):
    wrong = zendesk_connector(
        api_url=zendesk.api_url, email=EMAIL, api_token="old-token", timeout_seconds=5, retry=RetryPolicy()
    )
    with pytest.raises(HelpdeskAuthError, match="ZENDESK_EMAIL and ZENDESK_API_TOKEN"):
        list(wrong.agents())
    assert zendesk.calls[-1].status == 401

    right = zendesk_connector(
        api_url=zendesk.api_url, email=EMAIL, api_token=API_TOKEN, timeout_seconds=5, retry=RetryPolicy()
    )
    assert list(right.agents()) == []
    zendesk.revoke()
    with pytest.raises(HelpdeskAuthError, match=r"refused the credentials \(401\)"):
        list(right.tickets(cursor=None, since=SINCE))


def test_the_stand_in_answers_with_zendesk_s_error_and_rate_limit_headers(zendesk):
    answer = httpx.get(zendesk.api_url + "users.json", auth=(f"{EMAIL}/token", "wrong"))
    assert (answer.status_code, answer.json()) == (401, {"error": "Couldn't authenticate you"})
    assert int(answer.headers["X-Rate-Limit"]) > int(answer.headers["X-Rate-Limit-Remaining"]) >= 0


def test_a_cursor_another_connector_wrote_is_refused(zendesk, sleeps):
    with pytest.raises(HelpdeskError, match="saved cursor"):
        next(connect(zendesk, sleeps).ratings(cursor='{"since": "2026-01-01T00:00:00Z", "page": 2}', since=SINCE))


def test_generated_tickets_are_the_same_for_the_same_seed_and_all_read():
    first, second = LocalZendesk(tickets=2500, seed=4).start(), LocalZendesk(tickets=2500, seed=4).start()
    try:
        read = [
            list(connect(z, [], page_size=1000).tickets(cursor=None, since=GENERATED_FROM)) for z in (first, second)
        ]
    finally:
        first.stop()
        second.stop()
    tickets = [[ticket for page in pages for ticket in page.items] for pages in read]
    assert tickets[0] == tickets[1]
    assert [ticket.ticket_id for ticket in tickets[0]] == [str(n) for n in range(1, 2501)]
    assert len({ticket.agent_id for ticket in tickets[0]}) == 20
