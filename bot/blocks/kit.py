"""The Block Kit kit: the few blocks and elements every message is made of, and the Jinja2 templates' renderer.

Builders, one module per surface beside this one, render their text from content/templates and wrap it with
these; every message carries a fallback `text` for notifications and screen readers.
"""

from __future__ import annotations

from datetime import date
from functools import cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

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
    )
    environment.filters["day"] = day_label
    return environment


def render(template: str, **context) -> str:
    return templates().get_template(template).render(**context).strip()


def day_label(day: date) -> str:
    return day.strftime("%a %-d %b %Y")


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


def problem(message: str, nothing_saved: bool = True) -> Message:
    """Bad input: what is wrong, and (for a command that writes) that nothing was stored."""
    text = f":warning: {escape(message)}" + ("\nNothing was saved." if nothing_saved else "")
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
