"""Work a listener leaves for after its answer.

Bolt sends a listener's answer only when the listener returns (`process_before_response`, see bot/app.py), so
work that calls Slack or may wait (a form, a Home tab, a stale profile, a DM drain, a `response_url` reply) runs on
these threads.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

logger = logging.getLogger(__name__)

# Enough that a drain waiting for retries does not hold up a form, whose trigger Slack honours for 3 s.
_THREADS = ThreadPoolExecutor(max_workers=8, thread_name_prefix="after-answer")
_unfinished = 0
_finished = threading.Condition()


def after_answer(work: Callable[[], object]) -> None:
    global _unfinished
    with _finished:
        _unfinished += 1
    _THREADS.submit(_logged, work)


def wait_until_done(timeout: float) -> bool:
    """Waits for all the work handed over so far (at most `timeout` seconds); False if some is still running.

    `repcoach serve` waits as it stops, so a DM drain or a form is not cut off halfway; the tests wait between
    tests, so one test's late work never lands in the next one's database or Slack stand-in."""
    with _finished:
        return _finished.wait_for(lambda: _unfinished == 0, timeout)


def _logged(work: Callable[[], object]) -> None:
    global _unfinished
    try:
        work()
    except Exception:
        # Nobody waits on this work; the log is where its failure can be seen.
        logger.exception("work after answering failed")
    finally:
        with _finished:
            _unfinished -= 1
            _finished.notify_all()
