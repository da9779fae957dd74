"""`/coach` answers each rep in their own language: its help, every setting's answer and refusal, time off, the
settings it lists and the forget-me question; an English rep sees none of the Italian."""

from datetime import UTC, datetime

import pytest

from tests.stored import snapshot

ITALIAN = "U0GIULIA"
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture
def italian_rep(slack, clock):
    clock.fixed = MONDAY
    slack.add_user(ITALIAN, locale="it-IT")
    return ITALIAN


def coach(bot, text: str, user: str = "U0ANNA") -> dict:
    response = bot.slash("/coach", text, user=user)
    assert response.status_code == 200
    return response.json()


def test_the_help_is_in_each_readers_language_with_the_buttons_as_they_see_them(bot, italian_rep):
    english = coach(bot, "help")["text"]
    italian = coach(bot, "aiuto", user=italian_rep)["text"]

    assert "*RepCoach* helps you grow a balanced service" in english and "*I'll try it*" in english
    assert "*RepCoach* ti aiuta a far crescere un servizio equilibrato" in italian
    assert "*La provo*, *Un'altra* e *Non fa per me*" in italian and "`/coach tip`: un consiglio" in italian
    assert "helps you" not in italian and "ti aiuta" not in english
    assert len(italian) < 3000


ANSWERS = [
    ("time 07:45", "Your tips now come at 07:45 (Europe/Rome).", "Ora i tuoi consigli arrivano alle 07:45"),
    ("days lun-gio", "Monday, Tuesday, Wednesday, and Thursday.", "di lunedì, martedì, mercoledì e giovedì."),
    ("cadence daily", "Your coaching now comes as a tip every working day.", "un consiglio ogni giorno lavorativo"),
    ("pause 3 days", "Tips are paused through Wed 25 Nov 2026.", "in pausa fino a mer 25 nov 2026 compreso"),
    ("resume", "Tips are back on, from your next working day.", "I consigli ripartono"),
    (
        "away 2026-12-24..2027-01-02",
        "No tips from Thu 24 Dec 2026 to Sat 2 Jan 2027",
        "da gio 24 dic 2026 a sab 2 gen 2027",
    ),
    ("away", "No time off ahead.", "Nessuna assenza in programma."),
    ("settings", "• days: Monday, Tuesday, Wednesday, Thursday, and Friday", "• giorni: lunedì, martedì"),
    ("forget-me", "*Erase everything RepCoach holds about you?*", "*Cancellare tutto ciò che RepCoach conserva"),
]


@pytest.mark.parametrize("text, english, italian", ANSWERS, ids=[text for text, _, _ in ANSWERS])
def test_each_answer_is_in_the_reps_language(bot, italian_rep, text, english, italian):
    in_english = coach(bot, text)["text"]
    in_italian = coach(bot, text, user=italian_rep)["text"]

    assert english in in_english and italian not in in_english
    assert italian in in_italian and english not in in_italian


def test_forget_me_asks_with_buttons_in_the_readers_language(bot, italian_rep):
    [_, buttons] = coach(bot, "forget-me", user=italian_rep)["blocks"]
    assert [button["text"]["text"] for button in buttons["elements"]] == ["Sì, cancella i miei dati", "Annulla"]


REFUSED = [
    ("fly", "I don't know `/coach fly`.", "Non conosco `/coach fly`."),
    ("time 25:00", "`25:00` is not a time", "`25:00` non è un orario"),
    ("days fri-mon", "`fri-mon` runs backwards", "`fri-mon` va all'indietro"),
    ("lang fr", "`fr` is not a language I speak yet", "`fr` non è una lingua che parlo ancora"),
    ("cadence sometimes", "`sometimes` is not a cadence", "`sometimes` non è una cadenza"),
    ("pause 400", "A pause runs from 1 to 365 days; 400 is outside that.", "Una pausa dura da 1 a 365 giorni"),
    ("away 2026-12-24..2026-12-01", "2026-12-01 comes before 2026-12-24", "2026-12-01 viene prima di 2026-12-24"),
    ("away 2020-01-01", "2020-01-01 is already past", "2020-01-01 è già passato"),
    ("away 2026-01-01..2027-06-01", "That is 517 days; time off can be at most 366", "Sono 517 giorni"),
    ("holidays", "Only team leads can set team holidays", "Solo i team lead possono impostare le festività"),
    ("kudos <@U0ANNA|anna> for this", "Kudos are for someone else", "I kudos sono per qualcun altro"),
    ("team create B <#C0B|b>", "Only workspace admins, and people an admin has named", "Solo gli admin del workspace"),
]


@pytest.mark.parametrize("text, english, italian", REFUSED, ids=[text for text, _, _ in REFUSED])
def test_a_refusal_is_in_the_reps_language_and_changes_nothing(bot, sessions, italian_rep, text, english, italian):
    coach(bot, "settings")
    coach(bot, "settings", user=italian_rep)
    before = snapshot(sessions)

    in_english = coach(bot, text)["text"]
    in_italian = coach(bot, text.replace("U0ANNA|anna", f"{ITALIAN}|giulia"), user=italian_rep)["text"]

    assert english in in_english and italian not in in_english
    assert italian in in_italian and english not in in_italian
    assert snapshot(sessions) == before


def test_lang_switches_every_later_answer(bot, sessions):
    assert "Your tips now come at 08:00" in coach(bot, "time 08:00")["text"]
    assert "I tuoi consigli ora arrivano in italiano." in coach(bot, "lang it")["text"]
    assert "Ora i tuoi consigli arrivano alle 08:15" in coach(bot, "time 08:15")["text"]
    assert "Your tips now come in English." in coach(bot, "lang en")["text"]
