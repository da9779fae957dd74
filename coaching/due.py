"""When a scheduled message is due: pure rules on a rep's wall clock, readable and testable without a database.

Local times are compared on the wall clock of the rep's zone, which fixes the policy on daylight-saving
days: a nudge time that does not exist that day (02:30 when clocks jump from 02:00 to 03:00) is due
from the first minute after the jump; a time that occurs twice (01:30 when clocks fall back) is due
at its first occurrence, and the delivery key stops the second.

`coaching.schedule` reads what these rules need (reps, time off, holidays, nudges already given) and
applies them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from coaching.models import Rep
from coaching.preferences import is_paused, nudge_time, work_days
from coaching.reps import DEFAULT_TZ

# How long after their nudge time a rep can still get that day's nudge, if the job was not running.
SEND_WINDOW = timedelta(hours=3)


def delivery_key(rep: Rep, day: date) -> str:
    """One scheduled nudge per rep and local day: the key the nudge and its outbox row are stored under."""
    return f"nudge:{rep.id}:{day.isoformat()}"


def local_now(rep: Rep, at: datetime) -> datetime:
    return at.astimezone(ZoneInfo(rep.tz or DEFAULT_TZ))


def due_local_date(tz: str | None, at: datetime, weekdays: Collection[int], starts_at: time) -> date | None:
    """The local date in `tz` if `at` falls within SEND_WINDOW after `starts_at` on one of `weekdays`."""
    wall_clock = at.astimezone(ZoneInfo(tz or DEFAULT_TZ)).replace(tzinfo=None)
    today = wall_clock.date()
    if today.weekday() not in weekdays:
        return None
    starts = datetime.combine(today, starts_at)
    return today if starts <= wall_clock < starts + SEND_WINDOW else None


def due_date(rep: Rep, at: datetime, days_off: Collection[date]) -> date | None:
    """The rep's local date if their nudge is due at `at`: a working day, not paused, not a day off."""
    today = due_local_date(rep.tz, at, work_days(rep), nudge_time(rep))
    if today is None or is_paused(rep, today) or today in days_off:
        return None
    return today


def days_within(first_day: date, last_day: date, *, first: date, last: date) -> Iterator[date]:
    """The days of the span `first_day`..`last_day` that fall within `first`..`last`, both inclusive."""
    day = max(first_day, first)
    while day <= min(last_day, last):
        yield day
        day += timedelta(days=1)
