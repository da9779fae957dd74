"""`/coach forget-me`: erase everything RepCoach holds about you, after you confirm."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext, Respond

from bot.after_answer import after_answer
from bot.blocks.kit import simple
from bot.deps import Deps
from bot.ids import Action
from bot.slack.context import who
from coaching.privacy import forget


def register(app: App, deps: Deps) -> None:
    @app.action(Action.FORGET_ME_CONFIRM)
    def confirmed(ack: Ack, context: BoltContext, respond: Respond) -> None:
        ack()
        after_answer(lambda: erase(context, respond))

    def erase(context: BoltContext, respond: Respond) -> None:
        with deps.sessions.begin() as session:
            forget(session, *who(context))
        respond(replace_original=True, **simple(":wastebasket: Done: everything RepCoach held about you is erased."))

    @app.action(Action.FORGET_ME_CANCEL)
    def cancelled(ack: Ack, respond: Respond) -> None:
        ack()
        after_answer(lambda: respond(replace_original=True, **simple("Nothing was erased.")))
