"""The `/log` form: a modal with one input per figure the rep types (those their helpdesk gives shown read-only),
and reading its submission back, in the rep's language."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from bot.blocks.kit import context, section
from bot.ids import Action, Callback
from bot.slack.payloads import FieldState
from coaching.fields import DATE_KEY, FIELD_BY_KEY, FIELDS, LogInputError, LogRequest, Values, parse_day, parse_value
from coaching.helpdesk.given import NOTHING_GIVEN, GivenFigures
from coaching.i18n import Language, Text, translator


def log_modal(day: date, values: Values, language: Language, given: GivenFigures = NOTHING_GIVEN) -> dict:
    """The day's `values` pre-filled; the figures in `given` are the helpdesk's, shown but not asked."""
    words = translator(language)
    blocks: list[dict] = [
        {
            "type": "input",
            "block_id": DATE_KEY,
            "label": {"type": "plain_text", "text": words.gettext("Day")},
            "element": {"type": "datepicker", "action_id": Action.LOG_FIELD_VALUE, "initial_date": day.isoformat()},
        }
    ]
    if given.keys:
        figures = " · ".join(
            f"{field.label.in_language(language)} *{words.number(values[field.key]) if field.key in values else '–'}*"
            for field in FIELDS
            if field.key in given.keys
        )
        blocks.append(
            context(
                words.gettext(
                    ":inbox_tray: From %(helpdesk)s, no need to type them: %(figures)s",
                    helpdesk=given.helpdesk,
                    figures=figures,
                )
            )
        )
    for field in FIELDS:
        if field.key in given.keys:
            continue
        element = {
            "type": "number_input",
            "action_id": Action.LOG_FIELD_VALUE,
            "is_decimal_allowed": not field.whole,
            "min_value": _number(field.minimum),
            "max_value": _number(field.maximum),
        }
        if field.key in values:
            element["initial_value"] = _number(values[field.key])
        blocks.append(
            {
                "type": "input",
                "block_id": field.key,
                "optional": True,
                "label": {"type": "plain_text", "text": field.label.in_language(language)},
                "hint": {"type": "plain_text", "text": field.help.in_language(language).capitalize()},
                "element": element,
            }
        )
    return {
        "type": "modal",
        "callback_id": Callback.LOG_DAY,
        "title": {"type": "plain_text", "text": _title(language)},
        "submit": {"type": "plain_text", "text": words.gettext("Save")},
        "close": {"type": "plain_text", "text": words.gettext("Cancel")},
        "blocks": blocks,
    }


def saved_modal(text: str, language: Language) -> dict:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": _title(language)},
        "close": {"type": "plain_text", "text": translator(language).gettext("Done")},
        "blocks": [section(text)],
    }


def _title(language: Language) -> str:
    # Translators: a Slack modal's title, at most 24 characters.
    return translator(language).gettext("Log your day")


def read_submission(state_values: Mapping[str, Mapping[str, FieldState]]) -> tuple[LogRequest | None, dict[str, Text]]:
    """The submitted figures, or the errors to show on each field that is wrong (`field_errors` in a language)."""
    values: Values = {}
    errors: dict[str, Text] = {}
    day = None
    for block_id, actions in state_values.items():
        state = actions.get(Action.LOG_FIELD_VALUE, FieldState())
        try:
            if block_id == DATE_KEY:
                if state.selected_date:
                    day = parse_day(state.selected_date)
            elif block_id in FIELD_BY_KEY and state.value:
                values[block_id] = parse_value(FIELD_BY_KEY[block_id], state.value.strip())
        except LogInputError as error:
            errors[block_id] = error.message
    if errors:
        return None, errors
    return LogRequest(values, day), {}


def field_error(error: LogInputError) -> dict[str, Text]:
    return {error.key or DATE_KEY: error.message}


def field_errors(errors: Mapping[str, Text], language: Language) -> dict[str, str]:
    return {block_id: message.in_language(language) for block_id, message in errors.items()}


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
