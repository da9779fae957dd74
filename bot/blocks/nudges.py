"""The nudge a rep receives, with its feedback buttons, in the rep's language."""

from __future__ import annotations

from bot.blocks.kit import Message, actions, button, context, render, section
from bot.ids import Action, Block, NudgeButton
from coaching.library import Language
from coaching.nudges import Feedback, NudgeChoice

FEEDBACK_BY_ACTION: dict[Action, Feedback] = {
    Action.NUDGE_HELPFUL: "helpful",
    Action.NUDGE_NOT_FOR_ME: "not_for_me",
    Action.NUDGE_SNOOZE: "snoozed",
}

BUTTON_LABELS: dict[Language, dict[Action, str]] = {
    "en": {
        Action.NUDGE_HELPFUL: "Helpful",
        Action.NUDGE_NOT_FOR_ME: "Not for me",
        Action.NUDGE_SNOOZE: "Snooze a week",
        Action.OPEN_LOG_FORM: "Log today",
    },
    "it": {
        Action.NUDGE_HELPFUL: "Utile",
        Action.NUDGE_NOT_FOR_ME: "Non fa per me",
        Action.NUDGE_SNOOZE: "Pausa di una settimana",
        Action.OPEN_LOG_FORM: "Registra oggi",
    },
}

PRIMARY = (Action.NUDGE_HELPFUL, Action.OPEN_LOG_FORM)

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
        chosen = [Action.OPEN_LOG_FORM]
    elif choice.practice:
        chosen = [Action.NUDGE_HELPFUL, Action.NUDGE_NOT_FOR_ME, Action.NUDGE_SNOOZE]
    else:
        chosen = [Action.NUDGE_SNOOZE]
    value = NudgeButton(nudge_id=nudge_id).dump()
    buttons = [
        button(action, BUTTON_LABELS[language][action], value, "primary" if action in PRIMARY else None)
        for action in chosen
    ]
    return {"text": text, "blocks": [section(text), actions(Block.NUDGE, *buttons)]}


def answered_message(original_blocks: list[dict], feedback: Feedback, language: Language) -> Message:
    """The nudge as it was, its buttons replaced by what the rep chose."""
    kept = [block for block in original_blocks if block.get("type") != "actions"]
    thanks = THANKS[language][feedback]
    return {"text": thanks, "blocks": [*kept, context(thanks)]}
