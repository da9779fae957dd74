"""`repcoach demo` and `repcoach shell`, run as a new user would."""

import re
import sqlite3
import subprocess

from tests.test_cli import REPCOACH, repcoach


def test_the_demo_shows_a_whole_week_and_writes_pages_and_charts(tmp_path):
    out = tmp_path / "demo-out"
    result = subprocess.run(
        [REPCOACH, "demo", "--out", str(out)], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "Simulating eight weeks" in result.stdout and "messages written to" in result.stdout
    # Pacific Support's ticket figures come through the real sync from the local Zendesk stand-in.
    assert re.search(r"Pacific Support's figures from Zendesk: [1-9]\d+ tickets and [1-9]\d* ratings", result.stdout)
    with sqlite3.connect(out / "demo.db") as database:
        [(imported,)] = database.execute("SELECT count(*) FROM day_logs WHERE imported_from = 'zendesk'").fetchall()
    assert imported >= 30
    pages = sorted((out / "messages").glob("*.html"))
    kinds = {page.name.split("-")[1] for page in pages}
    assert kinds == {"welcome", "nudge", "kudos", "summary", "recognition"} and len(pages) >= 30
    text = "".join(page.read_text() for page in pages)
    # Both languages: Giulia's team and its channel in Italian, Maya's in English.
    assert "Prova:" in text and "Try it:" in text
    assert "Benvenuto in RepCoach!" in text and "Welcome to RepCoach!" in text
    by_kind = {kind: "".join(page.read_text() for page in pages if f"-{kind}-" in page.name) for kind in kinds}
    assert "settimana del" in by_kind["summary"] and "week of" in by_kind["summary"]
    assert "fa i complimenti a" in by_kind["kudos"] and "gives kudos to" in by_kind["kudos"]
    assert "successi equilibrati della settimana" in by_kind["recognition"]
    # The week's coaching cycle: a focus, a follow-up and a wrap-up.
    assert "This week&#x27;s focus" in text and "How is" in text and "Your week on" in text
    assert "Giulia" in text and "Maya" in text
    charts = sorted((out / "charts").glob("*.png"))
    assert len(charts) == 2 and all(chart.read_bytes().startswith(b"\x89PNG") for chart in charts)
    assert 'src="../charts/' in "".join(page.read_text() for page in pages if "-summary-" in page.name)
    assert (out / "index.html").read_text().count("<li>") == len(pages)


def test_the_shell_answers_slash_commands_against_the_local_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'shell.db'}"
    commands = "/log contacts=30 fcr=24 csat=4.6\n/log fcr=40\n/scorecard\n/log\n/dance\nhello\nexit\n"
    result = subprocess.run(
        [REPCOACH, "shell", "--user", "U0ANNA", "--tz", "Europe/Rome"],
        input=commands,
        capture_output=True,
        text=True,
        timeout=60,
        env={"DATABASE_URL": url, "PATH": ""},
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Logged" in out and "First-contact resolution that day: 80%" in out
    assert "fcr (40) cannot be more than contacts (30)" in out and "Nothing was saved." in out
    assert "First-contact resolution: 80% · target 80%" in out
    assert "Slack opens the form" in out
    assert "/dance is not a RepCoach command" in out and "Type a slash command" in out
    exported = repcoach("export", "outcomes", database_url=url)
    assert exported.stdout.splitlines()[1].startswith("T0TEAM,U0ANNA,") and len(exported.stdout.splitlines()) == 2


def test_the_shell_refuses_an_unknown_timezone(tmp_path):
    result = repcoach("shell", "--tz", "Mars/Olympus", database_url=f"sqlite:///{tmp_path / 'x.db'}")
    assert result.returncode == 1 and "'Mars/Olympus' is not a timezone" in result.stderr
