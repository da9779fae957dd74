"""The weekly coaching cycle: which coaching message, if any, a rep is due on a working day.

A random daily tip is easy to ignore and hard to act on. The cycle gives each week one focus and one practice:
- the week's first working day: the focus (one metric) and a practice, with *I'll try it*, *Another one*, *Not for me*;
- mid-week, at least two days later: a follow-up on that practice (*Helped*, *Tried, no difference*, *Not yet*);
- the week's last working day: how the focus metric moved, with its figure.
So at most three coaching DMs a week. `daily` keeps a tip every working day; `weekly` sends only the first.
Pure rules on dates and on a week's nudges: no database, no Slack.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import date, timedelta
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from coaching.models import Nudge

Cadence = Literal["cycle", "daily", "weekly"]
CADENCES: tuple[Cadence, ...] = ("cycle", "daily", "weekly")
DEFAULT_CADENCE: Cadence = "cycle"
Step = Literal["start", "follow_up", "wrap_up"]
# The follow-up waits this long after the start, so there was a chance to try the practice.
FOLLOW_UP_AFTER = timedelta(days=2)


# Nudges that give a practice; a follow-up asks about one already given.
PRACTICE_KINDS = ("practice", "review", "stretch")
# Answers that set a practice aside for the week.
SET_ASIDE = ("another", "not_for_me")


def practice_worked_on(nudges: Iterable[Nudge]) -> Nudge | None:
    """Of a week's nudges in the order given, the last practice the rep neither swapped nor turned down."""
    kept = [nudge for nudge in nudges if nudge.kind in PRACTICE_KINDS and nudge.feedback not in SET_ASIDE]
    return kept[-1] if kept else None


def week_of(day: date) -> tuple[date, date]:
    """The Monday-to-Sunday week holding `day`."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def last_working_day(day: date, work_days: Collection[int], days_off: Collection[date]) -> date | None:
    """The last day of `day`'s week that is one of `work_days` (0 = Monday) and not a day off."""
    monday, _ = week_of(day)
    working = [
        monday + timedelta(days=offset)
        for offset in range(7)
        if offset in work_days and monday + timedelta(days=offset) not in days_off
    ]
    return max(working, default=None)


def step_due(
    *,
    cadence: Cadence,
    today: date,
    work_days: Collection[int],
    days_off: Collection[date],
    sent_this_week: Mapping[Step, date],
) -> Step | None:
    """The step due `today`, a working day of the rep's; None when nothing is due."""
    start = sent_this_week.get("start")
    if cadence == "daily":
        return "start"
    if start is None:
        return "start"
    if cadence == "weekly" or today <= start:
        return None
    last = last_working_day(today, work_days, days_off)
    if today == last:
        return None if "wrap_up" in sent_this_week else "wrap_up"
    if "follow_up" not in sent_this_week and today - start >= FOLLOW_UP_AFTER:
        return "follow_up"
    return None
