"""bot.slack.lanes: a request in the quick lane leaves it to wait on Slack, and comes back with the answer."""

import pytest

from bot.slack.lanes import Lane, LeavesQuickLane, SlackCall, answer_before_answering, is_answered, quick_lane


class CountedCall:
    def __init__(self, answer=None, error: Exception | None = None):
        self.made, self.answer, self.error = 0, answer, error

    def __call__(self):
        self.made += 1
        if self.error is not None:
            raise self.error
        return self.answer


def test_outside_the_quick_lane_the_call_is_made_where_it_is_asked():
    slack = CountedCall(answer="Europe/Rome")
    assert answer_before_answering(SlackCall(("users.info", "U0ANNA"), slack)) == "Europe/Rome"
    assert slack.made == 1


def test_in_the_quick_lane_a_request_leaves_for_the_call_and_comes_back_with_its_answer():
    slack = CountedCall(answer="Europe/Rome")
    call, lane = SlackCall(("users.info", "U0ANNA"), slack), Lane()
    with quick_lane(lane), pytest.raises(LeavesQuickLane):
        answer_before_answering(call)
    assert lane.waits_for is call and slack.made == 0  # nothing waited in the lane

    lane.answer(lane.waits_for)
    with quick_lane(lane):
        assert is_answered(call)
        # The same question asked again, as the second try asks it, takes the answer rather than Slack's time.
        assert answer_before_answering(SlackCall(("users.info", "U0ANNA"), slack)) == "Europe/Rome"
        with pytest.raises(LeavesQuickLane):  # another question still leaves
            answer_before_answering(SlackCall(("users.info", "U0BRUNO"), slack))
    assert slack.made == 1


def test_a_call_that_fails_fails_the_next_try_where_the_listener_asked_it():
    slack = CountedCall(error=TimeoutError("Slack did not answer"))
    call, lane = SlackCall(("users.info", "U0ANNA"), slack), Lane()
    with quick_lane(lane), pytest.raises(LeavesQuickLane):
        answer_before_answering(call)

    lane.answer(call)  # the error is kept, not raised on the thread that made the call
    with quick_lane(lane), pytest.raises(TimeoutError, match="did not answer"):
        answer_before_answering(call)
    assert slack.made == 1
