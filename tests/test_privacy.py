"""Forgetting a person, retention, and exporting everything a workspace owns."""

import json
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.delivery.sender import OutboxSender
from bot.jobs import run_nudges
from coaching.models import DayLog, Nudge, OutboxMessage, Rep
from coaching.outbox import queue_message
from coaching.privacy import forget
from coaching.reps import get_or_create_rep
from tests.block_kit import assert_valid_message
from tests.slack_requests import BOT_TOKEN, block_action_body, signed_headers
from tests.test_cli import repcoach
from tests.test_nudges import TUESDAY_0930_ROME, log_weekdays


def counts(sessions, user: str) -> tuple[int, int, int, int]:
    with sessions() as session:
        rep_ids = select(Rep.id).where(Rep.user_id == user)
        return (
            session.scalar(select(func.count(Rep.id)).where(Rep.user_id == user)),
            session.scalar(select(func.count(DayLog.id)).where(DayLog.rep_id.in_(rep_ids))),
            session.scalar(select(func.count(Nudge.id)).where(Nudge.rep_id.in_(rep_ids))),
            session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.recipient == user)),
        )


@pytest.fixture
def two_reps(bot, sessions):
    for user in ("U0ANNA", "U0BRUNO"):
        log_weekdays(sessions, user, date(2026, 11, 23), 14, fcr=18)
    run_nudges(bot.deps, TUESDAY_0930_ROME)
    assert counts(sessions, "U0ANNA") == (1, 10, 1, 1)
    return bot


def click(bot, action_id: str, user: str = "U0ANNA"):
    body = block_action_body(action_id, "x", user, bot.slack.response_url("action"))
    assert bot.post(body, signed_headers(body)).status_code == 200
    return bot.slack.wait_for("response/action")[-1]


def test_forget_me_asks_first_and_cancel_erases_nothing(two_reps, sessions):
    answer = two_reps.slash("/coach", "forget-me").json()
    assert "This cannot be undone" in answer["text"]
    assert [e["action_id"] for e in answer["blocks"][1]["elements"]] == ["forget_me_confirm", "forget_me_cancel"]
    assert click(two_reps, "forget_me_cancel").args["text"] == "Nothing was erased."
    assert counts(sessions, "U0ANNA") == (1, 10, 1, 1)


def test_confirming_forget_me_erases_only_that_persons_data(two_reps, sessions):
    assert "erased" in click(two_reps, "forget_me_confirm").args["text"]
    assert counts(sessions, "U0ANNA") == (0, 0, 0, 0)
    assert counts(sessions, "U0BRUNO") == (1, 10, 1, 1)


def test_user_forget_on_the_command_line(two_reps, sessions, database_url):
    result = repcoach("user", "forget", "U0BRUNO", database_url=database_url)
    assert result.returncode == 0 and "erased everything about U0BRUNO in workspace T0TEAM" in result.stdout
    assert counts(sessions, "U0BRUNO") == (0, 0, 0, 0) and counts(sessions, "U0ANNA") == (1, 10, 1, 1)
    again = repcoach("user", "forget", "U0BRUNO", database_url=database_url)
    assert again.returncode == 1 and "there is no data about U0BRUNO" in again.stderr
    bad = repcoach("user", "forget", "@bruno", database_url=database_url)
    assert bad.returncode == 1 and "is not a Slack user id" in bad.stderr
    elsewhere = repcoach("user", "forget", "U0ANNA", "--workspace", "T0OTHER", database_url=database_url)
    assert elsewhere.returncode == 1 and "there is no workspace T0OTHER" in elsewhere.stderr
    assert counts(sessions, "U0ANNA") == (1, 10, 1, 1)


def test_export_workspace_holds_every_table_the_workspace_owns(two_reps, sessions, database_url, tmp_path):
    out = tmp_path / "export.json"
    result = repcoach("export", "workspace", "--out", str(out), database_url=database_url)
    assert result.returncode == 0, result.stderr
    exported = json.loads(out.read_text())
    assert list(exported) == [
        "reps",
        "teams",
        "team_members",
        "team_targets",
        "team_holidays",
        "time_off",
        "day_logs",
        "nudges",
        "kudos",
        "outbox",
        "helpdesk_syncs",
        "helpdesk_agents",
        "helpdesk_links",
        "helpdesk_tickets",
        "helpdesk_ratings",
    ]
    assert len(exported["reps"]) == 2 and len(exported["day_logs"]) == 20 and len(exported["outbox"]) == 2


def test_retention_deletes_only_days_older_than_the_setting(bot, sessions, database_url):
    log_weekdays(sessions, "U0ANNA", date.today(), 5)
    log_weekdays(sessions, "U0ANNA", date.today() - timedelta(days=100), 5)
    missing = repcoach("db", "prune", database_url=database_url)
    assert missing.returncode == 2 and "RETENTION_MONTHS must be set" in missing.stderr
    result = repcoach("db", "prune", database_url=database_url, RETENTION_MONTHS="2")
    assert result.returncode == 0 and result.stdout.startswith("deleted ")
    with sessions() as session:
        days = list(session.scalars(select(DayLog.day)))
    assert days and min(days) >= date.today() - timedelta(days=62)


@pytest.fixture
def team_with_messages(bot, sessions, slack):
    """Team A (Anna and Bruno, led by Lena) after a day's logs, kudos each way in its channel and Lena's summary."""
    slack.add_user("U0ADA", is_admin=True)
    slack.add_user("U0LENA")
    slack.add_channel("C0TEAMA", bot_is_member=True)
    for text in (
        'team create "Team A" <#C0TEAMA|team-a>',
        'team add "Team A" <@U0ANNA|anna> <@U0BRUNO|bruno>',
        'team lead "Team A" <@U0LENA|lena>',
    ):
        assert bot.slash("/coach", text, user="U0ADA").status_code == 200
    for user in ("U0ANNA", "U0BRUNO"):
        bot.log("contacts=10 fcr=8", user=user)
    bot.slash("/coach", "kudos <@U0ANNA|anna> for a calm hand-over", user="U0BRUNO")
    bot.slash("/coach", "kudos <@U0BRUNO|bruno> for covering my queue", user="U0ANNA")
    bot.slash("/coach", "summary", user="U0LENA")
    [summary] = slack.wait_for("chat.postMessage", channel="U0LENA")
    assert "<@U0ANNA>" in json.dumps(summary.args) and "<@U0BRUNO>" in json.dumps(summary.args)
    slack.wait_for("chat.postMessage", count=2, channel="C0TEAMA")
    return bot


def exported(database_url, tmp_path) -> str:
    out = tmp_path / "export.json"
    result = repcoach("export", "workspace", "--out", str(out), database_url=database_url)
    assert result.returncode == 0, result.stderr
    return out.read_text()


def confirm_forget_me(bot) -> None:
    assert "erased" in click(bot, "forget_me_confirm").args["text"]


def forget_on_the_command_line(bot, database_url) -> None:
    slack = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_API_URL": bot.slack.api_url}
    result = repcoach("user", "forget", "U0ANNA", database_url=database_url, **slack)
    assert result.returncode == 0, result.stderr
    assert "its copies in Slack: 1 messages edited, 3 deleted" in result.stdout


@pytest.mark.parametrize("how", ["forget-me", "user forget"])
def test_a_forgotten_person_is_gone_from_sent_summaries_and_kudos_posts(
    team_with_messages, sessions, slack, database_url, tmp_path, how
):
    assert "U0ANNA" in exported(database_url, tmp_path)

    if how == "forget-me":
        confirm_forget_me(team_with_messages)
    else:
        forget_on_the_command_line(team_with_messages, database_url)

    after = exported(database_url, tmp_path)
    assert "U0ANNA" not in after
    with sessions() as session:
        left = {message.kind: message for message in session.scalars(select(OutboxMessage))}
    # Bruno's line in Lena's summary stays; the kudos posts, each naming Anna, are gone.
    assert "kudos" not in left
    assert "<@U0BRUNO>" in json.dumps(left["summary"].payload)
    assert "Weekly summary for Team A" in left["summary"].payload["text"]
    assert_valid_message(left["summary"].payload)
    # And so are Slack's copies: the summary edited down, the kudos posts and Anna's DMs deleted.
    [edit] = slack.wait_for("chat.update")
    assert edit.args["channel"] == left["summary"].channel and edit.args["ts"] == left["summary"].ts
    assert "U0ANNA" not in json.dumps(edit.args) and "<@U0BRUNO>" in json.dumps(edit.args)
    deleted = {call.args["channel"] for call in slack.wait_for("chat.delete", count=3)}
    assert deleted == {"C0TEAMA", "D0ANNA"}


def test_a_dm_erased_while_it_was_being_sent_is_deleted_from_slack_too(two_reps, sessions, slack, caplog):
    with sessions.begin() as session:
        queue_message(
            session=session,
            workspace_id="T0TEAM",
            kind="tip",
            recipient="U0ANNA",
            key="tip:erased-in-flight",
            message={"text": "A tip for Anna"},
            now=two_reps.deps.now(),
        )
    stalled = slack.hold("chat.postMessage")
    with ThreadPoolExecutor(1) as sending:
        drained = sending.submit(OutboxSender(two_reps.deps).drain)
        slack.wait_for("chat.postMessage", count=2, channel="U0ANNA")  # Slack has it; the sender awaits the answer
        with sessions.begin() as session:
            forget(session, "T0TEAM", "U0ANNA")
        stalled.set()
        report = drained.result(timeout=10)

    [deleted] = slack.wait_for("chat.delete")
    assert deleted.args["channel"] == "D0ANNA" and report.sent == 0
    assert counts(sessions, "U0ANNA") == (0, 0, 0, 0)
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


def test_only_the_lines_naming_the_forgotten_person_leave_a_message_to_others(sessions):
    """However the mention is written, in a section, a context element or the fallback; a block left empty goes."""
    message = {
        "text": "Summary for Team A",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "Team A"}},
            {"type": "section", "text": {"type": "mrkdwn", "text": "• <@U0ANNA|anna>: 5 days\n• <@U0ANNAB>: 4 days"}},
            {"type": "section", "text": {"type": "mrkdwn", "text": ":warning: *At risk:* <@U0ANNA> slipping"}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "Most improved: <@U0ANNA>"}]},
        ],
    }
    with sessions.begin() as session:
        get_or_create_rep(session, "T0TEAM", "U0ANNA")
        queue_message(
            session=session,
            workspace_id="T0TEAM",
            kind="summary",
            recipient="U0LENA",
            key="summary:test",
            message=message,
            now=datetime.now(UTC),
        )
    with sessions.begin() as session:
        erasure = forget(session, "T0TEAM", "U0ANNA")
    # Nothing was delivered yet, so Slack holds no copy to edit.
    assert erasure.found and erasure.in_slack == ()
    with sessions() as session:
        [left] = session.scalars(select(OutboxMessage))
    assert left.payload == {
        "text": "Summary for Team A",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "Team A"}},
            {"type": "section", "text": {"type": "mrkdwn", "text": "• <@U0ANNAB>: 4 days"}},
        ],
    }
