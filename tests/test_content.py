"""The practice library and `repcoach content check|stats`."""

from collections import Counter
from datetime import UTC, date, datetime

from bot.jobs import run_nudges
from coaching.definition import default_definition
from coaching.feedback import record_feedback
from coaching.library import LANGUAGES, default_library
from coaching.models import Nudge
from tests.test_cli import repcoach
from tests.test_nudges import TUESDAY_0930_ROME, log_weekdays

GOOD_ENTRY = """
[[practice]]
id = "fcr-good"
metrics = ["fcr_rate"]
[practice.en]
title = "A title"
why = "A reason."
try_today = "A thing to try."
[practice.it]
title = "Un titolo"
why = "Un motivo."
try_today = "Una cosa da provare."
"""


def test_the_library_covers_every_metric_with_at_least_four_practices_in_both_languages():
    library = default_library()
    coverage = Counter(metric for practice in library.practices if not practice.stretch for metric in practice.metrics)
    assert len(library.practices) >= 40
    assert all(coverage[metric.key] >= 4 for metric in default_definition().metrics), coverage
    assert all(practice.text(language).why for practice in library.practices for language in LANGUAGES)


def test_content_check_passes_on_the_shipped_library(tmp_path):
    result = repcoach("content", "check", database_url=f"sqlite:///{tmp_path / 'x.db'}")
    assert result.returncode == 0, result.stderr
    assert "practices in 2 languages: all valid" in result.stdout


def test_content_check_names_the_file_and_entry_of_every_fault(tmp_path):
    (tmp_path / "good.toml").write_text(GOOD_ENTRY)
    (tmp_path / "bad.toml").write_text(
        GOOD_ENTRY  # the same id as in good.toml
        + GOOD_ENTRY.replace("fcr-good", "no-italian").split("[practice.it]")[0]
        + GOOD_ENTRY.replace("fcr-good", "odd-metric").replace('"fcr_rate"', '"speed"')
        + GOOD_ENTRY.replace("fcr-good", "markup").replace("A reason.", "A <b>reason</b>.")
    )
    (tmp_path / "broken.toml").write_text("[[practice]\nid = ")

    result = repcoach("content", "check", "--dir", str(tmp_path), database_url=f"sqlite:///{tmp_path / 'x.db'}")

    assert result.returncode == 1 and "Traceback" not in result.stderr
    errors = result.stderr
    assert "good.toml, practice 1 (fcr-good): id fcr-good is already used in bad.toml" in errors
    assert "bad.toml, practice 2 (no-italian): missing the it translation" in errors
    assert "bad.toml, practice 3 (odd-metric): unknown metric speed" in errors
    assert "bad.toml, practice 4 (markup): en.why:" in errors
    assert "broken.toml: not valid TOML" in errors


def test_content_stats_shows_sends_helpful_rate_and_effect(bot, sessions, database_url):
    log_weekdays(sessions, "U0ANNA", date(2026, 11, 23), 14, fcr=18)
    run_nudges(bot.deps, TUESDAY_0930_ROME)
    with sessions.begin() as session:
        nudge = session.query(Nudge).one()
        record_feedback(session, nudge, "helpful", datetime.now(UTC))
        practice_id = nudge.practice_id
    # Two weeks after the nudge, first-contact resolution went from 60% to 80% of contacts: +25% of target.
    log_weekdays(sessions, "U0ANNA", date(2026, 12, 7), 14, fcr=24)

    result = repcoach("content", "stats", database_url=database_url)

    assert result.returncode == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if line.startswith(practice_id))
    assert row.split()[1:] == ["1", "100%", "+25%", "(n=1)"]
