"""Every action, callback and block id the app puts into Slack, and the payloads its buttons carry.

A listener is registered by the same enum member the builder used, so an id cannot drift between them. A
button's value is a pydantic model dumped to JSON and validated back by the listener with `read_payload`: a value
we did not make (edited, or from an older build) is a `Refusal` answered to the person, never a traceback.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from coaching.i18n import lazy_gettext
from coaching.refusals import Refusal


class Action(StrEnum):
    NUDGE_HELPFUL = "nudge_helpful"
    NUDGE_NOT_FOR_ME = "nudge_not_for_me"
    NUDGE_SNOOZE = "nudge_snooze"
    # The week's start in the coaching cycle, and its mid-week follow-up.
    NUDGE_TRYING = "nudge_trying"
    NUDGE_ANOTHER = "nudge_another"
    FOLLOW_UP_HELPED = "follow_up_helped"
    FOLLOW_UP_NO_DIFFERENCE = "follow_up_no_difference"
    FOLLOW_UP_NOT_YET = "follow_up_not_yet"
    OPEN_LOG_FORM = "open_log_form"
    HOME_TIME = "home_time"
    HOME_DAYS = "home_days"
    HOME_LANGUAGE = "home_language"
    HOME_PAUSE = "home_pause"
    FORGET_ME_CONFIRM = "forget_me_confirm"
    FORGET_ME_CANCEL = "forget_me_cancel"
    # Each input of the /log form; its block id is the figure's key (see bot.blocks.log_form).
    LOG_FIELD_VALUE = "value"


class Callback(StrEnum):
    LOG_DAY = "log_day"


class Block(StrEnum):
    NUDGE = "nudge"
    WELCOME = "welcome"
    FORGET_ME = "forget_me"
    HOME_LOG = "home_log"
    HOME_SETTINGS = "home_settings"
    HOME_DAYS = "home_days"
    # One per tip on the Home tab: `home_nudge_<nudge id>`, see `home_nudge_block`.
    HOME_NUDGE = "home_nudge"


def home_nudge_block(nudge_id: int) -> str:
    return f"{Block.HOME_NUDGE}_{nudge_id}"


class Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def dump(self) -> str:
        return self.model_dump_json()


class NudgeButton(Payload):
    """What a nudge's buttons carry back: which nudge was answered, and whether it was the week's start of the
    coaching cycle (there, Not for me offers another practice for the same focus)."""

    # Within a database integer: a larger id is no nudge of ours, and would not even reach the query.
    nudge_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    week_start: bool = False


class BadPayload(Refusal):
    """A button or form whose value we did not make."""


P = TypeVar("P", bound=Payload)


def read_payload(model: type[P], raw: object) -> P:
    """The payload `model` from a button's value or a view's `private_metadata`, or a `BadPayload` refusal."""
    try:
        return model.model_validate_json(raw if isinstance(raw, str | bytes) else "")
    except ValidationError:
        raise BadPayload(lazy_gettext("That button is not one I recognise, so nothing was recorded.")) from None
