"""A team channel's language (`/coach team lang`, else most of its members'): its recognition and kudos posts speak
it; a lead's weekly summary speaks the lead's own."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.dev.local_slack import TEAM_ID
from bot.jobs import run_recognition, run_weekly_summaries
from coaching.library import default_library
from coaching.models import Team
from coaching.outcomes import record_day
from coaching.reps import get_or_create_rep
from coaching.teams import add_member, create_team, team_language
from tests.block_kit import assert_valid_message
from tests.stored import snapshot
from tests.test_teams import (
    FRIDAY_1600_ROME,
    MONDAY_0800_ROME,
    STEADY,
    coach,
    coached_on_complaints,
    part,
    seed_team_of_twelve,
    tagged,
)


def team_named(sessions, name: str) -> Team:
    with sessions() as session:
        return session.scalars(select(Team).where(Team.name == name)).one()


def members_speaking(sessions, languages: list[str | None], locales: list[str | None]) -> Team:
    with sessions.begin() as session:
        team = create_team(session, TEAM_ID, "Mixed", "C0MIXED")
        for number, (chosen, locale) in enumerate(zip(languages, locales, strict=True)):
            rep = get_or_create_rep(session, TEAM_ID, f"U0M{number:02d}")
            rep.language, rep.locale = chosen, locale
            add_member(session, team, rep, is_lead=number == 0)
    return team_named(sessions, "Mixed")


@pytest.mark.parametrize(
    "languages, locales, expected",
    [
        ([None, None, None], ["it-IT", "it-IT", "en-US"], "it"),
        (["it", "en", None], [None, "it-IT", "en-GB"], "en"),  # /coach lang comes before the Slack locale
        ([None, None], ["it-IT", "en-US"], "en"),  # a tie
        ([None, "it", "it"], ["en-US", None, None], "it"),  # the lead counts like anyone
        ([], [], "en"),
    ],
)
def test_a_team_speaks_the_language_of_most_of_its_members_and_english_on_a_tie(sessions, languages, locales, expected):
    team = members_speaking(sessions, languages, locales)
    with sessions() as session:
        assert team_language(session, team) == expected


@pytest.fixture
def teams(bot, sessions, slack):
    """Team A: Anna (Italian) and Bruno (English), led by Lena (Italian); Ada is an English-speaking admin."""
    slack.add_user("U0ADA", is_admin=True)
    slack.add_user("U0LENA", locale="it-IT")
    slack.add_user("U0ANNA", locale="it-IT")
    coach(bot, 'team create "Team A" <#C0TEAMA|team-a>', "U0ADA")
    coach(bot, f'team add "Team A" {tagged("U0ANNA")} {tagged("U0BRUNO")}', "U0ADA")
    coach(bot, f'team lead "Team A" {tagged("U0LENA")}', "U0ADA")
    for user in ("U0ANNA", "U0BRUNO", "U0LENA"):
        bot.log("contacts=10 fcr=8", user=user)
    return bot


def kudos_posts(slack, channel: str) -> list[str]:
    return [call.args["text"] for call in slack.calls_to("chat.postMessage") if call.args["channel"] == channel]


def test_kudos_in_a_team_channel_speak_its_language_until_a_lead_sets_another(teams, sessions, slack):
    assert "posted in <#C0TEAMA>" in coach(teams, f"kudos {tagged('U0ANNA')} for patience", "U0BRUNO")
    [italian] = slack.wait_for("chat.postMessage", channel="C0TEAMA")
    assert italian.args["text"] == ":clap: <@U0BRUNO> fa i complimenti a <@U0ANNA> per patience"

    answer = coach(teams, 'team lang "Team A" en', "U0LENA")
    assert answer == ":speech_balloon: I post di riconoscimento e i complimenti di *Team A* ora arrivano in inglese."
    coach(teams, f"kudos {tagged('U0BRUNO')} for a clean handover", "U0ANNA")
    english = slack.wait_for("chat.postMessage", count=2, channel="C0TEAMA")[-1]
    assert english.args["text"] == ":clap: <@U0ANNA> gives kudos to <@U0BRUNO> for a clean handover"
    assert team_named(sessions, "Team A").language == "en"

    answer = coach(teams, 'team lang "Team A" it', "U0ADA")
    assert answer == ":speech_balloon: The recognition and kudos posts of *Team A* now come in Italian."


def test_kudos_sent_directly_speak_the_receivers_language(teams, sessions, slack):
    coach(teams, "recognition off", "U0ANNA")
    coach(teams, f"kudos {tagged('U0ANNA')} for patience", "U0BRUNO")
    direct = slack.wait_for("chat.postMessage", count=2, channel="U0ANNA")[-1]  # the welcome on joining, then this
    assert direct.args["text"] == ":clap: <@U0BRUNO> fa i complimenti a <@U0ANNA> per patience"


@pytest.mark.parametrize(
    "user, text, expected",
    [
        ("U0BRUNO", 'team lang "Team A" it', "Only workspace admins and the team's leads can set a team's language."),
        ("U0ADA", 'team lang "Team A" de', "`de` is not a language I speak yet"),
        ("U0LENA", 'team lang "Team A"', "Usa `/coach team lang NOME it|en`."),
        ("U0ADA", "team lang Nowhere it", "Use `/coach team lang NAME it|en`."),
    ],
)
def test_a_team_language_from_someone_else_or_unknown_is_refused_and_changes_nothing(
    teams, sessions, user, text, expected
):
    before = snapshot(sessions)
    answer = coach(teams, text, user)
    assert expected in answer
    assert snapshot(sessions) == before


def test_an_italian_lead_gets_the_weekly_summary_in_italian_with_italian_numbers(bot, sessions, slack):
    slack.add_user("U0LEAD", tz="Europe/Rome", locale="it-IT")
    seed_team_of_twelve(sessions)
    coached_on_complaints(sessions)
    with sessions.begin() as session:
        get_or_create_rep(session, TEAM_ID, "U0LEAD").locale = "it-IT"

    run_weekly_summaries(bot.deps, MONDAY_0800_ROME)

    [post] = slack.calls_to("chat.postMessage")
    message = {"text": post.args["text"], "blocks": post.structured("blocks")}
    assert_valid_message(message)
    assert message["text"].startswith("Riepilogo settimanale di Tier 1, settimana del 16 nov: punteggio del team ")
    assert message["blocks"][0]["text"]["text"] == "Tier 1 · settimana del 16 nov"
    assert message["blocks"][1]["elements"][0]["text"] == "lun 16 nov 2026 – dom 22 nov 2026 · 55 giorni registrati"
    text = "\n".join(b["text"]["text"] for b in message["blocks"] if b["type"] == "section")
    assert "la media dei punteggi bilanciati di 11 colleghi" in text
    assert "CSAT: *4,6* · target 4,5 · 0 su 11 sotto target (1 non l'ha registrato)" in text
    assert "Tempo di gestione: *7,0 min* · target 8,0 min" in text
    assert "*Processo*" in text and "*Apprendimento*" in text
    assert "<@U0R03>: niente registrato" in text
    assert "<@U0R01>: 5 giorni · 65 (+7)" in text
    at_risk = part(text, ":warning: *A rischio:*")
    assert "• <@U0R08>: Reclami 4% su quattro settimane contro un target di 2%, sotto target in 3 delle" in at_risk
    working_on, helped_most = (practice.it.title for practice in default_library().for_metric("complaint_rate")[:2])
    assert (
        f"• <@U0R08>: Reclami, 4% su quattro settimane contro un target di 2%. Sta lavorando su _{working_on}_ "
        f"(provata: è servita). La più utile per i colleghi: _{helped_most}_ (2 su 2 che hanno risposto); "
        "effetto misurato: dati ancora insufficienti."
    ) in text
    assert "• <@U0R10>: 40 contatti al giorno contro i soliti 20" in text
    for english in ("week of", "At risk", "One-to-ones", "logged", "Working on", "reps"):
        assert english not in message["text"] + text


def test_an_italian_team_channel_gets_its_recognition_in_italian(bot, sessions, slack):
    slack.add_user("U0LEAD", tz="Europe/Rome")
    users = seed_team_of_twelve(sessions)
    with sessions.begin() as session:
        for user in users:
            rep = get_or_create_rep(session, TEAM_ID, user)
            rep.locale = "it-IT"
            for weekday in range(4):
                figures = dict(STEADY, recommit=10 if user == "U0R04" else 9)
                record_day(session, rep.id, date(2026, 11, 23) + timedelta(days=weekday), figures, datetime.now(UTC))

    assert run_recognition(bot.deps, FRIDAY_1600_ROME).planned == 1

    [post] = slack.calls_to("chat.postMessage")
    assert post.args["channel"] == "C0TIER1"
    blocks = post.structured("blocks")
    assert_valid_message({"text": post.args["text"], "blocks": blocks})
    text = post.args["text"]
    assert text.startswith(":tada: *Tier 1: i successi equilibrati della settimana*")
    assert (
        "<@U0R04> ha migliorato Impegno a tornare più di chiunque altro: +15 punti rispetto alle quattro settimane "
        "prima, e in target."
    ) in text
    assert "<@U0R07> ha raggiunto tutti i target della scheda." in text
    assert "<@U0R07> ha risolto i contatti al primo colpo, in target o sopra, per 4 giorni registrati di fila." in text
    assert "Insieme il team ha ottenuto " in text
    assert blocks[-1]["elements"][0]["text"].startswith("Qui si celebrano solo i successi equilibrati.")
