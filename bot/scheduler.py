"""APScheduler runs the jobs inside `repcoach serve`.

A nudge sweep every minute sends whatever has come due in every rep's own timezone, and the outbox
is drained every few seconds so retries go out when their backoff ends. A sweep that could not run
on time (the process was busy or suspended) is still run within the misfire grace period, runs
only once however many were missed (coalesced), and is dropped with a log line after it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.events import EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk import WebClient

from bot.deps import Deps
from bot.jobs import run_nudges
from bot.outbox_sender import OutboxSender

logger = logging.getLogger(__name__)

OUTBOX_DRAIN_SECONDS = 5


def start_scheduler(deps: Deps, client: WebClient, misfire_grace_seconds: int) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="UTC")
    sender = OutboxSender(deps, client)

    def nudge_sweep() -> None:
        report = run_nudges(deps, client, deps.now())
        if report.planned:
            logger.info("nudges: %d planned", report.planned)

    def missed(event: JobExecutionEvent) -> None:
        logger.warning("job %s due at %s was dropped: more than %ss late", event.job_id,
                       event.scheduled_run_time, misfire_grace_seconds)

    common = {"coalesce": True, "max_instances": 1, "misfire_grace_time": misfire_grace_seconds}
    # The first sweep runs at start, catching up whoever came due while the process was down.
    scheduler.add_job(nudge_sweep, IntervalTrigger(minutes=1), id="nudges", next_run_time=datetime.now(UTC), **common)
    scheduler.add_job(sender.drain, IntervalTrigger(seconds=OUTBOX_DRAIN_SECONDS), id="outbox", **common)
    scheduler.add_listener(missed, EVENT_JOB_MISSED)
    scheduler.start()
    return scheduler
