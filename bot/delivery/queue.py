"""The welcome DM a person gets once: when they first open the app's Home, or join a team."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.blocks.kit import Message, render, section
from bot.blocks.nudges import BUTTON_LABELS, ActionId
from bot.deps import Deps
from coaching import preferences
from coaching.library import Language
from coaching.models import Rep
from coaching.outbox import queue_message


def welcome_message(language: Language) -> Message:
    text = render(f"welcome.{language}.md.j2")
    button = {
        "type": "button",
        "action_id": ActionId.OPEN_LOG_FORM,
        "value": "welcome",
        "style": "primary",
        "text": {"type": "plain_text", "text": BUTTON_LABELS[language][ActionId.OPEN_LOG_FORM]},
    }
    return {"text": text, "blocks": [section(text), {"type": "actions", "block_id": "welcome", "elements": [button]}]}


def queue_welcome(session: Session, deps: Deps, rep: Rep) -> bool:
    """Queues the welcome unless this person already had it; the key makes it once per person."""
    return queue_message(
        session=session,
        workspace_id=rep.workspace_id,
        kind="welcome",
        recipient=rep.user_id,
        key=f"welcome:{rep.workspace_id}:{rep.user_id}",
        message=welcome_message(preferences.language(rep)),
        now=deps.now(),
    )
