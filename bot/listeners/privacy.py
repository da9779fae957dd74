"""`/coach forget-me`: erase everything RepCoach holds about you, after you confirm."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.after_answer import after_answer
from bot.blocks.kit import simple
from bot.deps import Deps
from bot.ids import Action
from bot.slack.context import who
from bot.slack.erasure import erase_in_slack
from bot.slack.payloads import tell
from bot.slack.profiles import reader_language
from coaching.i18n import translator
from coaching.privacy import forget


def register(app: App, deps: Deps) -> None:
    @app.action(Action.FORGET_ME_CONFIRM)
    def confirmed(ack: Ack, client: WebClient, context: BoltContext) -> None:
        ack()
        after_answer(lambda: erase(client, context))

    def erase(client: WebClient, context: BoltContext) -> None:
        # Read before the erasure, which takes the chosen language with everything else.
        erased_in = reader_language(deps.sessions, client, *who(context))
        with deps.sessions.begin() as session:
            erasure = forget(session, *who(context))
        done = simple(
            translator(erased_in).gettext(":wastebasket: Done: everything RepCoach held about you is erased.")
        )
        tell(context, done, replace_original=True)
        # Then Slack's copies: the DMs you got, and the posts and summaries that named you.
        erase_in_slack(deps.slack_clients, erasure.in_slack)

    @app.action(Action.FORGET_ME_CANCEL)
    def cancelled(ack: Ack, client: WebClient, context: BoltContext) -> None:
        ack()
        after_answer(lambda: kept(client, context))

    def kept(client: WebClient, context: BoltContext) -> None:
        words = translator(reader_language(deps.sessions, client, *who(context)))
        tell(context, simple(words.gettext("Nothing was erased.")), replace_original=True)
