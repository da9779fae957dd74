"""Text in the reader's language: gettext catalogs (content/locale) and Babel's numbers, dates and lists.

English is the source language: a message id is the English text, so English needs no catalog, and a message
missing from a catalog falls back to English. Placeholders are always `%(name)s` and every message is formatted
(a literal percent sign is written `%%`), in Python as in the templates' `{% trans %}`. Numbers given as
parameters are formatted for the language; pass a `str` to show a value exactly as typed.

Text made before its reader is known (a `Refusal` raised deep in coaching/) is a `Text`: `lazy_gettext` keeps the
message id and its parameters, and `Text.in_language` translates it when the answer is rendered.
"""

from __future__ import annotations

import gettext as stdlib_gettext
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache, lru_cache
from io import BytesIO
from typing import Literal

from babel import Locale, dates, lists, numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from content import CONTENT_DIR

Language = Literal["en", "it"]
LANGUAGES: tuple[Language, ...] = ("en", "it")
SOURCE_LANGUAGE: Language = "en"
LOCALE_DIR = CONTENT_DIR / "locale"
DOMAIN = "messages"


@dataclass(frozen=True)
class Text:
    """A message to translate later: its id (the English text), the plural's and the count, and the parameters."""

    msgid: str
    params: Mapping[str, object] = field(default_factory=dict)
    plural: str | None = None
    count: int | None = None

    def in_language(self, language: Language) -> str:
        words = translator(language)
        if self.plural is None:
            return words.gettext(self.msgid, **self.params)
        return words.ngettext(self.msgid, self.plural, self.count or 0, **self.params)

    def __str__(self) -> str:
        return self.in_language(SOURCE_LANGUAGE)


def lazy_gettext(msgid: str, /, **params: object) -> Text:
    return Text(msgid, params)


def lazy_ngettext(singular: str, plural: str, count: int, /, **params: object) -> Text:
    return Text(singular, params, plural, count)


class Translator:
    """Everything in one language: its messages, and numbers, dates and lists as its readers write them."""

    def __init__(self, language: Language):
        self.language = language
        self.locale = Locale.parse(language)
        self._catalog = _catalog(language)

    def gettext(self, msgid: str, /, **params: object) -> str:
        return self._catalog.gettext(msgid) % self._shown(params)

    def ngettext(self, singular: str, plural: str, count: int, /, **params: object) -> str:
        params.setdefault("num", count)
        return self._catalog.ngettext(singular, plural, count) % self._shown(params)

    def number(self, value: float) -> str:
        """As precise as the value is: 1,234 or 4.6 (1.234 or 4,6 in Italian)."""
        return _formatted(self.language, value, None)

    def decimal(self, value: float, digits: int = 1) -> str:
        """Always `digits` decimals: 4.0, 7.5."""
        return _formatted(self.language, value, "#,##0." + "0" * digits)

    def percent(self, share: float, digits: int = 0) -> str:
        """A share as a percentage: 0.81 is 81%."""
        return _formatted(self.language, share, "#,##0" + ("." + "0" * digits if digits else "") + "%")

    def signed(self, value: float, digits: int = 0) -> str:
        """A change, always with its sign: +4, -1.4, +0 (+4, -1,4 in Italian)."""
        decimals = "." + "0" * digits if digits else ""
        pattern = f"+#,##0{decimals};-#,##0{decimals}"
        return numbers.format_decimal(value, format=pattern, locale=self.locale)

    def day(self, day: date | datetime, pattern: str = "EEE d MMM y") -> str:
        """A day the way the language writes it (Wed 2 Dec 2026, mer 2 dic 2026); `pattern` is Babel's (CLDR)."""
        return _formatted_day(self.language, day, pattern)

    def weekday(self, index: int, width: Literal["abbreviated", "wide"] = "wide") -> str:
        """Monday is 0, as in `date.weekday()`."""
        return str(dates.get_day_names(width, "format", self.locale)[index])

    def month(self, number: int, width: Literal["abbreviated", "wide"] = "wide") -> str:
        """January is 1."""
        return str(dates.get_month_names(width, "format", self.locale)[number])

    def list_of(self, items: Iterable[object], style: Literal["standard", "or"] = "standard") -> str:
        """`a, b and c` (`a, b e c`); `style="or"` for `a, b or c`."""
        return lists.format_list([str(item) for item in items], style=style, locale=self.locale)

    def _shown(self, params: Mapping[str, object]) -> dict[str, object]:
        return {name: self._shown_value(value) for name, value in params.items()}

    def _shown_value(self, value: object) -> object:
        if isinstance(value, Text):
            return value.in_language(self.language)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return self.number(value)
        return value


@cache
def translator(language: Language) -> Translator:
    return Translator(language)


# Babel takes about 10 µs a number or a date, and answers show the same few again and again (30 contacts, 4.6,
# today): remembered, they cost next to nothing, and rendering a `/log`'s answer takes half the CPU it did.
@lru_cache(maxsize=4096)
def _formatted(language: Language, value: float, pattern: str | None) -> str:
    return numbers.format_decimal(value, format=pattern, locale=translator(language).locale)


@lru_cache(maxsize=1024)
def _formatted_day(language: Language, day: date | datetime, pattern: str) -> str:
    return dates.format_date(day, pattern, locale=translator(language).locale)


def catalog_path(language: Language) -> str:
    return str(LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po")


def _catalog(language: Language) -> stdlib_gettext.NullTranslations:
    """The language's .po read as it is in the repo (no compiled .mo to keep in step); fuzzy entries are left out."""
    if language == SOURCE_LANGUAGE:
        return stdlib_gettext.NullTranslations()
    with open(catalog_path(language), "rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return stdlib_gettext.GNUTranslations(compiled)
