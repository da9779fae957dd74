"""The coaching DMs a rep receives (a tip, the week's start, its follow-up and wrap-up), with their buttons, in the
rep's language."""

from __future__ import annotations

from bot.blocks.kit import Message, actions, button, context, render, section
from bot.ids import Action, Block, NudgeButton
from coaching.library import Language
from coaching.nudges import Feedback, NudgeChoice

FEEDBACK_BY_ACTION: dict[Action, Feedback] = {
    Action.NUDGE_HELPFUL: "helpful",
    Action.NUDGE_NOT_FOR_ME: "not_for_me",
    Action.NUDGE_SNOOZE: "snoozed",
    Action.NUDGE_TRYING: "trying",
    Action.FOLLOW_UP_HELPED: "helpful",
    Action.FOLLOW_UP_NO_DIFFERENCE: "no_difference",
    Action.FOLLOW_UP_NOT_YET: "not_yet",
}

BUTTON_LABELS: dict[Language, dict[Action, str]] = {
    "en": {
        Action.NUDGE_HELPFUL: "Helpful",
        Action.NUDGE_NOT_FOR_ME: "Not for me",
        Action.NUDGE_SNOOZE: "Snooze a week",
        Action.NUDGE_TRYING: "I'll try it",
        Action.NUDGE_ANOTHER: "Another one",
        Action.FOLLOW_UP_HELPED: "Helped",
        Action.FOLLOW_UP_NO_DIFFERENCE: "Tried, no difference",
        Action.FOLLOW_UP_NOT_YET: "Not yet",
        Action.OPEN_LOG_FORM: "Log today",
    },
    "it": {
        Action.NUDGE_HELPFUL: "Utile",
        Action.NUDGE_NOT_FOR_ME: "Non fa per me",
        Action.NUDGE_SNOOZE: "Pausa di una settimana",
        Action.NUDGE_TRYING: "La provo",
        Action.NUDGE_ANOTHER: "Un'altra",
        Action.FOLLOW_UP_HELPED: "Mi ha aiutato",
        Action.FOLLOW_UP_NO_DIFFERENCE: "Provata, nessuna differenza",
        Action.FOLLOW_UP_NOT_YET: "Non ancora",
        Action.OPEN_LOG_FORM: "Registra oggi",
    },
}

# A daily tip's buttons, also under each tip on the Home tab.
TIP_ACTIONS = (Action.NUDGE_HELPFUL, Action.NUDGE_NOT_FOR_ME, Action.NUDGE_SNOOZE)
PRIMARY = (Action.NUDGE_HELPFUL, Action.NUDGE_TRYING, Action.FOLLOW_UP_HELPED, Action.OPEN_LOG_FORM)

THANKS: dict[Language, dict[Feedback, str]] = {
    "en": {
        "helpful": "Thanks! Marked as helpful: more like this.",
        "not_for_me": "Noted: you won't get this one again.",
        "snoozed": "Snoozed: no tips for a week. `/coach resume` brings them back sooner.",
        "trying": "Great: it's your practice for this week. I'll check in mid-week.",
        "another": "Here is another one for the same focus.",
        "no_difference": "Thanks for trying it: that counts as a practice tried today, and it helps the team learn.",
        "not_yet": "No rush: there's still time this week.",
    },
    "it": {
        "helpful": "Grazie! Segnato come utile: ne arriveranno altri simili.",
        "not_for_me": "Ricevuto: questo non te lo riproporrò.",
        "snoozed": "In pausa: niente consigli per una settimana. `/coach resume` li riattiva prima.",
        "trying": "Ottimo: è la tua pratica di questa settimana. Ti chiederò come va a metà settimana.",
        "another": "Eccone un'altra per lo stesso obiettivo.",
        "no_difference": "Grazie per averla provata: conta come pratica provata oggi e aiuta il team a imparare.",
        "not_yet": "Nessuna fretta: c'è ancora tempo questa settimana.",
    },
}

# How the week's focus moved, for the wrap-up.
MOVEMENT: dict[Language, dict[str, str]] = {
    "en": {
        "met": "That meets the target: well done.",
        "better": "Better than where it started: keep going.",
        "worse": "Lower than where it started; next week's focus picks up from here.",
        "same": "About where it started.",
    },
    "it": {
        "met": "Target raggiunto: ottimo lavoro.",
        "better": "Meglio di dove era partito: continua così.",
        "worse": "Peggio di dove era partito; l'obiettivo della prossima settimana riparte da qui.",
        "same": "Più o meno dove era partito.",
    },
}


def nudge_message(nudge_id: int, choice: NudgeChoice, language: Language, *, week_start: bool = False) -> Message:
    """A coaching DM. `week_start` marks the cycle's first message of the week, with its own buttons."""
    focus = _focus(choice, language)
    text = render(
        f"nudge.{language}.md.j2",
        kind=choice.kind,
        text=choice.practice.text(language) if choice.practice else None,
        focus=focus,
        days=choice.days,
        missing=[metric.label_in(language) for metric in choice.missing],
        before=_format(choice, choice.before, language),
        movement=MOVEMENT[language][_movement(choice)] if choice.kind == "wrap_up" else "",
        weekly=week_start,
    )
    chosen = _buttons(choice, week_start)
    if not chosen:
        return {"text": text, "blocks": [section(text)]}
    value = NudgeButton(nudge_id=nudge_id, week_start=week_start).dump()
    buttons = [
        button(action, BUTTON_LABELS[language][action], value, "primary" if action in PRIMARY else None)
        for action in chosen
    ]
    return {"text": text, "blocks": [section(text), actions(Block.NUDGE, *buttons)]}


def _buttons(choice: NudgeChoice, week_start: bool) -> list[Action]:
    if choice.kind in ("onboarding", "incomplete"):
        return [Action.OPEN_LOG_FORM]
    if choice.kind == "follow_up":
        return [Action.FOLLOW_UP_HELPED, Action.FOLLOW_UP_NO_DIFFERENCE, Action.FOLLOW_UP_NOT_YET]
    if choice.kind in ("wrap_up", "rest"):
        return []
    if choice.practice and week_start:
        return [Action.NUDGE_TRYING, Action.NUDGE_ANOTHER, Action.NUDGE_NOT_FOR_ME]
    if choice.practice:
        return list(TIP_ACTIONS)
    return [Action.NUDGE_SNOOZE]


def _focus(choice: NudgeChoice, language: Language) -> dict[str, object] | None:
    if not choice.focus:
        return None
    metric = choice.focus.metric
    label = metric.label_in(language)
    return {
        # Mid-sentence in English: "Your first-contact resolution", but "Your CSAT".
        "label": label if language != "en" or label[:2].isupper() else label[0].lower() + label[1:],
        "value": metric.format(choice.focus.value, language),
        "target": metric.format(choice.focus.target, language),
        "days": choice.focus.days,
        "thin": choice.focus.thin,
    }


def _format(choice: NudgeChoice, value: float | None, language: Language) -> str | None:
    if value is None or choice.focus is None:
        return None
    return choice.focus.metric.format(value, language)


def _movement(choice: NudgeChoice) -> str:
    focus = choice.focus
    if focus is None:
        return "same"
    if focus.metric.meets(focus.value, focus.target):
        return "met"
    if choice.before is None or not focus.metric.visible(focus.value - choice.before):
        return "same"
    higher = focus.value > choice.before
    return "better" if higher == (focus.metric.direction == "higher") else "worse"


def answered_message(original_blocks: list[dict], feedback: Feedback, language: Language) -> Message:
    """The nudge as it was, its buttons replaced by what the rep chose."""
    kept = [block for block in original_blocks if block.get("type") != "actions"]
    thanks = THANKS[language][feedback]
    return {"text": thanks, "blocks": [*kept, context(thanks)]}
