"""A rep's coaching preferences: when nudges come, on which days, in which language, and time off."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from coaching.cycle import CADENCES, DEFAULT_CADENCE, Cadence
from coaching.db import rowcount
from coaching.fields import read_iso_day
from coaching.i18n import lazy_gettext
from coaching.library import LANGUAGES, Language
from coaching.models import Rep, TeamHoliday, TimeOff
from coaching.refusals import Refusal
from coaching.reps import RepProfile

DEFAULT_NUDGE_TIME = time(9, 30)
DEFAULT_WORK_DAYS = (0, 1, 2, 3, 4)  # Monday to Friday
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FULL_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Italian names are read too; the stored names stay the English keys.
ITALIAN_DAY_NAMES = ("lun", "mar", "mer", "gio", "ven", "sab", "dom")
ITALIAN_FULL_DAY_NAMES = ("lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica")
PAUSED_INDEFINITELY = date(9999, 12, 31)
MAX_PAUSE_DAYS = 365
MAX_AWAY_DAYS = 366


class PreferenceError(Refusal):
    """A preference given in a form we cannot use; the message says what would work."""


def nudge_time(rep: Rep) -> time:
    return time.fromisoformat(rep.nudge_time) if rep.nudge_time else DEFAULT_NUDGE_TIME


def work_days(rep: Rep) -> tuple[int, ...]:
    if not rep.work_days:
        return DEFAULT_WORK_DAYS
    return tuple(DAY_NAMES.index(name) for name in rep.work_days.split(","))


def language(rep: Rep | RepProfile) -> Language:
    return chosen_language(rep.language, rep.locale)


def chosen_language(chosen: str | None, slack_locale: str | None) -> Language:
    """The language someone chose with `/coach lang`, else their Slack locale's, else English."""
    if chosen in LANGUAGES:
        return chosen
    return "it" if (slack_locale or "").lower().startswith("it") else "en"


def cadence(rep: Rep) -> Cadence:
    return next((known for known in CADENCES if known == rep.cadence), DEFAULT_CADENCE)


def is_paused(rep: Rep, day: date) -> bool:
    return rep.paused_until is not None and day <= rep.paused_until


def parse_time(text: str) -> str:
    match = re.fullmatch(r"([01]?[0-9]|2[0-3])[:.]([0-5][0-9])", text.strip())
    if not match:
        raise PreferenceError(
            lazy_gettext(
                "`%(given)s` is not a time; write it as HH:MM on the 24-hour clock, like 09:30.", given=text[:20]
            )
        )
    return f"{int(match[1]):02d}:{match[2]}"


def parse_days(text: str) -> str:
    """`mon-fri`, `mon,wed,fri` or `mon-thu,sat` as the stored, ordered list of day names."""
    chosen: set[int] = set()
    for part in text.lower().replace(" ", "").split(","):
        names = part.split("-")
        if len(names) > 2 or any(_day_index(name) is None for name in names):
            raise PreferenceError(
                lazy_gettext(
                    "`%(given)s` is not a list of days; use mon, tue, wed, thu, fri, sat, sun, "
                    "with ranges and commas like `mon-fri` or `mon-thu,sat`.",
                    given=text[:40],
                )
            )
        first, last = (_day_index(name) for name in (names[0], names[-1]))
        assert first is not None and last is not None  # every name was checked just above
        if last < first:
            raise PreferenceError(
                lazy_gettext("`%(given)s` runs backwards; write the earlier day first, like `mon-fri`.", given=part)
            )
        chosen.update(range(first, last + 1))
    return ",".join(DAY_NAMES[day] for day in sorted(chosen))


def _day_index(name: str) -> int | None:
    """Monday is 0, in English or Italian, short or in full (`lunedi` without its accent too)."""
    accented = name[:-1] + "ì" if name.endswith("di") else name
    for names in (DAY_NAMES, FULL_DAY_NAMES, ITALIAN_DAY_NAMES, ITALIAN_FULL_DAY_NAMES):
        if accented in names:
            return names.index(accented)
    return None


def parse_language(text: str) -> Language:
    choice = text.strip().lower()
    if choice not in LANGUAGES:
        raise PreferenceError(
            lazy_gettext("`%(given)s` is not a language I speak yet; choose `en` or `it`.", given=text[:20])
        )
    return choice


def parse_cadence(text: str) -> Cadence:
    choice = text.strip().lower()
    for known in CADENCES:
        if choice == known:
            return known
    raise PreferenceError(
        lazy_gettext(
            "`%(given)s` is not a cadence; choose `cycle` (a focus, a follow-up and a wrap-up each week), "
            "`daily` (a tip every working day) or `weekly` (only the week's focus).",
            given=text[:20],
        )
    )


def parse_pause(text: str, today: date) -> date:
    """`` (until resumed), `N`, `N days` or `N d`: the last paused day."""
    words = text.lower().split()
    if not words:
        return PAUSED_INDEFINITELY
    if (
        len(words) > 2
        or not re.fullmatch(r"[0-9]{1,4}", words[0])
        or (len(words) == 2 and words[1] not in ("day", "days", "d"))
    ):
        raise PreferenceError(
            lazy_gettext(
                "`%(given)s` is not a number of days; try `/coach pause 5 days`, or `/coach pause` until you resume.",
                given=text[:40],
            )
        )
    days = int(words[0])
    if not 1 <= days <= MAX_PAUSE_DAYS:
        raise PreferenceError(
            lazy_gettext(
                "A pause runs from 1 to %(most)s days; %(days)s is outside that.", most=MAX_PAUSE_DAYS, days=days
            )
        )
    return today + timedelta(days=days - 1)


def parse_day_range(text: str, today: date) -> tuple[date, date]:
    """`2026-12-24..2027-01-02` or one day `2026-12-24`."""
    read = [read_iso_day(part) for part in text.strip().split("..")]
    parts = [day for day in read if day is not None]
    if len(read) > 2 or len(parts) < len(read):
        raise PreferenceError(
            lazy_gettext(
                "`%(given)s` is not a day or a range; write `2026-12-24..2027-01-02`, or one day as `2026-12-24`.",
                given=text[:40],
            )
        )
    first, last = parts[0], parts[-1]
    if last < first:
        raise PreferenceError(
            lazy_gettext("%(last)s comes before %(first)s; put the first day first.", last=str(last), first=str(first))
        )
    if last < today:
        raise PreferenceError(
            lazy_gettext("%(last)s is already past; time off has to end today or later.", last=str(last))
        )
    if (last - first).days >= MAX_AWAY_DAYS:
        raise PreferenceError(
            lazy_gettext(
                "That is %(days)s days; time off can be at most %(most)s days at once.",
                days=(last - first).days + 1,
                most=MAX_AWAY_DAYS,
            )
        )
    return first, last


def parse_days_list(words: list[str]) -> list[date]:
    if not words:
        raise PreferenceError(lazy_gettext("Name at least one day, like `/coach holidays add 2026-12-25 2026-12-26`."))
    days = []
    for word in words:
        day = read_iso_day(word)
        if day is None:
            raise PreferenceError(lazy_gettext("`%(given)s` is not a day written YYYY-MM-DD.", given=word[:20]))
        days.append(day)
    return sorted(set(days))


def set_nudge_time(*, rep: Rep, text: str) -> str:
    rep.nudge_time = parse_time(text)
    return rep.nudge_time


def set_work_days(*, rep: Rep, text: str) -> str:
    rep.work_days = parse_days(text)
    return rep.work_days


def set_language(*, rep: Rep, text: str) -> Language:
    chosen = parse_language(text)
    rep.language = chosen
    return chosen


def set_cadence(*, rep: Rep, text: str) -> Cadence:
    chosen = parse_cadence(text)
    rep.cadence = chosen
    return chosen


def pause_tips(*, rep: Rep, today: date, text: str = "") -> date:
    """Pauses tips through the returned day (PAUSED_INDEFINITELY without a number of days)."""
    rep.paused_until = parse_pause(text, today)
    return rep.paused_until


def resume_tips(*, rep: Rep) -> None:
    rep.paused_until = None


def add_time_off(session: Session, rep: Rep, first: date, last: date) -> None:
    session.add(TimeOff(rep_id=rep.id, first_day=first, last_day=last))


def clear_time_off(session: Session, rep: Rep, today: date) -> int:
    """Cancels time off that has not ended; returns how many spans were cancelled."""
    result = session.execute(delete(TimeOff).where(TimeOff.rep_id == rep.id, TimeOff.last_day >= today))
    return rowcount(result)


def upcoming_time_off(session: Session, rep: Rep, today: date) -> list[TimeOff]:
    query = select(TimeOff).where(TimeOff.rep_id == rep.id, TimeOff.last_day >= today).order_by(TimeOff.first_day)
    return list(session.scalars(query))


def add_holidays(session: Session, team_ids: list[int], days: list[date]) -> None:
    existing = set(
        session.execute(select(TeamHoliday.team_id, TeamHoliday.day).where(TeamHoliday.team_id.in_(team_ids)))
    )
    session.add_all(
        TeamHoliday(team_id=team_id, day=day) for team_id in team_ids for day in days if (team_id, day) not in existing
    )


def upcoming_holidays(session: Session, team_ids: list[int], today: date) -> list[date]:
    query = select(TeamHoliday.day).where(TeamHoliday.team_id.in_(team_ids), TeamHoliday.day >= today)
    return sorted(set(session.scalars(query)))
