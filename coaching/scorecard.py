"""The balanced scorecard: SQL aggregates over logged days, and a period's scorecard with its balanced score."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Row, case, func, select
from sqlalchemy.orm import Session

from coaching.db import among
from coaching.definition import MetricDefinition, Perspective, ScorecardDefinition, default_definition
from coaching.evidence import Sample
from coaching.models import DayLog, TeamMember
from coaching.periods import Period
from coaching.scoring import BalancedScore, balanced_score

# --- aggregates ---------------------------------------------------------------------------------

Scope = ColumnElement[bool]  # which reps' days count


def rep_scope(rep_id: int) -> Scope:
    return DayLog.rep_id == rep_id


def team_scope(team_id: int) -> Scope:
    return DayLog.rep_id.in_(select(TeamMember.rep_id).where(TeamMember.team_id == team_id))


def _aggregate_columns(definition: ScorecardDefinition) -> list[Any]:
    """Per metric: numerator, denominator, sum of squares (not for rates) and days logged; a day counts only for
    the figures it logged."""
    if definition._aggregates is None:
        definition._aggregates = _build_aggregates(definition)
    return definition._aggregates


def _build_aggregates(definition: ScorecardDefinition) -> list[Any]:
    columns: list[Any] = [func.count(DayLog.id).label("days")]
    for metric in definition.metrics:
        source = getattr(DayLog, metric.source)
        logged = source.is_not(None)
        numerator: Any
        denominator: Any
        if metric.kind == "rate":
            numerator, denominator = func.sum(source), func.sum(case((logged, DayLog.contacts)))
        elif metric.kind == "average":
            numerator, denominator = func.sum(source * DayLog.contacts), func.sum(case((logged, DayLog.contacts)))
            columns.append(func.sum(source * source * DayLog.contacts).label(f"{metric.key}__sq"))
        else:
            numerator, denominator = func.sum(source), func.count(source)
            columns.append(func.sum(source * source).label(f"{metric.key}__sq"))
        columns += [
            numerator.label(f"{metric.key}__num"),
            denominator.label(f"{metric.key}__den"),
            func.count(source).label(f"{metric.key}__days"),
        ]
    return columns


def _samples(row: Row[Any], definition: ScorecardDefinition) -> dict[str, Sample]:
    found = row._mapping
    return {
        metric.key: Sample(
            total=float(found[f"{metric.key}__num"] or 0),
            weight=float(found[f"{metric.key}__den"] or 0),
            squares=float(found.get(f"{metric.key}__sq") or 0),
            days=int(found[f"{metric.key}__days"] or 0),
        )
        for metric in definition.metrics
    }


@dataclass(frozen=True)
class Figures:
    days: int
    samples: dict[str, Sample]

    @property
    def values(self) -> dict[str, float | None]:
        return {key: sample.value for key, sample in self.samples.items()}

    @property
    def contacts(self) -> float:
        """Contacts behind the figures: the most any rate or average rests on."""
        return max((sample.weight for sample in self.samples.values() if sample.days), default=0.0)


def span_figures(session: Session, scope: Scope, first: date, last: date, definition: ScorecardDefinition) -> Figures:
    query = select(*_aggregate_columns(definition)).where(scope, DayLog.day >= first, DayLog.day <= last)
    row = session.execute(query).one()
    return Figures(row.days, _samples(row, definition))


def figures_by_rep(
    session: Session, rep_ids: Collection[int], first: date, last: date, definition: ScorecardDefinition
) -> dict[int, Figures]:
    """Each rep's figures over the same days, in one grouped query; reps with no logged day are left out."""
    query = (
        select(DayLog.rep_id, *_aggregate_columns(definition))
        .where(among(DayLog.rep_id, rep_ids), DayLog.day >= first, DayLog.day <= last)
        .group_by(DayLog.rep_id)
    )
    return {row.rep_id: Figures(row.days, _samples(row, definition)) for row in session.execute(query)}


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
    targets = definition.default_targets() | dict(target_overrides or {})
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
