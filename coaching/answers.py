"""What a rep's answer to a coaching message does, beyond being stored.

A follow-up answered *Helped* or *Tried, no difference* means the rep tried the week's practice, so it counts as a
practice tried that day, once however often the button is pressed. The answers also steer the team's choice
(`coaching.schedule.team_votes`) and a helpful practice's reviews (`coaching.nudges.History`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from coaching.feedback import record_feedback
from coaching.models import Nudge
from coaching.nudges import Feedback
from coaching.outcomes import day_values, record_day

# Follow-up answers that say the practice was tried.
TRIED = ("helpful", "no_difference")


def answer_nudge(*, session: Session, nudge: Nudge, answer: Feedback, now: datetime) -> None:
    """Stores the answer; the caller commits."""
    # Two clicks at once must not both count: the second waits for the first and then sees its answer.
    session.refresh(nudge, with_for_update=True)
    already_tried = nudge.feedback in TRIED
    record_feedback(session, nudge, answer, now)
    if nudge.kind == "follow_up" and answer in TRIED and not already_tried:
        tried = day_values(session, nudge.rep_id, nudge.local_date).get("practices", 0)
        record_day(session, nudge.rep_id, nudge.local_date, {"practices": int(tried) + 1}, now)
