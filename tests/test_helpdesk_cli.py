"""`repcoach helpdesk sync|status` through the real command, against the local Zendesk and Freshdesk stand-ins."""

from datetime import UTC, datetime, timedelta

import pytest

from bot.dev.local_freshdesk import API_KEY, LocalFreshdesk
from bot.dev.local_zendesk import API_TOKEN, EMAIL, LocalZendesk
from coaching.models import Rep
from tests.stored import logged_days, snapshot
from tests.test_cli import repcoach

# The command reads the real clock: the tickets are solved this morning, UTC.
SOLVED = datetime.now(UTC).replace(hour=1, minute=0, second=0, microsecond=0)


@pytest.fixture
def zendesk():
    stand_in = LocalZendesk().start()
    stand_in.records.add_agent(7, "anna@example.com", "Anna Rossi")
    stand_in.records.add_agent(8, "nobody@example.com", "Nobody Known")
    for number in (1, 2, 3):
        stand_in.records.add_ticket(
            number, updated_at=SOLVED, agent_id=7, status="solved", solved_at=SOLVED, replies=number
        )
    yield stand_in
    stand_in.stop()


@pytest.fixture
def anna(sessions):
    with sessions.begin() as session:
        session.add(Rep(workspace_id="T0TEAM", user_id="U0ANNA", tz="UTC", email="anna@example.com"))


def zendesk_env(stand_in: LocalZendesk) -> dict[str, str]:
    return {"ZENDESK_API_URL": stand_in.api_url, "ZENDESK_EMAIL": EMAIL, "ZENDESK_API_TOKEN": API_TOKEN}


def test_sync_imports_the_tickets_and_status_shows_the_sync_and_unmatched_agents(anna, zendesk, sessions, database_url):
    synced = repcoach("helpdesk", "sync", "zendesk", database_url=database_url, **zendesk_env(zendesk))

    assert synced.returncode == 0, synced.stderr
    assert synced.stdout.strip() == "zendesk: 2 agents, 3 tickets, 0 ratings read; 1 rep day written"
    [day] = logged_days(sessions)
    assert (day.day, day.contacts, day.fcr, day.repeat) == (SOLVED.date(), 3, 1, 0)

    status = repcoach("helpdesk", "status", database_url=database_url, **zendesk_env(zendesk))
    assert status.returncode == 0, status.stderr
    lines = status.stdout.splitlines()
    assert lines[0].startswith("zendesk: last success ")
    assert "3 tickets, 0 ratings; 1 of 2 agents matched" in lines[0]
    assert lines[1:] == [
        "1 agent matched to no rep (link with /coach helpdesk link @rep EMAIL):",
        "  zendesk 8 Nobody Known <nobody@example.com>",
    ]


def test_a_revoked_token_fails_the_sync_with_one_line_and_shows_in_status(anna, zendesk, sessions, database_url):
    zendesk.revoke()

    synced = repcoach("helpdesk", "sync", "zendesk", database_url=database_url, **zendesk_env(zendesk))

    assert synced.returncode == 1
    [line] = synced.stderr.strip().splitlines()
    assert line.startswith("repcoach: zendesk sync stopped: Zendesk refused the credentials (401)")
    assert "ZENDESK_EMAIL and ZENDESK_API_TOKEN" in line
    status = repcoach("helpdesk", "status", database_url=database_url, **zendesk_env(zendesk))
    assert status.returncode == 1
    assert "(auth): Zendesk refused the credentials (401)" in status.stdout
    assert status.stderr.strip() == "repcoach: a helpdesk sync is failing; see above"


def test_freshdesk_syncs_through_the_same_command(anna, sessions, database_url):
    freshdesk = LocalFreshdesk().start()
    try:
        freshdesk.records.add_agent(7, "ANNA@example.com", "Anna Rossi")
        freshdesk.records.add_ticket(1, updated_at=SOLVED, agent_id=7, status="closed", solved_at=SOLVED, reopens=1)
        env = {"FRESHDESK_API_URL": freshdesk.api_url, "FRESHDESK_API_KEY": API_KEY}
        synced = repcoach("helpdesk", "sync", "freshdesk", database_url=database_url, **env)
    finally:
        freshdesk.stop()

    assert synced.returncode == 0, synced.stderr
    [day] = logged_days(sessions)
    assert (day.contacts, day.fcr, day.repeat, day.imported_from) == (1, 0, 1, "freshdesk")


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (("zendesk",), {}, "repcoach: Zendesk is not configured; set ZENDESK_API_URL, ZENDESK_EMAIL and"),
        (("freshdesk",), {"FRESHDESK_API_URL": "https://acme.freshdesk.com/api/v2/"}, "repcoach: FRESHDESK_API_URL"),
        (("zendesk",), {"ZENDESK_API_URL": "acme.zendesk.com"}, "repcoach: ZENDESK_API_URL must be an http"),
        (("zendesk", "--since", "2020-01-01"), "zendesk", "repcoach: --since must be a day from"),
        (
            ("zendesk", "--since", "yesterday"),
            {},
            "repcoach helpdesk sync: argument --since: 'yesterday' is not a date",
        ),
        (("intercom",), {}, "repcoach helpdesk sync: argument source: invalid choice"),
    ],
)
def test_bad_settings_and_arguments_are_one_line_and_store_nothing(
    anna, zendesk, sessions, database_url, args, env, message
):
    before = snapshot(sessions)
    environment = zendesk_env(zendesk) if env == "zendesk" else env

    result = repcoach("helpdesk", "sync", *args, database_url=database_url, **environment)

    assert result.returncode in (1, 2)
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(message), line
    assert snapshot(sessions) == before


def test_status_without_any_helpdesk_says_how_to_configure_one(anna, database_url):
    status = repcoach("helpdesk", "status", database_url=database_url)

    assert status.returncode == 0
    assert status.stdout.startswith("no helpdesk is configured: set ZENDESK_API_URL or FRESHDESK_API_URL")


def test_a_sync_run_twice_writes_the_same_day(anna, zendesk, sessions, database_url):
    repcoach("helpdesk", "sync", "zendesk", database_url=database_url, **zendesk_env(zendesk))
    first = snapshot(sessions)["day_logs"]

    again = repcoach(
        "helpdesk",
        "sync",
        "zendesk",
        "--since",
        str(SOLVED.date() - timedelta(days=2)),
        database_url=database_url,
        **zendesk_env(zendesk),
    )

    assert again.returncode == 0, again.stderr
    assert snapshot(sessions)["day_logs"] == first


def test_tickets_lists_what_each_counted_ticket_counts_for(anna, zendesk, sessions, database_url):
    zendesk.records.add_ticket(
        4, updated_at=SOLVED, agent_id=7, status="closed", solved_at=SOLVED, reopens=1, replies=1, tags=("complaint",)
    )
    zendesk.records.add_rating(1, ticket_id=1, agent_id=7, score="good", updated_at=SOLVED)
    repcoach("helpdesk", "sync", "zendesk", database_url=database_url, **zendesk_env(zendesk))

    listed = repcoach("helpdesk", "tickets", "U0ANNA", str(SOLVED.date()), database_url=database_url)

    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines() == [
        f"zendesk: 4 tickets solved by U0ANNA on {SOLVED.date()}",
        "  #1 solved 01:00 UTC: first contact; rated 5",
        "  #2 solved 01:00 UTC",
        "  #3 solved 01:00 UTC",
        "  #4 solved 01:00 UTC: reopened; complaint",
    ]
    [day] = logged_days(sessions)
    assert (day.contacts, day.fcr, day.repeat, day.complaints, day.csat) == (4, 1, 1, 1, 5.0)


def test_tickets_for_someone_unknown_or_unmatched_is_one_line(anna, sessions, database_url):
    unknown = repcoach("helpdesk", "tickets", "U0NOBODY", "2026-03-09", database_url=database_url)
    unmatched = repcoach("helpdesk", "tickets", "U0ANNA", "2026-03-09", database_url=database_url)

    assert (unknown.returncode, unknown.stderr) == (1, "repcoach: there is no rep U0NOBODY in workspace T0TEAM\n")
    assert unmatched.returncode == 1
    assert unmatched.stderr.startswith("repcoach: U0ANNA is matched to no helpdesk agent")


def test_a_helpdesk_for_an_app_in_many_workspaces_must_name_its_workspace(database_url):
    oauth = {"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "s", "FRESHDESK_API_KEY": "k"}
    result = repcoach(
        "helpdesk", "status", database_url=database_url, FRESHDESK_API_URL="https://acme.freshdesk.com/api/v2/", **oauth
    )

    assert result.returncode == 2
    assert result.stderr.strip() == (
        "repcoach: FRESHDESK_API_URL is set for an app installed in many workspaces; set HELPDESK_WORKSPACE_ID to "
        "the one its figures belong to"
    )
