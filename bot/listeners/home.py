"""The Home tab: published when opened, kept fresh after changes, with its settings controls."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.after_answer import after_answer
from bot.blocks.kit import problem
from bot.delivery.queue import queue_welcome
from bot.delivery.sender import OutboxSender
from bot.deps import Deps
from bot.ids import Action
from bot.slack.context import who, workspace
from bot.slack.home_tab import publish_home, refresh_home
from bot.slack.payloads import ActionPart, actions_part, tell
from bot.slack.profiles import reader_language, rep_with_profile
from coaching import preferences
from coaching.i18n import Text, lazy_gettext
from coaching.refusals import Refusal
from coaching.reps import local_today


def register(app: App, deps: Deps) -> None:
    @app.event("app_home_opened")
    def home_opened(event: dict, client: WebClient, context: BoltContext) -> None:
        # bot.slack.payloads has checked the event's user and that it names a workspace.
        if event.get("tab") == "home":
            after_answer(lambda: publish_opened(client, workspace(context), event["user"]))

    def publish_opened(client: WebClient, workspace_id: str, user_id: str) -> None:
        with deps.sessions.begin() as session:
            rep = rep_with_profile(session, client, workspace_id, user_id, deps.now())
            welcomed = queue_welcome(session=session, deps=deps, rep=rep)
            publish_home(session, client, deps, rep, deps.now())
        if welcomed:
            OutboxSender(deps).drain()

    def setting(action_id: Action, change) -> None:
        @app.action(action_id)
        def changed(ack: Ack, client: WebClient, context: BoltContext) -> None:
            action = actions_part(context).action
            # Stored before the ack, so what Slack shows next already has it.
            try:
                with deps.sessions.begin() as session:
                    rep = rep_with_profile(session, client, *who(context), deps.now())
                    change(rep, action, local_today(rep, deps.now()))
            except Refusal as error:
                ack()
                # The Home tab has no ephemeral answer: `tell` says why in the app's own DM.
                message = error.message
                after_answer(lambda: refuse(message, client, context))
                return
            ack()
            after_answer(lambda: refresh_home(deps, client, context))

    def refuse(message: Text, client: WebClient, context: BoltContext) -> None:
        refused_in = reader_language(deps.sessions, client, *who(context))
        tell(context, problem(message, language=refused_in))

    setting(
        Action.HOME_TIME,
        lambda rep, action, _today: preferences.set_nudge_time(rep=rep, text=_chosen(action.selected_time)),
    )
    setting(
        Action.HOME_LANGUAGE,
        lambda rep, action, _today: preferences.set_language(
            rep=rep, text=_chosen(action.selected_option.value if action.selected_option else None)
        ),
    )
    setting(Action.HOME_DAYS, _set_days)
    setting(Action.HOME_PAUSE, _toggle_pause)


def _chosen(value: str | None) -> str:
    if not value:
        raise preferences.PreferenceError(
            lazy_gettext("Slack sent that setting without a choice in it; pick again on your Home tab.")
        )
    return value


def _set_days(rep, action: ActionPart, _today) -> None:
    chosen = [option.value for option in action.selected_options]
    # Unticking every day would silence tips for good; pausing says that better, so keep the days.
    if chosen:
        preferences.set_work_days(rep=rep, text=",".join(chosen))


def _toggle_pause(rep, _action: ActionPart, today) -> None:
    if preferences.is_paused(rep, today):
        preferences.resume_tips(rep=rep)
    else:
        preferences.pause_tips(rep=rep, today=today)
