"""Two lanes for Slack's requests: a quick one for those that never wait on Slack, and one for those that do.

Most requests need nothing from Slack before they are answered (a typed `/log` from a rep whose profile is known),
and bot.entrypoints.web answers them in the quick lane: on its event loop, one at a time, as a synchronous worker
would. That is the cheapest way: threads taking turns at the interpreter at every database round trip made a
`/log` cost a fifth to a third more CPU (docs/performance.md).

A request that must wait on Slack first (someone new, whose timezone only `users.info` knows) says so with
`before_waiting_on_slack`: in the quick lane that stops it with `LeavesQuickLane`, before anything it did is kept
(its transaction rolls back), and it is handled again from the start in the waiting lane, on a thread of its own,
where the wait holds up no one. So only call it where nothing has been committed or sent yet. While anyone waits
in the waiting lane, the quick lane moves from the loop to two threads: others like them may follow (a team's first
day), and the loop stays free to read requests and answer /healthz.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


class LeavesQuickLane(Exception):  # a signal to bot.entrypoints.web, not a failure
    """Raised in the quick lane by a request that must wait on Slack; nothing it did is kept."""


@dataclass
class Lane:
    left: bool = False


_QUICK: ContextVar[Lane | None] = ContextVar("slack_request_in_quick_lane", default=None)


@contextmanager
def quick_lane() -> Iterator[Lane]:
    """Handles the request inside in the quick lane; `lane.left` says whether it must go to the waiting lane."""
    lane = Lane()
    token = _QUICK.set(lane)
    try:
        yield lane
    finally:
        _QUICK.reset(token)


def in_quick_lane() -> bool:
    return _QUICK.get() is not None


def before_waiting_on_slack() -> None:
    """Called just before a Web API call the answer must wait for."""
    lane = _QUICK.get()
    if lane is not None:
        lane.left = True
        raise LeavesQuickLane
