"""`/log` answers each rep in their own language: its answer, its refusals and its help, with numbers and days
written the way that language writes them, and the Italian names of the keys accepted from anyone."""

import pytest

from tests.stored import logged_days, snapshot

ITALIAN = "U0GIULIA"


@pytest.fixture
def italian_rep(slack):
    slack.add_user(ITALIAN, locale="it-IT")
    return ITALIAN


def test_the_same_log_is_answered_in_english_and_in_italian_with_each_ones_numbers(bot, sessions, italian_rep):
    english = bot.log("contacts=30 fcr=24 csat=4.6 aht=7.5")["text"]
    italian = bot.log("contacts=30 fcr=24 csat=4.6 aht=7.5", user=italian_rep)["text"]

    assert "Logged *" in english and "CSAT: 4.6" in english and "Handle time: 7.5" in english
    assert "First-contact resolution that day: *80%*" in english
    assert "Registrato *" in italian and "CSAT: 4,6" in italian and "Tempo di gestione: 7,5" in italian
    assert "Risolti al primo contatto: 24" in italian and "Risoluzione al primo contatto quel giorno: *80%*" in italian
    assert not {"Logged", "Handle time", "First-contact"} & set(italian.replace("*", " ").split())
    assert "Registrato" not in english and "Tempo" not in english


def test_an_update_in_italian_shows_before_and_after_with_decimal_commas(bot, sessions, italian_rep):
    bot.log("contatti=30 risolti=20 soddisfazione=4,2", user=italian_rep)
    answer = bot.log("csat=4,6 upselling=2", user=italian_rep)

    assert "Aggiornato *" in answer["text"] and "CSAT: 4,2 → 4,6" in answer["text"]
    assert "Upselling: 2" in answer["text"]
    [day] = logged_days(sessions, italian_rep)
    assert (day.contacts, day.fcr, day.csat, day.upsells) == (30, 20, 4.6, 2)


def test_every_italian_key_name_is_read_as_its_figure(bot, sessions):
    bot.log(
        "contatti=40 risolti=30 ripetuti=2 sodd=4,5 durata=6 reclami=1 aggiuntive=2 abbinate=1 segnalazioni=3 "
        "ritorni=10 pratiche=1"
    )

    [day] = logged_days(sessions)
    assert (day.contacts, day.fcr, day.repeat, day.csat, day.aht, day.complaints) == (40, 30, 2, 4.5, 6.0, 1)
    assert (day.upsells, day.crosssells, day.referrals, day.recommit, day.practices) == (2, 1, 3, 10, 1)


REFUSED = [
    ("contacts=10 fcr=11", "`fcr` (11) cannot be more than `contacts` (10).", "`fcr` (11) non può superare"),
    ("contatti=-3", "`contacts` cannot be negative", "`contacts` non può essere negativo"),
    ("contacts=10 aht=0,05", "from 0.1 to 240", "tra 0,1 e 240"),
    ("contacts=30 date=2099-01-01", "is in the future", "è nel futuro"),
    ("contacts 30 ciao", "I could not read `ciao`", "Non riesco a leggere `ciao`"),
    ("contatt=30", "Did you mean `contacts`?", "Intendevi `contacts`?"),
]


@pytest.mark.parametrize("text, english, italian", REFUSED, ids=[text for text, _, _ in REFUSED])
def test_a_refusal_is_in_the_reps_language_and_stores_nothing(bot, sessions, italian_rep, text, english, italian):
    before = snapshot(sessions)

    in_english = bot.log(text)["text"]
    in_italian = bot.log(text, user=italian_rep)["text"]

    assert english in in_english and "Nothing was saved." in in_english
    assert italian in in_italian and "Non è stato salvato nulla." in in_italian
    assert snapshot(sessions) == before


def test_the_help_lists_the_keys_with_the_readers_names_for_them(bot, sessions, italian_rep):
    english = bot.log("help")["text"]
    italian = bot.log("aiuto", user=italian_rep)["text"]

    assert "• `contacts` (c, handled): contacts handled" in english
    assert "up to 14 days back" in english
    assert "• `contacts` (contatti, gestiti): contatti gestiti" in italian
    assert "• `aht` (durata, tmg): tempo medio di gestione, in minuti" in italian
    assert "• `date` (data, giorno)" in italian and "fino a 14 giorni fa" in italian
    assert "csat=4,6" in italian and "Log your day" not in italian


def test_coach_lang_it_turns_an_english_slack_locale_to_italian(bot, sessions):
    assert "Logged" in bot.log("contacts=10")["text"]

    bot.slash("/coach", "lang it")

    answer = bot.log("contacts=12")["text"]
    assert "Aggiornato *" in answer and "Contatti: 10 → 12" in answer
    assert "Non è stato salvato nulla." in bot.log("contacts=lots")["text"]
