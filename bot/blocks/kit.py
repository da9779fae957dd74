"""The Block Kit kit: the few blocks and elements every message is made of, and the Jinja2 templates' renderer.

Builders, one module per surface beside this one, render their text from content/templates and wrap it with
these; every message carries a fallback `text` for notifications and screen readers.

Templates are rendered in the reader's language (`render(name, language=…)`): `{% trans %}` and `_()` look their
text up in content/locale (coaching/i18n.py), and the filters `day`, `number`, `decimal`, `percent`, `signed` and
`list_of` write values the way that language does.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from coaching.i18n import Language, Text, Translator, translator
from content import CONTENT_DIR

Message = dict  # {"text": ..., "blocks": [...]}

SECTION_LIMIT = 3000


def escape(value: object) -> str:
    """Slack reads only these three as markup in mrkdwn; everything else is shown as typed."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@cache
def templates() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(CONTENT_DIR / "templates"),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        # The templates ship with the package: checking their files for changes on every message only costs a stat.
        auto_reload=False,
        # Values are escaped unless they are deliberate Slack markup, like a mention.
        finalize=lambda value: escape(value) if isinstance(value, str) and not isinstance(value, Markup) else value,
        extensions=["jinja2.ext.i18n"],
    )
    # As babel.cfg extracts them: `{% trans %}` text with its whitespace collapsed, formatted by the gettext call.
    environment.newstyle_gettext = True  # type: ignore[attr-defined]
    environment.policies["ext.i18n.trimmed"] = True
    environment.filters.update(
        day=_in_language(Translator.day),
        number=_in_language(Translator.number),
        decimal=_in_language(Translator.decimal),
        percent=_in_language(Translator.percent),
        signed=_in_language(Translator.signed),
        list_of=_in_language(Translator.list_of),
    )
    return environment


def render(template: str, *, language: Language = "en", **context) -> str:
    """The template in `language`; the gettext functions come with each render, so threads never share them."""
    words = translator(language)
    return (
        templates()
        .get_template(template)
        .render(
            language=language,
            gettext=lambda msgid, **params: Markup(words.gettext(msgid, **_escaped(params))),
            ngettext=lambda singular, plural, count, **params: Markup(
                words.ngettext(singular, plural, count, **_escaped(params))
            ),
            **context,
        )
        .strip()
    )


def _in_language(format_value: Callable) -> Callable:
    @pass_context
    def filter_in_language(context: Context, value: object, *args: object) -> str:
        return format_value(translator(context["language"]), value, *args)

    return filter_in_language


def _escaped(params: dict) -> dict:
    """A template's translated text is its own, like the template's; the values put into it are escaped as `{{ }}`."""
    return {
        name: escape(value) if isinstance(value, str) and not isinstance(value, Markup) else value
        for name, value in params.items()
    }


def day_label(day: date, language: Language = "en") -> str:
    return translator(language).day(day)


def section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:SECTION_LIMIT]}}


def context(text: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:SECTION_LIMIT]}]}


def header(text: str) -> dict:
    return {"type": "header", "text": {"type": "plain_text", "text": text[:150], "emoji": True}}


def divider() -> dict:
    return {"type": "divider"}


def button(action_id: str, label: str, value: str, style: str | None = None) -> dict:
    """A button: `action_id` from bot.ids, `value` a payload's JSON (or a word the listener does not read)."""
    element = {"type": "button", "action_id": action_id, "text": {"type": "plain_text", "text": label}, "value": value}
    if style:
        element["style"] = style
    return element


def actions(block_id: str, *elements: dict) -> dict:
    return {"type": "actions", "block_id": block_id, "elements": list(elements)}


def simple(text: str) -> Message:
    return {"text": text, "blocks": [section(text)]}


def problem(message: str | Text, nothing_saved: bool = True, *, language: Language = "en") -> Message:
    """Bad input: what is wrong (a refusal's `message`, in `language`), and (for a command that writes) that nothing
    was stored."""
    words = translator(language)
    shown = message.in_language(language) if isinstance(message, Text) else message
    text = f":warning: {escape(shown)}" + ("\n" + words.gettext("Nothing was saved.") if nothing_saved else "")
    return {"text": text, "blocks": [section(text)]}


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def sections(lines: list[str]) -> list[dict]:
    """As few sections as hold the lines, each within Slack's limit."""
    blocks, chunk = [], ""
    for line in lines:
        if chunk and len(chunk) + len(line) + 1 > SECTION_LIMIT:
            blocks.append(section(chunk))
            chunk = ""
        chunk = f"{chunk}\n{line}" if chunk else line
    if chunk:
        blocks.append(section(chunk))
    return blocks
