from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from bot.dev.local_slack import TEAM_ID
from coaching.models import Nudge, Rep, TeamHoliday, TimeOff
from coaching.preferences import PAUSED_INDEFINITELY
from coaching.reps import get_or_create_rep
from coaching.teams import add_member, create_team
from tests.stored import snapshot

MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # 11:00 in Rome, Monday 23 November
SUBCOMMANDS = ("tip", "time", "days", "lang", "pause", "resume", "away", "holidays", "settings")


@pytest.fixture(autouse=True)
def monday(clock):
    clock.fixed = MONDAY


def coach(bot, text: str = "", user: str = "U0ANNA") -> dict:
    """Every answer is ephemeral Block Kit with a fallback text."""
    response = bot.slash("/coach", text, user)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["response_type"] == "ephemeral"
    assert answer["text"].strip() and answer["blocks"]
    return answer


def stored_rep(sessions, user_id: str = "U0ANNA") -> Rep:
    with sessions() as session:
        return session.scalars(select(Rep).where(Rep.user_id == user_id)).one()


def rows(sessions, model) -> list:
    with sessions() as session:
        return list(session.scalars(select(model)))


def actions_of(answer: dict) -> dict:
    [actions] = [block for block in answer["blocks"] if block["type"] == "actions"]
    return actions


def assert_refused_and_nothing_changed(bot, sessions, text: str, expected: str, user: str = "U0ANNA") -> None:
    before = snapshot(sessions)
    answer = coach(bot, text, user)
    assert expected in answer["text"], answer["text"]
    assert "Nothing was saved" in answer["text"]
    assert snapshot(sessions) == before


@pytest.fixture
def lead(bot, sessions):
    with sessions.begin() as session:
        team = create_team(session, TEAM_ID, "Tier 1")
        add_member(session, team, get_or_create_rep(session, TEAM_ID, "U0ANNA"), is_lead=True)
    return "U0ANNA"


@pytest.mark.parametrize("text", ["", "help", "HELP"])
def test_coach_and_coach_help_list_every_subcommand_and_the_other_commands(bot, text):
    help_text = coach(bot, text)["text"]
    for name in SUBCOMMANDS:
        assert f"`/coach {name}" in help_text, name
    assert "`/log" in help_text and "`/scorecard" in help_text


def test_an_unknown_subcommand_is_refused_by_name_and_stores_nothing(bot, sessions):
    answer = coach(bot, "dance now")
    assert "I don't know `/coach dance now`" in answer["text"] and "/coach help" in answer["text"]
    assert rows(sessions, Rep) == []


@pytest.mark.parametrize("text, stored", [("07:45", "07:45"), ("7.05", "07:05"), ("23:59", "23:59"), ("0:00", "00:00")])
def test_time_stores_the_nudge_time_as_hh_mm(bot, sessions, text, stored):
    answer = coach(bot, f"time {text}")
    assert stored_rep(sessions).nudge_time == stored
    assert f"{stored} (Europe/Rome)" in answer["text"]


@pytest.mark.parametrize("text", ["25:00", "9", "noon", "", "12:60", "9:5"])
def test_a_bad_time_is_refused_asking_for_hh_mm_and_changes_nothing(bot, sessions, text):
    coach(bot, "time 08:00")
    assert_refused_and_nothing_changed(bot, sessions, f"time {text}", "HH:MM")
    assert stored_rep(sessions).nudge_time == "08:00"


@pytest.mark.parametrize(
    "text, stored, shown",
    [
        ("mon-fri", "mon,tue,wed,thu,fri", "Monday, Tuesday, Wednesday, Thursday, and Friday"),
        ("mon-thu,sat", "mon,tue,wed,thu,sat", "Monday, Tuesday, Wednesday, Thursday, and Saturday"),
        ("monday,wednesday", "mon,wed", "Monday and Wednesday"),
        ("sat, mon", "mon,sat", "Monday and Saturday"),
        ("Tue-Thu,tue", "tue,wed,thu", "Tuesday, Wednesday, and Thursday"),
        ("lun-mer,sabato", "mon,tue,wed,sat", "Monday, Tuesday, Wednesday, and Saturday"),
    ],
)
def test_days_store_the_ordered_list_of_day_names(bot, sessions, text, stored, shown):
    answer = coach(bot, f"days {text}")
    assert stored_rep(sessions).work_days == stored
    assert f"Your tips now come on {shown}." in answer["text"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("fri-mon", "`fri-mon` runs backwards"),
        ("funday", "`funday` is not a list of days"),
        ("", "is not a list of days"),
        ("mon-wed-fri", "is not a list of days"),
        ("mon,", "is not a list of days"),
    ],
)
def test_bad_days_are_refused_and_change_nothing(bot, sessions, text, expected):
    coach(bot, "days mon-wed")
    assert_refused_and_nothing_changed(bot, sessions, f"days {text}", expected)
    assert stored_rep(sessions).work_days == "mon,tue,wed"


def test_lang_stores_the_choice_and_answers_in_that_language(bot, sessions):
    assert "in italiano" in coach(bot, "lang it")["text"]
    assert stored_rep(sessions).language == "it"
    assert "in English" in coach(bot, "lang EN")["text"]
    assert stored_rep(sessions).language == "en"


def test_an_unsupported_language_is_refused_and_changes_nothing(bot, sessions):
    coach(bot, "lang it")
    before = snapshot(sessions)
    answer = coach(bot, "lang fr")["text"]
    assert "scegli `en` o `it`" in answer and "Non è stato salvato nulla." in answer
    assert snapshot(sessions) == before
    assert stored_rep(sessions).language == "it"


def test_pause_alone_pauses_until_resumed_and_resume_clears_it(bot, sessions):
    assert "/coach resume" in coach(bot, "pause")["text"]
    assert stored_rep(sessions).paused_until == PAUSED_INDEFINITELY
    assert "back on" in coach(bot, "resume")["text"]
    assert stored_rep(sessions).paused_until is None


@pytest.mark.parametrize("text", ["3 days", "3", "3 d", "3 DAYS"])
def test_pause_for_n_days_counts_today_as_the_first_paused_day(bot, sessions, text):
    answer = coach(bot, f"pause {text}")
    assert stored_rep(sessions).paused_until == date(2026, 11, 25)
    assert "through Wed 25 Nov 2026" in answer["text"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("forever", "is not a number of days"),
        ("0", "from 1 to 365 days"),
        ("400", "from 1 to 365 days"),
        ("3 weeks", "is not a number of days"),
        ("-2", "is not a number of days"),
        ("²", "is not a number of days"),
        ("３", "is not a number of days"),
    ],
)
def test_a_bad_pause_is_refused_and_changes_nothing(bot, sessions, text, expected):
    coach(bot, "pause 2")
    assert_refused_and_nothing_changed(bot, sessions, f"pause {text}", expected)
    assert stored_rep(sessions).paused_until == date(2026, 11, 24)


def test_away_stores_time_off_lists_it_and_clear_removes_it(bot, sessions):
    assert "No time off ahead" in coach(bot, "away")["text"]
    answer = coach(bot, "away 2026-12-24..2027-01-02")
    assert "Thu 24 Dec 2026 to Sat 2 Jan 2027" in answer["text"]
    [span] = rows(sessions, TimeOff)
    assert (span.first_day, span.last_day) == (date(2026, 12, 24), date(2027, 1, 2))
    assert span.rep_id == stored_rep(sessions).id

    assert "Thu 24 Dec 2026 – Sat 2 Jan 2027" in coach(bot, "away")["text"]
    assert "time off ahead is cancelled" in coach(bot, "away clear")["text"]
    assert "no time off ahead to cancel" in coach(bot, "away clear")["text"]
    assert rows(sessions, TimeOff) == []
    assert "No time off ahead" in coach(bot, "away")["text"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2027-01-02..2026-12-24", "put the first day first"),
        ("2026-11-01..2026-11-02", "is already past"),
        ("xmas", "`xmas` is not a day or a range"),
        ("20261224", "is not a day or a range"),
        ("2026-12-24..2026-12-25..2026-12-26", "is not a day or a range"),
        ("2026-12-01..2027-12-31", "at most 366 days"),
        ("2026-12-24 2026-12-25", "Give one range"),
    ],
)
def test_bad_time_off_is_refused_and_changes_nothing(bot, sessions, text, expected):
    coach(bot, "away 2026-12-01..2026-12-02")
    assert_refused_and_nothing_changed(bot, sessions, f"away {text}", expected)
    assert len(rows(sessions, TimeOff)) == 1


def test_a_rep_who_leads_no_team_is_politely_refused_team_holidays(bot, sessions):
    coach(bot, "settings")
    assert_refused_and_nothing_changed(bot, sessions, "holidays add 2026-12-25 2026-12-26", "ask your lead")
    assert rows(sessions, TeamHoliday) == []


def test_a_lead_adds_team_holidays_once_each_and_lists_them(bot, sessions, lead):
    assert "none yet" in coach(bot, "holidays", lead)["text"]
    answer = coach(bot, "holidays add 2026-12-26 2026-12-25", lead)
    assert "No tips for Tier 1 on Fri 25 Dec 2026 and Sat 26 Dec 2026." in answer["text"]
    coach(bot, "holidays add 2026-12-25 2026-12-25", lead)

    assert sorted(holiday.day for holiday in rows(sessions, TeamHoliday)) == [date(2026, 12, 25), date(2026, 12, 26)]
    assert "Holidays ahead for Tier 1:* Fri 25 Dec 2026 and Sat 26 Dec 2026" in coach(bot, "holidays", lead)["text"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("holidays add 2026-13-01", "`2026-13-01` is not a day written YYYY-MM-DD"),
        ("holidays add", "Name at least one day"),
        ("holidays remove 2026-12-25", "/coach holidays add"),
    ],
)
def test_bad_team_holidays_from_a_lead_are_refused_and_change_nothing(bot, sessions, lead, text, expected):
    coach(bot, "holidays add 2026-12-31", lead)
    assert_refused_and_nothing_changed(bot, sessions, text, expected, lead)
    assert [holiday.day for holiday in rows(sessions, TeamHoliday)] == [date(2026, 12, 31)]


def test_settings_show_the_defaults_for_a_new_rep(bot):
    text = coach(bot, "settings")["text"]
    assert "time: 09:30 (Europe/Rome)" in text and "days: Monday, Tuesday, Wednesday, Thursday, and Friday" in text
    assert "language: English" in text and "paused: no" in text


def test_settings_reflect_earlier_changes(bot):
    for change in ("time 07:45", "days mon-thu,sat", "lang it", "pause 3 days"):
        coach(bot, change)
    text = coach(bot, "settings")["text"]
    assert "ora: 07:45 (Europe/Rome)" in text and "giorni: lunedì, martedì, mercoledì, giovedì e sabato" in text
    assert "lingua: italiano" in text and "in pausa: fino a mer 25 nov 2026 compreso" in text

    coach(bot, "lang en")

    coach(bot, "pause")
    assert "paused: until you resume" in coach(bot, "settings")["text"]
    coach(bot, "resume")
    assert "paused: no" in coach(bot, "settings")["text"]


def test_tip_for_a_rep_with_nothing_logged_is_the_onboarding_nudge_with_a_log_today_button(bot, sessions):
    answer = coach(bot, "tip")

    assert "Welcome to RepCoach" in answer["text"]
    actions = actions_of(answer)
    assert [button["text"]["text"] for button in actions["elements"]] == ["Log today"]
    assert actions["elements"][0]["action_id"] == "open_log_form"
    [nudge] = rows(sessions, Nudge)
    assert (nudge.kind, nudge.delivery_key, nudge.language) == ("onboarding", None, "en")
    assert nudge.local_date == date(2026, 11, 23)
    assert str(nudge.id) in actions["elements"][0]["value"]


def test_each_tip_on_demand_stores_its_own_nudge_without_a_delivery_key(bot, sessions):
    coach(bot, "tip")
    coach(bot, "tip")
    nudges = rows(sessions, Nudge)
    assert len(nudges) == 2 and all(nudge.delivery_key is None for nudge in nudges)


def test_tip_comes_in_the_chosen_language(bot, sessions):
    coach(bot, "lang it")
    answer = coach(bot, "tip")
    assert "Benvenuto" in answer["text"]
    assert actions_of(answer)["elements"][0]["text"]["text"] == "Registra oggi"
    assert rows(sessions, Nudge)[0].language == "it"


def test_each_rep_changes_only_their_own_settings(bot, sessions):
    coach(bot, "time 06:15", "U0BRUNO")
    coach(bot, "away 2026-12-24", "U0CARLA")
    assert stored_rep(sessions, "U0BRUNO").nudge_time == "06:15"
    assert stored_rep(sessions, "U0CARLA").nudge_time is None
    assert "No time off ahead" in coach(bot, "away", "U0BRUNO")["text"]
