"""Two lanes for Slack's requests: a quick one for those that never wait on Slack, and a way round for those that do.

Most requests need nothing from Slack before they are answered (a typed `/log` from a rep whose profile is known),
and bot.entrypoints.web answers them in the quick lane: on its event loop, one at a time, as a synchronous worker
would. That is the cheapest way: threads taking turns at the interpreter at every database round trip made a
`/log` cost a fifth to a third more CPU (docs/performance.md).

A request whose answer must wait for a Web API call (someone new, whose timezone only `users.info` knows) makes it
through `answer_before_answering`. In the quick lane that stops the request with `LeavesQuickLane`, before anything
it did is kept (its transaction rolls back); the call is made on a thread that does nothing else while Slack
answers, and the request is handled again from the start in the quick lane, this time with Slack's answer at hand.
So the wait holds up no one, and the interpreter is shared only with threads that wait. Only make such a call where
nothing has been committed or sent yet.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class LeavesQuickLane(Exception):  # a signal to bot.entrypoints.web, not a failure
    """Raised in the quick lane by a request that must wait on Slack; nothing it did is kept."""


@dataclass(frozen=True)
class SlackCall(Generic[T]):
    """A Web API call an answer waits for; `key` names what it asks (the same key, the same answer)."""

    key: Hashable
    make: Callable[[], T]


@dataclass(frozen=True)
class _Failed:
    error: Exception


@dataclass
class Lane:
    """One try at a request in the quick lane, with what Slack answered before it."""

    answers: dict[Hashable, Any] = field(default_factory=dict)
    waits_for: SlackCall[Any] | None = None  # the call it left the lane for

    def answer(self, call: SlackCall[Any]) -> None:
        """Makes the call it left for, so that the next try finds the answer (or the call's exception, raised there
        as the listener would have seen it)."""
        try:
            self.answers[call.key] = call.make()
        except Exception as error:  # raised again in the listener, where Bolt's error handler is
            self.answers[call.key] = _Failed(error)


_QUICK: ContextVar[Lane | None] = ContextVar("slack_request_in_quick_lane", default=None)


@contextmanager
def quick_lane(lane: Lane) -> Iterator[Lane]:
    """Handles the request inside in the quick lane; `lane.waits_for` then says whether it left to wait on Slack."""
    lane.waits_for = None
    token = _QUICK.set(lane)
    try:
        yield lane
    finally:
        _QUICK.reset(token)


def in_quick_lane() -> bool:
    return _QUICK.get() is not None


def answer_before_answering(call: SlackCall[T]) -> T:
    """The call's result, for a request whose answer waits for it: made here outside the quick lane; in it, the
    answer of an earlier try, or the request leaves the lane to have it made."""
    lane = _QUICK.get()
    if lane is None:
        return call.make()
    leave_unless_answered(call)
    answer = lane.answers[call.key]
    if isinstance(answer, _Failed):
        raise answer.error
    answered: T = answer
    return answered


def is_answered(call: SlackCall[Any]) -> bool:
    """Whether this try of the request in the quick lane has the call's answer from an earlier one."""
    lane = _QUICK.get()
    return lane is not None and call.key in lane.answers


def leave_unless_answered(call: SlackCall[Any]) -> None:
    """For a request that will make this call before it answers: in the quick lane without its answer, it leaves
    now, before doing anything the call would make wasted."""
    lane = _QUICK.get()
    if lane is not None and call.key not in lane.answers:
        lane.waits_for = call
        raise LeavesQuickLane
