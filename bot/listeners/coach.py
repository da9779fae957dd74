"""`/coach`: help, a tip on demand, the rep's coaching settings, and (in team_commands) teams, kudos, summaries."""

from __future__ import annotations

from babel import Locale
from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.after_answer import after_answer
from bot.blocks.coach import coach_help, forget_me_confirmation
from bot.blocks.kit import Message, problem, simple
from bot.blocks.nudges import nudge_message
from bot.deps import Deps
from bot.listeners import team_commands
from bot.listeners.coach_request import CoachRequest, Handler
from bot.slack.context import who
from bot.slack.payloads import command_part
from bot.slack.profiles import reader_language, rep_with_profile
from coaching import preferences
from coaching.i18n import Translator, lazy_gettext
from coaching.preferences import PAUSED_INDEFINITELY, PreferenceError
from coaching.refusals import Refusal
from coaching.reps import local_today
from coaching.schedule import plan_tip
from coaching.teams import teams_led_by


def register(app: App, deps: Deps) -> None:
    handlers: dict[str, Handler] = {
        "tip": tip,
        "pause": pause,
        "resume": resume,
        "time": set_time,
        "days": set_days,
        "lang": set_language,
        "cadence": set_cadence,
        "away": away,
        "holidays": holidays,
        "settings": show_settings,
        "forget-me": lambda request: forget_me_confirmation(request.language),
        **team_commands.HANDLERS,
    }

    @app.command("/coach")
    def coach_command(ack: Ack, client: WebClient, context: BoltContext) -> None:
        text = command_part(context).text.strip()
        subcommand, _, rest = text.partition(" ")
        if subcommand.lower() in ("", "help", "aiuto"):
            ack(response_type="ephemeral", **coach_help(reader_language(deps.sessions, client, *who(context))))
            return
        handler = handlers.get(subcommand.lower())
        if handler is None:
            shown = text if len(text) <= 40 else text[:40] + "…"
            unknown = lazy_gettext(
                "I don't know `/coach %(given)s`. `/coach help` lists what I understand.", given=shown
            )
            refused_in = reader_language(deps.sessions, client, *who(context))
            ack(response_type="ephemeral", **problem(unknown, nothing_saved=False, language=refused_in))
            return
        try:
            with deps.sessions.begin() as session:
                now = deps.now()
                rep = rep_with_profile(session, client, *who(context), now)
                request = CoachRequest(session, rep, local_today(rep, now), rest.split(), rest.strip(), deps, client)
                answer = handler(request)
        except Refusal as error:
            refused_in = reader_language(deps.sessions, client, *who(context))
            ack(response_type="ephemeral", **problem(error.message, language=refused_in))
            return
        ack(response_type="ephemeral", **answer)
        for work in request.after:
            after_answer(work)


def tip(request: CoachRequest) -> Message:
    deps = request.deps
    planned = plan_tip(request.session, request.rep, deps.now(), deps.library, deps.definition, deps.seed)
    return nudge_message(planned.nudge_id, planned.choice, planned.language)


def pause(request: CoachRequest) -> Message:
    words = request.translator
    paused_until = preferences.pause_tips(rep=request.rep, today=request.today, text=request.text)
    if paused_until == PAUSED_INDEFINITELY:
        return simple(words.gettext(":pause_button: Tips are paused until you say `/coach resume`."))
    return simple(words.gettext(":pause_button: Tips are paused through %(day)s.", day=words.day(paused_until)))


def resume(request: CoachRequest) -> Message:
    preferences.resume_tips(rep=request.rep)
    return simple(request.translator.gettext(":arrow_forward: Tips are back on, from your next working day."))


def set_time(request: CoachRequest) -> Message:
    chosen = preferences.set_nudge_time(rep=request.rep, text=request.text)
    return simple(
        request.translator.gettext(
            ":alarm_clock: Your tips now come at %(time)s (%(tz)s).", time=chosen, tz=request.rep.tz
        )
    )


def set_days(request: CoachRequest) -> Message:
    words = request.translator
    chosen = preferences.set_work_days(rep=request.rep, text=request.text)
    return simple(words.gettext(":calendar: Your tips now come on %(days)s.", days=_day_names(words, chosen)))


def set_language(request: CoachRequest) -> Message:
    preferences.set_language(rep=request.rep, text=request.text)
    # In the language just chosen: the answer is its first sentence.
    # Translators: said in your language once it is chosen, so it names your language ("…in italiano").
    return simple(request.translator.gettext(":speech_balloon: Your tips now come in English."))


CADENCE_WORDS = {
    "cycle": lazy_gettext(
        "each week a focus and a practice on your first working day, a follow-up mid-week and a wrap-up "
        "on your last working day"
    ),
    "daily": lazy_gettext("a tip every working day"),
    "weekly": lazy_gettext("a focus and a practice on your first working day of each week"),
}


def set_cadence(request: CoachRequest) -> Message:
    chosen = preferences.set_cadence(rep=request.rep, text=request.text)
    return simple(
        request.translator.gettext(":repeat: Your coaching now comes as %(cadence)s.", cadence=CADENCE_WORDS[chosen])
    )


def away(request: CoachRequest) -> Message:
    session, rep, today, words = request.session, request.rep, request.today, request.words
    say = request.translator
    if not words:
        spans = preferences.upcoming_time_off(session, rep, today)
        if not spans:
            return simple(say.gettext("No time off ahead. Add some with `/coach away 2026-12-24..2027-01-02`."))
        listed = "\n".join(f"• {say.day(span.first_day)} – {say.day(span.last_day)}" for span in spans)
        return simple(say.gettext("*Your time off ahead*\n%(spans)s\n`/coach away clear` cancels it.", spans=listed))
    if words == ["clear"]:
        if not preferences.clear_time_off(session, rep, today):
            return simple(say.gettext("You had no time off ahead to cancel."))
        return simple(say.gettext(":wastebasket: Your time off ahead is cancelled; tips resume on your working days."))
    if len(words) > 1:
        raise PreferenceError(lazy_gettext("Give one range, like `/coach away 2026-12-24..2027-01-02`."))
    first, last = preferences.parse_day_range(words[0], today)
    preferences.add_time_off(session, rep, first, last)
    return simple(
        say.gettext(
            ":palm_tree: Enjoy! No tips from %(first)s to %(last)s; you won't find a pile waiting when you're back.",
            first=say.day(first),
            last=say.day(last),
        )
    )


def holidays(request: CoachRequest) -> Message:
    session, words, say = request.session, request.words, request.translator
    teams = teams_led_by(session, request.rep)
    if not teams:
        raise PreferenceError(lazy_gettext("Only team leads can set team holidays; ask your lead."))
    team_ids = [team.id for team in teams]
    names = say.list_of(team.name for team in teams)
    if not words:
        days = preferences.upcoming_holidays(session, team_ids, request.today)
        if not days:
            return simple(say.gettext("*Holidays ahead for %(teams)s:* none yet", teams=names))
        listed = say.list_of(say.day(day) for day in days)
        return simple(say.gettext("*Holidays ahead for %(teams)s:* %(days)s", teams=names, days=listed))
    if words[0] != "add":
        raise PreferenceError(
            lazy_gettext("Use `/coach holidays add 2026-12-25 2026-12-26`, or `/coach holidays` to list them.")
        )
    days = preferences.parse_days_list(words[1:])
    preferences.add_holidays(session, team_ids, days)
    listed = say.list_of(say.day(day) for day in days)
    return simple(say.gettext(":calendar: No tips for %(teams)s on %(days)s.", teams=names, days=listed))


def show_settings(request: CoachRequest) -> Message:
    rep, today, paused_until, say = request.rep, request.today, request.rep.paused_until, request.translator
    if paused_until is None or not preferences.is_paused(rep, today):
        paused = say.gettext("no")
    elif paused_until == PAUSED_INDEFINITELY:
        paused = say.gettext("until you resume")
    else:
        paused = say.gettext("through %(day)s", day=say.day(paused_until))
    language = preferences.language(rep)
    return simple(
        say.gettext(
            "*Your coaching settings*\n• time: %(time)s (%(tz)s)\n• days: %(days)s\n• language: %(language)s\n"
            "• cadence: %(cadence)s\n• paused: %(paused)s\n• named in recognition posts: %(recognition)s",
            time=preferences.nudge_time(rep).strftime("%H:%M"),
            tz=rep.tz,
            days=_day_names(say, ",".join(preferences.DAY_NAMES[day] for day in preferences.work_days(rep))),
            language=Locale.parse(language).get_display_name(language),
            cadence=preferences.cadence(rep),
            paused=paused,
            recognition=say.gettext("off") if rep.recognition_opt_out else say.gettext("on"),
        )
    )


def _day_names(say: Translator, stored: str) -> str:
    """The stored `mon,tue,…` as the reader's weekday names: "Monday, Tuesday and Friday"."""
    return say.list_of(say.weekday(preferences.DAY_NAMES.index(name)) for name in stored.split(","))
