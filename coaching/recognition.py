"""The week's balanced wins for a team channel: only positive facts, only reps who agreed to be named, and only
reps whose customers did well that week.

A rep is named only when every customer metric meets target this week, and the last four weeks make it at least
RECOGNITION_CONFIDENCE likely that they truly do (the last two, RECENT_CONFIDENCE likely); every metric the team
uses is logged on at least MIN_DAYS_EVERY_METRIC days; the week rests on at least `recognition_min_contacts`
contacts; and nothing in it is far outside the rep's own history (`coaching.unusual`). Then a lift counts only
when it reaches target, and a first-contact streak only on days whose customer figures met target. The team's
recommitments are celebrated whatever anyone's figures.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coaching.db import among
from coaching.definition import MetricDefinition, ScorecardDefinition
from coaching.evidence import EMPTY, Sample, probability_worse
from coaching.models import DayLog, Rep, Team, TeamMember
from coaching.periods import Period
from coaching.scorecard import Figures
from coaching.summary import EVIDENCE_WEEKS, HISTORY_WEEKS, IN_USE_WEEKS, metrics_in_use, pooled, weekly_figures
from coaching.teams import reps_of, targets_for
from coaching.unusual import unusual_figures

MIN_STREAK = 3
MIN_DAYS_EVERY_METRIC = 4
# Public praise for a rep whose customers are truly below target is the one error recognition must not make: on
# simulated teams, 80% still named such a rep in 2 of 18 wins; 90% leaves about half as many wins.
RECOGNITION_CONFIDENCE = 0.9
# And the last RECENT_WEEKS on their own must make it RECENT_CONFIDENCE likely: four good weeks pooled hide a rep
# whose customers are slipping now. On `bench ceiling`'s simulated reps (seeds 1-3, then 4-6 to confirm), 90% over
# four weeks alone let one or two rep-weeks a quarter below target through; with this, none, at the price of about
# half the rep-weeks that may be celebrated.
RECENT_WEEKS = 2
RECENT_CONFIDENCE = 0.95


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


def balanced_week(
    now: Figures,
    evidence: Mapping[str, Sample],
    recent: Mapping[str, Sample],
    in_use: Collection[str],
    definition: ScorecardDefinition,
    targets: Mapping[str, float],
) -> bool:
    """Whether a rep's week may be celebrated at all: every customer metric logged and on target this week and
    likely on target over `evidence` (four weeks) and, surer still, over `recent` (the last two), every metric in use
    logged on enough days, and enough contacts."""
    if now.contacts < definition.recognition_min_contacts:
        return False
    for metric in definition.metrics:
        sample = now.samples.get(metric.key, EMPTY)
        customer = metric.perspective == "customer"
        if (customer or metric.key in in_use) and sample.days < MIN_DAYS_EVERY_METRIC:
            return False
        if not customer:
            continue
        value, target = sample.value, targets[metric.key]
        if value is None or not metric.meets(value, target):
            return False
        if probability_worse(metric, evidence.get(metric.key, EMPTY), target) > 1 - RECOGNITION_CONFIDENCE:
            return False
        if probability_worse(metric, recent.get(metric.key, EMPTY), target) > 1 - RECENT_CONFIDENCE:
            return False
    return True


def weekly_recognition(
    session: Session, team: Team, week: Period, definition: ScorecardDefinition
) -> Recognition | None:
    """None when there is nothing to celebrate: no empty posts."""
    targets = targets_for(session, team, definition)
    named = [rep for rep in reps_of(session, team, leads=False) if not rep.recognition_opt_out]
    weeks = weekly_figures(session, [rep.id for rep in named], week, HISTORY_WEEKS + 1, definition)
    in_use = metrics_in_use(weeks[:IN_USE_WEEKS], definition)
    by_key = definition.by_key()
    eligible: list[Rep] = []
    wins: list[Win] = []
    baselines: dict[int, dict[str, Sample]] = {}
    for rep in named:
        mine = [by_rep.get(rep.id, Figures(0, {})) for by_rep in weeks]
        now = mine[0]
        past = [(figures.samples, figures.days) for figures in mine[1:] if figures.days]
        if not balanced_week(
            now, pooled(mine[:EVIDENCE_WEEKS]), pooled(mine[:RECENT_WEEKS]), in_use, definition, targets
        ):
            continue
        if unusual_figures(now.samples, now.days, past, definition):
            continue
        eligible.append(rep)
        baselines[rep.id] = pooled(mine[1 : EVIDENCE_WEEKS + 1])
        values = now.values
        if all((value := values.get(key)) is not None and by_key[key].meets(value, targets[key]) for key in in_use):
            wins.append(Win("every_target", rep))
    lift = _best_customer_lift(eligible, weeks[0], baselines, definition, targets)
    if lift:
        wins.append(lift)
    wins += _fcr_streaks(session, eligible, week, definition, targets)
    total = _team_recommitments(session, team, week)
    if not wins and not total:
        return None
    return Recognition(team, week, wins, total)


def _best_customer_lift(
    eligible: list[Rep],
    now: Mapping[int, Figures],
    baselines: Mapping[int, Mapping[str, Sample]],
    definition: ScorecardDefinition,
    targets: Mapping[str, float],
) -> Win | None:
    """The biggest gain on a customer metric against the rep's four weeks before, among reps whose week reached
    target; against four weeks, one staged bad week cannot buy a lift."""
    best: tuple[float, Win] | None = None
    for rep in eligible:
        for metric in definition.metrics:
            if metric.perspective != "customer":
                continue
            old, new = baselines[rep.id].get(metric.key, EMPTY).value, now[rep.id].values.get(metric.key)
            if old is None or new is None or not metric.meets(new, targets[metric.key]):
                continue
            gain = (new - old) if metric.direction == "higher" else (old - new)
            relative = gain / targets[metric.key]
            if gain > 0 and metric.visible(gain) and (best is None or relative > best[0]):
                best = (relative, Win("customer_lift", rep, metric, gain))
    return best[1] if best else None


def _fcr_streaks(
    session: Session, eligible: list[Rep], week: Period, definition: ScorecardDefinition, targets: Mapping[str, float]
) -> list[Win]:
    """Logged days in a row with first-contact resolution at target and every customer figure on target too."""
    if not eligible:
        return []
    query = (
        select(DayLog)
        .where(among(DayLog.rep_id, [rep.id for rep in eligible]), DayLog.day.between(week.start, week.end))
        .order_by(DayLog.rep_id, DayLog.day)
    )
    fcr = definition.by_key()["fcr_rate"]
    customer = [metric for metric in definition.metrics if metric.perspective == "customer"]
    longest: dict[int, int] = {}
    current: dict[int, int] = {}
    for log in session.scalars(query):
        met = all(
            (value := day_value(metric, log)) is not None and metric.meets(value, targets[metric.key])
            for metric in (fcr, *customer)
        )
        current[log.rep_id] = current.get(log.rep_id, 0) + 1 if met else 0
        longest[log.rep_id] = max(longest.get(log.rep_id, 0), current[log.rep_id])
    return [Win("fcr_streak", rep, amount=longest[rep.id]) for rep in eligible if longest.get(rep.id, 0) >= MIN_STREAK]


def day_value(metric: MetricDefinition, log: DayLog) -> float | None:
    """One day's figure for `metric`, as the scorecard would compute it from that day alone."""
    raw = getattr(log, metric.source)
    if raw is None:
        return None
    if metric.kind == "rate":
        return raw / log.contacts if log.contacts else None
    return float(raw)


def _team_recommitments(session: Session, team: Team, week: Period) -> int:
    query = select(func.coalesce(func.sum(DayLog.recommit), 0)).where(
        DayLog.rep_id.in_(select(TeamMember.rep_id).where(TeamMember.team_id == team.id)),
        DayLog.day.between(week.start, week.end),
    )
    return int(session.scalar(query))
