"""What reps say of their nudges, and what coaching measurably does: answers per practice, and each practice's and
each metric's effect against the randomised hold-out (`coaching.effects`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from coaching.db import among
from coaching.definition import ScorecardDefinition
from coaching.effects import Change, Effect, Spread, Start, baseline_adjusted, effect_against_hold_out, pooled_spread
from coaching.library import Library
from coaching.models import DayLog, Nudge, Rep, TeamMember
from coaching.nudges import HELPFUL_ANSWERS, UNHELPFUL_ANSWERS, Feedback
from coaching.scorecard import figures_by_rep
from coaching.teams import targets_by_team

SNOOZE = timedelta(days=7)
# The focus metric is read over the 14 days from a start day, against the figure that chose it.
EFFECT_WINDOW = timedelta(days=14)
BASELINE_WINDOW = timedelta(days=28)
# The starts of a week that set its practice; a held-out day is a start chosen the same way and not sent.
MEASURED_KINDS = ("practice", "review")
HELD_OUT = "held_out"


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
    not_helpful: int
    # The focus metric's change after this practice's nudges less the change on held-out days with the same focus,
    # as a share of the team's target (positive is better), with its 95% interval; None until both sides have enough.
    measured: Effect | None

    @property
    def helpful_rate(self) -> float | None:
        answered = self.helpful + self.not_helpful
        return self.helpful / answered if answered else None

    @property
    def effect(self) -> float | None:
        return self.measured.estimate if self.measured else None

    @property
    def effect_samples(self) -> int:
        return self.measured.n if self.measured else 0


@dataclass(frozen=True)
class MetricStats:
    """Coaching aimed at one metric, whatever the practice, against the held-out days with that focus."""

    metric: str
    nudges: int
    held_out: int
    measured: Effect | None


@dataclass(frozen=True)
class MeasuredChanges:
    """Each start day's change in its focus metric, nudged (by practice) or held out (by metric)."""

    by_practice: dict[str, list[Change]]
    held_out: dict[str, list[float]]

    def by_metric(self) -> dict[str, list[Change]]:
        found: dict[str, list[Change]] = defaultdict(list)
        for changes in self.by_practice.values():
            for change in changes:
                found[change.metric].append(change)
        return found

    def spreads(self) -> dict[str, Spread]:
        """Each metric's spread of changes, pooled over its practices' nudges and its held-out days."""
        groups: dict[str, list[list[float]]] = defaultdict(list)
        for changes in self.by_practice.values():
            by_metric: dict[str, list[float]] = defaultdict(list)
            for change in changes:
                by_metric[change.metric].append(change.value)
            for metric, values in by_metric.items():
                groups[metric].append(values)
        for metric, values in self.held_out.items():
            groups[metric].append(values)
        return {metric: spread for metric, found in groups.items() if (spread := pooled_spread(found))}

    def metric_effect(self, metric: str, spreads: Mapping[str, Spread] | None = None) -> Effect | None:
        nudged = self.by_metric().get(metric, [])
        return effect_against_hold_out(nudged, self.held_out, self.spreads() if spreads is None else spreads)

    def practice_effect(self, practice_id: str, spreads: Mapping[str, Spread] | None = None) -> Effect | None:
        spreads = self.spreads() if spreads is None else spreads
        changes = self.by_practice.get(practice_id, [])
        effect = effect_against_hold_out(changes, self.held_out, spreads)
        if effect is None:
            return None
        metrics = {change.metric for change in changes}
        differs = any((found := self.metric_effect(metric, spreads)) is not None and found.shown for metric in metrics)
        return replace(effect, metric_differs=differs)


def practice_stats(session: Session, library: Library, definition: ScorecardDefinition) -> list[PracticeStats]:
    answered = (
        select(
            Nudge.practice_id,
            func.count(Nudge.id).label("sends"),
            func.sum(case((among(Nudge.feedback, HELPFUL_ANSWERS), 1), else_=0)).label("helpful"),
            func.sum(case((among(Nudge.feedback, UNHELPFUL_ANSWERS), 1), else_=0)).label("not_helpful"),
        )
        .where(Nudge.practice_id.is_not(None))
        .group_by(Nudge.practice_id)
    )
    counts = {row.practice_id: row for row in session.execute(answered)}
    changes = measured_changes(session, definition)
    spreads = changes.spreads()
    stats = []
    for practice in library.practices:
        row = counts.get(practice.id)
        stats.append(
            PracticeStats(
                practice.id,
                row.sends if row else 0,
                int(row.helpful or 0) if row else 0,
                int(row.not_helpful or 0) if row else 0,
                changes.practice_effect(practice.id, spreads),
            )
        )
    return stats


def metric_stats(session: Session, definition: ScorecardDefinition) -> list[MetricStats]:
    changes = measured_changes(session, definition)
    nudged = changes.by_metric()
    spreads = changes.spreads()
    return [
        MetricStats(
            metric.key,
            len(nudged.get(metric.key, [])),
            len(changes.held_out.get(metric.key, [])),
            changes.metric_effect(metric.key, spreads),
        )
        for metric in definition.metrics
    ]


def measured_changes(
    session: Session, definition: ScorecardDefinition, workspace_id: str | None = None
) -> MeasuredChanges:
    """Every start day whose 14 days after are over: a nudge's or a held-out day's focus metric over those days
    against the figure that chose it (`focus_value`; the 28 days before for rows stored without it), adjusted for
    that figure (`coaching.effects.baseline_adjusted`).

    A start replaced by *Another one* leaves the week to its replacement. One grouped query per start date.
    """
    last_logged = session.scalar(select(func.max(DayLog.day)))
    if last_logged is None:
        return MeasuredChanges({}, {})
    query = select(Nudge).where(
        Nudge.metric.is_not(None),
        Nudge.kind.in_((*MEASURED_KINDS, HELD_OUT)),
        Nudge.local_date <= last_logged - EFFECT_WINDOW + timedelta(days=1),
        or_(Nudge.feedback.is_(None), Nudge.feedback != "another"),
    )
    if workspace_id is not None:
        query = query.join(Rep, Rep.id == Nudge.rep_id).where(Rep.workspace_id == workspace_id)
    rows = list(session.scalars(query))
    team_of = first_team_of(session, {row.rep_id for row in rows})
    targets = targets_by_team(session, set(team_of.values()), definition)
    by_key = definition.by_key()
    by_day: dict[date, list[Nudge]] = defaultdict(list)
    for row in rows:
        if row.metric in by_key:
            by_day[row.local_date].append(row)
    measured: list[tuple[Nudge, Start]] = []
    for day, started in sorted(by_day.items()):
        rep_ids = {row.rep_id for row in started}
        after = figures_by_rep(session, rep_ids, day, day + EFFECT_WINDOW - timedelta(days=1), definition)
        before = (
            figures_by_rep(session, rep_ids, day - BASELINE_WINDOW, day - timedelta(days=1), definition)
            if any(row.focus_value is None for row in started)
            else {}
        )
        for row in started:
            metric = by_key[str(row.metric)]
            new = after[row.rep_id].values[metric.key] if row.rep_id in after else None
            old = row.focus_value
            if old is None and row.rep_id in before:
                old = before[row.rep_id].values[metric.key]
            if new is None or old is None:
                continue
            target = targets[team_of.get(row.rep_id)][metric.key]
            better = 1 if metric.direction == "higher" else -1
            start = Start(metric.key, better * (new - old) / target, better * old / target, row.kind == HELD_OUT)
            measured.append((row, start))
    by_practice: dict[str, list[Change]] = defaultdict(list)
    held_out: dict[str, list[float]] = defaultdict(list)
    for (row, start), change in zip(measured, baseline_adjusted([start for _, start in measured]), strict=True):
        if start.held_out:
            held_out[start.metric].append(change)
        elif row.practice_id is not None:
            by_practice[row.practice_id].append(Change(start.metric, change))
    return MeasuredChanges(dict(by_practice), dict(held_out))


def first_team_of(session: Session, rep_ids: Collection[int]) -> dict[int, int]:
    """Each rep's first team (the lowest id), whose targets their figures are measured against."""
    query = select(TeamMember.rep_id, func.min(TeamMember.team_id)).where(among(TeamMember.rep_id, rep_ids))
    return {rep_id: team_id for rep_id, team_id in session.execute(query.group_by(TeamMember.rep_id))}
