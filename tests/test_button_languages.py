"""What the buttons answer, in the clicker's language: a coaching DM's button on someone else's tip, a button value
we did not make, a click Slack sent in a shape we cannot read, and the forget-me question's Cancel and Yes."""

import pytest

from bot.ids import Action, NudgeButton
from bot.jobs import run_nudges
from tests.slack_requests import block_action_body, interaction_body, signed_headers
from tests.test_nudges import TUESDAY_0930_ROME, add_rep, nudges

ITALIAN = "U0GIULIA"


@pytest.fixture
def annas_nudge(bot, sessions, slack) -> int:
    """Anna's coaching DM; Giulia (Italian) and Bruno (English) have both used RepCoach before."""
    slack.add_user(ITALIAN, locale="it-IT")
    for user in (ITALIAN, "U0BRUNO"):
        bot.slash("/coach", "settings", user=user)
    add_rep(sessions, "U0ANNA")
    run_nudges(bot.deps, TUESDAY_0930_ROME)
    [nudge] = nudges(sessions, "U0ANNA")
    return nudge.id


def next_answer(bot, send) -> str:
    """What the clicker is told through the click's response_url, after the ack."""
    before = len(bot.slack.calls_to("response/action"))
    send()
    return bot.slack.wait_for("response/action", count=before + 1)[-1].args["text"]


def answer_to(bot, action_id: str, value: str, user: str) -> str:
    return next_answer(bot, lambda: bot.click(action_id, value, user=user))


@pytest.mark.parametrize(
    "user, said",
    [
        ("U0BRUNO", "That tip was not sent to you, so your answer was not recorded."),
        (ITALIAN, "Questo consiglio non era per te, quindi la tua risposta non è stata registrata."),
    ],
)
def test_a_button_on_someone_elses_tip_is_refused_in_the_clickers_language(bot, sessions, annas_nudge, user, said):
    assert said in answer_to(bot, Action.NUDGE_HELPFUL, NudgeButton(nudge_id=annas_nudge).model_dump_json(), user)
    assert nudges(sessions, "U0ANNA")[0].feedback is None


@pytest.mark.parametrize(
    "user, said",
    [
        ("U0BRUNO", "That button is not one I recognise, so nothing was recorded."),
        (ITALIAN, "Non riconosco questo pulsante, quindi non è stato registrato nulla."),
    ],
)
def test_a_button_value_we_did_not_make_is_refused_in_the_clickers_language(bot, annas_nudge, user, said):
    assert said in answer_to(bot, Action.NUDGE_HELPFUL, '{"nudge_id": "not a number"}', user)


@pytest.mark.parametrize(
    "user, said",
    [
        ("U0BRUNO", "Slack sent that in a shape I cannot read, so I did nothing."),
        (ITALIAN, "Slack ha inviato questa richiesta in una forma che non riesco a leggere"),
        ("U0STRANGER", "Slack sent that in a shape I cannot read, so I did nothing."),  # nobody we know: English
    ],
)
def test_a_click_we_cannot_read_is_answered_in_the_clickers_language_when_we_know_them(bot, annas_nudge, user, said):
    body = interaction_body(
        "block_actions",
        user,
        "1337.44.trigger",
        response_url=bot.slack.response_url("action"),
        container={"type": "message", "message_ts": "1700000000.000100", "channel_id": "D0DM"},
        actions="nudge_helpful",
    )
    assert said in next_answer(bot, lambda: bot.post(body, signed_headers(body)))


def forget_me_button(bot, action_id: str, user: str) -> str:
    body = block_action_body(action_id, "x", user, bot.slack.response_url("action"))
    return next_answer(bot, lambda: bot.post(body, signed_headers(body)))


def test_forget_me_cancelled_and_done_in_each_language(bot, annas_nudge):
    assert forget_me_button(bot, Action.FORGET_ME_CANCEL, "U0BRUNO") == "Nothing was erased."
    assert forget_me_button(bot, Action.FORGET_ME_CANCEL, ITALIAN) == "Non è stato cancellato nulla."
    assert "Done: everything RepCoach held about you is erased." in forget_me_button(
        bot, Action.FORGET_ME_CONFIRM, "U0BRUNO"
    )
    done = forget_me_button(bot, Action.FORGET_ME_CONFIRM, ITALIAN)
    assert "Fatto: tutto ciò che RepCoach conservava su di te è stato cancellato." in done


def test_a_form_we_cannot_read_is_answered_in_the_form_in_the_senders_language(bot, annas_nudge):
    view = {"type": "modal", "callback_id": "log_day", "private_metadata": "", "state": {"values": [1, 2]}}
    for user, said, close in (
        ("U0BRUNO", "Slack sent that in a shape I cannot read", "Close"),
        (ITALIAN, "Slack ha inviato questa richiesta in una forma che non riesco a leggere", "Chiudi"),
    ):
        body = interaction_body("view_submission", user, "1337.43.trigger", view=view)
        answer = bot.post(body, signed_headers(body)).json()
        assert said in answer["view"]["blocks"][0]["text"]["text"] and answer["view"]["close"]["text"] == close
