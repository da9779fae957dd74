"""The `repcoach` console script, run as a real process."""

import csv
import io
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest

from coaching.db import make_engine, make_sessions
from coaching.outcomes import record_day
from coaching.reps import get_or_create_rep
from coaching.teams import add_member, create_team
from tests.conftest import free_socket
from tests.slack_requests import BOT_TOKEN, SIGNING_SECRET, signed_headers, slash_command_body
from tests.stored import FIGURE_KEYS, logged_days, snapshot

REPCOACH = str(Path(sys.executable).parent / "repcoach")
NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def repcoach(*args: str, database_url: str, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("SLACK_")}
    environment.update(DATABASE_URL=database_url, **env)
    return subprocess.run([REPCOACH, *args], capture_output=True, text=True, env=environment, cwd=cwd, timeout=60)


@pytest.fixture
def seeded(sessions):
    with sessions.begin() as session:
        anna = get_or_create_rep(session, "T0TEAM", "U0ANNA")
        bruno = get_or_create_rep(session, "T0TEAM", "U0BRUNO")
        record_day(session, anna.id, date(2026, 11, 18), {"contacts": 30, "fcr": 24, "csat": 4.5}, NOW)
        record_day(session, anna.id, date(2026, 11, 19), {"contacts": 20, "upsells": 2}, NOW)
        record_day(session, bruno.id, date(2026, 11, 19), {"contacts": 25, "aht": 6.5}, NOW)
        add_member(session, create_team(session, "T0TEAM", "Tier 1"), bruno)
    return sessions


def rows(output: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(output)))


def test_export_writes_a_header_then_one_row_per_rep_and_day(seeded, database_url):
    result = repcoach("export", "outcomes", database_url=database_url)

    assert result.returncode == 0, result.stderr
    header, *data = rows(result.stdout)
    assert header == ["workspace_id", "user_id", "date", *FIGURE_KEYS]
    assert data == [
        ["T0TEAM", "U0ANNA", "2026-11-18", "30", "24", "", "4.5", "", "", "", "", "", "", ""],
        ["T0TEAM", "U0ANNA", "2026-11-19", "20", "", "", "", "", "", "2", "", "", "", ""],
        ["T0TEAM", "U0BRUNO", "2026-11-19", "25", "", "", "", "6.5", "", "", "", "", "", ""],
    ]


def test_export_filters_by_dates_and_team_and_writes_to_a_file(seeded, database_url, tmp_path):
    since = repcoach("export", "outcomes", "--since", "2026-11-19", "--until", "2026-11-19", database_url=database_url)
    assert [row[1:3] for row in rows(since.stdout)[1:]] == [["U0ANNA", "2026-11-19"], ["U0BRUNO", "2026-11-19"]]

    out = tmp_path / "tier1.csv"
    team = repcoach("export", "outcomes", "--team", "Tier 1", "--out", str(out), database_url=database_url)
    assert team.returncode == 0 and team.stdout == ""
    assert [row[1] for row in rows(out.read_text())[1:]] == ["U0BRUNO"]


@pytest.fixture
def two_workspaces(seeded):
    """T0TEAM as seeded, and T0OTHER with its own U0ANNA (another person) in its own team named Tier 1."""
    with seeded.begin() as session:
        other = get_or_create_rep(session, "T0OTHER", "U0ANNA")
        record_day(session, other.id, date(2026, 11, 19), {"contacts": 40}, NOW)
        add_member(session, create_team(session, "T0OTHER", "Tier 1"), other)
        create_team(session, "T0OTHER", "Night shift")
    return seeded


def test_export_outcomes_tells_workspaces_apart(two_workspaces, database_url):
    every = repcoach("export", "outcomes", "--since", "2026-11-19", database_url=database_url)
    assert [row[:3] for row in rows(every.stdout)[1:]] == [
        ["T0OTHER", "U0ANNA", "2026-11-19"],
        ["T0TEAM", "U0ANNA", "2026-11-19"],
        ["T0TEAM", "U0BRUNO", "2026-11-19"],
    ]
    other = repcoach("export", "outcomes", "--workspace", "T0OTHER", database_url=database_url)
    assert [row[:4] for row in rows(other.stdout)[1:]] == [["T0OTHER", "U0ANNA", "2026-11-19", "40"]]


def test_export_outcomes_finds_a_team_within_its_workspace(two_workspaces, database_url):
    tier1 = repcoach("export", "outcomes", "--team", "Tier 1", "--workspace", "T0TEAM", database_url=database_url)
    assert [row[:2] for row in rows(tier1.stdout)[1:]] == [["T0TEAM", "U0BRUNO"]]
    other = repcoach("export", "outcomes", "--team", "Tier 1", "--workspace", "T0OTHER", database_url=database_url)
    assert [row[:2] for row in rows(other.stdout)[1:]] == [["T0OTHER", "U0ANNA"]]
    # A name only one workspace has needs no --workspace.
    night = repcoach("export", "outcomes", "--team", "Night shift", database_url=database_url)
    assert night.returncode == 0 and rows(night.stdout)[1:] == []


@pytest.mark.parametrize(
    "args, message",
    [
        (["--team", "Tier 1"], "teams named 'Tier 1' are in several workspaces (T0OTHER, T0TEAM); choose one with"),
        (
            ["--team", "Night shift", "--workspace", "T0TEAM"],
            "there is no team named 'Night shift' in workspace T0TEAM",
        ),
        (["--workspace", "T0NONE"], "there is no workspace T0NONE in this database"),
    ],
)
def test_export_outcomes_refuses_an_ambiguous_or_unknown_team_or_workspace(two_workspaces, database_url, args, message):
    result = repcoach("export", "outcomes", *args, database_url=database_url)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip() == f"repcoach: {message}" or message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["--since", "2026-11-31"], "'2026-11-31' is not a date written YYYY-MM-DD"),
        (["--since", "2026-11-20", "--until", "2026-11-01"], "--since 2026-11-20 is after --until 2026-11-01"),
        (["--team", "Nobody"], "there is no team named 'Nobody'"),
        (["--out", "/nonexistent/dir/x.csv"], "cannot write /nonexistent/dir/x.csv"),
    ],
)
def test_bad_export_arguments_fail_with_one_clear_line(seeded, database_url, args, message):
    before = snapshot(seeded)
    result = repcoach("export", "outcomes", *args, database_url=database_url)
    assert result.returncode != 0
    assert message in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""
    assert snapshot(seeded) == before


@pytest.mark.parametrize(
    "env, message",
    [
        ({}, "SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET must be set"),
        ({"SLACK_BOT_TOKEN": "xoxp-user", "SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN must be a bot token"),
        (
            {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": "ftp://x"},
            "SLACK_API_URL must be an http:// or https:// URL",
        ),
        ({"DATABASE_URL": "mysql://db/x"}, "DATABASE_URL mysql is not supported"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL expected a URL like"),
        ({"SLACK_SEND_CONCURRENCY": "0"}, "SLACK_SEND_CONCURRENCY is '0': input should be greater than or equal to 1"),
    ],
)
def test_a_missing_or_malformed_setting_stops_start_up_with_one_line_naming_it(tmp_path, env, message):
    database_url = env.pop("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    result = repcoach("serve", database_url=database_url, cwd=tmp_path, **env)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and message in result.stderr


def test_db_upgrade_and_current_report_the_revision(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert "behind" in repcoach("db", "current", database_url=url).stdout
    assert repcoach("db", "upgrade", database_url=url).returncode == 0
    assert "(up to date)" in repcoach("db", "current", database_url=url).stdout


@contextmanager
def serving(database_url: str, slack, cwd: Path, *args: str, **env: str):
    """`repcoach serve` as a real process on a free port; yields its base URL once /healthz answers."""
    sock = free_socket()
    port = sock.getsockname()[1]
    sock.close()
    environment = {key: value for key, value in os.environ.items() if not key.startswith("SLACK_")}
    environment.update(
        {
            "DATABASE_URL": database_url,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack.api_url,
            **env,
        }
    )
    server = subprocess.Popen(
        [REPCOACH, "serve", "--port", str(port), *args],
        env=environment,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                health = httpx.get(f"{base}/healthz")
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stderr.read().decode()
                assert time.monotonic() < deadline, "serve did not start"
                time.sleep(0.1)
        assert health.status_code == 200 and health.json()["status"] == "ok"
        yield base
    finally:
        server.terminate()
        server.wait(10)


def test_serve_migrates_answers_health_checks_and_records_a_log(tmp_path, slack):
    url = f"sqlite:///{tmp_path / 'served.db'}"
    with serving(url, slack, tmp_path, "--no-scheduler") as base:
        body = slash_command_body("/log", "contacts=12 fcr=9", "U0ANNA", slack.response_url())
        answer = httpx.post(f"{base}/slack/events", content=body, headers=signed_headers(body)).json()
        assert "First-contact resolution that day: *75%*" in answer["text"]
    [day] = logged_days(make_sessions(make_engine(url)))
    assert (day.contacts, day.fcr) == (12, 9)
    assert slack.calls_to("chat.postMessage") == []


def zone_where_it_is_about_ten() -> str:
    """An Etc/GMT zone whose local time is now between 10:00 and 11:00 (Etc/GMT-3 is UTC+3)."""
    offset = (10 - datetime.now(UTC).hour + 12) % 24 - 12
    return f"Etc/GMT{-offset:+d}"


def test_serve_runs_the_nudge_job_on_its_scheduler(sessions, database_url, slack, tmp_path):
    slack.add_user("U0DUE", tz=zone_where_it_is_about_ten())
    with sessions.begin() as session:
        rep = get_or_create_rep(session, "T0TEAM", "U0DUE")
        rep.nudge_time, rep.work_days = "10:00", "mon,tue,wed,thu,fri,sat,sun"
    with serving(database_url, slack, tmp_path):
        [call] = slack.wait_for("chat.postMessage", timeout=15)
    assert call.args["channel"] == "U0DUE" and "Welcome to RepCoach" in call.args["text"]


def test_serve_with_two_workers_answers_from_both_and_runs_scheduled_jobs_in_the_parent(
    sessions, database_url, slack, tmp_path
):
    if database_url.startswith("sqlite"):
        pytest.skip("several processes are supported on PostgreSQL; SQLite is for a single process")
    slack.add_user("U0DUE", tz=zone_where_it_is_about_ten())
    with sessions.begin() as session:
        rep = get_or_create_rep(session, "T0TEAM", "U0DUE")
        rep.nudge_time, rep.work_days = "10:00", "mon,tue,wed,thu,fri,sat,sun"
    users = [f"U0W{number:02d}" for number in range(24)]
    with serving(database_url, slack, tmp_path, "--workers", "2") as base:

        def log(user: str) -> str:
            body = slash_command_body("/log", "contacts=20 fcr=15", user, slack.response_url())
            return httpx.post(f"{base}/slack/events", content=body, headers=signed_headers(body), timeout=10).json()[
                "text"
            ]

        with ThreadPoolExecutor(8) as clients:
            answers = list(clients.map(log, users))
        [nudge] = slack.wait_for("chat.postMessage", timeout=15)
    # The parent checks the token once and each worker builds its own app: three Bolt apps, three auth.test calls.
    assert len(slack.calls_to("auth.test")) == 3
    assert all("First-contact resolution that day: *75%*" in answer for answer in answers)
    assert [[day.contacts for day in logged_days(sessions, user)] for user in users] == [[20]] * len(users)
    assert nudge.args["channel"] == "U0DUE"


@pytest.mark.parametrize(
    "workers, status, message",
    [
        ("2", 1, "repcoach: SQLite supports a single process; use --workers 1, or PostgreSQL for more\n"),
        ("0", 2, "argument --workers: '0' is not a number of worker processes (a whole number from 1 to 64) (see"),
        ("two", 2, "argument --workers: 'two' is not a number of worker processes (a whole number from 1 to 64) (see"),
    ],
)
def test_serve_refuses_bad_or_unsupported_workers_with_one_line_and_creates_no_database(
    tmp_path, workers, status, message
):
    database = tmp_path / "one.db"
    result = repcoach(
        "serve",
        "--workers",
        workers,
        database_url=f"sqlite:///{database}",
        cwd=tmp_path,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
    )
    assert result.returncode == status
    assert message in result.stderr and len(result.stderr.splitlines()) == 1
    assert not database.exists()


def test_jobs_run_nudges_sends_what_is_due_at_the_given_instant(sessions, database_url, slack):
    for user in ("U0ANNA", "U0BRUNO"):
        with sessions.begin() as session:
            get_or_create_rep(session, "T0TEAM", user)
    environment = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_API_URL": slack.api_url}

    early = repcoach(
        "jobs", "run", "nudges", "--at", "2026-11-24T09:00:00+01:00", database_url=database_url, **environment
    )
    due = repcoach(
        "jobs", "run", "nudges", "--at", "2026-11-24T09:30:00+01:00", database_url=database_url, **environment
    )
    again = repcoach(
        "jobs", "run", "nudges", "--at", "2026-11-24T09:45:00+01:00", database_url=database_url, **environment
    )

    assert (early.stdout, due.stdout, again.stdout) == (
        "nudges: 0 planned; outbox: 0 sent, 0 failed\n",
        "nudges: 2 planned; outbox: 2 sent, 0 failed\n",
        "nudges: 0 planned; outbox: 0 sent, 0 failed\n",
    )
    assert sorted(call.args["channel"] for call in slack.calls_to("chat.postMessage")) == ["U0ANNA", "U0BRUNO"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--at", "2026-11-24 09:30"], "has no UTC offset"),
        (["--at", "tomorrow"], "is not an ISO date-time"),
        (["weekly"], "invalid choice: 'weekly'"),
    ],
)
def test_bad_job_arguments_fail_with_one_clear_line(sessions, database_url, slack, args, message):
    job = args if args[0] == "weekly" else ["nudges", *args]
    result = repcoach(
        "jobs", "run", *job, database_url=database_url, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_API_URL=slack.api_url
    )
    assert result.returncode == 2 and message in result.stderr
    assert slack.calls == []


def closed_port_url() -> str:
    sock = free_socket()
    host, port = sock.getsockname()
    sock.close()
    return f"http://{host}:{port}/api/"


SERVING = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET}


@pytest.mark.parametrize(
    "args, env, message",
    [
        (["outbox"], {"OUTBOX_LEASE_SECONDS": "inf"}, "OUTBOX_LEASE_SECONDS is 'inf': input should be a finite number"),
        (["outbox"], {"OUTBOX_LEASE_SECONDS": "nan"}, "OUTBOX_LEASE_SECONDS is 'nan': input should be a finite number"),
        (["outbox"], {"OUTBOX_LEASE_SECONDS": "0"}, "OUTBOX_LEASE_SECONDS is '0': input should be greater than or"),
        (["outbox"], {"OUTBOX_RETRY_CAP_SECONDS": "1e9"}, "OUTBOX_RETRY_CAP_SECONDS is '1e9': input should be less"),
        (["outbox"], {"SLACK_TIMEOUT_SECONDS": "-inf"}, "SLACK_TIMEOUT_SECONDS is '-inf': input should be a finite"),
        (["outbox"], {"SCHEDULER_MISFIRE_GRACE_SECONDS": "9" * 30}, "SCHEDULER_MISFIRE_GRACE_SECONDS is '999"),
        (
            ["outbox"],
            {"OUTBOX_RETRY_BASE_SECONDS": "600"},
            "OUTBOX_RETRY_BASE_SECONDS (600) is above OUTBOX_RETRY_CAP_SECONDS (300)",
        ),
        (
            ["outbox", "retry", "99999999999999999999999"],
            SERVING,
            "argument id: '99999999999999999999999' is not a message id (a whole number from 1 to 2147483647)",
        ),
        (["outbox", "retry", "-1"], SERVING, "argument id: '-1' is not a message id"),
        (["serve", "--port", "99999"], SERVING, "argument --port: '99999' is not a TCP port"),
        (["serve", "--workers", "100000"], SERVING, "argument --workers: '100000' is not a number of worker processes"),
    ],
)
def test_a_bad_setting_or_argument_is_one_line_and_a_failed_exit(sessions, database_url, args, env, message):
    before = snapshot(sessions)
    result = repcoach(*args, database_url=database_url, **env)
    assert result.returncode != 0
    assert [line for line in result.stderr.splitlines() if line.strip()] == [result.stderr.strip()]
    assert message in result.stderr and "Traceback" not in result.stderr
    assert snapshot(sessions) == before


def test_a_database_url_naming_a_file_that_is_no_database_is_one_line(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database, just some notes\n" * 100)
    result = repcoach("outbox", database_url=f"sqlite:///{notes}")
    assert result.returncode == 1
    assert result.stderr == f"repcoach: cannot use the database at sqlite:///{notes}: file is not a database\n"
    assert notes.read_text() == "not a database, just some notes\n" * 100


def test_serve_while_slack_is_unreachable_is_one_line(sessions, database_url):
    result = repcoach("serve", "--port", "3999", database_url=database_url, SLACK_API_URL=closed_port_url(), **SERVING)
    assert result.returncode == 2
    assert result.stderr.startswith("repcoach: Slack cannot be reached at SLACK_API_URL http://127.0.0.1:")
    assert "Connection refused" in result.stderr and len(result.stderr.strip().splitlines()) == 1
