"""Signed requests in shapes our listeners do not read: each is answered in words where Slack can show them (the
command's answer, the action's response_url, the app's DM, the form), never with a 500 or a traceback, and
nothing is stored.

The bodies follow bolt-python's own fixtures (tests/scenario_tests: block_actions, view_submission, the org-wide
app_home_opened), with one part missing or of the wrong type."""

from __future__ import annotations

import json
import logging
from urllib.parse import parse_qsl, urlencode

import pytest

from bot.dev.local_slack import TEAM_ID
from bot.ids import Action, Callback
from bot.slack.payloads import NOBODY, UNREADABLE
from tests.slack_requests import (
    block_action_body,
    event_body,
    home_action_body,
    interaction_body,
    signed_headers,
    slash_command_body,
)
from tests.stored import snapshot


@pytest.fixture
def errors(caplog):
    """Every log record at ERROR or above."""
    caplog.set_level(logging.INFO)
    return lambda: [record for record in caplog.records if record.levelno >= logging.ERROR]


def send(bot, body: str, content_type: str | None = None):
    headers = signed_headers(body)
    if content_type:
        headers["Content-Type"] = content_type
    return bot.post(body, headers)


def answered_through_response_url(slack) -> str:
    [answer] = slack.wait_for("response/action")
    assert answer.args.get("response_type") == "ephemeral" and answer.args.get("replace_original") in (False, None)
    return answer.args["text"]


def answered_in_dm(slack, user: str = "U0ANNA") -> str:
    [answer] = slack.wait_for("chat.postMessage", channel=user)
    return answer.args["text"]


def button_click(bot, **fields) -> str:
    """A button on a DM, as in bolt-python's block_actions fixture, with `fields` in place of its own."""
    envelope = {
        "response_url": bot.slack.response_url("action"),
        "container": {"type": "message", "message_ts": "1700000000.000100", "channel_id": "D0DM"},
        "channel": {"id": "D0DM", "name": "directmessage"},
        "message": {"type": "message", "text": "", "blocks": [], "ts": "1700000000.000100"},
        "actions": [{"type": "button", "action_id": Action.NUDGE_HELPFUL, "block_id": "nudge", "value": "{}"}],
    }
    return interaction_body("block_actions", "U0ANNA", "1337.44.trigger", **(envelope | fields))


@pytest.mark.parametrize(
    "actions", [pytest.param("nudge_helpful", id="a string"), pytest.param(["x", "y"], id="of strings")]
)
def test_block_actions_whose_actions_are_not_a_list_of_controls_are_answered(bot, sessions, slack, errors, actions):
    before = snapshot(sessions)

    response = send(bot, button_click(bot, actions=actions))

    assert response.status_code == 200
    assert str(UNREADABLE) in answered_through_response_url(slack)
    assert (errors(), snapshot(sessions)) == ([], before)


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"actions": []}, id="no first action"),
        pytest.param({"actions": None}, id="actions null"),
        pytest.param({"user": 42}, id="a user that is a number"),
        pytest.param({"team": ["T0TEAM"]}, id="a team that is a list"),
        pytest.param({"authorizations": ["T0TEAM"]}, id="authorizations of strings"),
        pytest.param({"response_url": {"url": "x"}}, id="a response_url that is an object"),
    ],
)
def test_a_body_bolt_could_not_route_is_refused_with_400(bot, sessions, slack, errors, fields):
    """Bolt indexes these before any middleware of ours runs, so they are refused before Bolt sees them."""
    before = snapshot(sessions)

    response = send(bot, button_click(bot, **fields))

    assert response.status_code == 400 and "not in Slack's shape" in response.text
    assert (errors(), slack.calls, snapshot(sessions)) == ([], [], before)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"type": "event_callback", "event": None}, id="an event that is null"),
        pytest.param({"type": "event_callback", "event": "type"}, id="an event that is a string"),
        pytest.param({"type": "view_submission", "view": "callback_id"}, id="a view that is a string"),
        pytest.param({"type": "view_submission", "view": {"callback_id": "log_day"}}, id="a view without a type"),
    ],
)
def test_an_event_or_view_bolt_could_not_route_is_refused_with_400(bot, sessions, slack, errors, body):
    before = snapshot(sessions)

    response = send(bot, json.dumps({"team_id": TEAM_ID, **body}), "application/json")

    assert response.status_code == 400
    assert (errors(), slack.calls, snapshot(sessions)) == ([], [], before)


def test_block_actions_without_actions_are_answered(bot, sessions, slack, errors):
    before = snapshot(sessions)
    body = dict(parse_qsl(button_click(bot)))
    payload = json.loads(body["payload"])
    del payload["actions"]

    response = send(bot, urlencode({"payload": json.dumps(payload)}))

    assert response.status_code == 200
    assert str(UNREADABLE) in answered_through_response_url(slack)
    assert (errors(), snapshot(sessions)) == ([], before)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("not json", id="not JSON"),
        pytest.param('{"nudge_id": 99999999999999999999}', id="an id beyond any integer column"),
        pytest.param('{"nudge_id": -1}', id="a negative id"),
        pytest.param('{"nudge_id": "one"}', id="an id that is not a number"),
        pytest.param('{"nudge_id": 1, "admin": true}', id="a field we never send"),
    ],
)
def test_a_nudge_button_with_a_forged_value_gets_an_ephemeral_answer(bot, sessions, slack, errors, value):
    before = snapshot(sessions)

    body = block_action_body(Action.NUDGE_HELPFUL, value, "U0ANNA", slack.response_url("action"))
    response = send(bot, body)

    assert response.status_code == 200
    assert "That button is not one I recognise" in answered_through_response_url(slack)
    assert (errors(), snapshot(sessions)) == ([], before)


def test_a_nudge_button_without_a_value_gets_an_ephemeral_answer(bot, sessions, slack, errors):
    before = snapshot(sessions)
    click = {"type": "button", "action_id": Action.NUDGE_NOT_FOR_ME, "block_id": "nudge", "action_ts": "1.2"}

    response = send(bot, button_click(bot, actions=[click]))

    assert response.status_code == 200
    assert "That button is not one I recognise" in answered_through_response_url(slack)
    assert (errors(), snapshot(sessions)) == ([], before)


def test_a_forged_nudge_button_on_the_home_tab_is_answered_in_the_dm(bot, sessions, slack, errors):
    """A Home tab control has no response_url: the app's own DM is the private place to answer."""
    before = snapshot(sessions)
    body = home_action_body({"type": "button", "action_id": Action.NUDGE_HELPFUL, "value": "nope"}, "U0ANNA")

    assert send(bot, body).status_code == 200
    assert "That button is not one I recognise" in answered_in_dm(slack)
    assert (errors(), snapshot(sessions)) == ([], before)


@pytest.mark.parametrize(
    ("action", "said"),
    [
        pytest.param(
            {"type": "timepicker", "action_id": Action.HOME_TIME, "selected_time": "25:99"},
            "`25:99` is not a time",
            id="a time of 25:99",
        ),
        pytest.param(
            {"type": "timepicker", "action_id": Action.HOME_TIME}, "without a choice in it", id="no time chosen"
        ),
        pytest.param(
            {"type": "timepicker", "action_id": Action.HOME_TIME, "selected_time": 930}, str(UNREADABLE), id="a number"
        ),
        pytest.param(
            {"type": "static_select", "action_id": Action.HOME_LANGUAGE, "selected_option": {"value": "klingon"}},
            "`klingon` is not a language I speak yet",
            id="an unknown language",
        ),
        pytest.param(
            {"type": "static_select", "action_id": Action.HOME_LANGUAGE},
            "without a choice in it",
            id="no language chosen",
        ),
        pytest.param(
            {"type": "checkboxes", "action_id": Action.HOME_DAYS, "selected_options": [{"value": "funday"}]},
            "`funday` is not a list of days",
            id="funday",
        ),
        pytest.param(
            {"type": "checkboxes", "action_id": Action.HOME_DAYS, "selected_options": "mon"},
            str(UNREADABLE),
            id="days as a string",
        ),
    ],
)
def test_a_forged_home_control_is_refused_in_the_dm_and_changes_nothing(bot, sessions, slack, errors, action, said):
    before = snapshot(sessions)

    response = send(bot, home_action_body(action, "U0ANNA"))

    assert response.status_code == 200
    assert said in answered_in_dm(slack)
    assert (errors(), snapshot(sessions)) == ([], before)
    assert slack.calls_to("views.publish") == []


def log_form(bot, view: dict) -> dict:
    """The /log form submitted, as in bolt-python's view_submission fixture, with `view` over its own view."""
    base = {
        "id": "V0VIEW",
        "team_id": TEAM_ID,
        "type": "modal",
        "callback_id": Callback.LOG_DAY,
        "private_metadata": "",
        "hash": "1596530361.3wRYuk3R",
        "root_view_id": "V0VIEW",
        "app_installed_team_id": TEAM_ID,
    }
    response = send(bot, interaction_body("view_submission", "U0ANNA", "1337.43.trigger", view=base | view))
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize(
    "view",
    [
        pytest.param({}, id="no state"),
        pytest.param({"state": {}}, id="a state without values"),
        pytest.param({"state": {"values": [1, 2]}}, id="values as a list"),
        pytest.param({"state": {"values": {"contacts": "30"}}}, id="a block as a string"),
        pytest.param({"state": {"values": {"contacts": {"value": {"value": 30}}}}}, id="a figure as a number"),
        pytest.param({"state": {"values": {"date": {"value": {"selected_date": 5}}}}}, id="a date as a number"),
    ],
)
def test_a_log_form_in_a_shape_we_never_made_is_answered_in_the_form(bot, sessions, slack, errors, view):
    before = snapshot(sessions)

    answer = log_form(bot, view)

    assert answer["response_action"] == "update"
    assert str(UNREADABLE) in answer["view"]["blocks"][0]["text"]["text"]
    assert (errors(), snapshot(sessions)) == ([], before)


def test_a_log_form_still_saves_when_well_formed(bot, sessions, slack, errors):
    """The check above refuses shapes, not forms: the same envelope with real values stores the day."""
    answer = log_form(bot, {"state": {"values": {"contacts": {"value": {"type": "number_input", "value": "30"}}}}})

    assert answer["response_action"] == "update" and "Contacts: 30" in json.dumps(answer)
    assert snapshot(sessions)["day_logs"] != [] and errors() == []


@pytest.mark.parametrize("missing", ["user_id", "team_id"])
@pytest.mark.parametrize(("command", "text"), [("/log", "contacts=30"), ("/coach", "settings"), ("/scorecard", "")])
def test_a_slash_command_that_does_not_say_who_sent_it_is_answered(
    bot, sessions, slack, errors, missing, command, text
):
    before = snapshot(sessions)
    fields = dict(parse_qsl(slash_command_body(command, text, "U0ANNA", slack.response_url())))
    del fields[missing]

    response = send(bot, urlencode(fields))

    assert response.status_code == 200
    answer = response.json()
    assert answer["response_type"] == "ephemeral" and str(NOBODY) in answer["text"]
    assert (errors(), snapshot(sessions)) == ([], before)


def test_an_app_home_opened_from_an_org_wide_install_is_ignored_without_a_fault(bot, sessions, slack, errors):
    """bolt-python's org-wide fixture: the authorization names an organisation and no workspace."""
    body = json.loads(event_body({"type": "app_home_opened", "user": "W0ANNA", "channel": "D1", "tab": "home"}))
    del body["team_id"]
    body |= {
        "enterprise_id": "E0ORG",
        "authorizations": [
            {
                "enterprise_id": "E0ORG",
                "team_id": None,
                "user_id": "U0BOT",
                "is_bot": True,
                "is_enterprise_install": True,
            }
        ],
        "is_ext_shared_channel": False,
    }
    before = snapshot(sessions)

    response = send(bot, json.dumps(body), "application/json")
    # Any work left for after the answer would have published by now; the next request is served after it.
    assert send(bot, json.dumps(body | {"event_id": "Ev0SECOND"}), "application/json").status_code == 200

    assert response.status_code == 200
    assert (errors(), slack.calls_to("views.publish"), snapshot(sessions)) == ([], [], before)


def test_an_event_without_a_user_is_ignored_without_a_fault(bot, sessions, slack, errors):
    before = snapshot(sessions)

    response = send(bot, event_body({"type": "app_home_opened", "tab": "home"}), "application/json")

    assert response.status_code == 200
    assert (errors(), slack.calls_to("views.publish"), snapshot(sessions)) == ([], [], before)


def test_an_event_whose_workspace_is_not_an_id_is_ignored_without_a_fault(bot, sessions, slack, errors):
    body = json.loads(event_body({"type": "app_home_opened", "user": "U0ANNA", "channel": "D1", "tab": "home"}))
    body["authorizations"] = [{"team_id": 42, "user_id": "U0BOT", "is_bot": True}]
    before = snapshot(sessions)

    response = send(bot, json.dumps(body), "application/json")

    assert response.status_code == 200
    assert (errors(), slack.calls_to("views.publish"), snapshot(sessions)) == ([], [], before)
