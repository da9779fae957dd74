"""Reading Slack's escaped mentions (`<@U123|anna>`, `<#C123|support>`) and names out of command text."""

from __future__ import annotations

import re

from markupsafe import Markup

from coaching.i18n import lazy_gettext
from coaching.refusals import Refusal

_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_CHANNEL = re.compile(r"<#(C[A-Z0-9]+)(?:\|[^>]*)?>")
_QUOTES = {'"': '"', "“": "”", "'": "'"}


class MentionError(Refusal):
    """Text where a mention was expected; the message says what to type."""


def user_id(word: str) -> str:
    match = _USER.fullmatch(word)
    if not match:
        raise MentionError(
            lazy_gettext("`%(given)s` is not a person; mention them with @, like @anna.", given=word[:30])
        )
    return match[1]


def user_ids(words: list[str]) -> list[str]:
    if not words:
        raise MentionError(lazy_gettext("Mention at least one person with @."))
    return list(dict.fromkeys(user_id(word) for word in words))


def channel_id(word: str) -> str:
    match = _CHANNEL.fullmatch(word)
    if not match:
        raise MentionError(
            lazy_gettext("`%(given)s` is not a channel; pick one with #, like #support-tier-1.", given=word[:30])
        )
    return match[1]


def split_name(text: str) -> tuple[str, list[str]]:
    """A team name (one word, or quoted words) and the words after it."""
    text = text.strip()
    if text[:1] in _QUOTES:
        end = text.find(_QUOTES[text[0]], 1)
        if end == -1:
            raise MentionError(lazy_gettext("A quoted team name needs its closing quote."))
        return text[1:end].strip(), text[end + 1 :].split()
    words = text.split()
    if not words:
        raise MentionError(lazy_gettext("Name the team."))
    return words[0], words[1:]


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def mention(user: str) -> Markup:
    """Slack markup for a person; templates show it as a mention rather than escaping it."""
    return Markup(f"<@{user}>")
