from datetime import date, datetime
from zoneinfo import ZoneInfo

from tests.stored import FIGURE_KEYS, logged_days, snapshot


def today() -> date:
    return datetime.now(ZoneInfo("Europe/Rome")).date()


def form(day: date | None = None, **figures: str) -> dict:
    values = {"date": {"value": {"type": "datepicker", "selected_date": (day or today()).isoformat()}}}
    for key in FIGURE_KEYS:
        values[key] = {"value": {"type": "number_input", "value": figures.get(key)}}
    return values


def test_log_alone_opens_the_form_pre_filled_with_todays_figures(bot, slack, sessions):
    bot.log("contacts=30 csat=4.5")
    response = bot.slash("/log", "")

    assert response.status_code == 200 and response.text == ""
    [call] = slack.wait_for("views.open")
    assert call.args["trigger_id"] == "1337.42.trigger"
    view = call.structured("view")
    blocks = {block["block_id"]: block["element"] for block in view["blocks"]}
    assert blocks["date"]["initial_date"] == today().isoformat()
    assert blocks["contacts"]["initial_value"] == "30" and blocks["csat"]["initial_value"] == "4.5"
    assert "initial_value" not in blocks["fcr"]
    assert len(view["blocks"]) <= 100 and len(view["title"]["text"]) <= 24


def test_a_valid_form_is_stored_and_the_form_shows_what_was_saved(bot, sessions):
    response = bot.submit_view("log_day", form(contacts="25", fcr="20", csat="4.7"))

    answer = response.json()
    assert answer["response_action"] == "update"
    assert "Logged" in answer["view"]["blocks"][0]["text"]["text"]
    [day] = logged_days(sessions)
    assert (day.contacts, day.fcr, day.csat) == (25, 20, 4.7)


def test_form_errors_are_shown_on_each_wrong_field_and_nothing_is_stored(bot, sessions):
    before = snapshot(sessions)
    answer = bot.submit_view("log_day", form(contacts="10", csat="7", aht="-2")).json()

    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"csat", "aht"}
    assert "1 to 5" in answer["errors"]["csat"] and "negative" in answer["errors"]["aht"]
    assert snapshot(sessions) == before


def test_a_share_above_contacts_in_the_form_is_shown_on_that_field(bot, sessions):
    answer = bot.submit_view("log_day", form(contacts="10", fcr="12")).json()
    assert answer == {"response_action": "errors", "errors": {"fcr": "`fcr` (12) cannot be more than `contacts` (10)."}}
    assert logged_days(sessions) == []


def test_a_future_day_in_the_form_is_shown_on_the_date(bot, sessions):
    answer = bot.submit_view("log_day", form(day=date(2099, 1, 1), contacts="10")).json()
    assert "future" in answer["errors"]["date"]
    assert logged_days(sessions) == []


def test_an_italian_rep_gets_the_form_its_errors_and_its_answer_in_italian(bot, slack, sessions):
    slack.add_user("U0GIULIA", locale="it-IT")
    bot.slash("/log", "", user="U0GIULIA")
    view = slack.wait_for("views.open")[0].structured("view")
    labels = {block["block_id"]: block["label"]["text"] for block in view["blocks"]}
    assert (view["title"]["text"], view["submit"]["text"], labels["date"]) == (
        "Registra la giornata",
        "Salva",
        "Giorno",
    )
    assert labels["contacts"] == "Contatti" and labels["aht"] == "Tempo di gestione"

    refused = bot.submit_view("log_day", form(contacts="10", csat="7", aht="-2"), user="U0GIULIA").json()
    assert refused["errors"] == {
        "csat": "`csat` è una media da 1 a 5; 7 è fuori da questo intervallo.",
        "aht": "`aht` non può essere negativo; hai scritto -2.",
    }
    too_many = bot.submit_view("log_day", form(contacts="10", fcr="12"), user="U0GIULIA").json()
    assert too_many["errors"] == {"fcr": "`fcr` (12) non può superare `contatti` (10)."}

    saved = bot.submit_view("log_day", form(contacts="25", csat="4.7"), user="U0GIULIA").json()
    assert saved["view"]["title"]["text"] == "Registra la giornata" and saved["view"]["close"]["text"] == "Fatto"
    assert (
        "Registrato" in saved["view"]["blocks"][0]["text"]["text"]
        and "CSAT: 4,7" in saved["view"]["blocks"][0]["text"]["text"]
    )
