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


def test_team_commands_answer_an_italian_admin_in_italian_and_an_english_one_in_english(bot, slack):
    slack.add_user("U0ADA", is_admin=True)
    slack.add_user("U0ALDO", is_admin=True, locale="it-IT")

    assert "Team *A* created; its posts go to <#C0A>." in coach(bot, "team create A <#C0A|a>", "U0ADA")["text"]
    italian = coach(bot, "team create B <#C0B|b>", "U0ALDO")["text"]
    assert "Team *B* creato; i suoi post vanno in <#C0B>." in italian
    assert (
        "Aggiunti a *B*: <@U0ANNA> e <@U0BRUNO>." in coach(bot, "team add B <@U0ANNA|a> <@U0BRUNO|b>", "U0ALDO")["text"]
    )
    assert "<@U0LENA> ora guida *B*." in coach(bot, "team lead B <@U0LENA|l>", "U0ALDO")["text"]
    targets = coach(bot, "team targets B fcr_rate=75% csat=4,6", "U0ALDO")["text"]
    assert "Nuovi target per *B*: Risoluzione al primo contatto 75% e CSAT 4,6." in targets

    listed = coach(bot, "team list", "U0ALDO")["text"]
    assert "• *B* · <#C0B> · lead: <@U0LENA> · 2 colleghi" in listed and "lead: nessuno · 0 colleghi" in listed
    assert "• *B* · <#C0B> · leads: <@U0LENA> · 2 reps" in coach(bot, "team list", "U0ADA")["text"]


@pytest.mark.parametrize(
    "text, english, italian",
    [
        (
            "team fly",
            "Use `/coach team create|add|remove|lead|targets|lang|helpdesk|list …`",
            "Usa `/coach team create|",
        ),
        ("team add Z <@U0BRUNO|b>", "There is no team named Z.", "Non esiste un team chiamato Z."),
        ("team targets A speed=3", "`speed` is not a scorecard metric", "`speed` non è una metrica della scorecard"),
        ("team targets A csat=lots", "`csat=lots` needs a number", "`csat=lots` ha bisogno di un numero"),
        ("team create A <#C0A|a>", "There is already a team named A.", "Esiste già un team chiamato A."),
        ("team create C general", "`general` is not a channel", "`general` non è un canale"),
        ("team add A anna", "`anna` is not a person", "`anna` non è una persona"),
        ('team add "A <@U0ANNA|a>', "needs its closing quote", "virgolette di chiusura"),
    ],
)
def test_a_team_refusal_is_in_the_admins_language(bot, sessions, slack, text, english, italian):
    slack.add_user("U0ADA", is_admin=True)
    slack.add_user("U0ALDO", is_admin=True, locale="it-IT")
    coach(bot, "team create A <#C0A|a>", "U0ADA")
    coach(bot, "settings", "U0ALDO")
    before = snapshot(sessions)

    in_english = coach(bot, text, "U0ADA")["text"]
    in_italian = coach(bot, text, "U0ALDO")["text"]

    assert english in in_english and "Nothing was saved." in in_english
    assert italian in in_italian and "Non è stato salvato nulla." in in_italian
    assert snapshot(sessions) == before
