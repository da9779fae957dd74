"""Work a listener leaves for after its answer.

Bolt sends a listener's answer only when the listener returns (`process_before_response`, see bot/app.py), so
work that calls Slack or may wait (a form, a Home tab, a stale profile, a DM drain, a `response_url` reply) runs on
these threads.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

logger = logging.getLogger(__name__)

# Enough that a drain waiting for retries does not hold up a form, whose trigger Slack honours for 3 s.
_THREADS = ThreadPoolExecutor(max_workers=8, thread_name_prefix="after-answer")


def after_answer(work: Callable[[], object]) -> None:
    _THREADS.submit(_logged, work)


def _logged(work: Callable[[], object]) -> None:
    try:
        work()
    except Exception:
        # Nobody waits on this work; the log is where its failure can be seen.
        logger.exception("work after answering failed")
