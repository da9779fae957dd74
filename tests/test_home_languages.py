"""The Home tab in each rep's own language: its text, the scorecard, the focus, the tips and their answers, the
settings' controls and a lead's team table, and a refused setting's message."""

from datetime import date

import pytest

from bot.dev.local_slack import TEAM_ID
from bot.jobs import run_nudges
from coaching.reps import get_or_create_rep
from coaching.teams import add_member, create_team
from tests.slack_requests import home_action_body, signed_headers
from tests.test_home import click_home, open_home, rep, view_text
from tests.test_nudges import TUESDAY_0930_ROME, log_weekdays

ITALIAN = "U0GIULIA"
ENGLISH_WORDS = {"Your", "week", "logged", "focus:*", "tips*", "Tips", "Pause", "nothing", "days", "score"}


def labels(view: dict) -> list[str]:
    """Every control's visible text: buttons, options, placeholders."""
    found = []
    for block in view["blocks"]:
        for element in block.get("elements", []):
            if "text" in element and element["type"] == "button":
                found.append(element["text"]["text"])
            found += [option["text"]["text"] for option in element.get("options", [])]
            if "placeholder" in element:
                found.append(element["placeholder"]["text"])
    return found


@pytest.fixture
def both_coached(bot, sessions, slack, clock):
    """Anna (English) and Giulia (Italian Slack locale), each with two weeks logged, this week's nudge, and a team
    that Giulia leads."""
    slack.add_user(ITALIAN, locale="it-IT")
    for user in ("U0ANNA", ITALIAN):
        log_weekdays(sessions, user, date(2026, 11, 23), 14, fcr=18)
    with sessions.begin() as session:
        team = create_team(session, TEAM_ID, "Roma", "C0ROMA")
        add_member(session, team, get_or_create_rep(session, TEAM_ID, ITALIAN), is_lead=True)
        add_member(session, team, get_or_create_rep(session, TEAM_ID, "U0ANNA"))
        add_member(session, team, get_or_create_rep(session, TEAM_ID, "U0NOLOG"))
    clock.fixed = TUESDAY_0930_ROME
    run_nudges(bot.deps, TUESDAY_0930_ROME)
    return bot


def test_the_home_tab_is_in_each_reps_language(both_coached):
    english = open_home(both_coached)
    italian = open_home(both_coached, user=ITALIAN)
    english_text, italian_text = view_text(english), view_text(italian)

    assert "Your week on RepCoach" in english_text and "This week's focus:* First-contact resolution" in english_text
    assert "Log today" in labels(english) and "Monday" in labels(english) and "Pause tips" in labels(english)

    assert "La tua settimana su RepCoach" in italian_text and "*I tuoi ultimi consigli*" in italian_text
    assert "*L'obiettivo della settimana:* Risoluzione al primo contatto a 60%, target 80%." in italian_text
    assert "*Roma* · questa settimana (2 colleghi)" in italian_text and "<@U0NOLOG>: niente registrato" in italian_text
    assert "Questa settimana rispetto ai tuoi target" in italian_text and "*Cliente*" in italian_text
    italian_labels = labels(italian)
    assert {"Registra oggi", "Utile", "Non fa per me", "Lunedì", "Domenica", "Ora dei consigli"} <= set(italian_labels)
    assert {"English", "Italiano", "Metti in pausa i consigli"} <= set(italian_labels)
    assert "I consigli arrivano alle 09:30 (Europe/Rome); attivi." in str(italian)
    assert not ENGLISH_WORDS & set(" ".join([italian_text, *italian_labels]).replace("*", " ").split())
    assert not {"settimana", "consigli", "Registra"} & set(" ".join([english_text, *labels(english)]).split())


def test_a_tips_answer_is_shown_back_in_each_language(both_coached, sessions):
    for user, said in (("U0ANNA", "You said: helpful"), (ITALIAN, "Hai detto: utile")):
        view = open_home(both_coached, user=user)
        [block] = [block for block in view["blocks"] if block.get("block_id", "").startswith("home_nudge_")]
        nudge_id = block["block_id"].removeprefix("home_nudge_")
        action = {"type": "button", "action_id": "nudge_helpful", "value": f'{{"nudge_id": {nudge_id}}}'}
        assert said in str(click_home(both_coached, action, user=user))


def test_a_refused_setting_is_explained_in_the_reps_language(bot, sessions, slack):
    slack.add_user(ITALIAN, locale="it-IT")
    for user, refused in (("U0ANNA", "`25:99` is not a time"), (ITALIAN, "`25:99` non è un orario")):
        open_home(bot, user=user)
        body = home_action_body({"type": "timepicker", "action_id": "home_time", "selected_time": "25:99"}, user)
        assert bot.post(body, signed_headers(body)).status_code == 200
        # The welcome DM from opening Home, and the refusal, in whichever order they were sent.
        told = [call.args["text"] for call in slack.wait_for("chat.postMessage", channel=user, count=2)]
        assert any(refused in text for text in told)
        assert rep(sessions, user).nudge_time is None
