"""Figures too good to take on trust: a week far outside a rep's own history.

Three invented days or a mistyped figure would otherwise earn praise. A week's figure is unusual when it is better
than the rep's previous weeks by more than UNUSUAL_SPREADS of the spread one would expect: their week-to-week spread
plus the week's own sampling noise (binomial for a rate, the metric's `day_spread` for an average or a per-day
figure), so a rep with steady history and a handful of contacts is not flagged for ordinary luck. Contacts a day
far above their norm count too. Such weeks go to the lead as "check this" and are never celebrated.
Pure functions: no database, no Slack.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import fmean, pstdev

from coaching.definition import MetricDefinition, ScorecardDefinition
from coaching.evidence import Sample

UNUSUAL_SPREADS = 3.0
# Fewer earlier weeks than this say too little about a rep's norm to call anything unusual.
MIN_HISTORY_WEEKS = 4


@dataclass(frozen=True)
class Unusual:
    """`metric` None means contacts a day."""

    metric: MetricDefinition | None
    value: float
    usual: float


def unusual_figures(
    now: Mapping[str, Sample],
    days: int,
    past: Sequence[tuple[Mapping[str, Sample], int]],
    definition: ScorecardDefinition,
) -> tuple[Unusual, ...]:
    """The week's figures (`now`, from `days` logged days) far better than the rep's earlier weeks (`past`: each
    week's samples and logged days, weeks with nothing logged left out)."""
    found: list[Unusual] = []
    for metric in definition.metrics:
        sample = now.get(metric.key)
        value = sample.value if sample else None
        history = [week[metric.key].value for week, _ in past if metric.key in week]
        earlier = [figure for figure in history if figure is not None]
        if sample is None or value is None or len(earlier) < MIN_HISTORY_WEEKS:
            continue
        usual = fmean(earlier)
        noise = _sampling_spread(metric, sample, usual)
        better = (value - usual) if metric.direction == "higher" else (usual - value)
        if better > UNUSUAL_SPREADS * math.hypot(pstdev(earlier), noise):
            found.append(Unusual(metric, value, usual))
    contacts = _contacts(now)
    earlier_rates = [_contacts(week) / logged for week, logged in past if logged and _contacts(week)]
    if days and contacts and len(earlier_rates) >= MIN_HISTORY_WEEKS:
        usual = fmean(earlier_rates)
        # A day's contacts vary at least like a Poisson count around the rep's norm.
        spread = math.hypot(pstdev(earlier_rates), math.sqrt(usual / days))
        if contacts / days - usual > UNUSUAL_SPREADS * spread:
            found.append(Unusual(None, contacts / days, usual))
    return tuple(found)


def _sampling_spread(metric: MetricDefinition, sample: Sample, usual: float) -> float:
    if metric.kind == "rate":
        rate = min(max(usual, 0.01), 0.99)
        return math.sqrt(rate * (1 - rate) / sample.weight)
    return (metric.day_spread or 0.0) / math.sqrt(max(sample.days, 1))


def _contacts(samples: Mapping[str, Sample]) -> float:
    return max((sample.weight for sample in samples.values() if sample.days), default=0.0)
