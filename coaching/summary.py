"""A lead's weekly summary of their team: the balanced scorecard, each rep, who improved, who is at risk."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from coaching.definition import ScorecardDefinition
from coaching.library import Library, Practice
from coaching.models import Kudos, Nudge, Rep, Team
from coaching.nudges import Focus, weakest_metric
from coaching.periods import Period
from coaching.schedule import VOTES_WINDOW_DAYS, team_votes
from coaching.scorecard import (
    Figures,
    Scorecard,
    build_scorecard,
    figures_by_rep,
    span_figures,
    team_scope,
)
from coaching.scoring import BalancedScore, balanced_score
from coaching.teams import reps_of, targets_for

HISTORY_WEEKS = 8
# A rep needs this many logged days in a week before a win can name them.
MIN_DAYS_NAMED = 3
# A weekly fall smaller than this share of the target is noise, not a risk.
RISK_STEP = 0.05


@dataclass(frozen=True)
class RepWeek:
    rep: Rep
    days: int
    values: dict[str, float | None]
    score: BalancedScore
    previous_score: BalancedScore
    kudos: int
    at_risk: tuple[str, ...]

    @property
    def improvement(self) -> float | None:
        if self.score.value is None or self.previous_score.value is None:
            return None
        return self.score.value - self.previous_score.value


@dataclass(frozen=True)
class PracticeUse:
    practice_id: str
    sent: int
    helpful: int


@dataclass(frozen=True)
class TeamSummary:
    team: Team
    scorecard: Scorecard
    reps: list[RepWeek]
    most_improved: RepWeek | None
    practices: list[PracticeUse]
    focus: Focus | None
    focus_practice: Practice | None
    # (first day of the week, the team's figures), oldest first, ending with this week.
    history: list[tuple[date, dict[str, float | None]]]
    targets: dict[str, float]

    @property
    def at_risk(self) -> list[RepWeek]:
        return [row for row in self.reps if row.at_risk]


def week_of(day: date) -> Period:
    start = day - timedelta(days=day.weekday())
    return Period("week", start, start + timedelta(days=6))


def build_team_summary(
    session: Session, team: Team, week: Period, definition: ScorecardDefinition, library: Library
) -> TeamSummary:
    targets = targets_for(session, team, definition)
    scorecard = build_scorecard(session, team_scope(team.id), week, definition, targets)
    reps = reps_of(session, team, leads=False)
    weeks = [week, week.previous(), week.previous().previous()]
    figures = [figures_by_rep(session, [rep.id for rep in reps], w.start, w.end, definition) for w in weeks]
    kudos = _kudos_received(session, team, week)
    rows = []
    for rep in reps:
        now, before, earlier = (by_rep.get(rep.id, Figures(0, {})) for by_rep in figures)
        rows.append(
            RepWeek(
                rep,
                now.days,
                now.values,
                balanced_score(now.values, definition, targets),
                balanced_score(before.values, definition, targets),
                kudos[rep.id],
                _risks(now, before, earlier, definition),
            )
        )
    improvers = [
        row for row in rows if row.improvement is not None and row.improvement > 0 and row.days >= MIN_DAYS_NAMED
    ]
    focus = weakest_metric(scorecard_values(scorecard), definition, targets)
    return TeamSummary(
        team,
        scorecard,
        rows,
        max(improvers, key=lambda row: row.improvement, default=None),
        _practices(session, reps, week),
        focus,
        _best_practice(session, team, week, focus, library),
        _history(session, team, week, definition),
        targets,
    )


def scorecard_values(scorecard: Scorecard) -> dict[str, float | None]:
    return {line.definition.key: line.value for line in scorecard.lines}


def _risks(now: Figures, before: Figures, earlier: Figures, definition: ScorecardDefinition) -> tuple[str, ...]:
    if now.days == 0 and (before.days or earlier.days):
        return ("stopped logging",)
    risks = []
    for metric in definition.metrics:
        series = [earlier.values.get(metric.key), before.values.get(metric.key), now.values.get(metric.key)]
        if None in series:
            continue
        # Each week worse by more than noise: at least RISK_STEP of the target.
        step = RISK_STEP * metric.target
        worse = [(a - b if metric.direction == "higher" else b - a) >= step for a, b in itertools.pairwise(series)]
        if all(worse):
            risks.append(f"{metric.label} falling two weeks running")
    return tuple(risks)


def _kudos_received(session: Session, team: Team, week: Period) -> Counter:
    query = (
        select(Kudos.receiver_id, func.count(Kudos.id))
        .where(Kudos.team_id == team.id, Kudos.given_on.between(week.start, week.end))
        .group_by(Kudos.receiver_id)
    )
    return Counter(dict(session.execute(query).all()))


def _practices(session: Session, reps: list[Rep], week: Period) -> list[PracticeUse]:
    query = (
        select(Nudge.practice_id, func.count(Nudge.id), func.sum(case((Nudge.feedback == "helpful", 1), else_=0)))
        .where(
            Nudge.rep_id.in_([rep.id for rep in reps]),
            Nudge.practice_id.is_not(None),
            Nudge.local_date.between(week.start, week.end),
        )
        .group_by(Nudge.practice_id)
    )
    uses = [PracticeUse(practice_id, sent, int(helpful or 0)) for practice_id, sent, helpful in session.execute(query)]
    return sorted(uses, key=lambda use: (-use.helpful, -use.sent, use.practice_id))


def _best_practice(
    session: Session, team: Team, week: Period, focus: Focus | None, library: Library
) -> Practice | None:
    """For the one-to-ones: the practice for the focus metric this team found most helpful lately."""
    if focus is None:
        return None
    votes = team_votes(session, {team.id}, week.end - timedelta(days=VOTES_WINDOW_DAYS)).get(team.id, {})
    candidates = library.for_metric(focus.metric.key)
    return max(
        candidates,
        key=lambda p: (votes[p.id].helpful - votes[p.id].not_for_me if p.id in votes else 0, p.id),
        default=None,
    )


def _history(session: Session, team: Team, week: Period, definition: ScorecardDefinition):
    history = []
    for back in range(HISTORY_WEEKS - 1, -1, -1):
        start = week.start - timedelta(weeks=back)
        figures = span_figures(session, team_scope(team.id), start, start + timedelta(days=6), definition)
        history.append((start, figures.values))
    return history
