"""The `/log` form: a modal with one input per figure, and reading its submission back."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from bot.blocks.kit import section
from bot.ids import Action, Callback
from bot.slack.payloads import FieldState
from coaching.fields import DATE_KEY, FIELD_BY_KEY, FIELDS, LogInputError, LogRequest, Values, parse_day, parse_value


def log_modal(day: date, values: Values) -> dict:
    blocks: list[dict] = [
        {
            "type": "input",
            "block_id": DATE_KEY,
            "label": {"type": "plain_text", "text": "Day"},
            "element": {"type": "datepicker", "action_id": Action.LOG_FIELD_VALUE, "initial_date": day.isoformat()},
        }
    ]
    for field in FIELDS:
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
                "label": {"type": "plain_text", "text": str(field.label)},
                "hint": {"type": "plain_text", "text": str(field.help).capitalize()},
                "element": element,
            }
        )
    return {
        "type": "modal",
        "callback_id": Callback.LOG_DAY,
        "title": {"type": "plain_text", "text": "Log your day"},
        "submit": {"type": "plain_text", "text": "Save"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    }


def saved_modal(text: str) -> dict:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Log your day"},
        "close": {"type": "plain_text", "text": "Done"},
        "blocks": [section(text)],
    }


def read_submission(state_values: Mapping[str, Mapping[str, FieldState]]) -> tuple[LogRequest | None, dict[str, str]]:
    """The submitted figures, or the errors to show on each field that is wrong."""
    values: Values = {}
    errors: dict[str, str] = {}
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
            errors[block_id] = str(error)
    if errors:
        return None, errors
    return LogRequest(values, day), {}


def field_error(error: LogInputError) -> dict[str, str]:
    return {error.key or DATE_KEY: str(error)}


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
