"""The week's balanced wins for a team channel: only positive facts, only reps who agreed to be named."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coaching.definition import MetricDefinition, ScorecardDefinition
from coaching.models import DayLog, Rep, Team, TeamMember
from coaching.periods import Period
from coaching.scorecard import Figures, figures_by_rep
from coaching.summary import MIN_DAYS_NAMED
from coaching.teams import reps_of, targets_for

MIN_STREAK = 3
# Enough logged metrics that "met every target" means something.
MIN_METRICS_FOR_ALL_TARGETS = 4


@dataclass(frozen=True)
class Win:
    kind: Literal["every_target", "customer_lift", "fcr_streak"]
    rep: Rep
    metric: MetricDefinition | None = None
    # customer_lift: the improvement in the metric's own units; fcr_streak: the days in a row.
    amount: float = 0


@dataclass(frozen=True)
class Recognition:
    team: Team
    week: Period
    wins: list[Win]
    recommitments: int


def weekly_recognition(
    session: Session, team: Team, week: Period, definition: ScorecardDefinition
) -> Recognition | None:
    """None when there is nothing to celebrate: no empty posts."""
    targets = targets_for(session, team, definition)
    named = [rep for rep in reps_of(session, team, leads=False) if not rep.recognition_opt_out]
    now = figures_by_rep(session, [rep.id for rep in named], week.start, week.end, definition)
    before_week = week.previous()
    before = figures_by_rep(session, [rep.id for rep in named], before_week.start, before_week.end, definition)
    eligible = [rep for rep in named if now.get(rep.id, Figures(0, {})).days >= MIN_DAYS_NAMED]
    wins: list[Win] = []
    for rep in eligible:
        logged = {key: value for key, value in now[rep.id].values.items() if value is not None}
        by_key = definition.by_key()
        if len(logged) >= MIN_METRICS_FOR_ALL_TARGETS and all(
            by_key[k].meets(v, targets[k]) for k, v in logged.items()
        ):
            wins.append(Win("every_target", rep))
    lift = _best_customer_lift(eligible, now, before, definition, targets)
    if lift:
        wins.append(lift)
    wins += _fcr_streaks(session, eligible, week, targets["fcr_rate"])
    total = _team_recommitments(session, team, week)
    if not wins and not total:
        return None
    return Recognition(team, week, wins, total)


def _best_customer_lift(eligible, now, before, definition: ScorecardDefinition, targets) -> Win | None:
    best: tuple[float, Win] | None = None
    for rep in eligible:
        previous = before.get(rep.id)
        if previous is None:
            continue
        for metric in definition.metrics:
            if metric.perspective != "customer":
                continue
            old, new = previous.values.get(metric.key), now[rep.id].values.get(metric.key)
            if old is None or new is None:
                continue
            gain = (new - old) if metric.direction == "higher" else (old - new)
            relative = gain / targets[metric.key]
            if gain > 0 and metric.visible(gain) and (best is None or relative > best[0]):
                best = (relative, Win("customer_lift", rep, metric, gain))
    return best[1] if best else None


def _fcr_streaks(session: Session, eligible: list[Rep], week: Period, target: float) -> list[Win]:
    query = (
        select(DayLog.rep_id, DayLog.day, DayLog.fcr, DayLog.contacts)
        .where(DayLog.rep_id.in_([rep.id for rep in eligible]), DayLog.day.between(week.start, week.end))
        .order_by(DayLog.rep_id, DayLog.day)
    )
    longest: dict[int, int] = {}
    current: dict[int, int] = {}
    for rep_id, _day, fcr, contacts in session.execute(query):
        met = fcr is not None and contacts and fcr / contacts >= target
        current[rep_id] = current.get(rep_id, 0) + 1 if met else 0
        longest[rep_id] = max(longest.get(rep_id, 0), current[rep_id])
    return [Win("fcr_streak", rep, amount=longest[rep.id]) for rep in eligible if longest.get(rep.id, 0) >= MIN_STREAK]


def _team_recommitments(session: Session, team: Team, week: Period) -> int:
    query = select(func.coalesce(func.sum(DayLog.recommit), 0)).where(
        DayLog.rep_id.in_(select(TeamMember.rep_id).where(TeamMember.team_id == team.id)),
        DayLog.day.between(week.start, week.end),
    )
    return int(session.scalar(query))
