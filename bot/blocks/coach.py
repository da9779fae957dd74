"""`/coach`'s own messages: the help, and the question before forget-me erases anything."""

from __future__ import annotations

from bot.blocks.kit import Message, actions, button, render, section
from bot.ids import Action, Block


def coach_help() -> Message:
    text = render("coach_help.md.j2")
    return {"text": text, "blocks": [section(text)]}


def forget_me_confirmation() -> Message:
    text = (
        ":warning: *Erase everything RepCoach holds about you?* Your logged days, settings, tips and your "
        "answers to them, kudos, and messages waiting to be sent. This cannot be undone."
    )
    buttons = actions(
        Block.FORGET_ME,
        button(Action.FORGET_ME_CONFIRM, "Yes, erase my data", "erase", "danger"),
        button(Action.FORGET_ME_CANCEL, "Cancel", "keep"),
    )
    return {"text": text, "blocks": [section(text), buttons]}
