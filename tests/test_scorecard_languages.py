"""`/scorecard` answers each reader in their own language: its heading, lines, changes, score and refusals, with
numbers and days written the way that language writes them."""

from datetime import UTC, datetime

import pytest

from tests.stored import snapshot

ITALIAN = "U0GIULIA"
WEDNESDAY = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
LOGS = [
    "date=2026-11-16 contacts=40 fcr=28 csat=4.5 recommit=10 complaints=1 aht=9",
    "date=2026-11-23 contacts=20 fcr=16 csat=4.8 recommit=8 complaints=0 aht=7 upsells=1",
    "date=2026-11-24 contacts=30 fcr=21 csat=4.6 recommit=10 complaints=0 aht=8 upsells=2",
]


@pytest.fixture
def italian_rep(slack):
    slack.add_user(ITALIAN, locale="it-IT")
    return ITALIAN


def shown(answer: dict) -> str:
    """Everything the reader sees: the fallback text and every block's text."""
    parts = [answer["text"]]
    for block in answer["blocks"]:
        if "text" in block:
            parts.append(block["text"]["text"])
        parts += [element["text"] for element in block.get("elements", []) if "text" in element]
    return "\n".join(parts)


def scorecard(bot, text: str = "", user: str = "U0ANNA") -> str:
    response = bot.slash("/scorecard", text, user=user)
    assert response.status_code == 200
    return shown(response.json())


@pytest.fixture
def both_logged(bot, clock, italian_rep):
    clock.fixed = WEDNESDAY
    for text in LOGS:
        bot.log(text)
        bot.log(text, user=italian_rep)
    return bot


def test_the_same_scorecard_in_english_and_in_italian(both_logged, italian_rep):
    english = scorecard(both_logged, "week")
    italian = scorecard(both_logged, "settimana", user=italian_rep)

    assert "Your scorecard · this week" in english and "Mon 23 Nov 2026 – Wed 25 Nov 2026 · 2 logged days" in english
    assert "First-contact resolution: *74%* · target 80% · +4 pts better" in english
    assert "Handle time: *7.6 min* · target 8.0 min · -1.4 min better" in english
    assert "*Customer*" in english and "Balanced score:" in english

    assert "La tua scorecard · questa settimana" in italian
    assert "lun 23 nov 2026 – mer 25 nov 2026 · 2 giorni registrati" in italian
    assert "Risoluzione al primo contatto: *74%* · target 80% · +4 punti, meglio" in italian
    assert "CSAT: *4,7* · target 4,5 · +0,2, meglio" in italian
    assert "Tempo di gestione: *7,6 min* · target 8,0 min · -1,4 min, meglio" in italian
    assert "*Cliente*" in italian and "*Apprendimento*" in italian and "*Punteggio bilanciato:" in italian
    assert "rispetto alla settimana scorsa" in italian
    english_words = {"Your", "target.", "better", "worse", "logged", "Balanced", "Customer", "not", "week"}
    assert not english_words & set(italian.replace("*", " ").split())
    assert not {"meglio", "punti", "Cliente", "settimana"} & set(english.replace("*", " ").split())


def test_a_customer_metric_below_target_is_named_in_the_readers_language(bot, clock, italian_rep):
    clock.fixed = WEDNESDAY
    bot.log("date=2026-11-24 contacts=30 fcr=29 csat=4.1 complaints=3 aht=5")
    bot.log("date=2026-11-24 contacts=30 fcr=29 csat=4.1 complaints=3 aht=5", user=italian_rep)

    assert "Customer first: CSAT and Complaints below target" in scorecard(bot)
    assert "Prima il cliente: CSAT e Reclami sotto il target" in scorecard(bot, user=italian_rep)


def test_a_month_with_nothing_logged_says_how_to_start_in_each_language(bot, clock, italian_rep):
    clock.fixed = WEDNESDAY
    assert "Nothing logged this month yet (Sun 1 Nov 2026 – Wed 25 Nov 2026)" in scorecard(bot, "month")
    italian = scorecard(bot, "mese", user=italian_rep)
    assert "Ancora niente registrato questo mese (dom 1 nov 2026 – mer 25 nov 2026)" in italian
    assert "`/log contatti=30 risolti=24 csat=4,6`" in italian


@pytest.mark.parametrize(
    "text, english, italian",
    [
        ("year", "`/scorecard` takes a period (week, month or quarter)", "`/scorecard` accetta un periodo"),
        ("<@U0BRUNO>", "I can't show you that one.", "Questo non posso mostrartelo."),
        ("team", "I can't show you that one.", "Questo non posso mostrartelo."),
    ],
)
def test_a_refusal_is_in_the_readers_language_and_stores_nothing(bot, sessions, italian_rep, text, english, italian):
    bot.log("contacts=10")
    bot.log("contacts=10", user=italian_rep)
    before = snapshot(sessions)

    in_english = scorecard(bot, text)
    in_italian = scorecard(bot, text, user=italian_rep)

    assert english in in_english and italian not in in_english
    assert italian in in_italian and english not in in_italian
    assert snapshot(sessions) == before
