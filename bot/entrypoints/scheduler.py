"""APScheduler runs the jobs inside `repcoach serve`.

A sweep every minute queues whatever has come due in each person's own timezone (nudges, leads'
weekly summaries on Monday 08:00, recognition posts on Friday 16:00), and the outbox
is drained every few seconds so retries go out when their backoff ends. Each configured helpdesk is synced every
HELPDESK_SYNC_MINUTES by a job of its own. A sweep that could not run
on time (the process was busy or suspended) is still run within the misfire grace period, runs
only once however many were missed (coalesced), and is dropped with a log line after it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.events import EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.delivery.sender import OutboxSender
from bot.deps import Deps
from bot.jobs import JOBS, run_helpdesk_syncs
from coaching.privacy import prune_expired

logger = logging.getLogger(__name__)

OUTBOX_DRAIN_SECONDS = 5


def start_scheduler(deps: Deps, misfire_grace_seconds: int, retention_months: int | None) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="UTC")
    sender = OutboxSender(deps)

    def sweep() -> None:
        for name, job in JOBS.items():
            report = job(deps, deps.now())
            if report.planned:
                logger.info("%s: %d planned", name, report.planned)

    def missed(event: JobExecutionEvent) -> None:
        logger.warning(
            "job %s due at %s was dropped: more than %ss late",
            event.job_id,
            event.scheduled_run_time,
            misfire_grace_seconds,
        )

    common = {"coalesce": True, "max_instances": 1, "misfire_grace_time": misfire_grace_seconds}
    # The first sweep runs at start, catching up whoever came due while the process was down.
    scheduler.add_job(sweep, IntervalTrigger(minutes=1), id="sweep", next_run_time=datetime.now(UTC), **common)
    scheduler.add_job(sender.drain, IntervalTrigger(seconds=OUTBOX_DRAIN_SECONDS), id="outbox", **common)
    if deps.helpdesk.connectors:
        # Its own job, so a long first import never delays the sweep's nudges; each helpdesk syncs when due.
        scheduler.add_job(
            lambda: run_helpdesk_syncs(deps, deps.now()),
            IntervalTrigger(minutes=1),
            id="helpdesk",
            next_run_time=datetime.now(UTC),
            **common,
        )
    if retention_months:

        def prune() -> None:
            with deps.sessions.begin() as session:
                deleted, before = prune_expired(session, retention_months, deps.now().date())
            logger.info("retention: deleted %d logged days before %s", deleted, before)

        scheduler.add_job(prune, IntervalTrigger(hours=24), id="retention", next_run_time=datetime.now(UTC), **common)
    scheduler.add_listener(missed, EVENT_JOB_MISSED)
    scheduler.start()
    return scheduler
