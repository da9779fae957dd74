"""`/coach forget-me`: erase everything RepCoach holds about you, after you confirm."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext, Respond

from bot.after_answer import after_answer
from bot.blocks.kit import Message, section, simple
from bot.deps import Deps
from bot.ids import Action, Block
from coaching.privacy import forget


def confirmation() -> Message:
    text = (
        ":warning: *Erase everything RepCoach holds about you?* Your logged days, settings, tips and your "
        "answers to them, kudos, and messages waiting to be sent. This cannot be undone."
    )
    buttons = [
        {
            "type": "button",
            "action_id": Action.FORGET_ME_CONFIRM,
            "style": "danger",
            "value": "erase",
            "text": {"type": "plain_text", "text": "Yes, erase my data"},
        },
        {
            "type": "button",
            "action_id": Action.FORGET_ME_CANCEL,
            "value": "keep",
            "text": {"type": "plain_text", "text": "Cancel"},
        },
    ]
    return {
        "text": text,
        "blocks": [section(text), {"type": "actions", "block_id": Block.FORGET_ME, "elements": buttons}],
    }


def register(app: App, deps: Deps) -> None:
    @app.action(Action.FORGET_ME_CONFIRM)
    def confirmed(ack: Ack, context: BoltContext, respond: Respond) -> None:
        ack()
        after_answer(lambda: erase(context, respond))

    def erase(context: BoltContext, respond: Respond) -> None:
        with deps.sessions.begin() as session:
            forget(session, context.team_id, context.user_id)
        respond(replace_original=True, **simple(":wastebasket: Done: everything RepCoach held about you is erased."))

    @app.action(Action.FORGET_ME_CANCEL)
    def cancelled(ack: Ack, respond: Respond) -> None:
        ack()
        after_answer(lambda: respond(replace_original=True, **simple("Nothing was erased.")))
