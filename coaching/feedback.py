"""What reps say of their nudges, and what the library learns from it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import mean

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from coaching.definition import ScorecardDefinition
from coaching.library import Library
from coaching.models import Nudge
from coaching.nudges import Feedback
from coaching.scorecard import rep_scope, span_figures

SNOOZE = timedelta(days=7)
EFFECT_WINDOW_DAYS = 14


def record_feedback(session: Session, nudge: Nudge, feedback: Feedback, now: datetime) -> None:
    """Stores the rep's answer; snoozing also pauses their nudges for a week from the nudge's day."""
    nudge.feedback = feedback
    nudge.feedback_at = now
    if feedback == "snoozed":
        rep = nudge.rep
        until = nudge.local_date + SNOOZE
        if rep.paused_until is None or rep.paused_until < until:
            rep.paused_until = until


@dataclass(frozen=True)
class PracticeStats:
    practice_id: str
    sends: int
    helpful: int
    not_for_me: int
    # Mean change in the targeted metric, the two weeks after a send against the two before, as a share
    # of its target; positive is better.
    effect: float | None
    effect_samples: int

    @property
    def helpful_rate(self) -> float | None:
        answered = self.helpful + self.not_for_me
        return self.helpful / answered if answered else None


def practice_stats(session: Session, library: Library, definition: ScorecardDefinition) -> list[PracticeStats]:
    counts = {
        row.practice_id: row
        for row in session.execute(
            select(
                Nudge.practice_id,
                func.count(Nudge.id).label("sends"),
                func.sum(case((Nudge.feedback == "helpful", 1), else_=0)).label("helpful"),
                func.sum(case((Nudge.feedback == "not_for_me", 1), else_=0)).label("not_for_me"),
            )
            .where(Nudge.practice_id.is_not(None))
            .group_by(Nudge.practice_id)
        )
    }
    effects = _effects(session, definition)
    stats = []
    for practice in library.practices:
        row = counts.get(practice.id)
        changes = effects.get(practice.id, [])
        stats.append(
            PracticeStats(
                practice.id,
                row.sends if row else 0,
                int(row.helpful or 0) if row else 0,
                int(row.not_for_me or 0) if row else 0,
                mean(changes) if changes else None,
                len(changes),
            )
        )
    return stats


def _effects(session: Session, definition: ScorecardDefinition) -> dict[str, list[float]]:
    by_key = definition.by_key()
    window = timedelta(days=EFFECT_WINDOW_DAYS)
    effects: dict[str, list[float]] = {}
    sends = session.execute(
        select(Nudge.practice_id, Nudge.metric, Nudge.rep_id, Nudge.local_date).where(Nudge.metric.is_not(None))
    )
    for practice_id, metric_key, rep_id, day in sends:
        metric = by_key.get(metric_key)
        if metric is None:
            continue
        before = span_figures(session, rep_scope(rep_id), day - window, day - timedelta(days=1), definition)
        after = span_figures(session, rep_scope(rep_id), day, day + window - timedelta(days=1), definition)
        old, new = before.values[metric_key], after.values[metric_key]
        if old is None or new is None:
            continue
        # As a share of the target, so effects on different metrics compare.
        change = (new - old) if metric.direction == "higher" else (old - new)
        target = metric.target
        effects.setdefault(practice_id, []).append(change / target)
    return effects
