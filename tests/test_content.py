"""The practice library and `repcoach content check|stats`."""

import itertools
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from bot.jobs import run_nudges
from coaching.definition import default_definition
from coaching.feedback import record_feedback
from coaching.library import LANGUAGES, MIN_PRACTICES_PER_METRIC, coverage_faults, default_library
from coaching.models import Nudge
from coaching.outcomes import record_day
from coaching.reps import get_or_create_rep
from tests.stored import answered_nudge
from tests.test_cli import repcoach
from tests.test_nudges import ON_TARGET, TEAM_ID, TUESDAY_0930_ROME, log_weekdays

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


def test_the_library_has_ten_practices_for_every_metric_and_three_stretch_ones_for_every_perspective():
    library = default_library()
    definition = default_definition()
    # Ten leaves the weekly cycle room to keep a metric in focus for weeks without repeating a practice.
    always = Counter(
        metric
        for practice in library.practices
        if not practice.stretch and not practice.only_when_below
        for metric in practice.metrics
    )
    stretch = Counter(
        definition.by_key()[metric].perspective for practice in library.stretch() for metric in set(practice.metrics)
    )
    assert coverage_faults(library, definition.by_key()) == []
    assert all(always[metric.key] >= 10 for metric in definition.metrics), always
    assert all(stretch[metric.perspective] >= 3 for metric in definition.metrics), stretch
    assert all(practice.text(language).why for practice in library.practices for language in LANGUAGES)


def practice_entry(practice_id: str, metric: str, extra: str = "") -> str:
    return GOOD_ENTRY.replace("fcr-good", practice_id).replace('["fcr_rate"]', f'["{metric}"]\n{extra}')


def write_library(directory, short_metric: str, short_count: int) -> None:
    """Every metric gets the minimum except short_metric, which also gets practices that must not count."""
    entries = []
    for metric in default_definition().by_key():
        count = short_count if metric == short_metric else MIN_PRACTICES_PER_METRIC
        entries += [practice_entry(f"{metric.replace('_', '-')}-{n}", metric) for n in range(count)]
    entries.append(practice_entry("only-below", short_metric, f'only_when_below = ["{short_metric}"]'))
    entries.append(practice_entry("a-stretch", short_metric, "stretch = true"))
    (directory / "practices.toml").write_text("".join(entries))


def test_content_check_refuses_a_library_with_too_few_practices_for_a_metric(tmp_path):
    write_library(tmp_path, "upsell_rate", MIN_PRACTICES_PER_METRIC - 3)

    result = repcoach("content", "check", "--dir", str(tmp_path), database_url=f"sqlite:///{tmp_path / 'x.db'}")

    assert result.returncode == 1 and "Traceback" not in result.stderr
    thin = [line for line in result.stderr.splitlines() if "are needed" in line]
    assert thin == [
        "upsell_rate has 5 non-stretch practices in en and it; at least 8 are needed "
        "(not counting 1 with only_when_below)"
    ]


def test_content_check_accepts_a_library_with_the_minimum_for_every_metric(tmp_path):
    write_library(tmp_path, "referral_rate", MIN_PRACTICES_PER_METRIC)

    result = repcoach("content", "check", "--dir", str(tmp_path), database_url=f"sqlite:///{tmp_path / 'x.db'}")

    assert result.returncode == 0, result.stderr


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

    result = repcoach("content", "stats", database_url=database_url)

    assert result.returncode == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if line.startswith(practice_id))
    assert row.split()[1:] == ["1", "100%", "not", "enough", "evidence", "yet"]


REP_NUMBERS = itertools.count()


def start_days(sessions, practice_id: str | None, after_fcr: list[int]) -> None:
    """One rep per figure, each at 60% first-contact resolution when a start day (Monday 2 November) chose that focus;
    over the 14 days from it they resolve `fcr` of 20 contacts a day. `practice_id` None: the day was held out."""
    monday = date(2026, 11, 2)
    with sessions.begin() as session:
        for fcr in after_fcr:
            rep = get_or_create_rep(session, TEAM_ID, f"U0REP{next(REP_NUMBERS)}")
            for offset in range(14):
                record_day(
                    session,
                    rep.id,
                    monday + timedelta(days=offset),
                    dict(ON_TARGET, contacts=20, fcr=fcr),
                    datetime.now(UTC),
                )
            kind = "held_out" if practice_id is None else "practice"
            session.add(answered_nudge(rep.id, practice_id, monday, None, kind=kind, focus_value=0.6))


def test_content_stats_measures_effects_against_the_hold_out_with_an_interval_and_n(sessions, database_url):
    """Everyone's first-contact resolution recovers from 60%; nudged reps recover further. Only the difference is
    the practice's effect, and it is shown once its 95% interval excludes zero."""
    working, untested = (practice.id for practice in default_library().for_metric("fcr_rate")[:2])
    start_days(sessions, working, [16, 17, 16, 17])  # +20 and +25 points
    start_days(sessions, untested, [17, 16])  # too few to say
    start_days(sessions, None, [14, 13, 14, 13])  # +10 and +5 points without a nudge

    result = repcoach("content", "stats", database_url=database_url)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    # (0.225 - 0.075) / 0.8 of target; the spread pooled over both practices and the hold-out (7 degrees of freedom).
    working_row = next(line for line in lines if line.startswith(working))
    assert working_row.split()[1:] == ["4", "-", "+0.188", "(95%", "interval", "+0.125", "to", "+0.250,", "n=4/4)"]
    untested_row = next(line for line in lines if line.startswith(untested))
    assert untested_row.split()[3:] == ["not", "enough", "evidence", "yet"]
    metric_row = next(line for line in lines if line.startswith("fcr_rate"))
    assert metric_row.split()[1:4] == ["6", "4", "+0.188"]
