"""The figures a rep logs for one day, and how their text is read and checked."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date, timedelta

from coaching.i18n import Language, Text, lazy_gettext, lazy_ngettext
from coaching.refusals import Refusal

MAX_TEXT_LENGTH = 500
MAX_DAYS_BACK = 14


class LogInputError(Refusal):
    """Bad input from a rep; the message is shown to them as it is, and `key` names the figure at fault."""

    def __init__(self, message: Text | str, key: str | None = None):
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class LoggedField:
    key: str
    label: Text
    # Other names for the key, in English and in Italian: `/log` accepts both in anyone's text, and the help lists
    # the reader's.
    aliases: tuple[str, ...]
    aliases_it: tuple[str, ...]
    help: Text
    whole: bool
    minimum: float
    maximum: float
    # How the figure relates to the day's contacts: "share" is a part of them (never more, and a
    # rate needs them), "weighted" is an average weighted by them, "none" stands alone.
    relation: str = "share"

    def aliases_in(self, language: Language) -> tuple[str, ...]:
        return self.aliases_it if language == "it" else self.aliases


FIELDS: tuple[LoggedField, ...] = (
    LoggedField(
        "contacts",
        lazy_gettext("Contacts"),
        ("c", "handled"),
        ("contatti", "gestiti"),
        lazy_gettext("contacts handled"),
        True,
        0,
        1000,
        "none",
    ),
    LoggedField(
        "fcr",
        lazy_gettext("Resolved first time"),
        ("resolved", "first"),
        ("risolti", "primo"),
        lazy_gettext("resolved on first contact"),
        True,
        0,
        1000,
    ),
    LoggedField(
        "repeat",
        lazy_gettext("Repeat contacts"),
        ("repeats", "rc"),
        ("ripetuti", "richiami"),
        lazy_gettext("repeat contacts"),
        True,
        0,
        1000,
    ),
    LoggedField(
        "csat",
        lazy_gettext("CSAT"),
        ("sat", "satisfaction"),
        ("soddisfazione", "sodd"),
        lazy_gettext("average satisfaction, 1 to 5"),
        False,
        1,
        5,
        "weighted",
    ),
    LoggedField(
        "aht",
        lazy_gettext("Handle time"),
        ("handle", "handletime"),
        ("durata", "tmg"),
        lazy_gettext("average handle time, minutes"),
        False,
        0.1,
        240,
        "weighted",
    ),
    LoggedField(
        "complaints",
        lazy_gettext("Complaints"),
        ("comp", "complaint"),
        ("reclami", "reclamo"),
        lazy_gettext("complaints received"),
        True,
        0,
        1000,
    ),
    LoggedField(
        "upsells",
        lazy_gettext("Up-sells"),
        ("up", "upsell"),
        ("upselling", "aggiuntive"),
        lazy_gettext("up-sells made"),
        True,
        0,
        1000,
    ),
    LoggedField(
        "crosssells",
        lazy_gettext("Cross-sells"),
        ("cross", "xsell", "crosssell"),
        ("crossselling", "abbinate"),
        lazy_gettext("cross-sells made"),
        True,
        0,
        1000,
    ),
    LoggedField(
        "referrals",
        lazy_gettext("Referrals asked"),
        ("ref", "referral"),
        ("segnalazioni", "segn"),
        lazy_gettext("referrals asked for"),
        True,
        0,
        1000,
    ),
    LoggedField(
        "recommit",
        lazy_gettext("Recommitments"),
        ("rec", "recommits"),
        ("ritorni", "impegni"),
        lazy_gettext("customers who committed to come back"),
        True,
        0,
        1000,
    ),
    LoggedField(
        "practices",
        lazy_gettext("Practices tried"),
        ("prac", "practice"),
        ("pratiche", "provate"),
        lazy_gettext("coaching practices tried"),
        True,
        0,
        20,
        "none",
    ),
)
FIELD_BY_KEY = {field.key: field for field in FIELDS}
DATE_KEY = "date"
DATE_ALIASES = ("d", "day")
DATE_ALIASES_IT = ("data", "giorno")


def date_aliases_in(language: Language) -> tuple[str, ...]:
    return DATE_ALIASES_IT if language == "it" else DATE_ALIASES


_NAME_TO_KEY = {alias: field.key for field in FIELDS for alias in (field.key, *field.aliases, *field.aliases_it)}
_NAME_TO_KEY.update({alias: DATE_KEY for alias in (DATE_KEY, *DATE_ALIASES, *DATE_ALIASES_IT)})
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
            lazy_gettext(
                "That is %(length)s characters; a log fits in %(limit)s. Try `/log contacts=30 fcr=24 csat=4.6`.",
                length=len(text),
                limit=MAX_TEXT_LENGTH,
            )
        )
    tokens = re.sub(r"\s*[=:]\s*", " ", text.strip()).split()
    if len(tokens) % 2:
        last = tokens[-1]
        if last.lower() in _NAME_TO_KEY:
            raise LogInputError(lazy_gettext("`%(name)s` has no value. Write it as `%(name)s=NUMBER`.", name=last))
        raise LogInputError(
            lazy_gettext(
                "I could not read `%(text)s` as `key=value`. Try `/log contacts=30 fcr=24`, or `/log help`.", text=last
            )
        )
    values: Values = {}
    day: date | None = None
    for name, raw in zip(tokens[::2], tokens[1::2], strict=False):
        key = resolve_name(name)
        if key in values or (key == DATE_KEY and day is not None):
            raise LogInputError(lazy_gettext("`%(key)s` is given twice; give each figure once.", key=key))
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
        raise LogInputError(lazy_gettext("`%(name)s` needs a key in front of it, like `contacts=%(name)s`.", name=name))
    shown = name if len(name) <= 30 else name[:30] + "…"
    nearest = difflib.get_close_matches(name.lower(), list(_NAME_TO_KEY), n=1, cutoff=0.6)
    if nearest:
        raise LogInputError(
            lazy_gettext(
                "I don't know the key `%(name)s`. Did you mean `%(key)s`?", name=shown, key=_NAME_TO_KEY[nearest[0]]
            )
        )
    raise LogInputError(lazy_gettext("I don't know the key `%(name)s`. See `/log help` for the keys.", name=shown))


def parse_value(field: LoggedField, raw: str) -> float | int:
    if raw.startswith("-") and _NUMBER.fullmatch(raw[1:]):
        raise LogInputError(
            lazy_gettext("`%(key)s` cannot be negative; you gave %(raw)s.", key=field.key, raw=raw), field.key
        )
    if not _NUMBER.fullmatch(raw) or (field.whole and not float(raw.replace(",", ".")).is_integer()):
        shown = raw if len(raw) <= 20 else raw[:20] + "…"
        message = (
            lazy_gettext("`%(key)s` must be a whole number; `%(raw)s` is not one.", key=field.key, raw=shown)
            if field.whole
            else lazy_gettext("`%(key)s` must be a number; `%(raw)s` is not one.", key=field.key, raw=shown)
        )
        raise LogInputError(message, field.key)
    number = float(raw.replace(",", "."))
    if not field.minimum <= number <= field.maximum:
        if field.key == "csat":
            raise LogInputError(
                lazy_gettext("`csat` is an average from 1 to 5; %(raw)s is outside that.", raw=raw), field.key
            )
        raise LogInputError(
            lazy_gettext(
                "`%(key)s` of %(raw)s is not plausible for one day; it must be from %(low)s to %(high)s.",
                key=field.key,
                raw=raw,
                low=field.minimum,
                high=field.maximum,
            ),
            field.key,
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
    raise LogInputError(
        lazy_gettext("`date` must be a real day written YYYY-MM-DD, like 2026-03-09; `%(raw)s` is not.", raw=shown),
        DATE_KEY,
    )


def check_day(day: date, today: date) -> None:
    if day > today:
        raise LogInputError(
            lazy_gettext(
                "%(day)s is in the future; you can log today (%(today)s) or earlier.",
                day=day.isoformat(),
                today=today.isoformat(),
            ),
            DATE_KEY,
        )
    if day < today - timedelta(days=MAX_DAYS_BACK):
        raise LogInputError(
            lazy_ngettext(
                "%(day)s is more than %(num)s day ago; the oldest day you can log is %(oldest)s.",
                "%(day)s is more than %(num)s days ago; the oldest day you can log is %(oldest)s.",
                MAX_DAYS_BACK,
                day=day.isoformat(),
                oldest=(today - timedelta(days=MAX_DAYS_BACK)).isoformat(),
            ),
            DATE_KEY,
        )


def check_consistent(merged: Values, given: Values, *, contacts_to_come: bool = False) -> None:
    """Checks one day's figures together, as they would be stored; faults in what was just given come first.

    `contacts_to_come`: the day's contacts come from the rep's helpdesk, so a share may be logged before them (the
    sync drops a typed share above the contacts it imports)."""
    contacts = merged.get("contacts")
    for field in sorted(FIELDS, key=lambda field: field.key not in given):
        value = merged.get(field.key)
        if value is None or field.relation == "none" or (contacts is None and contacts_to_come):
            continue
        if contacts is None:
            message = (
                lazy_gettext("`%(key)s` is counted out of the day's contacts: add `contacts=N` too.", key=field.key)
                if field.relation == "share"
                else lazy_gettext("`%(key)s` is weighted by the day's contacts: add `contacts=N` too.", key=field.key)
            )
            raise LogInputError(message, field.key)
        if field.relation == "share" and value > contacts:
            raise LogInputError(
                lazy_gettext(
                    "`%(key)s` (%(value)s) cannot be more than `contacts` (%(contacts)s).",
                    key=field.key,
                    value=value,
                    contacts=contacts,
                ),
                field.key,
            )
