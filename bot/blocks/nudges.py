"""The nudge a rep receives, with its feedback buttons, in the rep's language."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel

from bot.blocks.kit import Message, context, render, section
from coaching.library import Language
from coaching.nudges import Feedback, NudgeChoice


class ActionId(StrEnum):
    HELPFUL = "nudge_helpful"
    NOT_FOR_ME = "nudge_not_for_me"
    SNOOZE = "nudge_snooze"
    OPEN_LOG_FORM = "open_log_form"


FEEDBACK_BY_ACTION: dict[ActionId, Feedback] = {
    ActionId.HELPFUL: "helpful",
    ActionId.NOT_FOR_ME: "not_for_me",
    ActionId.SNOOZE: "snoozed",
}

BUTTON_LABELS: dict[Language, dict[ActionId, str]] = {
    "en": {
        ActionId.HELPFUL: "Helpful",
        ActionId.NOT_FOR_ME: "Not for me",
        ActionId.SNOOZE: "Snooze a week",
        ActionId.OPEN_LOG_FORM: "Log today",
    },
    "it": {
        ActionId.HELPFUL: "Utile",
        ActionId.NOT_FOR_ME: "Non fa per me",
        ActionId.SNOOZE: "Pausa di una settimana",
        ActionId.OPEN_LOG_FORM: "Registra oggi",
    },
}

THANKS: dict[Language, dict[Feedback, str]] = {
    "en": {
        "helpful": "Thanks! Marked as helpful: more like this.",
        "not_for_me": "Noted: you won't get this one again.",
        "snoozed": "Snoozed: no tips for a week. `/coach resume` brings them back sooner.",
    },
    "it": {
        "helpful": "Grazie! Segnato come utile: ne arriveranno altri simili.",
        "not_for_me": "Ricevuto: questo non te lo riproporrò.",
        "snoozed": "In pausa: niente consigli per una settimana. `/coach resume` li riattiva prima.",
    },
}


class NudgeButton(BaseModel):
    """What a nudge's button carries back to us."""

    nudge_id: int


def nudge_message(nudge_id: int, choice: NudgeChoice, language: Language) -> Message:
    focus = None
    if choice.focus:
        metric = choice.focus.metric
        label = metric.label_in(language)
        focus = {
            # Mid-sentence in English: "Your first-contact resolution", but "Your CSAT".
            "label": label if language != "en" or label[:2].isupper() else label[0].lower() + label[1:],
            "value": metric.format(choice.focus.value, language),
            "target": metric.format(choice.focus.target, language),
        }
    text = render(
        f"nudge.{language}.md.j2",
        kind=choice.kind,
        text=choice.practice.text(language) if choice.practice else None,
        focus=focus,
    )
    if choice.kind == "onboarding":
        actions = [ActionId.OPEN_LOG_FORM]
    elif choice.practice:
        actions = [ActionId.HELPFUL, ActionId.NOT_FOR_ME, ActionId.SNOOZE]
    else:
        actions = [ActionId.SNOOZE]
    value = NudgeButton(nudge_id=nudge_id).model_dump_json()
    buttons = [
        {
            "type": "button",
            "action_id": action,
            "value": value,
            "text": {"type": "plain_text", "text": BUTTON_LABELS[language][action]},
            **({"style": "primary"} if action in (ActionId.HELPFUL, ActionId.OPEN_LOG_FORM) else {}),
        }
        for action in actions
    ]
    return {"text": text, "blocks": [section(text), {"type": "actions", "block_id": "nudge", "elements": buttons}]}


def answered_message(original_blocks: list[dict], feedback: Feedback, language: Language) -> Message:
    """The nudge as it was, its buttons replaced by what the rep chose."""
    kept = [block for block in original_blocks if block.get("type") != "actions"]
    thanks = THANKS[language][feedback]
    return {"text": thanks, "blocks": [*kept, context(thanks)]}
