"""The welcome DM: what RepCoach does, and a button to log the first day."""

from __future__ import annotations

from bot.blocks.kit import Message, actions, button, render, section
from bot.blocks.log import log_example
from bot.blocks.nudges import BUTTON_LABELS
from bot.ids import Action, Block
from coaching.helpdesk.given import NOTHING_GIVEN, GivenFigures
from coaching.library import Language


def welcome_message(language: Language, given: GivenFigures = NOTHING_GIVEN) -> Message:
    """The example `/log` holds only figures the rep types: none their helpdesk gives."""
    text = render("welcome.md.j2", language=language, example=log_example(given, 3, language))
    log_today = button(Action.OPEN_LOG_FORM, BUTTON_LABELS[language][Action.OPEN_LOG_FORM], "welcome", "primary")
    return {"text": text, "blocks": [section(text), actions(Block.WELCOME, log_today)]}
