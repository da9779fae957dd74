"""`/coach`: help, a tip on demand, the rep's coaching settings, and (in team_commands) teams, kudos, summaries."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.after_answer import after_answer
from bot.blocks.coach import coach_help, forget_me_confirmation
from bot.blocks.kit import Message, day_label, problem, simple
from bot.blocks.nudges import nudge_message
from bot.deps import Deps
from bot.listeners import team_commands
from bot.listeners.coach_request import CoachRequest, Handler
from bot.slack.context import who
from bot.slack.payloads import command_part
from bot.slack.profiles import rep_with_profile
from coaching import preferences
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
        "forget-me": lambda _request: forget_me_confirmation(),
        **team_commands.HANDLERS,
    }

    @app.command("/coach")
    def coach_command(ack: Ack, client: WebClient, context: BoltContext) -> None:
        text = command_part(context).text.strip()
        subcommand, _, rest = text.partition(" ")
        if subcommand.lower() in ("", "help"):
            ack(response_type="ephemeral", **coach_help())
            return
        handler = handlers.get(subcommand.lower())
        if handler is None:
            shown = text if len(text) <= 40 else text[:40] + "…"
            ack(
                response_type="ephemeral",
                **problem(
                    f"I don't know `/coach {shown}`. `/coach help` lists what I understand.", nothing_saved=False
                ),
            )
            return
        try:
            with deps.sessions.begin() as session:
                now = deps.now()
                rep = rep_with_profile(session, client, *who(context), now)
                request = CoachRequest(session, rep, local_today(rep, now), rest.split(), rest.strip(), deps, client)
                answer = handler(request)
        except Refusal as error:
            ack(response_type="ephemeral", **problem(str(error)))
            return
        ack(response_type="ephemeral", **answer)
        for work in request.after:
            after_answer(work)


def tip(request: CoachRequest) -> Message:
    deps = request.deps
    planned = plan_tip(request.session, request.rep, deps.now(), deps.library, deps.definition, deps.seed)
    return nudge_message(planned.nudge_id, planned.choice, planned.language)


def pause(request: CoachRequest) -> Message:
    paused_until = preferences.pause_tips(rep=request.rep, today=request.today, text=request.text)
    if paused_until == PAUSED_INDEFINITELY:
        return simple(":pause_button: Tips are paused until you say `/coach resume`.")
    return simple(f":pause_button: Tips are paused through {day_label(paused_until)}.")


def resume(request: CoachRequest) -> Message:
    preferences.resume_tips(rep=request.rep)
    return simple(":arrow_forward: Tips are back on, from your next working day.")


def set_time(request: CoachRequest) -> Message:
    chosen = preferences.set_nudge_time(rep=request.rep, text=request.text)
    return simple(f":alarm_clock: Your tips now come at {chosen} ({request.rep.tz}).")


def set_days(request: CoachRequest) -> Message:
    chosen = preferences.set_work_days(rep=request.rep, text=request.text)
    return simple(f":calendar: Your tips now come on {chosen.replace(',', ', ')}.")


def set_language(request: CoachRequest) -> Message:
    chosen = preferences.set_language(rep=request.rep, text=request.text)
    return simple(
        {
            "en": ":speech_balloon: Your tips now come in English.",
            "it": ":speech_balloon: I tuoi consigli ora arrivano in italiano.",
        }[chosen]
    )


CADENCE_WORDS = {
    "cycle": "each week a focus and a practice on your first working day, a follow-up mid-week and a wrap-up "
    "on your last working day",
    "daily": "a tip every working day",
    "weekly": "a focus and a practice on your first working day of each week",
}


def set_cadence(request: CoachRequest) -> Message:
    chosen = preferences.set_cadence(rep=request.rep, text=request.text)
    return simple(f":repeat: Your coaching now comes as {CADENCE_WORDS[chosen]}.")


def away(request: CoachRequest) -> Message:
    session, rep, today, words = request.session, request.rep, request.today, request.words
    if not words:
        spans = preferences.upcoming_time_off(session, rep, today)
        if not spans:
            return simple("No time off ahead. Add some with `/coach away 2026-12-24..2027-01-02`.")
        listed = "\n".join(f"• {day_label(span.first_day)} – {day_label(span.last_day)}" for span in spans)
        return simple(f"*Your time off ahead*\n{listed}\n`/coach away clear` cancels it.")
    if words == ["clear"]:
        if not preferences.clear_time_off(session, rep, today):
            return simple("You had no time off ahead to cancel.")
        return simple(":wastebasket: Your time off ahead is cancelled; tips resume on your working days.")
    if len(words) > 1:
        raise PreferenceError("Give one range, like `/coach away 2026-12-24..2027-01-02`.")
    first, last = preferences.parse_day_range(words[0], today)
    preferences.add_time_off(session, rep, first, last)
    return simple(
        f":palm_tree: Enjoy! No tips from {day_label(first)} to {day_label(last)}; "
        "you won't find a pile waiting when you're back."
    )


def holidays(request: CoachRequest) -> Message:
    session, words = request.session, request.words
    teams = teams_led_by(session, request.rep)
    if not teams:
        raise PreferenceError("Only team leads can set team holidays; ask your lead.")
    team_ids = [team.id for team in teams]
    names = ", ".join(team.name for team in teams)
    if not words:
        days = preferences.upcoming_holidays(session, team_ids, request.today)
        listed = ", ".join(day_label(day) for day in days) or "none yet"
        return simple(f"*Holidays ahead for {names}:* {listed}")
    if words[0] != "add":
        raise PreferenceError("Use `/coach holidays add 2026-12-25 2026-12-26`, or `/coach holidays` to list them.")
    days = preferences.parse_days_list(words[1:])
    preferences.add_holidays(session, team_ids, days)
    return simple(f":calendar: No tips for {names} on {', '.join(day_label(day) for day in days)}.")


def show_settings(request: CoachRequest) -> Message:
    rep, today, paused_until = request.rep, request.today, request.rep.paused_until
    if paused_until is None or not preferences.is_paused(rep, today):
        paused = "no"
    else:
        paused = "until you resume" if paused_until == PAUSED_INDEFINITELY else f"through {day_label(paused_until)}"
    days = ", ".join(preferences.DAY_NAMES[day] for day in preferences.work_days(rep))
    recognition = "off" if rep.recognition_opt_out else "on"
    return simple(
        f"*Your coaching settings*\n• time: {preferences.nudge_time(rep):%H:%M} ({rep.tz})\n• days: {days}\n"
        f"• language: {preferences.language(rep)}\n• cadence: {preferences.cadence(rep)}\n• paused: {paused}\n"
        f"• named in recognition posts: {recognition}"
    )
