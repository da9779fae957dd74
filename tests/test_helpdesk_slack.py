"""The helpdesk import as Slack shows it: emails kept from users.info to match reps to agents, an admin's link and a
team's choice of figures, and `/log` (typed, its help and its form) leaving the helpdesk's figures to the helpdesk.

The synced agents, tickets and ratings are stored directly: the connectors that fetch them are tested on their own.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.after_answer import wait_until_done
from bot.dev.local_slack import TEAM_ID
from bot.slack.scopes import PROFILE_EMAIL_SCOPE, manifest_bot_scopes
from coaching.access import NOT_ADMIN
from coaching.helpdesk.agents import redo_days
from coaching.models import (
    DayLog,
    HelpdeskAgent,
    HelpdeskLink,
    HelpdeskRating,
    HelpdeskSync,
    HelpdeskTicket,
    Rep,
    Team,
)
from coaching.reps import find_rep, get_or_create_rep
from tests.block_kit import assert_valid_message
from tests.stored import snapshot
from tests.test_home import open_home

# Wednesday 25 November 2026, 10:00 UTC: 11:00 in Rome, where the stand-in's people live.
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
TODAY = NOW.date()
ADMIN = "U0ADA"


def tagged(user: str) -> str:
    return f"<@{user}|{user.lower()}>"


def coach(bot, text: str, user: str = ADMIN) -> str:
    response = bot.slash("/coach", text, user=user)
    assert response.status_code == 200
    return response.json()["text"]


def store_agent(sessions, *, agent_id: str, email: str, source: str = "zendesk", rep_user: str | None = None) -> None:
    """A synced agent who solved three tickets today (one reopened, one a complaint) with two ratings."""
    with sessions.begin() as session:
        if session.get(HelpdeskSync, (TEAM_ID, source)) is None:
            session.add(HelpdeskSync(workspace_id=TEAM_ID, source=source, backfill_from=TODAY - timedelta(days=14)))
        rep_id = get_or_create_rep(session, TEAM_ID, rep_user).id if rep_user else None
        session.add(
            HelpdeskAgent(
                workspace_id=TEAM_ID, source=source, agent_id=agent_id, email=email, name=agent_id, rep_id=rep_id
            )
        )
        for number, (reopened, complaint) in enumerate([(False, False), (True, False), (False, True)]):
            ticket_id = f"{agent_id}-{number}"
            solved_at = NOW - timedelta(hours=1 + number)
            session.add(
                HelpdeskTicket(
                    workspace_id=TEAM_ID,
                    source=source,
                    ticket_id=ticket_id,
                    agent_id=agent_id,
                    solved_at=solved_at,
                    reopened=reopened,
                    at_most_one_reply=True,
                    complaint=complaint,
                )
            )
            if number < 2:
                session.add(
                    HelpdeskRating(
                        workspace_id=TEAM_ID,
                        source=source,
                        rating_id=f"r-{ticket_id}",
                        ticket_id=ticket_id,
                        score=4.0 + number,
                        rated_at=solved_at,
                    )
                )


def import_days(sessions, user: str) -> None:
    """What a sync does for a matched rep: their agent's days computed and stored."""
    with sessions.begin() as session:
        rep = get_or_create_rep(session, TEAM_ID, user)
        redo_days(session, workspace_id=TEAM_ID, rep_ids=[rep.id], now=NOW)


def day_of(sessions, user: str, day: date = TODAY) -> DayLog | None:
    with sessions() as session:
        return session.scalars(select(DayLog).join(Rep).where(Rep.user_id == user, DayLog.day == day)).one_or_none()


@pytest.fixture
def helpdesk(bot, sessions, slack, clock):
    """Ada is a workspace admin; Anna is matched to Zendesk agent 7, whose tickets of today are on her day."""
    clock.fixed = NOW
    slack.add_user(ADMIN, is_admin=True)
    bot.log("practices=1", user="U0ANNA")  # Anna is known, with her Slack profile
    store_agent(sessions, agent_id="7", email="anna@example.com", rep_user="U0ANNA")
    import_days(sessions, "U0ANNA")
    return bot


def test_the_manifest_asks_for_the_email_scope_and_the_email_is_stored_lowercased(bot, sessions, slack):
    assert PROFILE_EMAIL_SCOPE in manifest_bot_scopes()
    slack.add_user("U0EVA", profile={"email": " Eva.Rossi@Example.COM"})
    slack.add_user("U0FRED", profile={"email": "Fred@Example.com"})
    bot.log("practices=1", user="U0EVA")  # someone new stored in one INSERT
    coach(bot, "settings", user="U0FRED")  # someone new stored, then their profile applied
    with sessions() as session:
        assert find_rep(session, TEAM_ID, "U0EVA").email == "eva.rossi@example.com"
        assert find_rep(session, TEAM_ID, "U0FRED").email == "fred@example.com"


def test_without_the_email_scope_slack_gives_no_email_and_none_is_stored(bot, sessions, slack):
    slack.scopes = tuple(scope for scope in manifest_bot_scopes() if scope != PROFILE_EMAIL_SCOPE)
    slack.add_user("U0EVA", profile={"email": "eva@example.com"})
    bot.log("practices=1", user="U0EVA")
    with sessions() as session:
        assert find_rep(session, TEAM_ID, "U0EVA").email is None


def test_a_changed_email_is_kept_when_the_profile_is_next_asked(bot, sessions, slack, clock):
    clock.fixed = NOW
    slack.add_user("U0EVA", profile={"email": "eva@old.example.com"})
    bot.log("practices=1", user="U0EVA")
    slack.users["U0EVA"]["profile"] = {"email": "Eva@New.Example.com"}
    clock.fixed = NOW + timedelta(days=2)
    coach(bot, "settings", user="U0EVA")  # a day-old profile is asked again after the answer
    assert wait_until_done(timeout=10)
    with sessions() as session:
        assert find_rep(session, TEAM_ID, "U0EVA").email == "eva@new.example.com"


def test_an_admin_links_an_agent_s_email_to_a_rep_and_the_agent_s_days_become_theirs(helpdesk, sessions):
    store_agent(sessions, agent_id="9", email="b.rossi@helpdesk.example.com")
    assert day_of(sessions, "U0BRUNO") is None

    answer = coach(
        helpdesk,
        f"helpdesk link {tagged('U0BRUNO')} <mailto:B.Rossi@Helpdesk.Example.com|B.Rossi@Helpdesk.Example.com>",
    )

    assert "1 synced agent has the email `b.rossi@helpdesk.example.com`" in answer and "<@U0BRUNO>" in answer
    bruno = day_of(sessions, "U0BRUNO")
    assert bruno is not None and (bruno.contacts, bruno.repeat, bruno.complaints, bruno.csat) == (3, 1, 1, 4.5)
    assert bruno.imported_from == "zendesk"
    with sessions() as session:
        link = session.get(HelpdeskLink, (TEAM_ID, "b.rossi@helpdesk.example.com"))
        assert link is not None and link.rep_id == find_rep(session, TEAM_ID, "U0BRUNO").id


def test_a_link_for_an_email_no_agent_has_yet_is_kept_for_the_next_sync(helpdesk, sessions):
    answer = coach(helpdesk, f"helpdesk link {tagged('U0CARLA')} carla@example.com")
    assert "No synced agent has that email yet" in answer and "<@U0CARLA>" in answer
    with sessions() as session:
        assert session.get(HelpdeskLink, (TEAM_ID, "carla@example.com")) is not None


@pytest.mark.parametrize(
    ("user", "text", "refusal"),
    [
        ("U0BRUNO", f"helpdesk link {tagged('U0BRUNO')} anna@example.com", str(NOT_ADMIN)),
        (ADMIN, f"helpdesk link {tagged('U0BRUNO')} not-an-email", "`not-an-email` is not an email"),
        (ADMIN, f"helpdesk link {tagged('U0BRUNO')} <mailto:a@b|a@b>", "is not an email"),
        (ADMIN, "helpdesk link bruno anna@example.com", "`bruno` is not a person"),
        (ADMIN, f"helpdesk link {tagged('U0BRUNO')}", "Use `/coach helpdesk link @rep agent@example.com`"),
        (ADMIN, "helpdesk unlink", "Use `/coach helpdesk link @rep agent@example.com`"),
    ],
    ids=["not an admin", "not an email", "no domain", "not a mention", "no email", "not link"],
)
def test_a_bad_link_is_refused_by_name_and_stores_nothing(helpdesk, sessions, user, text, refusal):
    before = snapshot(sessions)
    answer = coach(helpdesk, text, user=user)
    assert refusal in answer and "Nothing was saved." in answer
    assert snapshot(sessions) == before


def test_a_team_s_choice_of_helpdesk_figures_imports_its_members_days_again(helpdesk, sessions):
    coach(helpdesk, "team create Alfa <#C0ALFA|alfa>")
    coach(helpdesk, f"team add Alfa {tagged('U0ANNA')}")

    answer = coach(helpdesk, "team helpdesk Alfa contacts CSAT")

    assert "*Alfa* now takes `contacts` and `csat` from the helpdesk; its members log the rest." in answer
    anna = day_of(sessions, "U0ANNA")
    assert anna is not None and anna.imported_keys == "contacts,csat" and anna.contacts == 3
    assert "Updated" in helpdesk.log("fcr=1 repeat=1", user="U0ANNA")["text"]
    assert "*Alfa* takes no figures from the helpdesk" in coach(helpdesk, "team helpdesk Alfa none")
    with sessions() as session:
        assert session.scalars(select(Team.helpdesk_figures).where(Team.name == "Alfa")).one() == ""
    assert "now takes `contacts`, `fcr`, `repeat`, `csat`, and `complaints`" in coach(
        helpdesk, "team helpdesk Alfa all"
    )


@pytest.mark.parametrize(
    ("user", "text", "refusal"),
    [
        ("U0ANNA", "team helpdesk Alfa none", str(NOT_ADMIN)),
        (ADMIN, "team helpdesk Alfa fcr", "take `contacts` from the helpdesk too"),
        (ADMIN, "team helpdesk Alfa contacts upsells", "`upsells` is not one of them"),
        (ADMIN, "team helpdesk Alfa", "Name the figures to take from the helpdesk"),
        (ADMIN, "team helpdesk Nowhere all", "There is no team named Nowhere"),
    ],
    ids=["not an admin", "shares without contacts", "not a helpdesk figure", "nothing named", "no such team"],
)
def test_a_bad_team_choice_is_refused_by_name_and_changes_nothing(helpdesk, sessions, user, text, refusal):
    coach(helpdesk, "team create Alfa <#C0ALFA|alfa>")
    coach(helpdesk, f"team add Alfa {tagged('U0ANNA')}")
    before = snapshot(sessions)
    answer = coach(helpdesk, text, user=user)
    assert refusal in answer and "Nothing was saved." in answer
    assert snapshot(sessions) == before


def test_a_figure_the_helpdesk_gives_is_refused_naming_the_helpdesk_and_nothing_is_stored(helpdesk, sessions):
    before = snapshot(sessions)
    answer = helpdesk.log("csat=4 upsells=1", user="U0ANNA")
    assert answer["text"] == (
        ":warning: `csat` comes from Zendesk, so RepCoach reads it from there; log only the rest.\nNothing was saved."
    )
    assert_valid_message(answer)
    assert snapshot(sessions) == before


def test_a_figure_imported_into_the_day_is_refused_even_once_the_helpdesk_no_longer_gives_it(bot, sessions, clock):
    clock.fixed = NOW
    bot.log("practices=1", user="U0CARLA")
    with sessions.begin() as session:
        day = session.scalars(select(DayLog).join(Rep).where(Rep.user_id == "U0CARLA")).one()
        day.contacts, day.csat, day.imported_keys, day.imported_from = 12, 4.4, "contacts,csat", "freshdesk"
    before = snapshot(sessions)
    answer = bot.log("csat=3", user="U0CARLA")
    assert answer["text"] == (
        ":warning: `csat` for this day was imported from Freshdesk; change it there, not here.\nNothing was saved."
    )
    assert snapshot(sessions) == before


def test_a_matched_rep_logs_the_figures_the_helpdesk_does_not_give(helpdesk, sessions):
    answer = helpdesk.log("upsells=2 aht=6.5", user="U0ANNA")
    assert answer["text"].startswith(":pencil2: Updated")
    anna = day_of(sessions, "U0ANNA")
    assert anna is not None and (anna.upsells, anna.aht, anna.contacts, anna.csat) == (2, 6.5, 3, 4.5)


def test_a_matched_rep_logs_up_sells_before_the_helpdesk_has_given_the_day_s_contacts(helpdesk, sessions):
    yesterday = (TODAY - timedelta(days=1)).isoformat()

    answer = helpdesk.log(f"upsells=2 date={yesterday}", user="U0ANNA")

    assert answer["text"].startswith(":white_check_mark: Logged"), answer["text"]
    day = day_of(sessions, "U0ANNA", TODAY - timedelta(days=1))
    assert (day.upsells, day.contacts) == (2, None)


def test_someone_with_no_helpdesk_still_needs_contacts_for_a_share(helpdesk, sessions):
    answer = helpdesk.log("upsells=2", user="U0BRUNO")

    assert "add `contacts=N` too" in answer["text"]
    assert day_of(sessions, "U0BRUNO") is None


def test_the_help_of_a_matched_rep_lists_only_what_they_log_and_says_where_the_rest_comes_from(helpdesk):
    text = helpdesk.log("help", user="U0ANNA")["text"]
    for key in ("contacts", "fcr", "repeat", "csat", "complaints"):
        assert f"• `{key}`" not in text
    for key in ("aht", "upsells", "recommit", "practices"):
        assert f"• `{key}`" in text
    assert "`contacts`, `fcr`, `repeat`, `csat`, and `complaints` come from Zendesk" in text
    assert "Example: `/log aht=7.5 recommit=9 upsells=3 practices=1`" in text
    assert "need `contacts`" not in text


def test_the_help_of_anyone_else_lists_every_figure(helpdesk):
    text = helpdesk.log("help", user="U0BRUNO")["text"]
    assert all(f"• `{key}`" in text for key in ("contacts", "csat", "upsells"))
    assert "Zendesk" not in text and "Example: `/log contacts=30 fcr=24 csat=4.6 aht=7.5 recommit=9`" in text


def open_form(bot, slack, user: str) -> dict:
    before = len(slack.calls_to("views.open"))
    assert bot.slash("/log", "", user=user).status_code == 200
    return slack.wait_for("views.open", count=before + 1)[-1].structured("view")


def test_the_form_shows_the_helpdesk_s_figures_read_only_and_saves_only_the_rest(helpdesk, slack, sessions):
    view = open_form(helpdesk, slack, "U0ANNA")

    inputs = [block["block_id"] for block in view["blocks"] if block["type"] == "input"]
    assert inputs == ["date", "aht", "upsells", "crosssells", "referrals", "recommit", "practices"]
    [shown] = [block for block in view["blocks"] if block["type"] == "context"]
    assert shown["elements"][0]["text"] == (
        ":inbox_tray: From Zendesk, no need to type them: Contacts *3* · Resolved first time *2* · "
        "Repeat contacts *1* · CSAT *4.5* · Complaints *1*"
    )
    practices = next(block for block in view["blocks"] if block.get("block_id") == "practices")
    assert practices["element"]["initial_value"] == "1"
    assert len(view["blocks"]) <= 100

    state = {"date": {"value": {"type": "datepicker", "selected_date": TODAY.isoformat()}}}
    state |= {key: {"value": {"type": "number_input", "value": None}} for key in inputs[1:]}
    state["upsells"] = {"value": {"type": "number_input", "value": "2"}}
    answer = helpdesk.submit_view("log_day", state, user="U0ANNA").json()

    assert answer["response_action"] == "update"
    anna = day_of(sessions, "U0ANNA")
    assert anna is not None and (anna.upsells, anna.contacts, anna.csat, anna.practices) == (2, 3, 4.5, 1)


def test_the_form_of_a_rep_whose_team_takes_only_contacts_asks_for_the_rest(helpdesk, slack):
    coach(helpdesk, "team create Alfa <#C0ALFA|alfa>")
    coach(helpdesk, f"team add Alfa {tagged('U0ANNA')}")
    coach(helpdesk, "team helpdesk Alfa contacts")
    view = open_form(helpdesk, slack, "U0ANNA")
    inputs = {block["block_id"] for block in view["blocks"] if block["type"] == "input"}
    assert "contacts" not in inputs and {"fcr", "csat", "complaints"} <= inputs


def test_a_rep_matched_before_joining_a_team_is_welcomed_with_an_example_they_can_type(helpdesk, slack):
    coach(helpdesk, "team create Alfa <#C0ALFA|alfa>")
    coach(helpdesk, f"team add Alfa {tagged('U0ANNA')}")
    welcome = slack.wait_for("chat.postMessage", channel="U0ANNA")[-1].args
    assert "`/log aht=7.5 recommit=9 upsells=3`" in welcome["text"]


def test_an_empty_scorecard_and_home_suggest_a_log_of_only_what_the_rep_types(helpdesk, sessions, slack):
    # Bruno is matched to agent 8, whose tickets are not imported yet: nothing on his week.
    store_agent(sessions, agent_id="8", email="bruno@example.com", rep_user="U0BRUNO")

    empty = helpdesk.slash("/scorecard", "", user="U0BRUNO").json()["text"]
    home = json.dumps(open_home(helpdesk, "U0BRUNO"))

    assert "Start with `/log aht=7.5 recommit=9 upsells=3`" in empty
    assert "Nothing logged this week yet: `/log aht=7.5 recommit=9 upsells=3`" in home
    other = helpdesk.slash("/scorecard", "", user="U0CARLA").json()["text"]
    assert "Start with `/log contacts=30 fcr=24 csat=4.6`" in other
