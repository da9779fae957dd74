"""The coaching DMs a rep receives (a tip, the week's start, its follow-up and wrap-up), with their buttons, in the
rep's language."""

from __future__ import annotations

from bot.blocks.kit import Message, actions, button, context, render, section
from bot.ids import Action, Block, NudgeButton
from coaching.i18n import LANGUAGES, Language, Text, lazy_gettext
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

_BUTTON_TEXT: dict[Action, Text] = {
    Action.NUDGE_HELPFUL: lazy_gettext("Helpful"),
    Action.NUDGE_NOT_FOR_ME: lazy_gettext("Not for me"),
    Action.NUDGE_SNOOZE: lazy_gettext("Snooze a week"),
    Action.NUDGE_TRYING: lazy_gettext("I'll try it"),
    Action.NUDGE_ANOTHER: lazy_gettext("Another one"),
    Action.FOLLOW_UP_HELPED: lazy_gettext("Helped"),
    Action.FOLLOW_UP_NO_DIFFERENCE: lazy_gettext("Tried, no difference"),
    Action.FOLLOW_UP_NOT_YET: lazy_gettext("Not yet"),
    Action.OPEN_LOG_FORM: lazy_gettext("Log today"),
}
BUTTON_LABELS: dict[Language, dict[Action, str]] = {
    language: {action: text.in_language(language) for action, text in _BUTTON_TEXT.items()} for language in LANGUAGES
}

# A daily tip's buttons, also under each tip on the Home tab.
TIP_ACTIONS = (Action.NUDGE_HELPFUL, Action.NUDGE_NOT_FOR_ME, Action.NUDGE_SNOOZE)
PRIMARY = (Action.NUDGE_HELPFUL, Action.NUDGE_TRYING, Action.FOLLOW_UP_HELPED, Action.OPEN_LOG_FORM)

THANKS: dict[Feedback, Text] = {
    "helpful": lazy_gettext("Thanks! Marked as helpful: more like this."),
    "not_for_me": lazy_gettext("Noted: you won't get this one again."),
    "snoozed": lazy_gettext("Snoozed: no tips for a week. `/coach resume` brings them back sooner."),
    "trying": lazy_gettext("Great: it's your practice for this week. I'll check in mid-week."),
    "another": lazy_gettext("Here is another one for the same focus."),
    "no_difference": lazy_gettext(
        "Thanks for trying it: that counts as a practice tried today, and it helps the team learn."
    ),
    "not_yet": lazy_gettext("No rush: there's still time this week."),
}

# How the week's focus moved, for the wrap-up.
MOVEMENT: dict[str, Text] = {
    "met": lazy_gettext("That meets the target: well done."),
    "better": lazy_gettext("Better than where it started: keep going."),
    "worse": lazy_gettext("Lower than where it started; next week's focus picks up from here."),
    "same": lazy_gettext("About where it started."),
}


def nudge_message(nudge_id: int, choice: NudgeChoice, language: Language, *, week_start: bool = False) -> Message:
    """A coaching DM. `week_start` marks the cycle's first message of the week, with its own buttons."""
    focus = _focus(choice, language)
    text = render(
        "nudge.md.j2",
        language=language,
        kind=choice.kind,
        text=choice.practice.text(language) if choice.practice else None,
        focus=focus,
        days=choice.days,
        missing=[metric.label_in(language) for metric in choice.missing],
        before=_format(choice, choice.before, language),
        movement=MOVEMENT[_movement(choice)].in_language(language) if choice.kind == "wrap_up" else "",
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
    thanks = THANKS[feedback].in_language(language)
    return {"text": thanks, "blocks": [*kept, context(thanks)]}
