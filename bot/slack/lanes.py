"""Where a Slack request is handled: on the event loop, or on a thread when it must first wait on Slack.

A process handles Slack's requests on its event loop, one at a time, as a synchronous worker would: threads taking
turns at the interpreter at every database round trip made a `/log` cost a third more CPU and tripled its p99
under load (docs/performance.md). Most requests need nothing from Slack before they are answered (a typed `/log`
from a rep whose profile is known), so the loop never waits on Slack for them.

A request that does (someone new, whose timezone only `users.info` knows) says so before it waits, with
`before_waiting_on_slack`: on the loop, that stops it with `MovesToThread` before anything it did is kept (the
listener's transaction rolls back), and bot.entrypoints.web handles it again from the start on a thread of its
dispatch pool, where waiting holds up no one else's answer or /healthz. Only call it where nothing has been
committed or sent yet: the request runs again from the start.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


class MovesToThread(Exception):  # a signal to bot.entrypoints.web, not a failure
    """Raised on the event loop by a request that must wait on Slack; nothing it did is kept."""


@dataclass
class Lane:
    moved: bool = False


_ON_THE_LOOP: ContextVar[Lane | None] = ContextVar("slack_request_on_the_loop", default=None)


@contextmanager
def on_the_loop() -> Iterator[Lane]:
    """Marks the request handled inside as running on the event loop; `lane.moved` says whether it must move."""
    lane = Lane()
    token = _ON_THE_LOOP.set(lane)
    try:
        yield lane
    finally:
        _ON_THE_LOOP.reset(token)


def before_waiting_on_slack() -> None:
    """Called just before a Web API call the answer must wait for."""
    lane = _ON_THE_LOOP.get()
    if lane is not None:
        lane.moved = True
        raise MovesToThread
