"""The weekly coaching cycle: a focus, a follow-up and a wrap-up, in that order, never more than three a week."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from coaching.cycle import FOLLOW_UP_AFTER, last_working_day, step_due, week_of

MONDAY = date(2026, 12, 7)


def run_week(cadence, work_days, days_off, monday=MONDAY):
    """Walks a week day by day as the nudge job would, recording each step sent."""
    sent = {}
    for offset in range(7):
        today = monday + timedelta(days=offset)
        if offset not in work_days or today in days_off:
            continue
        step = step_due(cadence=cadence, today=today, work_days=work_days, days_off=days_off, sent_this_week=sent)
        if step is not None:
            sent.setdefault(step, today) if cadence != "daily" else sent.setdefault(today, step)
    return sent


def test_a_monday_to_friday_week_is_focus_monday_follow_up_wednesday_wrap_up_friday():
    sent = run_week("cycle", {0, 1, 2, 3, 4}, set())
    assert sent == {"start": MONDAY, "follow_up": MONDAY + timedelta(2), "wrap_up": MONDAY + timedelta(4)}


def test_a_monday_holiday_moves_the_start_and_a_friday_holiday_moves_the_wrap_up():
    sent = run_week("cycle", {0, 1, 2, 3, 4}, {MONDAY, MONDAY + timedelta(4)})
    # Tuesday to Thursday: the follow-up would fall on the last working day, which belongs to the wrap-up.
    assert sent == {"start": MONDAY + timedelta(1), "wrap_up": MONDAY + timedelta(3)}
    assert last_working_day(MONDAY, {0, 1, 2, 3, 4}, {MONDAY + timedelta(4)}) == MONDAY + timedelta(3)


def test_weekly_sends_only_the_focus_and_daily_sends_every_working_day():
    assert run_week("weekly", {0, 1, 2, 3, 4}, set()) == {"start": MONDAY}
    assert len(run_week("daily", {0, 1, 2, 3, 4}, set())) == 5


@settings(max_examples=300, deadline=None)
@given(
    work_days=st.sets(st.integers(0, 6), min_size=1),
    off=st.sets(st.integers(0, 6)),
    monday=st.dates(date(2024, 1, 1), date(2030, 12, 31)).map(lambda day: week_of(day)[0]),
)
def test_any_week_has_at_most_three_cycle_messages_in_their_order(work_days, off, monday):
    days_off = {monday + timedelta(days=offset) for offset in off}
    sent = run_week("cycle", work_days, days_off, monday)
    assert len(sent) <= 3
    working = [monday + timedelta(d) for d in range(7) if d in work_days and monday + timedelta(d) not in days_off]
    if working:
        assert sent["start"] == working[0]
    if "follow_up" in sent:
        assert sent["follow_up"] - sent["start"] >= FOLLOW_UP_AFTER
        assert sent["follow_up"] < sent.get("wrap_up", date.max)
    if "wrap_up" in sent:
        assert sent["wrap_up"] == working[-1] > sent["start"]
