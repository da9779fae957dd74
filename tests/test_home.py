"""The App Home tab and the welcome DM."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from bot.dev.local_slack import TEAM_ID
from bot.jobs import run_home_refresh, run_nudges
from coaching.models import Nudge, Rep
from coaching.reps import get_or_create_rep
from coaching.teams import add_member, create_team
from tests.block_kit import assert_valid_view
from tests.slack_requests import event_body, home_action_body, signed_headers
from tests.test_nudges import TUESDAY_0930_ROME, log_weekdays


def open_home(bot, user: str = "U0ANNA") -> dict:
    body = event_body({"type": "app_home_opened", "user": user, "channel": "D0X", "tab": "home", "event_ts": "1.1"})
    headers = signed_headers(body) | {"Content-Type": "application/json"}
    before = len(bot.slack.calls_to("views.publish"))
    assert bot.post(body, headers).status_code == 200
    call = bot.slack.wait_for("views.publish", count=before + 1)[-1]
    assert call.args["user_id"] == user
    view = call.structured("view")
    assert_valid_view(view)
    return view


def view_text(view: dict) -> str:
    return "\n".join(block["text"]["text"] for block in view["blocks"] if block["type"] in ("section", "header"))


def click_home(bot, action: dict, user: str = "U0ANNA") -> dict:
    before = len(bot.slack.calls_to("views.publish"))
    body = home_action_body(action, user)
    assert bot.post(body, signed_headers(body)).status_code == 200
    return bot.slack.wait_for("views.publish", count=before + 1)[-1].structured("view")


def rep(sessions, user: str = "U0ANNA") -> Rep:
    with sessions() as session:
        return session.scalars(select(Rep).where(Rep.user_id == user)).one()


def test_a_brand_new_user_gets_a_home_tab_and_one_welcome_dm(bot, sessions, slack):
    view = open_home(bot)
    assert "Nothing logged this week yet" in view_text(view)
    assert "Log today to start a streak." in str(view)
    [welcome] = slack.wait_for("chat.postMessage")
    assert welcome.args["channel"] == "U0ANNA" and "Welcome to RepCoach" in welcome.args["text"]
    open_home(bot)
    assert len(slack.calls_to("chat.postMessage")) == 1


def test_the_welcome_dm_is_in_an_italian_users_language_with_the_italian_keys(bot, sessions, slack):
    slack.add_user("U0GIULIA", locale="it-IT")
    open_home(bot, "U0GIULIA")
    [welcome] = slack.wait_for("chat.postMessage")
    assert welcome.args["channel"] == "U0GIULIA" and "*Benvenuto in RepCoach!*" in welcome.args["text"]
    assert "`/log contatti=30 risolti=24 csat=4,6`" in welcome.args["text"] and "Welcome" not in welcome.args["text"]


def test_the_home_tab_shows_the_week_the_streak_and_latest_tips_when_opened_after_a_log(bot, sessions, slack, clock):
    log_weekdays(sessions, "U0ANNA", date(2026, 11, 23), 14, fcr=18)
    clock.fixed = TUESDAY_0930_ROME  # the week of the nudge, so Home shows it as this week's focus
    run_nudges(bot.deps, TUESDAY_0930_ROME)
    bot.log("contacts=30 fcr=27")
    view = open_home(bot)
    text = view_text(view)
    assert "This week against your targets" in text and "Your latest tips" in text
    assert "This week's focus:* First-contact resolution at 60%, target 80%." in text
    assert "logged day" in str(view)
    with sessions() as session:
        nudge = session.scalars(select(Nudge)).one()
    actions = [block for block in view["blocks"] if block.get("block_id") == f"home_nudge_{nudge.id}"]
    assert [e["action_id"] for e in actions[0]["elements"]] == ["nudge_helpful", "nudge_not_for_me", "nudge_snooze"]

    after = click_home(bot, {"type": "button", "action_id": "nudge_helpful", "value": f'{{"nudge_id": {nudge.id}}}'})
    assert "You said: helpful" in str(after)
    with sessions() as session:
        assert session.get(Nudge, nudge.id).feedback == "helpful"


def test_settings_on_the_home_tab_change_the_reps_preferences(bot, sessions):
    open_home(bot)
    click_home(bot, {"type": "timepicker", "action_id": "home_time", "selected_time": "07:15"})
    click_home(bot, {"type": "static_select", "action_id": "home_language", "selected_option": {"value": "it"}})
    click_home(
        bot, {"type": "checkboxes", "action_id": "home_days", "selected_options": [{"value": "mon"}, {"value": "wed"}]}
    )
    view = click_home(bot, {"type": "button", "action_id": "home_pause", "value": "pause"})
    stored = rep(sessions)
    assert (stored.nudge_time, stored.language, stored.work_days) == ("07:15", "it", "mon,wed")
    assert stored.paused_until is not None and "Riprendi i consigli" in str(view)  # in the language just chosen
    click_home(bot, {"type": "button", "action_id": "home_pause", "value": "resume"})
    assert rep(sessions).paused_until is None


def test_a_setting_we_cannot_use_is_refused_in_the_apps_dm_and_changes_nothing(bot, sessions, slack):
    with sessions.begin() as session:
        get_or_create_rep(session, TEAM_ID, "U0ANNA")
    body = home_action_body({"type": "timepicker", "action_id": "home_time", "selected_time": "25:99"}, "U0ANNA")

    assert bot.post(body, signed_headers(body)).status_code == 200

    [refusal] = slack.wait_for("chat.postMessage", channel="U0ANNA")
    assert "is not a time" in refusal.args["text"]
    assert rep(sessions).nudge_time is None


def test_a_lead_of_forty_reps_sees_the_team_within_slacks_block_limit(bot, sessions, slack):
    with sessions.begin() as session:
        team = create_team(session, TEAM_ID, "Big", "C0BIG")
        add_member(session, team, get_or_create_rep(session, TEAM_ID, "U0ANNA"), is_lead=True)
        for number in range(40):
            add_member(session, team, get_or_create_rep(session, TEAM_ID, f"U0M{number:02d}"))
    view = open_home(bot)
    assert "*Big* · this week (40 reps)" in view_text(view)
    assert all(f"<@U0M{number:02d}>" in view_text(view) for number in range(40))


def test_every_home_tab_is_refreshed_once_on_monday_morning(bot, sessions, slack):
    for user in ("U0ANNA", "U0BRUNO"):
        bot.log("contacts=10", user=user)
    monday_0600_rome = datetime(2026, 11, 30, 5, 0, tzinfo=UTC)
    before = len(slack.calls_to("views.publish"))
    reports = [run_home_refresh(bot.deps, monday_0600_rome + timedelta(minutes=minutes)) for minutes in (-30, 0, 30)]
    assert [report.planned for report in reports] == [0, 2, 0]
    published = slack.calls_to("views.publish")[before:]
    assert sorted(call.args["user_id"] for call in published) == ["U0ANNA", "U0BRUNO"]
