"""The helpdesk sync end to end: the local Zendesk and Freshdesk stand-ins over real HTTP, into a real database.

Every figure is checked against the definitions in docs/helpdesk.md, and every rule of the sync (records per
ticket, cursors per page, a failure recorded and told) against what a resync, a crash or a revoked token does.
"""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.deps import Deps
from bot.dev.local_freshdesk import API_KEY, LocalFreshdesk
from bot.dev.local_helpdesk import Faults, LocalHelpdesk
from bot.dev.local_zendesk import API_TOKEN, EMAIL, LocalZendesk
from bot.jobs import run_helpdesk_syncs, sync_helpdesk
from coaching.helpdesk.agents import link_agent, unmatched_agents
from coaching.helpdesk.connector import Connector, HelpdeskAuthError, Helpdesks
from coaching.helpdesk.days import set_team_figures
from coaching.helpdesk.freshdesk import FreshdeskConnector
from coaching.helpdesk.http import HelpdeskHttp, RetryPolicy
from coaching.helpdesk.syncs import sync_statuses
from coaching.helpdesk.zendesk import ZendeskConnector
from coaching.models import (
    DayLog,
    HelpdeskAgent,
    HelpdeskRating,
    HelpdeskSync,
    HelpdeskTicket,
    OutboxMessage,
    Rep,
)
from coaching.outcomes import record_day
from coaching.privacy import forget, prune_expired
from coaching.teams import add_member, create_team
from tests.stored import snapshot

NOW = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)
DAY = date(2026, 3, 9)
# 08:00 to 16:00 on DAY in Rome (UTC+1 in March).
SOLVED = [datetime(2026, 3, 9, 7 + hour, 0, tzinfo=UTC) for hour in range(9)]
WORKSPACE = "T0TEAM"
VENDORS = ("zendesk", "freshdesk")
GOOD = {"zendesk": "good", "freshdesk": 103}
BAD = {"zendesk": "bad", "freshdesk": -103}
TICKETS_PATH = {"zendesk": "incremental/tickets/cursor", "freshdesk": "tickets"}


def stand_in_for(vendor: str) -> LocalHelpdesk:
    return (LocalZendesk() if vendor == "zendesk" else LocalFreshdesk()).start()


def connector_for(vendor: str, stand_in: LocalHelpdesk, page_size: int = 2, attempts: int = 2) -> Connector:
    credentials = (f"{EMAIL}/token", API_TOKEN) if vendor == "zendesk" else (API_KEY, "X")
    http = HelpdeskHttp(
        label=stand_in.label,
        base_url=stand_in.api_url,
        auth=credentials,
        credentials_hint="the credentials",
        timeout_seconds=5,
        retry=RetryPolicy(attempts=attempts, backoff_seconds=0.01, longest_wait_seconds=2),
    )
    kind = ZendeskConnector if vendor == "zendesk" else FreshdeskConnector
    return kind(http, page_size=page_size)


@pytest.fixture(params=VENDORS)
def vendor(request) -> str:
    return request.param


@pytest.fixture
def helpdesk(vendor):
    stand_in = stand_in_for(vendor)
    yield stand_in
    stand_in.stop()


@pytest.fixture
def anna(sessions) -> int:
    with sessions.begin() as session:
        rep = Rep(workspace_id=WORKSPACE, user_id="U0ANNA", tz="Europe/Rome", email="anna@example.com")
        session.add(rep)
        session.flush()
        return rep.id


def deps_for(sessions, connector: Connector, now: datetime = NOW) -> Deps:
    return Deps(sessions, now=lambda: now, helpdesk=Helpdesks(connectors=(connector,)))


def day_of(sessions, rep_id: int, day: date = DAY) -> DayLog | None:
    with sessions() as session:
        return session.scalars(select(DayLog).where(DayLog.rep_id == rep_id, DayLog.day == day)).one_or_none()


def figures(log: DayLog | None) -> dict:
    keys = ("contacts", "fcr", "repeat", "complaints", "csat", "upsells")
    return {key: getattr(log, key) for key in keys} if log else {}


def anna_day(stand_in: LocalHelpdesk, vendor: str) -> None:
    """Seven tickets solved by agent 7 on DAY, of which two reopened, two answered in more than one reply, one
    tagged complaint; one more still open; three ratings."""
    records = stand_in.records
    records.add_agent(7, "Anna@Example.com", "Anna Rossi")
    records.add_agent(8, "bruno@example.com", "Bruno Bianchi")
    shapes = [
        {"replies": 1},
        {"replies": 1},
        {"replies": 0},
        {"replies": 3},  # solved in three replies: not first contact
        {"replies": 1, "reopens": 1},  # reopened: a repeat contact
        {"replies": 2, "reopens": 2},
        {"replies": 1, "tags": ("complaint", "billing")},
    ]
    for number, shape in enumerate(shapes, start=1):
        records.add_ticket(
            number,
            updated_at=SOLVED[number],
            agent_id=7,
            status="solved" if number % 2 else "closed",
            solved_at=SOLVED[number],
            **shape,
        )
    records.add_ticket(20, updated_at=SOLVED[8], agent_id=7, status="open", replies=1)
    records.add_rating(1, ticket_id=1, agent_id=7, score=GOOD[vendor], updated_at=SOLVED[8] + timedelta(minutes=1))
    records.add_rating(2, ticket_id=2, agent_id=7, score=GOOD[vendor], updated_at=SOLVED[8] + timedelta(minutes=2))
    records.add_rating(3, ticket_id=4, agent_id=7, score=BAD[vendor], updated_at=SOLVED[8] + timedelta(minutes=3))


def test_a_sync_puts_a_matched_reps_ticket_figures_on_their_day(sessions, anna, helpdesk, vendor):
    anna_day(helpdesk, vendor)

    report = sync_helpdesk(
        deps_for(sessions, connector_for(vendor, helpdesk)), connector_for(vendor, helpdesk), workspace_id=WORKSPACE
    )

    assert report.failure is None
    assert (report.agents, report.tickets, report.ratings) == (2, 8, 3)
    log = day_of(sessions, anna)
    # contacts: solved that day; fcr: not reopened and at most one reply; repeat: reopened; csat: (5 + 5 + 1) / 3.
    assert figures(log) == {"contacts": 7, "fcr": 4, "repeat": 2, "complaints": 1, "csat": 3.67, "upsells": None}
    assert log.imported_from == vendor
    assert set(log.imported_keys.split(",")) == {"contacts", "fcr", "repeat", "complaints", "csat"}
    with sessions() as session:
        assert [agent.name for agent in unmatched_agents(session, WORKSPACE)] == ["Bruno Bianchi"]


def test_syncing_again_or_from_an_overlapping_start_counts_nothing_twice(sessions, anna, helpdesk, vendor):
    anna_day(helpdesk, vendor)
    connector = connector_for(vendor, helpdesk)
    deps = deps_for(sessions, connector)
    sync_helpdesk(deps, connector, workspace_id=WORKSPACE)
    before = snapshot(sessions)

    sync_helpdesk(deps, connector, workspace_id=WORKSPACE)
    sync_helpdesk(deps, connector, workspace_id=WORKSPACE, since=DAY - timedelta(days=3))

    after = snapshot(sessions)
    assert after["day_logs"] == before["day_logs"]
    assert figures(day_of(sessions, anna))["contacts"] == 7


def test_a_ticket_reopened_after_the_sync_leaves_the_day_it_was_solved_on(sessions, anna, helpdesk, vendor):
    anna_day(helpdesk, vendor)
    connector = connector_for(vendor, helpdesk)
    deps = deps_for(sessions, connector)
    sync_helpdesk(deps, connector, workspace_id=WORKSPACE)

    helpdesk.records.change_ticket(
        1, updated_at=SOLVED[8] + timedelta(hours=1), status="open", solved_at=None, reopens=1
    )
    sync_helpdesk(deps, connector, workspace_id=WORKSPACE)

    # Ticket 1 was a first-contact resolution with a good rating: the day loses one contact, one fcr and its 5.
    assert figures(day_of(sessions, anna)) == {
        "contacts": 6,
        "fcr": 3,
        "repeat": 2,
        "complaints": 1,
        "csat": 3.0,
        "upsells": None,
    }


def test_a_sync_cut_off_midway_resumes_after_its_last_page_and_ends_with_the_same_totals(
    sessions, anna, helpdesk, vendor
):
    anna_day(helpdesk, vendor)
    # With no retries, every third request for tickets failing stops each sync a page or two in.
    connector = connector_for(vendor, helpdesk, attempts=1)
    deps = deps_for(sessions, connector)
    helpdesk.faults = Faults(paths=(TICKETS_PATH[vendor],), server_error_every=3)
    reports = [sync_helpdesk(deps, connector, workspace_id=WORKSPACE)]
    while reports[-1].failure is not None and len(reports) < 20:
        reports.append(sync_helpdesk(deps, connector, workspace_id=WORKSPACE))

    assert len(reports) > 1 and reports[-1].failure is None
    # Each sync went on from the page after the last one saved: no page was read twice.
    assert sum(report.tickets for report in reports) == 8
    assert figures(day_of(sessions, anna)) == {
        "contacts": 7,
        "fcr": 4,
        "repeat": 2,
        "complaints": 1,
        "csat": 3.67,
        "upsells": None,
    }


def test_figures_count_on_the_reps_own_day(sessions, helpdesk, vendor):
    with sessions.begin() as session:
        session.add(Rep(workspace_id=WORKSPACE, user_id="U0CARLA", tz="America/New_York", email="carla@example.com"))
    helpdesk.records.add_agent(9, "carla@example.com", "Carla")
    # 02:00 UTC on 10 March is still 9 March in New York.
    late = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
    helpdesk.records.add_ticket(1, updated_at=late, agent_id=9, status="solved", solved_at=late, replies=1)
    connector = connector_for(vendor, helpdesk)

    sync_helpdesk(deps_for(sessions, connector), connector, workspace_id=WORKSPACE)

    with sessions() as session:
        days = session.execute(select(DayLog.day, DayLog.contacts)).all()
    assert days == [(DAY, 1)]


def test_a_teams_choice_decides_which_figures_are_imported(sessions, anna, helpdesk, vendor):
    with sessions.begin() as session:
        team = create_team(session, WORKSPACE, "Support")
        add_member(session, team, session.get(Rep, anna))
        set_team_figures(team=team, words=["contacts", "resolved"])
        # Anna typed her CSAT and more first-contact resolutions than the helpdesk will say she had contacts.
        record_day(session, anna, DAY, {"contacts": 3, "csat": 4.5, "upsells": 1}, NOW)
    anna_day(helpdesk, vendor)
    connector = connector_for(vendor, helpdesk)

    report = sync_helpdesk(deps_for(sessions, connector), connector, workspace_id=WORKSPACE)

    log = day_of(sessions, anna)
    assert figures(log) == {"contacts": 7, "fcr": 4, "repeat": None, "complaints": None, "csat": 4.5, "upsells": 1}
    assert log.imported_keys == "contacts,fcr"
    assert report.typed_figures_dropped == 0


def test_a_typed_share_above_the_imported_contacts_is_dropped(sessions, anna, helpdesk, vendor):
    with sessions.begin() as session:
        record_day(session, anna, DAY, {"contacts": 40, "upsells": 12, "referrals": 2}, NOW)
    anna_day(helpdesk, vendor)
    connector = connector_for(vendor, helpdesk)

    report = sync_helpdesk(deps_for(sessions, connector), connector, workspace_id=WORKSPACE)

    log = day_of(sessions, anna)
    assert (log.contacts, log.upsells, log.referrals) == (7, None, 2)
    assert report.typed_figures_dropped == 1


def test_days_before_the_first_sync_window_are_left_as_they_are(sessions, anna, helpdesk, vendor):
    old = DAY - timedelta(days=30)
    with sessions.begin() as session:
        record_day(session, anna, old, {"contacts": 12}, NOW - timedelta(days=29))
    solved = datetime.combine(old, datetime.min.time(), UTC) + timedelta(hours=10)
    helpdesk.records.add_agent(7, "anna@example.com", "Anna")
    # Solved long ago, but changed (a tag, say) within the window: its day is not the sync's to rewrite.
    helpdesk.records.add_ticket(1, updated_at=SOLVED[1], agent_id=7, status="closed", solved_at=solved, replies=1)
    connector = connector_for(vendor, helpdesk)

    sync_helpdesk(deps_for(sessions, connector), connector, workspace_id=WORKSPACE)

    assert figures(day_of(sessions, anna, old))["contacts"] == 12


def test_an_admins_link_gives_an_agent_with_another_email_to_the_rep(sessions, anna, helpdesk, vendor):
    helpdesk.records.add_agent(5, "a.rossi@helpdesk.example", "A. Rossi")
    helpdesk.records.add_ticket(1, updated_at=SOLVED[1], agent_id=5, status="solved", solved_at=SOLVED[1], replies=1)
    connector = connector_for(vendor, helpdesk)
    sync_helpdesk(deps_for(sessions, connector), connector, workspace_id=WORKSPACE)
    assert day_of(sessions, anna) is None

    with sessions.begin() as session:
        linked = link_agent(
            session, workspace_id=WORKSPACE, email="A.Rossi@helpdesk.example", rep=session.get(Rep, anna), now=NOW
        )

    assert linked == 1
    assert figures(day_of(sessions, anna))["contacts"] == 1
    with sessions() as session:
        assert unmatched_agents(session, WORKSPACE) == []


def test_a_revoked_token_is_recorded_and_told_to_the_admins_once(bot, sessions, helpdesk, vendor, slack):
    with sessions.begin() as session:
        session.add(Rep(workspace_id=WORKSPACE, user_id="U0ANNA", slack_admin=True, tz="Europe/Rome"))
    connector = connector_for(vendor, helpdesk)
    deps = replace(bot.deps, now=lambda: NOW, helpdesk=Helpdesks(connectors=(connector,)))
    helpdesk.revoke()

    first = sync_helpdesk(deps, connector, workspace_id=WORKSPACE)
    second = sync_helpdesk(deps, connector, workspace_id=WORKSPACE)

    assert isinstance(first.failure, HelpdeskAuthError) and isinstance(second.failure, HelpdeskAuthError)
    with sessions() as session:
        [status] = sync_statuses(session, WORKSPACE)
        notices = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "helpdesk")).all()
    assert (status.failure_kind, status.healthy) == ("auth", False)
    assert "refused the credentials" in status.failure
    assert [notice.recipient for notice in notices] == ["U0ANNA"]
    [posted] = slack.wait_for("chat.postMessage")
    assert helpdesk.label in posted.args["text"]


def test_a_success_after_a_failure_clears_it(sessions, anna, helpdesk, vendor):
    connector = connector_for(vendor, helpdesk)
    deps = deps_for(sessions, connector)
    helpdesk.faults = Faults(server_error_every=1)
    assert sync_helpdesk(deps, connector, workspace_id=WORKSPACE, notify=False).failure is not None
    helpdesk.faults = Faults()

    later = deps_for(sessions, connector, NOW + timedelta(minutes=20))
    [report] = run_helpdesk_syncs(later, NOW + timedelta(minutes=20))

    assert report.failure is None
    with sessions() as session:
        [status] = sync_statuses(session, WORKSPACE)
    assert status.healthy and status.succeeded_at is not None


def test_the_job_waits_for_helpdesk_sync_minutes_between_syncs(sessions, anna, helpdesk, vendor):
    connector = connector_for(vendor, helpdesk)
    deps = deps_for(sessions, connector)
    assert len(run_helpdesk_syncs(deps, NOW)) == 1

    assert (
        run_helpdesk_syncs(deps_for(sessions, connector, NOW + timedelta(minutes=5)), NOW + timedelta(minutes=5)) == []
    )
    later = NOW + timedelta(minutes=15)
    assert len(run_helpdesk_syncs(deps_for(sessions, connector, later), later)) == 1


def test_retention_deletes_tickets_and_ratings_from_before_the_days_it_keeps(sessions, anna, helpdesk, vendor):
    old = NOW - timedelta(days=100)
    helpdesk.records.add_agent(7, "anna@example.com", "Anna")
    helpdesk.records.add_ticket(1, updated_at=SOLVED[1], agent_id=7, status="closed", solved_at=old, replies=1)
    helpdesk.records.add_ticket(2, updated_at=SOLVED[2], agent_id=7, status="closed", solved_at=SOLVED[2], replies=1)
    helpdesk.records.add_rating(1, ticket_id=1, agent_id=7, score=GOOD[vendor], updated_at=old)
    helpdesk.records.add_rating(2, ticket_id=2, agent_id=7, score=GOOD[vendor], updated_at=SOLVED[3])
    connector = connector_for(vendor, helpdesk)
    sync_helpdesk(deps_for(sessions, connector), connector, workspace_id=WORKSPACE, since=old.date())

    with sessions.begin() as session:
        prune_expired(session, 2, NOW.date())

    with sessions() as session:
        assert session.scalars(select(HelpdeskTicket.ticket_id)).all() == ["2"]
        assert session.scalars(select(HelpdeskRating.rating_id)).all() == ["2"]


def test_forgetting_a_matched_rep_erases_their_agent_tickets_and_ratings_and_a_sync_brings_back_only_the_roster(
    sessions, anna, helpdesk, vendor
):
    anna_day(helpdesk, vendor)
    connector = connector_for(vendor, helpdesk)
    deps = deps_for(sessions, connector)
    sync_helpdesk(deps, connector, workspace_id=WORKSPACE)

    with sessions.begin() as session:
        forget(session, WORKSPACE, "U0ANNA")

    def held() -> tuple[list, int, int]:
        with sessions() as session:
            agents = session.execute(select(HelpdeskAgent.agent_id, HelpdeskAgent.email, HelpdeskAgent.rep_id)).all()
            tickets = session.scalar(
                select(func.count()).select_from(HelpdeskTicket).where(HelpdeskTicket.agent_id == "7")
            )
            ratings = session.scalar(select(func.count()).select_from(HelpdeskRating))
            return sorted(agents), tickets, ratings

    assert held() == ([("8", "bruno@example.com", None)], 0, 0)
    again = sync_helpdesk(deps, connector, workspace_id=WORKSPACE)
    # The helpdesk still lists Anna: her agent comes back, matched to no one. Of her tickets, only those the sync
    # reads again from its cursor (the last one or two) are stored again, and they make no day.
    agents, tickets, ratings = held()
    assert agents == [("7", "anna@example.com", None), ("8", "bruno@example.com", None)]
    assert tickets + ratings == again.tickets + again.ratings <= 2
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(DayLog)) == 0


def test_a_ticket_deleted_in_zendesk_stops_counting(sessions, anna):
    zendesk = stand_in_for("zendesk")
    try:
        anna_day(zendesk, "zendesk")
        connector = connector_for("zendesk", zendesk)
        deps = deps_for(sessions, connector)
        sync_helpdesk(deps, connector, workspace_id=WORKSPACE)

        zendesk.records.change_ticket(7, updated_at=SOLVED[8] + timedelta(hours=1), status="deleted")
        sync_helpdesk(deps, connector, workspace_id=WORKSPACE)
    finally:
        zendesk.stop()

    # Ticket 7 was the complaint.
    assert figures(day_of(sessions, anna))["contacts"] == 6
    assert figures(day_of(sessions, anna))["complaints"] == 0


class CrashAfterFirstPage:
    """The real connector, with the process dying (any exception but a HelpdeskError) after its first ticket page."""

    def __init__(self, connector: Connector) -> None:
        self.connector = connector
        self.source, self.label, self.provides = connector.source, connector.label, connector.provides

    def agents(self):
        return self.connector.agents()

    def tickets(self, *, cursor, since):
        pages = self.connector.tickets(cursor=cursor, since=since)
        yield next(pages)
        raise SystemExit("the process dies here")

    def ratings(self, *, cursor, since):
        return self.connector.ratings(cursor=cursor, since=since)


def test_days_a_dead_sync_touched_are_computed_by_the_next(sessions, anna, helpdesk, vendor):
    anna_day(helpdesk, vendor)
    connector = connector_for(vendor, helpdesk)
    with pytest.raises(SystemExit):
        sync_helpdesk(deps_for(sessions, connector), CrashAfterFirstPage(connector), workspace_id=WORKSPACE)
    assert day_of(sessions, anna) is None  # its first page is stored, its day not yet computed
    with sessions() as session:
        assert session.get(HelpdeskSync, (WORKSPACE, vendor)).pending_days == [[anna, DAY.isoformat()]]

    # Once the dead sync's lease has run out, the next one takes over from its cursor and computes its days too.
    later = NOW + timedelta(minutes=11)
    report = sync_helpdesk(deps_for(sessions, connector, later), connector, workspace_id=WORKSPACE)

    assert report.failure is None and report.tickets < 8
    assert figures(day_of(sessions, anna))["contacts"] == 7
