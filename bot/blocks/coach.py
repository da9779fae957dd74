"""`/coach`'s own messages: the help, and the question before forget-me erases anything."""

from __future__ import annotations

from bot.blocks.kit import Message, actions, button, render, section
from bot.blocks.nudges import BUTTON_LABELS
from bot.ids import Action, Block
from coaching.i18n import Language, translator


def coach_help(language: Language = "en") -> Message:
    labels = BUTTON_LABELS[language]
    buttons = {
        "trying": labels[Action.NUDGE_TRYING],
        "another": labels[Action.NUDGE_ANOTHER],
        "not_for_me": labels[Action.NUDGE_NOT_FOR_ME],
        "helped": labels[Action.FOLLOW_UP_HELPED],
        "no_difference": labels[Action.FOLLOW_UP_NO_DIFFERENCE],
        "not_yet": labels[Action.FOLLOW_UP_NOT_YET],
        "helpful": labels[Action.NUDGE_HELPFUL],
        "snooze": labels[Action.NUDGE_SNOOZE],
    }
    text = render("coach_help.md.j2", language=language, buttons=buttons)
    return {"text": text, "blocks": [section(text)]}


def forget_me_confirmation(language: Language = "en") -> Message:
    words = translator(language)
    text = words.gettext(
        ":warning: *Erase everything RepCoach holds about you?* Your logged days, settings, tips and your "
        "answers to them, kudos, and messages waiting to be sent. This cannot be undone."
    )
    buttons = actions(
        Block.FORGET_ME,
        button(Action.FORGET_ME_CONFIRM, words.gettext("Yes, erase my data"), "erase", "danger"),
        button(Action.FORGET_ME_CANCEL, words.gettext("Cancel"), "keep"),
    )
    return {"text": text, "blocks": [section(text), buttons]}
