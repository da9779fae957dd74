"""APScheduler runs the jobs inside `repcoach serve`: a sweep every minute sends whatever has come due."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk import WebClient

from bot.deps import Deps
from bot.jobs import run_nudges

logger = logging.getLogger(__name__)


def start_scheduler(deps: Deps, client: WebClient) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="UTC")

    def nudge_sweep() -> None:
        report = run_nudges(deps, client, deps.now())
        if report.sent or report.failed:
            logger.info("nudges: %d sent, %d failed", report.sent, report.failed)

    # Each rep's own time is checked inside the sweep, so one minute-by-minute job serves every timezone.
    # The first sweep runs at start, catching up whoever came due while the process was down.
    scheduler.add_job(nudge_sweep, IntervalTrigger(minutes=1), id="nudges", coalesce=True, max_instances=1,
                      misfire_grace_time=30, next_run_time=datetime.now(UTC))
    scheduler.start()
    return scheduler
