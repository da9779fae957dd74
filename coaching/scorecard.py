"""The balanced scorecard: SQL aggregates over logged days, and a period's scorecard with its balanced score."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from coaching.db import among
from coaching.definition import MetricDefinition, Perspective, ScorecardDefinition, default_definition
from coaching.models import DayLog, TeamMember
from coaching.periods import Period

# --- aggregates ---------------------------------------------------------------------------------

Scope = ColumnElement[bool]  # which reps' days count


def rep_scope(rep_id: int) -> Scope:
    return DayLog.rep_id == rep_id


def team_scope(team_id: int) -> Scope:
    return DayLog.rep_id.in_(select(TeamMember.rep_id).where(TeamMember.team_id == team_id))


def _aggregate_columns(definition: ScorecardDefinition) -> list:
    """Numerator and denominator per metric; a day counts only for the figures it logged."""
    if definition._aggregates is None:
        definition._aggregates = _build_aggregates(definition)
    return definition._aggregates


def _build_aggregates(definition: ScorecardDefinition) -> list:
    columns = [func.count(DayLog.id).label("days")]
    for metric in definition.metrics:
        source = getattr(DayLog, metric.source)
        logged = source.is_not(None)
        if metric.kind == "rate":
            numerator, denominator = func.sum(source), func.sum(case((logged, DayLog.contacts)))
        elif metric.kind == "average":
            numerator, denominator = func.sum(source * DayLog.contacts), func.sum(case((logged, DayLog.contacts)))
        else:
            numerator, denominator = func.sum(source), func.count(source)
        columns += [numerator.label(f"{metric.key}__num"), denominator.label(f"{metric.key}__den")]
    return columns


def _values(row, definition: ScorecardDefinition) -> dict[str, float | None]:
    values: dict[str, float | None] = {}
    for metric in definition.metrics:
        numerator, denominator = row._mapping[f"{metric.key}__num"], row._mapping[f"{metric.key}__den"]
        values[metric.key] = float(numerator) / float(denominator) if numerator is not None and denominator else None
    return values


@dataclass(frozen=True)
class Figures:
    days: int
    values: dict[str, float | None]


def span_figures(session: Session, scope: Scope, first: date, last: date, definition: ScorecardDefinition) -> Figures:
    query = select(*_aggregate_columns(definition)).where(scope, DayLog.day >= first, DayLog.day <= last)
    row = session.execute(query).one()
    return Figures(row.days, _values(row, definition))


def figures_by_rep(
    session: Session, rep_ids: Collection[int], first: date, last: date, definition: ScorecardDefinition
) -> dict[int, Figures]:
    """Each rep's figures over the same days, in one grouped query; reps with no logged day are left out."""
    query = (
        select(DayLog.rep_id, *_aggregate_columns(definition))
        .where(among(DayLog.rep_id, rep_ids), DayLog.day >= first, DayLog.day <= last)
        .group_by(DayLog.rep_id)
    )
    return {row.rep_id: Figures(row.days, _values(row, definition)) for row in session.execute(query)}


# --- the balanced score --------------------------------------------------------------------------


@dataclass(frozen=True)
class BalancedScore:
    value: float | None
    # Customer metrics below target; while there are any, process, growth and learning gains do not count.
    customer_below_target: tuple[str, ...]


def balanced_score(
    values: Mapping[str, float | None], definition: ScorecardDefinition, targets: Mapping[str, float]
) -> BalancedScore:
    """0 to 100: the weighted share of targets met, with the customer first.

    While any customer metric is below target, only the customer perspective counts, and the score
    is capped below what meeting every customer target gives. So cutting handle time or selling
    more can never lift the score while a customer metric slips.
    """
    earned = possible = 0.0
    below: list[str] = []
    others: list[tuple[float, float]] = []
    for metric in definition.metrics:
        value = values.get(metric.key)
        if value is None:
            continue
        attainment = metric.attainment(value, targets[metric.key])
        possible += metric.weight
        if metric.perspective == "customer":
            earned += metric.weight * attainment
            if not metric.meets(value, targets[metric.key]):
                below.append(metric.key)
        else:
            others.append((metric.weight, attainment))
    if not possible:
        return BalancedScore(None, ())
    if not below:
        earned += sum(weight * attainment for weight, attainment in others)
    return BalancedScore(round(100 * earned / possible, 1), tuple(below))


# --- the scorecard -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MetricLine:
    definition: MetricDefinition
    target: float
    value: float | None
    previous: float | None

    @property
    def meets_target(self) -> bool | None:
        return None if self.value is None else self.definition.meets(self.value, self.target)

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def improved(self) -> bool | None:
        change = self.change
        if change is None or not self.definition.visible(change):
            return None
        return (change > 0) == (self.definition.direction == "higher")


@dataclass(frozen=True)
class Scorecard:
    period: Period
    days_logged: int
    lines: list[MetricLine]
    score: BalancedScore
    previous_score: BalancedScore

    def perspective(self, name: Perspective) -> list[MetricLine]:
        return [line for line in self.lines if line.definition.perspective == name]


def build_scorecard(
    session: Session,
    scope: Scope,
    period: Period,
    definition: ScorecardDefinition | None = None,
    target_overrides: Mapping[str, float] | None = None,
) -> Scorecard:
    definition = definition or default_definition()
    targets = {metric.key: metric.target for metric in definition.metrics} | dict(target_overrides or {})
    before = period.previous()
    current = span_figures(session, scope, period.start, period.end, definition)
    previous = span_figures(session, scope, before.start, before.end, definition)
    lines = [
        MetricLine(metric, targets[metric.key], current.values[metric.key], previous.values[metric.key])
        for metric in definition.metrics
    ]
    return Scorecard(
        period,
        current.days,
        lines,
        balanced_score(current.values, definition, targets),
        balanced_score(previous.values, definition, targets),
    )
