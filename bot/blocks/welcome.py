"""The welcome DM: what RepCoach does, and a button to log the first day."""

from __future__ import annotations

from bot.blocks.kit import Message, render, section
from bot.blocks.nudges import BUTTON_LABELS
from bot.ids import Action, Block
from coaching.library import Language


def welcome_message(language: Language) -> Message:
    text = render(f"welcome.{language}.md.j2")
    button = {
        "type": "button",
        "action_id": Action.OPEN_LOG_FORM,
        "value": "welcome",
        "style": "primary",
        "text": {"type": "plain_text", "text": BUTTON_LABELS[language][Action.OPEN_LOG_FORM]},
    }
    return {
        "text": text,
        "blocks": [section(text), {"type": "actions", "block_id": Block.WELCOME, "elements": [button]}],
    }
