"""The due-time rules alone: a rep's wall clock, daylight saving, working days, pauses and days off."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from coaching.due import SEND_WINDOW, days_within, delivery_key, due_date, due_local_date
from coaching.models import Rep

ZONES = ["UTC", "Europe/Rome", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Chatham"]
WEEKDAYS = (0, 1, 2, 3, 4)
instants = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31)).map(
    lambda naive: naive.replace(tzinfo=UTC)
)
nudge_times = st.times().map(lambda moment: moment.replace(second=0, microsecond=0))


def rep(**fields) -> Rep:
    return Rep(id=7, workspace_id="T1", user_id="U1", tz="Europe/Rome", **fields)


def rome(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=ZoneInfo("Europe/Rome"))


@given(instants, st.sampled_from(ZONES), nudge_times, st.sets(st.integers(0, 6)))
def test_a_due_date_is_today_on_the_reps_wall_clock_within_the_window_after_their_time(at, tz, starts_at, weekdays):
    day = due_local_date(tz, at, weekdays, starts_at)
    wall_clock = at.astimezone(ZoneInfo(tz)).replace(tzinfo=None)
    starts = datetime.combine(wall_clock.date(), starts_at)
    in_window = wall_clock.weekday() in weekdays and starts <= wall_clock < starts + SEND_WINDOW
    assert day == (wall_clock.date() if in_window else None)


@given(st.sampled_from(ZONES), st.dates(date(2025, 1, 1), date(2028, 12, 31)), nudge_times)
def test_a_working_day_is_due_at_most_one_local_day_whatever_the_instant(tz, day, starts_at):
    sweep_start = datetime.combine(day, time(0), ZoneInfo(tz)).astimezone(UTC) - timedelta(hours=1)
    sweeps = (sweep_start + timedelta(minutes=15 * step) for step in range(4 * 28))
    due_days = {due_local_date(tz, at, range(7), starts_at) for at in sweeps} - {None}
    assert due_days <= {day - timedelta(days=1), day, day + timedelta(days=1)}


def test_a_time_skipped_when_clocks_jump_forward_is_due_from_the_first_minute_after_the_jump():
    # 2026-03-29: Rome's clocks go from 02:00 to 03:00, so 02:30 never happens.
    assert due_local_date("Europe/Rome", rome(2026, 3, 29, 1, 59), range(7), time(2, 30)) is None
    assert due_local_date("Europe/Rome", rome(2026, 3, 29, 3, 0), range(7), time(2, 30)) == date(2026, 3, 29)


def test_a_time_that_happens_twice_when_clocks_fall_back_is_due_at_its_first_occurrence():
    # 2026-10-25: Rome's clocks go from 03:00 back to 02:00, so 02:30 happens twice, an hour apart.
    first = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert first.astimezone(ZoneInfo("Europe/Rome")).hour == 2
    assert due_local_date("Europe/Rome", first, range(7), time(2, 30)) == date(2026, 10, 25)
    assert due_local_date("Europe/Rome", first - timedelta(minutes=1), range(7), time(2, 30)) is None


def test_a_nudge_is_not_due_on_days_off_while_paused_or_outside_the_reps_working_days():
    monday = rome(2026, 12, 7, 9, 45)
    assert due_date(rep(), monday, set()) == date(2026, 12, 7)
    assert due_date(rep(), monday, {date(2026, 12, 7)}) is None
    assert due_date(rep(paused_until=date(2026, 12, 7)), monday, set()) is None
    assert due_date(rep(paused_until=date(2026, 12, 6)), monday, set()) == date(2026, 12, 7)
    assert due_date(rep(work_days="tue,wed"), monday, set()) is None
    assert due_date(rep(nudge_time="10:00"), monday, set()) is None


@given(instants, st.sets(st.dates(date(2025, 1, 1), date(2028, 12, 31)), max_size=5))
def test_a_due_nudge_is_never_on_a_day_off(at, days_off):
    day = due_date(rep(work_days="mon,tue,wed,thu,fri,sat,sun"), at, days_off)
    assert day is None or day not in days_off


@given(
    st.dates(date(2025, 1, 1), date(2028, 12, 31)),
    st.integers(0, 30),
    st.dates(date(2025, 1, 1), date(2028, 12, 31)),
    st.integers(0, 3),
)
def test_days_within_are_the_days_a_span_and_a_window_share(first_day, span_length, first, window_length):
    last_day, last = first_day + timedelta(days=span_length), first + timedelta(days=window_length)
    shared = list(days_within(first_day, last_day, first=first, last=last))
    expected = [first + timedelta(days=n) for n in range(window_length + 1)]
    assert shared == [day for day in expected if first_day <= day <= last_day]


def test_each_rep_and_local_day_has_its_own_delivery_key():
    assert delivery_key(rep(), date(2026, 12, 7)) == "nudge:7:2026-12-07"
    assert delivery_key(rep(), date(2026, 12, 7)) != delivery_key(rep(), date(2026, 12, 8))
