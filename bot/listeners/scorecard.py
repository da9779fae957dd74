"""`/scorecard [@rep | team [NAME]] [week|month|quarter]`: a balanced scorecard, for whoever may see it."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.blocks.kit import problem
from bot.blocks.scorecard import scorecard_message
from bot.deps import Deps
from bot.slack.context import who
from bot.slack.mentions import mention, user_id
from bot.slack.payloads import command_part
from bot.slack.profiles import reader_language, rep_with_profile
from coaching import access
from coaching.helpdesk.given import NOTHING_GIVEN, given_figures
from coaching.i18n import Language, lazy_gettext, translator
from coaching.models import Rep, Team
from coaching.periods import PeriodName, current_period
from coaching.preferences import language
from coaching.refusals import Refusal
from coaching.reps import local_today
from coaching.scorecard import build_scorecard, rep_scope, team_scope
from coaching.teams import targets_for, team_of

# The periods by their English and Italian names; the English are the keys, as `/log`'s are.
PERIOD_WORDS: dict[str, PeriodName] = {
    "week": "week",
    "settimana": "week",
    "month": "month",
    "mese": "month",
    "quarter": "quarter",
    "trimestre": "quarter",
}


def register(app: App, deps: Deps) -> None:
    @app.command("/scorecard")
    def scorecard_command(ack: Ack, client: WebClient, context: BoltContext) -> None:
        words = command_part(context).text.split()
        period_name: PeriodName = "week"
        if words and words[-1].lower() in PERIOD_WORDS:
            period_name = PERIOD_WORDS[words.pop().lower()]
        now = deps.now()
        try:
            # A refusal raises inside the transaction, so even the asker's profile cache is left as it was.
            with deps.sessions.begin() as session:
                viewer = rep_with_profile(session, client, *who(context), now)
                viewer_language = language(viewer)
                period = current_period(period_name, local_today(viewer, now))
                subject = _subject(session, viewer, words)
                scorecard, title, own = _scorecard(session, deps, viewer, subject, period, viewer_language)
                given = given_figures(session, rep_id=viewer.id) if own and not scorecard.days_logged else NOTHING_GIVEN
        except Refusal as error:
            refused_in = reader_language(deps.sessions, client, *who(context))
            ack(response_type="ephemeral", **problem(error.message, nothing_saved=False, language=refused_in))
            return
        ack(response_type="ephemeral", **scorecard_message(scorecard, title, own, viewer_language, given))


def _scorecard(session, deps: Deps, viewer: Rep, subject, period, reader: Language):
    words = translator(reader)
    if isinstance(subject, Rep):
        targets = targets_for(session, team_of(session, subject), deps.definition)
        own = subject.id == viewer.id
        title = (
            words.gettext("Your scorecard")
            if own
            else words.gettext("%(rep)s's scorecard", rep=mention(subject.user_id))
        )
        return build_scorecard(session, rep_scope(subject.id), period, deps.definition, targets), title, own
    targets = targets_for(session, subject, deps.definition)
    title = words.gettext("%(team)s's scorecard", team=subject.name)
    return build_scorecard(session, team_scope(subject.id), period, deps.definition, targets), title, False


def _subject(session, viewer: Rep, words: list[str]) -> Rep | Team:
    """The rep or team asked about; `coaching.access` refuses, in one way, what the viewer may not see."""
    if not words:
        return viewer
    if words[0].lower() == "team":
        name = " ".join(words[1:]).strip('"“”') if len(words) > 1 else None
        return access.team_to_view(session=session, viewer=viewer, name=name)
    if len(words) > 1:
        raise Refusal(_usage(" ".join(words)[:40]))
    if not words[0].startswith("<@"):
        raise Refusal(_usage(words[0][:30]))
    return access.rep_to_view(session=session, viewer=viewer, user_id=user_id(words[0]))


def _usage(given: str):
    return lazy_gettext(
        "`/scorecard` takes a period (week, month or quarter), optionally after `@rep` or `team [NAME]`; "
        "`%(given)s` is not one of those.",
        given=given,
    )
