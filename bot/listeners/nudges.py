"""The buttons on a nudge: Helpful, Not for me, Snooze a week."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.after_answer import after_answer
from bot.blocks.kit import problem
from bot.blocks.nudges import FEEDBACK_BY_ACTION, answered_message
from bot.deps import Deps
from bot.ids import NudgeButton, read_payload
from bot.slack.home_tab import refresh_home
from coaching.feedback import record_feedback
from coaching.models import Nudge
from coaching.refusals import Refusal


def register(app: App, deps: Deps) -> None:
    for action_id, feedback in FEEDBACK_BY_ACTION.items():
        app.action(action_id)(feedback_listener(deps, feedback))


def feedback_listener(deps: Deps, feedback):
    def on_feedback(
        ack: Ack, body: dict, action: dict, context: BoltContext, respond: Respond, client: WebClient
    ) -> None:
        ack()
        try:
            button = read_payload(NudgeButton, action.get("value"))
        except Refusal as error:
            refused = problem(str(error), nothing_saved=False)
            after_answer(lambda: respond(replace_original=False, response_type="ephemeral", **refused))
            return
        after_answer(lambda: record(button, body, context, respond, client))

    def record(button: NudgeButton, body: dict, context: BoltContext, respond: Respond, client: WebClient) -> None:
        with deps.sessions.begin() as session:
            nudge = session.get(Nudge, button.nudge_id)
            if nudge is None or nudge.rep.user_id != context.user_id or nudge.rep.workspace_id != context.team_id:
                respond(
                    replace_original=False,
                    response_type="ephemeral",
                    **problem("That tip was not sent to you, so your answer was not recorded.", nothing_saved=False),
                )
                return
            record_feedback(session, nudge, feedback, deps.now())
            language = nudge.language
        if body.get("container", {}).get("type") == "view":  # clicked on the Home tab
            refresh_home(deps, client, context)
            return
        original = body.get("message", {}).get("blocks", [])
        respond(replace_original=True, **answered_message(original, feedback, language))

    on_feedback.__name__ = f"on_{feedback}"
    return on_feedback
