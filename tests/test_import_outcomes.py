"""`repcoach import outcomes`: the export's CSV read back through the real command, checked as `/log` checks."""

import os
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete

from coaching.models import DayLog, Rep
from coaching.outcomes import record_day
from coaching.reps import get_or_create_rep
from tests.stored import FIGURE_KEYS, logged_days, snapshot
from tests.test_cli import REPCOACH, repcoach, rows

# The command reads the real clock, so the days are set around today, well inside what /log accepts anywhere.
TODAY = datetime.now(UTC).date()
DAY1, DAY2 = TODAY - timedelta(days=3), TODAY - timedelta(days=2)
HEADER = "workspace_id,user_id,date," + ",".join(FIGURE_KEYS)


def csv_file(tmp_path, *lines: str, name: str = "outcomes.csv"):
    path = tmp_path / name
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def figures(**values) -> str:
    return ",".join(str(values.get(key, "")) for key in FIGURE_KEYS)


@pytest.fixture
def populated(sessions):
    now = datetime.now(UTC)
    with sessions.begin() as session:
        anna = get_or_create_rep(session, "T0TEAM", "U0ANNA")
        bruno = get_or_create_rep(session, "T0TEAM", "U0BRUNO")
        other = get_or_create_rep(session, "T0OTHER", "U0ANNA")
        record_day(session, anna.id, DAY1, {"contacts": 30, "fcr": 24, "csat": 4.67, "aht": 6.25}, now)
        record_day(session, anna.id, DAY2, {"contacts": 20, "upsells": 2, "practices": 1}, now)
        record_day(session, bruno.id, DAY2, {"contacts": 25, "repeat": 3, "complaints": 1, "recommit": 4}, now)
        record_day(session, other.id, DAY1, {"contacts": 40, "crosssells": 5, "referrals": 6}, now)
        record_day(session, other.id, DAY2, {}, now)
    return sessions


def test_export_then_import_into_an_empty_database_exports_the_same_bytes(populated, database_url, sessions, tmp_path):
    exported = tmp_path / "exported.csv"
    assert repcoach("export", "outcomes", "--out", str(exported), database_url=database_url).returncode == 0
    with sessions.begin() as session:
        session.execute(delete(DayLog))
        session.execute(delete(Rep))
    assert repcoach("export", "outcomes", database_url=database_url).stdout.count("\n") == 1

    imported = repcoach("import", "outcomes", str(exported), database_url=database_url)

    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == (
        f"{exported}: imported 5 days: 5 days added, 0 changed (0 figures), 0 unchanged, 3 new reps"
    )
    again = tmp_path / "again.csv"
    assert repcoach("export", "outcomes", "--out", str(again), database_url=database_url).returncode == 0
    assert again.read_bytes() == exported.read_bytes()


def test_importing_the_same_file_twice_changes_nothing_the_second_time(sessions, database_url, tmp_path):
    path = csv_file(tmp_path, HEADER, f"T0TEAM,U0ANNA,{DAY1},{figures(contacts=30, fcr=24, csat=4.5)}")
    assert repcoach("import", "outcomes", str(path), database_url=database_url).returncode == 0
    before = snapshot(sessions)

    second = repcoach("import", "outcomes", str(path), database_url=database_url)

    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == f"{path}: nothing to change; 1 day read, all stored as they are already"
    assert snapshot(sessions) == before


def test_a_row_merges_with_the_stored_day_as_log_does(populated, database_url, tmp_path):
    # The stored day has contacts 30, fcr 24, csat 4.67, aht 6.25; the file changes fcr and adds repeat.
    path = csv_file(tmp_path, "user_id,date,contacts,fcr,repeat", f"U0ANNA,{DAY1},30,26,2")

    result = repcoach("import", "outcomes", str(path), "--workspace", "T0TEAM", database_url=database_url)

    assert result.returncode == 0, result.stderr
    assert "0 days added, 1 changed (2 figures), 0 unchanged, 0 new reps" in result.stdout
    # U0ANNA is also someone in T0OTHER, with a day of their own on DAY1.
    day = logged_days(populated, workspace_id="T0TEAM")[0]
    assert (day.day, day.contacts, day.fcr, day.repeat, day.csat, day.aht) == (DAY1, 30, 26, 2, 4.67, 6.25)


def test_a_dry_run_says_what_would_change_and_stores_nothing(populated, database_url, tmp_path):
    path = csv_file(
        tmp_path,
        HEADER,
        f"T0TEAM,U0ANNA,{DAY1},{figures(contacts=31, fcr=24)}",
        f"T0TEAM,U0CARLA,{DAY2},{figures(contacts=12)}",
        f"T0TEAM,U0BRUNO,{DAY2},{figures(contacts=25)}",
    )
    before = snapshot(populated)

    result = repcoach("import", "outcomes", str(path), "--dry-run", database_url=database_url)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        f"{path}: dry run, nothing stored; importing would give "
        "1 day added, 1 changed (1 figure), 1 unchanged, 1 new rep"
    )
    assert snapshot(populated) == before


def test_one_bad_row_stores_nothing_and_every_fault_is_named_with_its_line_and_column(
    populated, database_url, tmp_path
):
    path = csv_file(
        tmp_path,
        HEADER,
        f"T0TEAM,U0ANNA,{DAY1},{figures(contacts=35)}",
        f"T0TEAM,U0CARLA,{DAY2},{figures(contacts=10, fcr=12)}",
        f"T0TEAM,U0BRUNO,{TODAY + timedelta(days=2)},{figures(contacts=5)}",
        f"T0TEAM,U0DINO,{TODAY - timedelta(days=30)},{figures(contacts=5)}",
        f"T0TEAM,U0ANNA,{DAY2},{figures(contacts=20, csat=7)}",
        f"T0TEAM,U0ANNA,{DAY2},{figures(contacts=20, upsells=25)}",
        f"T0TEAM,nobody,31-12-2026,{figures(contacts='lots')}",
        f"T0TEAM,U0ERIC,{DAY2},{figures(fcr=3)}",
        f"T0TEAM,U0ERIC,{DAY1},{figures(contacts=4)}",
        f"T0TEAM,U0ERIC,{DAY1},{figures(contacts=4)}",
        "T0TEAM,U0ERIC",
    )
    before = snapshot(populated)

    result = repcoach("import", "outcomes", str(path), database_url=database_url)

    assert result.returncode == 1 and result.stdout == ""
    future, oldest = TODAY + timedelta(days=2), TODAY - timedelta(days=14)
    assert result.stderr.splitlines() == [
        f"repcoach: {path} line 3, column fcr: `fcr` (12) cannot be more than `contacts` (10).",
        f"repcoach: {path} line 4, column date: {future} is in the future; you can log today ({TODAY}) or earlier.",
        f"repcoach: {path} line 5, column date: {TODAY - timedelta(days=30)} is more than 14 days ago; "
        f"the oldest day you can log is {oldest}.",
        f"repcoach: {path} line 6, column csat: `csat` is an average from 1 to 5; 7 is outside that.",
        f"repcoach: {path} line 7, column date: U0ANNA on {DAY2} is given on an earlier line too; give a day once",
        f"repcoach: {path} line 8, column user_id: 'nobody' is not a Slack user id, like U012ABCDEF",
        f"repcoach: {path} line 8, column date: `date` must be a real day written YYYY-MM-DD, like 2026-03-09; "
        "`31-12-2026` is not.",
        f"repcoach: {path} line 8, column contacts: `contacts` must be a whole number; `lots` is not one.",
        f"repcoach: {path} line 9, column fcr: `fcr` is counted out of the day's contacts: add `contacts=N` too.",
        f"repcoach: {path} line 11, column date: U0ERIC on {DAY1} is given on an earlier line too; give a day once",
        f"repcoach: {path} line 12: has 2 cells; the header has 14",
        f"repcoach: nothing imported: 11 faults in {path}",
    ]
    assert snapshot(populated) == before


def test_a_share_is_checked_against_the_stored_contacts(populated, database_url, tmp_path):
    # Anna's stored day has 30 contacts; 31 resolved first time cannot be.
    path = csv_file(tmp_path, "workspace_id,user_id,date,fcr", f"T0TEAM,U0ANNA,{DAY1},31")
    before = snapshot(populated)

    result = repcoach("import", "outcomes", str(path), database_url=database_url)

    assert result.returncode == 1
    assert "line 2, column fcr: `fcr` (31) cannot be more than `contacts` (30)." in result.stderr
    assert snapshot(populated) == before


def test_today_is_the_reps_own(sessions, database_url, tmp_path):
    """A rep fourteen hours ahead of UTC may already log a day UTC has not reached; one behind it may not."""
    now = datetime.now(UTC)
    with sessions.begin() as session:
        get_or_create_rep(session, "T0TEAM", "U0KIRI").tz = "Pacific/Kiritimati"
        get_or_create_rep(session, "T0TEAM", "U0PAGO").tz = "Pacific/Pago_Pago"
    kiribati_today = (now + timedelta(hours=14)).date()
    pago_today = (now - timedelta(hours=11)).date()
    path = csv_file(tmp_path, "user_id,date,contacts", f"U0KIRI,{kiribati_today},8", f"U0PAGO,{kiribati_today},8")

    result = repcoach("import", "outcomes", str(path), database_url=database_url)

    assert result.stderr.splitlines() == [
        f"repcoach: {path} line 3, column date: {kiribati_today} is in the future; "
        f"you can log today ({pago_today}) or earlier.",
        f"repcoach: nothing imported: 1 fault in {path}",
    ]
    fixed = csv_file(tmp_path, "user_id,date,contacts", f"U0KIRI,{kiribati_today},8", name="fixed.csv")
    assert repcoach("import", "outcomes", str(fixed), database_url=database_url).returncode == 0
    assert [(day.day, day.contacts) for day in logged_days(sessions, "U0KIRI")] == [(kiribati_today, 8)]


def test_a_file_without_a_workspace_column_needs_one_when_the_database_has_several(populated, database_url, tmp_path):
    path = csv_file(tmp_path, "user_id,date,contacts", f"U0ANNA,{DAY1},33")
    before = snapshot(populated)

    refused = repcoach("import", "outcomes", str(path), database_url=database_url)

    assert refused.returncode == 1
    assert refused.stderr.splitlines()[0] == (
        f"repcoach: {path} line 1: the file has no workspace_id column and this database holds several workspaces; "
        "use --workspace"
    )
    assert snapshot(populated) == before
    chosen = repcoach("import", "outcomes", str(path), "--workspace", "T0OTHER", database_url=database_url)
    assert chosen.returncode == 0, chosen.stderr
    exported = rows(repcoach("export", "outcomes", "--workspace", "T0OTHER", database_url=database_url).stdout)
    assert exported[1][:4] == ["T0OTHER", "U0ANNA", str(DAY1), "33"]


def test_a_file_with_a_workspace_column_must_agree_with_workspace(populated, database_url, tmp_path):
    path = csv_file(tmp_path, "workspace_id,user_id,date,contacts", f"T0OTHER,U0ANNA,{DAY1},33")

    result = repcoach("import", "outcomes", str(path), "--workspace", "T0TEAM", database_url=database_url)

    assert result.returncode == 1
    assert "line 2, column workspace_id: T0OTHER is not --workspace T0TEAM" in result.stderr


def test_an_only_workspace_needs_no_option_and_a_new_rep_is_added(sessions, database_url, tmp_path):
    with sessions.begin() as session:
        get_or_create_rep(session, "T0TEAM", "U0ANNA")
    path = csv_file(tmp_path, "User_ID, Date ,Contacts", f"U0NEW,{DAY2},9")

    result = repcoach("import", "outcomes", str(path), database_url=database_url)

    assert result.returncode == 0, result.stderr
    assert "1 new rep" in result.stdout
    assert [(day.day, day.contacts) for day in logged_days(sessions, "U0NEW")] == [(DAY2, 9)]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "line 1: the file is empty; it needs a header row: workspace_id,user_id,date,contacts"),
        (b"user_id,contacts\nU0ANNA,3\n", "line 1: the header has no date column"),
        (b"user_id,date\nU0ANNA,2026-11-01\n", "line 1: the header names no figure, like contacts or csat"),
        (b"user_id,date,contacts,calls\n", "line 1, column calls: is not a column RepCoach knows; the columns are"),
        (b"user_id,date,contacts,contacts\n", "line 1, column contacts: is given twice; give each column once"),
        (b"user_id,date,contacts\nU0ANNA,2026-11-01,\xe9\n", "line 2: is not UTF-8 text; save the file as UTF-8 CSV"),
        (b'user_id,date,contacts\nU0ANNA,2026-11-01,"' + b"9\n" * 70_000, "line 2: is not CSV: field larger than"),
        (b"user_id,date,contacts\n" + b"x" * 70_000 + b"\n", "line 2: is longer than 65536 bytes; no logged day is"),
    ],
)
def test_a_file_that_cannot_be_read_is_one_line_and_stores_nothing(populated, database_url, tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    before = snapshot(populated)

    result = repcoach("import", "outcomes", str(path), "--workspace", "T0TEAM", database_url=database_url)

    assert result.returncode == 1 and result.stdout == ""
    first, last = result.stderr.splitlines()
    assert first.startswith(f"repcoach: {path} {message}")
    assert last == f"repcoach: nothing imported: 1 fault in {path}"
    assert snapshot(populated) == before


def test_a_spreadsheets_byte_order_mark_is_not_part_of_the_header(sessions, database_url, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbfuser_id,date,contacts\r\nU0ANNA," + str(DAY1).encode() + b",7\r\n")

    result = repcoach("import", "outcomes", str(path), "--workspace", "T0TEAM", database_url=database_url)

    assert result.returncode == 0, result.stderr
    assert [(day.day, day.contacts) for day in logged_days(sessions)] == [(DAY1, 7)]


@pytest.mark.parametrize(
    "args, message",
    [
        (["/nonexistent/outcomes.csv"], "repcoach: cannot read /nonexistent/outcomes.csv: No such file or directory"),
        (["/"], "repcoach: cannot read /: Is a directory"),
        (["x.csv", "--workspace", "team one"], "'team one' is not a Slack workspace id (like T012AB3CD)"),
    ],
)
def test_bad_arguments_fail_with_one_clear_line(populated, database_url, args, message):
    result = repcoach("import", "outcomes", *args, database_url=database_url)

    assert result.returncode != 0 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and message in result.stderr
    assert "Traceback" not in result.stderr


def test_standard_input_is_read_for_a_dash(sessions, database_url):
    text = f"workspace_id,user_id,date,contacts\nT0TEAM,U0ANNA,{DAY1},11\n"
    result = subprocess.run(
        [REPCOACH, "import", "outcomes", "-"],
        input=text,
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": database_url},
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("standard input: imported 1 day:")
    assert [(day.day, day.contacts) for day in logged_days(sessions)] == [(DAY1, 11)]
