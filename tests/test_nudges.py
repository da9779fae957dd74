"""Scheduled coaching nudges, run at a series of instants against a seeded team."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select

from bot.dev.local_slack import TEAM_ID
from bot.ids import Action, NudgeButton
from bot.jobs import run_nudges
from coaching.definition import default_definition
from coaching.library import default_library
from coaching.models import Nudge, Rep
from coaching.outcomes import day_values, record_day
from coaching.reps import get_or_create_rep
from coaching.schedule import VOTES_WINDOW_DAYS, plan_due_nudges
from coaching.teams import add_member, create_team
from tests.block_kit import assert_valid_message
from tests.stored import answered_nudge

ROME, LOS_ANGELES = ZoneInfo("Europe/Rome"), ZoneInfo("America/Los_Angeles")
TUESDAY_0930_ROME = datetime(2026, 11, 24, 8, 30, tzinfo=UTC)
# Every figure a clear margin better than its target, so even a week of it is surely on target.
ON_TARGET = {
    "contacts": 30,
    "fcr": 27,
    "csat": 4.8,
    "recommit": 12,
    "complaints": 0,
    "aht": 6.5,
    "repeat": 1,
    "upsells": 3,
    "crosssells": 3,
    "referrals": 6,
    "practices": 2,
}
PRACTICES = default_library().by_id()


def add_rep(sessions, user_id: str, cadence: str | None = None) -> int:
    with sessions.begin() as session:
        rep = get_or_create_rep(session, TEAM_ID, user_id)
        rep.cadence = cadence
        return rep.id


def daily(sessions, *user_ids: str) -> None:
    """The daily cadence: a tip every working day, as before the weekly cycle."""
    for user_id in user_ids:
        add_rep(sessions, user_id, "daily")


def log_weekdays(sessions, user_id: str, last: date, days: int, **changes) -> None:
    with sessions.begin() as session:
        rep = get_or_create_rep(session, TEAM_ID, user_id)
        for offset in range(days):
            day = last - timedelta(days=offset)
            if day.weekday() < 5:
                record_day(session, rep.id, day, ON_TARGET | changes, datetime.now(UTC))


def sweep(bot, first: datetime, last: datetime, step: timedelta) -> list[tuple[datetime, str, dict]]:
    """Runs the job at each instant; returns (instant, user, message) for every DM sent."""
    sent = []
    at = first
    while at <= last:
        before = len(bot.slack.calls_to("chat.postMessage"))
        run_nudges(bot.deps, at)
        for call in bot.slack.calls_to("chat.postMessage")[before:]:
            message = {"text": call.args["text"], "blocks": call.structured("blocks")}
            sent.append((at, call.args["channel"], message))
        at += step
    return sent


def nudges(sessions, user_id: str) -> list[Nudge]:
    with sessions() as session:
        query = select(Nudge).join(Rep).where(Rep.user_id == user_id).order_by(Nudge.local_date, Nudge.id)
        return list(session.scalars(query))


def test_each_rep_gets_one_nudge_a_working_day_at_0930_local_time_across_daylight_saving_changes(bot, sessions, slack):
    slack.add_user("U0ROMA", tz="Europe/Rome", locale="it-IT")
    slack.add_user("U0LA", tz="America/Los_Angeles", locale="en-US")
    daily(sessions, "U0ROMA", "U0LA")

    sent = sweep(bot, datetime(2026, 10, 22, tzinfo=UTC), datetime(2026, 11, 4, tzinfo=UTC), timedelta(minutes=15))

    working_days = [date(2026, 10, day) for day in (22, 23, 26, 27, 28, 29, 30)] + [
        date(2026, 11, 2),
        date(2026, 11, 3),
    ]
    for user, zone, greeting in (("U0ROMA", ROME, "Benvenuto"), ("U0LA", LOS_ANGELES, "Welcome")):
        mine = [(at.astimezone(zone), message) for at, channel, message in sent if channel == user]
        assert [local.date() for local, _ in mine] == working_days
        assert all((local.hour, local.minute) == (9, 30) for local, _ in mine)
        assert all(greeting in message["text"] for _, message in mine)
        for _, message in mine:
            assert_valid_message(message)
    # Rome leaves summer time on 25 October, Los Angeles on 1 November: 09:30 local moves by an hour in UTC.
    instants = {(channel, at) for at, channel, _ in sent}
    assert {
        ("U0ROMA", datetime(2026, 10, 23, 7, 30, tzinfo=UTC)),
        ("U0ROMA", datetime(2026, 10, 26, 8, 30, tzinfo=UTC)),
        ("U0LA", datetime(2026, 10, 30, 16, 30, tzinfo=UTC)),
        ("U0LA", datetime(2026, 11, 2, 17, 30, tzinfo=UTC)),
    } <= instants


def test_each_nudge_aims_at_the_reps_weakest_metric_in_their_language(bot, sessions, slack):
    slack.add_user("U0BRUNO", tz="Europe/Rome", locale="it-IT")
    slack.add_user("U0DARIO", tz="Europe/Rome", locale="en-GB")
    yesterday = date(2026, 11, 23)
    log_weekdays(sessions, "U0ANNA", yesterday, 14, fcr=18)
    log_weekdays(sessions, "U0BRUNO", yesterday, 14, csat=4.0)
    log_weekdays(sessions, "U0CARLA", yesterday, 14)
    add_rep(sessions, "U0DARIO")

    run_nudges(bot.deps, TUESDAY_0930_ROME)

    [anna], [bruno], [carla], [dario] = (nudges(sessions, user) for user in ("U0ANNA", "U0BRUNO", "U0CARLA", "U0DARIO"))
    assert (anna.kind, anna.metric, anna.language) == ("practice", "fcr_rate", "en")
    assert "fcr_rate" in PRACTICES[anna.practice_id].metrics
    assert (bruno.kind, bruno.metric, bruno.language) == ("practice", "csat", "it")
    assert "csat" in PRACTICES[bruno.practice_id].metrics
    assert carla.kind == "stretch" and PRACTICES[carla.practice_id].stretch
    assert (dario.kind, dario.practice_id) == ("onboarding", None)

    texts = {call.args["channel"]: call.args["text"] for call in slack.calls_to("chat.postMessage")}
    assert "This week's focus: your first-contact resolution, *60%* against a target of 80%." in texts["U0ANNA"]
    assert PRACTICES[anna.practice_id].en.title in texts["U0ANNA"]
    assert "Obiettivo della settimana: CSAT, *4,0* contro un target di 4,5." in texts["U0BRUNO"]
    assert PRACTICES[bruno.practice_id].it.title in texts["U0BRUNO"]
    assert "Benvenuto" not in texts["U0DARIO"] and "Welcome" in texts["U0DARIO"]


def test_running_the_job_again_at_the_same_instant_sends_nothing_more(bot, sessions, slack):
    add_rep(sessions, "U0ANNA")
    first = run_nudges(bot.deps, TUESDAY_0930_ROME)
    again = run_nudges(bot.deps, TUESDAY_0930_ROME + timedelta(minutes=20))
    assert (first.delivery.sent, again.delivery.sent) == (1, 0)
    assert len(slack.calls_to("chat.postMessage")) == 1 and len(nudges(sessions, "U0ANNA")) == 1


def test_a_chosen_language_wins_over_the_slack_locale(bot, sessions, slack):
    bot.slash("/coach", "lang it")
    run_nudges(bot.deps, TUESDAY_0930_ROME)
    assert "Benvenuto" in slack.calls_to("chat.postMessage")[0].args["text"]


def test_nobody_is_nudged_on_days_off_paused_time_off_or_team_holidays_and_nobody_is_flooded_after(
    bot, sessions, slack, clock
):
    slack.add_user("U0LEAD")
    daily(sessions, "U0ANNA", "U0BRUNO", "U0CARLA", "U0LEAD")
    with sessions.begin() as session:
        team = create_team(session, TEAM_ID, "Tier 1")
        add_member(session, team, get_or_create_rep(session, TEAM_ID, "U0CARLA"))
        add_member(session, team, get_or_create_rep(session, TEAM_ID, "U0LEAD"), is_lead=True)
    log_weekdays(sessions, "U0LEAD", date(2026, 11, 20), 7)  # a lead who logs is coached like a rep
    clock.fixed = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # Monday 08:00 in Rome
    assert "paused through Tue 24 Nov" in bot.slash("/coach", "pause 2 days", user="U0ANNA").json()["text"]
    bot.slash("/coach", "away 2026-11-24..2026-11-26", user="U0BRUNO")
    bot.slash("/coach", "holidays add 2026-11-25", user="U0LEAD")
    bot.slash("/coach", "days mon,wed,fri", user="U0LEAD")
    bot.slash("/coach", "time 14:00", user="U0LEAD")

    sent = sweep(
        bot, datetime(2026, 11, 23, tzinfo=UTC), datetime(2026, 11, 29, 23, 30, tzinfo=UTC), timedelta(minutes=30)
    )

    def days(user):
        return [
            (at.astimezone(ROME).day, at.astimezone(ROME).strftime("%H:%M"))
            for at, channel, _ in sent
            if channel == user
        ]

    assert days("U0ANNA") == [(25, "09:30"), (26, "09:30"), (27, "09:30")]  # paused Monday and Tuesday
    assert days("U0BRUNO") == [(23, "09:30"), (27, "09:30")]  # away Tuesday to Thursday: one nudge on return
    assert days("U0CARLA") == [(23, "09:30"), (24, "09:30"), (26, "09:30"), (27, "09:30")]  # team holiday Wednesday
    assert days("U0LEAD") == [(23, "14:00"), (27, "14:00")]  # Monday, Wednesday (holiday), Friday at 14:00


def test_not_for_me_is_never_offered_again_and_helpful_is_recorded(bot, sessions, slack):
    log_weekdays(sessions, "U0ANNA", date(2026, 11, 23), 14, fcr=18)
    daily(sessions, "U0ANNA")
    run_nudges(bot.deps, TUESDAY_0930_ROME)
    [first] = nudges(sessions, "U0ANNA")
    message = {
        "type": "message",
        "text": "tip",
        "ts": "1.2",
        "blocks": slack.calls_to("chat.postMessage")[0].structured("blocks"),
    }

    response = bot.click(Action.NUDGE_NOT_FOR_ME, NudgeButton(nudge_id=first.id).model_dump_json(), message=message)

    assert response.status_code == 200
    [reply] = slack.wait_for("response/action")
    assert reply.args["replace_original"] is True and "won't get this one again" in reply.args["text"]
    assert [block["type"] for block in reply.args["blocks"]] == ["section", "context"]
    assert nudges(sessions, "U0ANNA")[0].feedback == "not_for_me"

    sent = sweep(bot, TUESDAY_0930_ROME + timedelta(days=1), TUESDAY_0930_ROME + timedelta(days=10), timedelta(days=1))
    later = nudges(sessions, "U0ANNA")[1:]
    assert len(later) == len(sent) == 8
    assert first.practice_id not in {nudge.practice_id for nudge in later}
    assert all(nudge.metric == "fcr_rate" for nudge in later)


def test_a_button_on_someone_elses_nudge_records_nothing(bot, sessions, slack):
    add_rep(sessions, "U0ANNA")
    run_nudges(bot.deps, TUESDAY_0930_ROME)
    [nudge] = nudges(sessions, "U0ANNA")

    bot.click(Action.NUDGE_HELPFUL, NudgeButton(nudge_id=nudge.id).model_dump_json(), user="U0BRUNO")

    [reply] = slack.wait_for("response/action")
    assert "was not sent to you" in reply.args["text"] and reply.args["replace_original"] is False
    assert nudges(sessions, "U0ANNA")[0].feedback is None


def test_a_button_value_we_did_not_make_is_refused_and_records_nothing(bot, sessions, slack):
    add_rep(sessions, "U0ANNA")
    run_nudges(bot.deps, TUESDAY_0930_ROME)

    bot.click(Action.NUDGE_HELPFUL, '{"nudge_id": "not a number"}')

    [reply] = slack.wait_for("response/action")
    assert "not one I recognise" in reply.args["text"] and reply.args["response_type"] == "ephemeral"
    assert nudges(sessions, "U0ANNA")[0].feedback is None


def test_snooze_a_week_pauses_nudges_for_seven_days(bot, sessions, slack):
    log_weekdays(sessions, "U0ANNA", date(2026, 11, 23), 14, fcr=18)
    daily(sessions, "U0ANNA")
    run_nudges(bot.deps, TUESDAY_0930_ROME)
    [nudge] = nudges(sessions, "U0ANNA")
    bot.click(Action.NUDGE_SNOOZE, NudgeButton(nudge_id=nudge.id).model_dump_json())
    slack.wait_for("response/action")

    sweep(bot, TUESDAY_0930_ROME + timedelta(days=1), TUESDAY_0930_ROME + timedelta(days=9), timedelta(days=1))

    assert [n.local_date for n in nudges(sessions, "U0ANNA")] == [
        date(2026, 11, 24),
        date(2026, 12, 2),
        date(2026, 12, 3),
    ]


def test_the_log_today_button_on_the_welcome_nudge_opens_the_form(bot, sessions, slack):
    add_rep(sessions, "U0ANNA")
    run_nudges(bot.deps, TUESDAY_0930_ROME)
    [nudge] = nudges(sessions, "U0ANNA")
    bot.click(Action.OPEN_LOG_FORM, NudgeButton(nudge_id=nudge.id).model_dump_json())
    [call] = slack.wait_for("views.open")
    assert call.args["trigger_id"] == "1337.44.trigger"


def test_a_nudge_time_skipped_or_repeated_by_daylight_saving_sends_once(bot, sessions, slack):
    with sessions.begin() as session:
        rep = get_or_create_rep(session, TEAM_ID, "U0ANNA")
        rep.nudge_time, rep.work_days = "02:30", "mon,tue,wed,thu,fri,sat,sun"

    # 25 Oct 2026 in Rome: 02:00–03:00 happens twice. 28 Mar 2027: clocks jump from 02:00 to 03:00.
    autumn = sweep(
        bot, datetime(2026, 10, 24, 23, 0, tzinfo=UTC), datetime(2026, 10, 25, 4, 0, tzinfo=UTC), timedelta(minutes=15)
    )
    spring = sweep(
        bot, datetime(2027, 3, 27, 23, 0, tzinfo=UTC), datetime(2027, 3, 28, 4, 0, tzinfo=UTC), timedelta(minutes=15)
    )

    assert [at for at, _, _ in autumn] == [datetime(2026, 10, 25, 0, 30, tzinfo=UTC)]  # 02:30 summer time, once
    assert [at for at, _, _ in spring] == [
        datetime(2027, 3, 28, 1, 0, tzinfo=UTC)
    ]  # 03:00, the first minute after the jump


def test_a_lead_who_does_not_log_gets_no_reminders_to_log(bot, sessions, slack):
    with sessions.begin() as session:
        team = create_team(session, TEAM_ID, "Tier 1")
        add_member(session, team, get_or_create_rep(session, TEAM_ID, "U0LEAD"), is_lead=True)
        add_member(session, team, get_or_create_rep(session, TEAM_ID, "U0ANNA"))
    slack.add_user("U0LEAD")
    run_nudges(bot.deps, TUESDAY_0930_ROME)
    assert [call.args["channel"] for call in slack.calls_to("chat.postMessage")] == ["U0ANNA"]


def test_a_teams_feedback_steers_the_choice_only_while_it_is_recent(sessions):
    """Nine in ten teammates' answers favour one practice for their weak first-contact resolution. Given within
    the window, the team's reps get it; given longer ago, it no longer steers and their picks spread out."""
    favourite = "fcr-confirm-before-closing"
    others = [p.id for p in default_library().for_metric("fcr_rate") if p.id != favourite]
    tuesday = TUESDAY_0930_ROME.date()

    def favourites_chosen(answered_days_ago: int) -> int:
        with sessions.begin() as session:
            session.execute(delete(Nudge))
            session.execute(delete(Rep))
            team = create_team(session, TEAM_ID, f"Tier {answered_days_ago}")
            voter = get_or_create_rep(session, TEAM_ID, "U0VOTER")
            add_member(session, team, voter)
            answered = tuesday - timedelta(days=answered_days_ago)
            for practice_id, feedback in [(favourite, "helpful")] + [(other, "not_for_me") for other in others]:
                session.add_all(answered_nudge(voter.id, practice_id, answered, feedback) for _ in range(100))
            for number in range(12):
                add_member(session, team, get_or_create_rep(session, TEAM_ID, f"U0REP{number:02d}"))
        for number in range(12):
            log_weekdays(sessions, f"U0REP{number:02d}", tuesday - timedelta(days=1), 14, fcr=18)
        with sessions.begin() as session:
            reps = list(session.scalars(select(Rep).where(Rep.user_id != "U0VOTER")))
            for rep in reps:
                rep.tz = "Europe/Rome"
            planned = plan_due_nudges(session, TUESDAY_0930_ROME, default_library(), default_definition(), "seed", reps)
            assert len(planned) == 12 and {nudge.choice.focus.metric.key for nudge in planned} == {"fcr_rate"}
            return sum(nudge.choice.practice.id == favourite for nudge in planned)

    assert favourites_chosen(VOTES_WINDOW_DAYS) == 12
    assert favourites_chosen(VOTES_WINDOW_DAYS + 1) <= 4


MONDAY_0930_ROME = datetime(2026, 11, 30, 8, 30, tzinfo=UTC)


def message_of(call) -> dict:
    return {"type": "message", "text": call.args["text"], "ts": "1.2", "blocks": call.structured("blocks")}


def buttons(message: dict) -> dict[str, str]:
    return {
        element["action_id"]: element["value"]
        for block in message["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    }


def test_a_coaching_week_is_a_focus_on_monday_a_follow_up_on_wednesday_and_a_wrap_up_on_friday(
    bot, sessions, slack, clock
):
    log_weekdays(sessions, "U0ANNA", date(2026, 11, 27), 20, fcr=18)
    sent = sweep(bot, MONDAY_0930_ROME, MONDAY_0930_ROME + timedelta(days=6), timedelta(days=1))

    assert [at.astimezone(ROME).strftime("%a") for at, _, _ in sent] == ["Mon", "Wed", "Fri"]
    start, follow_up, wrap_up = (message for _, _, message in sent)
    for message in (start, follow_up, wrap_up):
        assert_valid_message(message)
    [week, asked, wrapped] = nudges(sessions, "U0ANNA")
    assert (week.kind, week.metric, asked.kind, asked.practice_id) == (
        "practice",
        "fcr_rate",
        "follow_up",
        week.practice_id,
    )
    assert "This week's focus: your first-contact resolution, *60%* against a target of 80%." in start["text"]
    assert set(buttons(start)) == {Action.NUDGE_TRYING, Action.NUDGE_ANOTHER, Action.NUDGE_NOT_FOR_ME}
    assert PRACTICES[week.practice_id].en.title in follow_up["text"]
    assert set(buttons(follow_up)) == {
        Action.FOLLOW_UP_HELPED,
        Action.FOLLOW_UP_NO_DIFFERENCE,
        Action.FOLLOW_UP_NOT_YET,
    }
    # No figures were logged this week, so the wrap-up says so rather than inventing a movement.
    assert (wrapped.kind, wrapped.metric) == ("wrap_up", "fcr_rate")
    assert "no first-contact resolution logged this week" in wrap_up["text"]
    assert not buttons(wrap_up)


def test_helped_on_the_follow_up_counts_as_a_practice_tried_that_day_once(bot, sessions, slack, clock):
    log_weekdays(sessions, "U0ANNA", date(2026, 11, 27), 20, fcr=18)
    sweep(bot, MONDAY_0930_ROME, MONDAY_0930_ROME + timedelta(days=2), timedelta(days=1))
    [week, follow_up] = nudges(sessions, "U0ANNA")
    calls = slack.calls_to("chat.postMessage")
    bot.click(Action.NUDGE_TRYING, buttons(message_of(calls[0]))[Action.NUDGE_TRYING], message=message_of(calls[0]))
    slack.wait_for("response/action")
    helped = buttons(message_of(calls[1]))[Action.FOLLOW_UP_HELPED]
    for _ in range(2):
        bot.click(Action.FOLLOW_UP_HELPED, helped, message=message_of(calls[1]))
    slack.wait_for("response/action", count=3)

    week, follow_up = nudges(sessions, "U0ANNA")
    assert (week.feedback, follow_up.feedback) == ("trying", "helpful")
    with sessions() as session:
        assert day_values(session, follow_up.rep_id, date(2026, 12, 2)) == {"practices": 1}


def test_another_one_swaps_the_practice_for_the_same_focus_and_not_for_me_does_too(bot, sessions, slack, clock):
    log_weekdays(sessions, "U0ANNA", date(2026, 11, 27), 20, fcr=18)
    clock.fixed = MONDAY_0930_ROME
    run_nudges(bot.deps, MONDAY_0930_ROME)
    [start] = slack.calls_to("chat.postMessage")
    bot.click(Action.NUDGE_ANOTHER, buttons(message_of(start))[Action.NUDGE_ANOTHER], message=message_of(start))
    [swapped] = slack.wait_for("response/action")
    assert swapped.args["replace_original"] is True
    first, second = nudges(sessions, "U0ANNA")
    assert (first.feedback, second.kind, second.metric) == ("another", "practice", "fcr_rate")
    assert second.practice_id != first.practice_id
    assert PRACTICES[second.practice_id].en.title in swapped.args["text"]

    replacement = {"type": "message", "text": swapped.args["text"], "ts": "1.2", "blocks": swapped.args["blocks"]}
    bot.click(Action.NUDGE_NOT_FOR_ME, buttons(replacement)[Action.NUDGE_NOT_FOR_ME], message=replacement)
    slack.wait_for("response/action", count=2)
    third = nudges(sessions, "U0ANNA")[2]
    assert nudges(sessions, "U0ANNA")[1].feedback == "not_for_me"
    assert third.practice_id not in (first.practice_id, second.practice_id) and third.metric == "fcr_rate"


def test_cadence_is_set_by_name_and_a_bad_one_is_refused_changing_nothing(bot, sessions):
    assert "a tip every working day" in bot.slash("/coach", "cadence daily").json()["text"]
    refused = bot.slash("/coach", "cadence hourly").json()["text"]
    assert "`hourly` is not a cadence" in refused
    with sessions() as session:
        assert session.scalar(select(Rep.cadence).where(Rep.user_id == "U0ANNA")) == "daily"
    assert "cadence: daily" in bot.slash("/coach", "settings").json()["text"]


def test_a_held_out_week_sends_nothing_and_records_the_focus_it_would_have_had(bot, sessions, slack):
    log_weekdays(sessions, "U0ANNA", date(2026, 11, 27), 20, fcr=18)
    everyone_held_out = replace(bot.deps, holdout_share=1.0)
    for day in range(5):
        run_nudges(everyone_held_out, MONDAY_0930_ROME + timedelta(days=day))
    assert not slack.calls_to("chat.postMessage")
    [held_out] = nudges(sessions, "U0ANNA")
    assert (held_out.kind, held_out.metric, held_out.practice_id) == ("held_out", "fcr_rate", None)
    assert held_out.focus_value == 0.6


def test_a_tip_with_nothing_new_to_suggest_says_so_rather_than_praise_or_a_repeat(bot, sessions, clock):
    # First-contact resolution exactly on target: not below it, but not surely met either.
    log_weekdays(sessions, "U0ANNA", date(2026, 11, 27), 20, fcr=24)
    clock.fixed = MONDAY_0930_ROME
    answer = bot.slash("/coach", "tip").json()
    assert "Nothing new to suggest today" in answer["text"] and "Every target met" not in answer["text"]
    assert [block["type"] for block in answer["blocks"]] == ["section"]
    [rest] = nudges(sessions, "U0ANNA")
    assert (rest.kind, rest.practice_id) == ("rest", None)


def test_the_wrap_up_shows_the_focus_figure_logged_this_week_against_the_one_that_chose_it(bot, sessions, slack):
    log_weekdays(sessions, "U0ANNA", date(2026, 11, 27), 20, fcr=18)
    log_weekdays(sessions, "U0ANNA", date(2026, 12, 3), 4, fcr=27)  # Monday to Thursday this week, at 90%
    sent = sweep(bot, MONDAY_0930_ROME, MONDAY_0930_ROME + timedelta(days=4), timedelta(days=1))
    wrap_up = sent[-1][2]["text"]
    assert "*90%* this week, from 60% when it became your focus" in wrap_up and "meets the target" in wrap_up
