"""`/log`'s answers: the day as saved, and the help."""

from __future__ import annotations

from bot.blocks.kit import Message, context, render, section
from coaching.definition import ScorecardDefinition
from coaching.fields import DATE_ALIASES, FIELDS, MAX_DAYS_BACK
from coaching.outcomes import RecordedDay


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
