import logging
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from coaching.db import on_their_own
from coaching.models import Rep
from coaching.outcomes import record_day, record_first_log
from coaching.reps import get_or_create_rep
from tests.stored import FIGURE_KEYS, logged_days, snapshot


def today_in(tz: str) -> date:
    return datetime.now(ZoneInfo(tz)).date()


def test_log_records_the_day_and_answers_only_the_rep(bot, sessions):
    answer = bot.log("contacts=30 fcr=24 csat=4.6 aht=7.5 recommit=9")

    assert answer["response_type"] == "ephemeral"
    assert "Logged" in answer["text"] and "First-contact resolution that day: *80%*" in answer["text"]
    [day] = logged_days(sessions)
    assert (day.contacts, day.fcr, day.csat, day.aht, day.recommit) == (30, 24, 4.6, 7.5, 9)
    assert day.day == today_in("Europe/Rome")


def test_equals_colon_and_space_forms_and_aliases_all_read_the_same(bot, sessions):
    bot.log("contacts 40 resolved:30 sat=4,5 handle 6 up=2 xsell:1 ref 3 rec=10 prac 1 rc=2 comp 1")

    [day] = logged_days(sessions)
    assert (day.contacts, day.fcr, day.csat, day.aht) == (40, 30, 4.5, 6.0)
    assert (day.upsells, day.crosssells, day.referrals, day.recommit, day.practices) == (2, 1, 3, 10, 1)
    assert (day.repeat, day.complaints) == (2, 1)


def test_logging_the_same_day_again_updates_the_given_fields_and_says_what_changed(bot, sessions):
    bot.log("contacts=30 fcr=20 csat=4.2")
    answer = bot.log("csat=4.6 upsells=2")

    assert "Updated" in answer["text"]
    assert "CSAT: 4.2 → 4.6" in answer["text"] and "Up-sells: 2" in answer["text"]
    assert "Contacts" not in answer["text"]
    [day] = logged_days(sessions)
    assert (day.contacts, day.fcr, day.csat, day.upsells) == (30, 20, 4.6, 2)


def test_logging_identical_figures_again_says_nothing_changed(bot, sessions):
    bot.log("contacts=30")
    assert "Nothing changed" in bot.log("contacts=30")["text"]


def test_the_default_date_is_today_in_the_reps_own_timezone(bot, sessions, slack, clock):
    clock.fixed = datetime(2026, 11, 23, 22, 30, tzinfo=UTC)
    slack.add_user("U0KIWI", tz="Pacific/Auckland")
    slack.add_user("U0LA", tz="America/Los_Angeles")

    bot.log("contacts=10", user="U0KIWI")
    bot.log("contacts=10", user="U0LA")

    assert [day.day for day in logged_days(sessions, "U0KIWI")] == [date(2026, 11, 24)]
    assert [day.day for day in logged_days(sessions, "U0LA")] == [date(2026, 11, 23)]


def test_an_earlier_day_can_be_logged_with_date(bot, sessions):
    earlier = today_in("Europe/Rome") - timedelta(days=3)
    bot.log(f"date={earlier.isoformat()} contacts=12")
    assert [day.day for day in logged_days(sessions)] == [earlier]


def test_a_day_old_profile_answers_with_the_cached_timezone_and_is_asked_again_after_the_answer(
    bot, sessions, slack, clock
):
    clock.fixed = datetime(2026, 11, 23, 22, 30, tzinfo=UTC)
    slack.add_user("U0MOVER", tz="America/Los_Angeles")
    bot.log("contacts=10", user="U0MOVER")
    slack.add_user("U0MOVER", tz="Pacific/Auckland")  # moved overnight
    clock.fixed += timedelta(days=1, minutes=1)

    bot.log("contacts=12", user="U0MOVER")
    slack.wait_for("users.info", count=2)
    deadline = time.monotonic() + 5
    while stored_tz(sessions, "U0MOVER") != "Pacific/Auckland":
        assert time.monotonic() < deadline, "the profile was not refreshed after the answer"
        time.sleep(0.02)
    bot.log("contacts=14", user="U0MOVER")

    days = {day.day: day.contacts for day in logged_days(sessions, "U0MOVER")}
    # 22:31 UTC on the 24th: the 24th in Los Angeles, the 25th in Auckland.
    assert days == {date(2026, 11, 23): 10, date(2026, 11, 24): 12, date(2026, 11, 25): 14}


def stored_tz(sessions, user_id: str) -> str | None:
    with sessions() as session:
        return session.scalars(select(Rep.tz).where(Rep.user_id == user_id)).one()


def test_a_stalled_users_info_holds_up_only_the_newcomers_who_wait_for_it(bot, sessions, slack, caplog):
    slack.add_user("U0KNOWN")
    bot.log("contacts=10", user="U0KNOWN")
    newcomers = [f"U0NEW{number}" for number in range(4)]
    for user in newcomers:
        slack.add_user(user)
    stalled = slack.hold("users.info")
    with ThreadPoolExecutor(len(newcomers)) as other_clients:
        waiting = [other_clients.submit(bot.log, "contacts=12", user) for user in newcomers]
        slack.wait_for("users.info", count=1 + len(newcomers))  # each newcomer's first /log now waits on Slack

        answer = bot.log("contacts=11", user="U0KNOWN")
        health = bot.http.get(f"{bot.url}/healthz")
        assert not any(newcomer.done() for newcomer in waiting)
        stalled.set()
        answers = [newcomer.result(timeout=10) for newcomer in waiting]

    assert "10 → 11" in answer["text"] and health.status_code == 200
    assert all("Logged" in newcomers_answer["text"] for newcomers_answer in answers)
    assert [[day.contacts for day in logged_days(sessions, user)] for user in newcomers] == [[12]] * len(newcomers)
    assert [day.contacts for day in logged_days(sessions, "U0KNOWN")] == [11]
    assert not [record for record in caplog.records if record.levelno >= logging.WARNING]  # leaving a lane is quiet


def test_a_newcomers_two_first_logs_at_once_store_one_rep_and_both_figures(bot, sessions, slack):
    slack.add_user("U0TWICE", tz="Asia/Tokyo")
    stalled = slack.hold("users.info")
    with ThreadPoolExecutor(2) as clients:
        first = clients.submit(bot.log, "contacts=12", "U0TWICE")
        second = clients.submit(bot.log, "contacts=12 fcr=9", "U0TWICE")  # the same day either way round
        slack.wait_for("users.info", count=2)  # both wait on Slack: neither has stored the rep yet
        stalled.set()
        answers = [first.result(timeout=10), second.result(timeout=10)]

    assert all(":x:" not in answer["text"] for answer in answers)
    with sessions() as session:
        reps = session.scalars(select(Rep).where(Rep.user_id == "U0TWICE")).all()
    assert [(rep.tz, rep.profile_fetched_at is not None) for rep in reps] == [("Asia/Tokyo", True)]
    assert [(day.contacts, day.fcr) for day in logged_days(sessions, "U0TWICE")] == [(12, 9)]


def test_a_first_log_commits_on_its_own_and_one_that_finds_the_day_taken_leaves_it_to_the_merge(engine, sessions):
    with sessions.begin() as session:
        rep_id = get_or_create_rep(session, "T0TEAM", "U0RACE").id
    day, now = date(2026, 11, 23), datetime(2026, 11, 23, 18, tzinfo=UTC)
    # As a typed /log stores a known rep's day: no transaction around it.
    first = record_first_log(on_their_own(engine), rep_id, day, {"contacts": 12}, now)
    second = record_first_log(on_their_own(engine), rep_id, day, {"contacts": 12, "fcr": 9}, now)  # another replica's
    assert first is not None and first.created
    assert second is None
    assert [(day.contacts, day.fcr) for day in logged_days(sessions, "U0RACE")] == [(12, None)]

    with sessions.begin() as session:
        merged = record_day(session, rep_id, day, {"contacts": 12, "fcr": 9}, now, first_log_tried=True)
    assert not merged.created and [change.key for change in merged.changes] == ["fcr"]
    assert [(day.contacts, day.fcr) for day in logged_days(sessions, "U0RACE")] == [(12, 9)]


def test_users_info_is_asked_once_not_on_every_log(bot, sessions, slack):
    bot.log("contacts=10")
    bot.log("fcr=5")
    assert len(slack.calls_to("users.info")) == 1


def test_a_unicode_key_is_refused_with_a_suggestion(bot, sessions):
    answer = bot.log("contàcts=30")
    assert "I don't know the key `contàcts`" in answer["text"] and "`contacts`" in answer["text"]


def days_ago(days: int) -> str:
    return (today_in("Europe/Rome") - timedelta(days=days)).isoformat()


BAD_INPUT = [
    ("contcts=30", "Did you mean `contacts`?"),
    ("contacts=-3", "`contacts` cannot be negative"),
    ("contacts=lots", "`contacts` must be a whole number"),
    ("contacts=3.5", "`contacts` must be a whole number"),
    ("contacts=10 fcr=11", "`fcr` (11) cannot be more than `contacts` (10)"),
    ("contacts=10 recommit=12", "`recommit` (12) cannot be more than `contacts` (10)"),
    (f"fcr=3 date={days_ago(2)}", "add `contacts=N` too"),
    ("contacts=10 csat=5.5", "`csat` is an average from 1 to 5"),
    ("contacts=10 csat=0", "`csat` is an average from 1 to 5"),
    ("contacts=10 aht=600", "not plausible"),
    ("contacts=100000", "not plausible"),
    ("contacts=30 date=2099-01-01", "is in the future"),
    (f"contacts=30 date={days_ago(15)}", "more than 14 days ago"),
    ("contacts=30 date=2026-02-30", "must be a real day"),
    ("hello", "I could not read `hello`"),
    ("contacts", "`contacts` has no value"),
    ("30", "I could not read `30`"),
    ("30 contacts", "`30` needs a key in front of it"),
    ("contacts=1 contacts=2", "given twice"),
    ("contacts=３０", "`contacts` must be a whole number"),
    ("contacts=30 🙂=1", "I don't know the key `🙂`"),
    ("contacts=1 " * 400, "a log fits in 500"),
]


@pytest.mark.parametrize("text, expected", BAD_INPUT, ids=[text[:30] for text, _ in BAD_INPUT])
def test_bad_input_is_refused_with_a_specific_reason_and_nothing_is_stored(bot, sessions, text, expected):
    bot.log("contacts=20 fcr=15")
    before = snapshot(sessions)

    answer = bot.log(text)

    assert answer["response_type"] == "ephemeral"
    assert expected in answer["text"], answer["text"]
    assert "Nothing was saved" in answer["text"]
    assert snapshot(sessions) == before


def test_a_share_above_stored_contacts_is_refused_on_update(bot, sessions):
    bot.log("contacts=10")
    answer = bot.log("fcr=12")
    assert "cannot be more than `contacts` (10)" in answer["text"]
    assert logged_days(sessions)[0].fcr is None


def test_markup_in_bad_input_is_shown_as_typed_not_as_slack_markup(bot, sessions):
    answer = bot.log("<!channel>=1")
    assert "<!channel>" not in answer["text"] and "&lt;!channel&gt;" in answer["text"]


def test_log_help_lists_every_key_with_its_aliases(bot, sessions):
    text = bot.log("help")["text"]
    for key in (*FIGURE_KEYS, "date"):
        assert f"`{key}`" in text
    assert "xsell" in text and snapshot(sessions)["day_logs"] == []


def test_every_answer_is_block_kit_with_fallback_text(bot, sessions):
    for text in ("contacts=30 fcr=20", "nonsense", "help"):
        answer = bot.log(text)
        assert answer["text"].strip()
        assert answer["blocks"] and all(block["type"] in {"section", "context"} for block in answer["blocks"])
