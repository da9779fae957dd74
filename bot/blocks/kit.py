"""Block Kit messages: Jinja2 templates from content/templates render the text, small builders wrap it in blocks.

Every message carries a fallback `text` for notifications and screen readers.
"""

from __future__ import annotations

from datetime import date
from functools import cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from coaching.definition import PERSPECTIVES, ScorecardDefinition
from coaching.fields import DATE_ALIASES, FIELDS, MAX_DAYS_BACK
from coaching.outcomes import RecordedDay
from coaching.scorecard import Scorecard
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


def simple(text: str) -> Message:
    return {"text": text, "blocks": [section(text)]}


def problem(message: str, nothing_saved: bool = True) -> Message:
    """Bad input: what is wrong, and (for a command that writes) that nothing was stored."""
    text = f":warning: {escape(message)}" + ("\nNothing was saved." if nothing_saved else "")
    return {"text": text, "blocks": [section(text)]}


def log_saved(recorded: RecordedDay, definition: ScorecardDefinition) -> Message:
    labels = {field.key: field.label for field in FIELDS}
    fcr_rate = definition.by_key()["fcr_rate"]
    values = recorded.values
    text = render(
        "log_saved.md.j2",
        recorded=recorded,
        labels=labels,
        fcr=fcr_rate.format(values["fcr"] / values["contacts"])
        if values.get("fcr") is not None and values.get("contacts")
        else None,
    )
    return {"text": text, "blocks": [section(text), context("See how the week adds up with `/scorecard`.")]}


def log_help() -> Message:
    text = render("log_help.md.j2", fields=FIELDS, date_aliases=DATE_ALIASES, days_back=MAX_DAYS_BACK)
    return {"text": text, "blocks": [section(text)]}


def coach_help() -> Message:
    text = render("coach_help.md.j2")
    return {"text": text, "blocks": [section(text)]}


def scorecard_message(scorecard: Scorecard, title: str, own: bool = True) -> Message:
    period = scorecard.period
    if not scorecard.days_logged:
        text = render("scorecard_empty.md.j2", period=period, span=span_label(period), own=own, title=title)
        return {"text": text, "blocks": [section(text)]}
    blocks, summary = scorecard_blocks(scorecard, f"{title} · this {period.name}")
    return {"text": f"{title} this {period.name}: {summary}", "blocks": blocks}


def scorecard_blocks(scorecard: Scorecard, heading: str) -> tuple[list[dict], str]:
    """The scorecard's blocks under `heading`, and its one-line overall summary."""
    blocks = [
        header(heading),
        context(f"{span_label(scorecard.period)} · {plural(scorecard.days_logged, 'logged day')}"),
    ]
    for perspective in PERSPECTIVES:
        blocks.append(
            section(render("scorecard_perspective.md.j2", name=perspective, lines=scorecard.perspective(perspective)))
        )
    labels = {line.definition.key: line.definition.label for line in scorecard.lines}
    below = [labels[key] for key in scorecard.score.customer_below_target]
    summary = render("scorecard_overall.md.j2", scorecard=scorecard, below=below)
    blocks += [{"type": "divider"}, section(summary)]
    return blocks, summary


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def span_label(period) -> str:
    return f"{day_label(period.start)} – {day_label(period.end)}"


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
