"""`/log`: a rep records a day's outcomes, as text or through the form."""

from __future__ import annotations

from datetime import date, datetime

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.after_answer import after_answer
from bot.blocks.kit import problem
from bot.blocks.log import log_help, log_saved
from bot.blocks.log_form import field_error, field_errors, log_modal, read_submission, saved_modal
from bot.deps import Deps
from bot.ids import Action, Callback
from bot.slack.context import who
from bot.slack.home_tab import refresh_home
from bot.slack.payloads import actions_part, command_part, view_part
from bot.slack.profiles import known_profile, profile_with_refresh, reader_language
from coaching.db import on_their_own
from coaching.fields import LogInputError, LogRequest, check_day, parse_log_text
from coaching.helpdesk.given import NOTHING_GIVEN, GivenFigures, given_figures
from coaching.i18n import Language
from coaching.outcomes import RecordedDay, day_values, record_day, record_first_log
from coaching.preferences import language
from coaching.reps import RepProfile, find_rep, local_today

HELP_WORDS = {"help", "aiuto", "?", "-h", "--help"}


def register(app: App, deps: Deps) -> None:
    on_its_own = on_their_own(deps.engine)

    def save(client: WebClient, context: BoltContext, request: LogRequest) -> tuple[RecordedDay, Language]:
        """Stores the day, or raises LogInputError and stores nothing.

        A known rep's first log of a day, without a helpdesk, is two statements that each commit by themselves
        (coaching.db.on_their_own): their profile, then one INSERT. A transaction would add a BEGIN and a COMMIT
        round trip to the commonest request there is (docs/performance.md). Anything more is one transaction."""
        now = deps.now()
        rep = known_profile(on_its_own, client, *who(context), now)
        first_log_tried = False
        if rep is not None and rep.matched_to_agent is False:  # a helpdesk's figures are checked in the transaction
            first_log_tried = True
            day = chosen_day(rep, request, now)
            recorded = record_first_log(on_its_own, rep.id, day, request.values, now)
            if recorded is not None:
                return recorded, language(rep)
        with deps.sessions.begin() as session:
            rep = rep or profile_with_refresh(session, client, *who(context), now)
            recorded = record_day(
                session,
                rep.id,
                chosen_day(rep, request, now),
                request.values,
                now,
                matched_to_agent=rep.matched_to_agent,
                first_log_tried=first_log_tried,
            )
        return recorded, language(rep)

    @app.command("/log")
    def log_command(ack: Ack, client: WebClient, context: BoltContext) -> None:
        command = command_part(context)
        text = command.text.strip()
        if not text:
            ack()
            after_answer(lambda: open_form(client, context, command.trigger_id))
            return
        if text.lower() in HELP_WORDS:
            help_language = reader_language(deps.sessions, client, *who(context))
            ack(response_type="ephemeral", **log_help(help_language, helpdesk_figures(context)))
            return
        try:
            recorded, rep_language = save(client, context, parse_log_text(text))
        except LogInputError as error:
            refused_in = reader_language(deps.sessions, client, *who(context))
            ack(response_type="ephemeral", **problem(error.message, language=refused_in))
            return
        ack(response_type="ephemeral", **log_saved(recorded, deps.definition, rep_language))

    def chosen_day(rep: RepProfile, request: LogRequest, now: datetime) -> date:
        today = local_today(rep, now)
        day = request.day or today
        check_day(day, today)
        return day

    def helpdesk_figures(context: BoltContext) -> GivenFigures:
        """For the help, which asks Slack nothing of a known rep and stores nothing of someone new."""
        with deps.sessions() as session:
            rep = find_rep(session, *who(context))
            return given_figures(session, rep_id=rep.id) if rep is not None else NOTHING_GIVEN

    def open_form(client: WebClient, context: BoltContext, trigger_id: str) -> None:
        now = deps.now()
        with deps.sessions.begin() as session:
            rep = profile_with_refresh(session, client, *who(context), now)
            today: date = local_today(rep, now)
            values = day_values(session, rep.id, today)
            given = given_figures(session, rep_id=rep.id, day=today)
        client.views_open(trigger_id=trigger_id, view=log_modal(today, values, language(rep), given))

    @app.action(Action.OPEN_LOG_FORM)
    def log_button_clicked(ack: Ack, client: WebClient, context: BoltContext) -> None:
        ack()
        trigger_id = actions_part(context).trigger_id
        after_answer(lambda: open_form(client, context, trigger_id))

    @app.view(Callback.LOG_DAY)
    def log_form_submitted(ack: Ack, client: WebClient, context: BoltContext) -> None:
        request, errors = read_submission(view_part(context).state.values)
        if request is None:
            refused_in = reader_language(deps.sessions, client, *who(context))
            ack(response_action="errors", errors=field_errors(errors, refused_in))
            return
        try:
            recorded, rep_language = save(client, context, request)
        except LogInputError as error:
            refused_in = reader_language(deps.sessions, client, *who(context))
            ack(response_action="errors", errors=field_errors(field_error(error), refused_in))
            return
        saved = log_saved(recorded, deps.definition, rep_language)["text"]
        ack(response_action="update", view=saved_modal(saved, rep_language))
        # The form may have been opened from the Home tab, which then shows the new figures. A `/log` typed in a
        # channel leaves Home alone: it is rebuilt when next opened, and most logs are never followed by a look.
        after_answer(lambda: refresh_home(deps, client, context))
