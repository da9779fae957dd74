"""`/coach forget-me`: erase everything RepCoach holds about you, after you confirm."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext

from bot.after_answer import after_answer
from bot.blocks.kit import simple
from bot.deps import Deps
from bot.ids import Action
from bot.slack.context import who
from bot.slack.payloads import tell
from coaching.privacy import forget


def register(app: App, deps: Deps) -> None:
    @app.action(Action.FORGET_ME_CONFIRM)
    def confirmed(ack: Ack, context: BoltContext) -> None:
        ack()
        after_answer(lambda: erase(context))

    def erase(context: BoltContext) -> None:
        with deps.sessions.begin() as session:
            forget(session, *who(context))
        tell(
            context, simple(":wastebasket: Done: everything RepCoach held about you is erased."), replace_original=True
        )

    @app.action(Action.FORGET_ME_CANCEL)
    def cancelled(ack: Ack, context: BoltContext) -> None:
        ack()
        after_answer(lambda: tell(context, simple("Nothing was erased."), replace_original=True))
