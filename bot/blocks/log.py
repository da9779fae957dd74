"""`/log`'s answers: the day as saved, and the help, in the rep's language."""

from __future__ import annotations

from bot.blocks.kit import Message, context, render, section
from coaching.definition import ScorecardDefinition
from coaching.fields import FIELD_BY_KEY, FIELDS, MAX_DAYS_BACK, LoggedField, date_aliases_in
from coaching.helpdesk.given import NOTHING_GIVEN, GivenFigures
from coaching.i18n import Language, translator
from coaching.outcomes import RecordedDay

# A day as someone might type it, in the order examples take from it: a rep whose helpdesk gives some figures is
# shown the first of the others.
EXAMPLE_DAY: tuple[tuple[str, float], ...] = (
    ("contacts", 30),
    ("fcr", 24),
    ("csat", 4.6),
    ("aht", 7.5),
    ("recommit", 9),
    ("upsells", 3),
    ("practices", 1),
)


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


def log_example(given: GivenFigures, figures: int, language: Language) -> str:
    """A `/log` of up to `figures` figures, none of them the rep's helpdesk's, as a reader of `language` would type
    it: in Italian with the Italian names (a figure called alike in both keeps its key) and decimal commas."""
    words = translator(language)
    typed = [
        f"{_name_in(FIELD_BY_KEY[key], language)}={words.number(value)}"
        for key, value in EXAMPLE_DAY
        if key not in given.keys
    ]
    return " ".join(["/log", *typed[:figures]])


def _name_in(field: LoggedField, language: Language) -> str:
    if language == "en" or field.label.in_language(language) == field.label.in_language("en"):
        return field.key
    return field.aliases_in(language)[0]


def log_help(language: Language, given: GivenFigures = NOTHING_GIVEN) -> Message:
    """The keys the rep can log, and which ones their helpdesk gives instead."""
    fields = [
        {"key": field.key, "aliases": field.aliases_in(language), "help": field.help.in_language(language)}
        for field in FIELDS
        if field.key not in given.keys
    ]
    from_helpdesk = translator(language).list_of(f"`{field.key}`" for field in FIELDS if field.key in given.keys)
    text = render(
        "log_help.md.j2",
        language=language,
        fields=fields,
        date_aliases=date_aliases_in(language),
        days_back=MAX_DAYS_BACK,
        helpdesk=given.helpdesk,
        from_helpdesk=from_helpdesk,
        contacts_typed="contacts" not in given.keys,
        example=log_example(given, 5, language),
    )
    return {"text": text, "blocks": [section(text)]}
