"""The buttons on a coaching DM: a tip's Helpful, Not for me, Snooze a week; the week's start's I'll try it,
Another one, Not for me; the follow-up's Helped, Tried no difference, Not yet."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.after_answer import after_answer
from bot.blocks import kit
from bot.blocks.kit import Message, problem
from bot.blocks.nudges import FEEDBACK_BY_ACTION, answered_message, nudge_message
from bot.deps import Deps
from bot.ids import Action, NudgeButton, read_payload
from bot.slack.context import who
from bot.slack.home_tab import refresh_home
from bot.slack.payloads import BlockActions, actions_part, tell
from bot.slack.profiles import reader_language
from coaching.answers import answer_nudge
from coaching.feedback import record_feedback
from coaching.i18n import Text, lazy_gettext
from coaching.library import Language
from coaching.models import Nudge
from coaching.nudges import Feedback
from coaching.refusals import Refusal
from coaching.schedule import plan_another

NOT_YOURS = lazy_gettext("That tip was not sent to you, so your answer was not recorded.")
NOTHING_FRESH = lazy_gettext(
    "That was every practice I have for this focus right now; I'll bring new ones in the weeks to come."
)


def register(app: App, deps: Deps) -> None:
    for action_id, feedback in FEEDBACK_BY_ACTION.items():
        app.action(action_id)(answer_listener(deps, feedback))
    app.action(Action.NUDGE_ANOTHER)(answer_listener(deps, "another"))


def answer_listener(deps: Deps, feedback: Feedback):
    def on_answer(ack: Ack, context: BoltContext, client: WebClient) -> None:
        ack()
        clicked = actions_part(context)
        try:
            button = read_payload(NudgeButton, clicked.action.value)
        except Refusal as error:
            # After the answer, where asking Slack a newcomer's language holds nobody up.
            message = error.message
            after_answer(lambda: refuse(message, context, client))
            return
        after_answer(lambda: record(button, clicked, context, client))

    def refuse(message: Text, context: BoltContext, client: WebClient) -> None:
        refused_in = reader_language(deps.sessions, client, *who(context))
        tell(context, problem(message, nothing_saved=False, language=refused_in))

    def record(button: NudgeButton, clicked: BlockActions, context: BoltContext, client: WebClient) -> None:
        with deps.sessions.begin() as session:
            nudge = session.get(Nudge, button.nudge_id)
            mine = nudge is not None and (nudge.rep.user_id, nudge.rep.workspace_id) == (
                context.user_id,
                context.team_id,
            )
            if nudge is not None and mine:
                # On the week's start, Not for me also offers another practice for the same focus.
                swap = feedback == "another" or (feedback == "not_for_me" and button.week_start)
                if swap:
                    record_feedback(session, nudge, feedback, deps.now())
                    reply = _another(session, deps, nudge)
                else:
                    answer_nudge(session=session, nudge=nudge, answer=feedback, now=deps.now())
                    reply = None
                language: Language = "it" if nudge.language == "it" else "en"
        if not mine:
            refused_in = reader_language(deps.sessions, client, *who(context))
            tell(context, problem(NOT_YOURS, nothing_saved=False, language=refused_in))
            return
        if clicked.container.type == "view":  # clicked on the Home tab
            refresh_home(deps, client, context)
            return
        if reply is None:
            reply = answered_message(clicked.message.blocks, feedback, language)
            if swap:  # nothing fresh to swap in
                reply["blocks"].append(kit.context(NOTHING_FRESH.in_language(language)))
        tell(context, reply, replace_original=True)

    on_answer.__name__ = f"on_{feedback}"
    return on_answer


def _another(session: Session, deps: Deps, nudge: Nudge) -> Message | None:
    planned = plan_another(
        session=session, nudge=nudge, at=deps.now(), library=deps.library, definition=deps.definition, seed=deps.seed
    )
    if planned is None:
        return None
    return nudge_message(planned.nudge_id, planned.choice, planned.language, week_start=True)
