"""`/log`'s answers: the day as saved, and the help, in the rep's language."""

from __future__ import annotations

from bot.blocks.kit import Message, context, render, section
from coaching.definition import ScorecardDefinition
from coaching.fields import FIELD_BY_KEY, FIELDS, MAX_DAYS_BACK, date_aliases_in
from coaching.i18n import Language, translator
from coaching.outcomes import RecordedDay


def log_saved(recorded: RecordedDay, definition: ScorecardDefinition, language: Language) -> Message:
    labels = {change.key: FIELD_BY_KEY[change.key].label.in_language(language) for change in recorded.changes}
    fcr_rate = definition.by_key()["fcr_rate"]
    values = recorded.values
    text = render(
        "log_saved.md.j2",
        language=language,
        recorded=recorded,
        labels=labels,
        fcr=fcr_rate.format(values["fcr"] / values["contacts"], language)
        if values.get("fcr") is not None and values.get("contacts")
        else None,
    )
    see_scorecard = translator(language).gettext("See how the week adds up with `/scorecard`.")
    return {"text": text, "blocks": [section(text), context(see_scorecard)]}


def log_help(language: Language) -> Message:
    fields = [
        {"key": field.key, "aliases": field.aliases_in(language), "help": field.help.in_language(language)}
        for field in FIELDS
    ]
    text = render(
        "log_help.md.j2",
        language=language,
        fields=fields,
        date_aliases=date_aliases_in(language),
        days_back=MAX_DAYS_BACK,
    )
    return {"text": text, "blocks": [section(text)]}
