"""The figures a rep logs for one day, and how their text is read and checked."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date, timedelta

from coaching.refusals import Refusal

MAX_TEXT_LENGTH = 500
MAX_DAYS_BACK = 14


class LogInputError(Refusal):
    """Bad input from a rep; the message is shown to them as it is, and `key` names the figure at fault."""

    def __init__(self, message: str, key: str | None = None):
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class LoggedField:
    key: str
    label: str
    aliases: tuple[str, ...]
    help: str
    whole: bool
    minimum: float
    maximum: float
    # How the figure relates to the day's contacts: "share" is a part of them (never more, and a
    # rate needs them), "weighted" is an average weighted by them, "none" stands alone.
    relation: str = "share"


FIELDS: tuple[LoggedField, ...] = (
    LoggedField("contacts", "Contacts", ("c", "handled"), "contacts handled", True, 0, 1000, "none"),
    LoggedField("fcr", "Resolved first time", ("resolved", "first"), "resolved on first contact", True, 0, 1000),
    LoggedField("repeat", "Repeat contacts", ("repeats", "rc"), "repeat contacts", True, 0, 1000),
    LoggedField("csat", "CSAT", ("sat", "satisfaction"), "average satisfaction, 1 to 5", False, 1, 5, "weighted"),
    LoggedField(
        "aht", "Handle time", ("handle", "handletime"), "average handle time, minutes", False, 0.1, 240, "weighted"
    ),
    LoggedField("complaints", "Complaints", ("comp", "complaint"), "complaints received", True, 0, 1000),
    LoggedField("upsells", "Up-sells", ("up", "upsell"), "up-sells made", True, 0, 1000),
    LoggedField("crosssells", "Cross-sells", ("cross", "xsell", "crosssell"), "cross-sells made", True, 0, 1000),
    LoggedField("referrals", "Referrals asked", ("ref", "referral"), "referrals asked for", True, 0, 1000),
    LoggedField(
        "recommit", "Recommitments", ("rec", "recommits"), "customers who committed to come back", True, 0, 1000
    ),
    LoggedField("practices", "Practices tried", ("prac", "practice"), "coaching practices tried", True, 0, 20, "none"),
)
FIELD_BY_KEY = {field.key: field for field in FIELDS}
DATE_KEY = "date"
DATE_ALIASES = ("d", "day")

_NAME_TO_KEY = {alias: field.key for field in FIELDS for alias in (field.key, *field.aliases)}
_NAME_TO_KEY.update({alias: DATE_KEY for alias in (DATE_KEY, *DATE_ALIASES)})
_NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)?")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

Values = dict[str, float | int]


@dataclass(frozen=True)
class LogRequest:
    values: Values
    day: date | None


def parse_log_text(text: str) -> LogRequest:
    """Read `key=value`, `key:value` or `key value` pairs, in any mix."""
    if len(text) > MAX_TEXT_LENGTH:
        raise LogInputError(
            f"That is {len(text):,} characters; a log fits in {MAX_TEXT_LENGTH}. "
            "Try `/log contacts=30 fcr=24 csat=4.6`."
        )
    tokens = re.sub(r"\s*[=:]\s*", " ", text.strip()).split()
    if len(tokens) % 2:
        last = tokens[-1]
        if last.lower() in _NAME_TO_KEY:
            raise LogInputError(f"`{last}` has no value. Write it as `{last}=NUMBER`.")
        raise LogInputError(f"I could not read `{last}` as `key=value`. Try `/log contacts=30 fcr=24`, or `/log help`.")
    values: Values = {}
    day: date | None = None
    for name, raw in zip(tokens[::2], tokens[1::2], strict=False):
        key = resolve_name(name)
        if key in values or (key == DATE_KEY and day is not None):
            raise LogInputError(f"`{key}` is given twice; give each figure once.")
        if key == DATE_KEY:
            day = parse_day(raw)
        else:
            values[key] = parse_value(FIELD_BY_KEY[key], raw)
    return LogRequest(values, day)


def resolve_name(name: str) -> str:
    key = _NAME_TO_KEY.get(name.lower())
    if key:
        return key
    if _NUMBER.fullmatch(name):
        raise LogInputError(f"`{name}` needs a key in front of it, like `contacts={name}`.")
    shown = name if len(name) <= 30 else name[:30] + "…"
    nearest = difflib.get_close_matches(name.lower(), list(_NAME_TO_KEY), n=1, cutoff=0.6)
    hint = f" Did you mean `{_NAME_TO_KEY[nearest[0]]}`?" if nearest else " See `/log help` for the keys."
    raise LogInputError(f"I don't know the key `{shown}`.{hint}")


def parse_value(field: LoggedField, raw: str) -> float | int:
    if raw.startswith("-") and _NUMBER.fullmatch(raw[1:]):
        raise LogInputError(f"`{field.key}` cannot be negative; you gave {raw}.", field.key)
    if not _NUMBER.fullmatch(raw):
        shown = raw if len(raw) <= 20 else raw[:20] + "…"
        kind = "a whole number" if field.whole else "a number"
        raise LogInputError(f"`{field.key}` must be {kind}; `{shown}` is not one.", field.key)
    number = float(raw.replace(",", "."))
    if field.whole and not number.is_integer():
        raise LogInputError(f"`{field.key}` must be a whole number; {raw} is not one.", field.key)
    if not field.minimum <= number <= field.maximum:
        low, high = _plain(field.minimum), _plain(field.maximum)
        if field.key == "csat":
            raise LogInputError(f"`csat` is an average from 1 to 5; {raw} is outside that.", field.key)
        raise LogInputError(
            f"`{field.key}` of {raw} is not plausible for one day; it must be from {low} to {high}.", field.key
        )
    return int(number) if field.whole else round(number, 2)


def read_iso_day(raw: str) -> date | None:
    """A real day written exactly YYYY-MM-DD (not the compact or week forms Python also accepts)."""
    if not _ISO_DATE.fullmatch(raw):
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def parse_day(raw: str) -> date:
    day = read_iso_day(raw)
    if day is not None:
        return day
    shown = raw if len(raw) <= 20 else raw[:20] + "…"
    raise LogInputError(f"`date` must be a real day written YYYY-MM-DD, like 2026-03-09; `{shown}` is not.", DATE_KEY)


def check_day(day: date, today: date) -> None:
    if day > today:
        raise LogInputError(
            f"{day.isoformat()} is in the future; you can log today ({today.isoformat()}) or earlier.", DATE_KEY
        )
    if day < today - timedelta(days=MAX_DAYS_BACK):
        raise LogInputError(
            f"{day.isoformat()} is more than {MAX_DAYS_BACK} days ago; the oldest day you can log is "
            f"{(today - timedelta(days=MAX_DAYS_BACK)).isoformat()}.",
            DATE_KEY,
        )


def check_consistent(merged: Values, given: Values) -> None:
    """Checks one day's figures together, as they would be stored; faults in what was just given come first."""
    contacts = merged.get("contacts")
    for field in sorted(FIELDS, key=lambda field: field.key not in given):
        value = merged.get(field.key)
        if value is None or field.relation == "none":
            continue
        if contacts is None:
            reason = "counted out of" if field.relation == "share" else "weighted by"
            raise LogInputError(f"`{field.key}` is {reason} the day's contacts: add `contacts=N` too.", field.key)
        if field.relation == "share" and value > contacts:
            raise LogInputError(f"`{field.key}` ({value}) cannot be more than `contacts` ({contacts}).", field.key)


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)
