"""Drains the outbox into Slack: paced, retried with backoff, and never posting a message twice.

A drain posts to several conversations at once, one thread each (`Deps.send_concurrency`), so sending
is held back by Slack's limits (the workspace bucket, one post a second per channel) rather than by one
round trip at a time. A conversation's messages stay on one thread, in the order they were claimed.
"""

from __future__ import annotations

import base64
import json
import logging
import random
import socket
import threading
import time
import uuid
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse
from sqlalchemy import or_, select

from bot.blocks.kit import escape, simple
from bot.delivery import metrics
from bot.deps import Deps
from bot.slack.channels import NOT_A_MEMBER, NeedsInvite, ensure_bot_in_channel, is_channel
from coaching import outbox
from coaching.models import OutboxMessage, Rep, Team
from coaching.teams import reps_of

logger = logging.getLogger("repcoach.delivery")

# Slack will answer these the same way however often we ask.
PERMANENT_ERRORS = {
    "user_not_found",
    "channel_not_found",
    "account_inactive",
    "not_in_channel",
    "is_archived",
    "user_disabled",
    "cannot_dm_bot",
    "invalid_blocks",
    "msg_too_long",
    "no_text",
    "invalid_auth",
    "not_authed",
    "token_revoked",
    "restricted_action",
    "invalid_metadata_format",
}
METADATA_EVENT = "repcoach_delivery"
# How the DM asking for an invite names the post that could not go out, by outbox kind.
REFUSED_POSTS = {"recognition": "this week's recognition", "kudos": "a kudos post"}


class _JoinInterrupted(Exception):
    """Joining a channel after a refused post did not reach Slack; the post is tried again later."""


@dataclass
class DrainReport:
    sent: int = 0
    failed: int = 0
    retried: int = 0

    def add(self, other: DrainReport) -> None:
        self.sent += other.sent
        self.failed += other.failed
        self.retried += other.retried


@dataclass
class OutboxSender:
    deps: Deps
    worker: str = field(default_factory=lambda: f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}")
    rng: random.Random = field(default_factory=random.Random)

    def drain(self, wait_for_retries: timedelta = timedelta(0)) -> DrainReport:
        """Sends everything due; waits up to `wait_for_retries` for rows scheduled to be tried again."""
        deadline = self.deps.now() + wait_for_retries
        concurrency = self.deps.send_concurrency
        with ThreadPoolExecutor(concurrency, thread_name_prefix="outbox-send") as pool:
            lanes = Lanes(self, pool)
            while True:
                # Claim more once a thread could go idle: rows are not held (leased) long before they are sent.
                if not lanes.wait(lambda: lanes.unsent < concurrency):
                    break
                with self.deps.sessions.begin() as session:
                    batch = outbox.claim(session, self.worker, self.deps.now(), self.deps.outbox)
                for message in batch:
                    lanes.add(message)
                if batch:
                    continue
                # Rows still being sent may yet be scheduled for a retry.
                if not lanes.wait(lambda: lanes.unsent == 0):
                    break
                with self.deps.sessions() as session:
                    due = outbox.next_due(session)
                if due is None or due > deadline:
                    break
                time.sleep(max(0.0, (due - self.deps.now()).total_seconds()) + 0.01)
        if lanes.error is not None:
            raise lanes.error
        return lanes.report

    def send_one(self, message_id: int) -> DrainReport:
        report = DrainReport()
        with self.deps.sessions.begin() as session:
            claimed = outbox.claim(session, self.worker, self.deps.now(), self.deps.outbox, message_id)
        for message in claimed:
            self.deliver(message, report)
        return report

    def deliver(self, message: OutboxMessage, report: DrainReport) -> None:
        clients = self.deps.clients
        client = clients.for_workspace(message.workspace_id) if clients is not None else None
        if client is None:
            with self.deps.sessions.begin() as session:
                outbox.mark_failed(session, message.id, "app_not_installed", self.deps.now())
            self._failed(message, "app_not_installed", report)
            return
        if message.uncertain:
            try:
                found = self.find_delivered(client, message)
            except (SlackApiError, URLError, OSError) as error:
                self._retry(message, f"history check: {error}", uncertain=True, report=report)
                return
            if found:
                self._sent(client, message, *found, report, outcome="found_after_interruption")
                return
        try:
            response = self._post_joining_if_needed(client, message)
        except SlackApiError as error:
            self._refused(message, error, report)
            return
        except _JoinInterrupted as interrupted:
            # The post was refused for sure, so the next attempt need not look for it first.
            self._retry(message, f"join: {interrupted.__cause__}", uncertain=False, report=report)
            return
        except (URLError, OSError) as error:
            # The request may have reached Slack: check the conversation before posting again.
            self._retry(message, f"connection: {error}", uncertain=True, report=report)
            return
        if self._sent(client, message, response.get("channel"), response.get("ts"), report, outcome="sent"):
            self.attach_files(client, message, response.get("channel"))

    def _post(self, client: WebClient, message: OutboxMessage) -> SlackResponse:
        self.deps.bucket.take()
        self.deps.pacer.wait(message.recipient)
        return client.chat_postMessage(
            channel=message.recipient,
            text=message.payload["text"],
            blocks=message.payload.get("blocks"),
            metadata={"event_type": METADATA_EVENT, "event_payload": {"key": message.idempotency_key}},
        )

    def _post_joining_if_needed(self, client: WebClient, message: OutboxMessage) -> SlackResponse:
        """Posts; when a team channel refuses because the bot is not in it, joins and posts once more, or (when the
        bot cannot join) asks the team's leads to invite it and lets the refusal stand."""
        try:
            return self._post(client, message)
        except SlackApiError as error:
            if error.response.get("error") not in NOT_A_MEMBER or not is_channel(message.recipient):
                raise
            try:
                joined = ensure_bot_in_channel(client, message.recipient)
            except (URLError, OSError) as interrupted:
                raise _JoinInterrupted from interrupted
            if isinstance(joined, NeedsInvite):
                self._ask_for_invite(message, joined)
                raise
        self._log(message, "joined_channel")
        return self._post(client, message)

    def _ask_for_invite(self, message: OutboxMessage, needs: NeedsInvite) -> None:
        """Queues a DM to each lead of the channel's team (or, with no lead, to the workspace's admins), at most one
        a day each for that channel: the post they expected did not appear, and they can fix why."""
        now = self.deps.now()
        with self.deps.sessions.begin() as session:
            team = session.scalars(
                select(Team).where(Team.workspace_id == message.workspace_id, Team.channel_id == needs.channel_id)
            ).first()
            if team is None:
                return
            people = [rep.user_id for rep in reps_of(session, team, leads=True)] or list(
                session.scalars(
                    select(Rep.user_id)
                    .where(Rep.workspace_id == team.workspace_id, or_(Rep.slack_admin, Rep.named_admin))
                    .order_by(Rep.user_id)
                )
            )
            what = REFUSED_POSTS.get(message.kind, "a message")
            text = (
                f":warning: I could not post {what} for *{escape(team.name)}* in <#{needs.channel_id}>, "
                f"because I am not in that channel. {needs.request()}"
            )
            queued = outbox.enqueue(
                session,
                [
                    {
                        "workspace_id": team.workspace_id,
                        "kind": "bot_invite",
                        "recipient": person,
                        "idempotency_key": f"bot-invite:{needs.channel_id}:{person}:{now.date()}",
                        "payload": simple(text),
                    }
                    for person in people
                ],
                now,
            )
        self._log(message, "asked_for_invite", f"{needs.reason}; told {len(queued)} of {', '.join(people) or 'nobody'}")

    def attach_files(self, client: WebClient, message: OutboxMessage, channel: str | None) -> None:
        """Uploads the message's files (a chart) into the same conversation. The message reads well
        without them, so a failed upload is logged and not retried; nor is it made again when a
        message was only found after an interruption."""
        files = message.payload.get("files") or []
        if not files:
            return
        try:
            client.files_upload_v2(
                channel=channel,
                file_uploads=[
                    {"content": base64.b64decode(f["content_b64"]), "filename": f["filename"], "title": f["title"]}
                    for f in files
                ],
            )
        except (SlackApiError, URLError, OSError) as error:
            self._log(message, "file_upload_failed", str(error))

    def find_delivered(self, client: WebClient, message: OutboxMessage) -> tuple[str, str] | None:
        """Looks for the message's idempotency key in the metadata of the conversation's recent messages."""
        with self.deps.sessions() as session:
            channel = outbox.last_channel(session, message.recipient)
        if channel is None:
            channel = client.conversations_open(users=message.recipient)["channel"]["id"]
        oldest = outbox.utc(message.created_at) - timedelta(minutes=1)
        history = client.conversations_history(
            channel=channel, oldest=f"{oldest.timestamp():.6f}", include_all_metadata=True, limit=200
        )
        messages: list[dict] = history.get("messages", [])
        for posted in messages:
            metadata = posted.get("metadata") or {}
            if (
                metadata.get("event_type") == METADATA_EVENT
                and metadata.get("event_payload", {}).get("key") == message.idempotency_key
            ):
                return channel, posted["ts"]
        return None

    def _refused(self, message: OutboxMessage, error: SlackApiError, report: DrainReport) -> None:
        code = error.response.get("error") or f"http_{error.response.status_code}"
        if code in PERMANENT_ERRORS:
            with self.deps.sessions.begin() as session:
                outbox.mark_failed(session, message.id, code, self.deps.now())
            self._failed(message, code, report)
        elif error.response.status_code == 429:
            # Still limited after the client's own waits: come back when Slack says.
            wait = timedelta(seconds=int(error.response.headers.get("Retry-After", 1)))
            self._retry(message, code, uncertain=False, report=report, delay=wait)
        else:
            # A 5xx or an unknown error may have been processed anyway.
            self._retry(message, code, uncertain=error.response.status_code >= 500, report=report)

    def _retry(
        self, message: OutboxMessage, reason: str, uncertain: bool, report: DrainReport, delay: timedelta | None = None
    ) -> None:
        delay = delay if delay is not None else self.deps.outbox.backoff(message.attempts, self.rng)
        with self.deps.sessions.begin() as session:
            again = outbox.mark_retry(session, message.id, reason, delay, uncertain, self.deps.now(), self.deps.outbox)
        if again:
            report.retried += 1
            metrics.RETRIED.labels(reason.split(":")[0]).inc()
            self._log(message, "retry", reason)
        else:
            self._failed(message, reason, report)

    def _sent(
        self,
        client: WebClient,
        message: OutboxMessage,
        channel: str | None,
        ts: str | None,
        report: DrainReport,
        outcome: str,
    ) -> bool:
        """Records the message as delivered; False if it was erased (forget-me) while it was being sent, and then
        its copy in Slack goes too, as the erasure's other copies went."""
        with self.deps.sessions.begin() as session:
            recorded = outbox.mark_sent(session, message.id, channel, ts, self.deps.now())
        if not recorded:
            if channel and ts:
                try:
                    client.chat_delete(channel=channel, ts=ts)
                except SlackApiError as error:
                    logger.warning(
                        "could not delete a message erased while it was sent: %s", error.response.get("error")
                    )
            self._log(message, "erased_while_sent")
            return False
        report.sent += 1
        metrics.SENT.labels(message.kind).inc()
        self._log(message, outcome)
        return True

    def _failed(self, message: OutboxMessage, reason: str, report: DrainReport) -> None:
        report.failed += 1
        metrics.FAILED.labels(message.kind).inc()
        self._log(message, "failed", reason)

    def _log(self, message: OutboxMessage, outcome: str, error: str | None = None) -> None:
        logger.info(
            json.dumps(
                {
                    "event": "send",
                    "kind": message.kind,
                    "recipient": message.recipient,
                    "key": message.idempotency_key,
                    "attempts": message.attempts,
                    "outcome": outcome,
                    **({"error": error} if error else {}),
                }
            )
        )


class Lanes:
    """Claimed messages in one lane per recipient. A lane is sent from one thread, in claim order, so a
    conversation keeps its order and its pacing; lanes run on the pool's threads at once. Each send
    opens its own database sessions, and its counts are added to `report` under the lock."""

    def __init__(self, sender: OutboxSender, pool: ThreadPoolExecutor):
        self.sender, self.pool = sender, pool
        self.changed = threading.Condition()
        self.queues: dict[str, deque[OutboxMessage]] = {}
        self.unsent = 0  # claimed, and not yet through OutboxSender.deliver
        self.report = DrainReport()
        self.error: Exception | None = None

    def add(self, message: OutboxMessage) -> None:
        with self.changed:
            self.unsent += 1
            queue = self.queues.get(message.recipient)
            if queue is not None:  # its lane is running or about to: the message goes out after the others
                queue.append(message)
                return
            self.queues[message.recipient] = deque([message])
        self.pool.submit(self._run, message.recipient)

    def wait(self, condition) -> bool:
        """Waits for `condition`; False if a send failed unexpectedly, which ends the drain."""
        with self.changed:
            self.changed.wait_for(lambda: self.error is not None or condition())
            return self.error is None

    def _run(self, recipient: str) -> None:
        while True:
            with self.changed:
                queue = self.queues[recipient]
                if not queue or self.error is not None:
                    # After an unexpected error the rest keep their lease, and are claimed again (as uncertain) later.
                    del self.queues[recipient]
                    self.unsent -= len(queue)
                    self.changed.notify_all()
                    return
                message = queue.popleft()
            report, error = DrainReport(), None
            try:
                self.sender.deliver(message, report)
            except Exception as raised:  # raised again by OutboxSender.drain, on its own thread
                error = raised
            finally:
                with self.changed:
                    self.report.add(report)
                    self.unsent -= 1
                    self.error = self.error or error
                    self.changed.notify_all()
