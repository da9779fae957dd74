"""Scheduled delivery through the outbox: exactly once, whatever Slack or our own processes do."""

import json
import logging
import os
import random
import signal
import subprocess
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.delivery.pacing import ChannelPacer, TokenBucket
from bot.delivery.sender import DrainReport, OutboxSender
from bot.dev.local_slack import TEAM_ID, dm_channel
from bot.jobs import run_nudges
from bot.slack.client import WorkspaceClients
from coaching import outbox
from coaching.models import OutboxMessage
from coaching.outbox import OutboxPolicy
from coaching.reps import get_or_create_rep
from tests.slack_requests import BOT_TOKEN
from tests.test_cli import REPCOACH, repcoach, serving, zone_where_it_is_about_ten

TUESDAY_0930_ROME = datetime(2026, 11, 24, 8, 30, tzinfo=UTC)


def add_reps(sessions, slack, count: int, tz: str = "Europe/Rome", **preferences) -> list[str]:
    users = [f"U{number:05d}" for number in range(count)]
    with sessions.begin() as session:
        for user in users:
            slack.add_user(user, tz=tz)
            rep = get_or_create_rep(session, TEAM_ID, user)
            for name, value in preferences.items():
                setattr(rep, name, value)
    return users


def outbox_rows(sessions) -> list[OutboxMessage]:
    with sessions() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def assert_each_delivered_once(slack, users: list[str]) -> None:
    assert slack.delivered() == {dm_channel(user): 1 for user in users}


def test_a_fan_out_to_200_reps_through_429s_500s_and_timeouts_delivers_each_nudge_exactly_once(
    bot, sessions, slack, caplog
):
    users = add_reps(sessions, slack, 200)
    slack.faults.rate_limit_every, slack.faults.retry_after = 70, 1
    slack.faults.server_error_every = 11
    # Every 23rd post is delivered, but answered after the client has given up waiting.
    slack.faults.slow_every, slack.faults.slow_seconds = 23, 0.6
    impatient = replace(bot.deps, clients=WorkspaceClients(slack.api_url, timeout=0.25, token=BOT_TOKEN))

    with caplog.at_level(logging.INFO, logger="repcoach.delivery"):
        report = run_nudges(impatient, TUESDAY_0930_ROME, wait_for_retries=timedelta(seconds=30))

    assert report.planned == 200 and report.delivery.sent == 200 and report.delivery.failed == 0
    assert_each_delivered_once(slack, users)
    assert {row.status for row in outbox_rows(sessions)} == {"sent"}
    posts = slack.calls_to("chat.postMessage")
    limited = [index for index, call in enumerate(posts) if call.status == 429]
    # A limited post waits Retry-After before it is made again; other conversations' posts go on meanwhile.
    again = [
        next(later for later in posts[index + 1 :] if later.args["channel"] == posts[index].args["channel"])
        for index in limited
    ]
    assert limited and all(later.at - posts[index].at >= 1 for index, later in zip(limited, again, strict=False))
    assert any(call.status == 500 for call in posts)
    # A timed-out post is not repeated blindly: the conversation is searched for its key first.
    assert slack.calls_to("conversations.history")
    events = [json.loads(record.message) for record in caplog.records if record.name == "repcoach.delivery"]
    assert {"kind", "recipient", "key", "attempts", "outcome"} <= set(events[0])
    assert {event["outcome"] for event in events} >= {"sent", "retry", "found_after_interruption"}


def test_a_drain_posts_to_several_conversations_at_once_never_more_than_its_concurrency_and_each_message_once(
    bot, sessions, slack
):
    # 24 messages: four to Anna, among 20 to others.
    recipients = ["U0ANNA" if index % 6 == 0 else f"U{index:05d}" for index in range(24)]
    with sessions.begin() as session:
        outbox.enqueue(
            session,
            [
                {
                    "workspace_id": TEAM_ID,
                    "kind": "nudge",
                    "recipient": recipient,
                    "idempotency_key": f"overlap:{index}",
                    "payload": {"text": f"message {index}"},
                }
                for index, recipient in enumerate(recipients)
            ],
            bot.deps.now(),
        )
    # The first posts are held until four are being answered together, which a sender posting one at a time
    # never reaches. Every post takes a moment, so a fifth one in flight would be seen.
    slack.faults.gather = 4
    slack.faults.slow_every, slack.faults.slow_seconds = 1, 0.02

    report = OutboxSender(replace(bot.deps, send_concurrency=4)).drain()

    assert report == DrainReport(sent=24)
    assert slack.most_in_flight["chat.postMessage"] == 4
    assert slack.delivered() == {dm_channel(recipient): count for recipient, count in Counter(recipients).items()}
    assert len(slack.calls_to("chat.postMessage")) == 24
    assert {row.status for row in outbox_rows(sessions)} == {"sent"}
    # One conversation's messages go out one after another, in the order they were queued.
    to_anna = [call.args["text"] for call in slack.calls_to("chat.postMessage") if call.args["channel"] == "U0ANNA"]
    assert to_anna == ["message 0", "message 6", "message 12", "message 18"]


def test_a_permanent_error_fails_the_message_with_its_reason_and_is_not_retried(bot, sessions, slack, database_url):
    add_reps(sessions, slack, 2)
    slack.faults.permanent_errors = {"U00001": "account_inactive"}

    report = run_nudges(bot.deps, TUESDAY_0930_ROME, wait_for_retries=timedelta(seconds=5))

    assert (report.delivery.sent, report.delivery.failed) == (1, 1)
    failed = [row for row in outbox_rows(sessions) if row.status == "failed"]
    assert [(row.recipient, row.last_error, row.attempts) for row in failed] == [("U00001", "account_inactive", 1)]
    assert len([c for c in slack.calls_to("chat.postMessage") if c.args["channel"] == "U00001"]) == 1

    listed = repcoach("outbox", "--status", "failed", database_url=database_url)
    assert "U00001" in listed.stdout and "account_inactive" in listed.stdout
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_API_URL": slack.api_url}
    still = repcoach("outbox", "retry", str(failed[0].id), database_url=database_url, **env)
    assert still.returncode == 1 and "is failed again: account_inactive" in still.stderr
    slack.faults.permanent_errors = {}
    again = repcoach("outbox", "retry", str(failed[0].id), database_url=database_url, **env)
    assert again.returncode == 0 and f"outbox message {failed[0].id} sent" in again.stdout
    assert slack.delivered()[dm_channel("U00001")] == 1
    assert repcoach("outbox", database_url=database_url).stdout == "no unsent messages\n"


@pytest.mark.parametrize("args, message", [(["retry", "999"], "there is no outbox message 999")])
def test_retrying_what_is_not_failed_is_refused(bot, sessions, slack, database_url, args, message):
    result = repcoach(
        "outbox", *args, database_url=database_url, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_API_URL=slack.api_url
    )
    assert result.returncode == 1 and message in result.stderr


def test_a_process_killed_mid_fan_out_and_restarted_sends_the_rest_exactly_once(sessions, slack, database_url):
    users = add_reps(sessions, slack, 200)
    slack.faults.slow_every, slack.faults.slow_seconds = 1, 0.02
    environment = {key: value for key, value in os.environ.items() if not key.startswith("SLACK_")}
    environment.update(
        DATABASE_URL=database_url,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_API_URL=slack.api_url,
        SLACK_MESSAGES_PER_MINUTE="10000",
        OUTBOX_LEASE_SECONDS="1",
    )
    command = [REPCOACH, "jobs", "run", "nudges", "--at", TUESDAY_0930_ROME.isoformat()]

    first = subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while sum(slack.delivered().values()) < 60:
        assert first.poll() is None and time.monotonic() < deadline, first.stderr.read().decode()
        time.sleep(0.005)
    first.send_signal(signal.SIGKILL)
    first.wait()
    interrupted = sum(slack.delivered().values())
    assert 60 <= interrupted < 200

    second = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=60)

    assert second.returncode == 0, second.stderr
    assert second.stdout.startswith("nudges: 0 planned")  # the first run had planned them all
    assert_each_delivered_once(slack, users)
    assert {row.status for row in outbox_rows(sessions)} == {"sent"}


def test_two_serve_processes_on_one_postgresql_send_each_message_once(sessions, slack, database_url, tmp_path):
    if not database_url.startswith("postgresql"):
        pytest.skip("several processes are supported on PostgreSQL; SQLite is for a single process")
    users = add_reps(
        sessions,
        slack,
        100,
        tz=zone_where_it_is_about_ten(),
        nudge_time="10:00",
        work_days="mon,tue,wed,thu,fri,sat,sun",
    )
    # 10 posts a second each, so the two replicas overlap however slowly the second starts.
    with (
        serving(database_url, slack, tmp_path, SLACK_MESSAGES_PER_MINUTE="600"),
        serving(database_url, slack, tmp_path, SLACK_MESSAGES_PER_MINUTE="600"),
    ):
        deadline = time.monotonic() + 30
        while sum(slack.delivered().values()) < 100 and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1)  # a second sender would have posted its duplicates by now
    assert_each_delivered_once(slack, users)
    assert len({row.claimed_by for row in outbox_rows(sessions)}) == 2  # both replicas sent some


def test_metrics_count_sends_and_show_the_queue(bot, sessions, slack):
    add_reps(sessions, slack, 3)
    bot.slash("/log", "contacts=3")
    run_nudges(bot.deps, TUESDAY_0930_ROME)
    text = bot.http.get(f"{bot.url}/metrics").text
    sent = [line for line in text.splitlines() if line.startswith('repcoach_messages_sent_total{kind="nudge"}')]
    assert sent and float(sent[0].split()[-1]) >= 3
    assert "repcoach_outbox_queue_depth 0.0" in text
    assert "repcoach_handler_latency_seconds_count" in text


def test_the_token_bucket_spaces_sends_at_the_workspace_rate_after_its_burst():
    clock = [0.0]
    waits = []
    bucket = TokenBucket(120, burst=2, clock=lambda: clock[0], sleep=lambda seconds: waits.append(seconds))
    assert [bucket.take() for _ in range(4)] == [0.0, 0.0, 0.5, 1.0]
    clock[0] = 10.0
    assert bucket.take() == 0.0


def test_the_channel_pacer_keeps_one_channel_to_about_one_post_a_second():
    clock = [0.0]
    pacer = ChannelPacer(1.0, clock=lambda: clock[0], sleep=lambda seconds: None)
    assert [pacer.wait("C1"), pacer.wait("C1"), pacer.wait("C2"), pacer.wait("C1")] == [0.0, 1.0, 0.0, 2.0]


def test_backoff_grows_exponentially_with_jitter_up_to_its_cap():
    policy = OutboxPolicy(retry_base=timedelta(seconds=2), retry_cap=timedelta(seconds=60))
    rng = random.Random(1)
    for attempt, ceiling in ((1, 2), (2, 4), (3, 8), (6, 60), (20, 60)):
        delay = policy.backoff(attempt, rng).total_seconds()
        assert ceiling / 2 <= delay <= ceiling
